/*
 * The database module against a real PostgreSQL, started by
 * tests/db.test: FOOTFALL_TEST_DSN connects as the application role,
 * FOOTFALL_TEST_ADMIN_DSN as a superuser that ages rows in SQL (no
 * sleeping) and checks what was stored.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <libpq-fe.h>

#include "footfall.h"

#define WINDOW	86400

static PGconn	*admin;
static struct db *db;

static void
admin_exec(const char *sql)
{
	PGresult	*res = PQexec(admin, sql);

	cr_assert(PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql,
	    PQresultErrorMessage(res));
	PQclear(res);
}

static void
setup(void)
{
	const char	*dsn = getenv("FOOTFALL_TEST_DSN");
	const char	*adsn = getenv("FOOTFALL_TEST_ADMIN_DSN");

	cr_assert_not_null(dsn, "FOOTFALL_TEST_DSN is not set (run tests/db.test)");
	cr_assert_not_null(adsn, "FOOTFALL_TEST_ADMIN_DSN is not set");
	admin = PQconnectdb(adsn);
	cr_assert_eq(PQstatus(admin), CONNECTION_OK, "%s", PQerrorMessage(admin));
	admin_exec("TRUNCATE footfall.visitor, footfall.visitor_key, "
	    "footfall.visit_log, footfall.daily, footfall.counter_total, "
	    "footfall.page, footfall.page_total, footfall.page_daily, "
	    "footfall.page_day; "
	    "DELETE FROM footfall.counter WHERE name <> 'default'");
	db = db_open(dsn, 2000, 2);
	cr_assert_not_null(db);
}

static void
teardown(void)
{
	db_close(db);
	PQfinish(admin);
}

static void
hash_of(int n, unsigned char h[VISITOR_LEN])
{
	memset(h, 0, VISITOR_LEN);
	h[0] = (unsigned char)n;
	h[VISITOR_LEN - 1] = 0xff;	/* not valid UTF-8: must travel as bytea */
}

/*
 * The nt tracked visits of h[0..nt-1] (with the previous key's hashes
 * p, or NULL), then nu untracked ones, for the counter "default" in one
 * batch, as footfall records them.
 */
static enum db_status
record(struct db *d, const unsigned char (*h)[VISITOR_LEN],
    const unsigned char (*p)[VISITOR_LEN], size_t nt, size_t nu,
    struct counts *c)
{
	static struct db_visit	 v[DB_BATCH_MAX + 1];
	struct db_count_opts	 o;
	size_t			 i;

	memset(&o, 0, sizeof(o));
	o.window = WINDOW;
	o.max_counters = -1;
	for (i = 0; i < nt + nu && i < DB_BATCH_MAX + 1; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		v[i].counter = COUNTER_DEFAULT;
		v[i].kind = i < nt ? VISIT_TRACKED : VISIT_UNTRACKED;
		v[i].hash = i < nt ? h[i] : NULL;
		v[i].prev = i < nt && p != NULL ? p[i] : NULL;
	}
	return db_count_visits(d, v, nt + nu, &o, c);
}

/* One tracked visit of h. */
static enum db_status
record1(struct db *d, const unsigned char h[VISITOR_LEN], struct counts *c)
{
	return record(d, (const unsigned char (*)[VISITOR_LEN])h, NULL, 1, 0, c);
}

/* The numbers of "default", as a GET of /count reads them. */
static enum db_status
read_default(struct counts *c)
{
	const char	*name = COUNTER_DEFAULT;

	return db_read_counters(db, &name, NULL, 1, c);
}

TestSuite(db, .init = setup, .fini = teardown);

Test(db, first_and_repeat_visits)
{
	unsigned char	 h[VISITOR_LEN];
	struct counts	 c;

	hash_of(1, h);
	cr_assert_eq(record1(db, h, &c), DB_OK);
	cr_assert_eq(c.total, 1);
	cr_assert_eq(c.uniques, 1);
	cr_assert_eq(c.is_new, 1);
	cr_assert_eq(record1(db, h, &c), DB_OK);
	cr_assert_eq(c.total, 2);
	cr_assert_eq(c.uniques, 1);
	cr_assert_eq(c.is_new, 0);
	hash_of(2, h);
	cr_assert_eq(record1(db, h, &c), DB_OK);
	cr_assert_eq(c.total, 3);
	cr_assert_eq(c.uniques, 2);
	cr_assert_eq(c.is_new, 1);
	cr_assert_eq(read_default(&c), DB_OK);
	cr_assert_eq(c.total, 3);
	cr_assert_eq(c.uniques, 2);
	cr_assert_eq(c.is_new, -1);
}

Test(db, window_is_24_hours)
{
	unsigned char	 h[VISITOR_LEN];
	struct counts	 c;

	hash_of(3, h);
	cr_assert_eq(record1(db, h, &c), DB_OK);
	cr_assert_eq(c.is_new, 1);
	/* 23 hours later: the same visitor. */
	admin_exec("UPDATE footfall.visitor SET counted_at = now() - "
	    "interval '23 hours'");
	cr_assert_eq(record1(db, h, &c), DB_OK);
	cr_assert_eq(c.is_new, 0);
	cr_assert_eq(c.uniques, 1);
	/* 25 hours later: counted again. */
	admin_exec("UPDATE footfall.visitor SET counted_at = now() - "
	    "interval '25 hours'");
	cr_assert_eq(record1(db, h, &c), DB_OK);
	cr_assert_eq(c.is_new, 1);
	cr_assert_eq(c.uniques, 2);
	cr_assert_eq(c.total, 3);
	/* And the window starts again from that visit. */
	cr_assert_eq(record1(db, h, &c), DB_OK);
	cr_assert_eq(c.is_new, 0);
}

Test(db, stores_only_the_hash)
{
	unsigned char	 h[VISITOR_LEN];
	struct counts	 c;
	PGresult	*res;

	hash_of(4, h);
	cr_assert_eq(record1(db, h, &c), DB_OK);
	res = PQexec(admin, "SELECT encode(hash, 'hex') FROM footfall.visitor");
	cr_assert_eq(PQntuples(res), 1);
	cr_assert_str_eq(PQgetvalue(res, 0, 0),
	    "040000000000000000000000000000ff");
	PQclear(res);
}

/* The application role may only EXECUTE: every table access fails. */
Test(db, app_role_cannot_touch_tables)
{
	static const char *const stmts[] = {
		"SELECT * FROM footfall.visitor",
		"SELECT * FROM footfall.counter_total",
		"UPDATE footfall.counter_total SET visits = 0",
		"DELETE FROM footfall.visitor",
		"INSERT INTO footfall.counter_total (slot) VALUES (99)",
		"TRUNCATE footfall.visitor",
		"SELECT * FROM footfall.visitor_key",
		"DELETE FROM footfall.visitor_key",
		"SELECT * FROM footfall.counter",
		"INSERT INTO footfall.counter (name) VALUES ('x')",
		"UPDATE footfall.counter SET name = 'x'",
		"DELETE FROM footfall.counter",
		"SELECT * FROM footfall.daily",
		"INSERT INTO footfall.daily (counter, day, slot) "
		    "VALUES (1, '2026-01-01', 0)",
		"UPDATE footfall.daily SET visits = 0",
		"DELETE FROM footfall.daily",
		"SELECT * FROM footfall.visit_log",
		"INSERT INTO footfall.visit_log (at, counter, is_new) "
		    "VALUES (now(), 1, true)",
		"UPDATE footfall.visit_log SET path = NULL",
		"DELETE FROM footfall.visit_log",
		"TRUNCATE footfall.visit_log",
	};
	PGconn		*app;
	PGresult	*res;
	const char	*state;
	size_t		 i;

	app = PQconnectdb(getenv("FOOTFALL_TEST_DSN"));
	cr_assert_eq(PQstatus(app), CONNECTION_OK);
	for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		res = PQexec(app, stmts[i]);
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		cr_expect(state != NULL && strcmp(state, "42501") == 0,
		    "%s: want insufficient_privilege, got %s", stmts[i],
		    state == NULL ? "success" : state);
		PQclear(res);
	}
	res = PQexec(app, "SELECT * FROM footfall_api.read_counts()");
	cr_expect_eq(PQresultStatus(res), PGRES_TUPLES_OK,
	    "the app role can call read_counts: %s", PQresultErrorMessage(res));
	PQclear(res);
	res = PQexec(app, "SELECT * FROM "
	    "footfall_api.read_counters(ARRAY['default'])");
	cr_expect_eq(PQresultStatus(res), PGRES_TUPLES_OK,
	    "the app role can call read_counters: %s",
	    PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(app);
}

Test(db, unreachable_database_is_unavailable)
{
	struct db	*bad;
	struct counts	 c;
	unsigned char	 h[VISITOR_LEN];

	bad = db_open("host=/nonexistent-footfall-dir dbname=x", 2000, 2);
	cr_assert_not_null(bad);
	hash_of(5, h);
	cr_expect_eq(record1(bad, h, &c), DB_UNAVAILABLE);
	cr_expect_eq(db_ping(bad), DB_UNAVAILABLE);
	db_close(bad);
	cr_assert_eq(read_default(&c), DB_OK);
	cr_expect_eq(c.total, 0, "nothing was counted");
}

/*
 * One transaction for many visits: each gets the numbers it would have
 * had alone, in order; of a visitor repeated in the batch only the first
 * visit is new.
 */
Test(db, batch_results_are_per_visit)
{
	static const struct {
		int		 who;
		long long	 total, uniques;
		int		 is_new;
	} t[] = {
		{ 1, 1, 1, 1 }, { 2, 2, 2, 1 }, { 1, 3, 2, 0 }, { 3, 4, 3, 1 },
		{ 1, 5, 3, 0 }, { 2, 6, 3, 0 }, { 4, 7, 4, 1 },
	};
	unsigned char	 h[7][VISITOR_LEN];
	struct counts	 c[7];
	size_t		 i;

	for (i = 0; i < 7; i++)
		hash_of(t[i].who, h[i]);
	cr_assert_eq(record(db, (const unsigned char (*)[VISITOR_LEN])h,
	    NULL, 7, 0, c), DB_OK);
	for (i = 0; i < 7; i++) {
		cr_expect_eq(c[i].total, t[i].total, "visit %zu total", i);
		cr_expect_eq(c[i].uniques, t[i].uniques, "visit %zu uniques", i);
		cr_expect_eq(c[i].is_new, t[i].is_new, "visit %zu is_new", i);
	}
	/* A second batch continues from there; 1 and 4 are not new. */
	hash_of(4, h[0]);
	hash_of(5, h[1]);
	hash_of(1, h[2]);
	cr_assert_eq(record(db, (const unsigned char (*)[VISITOR_LEN])h,
	    NULL, 3, 0, c), DB_OK);
	cr_expect(c[0].total == 8 && c[0].uniques == 4 && !c[0].is_new);
	cr_expect(c[1].total == 9 && c[1].uniques == 5 && c[1].is_new);
	cr_expect(c[2].total == 10 && c[2].uniques == 5 && !c[2].is_new);
	cr_assert_eq(read_default(&c[0]), DB_OK);
	cr_expect(c[0].total == 10 && c[0].uniques == 5, "stored totals");
}

/* A visitor whose window ran out is new again, also inside a batch. */
Test(db, batch_window)
{
	unsigned char	 h[3][VISITOR_LEN];
	struct counts	 c[3];

	hash_of(1, h[0]);
	cr_assert_eq(record1(db, h[0], c), DB_OK);
	admin_exec("UPDATE footfall.visitor SET counted_at = now() - "
	    "interval '25 hours'");
	hash_of(1, h[1]);
	hash_of(1, h[2]);
	cr_assert_eq(record(db, (const unsigned char (*)[VISITOR_LEN])h,
	    NULL, 3, 0, c), DB_OK);
	cr_expect(c[0].is_new == 1 && c[1].is_new == 0 && c[2].is_new == 0,
	    "the first visit after the window is new, the rest are not");
	cr_expect(c[2].total == 4 && c[2].uniques == 2);
}

/* All or nothing: a batch the database refuses records no visit. */
Test(db, batch_is_atomic)
{
	PGresult	*res;
	struct counts	 c;
	unsigned char	 h[DB_BATCH_MAX + 1][VISITOR_LEN];

	memset(h, 0, sizeof(h));
	cr_expect_eq(record(db, (const unsigned char (*)[VISITOR_LEN])h,
	    NULL, 0, 0, &c), DB_FAILED, "an empty batch is refused");
	cr_expect_eq(record(db, (const unsigned char (*)[VISITOR_LEN])h,
	    NULL, DB_BATCH_MAX + 1, 0, &c), DB_FAILED, "so is one too big");
	cr_assert_eq(read_default(&c), DB_OK);
	cr_expect_eq(c.total, 0, "nothing was counted");
	res = PQexec(admin, "SELECT count(*) FROM footfall.visitor");
	cr_expect_str_eq(PQgetvalue(res, 0, 0), "0", "no visitor stored");
	PQclear(res);
}

/* The largest batch footfall sends, in one round trip. */
Test(db, batch_max)
{
	static unsigned char	 h[DB_BATCH_MAX][VISITOR_LEN];
	static struct counts	 c[DB_BATCH_MAX];
	size_t			 i;

	for (i = 0; i < DB_BATCH_MAX; i++) {
		memset(h[i], 0xab, VISITOR_LEN);
		h[i][0] = (unsigned char)(i & 0xff);
		h[i][1] = (unsigned char)(i >> 8);
	}
	cr_assert_eq(record(db, (const unsigned char (*)[VISITOR_LEN])h,
	    NULL, DB_BATCH_MAX, 0, c), DB_OK);
	for (i = 0; i < DB_BATCH_MAX; i++)
		cr_expect(c[i].total == (long long)i + 1 &&
		    c[i].uniques == (long long)i + 1 && c[i].is_new,
		    "visit %zu", i);
}

/*
 * Visitor keys: one per period, the same for every caller, the previous
 * one alive until its period and one window are over, then deleted.
 */
Test(db, visitor_keys)
{
	unsigned char	 c1[HASH_KEY_LEN], c2[HASH_KEY_LEN];
	unsigned char	 first[HASH_KEY_LEN], second[HASH_KEY_LEN];
	struct db_key	 k[2], k2[2];
	char		 sql[512];
	double		 left;
	size_t		 n, i;

	memset(c1, 0x11, sizeof(c1));
	memset(c2, 0x22, sizeof(c2));
	cr_assert_eq(db_visitor_keys(db, 86400, WINDOW, c1, k, &n, &left),
	    DB_OK);
	cr_assert_eq(n, 1, "no previous key yet");
	/* PostgreSQL may log the candidate: the key is not the candidate. */
	cr_expect(memcmp(k[0].key, c1, HASH_KEY_LEN) != 0,
	    "the candidate is mixed with the database's randomness");
	memcpy(first, k[0].key, HASH_KEY_LEN);
	cr_expect_eq(k[0].period_start % 86400, 0, "periods are aligned");
	cr_expect(left > 0 && left <= 86400, "current for %f s more", left);
	cr_assert_eq(db_visitor_keys(db, 86400, WINDOW, c2, k2, &n, &left),
	    DB_OK);
	cr_assert_eq(n, 1);
	cr_expect_arr_eq(k2[0].key, first, HASH_KEY_LEN,
	    "a second caller gets the same key, not its candidate");

	/* A day later: the old key is the previous one. */
	admin_exec("UPDATE footfall.visitor_key SET "
	    "period_start = period_start - interval '1 day', "
	    "expires_at = expires_at - interval '1 day'");
	cr_assert_eq(db_visitor_keys(db, 86400, WINDOW, c2, k2, &n, &left),
	    DB_OK);
	cr_assert_eq(n, 2);
	cr_expect(memcmp(k2[0].key, first, HASH_KEY_LEN) != 0 &&
	    memcmp(k2[0].key, c2, HASH_KEY_LEN) != 0, "a new current key");
	memcpy(second, k2[0].key, HASH_KEY_LEN);
	cr_expect_arr_eq(k2[1].key, first, HASH_KEY_LEN,
	    "the old one is previous");
	cr_expect_eq(k2[1].period_start, k[0].period_start - 86400);

	/* Another day: the first key's window is over, it is deleted. */
	admin_exec("UPDATE footfall.visitor_key SET "
	    "period_start = period_start - interval '1 day', "
	    "expires_at = expires_at - interval '1 day'");
	memset(c1, 0x33, sizeof(c1));
	cr_assert_eq(db_visitor_keys(db, 86400, WINDOW, c1, k2, &n, &left),
	    DB_OK);
	cr_assert_eq(n, 2);
	cr_expect(memcmp(k2[0].key, second, HASH_KEY_LEN) != 0 &&
	    memcmp(k2[0].key, first, HASH_KEY_LEN) != 0);
	cr_expect_arr_eq(k2[1].key, second, HASH_KEY_LEN);
	n = (size_t)snprintf(sql, sizeof(sql), "DO $$ BEGIN IF (SELECT "
	    "count(*) FROM footfall.visitor_key) <> 2 OR EXISTS (SELECT FROM "
	    "footfall.visitor_key WHERE key = '\\x");
	for (i = 0; i < HASH_KEY_LEN; i++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%02x",
		    first[i]);
	snprintf(sql + n, sizeof(sql) - n, "') THEN RAISE 'the expired key "
	    "is still stored'; END IF; END $$");
	admin_exec(sql);

	cr_expect_eq(db_visitor_keys(db, 3600, WINDOW, c1, k2, &n, &left),
	    DB_FAILED, "a key period shorter than the window is refused");
}

/*
 * A visitor counted under the previous key within the window is not new
 * under the current one, and keeps its counted_at; one counted before
 * the window is new.
 */
Test(db, previous_key_carries_the_window)
{
	unsigned char	 h[3][VISITOR_LEN], p[3][VISITOR_LEN];
	struct counts	 c[3];
	int		 i;

	for (i = 0; i < 3; i++) {
		hash_of(10 + i, h[i]);
		hash_of(20 + i, p[i]);
	}
	/* p[0]: seen 22 h ago; p[1]: 25 h ago; p[2]: never. */
	admin_exec("INSERT INTO footfall.visitor VALUES "
	    "('\\x140000000000000000000000000000ff',"
	    " now() - interval '22 hours'), "
	    "('\\x150000000000000000000000000000ff',"
	    " now() - interval '25 hours')");
	cr_assert_eq(record(db, (const unsigned char (*)[VISITOR_LEN])h,
	    (const unsigned char (*)[VISITOR_LEN])p, 3, 0, c), DB_OK);
	cr_expect(!c[0].is_new, "seen 22 h ago under the previous key");
	cr_expect(c[1].is_new, "seen 25 h ago: the window had passed");
	cr_expect(c[2].is_new, "never seen");
	cr_expect(c[2].total == 3 && c[2].uniques == 2);
	/* The carried row expires when the old one would have. */
	admin_exec("DO $$ BEGIN IF (SELECT counted_at FROM footfall.visitor "
	    "WHERE hash = '\\x0a0000000000000000000000000000ff')"
	    " > now() - interval '21 hours' THEN "
	    "RAISE 'counted_at was not carried'; END IF; END $$");
	/* Two hours later (simulated) the carried visitor is new again. */
	admin_exec("UPDATE footfall.visitor SET "
	    "counted_at = counted_at - interval '2 hours'");
	cr_assert_eq(record(db, (const unsigned char (*)[VISITOR_LEN])h,
	    NULL, 1, 0, c), DB_OK);
	cr_expect(c[0].is_new, "its window, carried over, has passed");
}

/* Untracked visits (DNT): in the total, nowhere else. */
Test(db, untracked_visits)
{
	unsigned char	 h[2][VISITOR_LEN];
	struct counts	 c[5];

	hash_of(1, h[0]);
	hash_of(2, h[1]);
	cr_assert_eq(record(db, NULL, NULL, 0, 2, c), DB_OK);
	cr_expect(c[0].total == 1 && c[1].total == 2, "totals %lld %lld",
	    c[0].total, c[1].total);
	cr_expect(c[0].uniques == 0 && c[1].uniques == 0);
	cr_expect(!c[0].is_new && !c[1].is_new);
	cr_assert_eq(record(db, (const unsigned char (*)[VISITOR_LEN])h,
	    NULL, 2, 3, c), DB_OK);
	cr_expect(c[0].is_new && c[1].is_new && !c[2].is_new &&
	    !c[3].is_new && !c[4].is_new);
	cr_expect(c[4].total == 7 && c[4].uniques == 2);
	admin_exec("DO $$ BEGIN IF (SELECT count(*) FROM footfall.visitor) <> 2"
	    " THEN RAISE 'untracked visits left rows'; END IF; END $$");
}

/* Removal: expired visitors in batches, expired keys, nothing else. */
Test(db, purge)
{
	long long	 n[3] = { -1, -1, -1 };

	admin_exec("INSERT INTO footfall.visitor SELECT vkey(i::text::bytea),"
	    " now() - make_interval(hours => CASE WHEN i <= 5 THEN 25 "
	    "ELSE 23 END) FROM generate_series(1, 8) i");
	admin_exec("INSERT INTO footfall.visitor_key VALUES "
	    "(now() - interval '3 days', sha256('old'), now() - interval '1 s'),"
	    "(now() - interval '1 day', sha256('live'), now() + interval '1 h')");
	cr_assert_eq(db_purge(db, WINDOW, 3, 86400, n), DB_OK);
	cr_expect(n[0] == 3 && n[1] == 1 && n[2] == 0,
	    "first batch: %lld visitors, %lld keys", n[0], n[1]);
	cr_assert_eq(db_purge(db, WINDOW, 3, 86400, n), DB_OK);
	cr_expect(n[0] == 2 && n[1] == 0, "rest: %lld visitors, %lld keys",
	    n[0], n[1]);
	cr_assert_eq(db_purge(db, WINDOW, 3, 86400, n), DB_OK);
	cr_expect(n[0] == 0 && n[1] == 0);
	admin_exec("DO $$ BEGIN IF (SELECT count(*) FROM footfall.visitor) <> 3"
	    " OR (SELECT count(*) FROM footfall.visitor_key) <> 1 THEN "
	    "RAISE 'purge removed the wrong rows'; END IF; END $$");
}

/* Named counters (sql/005): db_count_visits and the reads around it. */

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The first cell of the only row of a query on connection c, as text
 * ("" for NULL); rows are joined into one cell with string_agg by the
 * callers.
 */
static const char *
cell(PGconn *c, const char *sql)
{
	static char	 buf[8192];
	PGresult	*res = PQexec(c, sql);

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s: %s", sql,
	    PQresultErrorMessage(res));
	cr_assert_eq(PQntuples(res), 1, "%s: %d rows", sql, PQntuples(res));
	snprintf(buf, sizeof(buf), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return buf;
}

static const char *
admin_get(const char *sql)
{
	return cell(admin, sql);
}

/*
 * The batch id (sql/007): count_batch writes it in its own transaction,
 * and batch_committed, asked after a lost commit, answers true for a
 * committed batch and false for one that did not commit, which then
 * never can: its id is taken by the tombstone.
 */
#define BATCH_CALL	"SELECT batch_id FROM footfall_api.count_batch(" \
	"ARRAY['default'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, " \
	"NULL, NULL, 86400, 0, NULL, false)"

static const char *
batch_committed(PGconn *c, const char *id)
{
	char	sql[128];

	snprintf(sql, sizeof(sql),
	    "SELECT footfall_api.batch_committed('%s')", id);
	return cell(c, sql);
}

Test(db, batch_id_resolves_commits)
{
	PGconn		*app;
	PGresult	*res;
	char		 id[64], sql[256];

	app = PQconnectdb(getenv("FOOTFALL_TEST_DSN"));
	cr_assert_eq(PQstatus(app), CONNECTION_OK);
	/* Committed: its row is there, and stays one. */
	snprintf(id, sizeof(id), "%s", cell(app, BATCH_CALL));
	cr_expect_str_eq(batch_committed(app, id), "t", "a committed batch");
	cr_expect_str_eq(batch_committed(app, id), "t", "asked again");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM footfall.batch "
	    "WHERE id = '%s'", id);
	cr_expect_str_eq(admin_get(sql), "1");

	/* Rolled back: not committed, and its id is taken for good. */
	admin_exec("BEGIN");
	snprintf(id, sizeof(id), "%s", admin_get(BATCH_CALL));
	admin_exec("ROLLBACK");
	cr_expect_str_eq(batch_committed(app, id), "f", "a rolled-back batch");
	cr_expect_str_eq(batch_committed(app, id), "t",
	    "its tombstone answers as a committed batch would: never again");
	snprintf(sql, sizeof(sql), "INSERT INTO footfall.batch (id) "
	    "VALUES ('%s')", id);
	res = PQexec(admin, sql);
	cr_expect_str_eq(PQresultErrorField(res, PG_DIAG_SQLSTATE), "23505",
	    "the batch could not commit now");
	PQclear(res);

	/*
	 * Still committing (its backend has not seen the connection go):
	 * the question waits for the outcome rather than guess.
	 */
	admin_exec("BEGIN");
	snprintf(id, sizeof(id), "%s", admin_get(BATCH_CALL));
	snprintf(sql, sizeof(sql),
	    "SELECT footfall_api.batch_committed('%s')", id);
	cr_assert(PQsendQuery(app, sql));
	usleep(200000);
	cr_assert(PQconsumeInput(app));
	cr_expect(PQisBusy(app), "waits while the batch is in progress");
	admin_exec("COMMIT");
	res = PQgetResult(app);
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s",
	    PQresultErrorMessage(res));
	cr_expect_str_eq(PQgetvalue(res, 0, 0), "t", "then answers committed");
	PQclear(res);
	while ((res = PQgetResult(app)) != NULL)
		PQclear(res);
	PQfinish(app);
}

/*
 * The ids are UUIDs of version 7: the time first, so later ones sort
 * later; the purge takes those over an hour old and no others.
 */
Test(db, batch_ids_ordered_and_purged)
{
	long long	 n[3];

	cr_expect_str_eq(admin_get("SELECT substr(footfall.uuid7(now())::text, "
	    "15, 1)"), "7", "version 7");
	cr_expect_str_eq(admin_get("SELECT footfall.uuid7(now() - interval "
	    "'1 ms') < footfall.uuid7(now(), false) AND footfall.uuid7(now(), "
	    "false) < footfall.uuid7(now() + interval '1 ms')"), "t",
	    "ordered by time");
	cr_expect_str_eq(admin_get("SELECT count(DISTINCT footfall.uuid7(now()))"
	    " FROM generate_series(1, 1000)"), "1000", "random within a ms");
	admin_exec("TRUNCATE footfall.batch");
	admin_exec("INSERT INTO footfall.batch (id, at) SELECT "
	    "footfall.uuid7(now() - make_interval(mins => m)), "
	    "now() - make_interval(mins => m) "
	    "FROM generate_series(5, 125, 10) m");
	cr_assert_eq(db_purge(db, WINDOW, 1000, 86400, n), DB_OK);
	cr_expect_str_eq(admin_get("SELECT count(*) || ' ' || "
	    "bool_and(at > now() - interval '1 hour') FROM footfall.batch"),
	    "6 true", "the ids of the last hour are kept, the rest gone");
}

/* Visitor hashes hs[1..15], as hash_of makes them. */
static unsigned char hs[16][VISITOR_LEN];

/* A visit for counter c of kind k; a tracked one is visitor who's. */
static struct db_visit
visit(const char *c, enum visit_kind k, int who)
{
	struct db_visit	 v;

	memset(&v, 0, sizeof(v));
	v.counter = c;
	v.kind = k;
	if (k == VISIT_TRACKED) {
		hash_of(who, hs[who]);
		v.hash = hs[who];
	}
	return v;
}

static struct db_count_opts
opts(unsigned int interval, long long max, int log)
{
	struct db_count_opts	 o;

	memset(&o, 0, sizeof(o));
	o.window = WINDOW;
	o.interval = interval;
	o.max_counters = max;
	o.log = log;
	return o;
}

/*
 * The sums "visits/uniques/bots" of counter name's rows in table
 * (counter_total, or daily: UTC today's), "" if it has none.
 */
static const char *
sums(const char *table, const char *name)
{
	char	 sql[320];

	snprintf(sql, sizeof(sql), "SELECT coalesce((SELECT sum(t.visits) || "
	    "'/' || sum(t.uniques) || '/' || sum(t.bots) FROM footfall.%s t "
	    "JOIN footfall.counter x ON x.id = t.counter WHERE x.name = '%s'%s), "
	    "'')", table, name, strcmp(table, "daily") == 0 ?
	    " AND t.day = (now() AT TIME ZONE 'UTC')::date" : "");
	return admin_get(sql);
}

static const char *
stored(const char *name)
{
	return sums("counter_total", name);
}

static const char *
stored_today(const char *name)
{
	return sums("daily", name);
}

static const char *
counter_names(void)
{
	return admin_get("SELECT coalesce(string_agg(name, ',' ORDER BY name "
	    "COLLATE \"C\"), '') FROM footfall.counter");
}

/*
 * One visit's outcome in the tables below: "total/uniques/flags".  The
 * flags C (counted), B (bot) and T (tracked) follow from the visit's kind
 * and the others (handle_outcome, tests/test_handle.c): not checked here.
 */
static void
expect_counts(const struct counts *c, const char *want, const char *what,
    size_t i)
{
	long long	 t, u;
	char		 f[16] = "";

	cr_assert(sscanf(want, "%lld/%lld/%15[A-Z]", &t, &u, f) >= 2,
	    "bad expectation %s", want);
	cr_expect_eq(c->total, t, "%s visit %zu total %lld", what, i, c->total);
	cr_expect_eq(c->uniques, u, "%s visit %zu uniques %lld", what, i,
	    c->uniques);
	cr_expect_eq(c->is_new, strchr(f, 'N') != NULL, "%s visit %zu is_new",
	    what, i);
	cr_expect_eq(c->repeat, strchr(f, 'R') != NULL, "%s visit %zu repeat",
	    what, i);
	cr_expect_eq(c->found, strchr(f, 'X') == NULL, "%s visit %zu found",
	    what, i);
}

/*
 * Record the visits of spec in one batch, as o says, and check each
 * one's outcome against want (expect_counts' "total/uniques/flags", one
 * a visit).  A visit is "name:k", k t (tracked, with visitor n's hash
 * for "name:tn"), u (untracked) or b (a bot).
 */
static void
batch(const struct db_count_opts *o, const char *spec, const char *want)
{
	struct db_visit	 v[8];
	struct counts	 c[8];
	char		 names[8][COUNTER_MAX + 3], wbuf[256], *w, *save;
	char		 kind;
	size_t		 n = 0, i;
	int		 who, len;

	while (*spec != '\0') {
		cr_assert(n < 8 && sscanf(spec, " %65[^:]:%c%n", names[n], &kind,
		    &len) == 2, "bad spec %s", spec);
		spec += len;
		who = (int)strtol(spec, (char **)&spec, 10);
		v[n] = visit(names[n], kind == 't' ? VISIT_TRACKED : kind == 'u' ?
		    VISIT_UNTRACKED : VISIT_BOT, who);
		n++;
	}
	cr_assert_eq(db_count_visits(db, v, n, o, c), DB_OK);
	snprintf(wbuf, sizeof(wbuf), "%s", want);
	for (i = 0, w = strtok_r(wbuf, " ", &save); i < n;
	    i++, w = strtok_r(NULL, " ", &save)) {
		cr_assert_not_null(w, "want %zu outcomes: %s", n, want);
		expect_counts(&c[i], w, v[i].counter, i);
	}
	cr_assert_null(w, "more outcomes than visits: %s", want);
}

/*
 * A visit's outcome from count_batch's row, without a database: the
 * row's refused, is_new and counted for a visit of kind, with its
 * numbers; want is expect_counts' "total/uniques/flags", "" if the row
 * must be rejected.  Arrays, not pointers: Criterion hands each case to
 * another process.
 */
struct outcome_case {
	enum visit_kind	 kind;
	int		 refused, is_new, counted;
	long long	 total, uniques;
	char		 want[16];
};

ParameterizedTestParameters(db_outcome, table)
{
	static struct outcome_case cases[] = {
		{ VISIT_TRACKED, 0, 1, 1, 1, 1, "1/1/NCT" },
		{ VISIT_TRACKED, 0, 0, 1, 3, 2, "3/2/CT" },
		{ VISIT_TRACKED, 0, 0, 0, 7, 3, "7/3/RT" },
		{ VISIT_TRACKED, 1, 0, 0, 0, 0, "0/0/XT" },
		{ VISIT_UNTRACKED, 0, 0, 1, 2, 0, "2/0/C" },
		{ VISIT_UNTRACKED, 1, 0, 0, 0, 0, "0/0/X" },
		{ VISIT_BOT, 0, 0, 0, 5, 1, "5/1/B" },
		{ VISIT_BOT, 0, 0, 0, 0, 0, "0/0/B" },
		{ VISIT_BOT, 1, 0, 0, 0, 0, "0/0/XB" },
		/* New: only a tracked visit, counted, not refused. */
		{ VISIT_UNTRACKED, 0, 1, 1, 1, 1, "" },
		{ VISIT_BOT, 0, 1, 0, 1, 1, "" },
		{ VISIT_TRACKED, 0, 1, 0, 1, 1, "" },
		{ VISIT_TRACKED, 1, 1, 1, 1, 1, "" },
		/* Refused: not counted, no numbers. */
		{ VISIT_TRACKED, 1, 0, 1, 1, 0, "" },
		{ VISIT_TRACKED, 1, 0, 0, 1, 0, "" },
		{ VISIT_UNTRACKED, 1, 0, 0, 0, 1, "" },
		/* A bot never counts; an untracked visit always does. */
		{ VISIT_BOT, 0, 0, 1, 1, 0, "" },
		{ VISIT_UNTRACKED, 0, 0, 0, 1, 0, "" },
		/* Numbers too small for what was counted. */
		{ VISIT_TRACKED, 0, 0, 1, 0, 0, "" },
		{ VISIT_TRACKED, 0, 0, 1, 1, 2, "" },
		{ VISIT_BOT, 0, 0, 0, 0, 1, "" },
	};

	return cr_make_param_array(struct outcome_case, cases,
	    NELEM(cases));
}

ParameterizedTest(struct outcome_case *t, db_outcome, table)
{
	struct counts	 c;
	int		 rc;

	memset(&c, 0, sizeof(c));
	c.total = t->total;
	c.uniques = t->uniques;
	rc = db_visit_outcome(t->kind, t->refused, t->is_new, t->counted, &c);
	cr_assert_eq(rc, t->want[0] == '\0' ? -1 : 0, "kind %d %d/%d/%d "
	    "%lld/%lld", t->kind, t->refused, t->is_new, t->counted, t->total,
	    t->uniques);
	if (rc == 0)
		expect_counts(&c, t->want, "outcome", 0);
}

/*
 * Uniqueness is per counter because the counter's name is in each
 * visitor's identity (ident.c): the same address is a new visitor of
 * every counter.  The table holds hashes only, so a hash given under two
 * counters (which footfall never makes) is one visitor: the SQL counts
 * each visit for its own counter, and the visitor once.
 */
Test(db, counters_are_separate)
{
	unsigned char	 key[HASH_KEY_LEN], id[IDENT_MAX], ha[VISITOR_LEN];
	unsigned char	 hb[VISITOR_LEN];
	struct hash_keyed *k;
	struct addr	 a;
	struct db_visit	 v[5];
	struct counts	 c[5];
	struct db_count_opts o = opts(0, 100, 0);
	size_t		 len;

	memset(key, 0x42, sizeof(key));
	cr_assert_eq(addr_parse("192.0.2.1", &a), 0);
	cr_assert_eq(ident_build("a", &a, 64, NULL, 0, id, sizeof(id), &len), 0);
	cr_assert_not_null(k = hash_keyed_new(key));
	cr_assert_eq(hash_visitor(k, id, len, ha), 0);
	cr_assert_eq(ident_build("b", &a, 64, NULL, 0, id, sizeof(id), &len), 0);
	cr_assert_eq(hash_visitor(k, id, len, hb), 0);
	hash_keyed_free(k);
	v[0] = visit("a", VISIT_TRACKED, 0);
	v[0].hash = ha;
	v[1] = visit("b", VISIT_TRACKED, 0);
	v[1].hash = hb;
	v[2] = v[0];
	v[3] = visit("default", VISIT_UNTRACKED, 0);
	v[4] = v[1];
	cr_assert_eq(db_count_visits(db, v, 5, &o, c), DB_OK);
	expect_counts(&c[0], "1/1/NCT", "separate", 0);
	expect_counts(&c[1], "1/1/NCT", "separate", 1);
	expect_counts(&c[2], "2/1/CT", "separate", 2);
	expect_counts(&c[3], "1/0/C", "separate", 3);
	expect_counts(&c[4], "2/1/CT", "separate", 4);
	cr_expect_str_eq(counter_names(), "a,b,default");
	cr_expect_str_eq(stored("a"), "2/1/0");
	cr_expect_str_eq(stored("b"), "2/1/0");
	cr_expect_str_eq(stored("default"), "1/0/0");
	cr_expect_str_eq(admin_get("SELECT count(*) FROM footfall.visitor"),
	    "2");

	/* One hash under two counters: one visitor, two counters' visits. */
	batch(&o, "c:t7 d:t7", "1/1/NCT 1/0/CT");
	cr_expect_str_eq(stored("c"), "1/1/0");
	cr_expect_str_eq(stored("d"), "1/0/0");
	batch(&o, "e:t7", "1/0/CT");
	cr_expect_str_eq(admin_get("SELECT count(*) FROM footfall.visitor"),
	    "3");
}

/*
 * counters = auto: at most max_counters exist, "default" included; a
 * visit for one more is refused and leaves nothing behind.  Without a
 * cap (an explicit list, which footfall checked) any number is made.
 */
Test(db, max_counters)
{
	struct db_count_opts o = opts(0, 3, 1);

	batch(&o, "c1:t1 c2:t2 c3:t3 c1:u c3:u",
	    "1/1/NCT 1/1/NCT 0/0/XT 2/1/C 0/0/X");
	cr_expect_str_eq(counter_names(), "c1,c2,default",
	    "exactly max_counters exist, default among them");
	cr_expect_str_eq(admin_get("SELECT count(*) FROM footfall.visitor"),
	    "2", "a refused visit stores no visitor");
	cr_expect_str_eq(admin_get("SELECT count(*) FROM footfall.visit_log"),
	    "2", "nor a visit log row");
	cr_expect_str_eq(admin_get("SELECT sum(visits) FROM footfall.daily"),
	    "3", "nor daily numbers");

	/* Existing counters still count; the next new one is refused. */
	batch(&o, "c4:u c2:u default:u", "0/0/X 2/1/C 1/0/C");
	cr_expect_str_eq(counter_names(), "c1,c2,default");

	/* A higher cap: the first new names in the batch's order win. */
	o.max_counters = 5;
	batch(&o, "c6:u c5:u c4:u c6:u", "1/0/C 1/0/C 0/0/X 2/0/C");
	cr_expect_str_eq(counter_names(), "c1,c2,c5,c6,default");

	/* A cap below what exists makes nothing and refuses nothing old. */
	o.max_counters = 1;
	batch(&o, "c7:u c1:u", "0/0/X 3/1/C");

	/* No cap. */
	o.max_counters = -1;
	batch(&o, "n2:u n1:u n2:u n1:u n2:u n3:u",
	    "1/0/C 1/0/C 2/0/C 2/0/C 3/0/C 1/0/C");
	cr_expect_str_eq(counter_names(), "c1,c2,c5,c6,default,n1,n2,n3");
}

/* A bot's visit never makes a counter; it adds to bots only. */
Test(db, bots)
{
	struct db_visit	 v[3];
	struct counts	 c[3];
	struct db_count_opts o = opts(0, -1, 1);

	v[0] = visit("crawled", VISIT_BOT, 0);
	v[1] = visit("default", VISIT_BOT, 0);
	v[2] = visit("default", VISIT_TRACKED, 1);
	v[2].path = "/p";
	v[1].path = "/bot";
	cr_assert_eq(db_count_visits(db, v, 3, &o, c), DB_OK);
	expect_counts(&c[0], "0/0/XB", "bots", 0);
	expect_counts(&c[1], "0/0/B", "bots", 1);
	expect_counts(&c[2], "1/1/NCT", "bots", 2);
	cr_expect_str_eq(counter_names(), "default",
	    "a bot made no counter, even without a cap");
	cr_expect_str_eq(stored("default"), "1/1/1");
	cr_expect_str_eq(stored_today("default"), "1/1/1");
	cr_expect_str_eq(admin_get("SELECT string_agg(path, ',') FROM "
	    "footfall.visit_log"), "/p", "a bot's visit is not logged");

	/* Nor in a batch that makes another counter. */
	batch(&o, "crawled:b fresh:u", "0/0/XB 1/0/C");
	cr_expect_str_eq(counter_names(), "default,fresh");

	/* A visit that is not a bot's makes it; the bot's then counts. */
	batch(&o, "crawled:b crawled:u", "0/0/B 1/0/C");
	cr_expect_str_eq(stored("crawled"), "1/0/1");
	cr_expect_str_eq(stored_today("crawled"), "1/0/1");
}

/*
 * Each visit of one batch sees its own outcome and its counter's numbers
 * right after it: new, refused (the cap is 2, "default" included),
 * counted untracked, a repeat within the interval, a refused bot's.
 */
Test(db, batch_outcomes)
{
	struct db_count_opts o = opts(600, 2, 0);

	batch(&o, "a:t1 b:t2 a:u a:t1 b:b a:b",
	    "1/1/NCT 0/0/XT 2/1/C 2/1/RT 0/0/XB 2/1/B");
	cr_expect_str_eq(stored("a"), "2/1/1");
	cr_expect_str_eq(counter_names(), "a,default");
}

/*
 * count_interval: a tracked visitor adds to the total at most once an
 * interval (visitor.seen_at); a new visitor always counts; untracked
 * visits cannot be limited.
 */
Test(db, count_interval)
{
	struct db_count_opts o = opts(600, 100, 1);

	batch(&o, "default:t1", "1/1/NCT");
	batch(&o, "default:t1", "1/1/RT");
	batch(&o, "default:t1 default:t1", "1/1/RT 1/1/RT");
	/* Still within the interval. */
	admin_exec("UPDATE footfall.visitor SET seen_at = now() - "
	    "interval '590 seconds'");
	batch(&o, "default:t1 default:t1", "1/1/RT 1/1/RT");
	/* After it: the first visit counts, the second in the batch not. */
	admin_exec("UPDATE footfall.visitor SET seen_at = now() - "
	    "interval '600 seconds'");
	batch(&o, "default:t1 default:t1 default:u", "2/1/CT 2/1/RT 3/1/C");
	/* A visitor whose window passed is new, and counts. */
	admin_exec("UPDATE footfall.visitor SET counted_at = now() - "
	    "interval '25 hours'");
	batch(&o, "default:t1", "4/2/NCT");
	batch(&o, "default:t1", "4/2/RT");

	cr_expect_str_eq(stored("default"), "4/2/0");
	cr_expect_str_eq(stored_today("default"), "4/2/0",
	    "repeats are not in the daily numbers");
	cr_expect_str_eq(admin_get("SELECT string_agg(is_new::text, ',' "
	    "ORDER BY is_new) FROM footfall.visit_log"), "false,true,true",
	    "nor in the visit log");

	/* With the interval off, every hit counts; seen_at stays NULL. */
	o.interval = 0;
	batch(&o, "other:t2 other:t2", "1/1/NCT 2/1/CT");
	cr_expect_str_eq(admin_get("SELECT seen_at IS NULL FROM footfall.visitor "
	    "WHERE hash = "
	    "'\\x020000000000000000000000000000ff'"),
	    "t");
}

/*
 * A batch of three tracked visits for the default counter, by the admin
 * connection (so that its statistics can be read in its transaction):
 * a new hash whose previous key is the stored visitor "stored 2", the
 * hash "lookups a", and the stored visitor "stored 1" (previous key
 * "stored 3").  Returns the new positions.
 */
static const char *
lookups_call(int interval)
{
	char	sql[1024];

	snprintf(sql, sizeof(sql), "SELECT '{' || coalesce(string_agg(b.i::text, "
	    "',' ORDER BY b.i) FILTER (WHERE b.is_new), '') || '}' "
	    "FROM footfall_api.count_batch("
	    "ARRAY['default','default','default'], ARRAY['t','t','t'], "
	    "ARRAY[vkey(random()::text::bytea), vkey('lookups a'), "
	    "vkey('stored 1')], "
	    "ARRAY[vkey('stored 2'), NULL, vkey('stored 3')], "
	    "ARRAY['/','/',NULL], ARRAY[NULL,NULL,NULL]::text[], "
	    "ARRAY['Firefox',NULL,NULL], %d, %d, 100, true) WITH ORDINALITY "
	    "AS b(refused, is_new, counted, visits, uniques, xact_id, batch_id, "
	    "i)",
	    WINDOW, interval);
	return admin_get(sql);
}

/*
 * count_batch reads footfall.visitor by its primary key only, whatever
 * the planner knows of the table.  Its plans are made generic and cached
 * while the table is empty (as PL/pgSQL keeps them in a long-lived
 * connection), then 20,000 visitors within the window arrive without an
 * ANALYZE.  A batch of three must then read a few dozen index entries:
 * none of the counted_at index, none of the heap by a scan.  (A plain
 * join on the previous key was once cached as a hash join over every
 * visitor in the window, read again by every batch.)
 */
Test(db, visitor_lookups_by_hash_only)
{
	int	 interval;

	admin_exec("ALTER TABLE footfall.visitor "
	    "SET (autovacuum_enabled = off)");
	admin_exec("SET plan_cache_mode = force_generic_plan");
	cr_expect_str_eq(lookups_call(0), "{1,2,3}");
	cr_expect_str_eq(lookups_call(60), "{1}");
	admin_exec("DELETE FROM footfall.visitor "
	    "WHERE hash = vkey('stored 1')");
	admin_exec("INSERT INTO footfall.visitor (hash, counted_at) "
	    "SELECT vkey(convert_to('stored ' || i, 'UTF8')), "
	    "now() - i * interval '1 second' "
	    "FROM generate_series(1, 20000) AS i");
	for (interval = 0; interval <= 60; interval += 60) {
		admin_exec("BEGIN");
		cr_expect_str_eq(lookups_call(interval), "{}", "interval %d: "
		    "the first visit carries the window of its previous key",
		    interval);
		cr_expect_str_eq(admin_get("SELECT "
		    "pg_stat_get_xact_tuples_returned("
		    "'footfall.visitor'::regclass) || '/' || "
		    "pg_stat_get_xact_tuples_returned("
		    "'footfall.visitor_counted_at'::regclass) || '/' || "
		    "(pg_stat_get_xact_tuples_returned("
		    "'footfall.visitor_pkey'::regclass) <= 30)"), "0/0/true",
		    "interval %d: heap tuples scanned/counted_at index "
		    "entries/at most 30 primary key entries", interval);
		admin_exec("COMMIT");
	}
	admin_exec("ALTER TABLE footfall.visitor "
	    "RESET (autovacuum_enabled)");
}

/*
 * A batch of three visits to two pages of default: a new visitor to
 * /p1, the visitor "pages a" to /p2, an untracked visit to /p1.  Each
 * visit's page numbers, "visits/uniques", space-separated.
 */
static const char *
page_call(void)
{
	return admin_get("SELECT string_agg(concat_ws('/', b.page_visits, "
	    "b.page_uniques), ' ' ORDER BY b.i) "
	    "FROM footfall_api.count_batch(ARRAY['default','default',"
	    "'default'], ARRAY['t','t','u'], ARRAY[vkey(random()::text::"
	    "bytea), vkey('pages a'), NULL], NULL, NULL, NULL, NULL, 86400, "
	    "0, 100, false, ARRAY['/p1','/p2','/p1'], ARRAY[true,true,true], "
	    "100000) WITH ORDINALITY AS b(refused, is_new, counted, visits, "
	    "uniques, xact_id, batch_id, page_visits, page_uniques, i)");
}

/*
 * One count_batch of tracked visits to default, hashes and previous
 * hashes given as SQL arrays of bytea, each visit's page from paths,
 * with count_interval interval: each visit's page numbers,
 * "visits/uniques" (empty for none), space-separated.
 */
static const char *
pages_batch(const char *hashes, const char *prev, const char *paths,
    int interval)
{
	static char	 sql[2048];

	snprintf(sql, sizeof(sql), "SELECT string_agg(concat_ws('/', "
	    "b.page_visits, b.page_uniques), ' ' ORDER BY b.i) "
	    "FROM footfall_api.count_batch(array_fill('default'::text, "
	    "ARRAY[cardinality(%s::bytea[])]), array_fill('t'::text, "
	    "ARRAY[cardinality(%s::bytea[])]), %s, %s, NULL, NULL, NULL, "
	    "86400, %d, 100, false, %s, array_fill(true, "
	    "ARRAY[cardinality(%s::text[])]), 100) WITH ORDINALITY AS "
	    "b(refused, is_new, counted, visits, uniques, xact_id, batch_id, "
	    "page_visits, page_uniques, i)", hashes, hashes, hashes, prev,
	    interval, paths, paths);
	return admin_get(sql);
}

/* The pages in visitor h's row (sql/010), by path. */
static const char *
visitor_pages(const char *h)
{
	static char	 sql[256];

	snprintf(sql, sizeof(sql), "SELECT string_agg(g.path, ',' ORDER BY "
	    "g.path) FROM footfall.visitor v, footfall.page g WHERE v.hash = "
	    "vkey('%s') AND g.id = ANY (v.pages)", h);
	return admin_get(sql);
}

/*
 * A page's unique visitors are kept in the visitors' rows (sql/010): a
 * visitor is new to a page the first time it is counted there in its
 * window, within one batch too, across a key rotation too; with
 * count_interval, a repeat counts for no page and makes none.
 */
Test(db, page_uniques_in_visitor_rows)
{
	cr_expect_str_eq(pages_batch("ARRAY[vkey('u1'), vkey('u1'), "
	    "vkey('u1')]", "NULL", "ARRAY['/x', '/y', '/x']", 0),
	    "1/1 1/1 2/1", "one new visitor, two pages, one twice");
	cr_expect_str_eq(visitor_pages("u1"), "/x,/y");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('u2'), vkey('u2')]",
	    "ARRAY[vkey('u1'), vkey('u1')]", "ARRAY['/x', '/z']", 0),
	    "3/1 1/1", "after a rotation: /x seen in the window, /z not");
	cr_expect_str_eq(visitor_pages("u2"), "/x,/y,/z",
	    "the new key's row carries the pages");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('u3')]", "NULL",
	    "ARRAY['/x']", 3600), "4/2", "count_interval: a new visitor");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('u3'), vkey('u3')]",
	    "NULL", "ARRAY['/v', '/v']", 3600), " ",
	    "count_interval: repeats count for no page");
	cr_expect_str_eq(admin_get("SELECT count(*) FROM footfall.page "
	    "WHERE path = '/v'"), "0", "and make none");
	cr_expect_str_eq(visitor_pages("u3"), "/x");
}

/*
 * The visitors' upsert settles each visitor's first page of a batch in
 * the same write (sql/functions.sql): a known visitor's row gets a page
 * it lacks and keeps its window, keeps a page it has, gets nothing from
 * a visit without a page; an expired row starts again from its page.
 */
Test(db, page_settled_by_the_visitor_upsert)
{
	const char	*row = "SELECT cardinality(pages) || ' ' || "
	    "(array_position(pages, NULL) IS NULL) || ' ' || (counted_at = "
	    "(SELECT min(at) FROM t_at)) FROM footfall.visitor "
	    "WHERE hash = vkey('s1')";

	cr_expect_str_eq(pages_batch("ARRAY[vkey('s1')]", "NULL",
	    "ARRAY['/a']", 0), "1/1", "a new visitor");
	admin_exec("CREATE TEMP TABLE t_at AS SELECT counted_at AS at "
	    "FROM footfall.visitor WHERE hash = vkey('s1')");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('s1'), vkey('s1')]", "NULL",
	    "ARRAY['/b', '/a']", 0), "1/1 2/1",
	    "known: /b new to it, /a not");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('s1'), vkey('s1')]", "NULL",
	    "ARRAY['/a', '/c']", 0), "3/1 1/1",
	    "known: /a not new, /c new on its later visit");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('s1')]", "NULL",
	    "ARRAY[NULL::text]", 0), "", "a visit without a page");
	cr_expect_str_eq(visitor_pages("s1"), "/a,/b,/c");
	cr_expect_str_eq(admin_get(row), "3 true true",
	    "three pages, no NULL, the window not restarted");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('s2')]", "NULL",
	    "ARRAY[NULL::text]", 0), "", "a new visitor without a page");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('s2')]", "NULL",
	    "ARRAY[NULL::text]", 0), "", "known, again without a page");
	cr_expect_str_eq(admin_get("SELECT pages FROM footfall.visitor "
	    "WHERE hash = vkey('s2')"), "{}", "no page, not even NULL");
	admin_exec("UPDATE footfall.visitor SET counted_at = now() - "
	    "interval '2 days' WHERE hash = vkey('s1')");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('s1')]", "NULL",
	    "ARRAY['/b']", 0), "2/2", "expired: new again, to /b too");
	cr_expect_str_eq(visitor_pages("s1"), "/b", "its pages start again");
	admin_exec("DROP TABLE t_at");
	/*
	 * A row another batch counted at this transaction's very now()
	 * (made here in the same transaction to get that now()): the
	 * visitor is known, not new, and new to the page.
	 */
	admin_exec("BEGIN");
	admin_exec("INSERT INTO footfall.visitor (hash, counted_at) "
	    "VALUES (vkey('s3'), now())");
	cr_expect_str_eq(admin_get("SELECT b.is_new || ' ' || b.page_visits "
	    "|| '/' || b.page_uniques FROM footfall_api.count_batch("
	    "ARRAY['default'], ARRAY['t'], ARRAY[vkey('s3')], NULL, NULL, "
	    "NULL, NULL, 86400, 0, 100, false, ARRAY['/d'], ARRAY[true], 100) "
	    "AS b"), "false 1/1", "counted at the same instant: not new");
	cr_expect_str_eq(visitor_pages("s3"), "/d");
	admin_exec("COMMIT");
}

/*
 * A page's numbers of a day no batch can write any more move from
 * page_day into page_total and page_daily at the purge (sql/011), once:
 * a page's numbers and days read the same before and after, and the
 * day's rows are in one place.  Today's rows stay.
 */
Test(db, page_days_move_once_over)
{
	const char	*sums = "SELECT string_agg(g.path || ' ' || s.v || '/' "
	    "|| s.u, ',' ORDER BY g.path) FROM footfall.page g, (SELECT "
	    "page, sum(visits) AS v, sum(uniques) AS u FROM footfall.page_sum "
	    "GROUP BY page) s WHERE s.page = g.id";
	const char	*days = "SELECT string_agg(g.path || ' ' || "
	    "((now() AT TIME ZONE 'UTC')::date - d.day) || ' ' || d.v, ',' "
	    "ORDER BY g.path, d.day) FROM footfall.page g, (SELECT page, day, "
	    "sum(visits) AS v FROM footfall.page_days GROUP BY page, day) d "
	    "WHERE d.page = g.id";
	const char	*rows = "SELECT (SELECT count(*) FROM footfall.page_day) "
	    "|| '/' || (SELECT count(*) FROM footfall.page_daily) || '/' || "
	    "(SELECT count(*) FROM footfall.page_total)";

	cr_expect_str_eq(pages_batch("ARRAY[vkey('d1'), vkey('d2'), "
	    "vkey('d1')]", "NULL", "ARRAY['/x', '/x', '/y']", 0),
	    "1/1 2/2 1/1");
	admin_exec("UPDATE footfall.page_day SET day = day - 2");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('d3')]", "NULL",
	    "ARRAY['/x']", 0), "3/3", "a day old or not, the page's numbers");
	cr_expect_str_eq(admin_get(rows), "3/0/0", "three page_day rows");
	cr_expect_str_eq(admin_get(sums), "/x 3/3,/y 1/1");
	cr_expect_str_eq(admin_get(days), "/x 2 2,/x 0 1,/y 2 1");
	admin_exec("SELECT * FROM footfall_api.purge(86400, 1000, 86400)");
	cr_expect_str_eq(admin_get(rows), "1/2/2",
	    "the old day's two rows moved, today's stays");
	cr_expect_str_eq(admin_get(sums), "/x 3/3,/y 1/1", "the same numbers");
	cr_expect_str_eq(admin_get(days), "/x 2 2,/x 0 1,/y 2 1",
	    "the same days");
	admin_exec("SELECT * FROM footfall_api.purge(86400, 1000, 86400)");
	cr_expect_str_eq(admin_get(rows), "1/2/2", "moved once");
	cr_expect_str_eq(admin_get(sums), "/x 3/3,/y 1/1");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('d4')]", "NULL",
	    "ARRAY['/y']", 0), "2/2", "the answer reads the moved numbers");
}

/*
 * count_batch reads the pages (sql/008) and its visitors' pages (010) by
 * their keys only, as the visitors above: its plans made generic while
 * the tables were analyzed nearly empty (1,000 visitors, no page yet),
 * then 20,000 pages with their numbers and 20,000 visitors who saw them
 * arrive without an ANALYZE.  A batch to pages that exist must scan
 * none of the three tables' heaps.  (Planned from those statistics, a
 * sequential scan of the pages costs nothing: without count_batch's
 * enable_seqscan off, two batches read 80,042 page tuples.)
 */
Test(db, page_lookups_by_key_only)
{
	static const char *const tables[] = {
		"page", "page_total", "page_day", "visitor"
	};
	const char	*scanned;
	char		 sql[128];
	size_t		 i;

	for (i = 0; i < NELEM(tables); i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE footfall.%s "
		    "SET (autovacuum_enabled = off)", tables[i]);
		admin_exec(sql);
	}
	admin_exec("INSERT INTO footfall.visitor (hash, counted_at) "
	    "SELECT vkey(convert_to('small ' || i, 'UTF8')), now() "
	    "FROM generate_series(1, 1000) AS i");
	admin_exec("ANALYZE");
	admin_exec("SET plan_cache_mode = force_generic_plan");
	cr_expect_str_eq(page_call(), "1/1 1/1 2/1");
	/* A known visitor's new page: that statement's plan cached too. */
	cr_expect_str_eq(pages_batch("ARRAY[vkey('pages a')]", "NULL",
	    "ARRAY['/p3']", 0), "1/1");
	/* No scan here either: the statistics count until flushed. */
	admin_exec("WITH g AS (INSERT INTO footfall.page (counter, path) "
	    "SELECT x.id, '/q' || i FROM footfall.counter x, "
	    "generate_series(1, 20000) AS i WHERE x.name = 'default' "
	    "RETURNING id), t AS (INSERT INTO footfall.page_total (page, "
	    "slot, visits, uniques) SELECT id, 0, 1, 1 FROM g) "
	    "INSERT INTO footfall.page_day (page, day, slot, visits, uniques) "
	    "SELECT id, (now() AT TIME ZONE 'UTC')::date, 0, 1, 1 FROM g");
	admin_exec("INSERT INTO footfall.visitor (hash, counted_at, pages) "
	    "SELECT vkey(convert_to('page ' || i, 'UTF8')), now(), "
	    "ARRAY[(SELECT max(id) FROM footfall.page)] "
	    "FROM generate_series(1, 20000) AS i");
	admin_exec("BEGIN");
	cr_expect_str_eq(page_call(), "3/2 2/1 4/2",
	    "a new visitor to /p1, one known to /p2, an untracked visit");
	cr_expect_str_eq(pages_batch("ARRAY[vkey('pages a')]", "NULL",
	    "ARRAY['/p1']", 0), "5/3", "a known visitor new to /p1");
	scanned = admin_get("SELECT "
	    "pg_stat_get_xact_tuples_returned('footfall.page'::regclass) "
	    "|| '/' || pg_stat_get_xact_tuples_returned("
	    "'footfall.page_total'::regclass) || '/' || "
	    "pg_stat_get_xact_tuples_returned("
	    "'footfall.page_day'::regclass) || '/' || "
	    "pg_stat_get_xact_tuples_returned("
	    "'footfall.visitor'::regclass)");
	cr_expect_str_eq(scanned, "0/0/0/0", "heap tuples scanned: "
	    "page/page_total/page_day/visitor: %s", scanned);
	admin_exec("COMMIT");
	for (i = 0; i < NELEM(tables); i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE footfall.%s "
		    "RESET (autovacuum_enabled)", tables[i]);
		admin_exec(sql);
	}
}

/*
 * count_batch's statements are planned once a session, not at every
 * call (sql/functions.sql): left to choose, PostgreSQL planned ten of
 * them again for every batch of a few visits.  pg_stat_statements (set
 * up by tests/db.test) counts the plans of each statement inside it:
 * 16 batches of 1 to 16 visits with pages, in one session, may plan a
 * statement run by each of them at most 3 times (once, and again if
 * autovacuum's ANALYZE of a table invalidated the plan).
 */
Test(db, count_batch_plans_once)
{
	const char	*seen;
	char		 hashes[128], paths[128];
	int		 i;

	admin_exec("SELECT pg_stat_statements_reset()");
	for (i = 1; i <= 16; i++) {
		snprintf(hashes, sizeof(hashes), "ARRAY(SELECT vkey("
		    "convert_to('plan %d ' || i, 'UTF8')) "
		    "FROM generate_series(1, %d) AS i)", i % 4, i);
		snprintf(paths, sizeof(paths), "ARRAY(SELECT '/p' || i %% 3 "
		    "FROM generate_series(1, %d) AS i)", i);
		pages_batch(hashes, "NULL", paths, 0);
	}
	seen = admin_get("SELECT concat_ws(' ', count(*), max(plans)) "
	    "FROM pg_stat_statements WHERE NOT toplevel AND calls >= 16 "
	    "AND query LIKE '%footfall.%' AND plans > 3");
	cr_expect_str_eq(seen, "0", "statements planned more than 3 times "
	    "in 16 calls, and the most plans of one: %s", seen);
	seen = admin_get("SELECT count(*) >= 5 FROM pg_stat_statements "
	    "WHERE NOT toplevel AND calls >= 16 AND query LIKE '%footfall.%'");
	cr_expect_str_eq(seen, "t", "count_batch's statements are counted");
}

/*
 * The purge (once a second) reads the visitors, the visit log and the
 * pages' days (sql/011) by their indexes, whatever plans the connection
 * cached: made generic while the tables were empty and analyzed so,
 * then 20,000 rows each arrive within the window, the retention and
 * today.  The purge must scan none of the three heaps.
 */
Test(db, purge_reads_by_index)
{
	admin_exec("ALTER TABLE footfall.visitor "
	    "SET (autovacuum_enabled = off)");
	admin_exec("ALTER TABLE footfall.visit_log "
	    "SET (autovacuum_enabled = off)");
	admin_exec("ALTER TABLE footfall.page_day "
	    "SET (autovacuum_enabled = off)");
	admin_exec("ANALYZE");
	admin_exec("SET plan_cache_mode = force_generic_plan");
	admin_exec("SELECT * FROM footfall_api.purge(86400, 1000, 86400)");
	admin_exec("SELECT * FROM footfall_api.purge(86400, 1000, 86400)");
	admin_exec("INSERT INTO footfall.visitor (hash, counted_at) "
	    "SELECT vkey(convert_to('purge ' || i, 'UTF8')), "
	    "now() - i * interval '1 second' "
	    "FROM generate_series(1, 20000) AS i");
	admin_exec("INSERT INTO footfall.visit_log (at, counter, path, is_new) "
	    "SELECT now() - i * interval '1 second', 1 + i % 5, '/', true "
	    "FROM generate_series(1, 20000) AS i");
	admin_exec("WITH g AS (INSERT INTO footfall.page (counter, path) "
	    "SELECT x.id, '/d' || i FROM footfall.counter x, "
	    "generate_series(1, 20000) AS i WHERE x.name = 'default' "
	    "RETURNING id) INSERT INTO footfall.page_day (page, day, slot, "
	    "visits, uniques) SELECT id, (now() AT TIME ZONE 'UTC')::date, 0, "
	    "1, 1 FROM g");
	admin_exec("BEGIN");
	cr_expect_str_eq(admin_get("SELECT visitors || '/' || log_rows "
	    "FROM footfall_api.purge(86400, 1000, 86400)"), "0/0",
	    "nothing has expired");
	cr_expect_str_eq(admin_get("SELECT "
	    "pg_stat_get_xact_tuples_returned('footfall.visitor'::regclass) "
	    "|| '/' || pg_stat_get_xact_tuples_returned("
	    "'footfall.visit_log'::regclass) || '/' || "
	    "pg_stat_get_xact_tuples_returned('footfall.page_day'::regclass)"),
	    "0/0/0", "heap tuples scanned: visitor/visit_log/page_day");
	admin_exec("COMMIT");
	admin_exec("ALTER TABLE footfall.visitor RESET (autovacuum_enabled)");
	admin_exec("ALTER TABLE footfall.visit_log "
	    "RESET (autovacuum_enabled)");
	admin_exec("ALTER TABLE footfall.page_day "
	    "RESET (autovacuum_enabled)");
}

/* Set when a notice to the admin session holds a plan that used JIT. */
static int	jit_seen;

static void
jit_notice(void *arg, const PGresult *res)
{
	(void)arg;
	if (strstr(PQresultErrorMessage(res), "JIT:") != NULL)
		jit_seen = 1;
}

/*
 * The functions that turn enable_seqscan off turn JIT off too (the top
 * of sql/functions.sql): with the sequential scan priced at 10^10, the
 * purge's plan for the visitor keys passed jit_above_cost and was
 * compiled at every call.  auto_explain sends every plan run inside
 * them to this session; none may have used JIT.  The control: a plain
 * query priced so in this session does.
 */
Test(db, functions_never_jit)
{
	if (strcmp(admin_get("SELECT pg_jit_available()"), "t") != 0)
		cr_skip_test("the server has no JIT");
	PQsetNoticeReceiver(admin, jit_notice, NULL);
	admin_exec("LOAD 'auto_explain'");
	admin_exec("SET auto_explain.log_min_duration = 0");
	admin_exec("SET auto_explain.log_nested_statements = on");
	admin_exec("SET client_min_messages = log");
	admin_exec("SET enable_seqscan = off");
	admin_get("SELECT count(*) FROM footfall.visitor_key "
	    "WHERE expires_at <= now()");
	cr_assert_eq(jit_seen, 1, "a plain query with enable_seqscan off "
	    "used JIT (the control)");
	admin_exec("RESET enable_seqscan");
	jit_seen = 0;
	admin_exec("SELECT * FROM footfall_api.visitor_keys(86400, 86400, "
	    "sha256('k'))");
	admin_exec("SELECT * FROM footfall_api.purge(86400, 1000)");
	admin_exec("SELECT * FROM footfall_api.purge(86400, 1000, 86400)");
	cr_expect_eq(jit_seen, 0, "the purge used JIT");
	jit_seen = 0;
	cr_expect_str_eq(page_call(), "1/1 1/1 2/1");
	admin_get("SELECT * FROM footfall_api.read_counters(ARRAY['default'])");
	admin_get("SELECT * FROM footfall_api.read_pages(ARRAY['default'], "
	    "ARRAY['/p1'])");
	admin_get("SELECT count(*) FROM footfall_api.daily_stats('default', "
	    "30)");
	cr_expect_eq(jit_seen, 0, "count_batch or a reader used JIT");
	admin_exec("RESET client_min_messages");
}

/*
 * The visit log: one row per counted tracked visit, the time cut to the
 * minute, the fields as given; untracked, bot, repeat and refused visits
 * are not logged, nor anything with the log off.
 */
Test(db, visit_log)
{
	struct db_visit	 v[6];
	struct counts	 c[6];
	struct db_count_opts o = opts(0, 3, 1);

	v[0] = visit("a", VISIT_TRACKED, 1);
	v[0].path = "/x/y";
	v[0].ref = "example.org";
	v[0].browser = "Firefox";
	v[1] = visit("a", VISIT_TRACKED, 1);
	v[1].browser = "Other";
	v[2] = visit("a", VISIT_UNTRACKED, 0);
	v[2].path = "/untracked";
	v[3] = visit("a", VISIT_BOT, 0);
	v[3].path = "/bot";
	v[4] = visit("b", VISIT_TRACKED, 2);
	v[4].path = "/b";
	v[4].browser = "Chrome";
	v[5] = visit("refused", VISIT_TRACKED, 3);
	v[5].path = "/refused";
	cr_assert_eq(db_count_visits(db, v, 6, &o, c), DB_OK);
	expect_counts(&c[5], "0/0/XT", "refused", 5);
	cr_expect_str_eq(admin_get("SELECT string_agg(concat_ws('|', x.name, "
	    "coalesce(l.path, '-'), coalesce(l.referrer, '-'), "
	    "coalesce(l.browser, '-'), l.is_new), ';' ORDER BY x.name, "
	    "l.is_new DESC) FROM footfall.visit_log l JOIN footfall.counter x "
	    "ON x.id = l.counter"),
	    "a|/x/y|example.org|Firefox|t;a|-|-|Other|f;b|/b|-|Chrome|t");
	cr_expect_str_eq(admin_get("SELECT bool_and(at = date_trunc('minute', "
	    "at) AND at <= now() AND at > now() - interval '61 seconds') "
	    "FROM footfall.visit_log"), "t", "the time, to the minute");

	/* The log off: the visits count, no row. */
	o.log = 0;
	v[0].path = "/off";
	cr_assert_eq(db_count_visits(db, v, 5, &o, c), DB_OK);
	expect_counts(&c[4], "2/1/CT", "log off", 4);
	cr_expect_str_eq(admin_get("SELECT count(*) FROM footfall.visit_log"),
	    "3");
}

/*
 * Days are UTC days whatever the session's time zone; one row a day (a
 * slot) with the day's sums.  The dates are YYYY-MM-DD whatever the
 * session's DateStyle, and the keys are read whatever its bytea_output
 * (an administrator may set any of them for the role or the database).
 * Two zones 26 hours apart: at any moment one of them is on another date
 * than UTC.
 */
Test(db, session_settings)
{
	static const char *const zones[] = {
		" options='-c TimeZone=Pacific/Kiritimati -c DateStyle=SQL,DMY "
		    "-c bytea_output=escape'",
		" options='-c TimeZone=Etc/GMT+12 -c DateStyle=German'",
	};
	unsigned char	 cand[HASH_KEY_LEN], hex[2 * HASH_KEY_LEN + 1];
	struct db_key	 k[2];
	double		 left;
	size_t		 j;
	struct db	*zdb;
	struct db_visit	 v[2];
	struct counts	 c[2];
	struct day_stat	 d[2];
	struct db_count_opts o = opts(0, 100, 1);
	char		 dsn[1024];
	size_t		 i, n;

	for (i = 0; i < NELEM(zones); i++) {
		snprintf(dsn, sizeof(dsn), "%s%s", getenv("FOOTFALL_TEST_DSN"),
		    zones[i]);
		cr_assert_not_null(zdb = db_open(dsn, 2000, 2));
		memset(cand, 0x5a, sizeof(cand));
		cr_assert_eq(db_visitor_keys(zdb, 86400, WINDOW, cand, k, &n,
		    &left), DB_OK, "zone %zu: the keys", i);
		for (j = 0; j < HASH_KEY_LEN; j++)
			snprintf((char *)hex + 2 * j, 3, "%02x", k[0].key[j]);
		cr_expect_str_eq((char *)hex, admin_get("SELECT encode(key, "
		    "'hex') FROM footfall.visitor_key ORDER BY period_start "
		    "DESC LIMIT 1"), "zone %zu: the key as stored", i);
		v[0] = visit("z", VISIT_TRACKED, 1 + (int)i);
		v[1] = visit("z", VISIT_BOT, 0);
		cr_assert_eq(db_count_visits(zdb, v, 2, &o, c), DB_OK);
		cr_assert_eq(db_daily_stats(zdb, "z", 2, d, &n), DB_OK);
		cr_assert_eq(n, 2);
		cr_expect_str_eq(d[1].date, admin_get("SELECT to_char((now() AT "
		    "TIME ZONE 'UTC')::date, 'YYYY-MM-DD')"), "zone %zu: %s", i,
		    d[1].date);
		cr_expect_str_eq(d[0].date, admin_get("SELECT to_char((now() AT "
		    "TIME ZONE 'UTC')::date - 1, 'YYYY-MM-DD')"), "zone %zu", i);
		cr_expect(d[1].visits == (long long)i + 1 &&
		    d[1].uniques == (long long)i + 1 &&
		    d[1].bots == (long long)i + 1, "zone %zu: today %lld/%lld/%lld",
		    i, d[1].visits, d[1].uniques, d[1].bots);
		cr_expect(d[0].visits == 0 && d[0].uniques == 0 && d[0].bots == 0);
		db_close(zdb);
	}
	cr_expect_str_eq(admin_get("SELECT string_agg(day::text, ',') FROM "
	    "(SELECT DISTINCT to_char(day, 'YYYY-MM-DD') AS day "
	    "FROM footfall.daily) x"),
	    admin_get("SELECT to_char((now() AT TIME ZONE 'UTC')::date, "
	    "'YYYY-MM-DD')"), "every row is on UTC today");
	cr_expect_str_eq(stored_today("z"), "2/2/2");
}

/* The numbers of several counters at once, in the order asked. */
Test(db, read_counters)
{
	static const char *const names[] = { "b", "nosuch", "default", "b" };
	struct db_visit	 v[4];
	struct counts	 c[4];
	struct db_count_opts o = opts(0, 100, 0);

	v[0] = visit("b", VISIT_TRACKED, 1);
	v[1] = visit("b", VISIT_UNTRACKED, 0);
	v[2] = visit("b", VISIT_BOT, 0);
	v[3] = visit("default", VISIT_TRACKED, 2);
	cr_assert_eq(db_count_visits(db, v, 4, &o, c), DB_OK);
	/* Slot 63 may be the visits' own (a backend's pid mod 64): add. */
	admin_exec("INSERT INTO footfall.counter_total AS t (counter, slot, "
	    "visits, uniques, bots) SELECT id, 63, 10, 5, 2 FROM "
	    "footfall.counter WHERE name = 'b' ON CONFLICT (counter, slot) DO "
	    "UPDATE SET visits = t.visits + 10, uniques = t.uniques + 5, "
	    "bots = t.bots + 2");
	cr_assert_eq(db_read_counters(db, names, NULL, 4, c), DB_OK);
	cr_expect(c[0].found && c[0].total == 12 && c[0].uniques == 6 &&
	    c[0].bots == 3, "b: %lld/%lld/%lld", c[0].total, c[0].uniques,
	    c[0].bots);
	cr_expect(!c[1].found && c[1].total == 0 && c[1].uniques == 0 &&
	    c[1].bots == 0, "nosuch");
	cr_expect(c[2].found && c[2].total == 1 && c[2].uniques == 1 &&
	    c[2].bots == 0, "default");
	cr_expect(c[3].found && c[3].total == 12, "b again");
	cr_expect(c[0].is_new == -1, "a read is no visit");
	cr_expect_str_eq(counter_names(), "b,default", "a read makes nothing");
}

/* The last N days, oldest first, every day present. */
Test(db, daily_stats)
{
	static struct day_stat	 d[366];
	char			 sql[256];
	size_t			 n, i;

	admin_exec("INSERT INTO footfall.counter (name) VALUES ('s'), ('t')");
	admin_exec("INSERT INTO footfall.daily (counter, day, slot, visits, "
	    "uniques, bots) SELECT x.id, (now() AT TIME ZONE 'UTC')::date - "
	    "v.ago, v.slot, v.visits, v.uniques, v.bots FROM footfall.counter x, "
	    "(VALUES (0, 3, 1, 1, 0), (2, 0, 5, 2, 1), (2, 7, 3, 1, 0), "
	    "(29, 1, 4, 4, 4), (30, 1, 9, 9, 9), (365, 2, 6, 6, 6), "
	    "(366, 2, 8, 8, 8)) v(ago, slot, visits, uniques, bots) "
	    "WHERE x.name = 's'");
	admin_exec("INSERT INTO footfall.daily (counter, day, slot, visits) "
	    "SELECT id, (now() AT TIME ZONE 'UTC')::date, 0, 1000 "
	    "FROM footfall.counter WHERE name = 't'");

	cr_assert_eq(db_daily_stats(db, "s", 30, d, &n), DB_OK);
	cr_assert_eq(n, 30);
	for (i = 0; i < n; i++) {
		snprintf(sql, sizeof(sql), "SELECT to_char((now() AT TIME ZONE "
		    "'UTC')::date - %zu, 'YYYY-MM-DD')", n - 1 - i);
		cr_expect_str_eq(d[i].date, admin_get(sql), "day %zu", i);
	}
	cr_expect(d[29].visits == 1 && d[29].uniques == 1 && d[29].bots == 0,
	    "today");
	cr_expect(d[27].visits == 8 && d[27].uniques == 3 && d[27].bots == 1,
	    "two days ago: two slots summed");
	cr_expect(d[0].visits == 4 && d[0].uniques == 4 && d[0].bots == 4,
	    "29 days ago, the first");
	for (i = 1; i < 27; i++)
		cr_expect(d[i].visits == 0 && d[i].uniques == 0 &&
		    d[i].bots == 0, "day %zu is zeros", i);

	cr_assert_eq(db_daily_stats(db, "s", 1, d, &n), DB_OK);
	cr_assert_eq(n, 1);
	cr_expect(d[0].visits == 1, "days=1: today only");

	cr_assert_eq(db_daily_stats(db, "s", 366, d, &n), DB_OK);
	cr_assert_eq(n, 366);
	cr_expect(d[0].visits == 6 && d[335].visits == 9 &&
	    d[336].visits == 4 && d[365].visits == 1,
	    "366 days: %lld %lld %lld %lld", d[0].visits, d[335].visits,
	    d[336].visits, d[365].visits);
	for (n = 0, i = 0; i < 366; i++)
		n += (size_t)d[i].visits;
	cr_expect_eq(n, 6 + 9 + 4 + 8 + 1, "nothing older, nothing of t");

	/* A counter not made (yet): every day, all zeros. */
	n = 99;
	cr_assert_eq(db_daily_stats(db, "nosuch", 30, d, &n), DB_OK);
	cr_assert_eq(n, 30, "an unknown counter has its 30 days");
	for (i = 0; i < 30; i++)
		cr_expect(d[i].visits == 0 && d[i].uniques == 0 &&
		    d[i].bots == 0, "day %zu of nosuch", i);
	cr_expect_str_eq(d[29].date, admin_get("SELECT to_char((now() AT "
	    "TIME ZONE 'UTC')::date, 'YYYY-MM-DD')"), "the last is today");
	cr_expect_str_eq(counter_names(), "default,s,t");
}

/*
 * Tuples table rel and its indexes have handed this transaction so far
 * (the pending statistics, exact within one transaction).
 */
static long
tuples_read(const char *rel)
{
	char	 sql[512];

	snprintf(sql, sizeof(sql), "SELECT sum("
	    "pg_stat_get_xact_tuples_returned(c) + "
	    "pg_stat_get_xact_tuples_fetched(c)) FROM (SELECT "
	    "'%s'::regclass::oid UNION ALL SELECT indexrelid FROM pg_index "
	    "WHERE indrelid = '%s'::regclass) AS r(c)", rel, rel);
	return atol(admin_get(sql));
}

/*
 * A counter's numbers read its own slots only, also by the plan PL/pgSQL
 * cached in this session while footfall.counter_total was empty (and
 * analysed so) and 64,000 other slots were added since.
 */
Test(db, read_counters_reads_the_counter_only)
{
	long	 n0, n1;
	int	 i;

	admin_exec("ALTER TABLE footfall.counter_total "
	    "SET (autovacuum_enabled = off)");
	admin_exec("ANALYZE footfall.counter, footfall.counter_total");
	for (i = 0; i < 8; i++)
		cr_assert_str_eq(admin_get("SELECT total_visits FROM "
		    "footfall_api.read_counters(ARRAY['default'])"), "0");
	admin_exec("INSERT INTO footfall.counter (name) SELECT 'c' || i "
	    "FROM generate_series(1, 1000) AS i");
	admin_exec("INSERT INTO footfall.counter_total (counter, slot, visits) "
	    "SELECT x.id, s, 1 FROM footfall.counter x, "
	    "generate_series(0, 63) AS s");
	admin_exec("BEGIN");
	n0 = tuples_read("footfall.counter_total");
	cr_expect_str_eq(admin_get("SELECT string_agg(total_visits::text, ',' "
	    "ORDER BY total_visits) FROM footfall_api.read_counters("
	    "ARRAY['c7', 'default'])"), "64,64");
	n1 = tuples_read("footfall.counter_total");
	admin_exec("COMMIT");
	cr_expect(n1 - n0 <= 2 * 2 * 64, "two counters' numbers read %ld "
	    "rows of footfall.counter_total", n1 - n0);
	admin_exec("ALTER TABLE footfall.counter_total "
	    "RESET (autovacuum_enabled)");
}

/*
 * /stats reads the days it answers, not the counter's history: three
 * years of it, four slots a day, and a week's statistics may read at
 * most the week's 28 rows (twice: the index and the heap): with the
 * plan PL/pgSQL cached in this session while the table was empty (and
 * analysed so), then with the table analysed.
 */
Test(db, daily_stats_reads_the_window_only)
{
	const char	*sums;
	long		 n0, n1;
	int		 pass;

	admin_exec("ALTER TABLE footfall.daily SET (autovacuum_enabled = off)");
	admin_exec("INSERT INTO footfall.counter (name) VALUES ('s'), ('t')");
	admin_exec("ANALYZE footfall.daily");
	/* More calls than the plan cache's five custom plans. */
	for (pass = 0; pass < 8; pass++)
		cr_assert_str_eq(admin_get("SELECT string_agg(visits::text, "
		    "',' ORDER BY day) FROM footfall_api.daily_stats('s', 7)"),
		    "0,0,0,0,0,0,0");
	admin_exec("INSERT INTO footfall.daily (counter, day, slot, visits) "
	    "SELECT x.id, (now() AT TIME ZONE 'UTC')::date - a, s, 1 "
	    "FROM footfall.counter x, generate_series(0, 1095) AS a, "
	    "generate_series(0, 3) AS s");
	for (pass = 0; pass < 2; pass++) {
		admin_exec("BEGIN");
		n0 = tuples_read("footfall.daily");
		sums = admin_get("SELECT string_agg(visits::text, ',' "
		    "ORDER BY day) FROM footfall_api.daily_stats('s', 7)");
		cr_expect_str_eq(sums, "4,4,4,4,4,4,4", "pass %d", pass);
		n1 = tuples_read("footfall.daily");
		admin_exec("COMMIT");
		cr_expect(n1 - n0 <= 2 * 7 * 4, "pass %d: a week's statistics "
		    "read %ld rows of footfall.daily", pass, n1 - n0);
		admin_exec("ANALYZE footfall.daily");
	}
	admin_exec("ALTER TABLE footfall.daily RESET (autovacuum_enabled)");
}

/* Every counter with its numbers, by name in byte order. */
Test(db, list_counters)
{
	struct counter_info	*l;
	size_t			 n;

	admin_exec("INSERT INTO footfall.counter (name, created_at) VALUES "
	    "('b', '2026-01-02 03:04:05+00'), ('B', now()), ('a-1', now())");
	admin_exec("INSERT INTO footfall.counter_total (counter, slot, visits, "
	    "uniques, bots) SELECT x.id, v.slot, v.visits, v.uniques, v.bots "
	    "FROM footfall.counter x JOIN (VALUES ('b', 1, 10, 3, 1), "
	    "('b', 40, 5, 1, 0), ('default', 0, 7, 7, 7)) "
	    "v(name, slot, visits, uniques, bots) ON v.name = x.name");
	cr_assert_eq(db_list_counters(db, &l, &n), DB_OK);
	cr_assert_eq(n, 4);
	cr_expect_str_eq(l[0].name, "B");
	cr_expect_str_eq(l[1].name, "a-1");
	cr_expect_str_eq(l[2].name, "b");
	cr_expect_str_eq(l[3].name, "default");
	cr_expect(l[2].visits == 15 && l[2].uniques == 4 && l[2].bots == 1,
	    "b: %lld/%lld/%lld", l[2].visits, l[2].uniques, l[2].bots);
	cr_expect_eq(l[2].created, 1767323045LL);
	cr_expect(l[1].visits == 0 && l[1].uniques == 0 && l[1].bots == 0,
	    "a counter without numbers lists zeros");
	cr_expect(l[3].visits == 7 && l[3].bots == 7);
	cr_expect(l[0].created > 1767323045LL, "made now");
	free(l);
}

/*
 * Setting a counter (the admin API): the sums become the numbers given,
 * over every slot; unique visitors kept where they fit; bots kept unless
 * reset; the counter made if missing; the daily history untouched.
 */
Test(db, set_counter)
{
	struct counter_info	 ci;
	struct db_visit		 v[1];
	struct counts		 c[1];
	struct db_count_opts	 o = opts(0, 100, 0);

	admin_exec("INSERT INTO footfall.counter (name) VALUES ('a')");
	admin_exec("INSERT INTO footfall.counter_total (counter, slot, visits, "
	    "uniques, bots) SELECT x.id, v.slot, v.visits, v.uniques, v.bots "
	    "FROM footfall.counter x, (VALUES (0, 10, 1, 4), (5, 20, 2, 0), "
	    "(9, 30, 3, 1)) v(slot, visits, uniques, bots) WHERE x.name = 'a'");
	admin_exec("INSERT INTO footfall.daily (counter, day, slot, visits, "
	    "uniques) SELECT id, (now() AT TIME ZONE 'UTC')::date, 0, 60, 6 "
	    "FROM footfall.counter WHERE name = 'a'");

	cr_assert_eq(db_set_counter(db, "a", 1000, -1, 0, &ci), DB_OK);
	cr_expect_str_eq(ci.name, "a");
	cr_expect(ci.visits == 1000 && ci.uniques == 6 && ci.bots == 5,
	    "%lld/%lld/%lld", ci.visits, ci.uniques, ci.bots);
	cr_expect_str_eq(stored("a"), "1000/6/5");
	cr_assert_eq(db_set_counter(db, "a", 3, -1, 0, &ci), DB_OK);
	cr_expect(ci.visits == 3 && ci.uniques == 3, "uniques cut to visits");
	cr_assert_eq(db_set_counter(db, "a", 50, 40, 0, &ci), DB_OK);
	cr_expect_str_eq(stored("a"), "50/40/5");
	/* Counting goes on from there. */
	v[0] = visit("a", VISIT_TRACKED, 1);
	cr_assert_eq(db_count_visits(db, v, 1, &o, c), DB_OK);
	expect_counts(&c[0], "51/41/NCT", "after set", 0);
	/* Reset. */
	cr_assert_eq(db_set_counter(db, "a", 0, 0, 1, &ci), DB_OK);
	cr_expect(ci.visits == 0 && ci.uniques == 0 && ci.bots == 0);
	cr_expect_str_eq(stored("a"), "0/0/0");
	cr_expect_str_eq(admin_get("SELECT sum(visits) || '/' || sum(uniques) "
	    "FROM footfall.daily"), "61/7", "the daily history is kept");

	/* Refused: nothing changes, nothing is made. */
	cr_expect_eq(db_set_counter(db, "a", 5, 6, 0, &ci), DB_FAILED);
	cr_expect_eq(db_set_counter(db, "a", -1, -1, 0, &ci), DB_FAILED);
	cr_expect_eq(db_set_counter(db, "..", 5, 1, 0, &ci), DB_FAILED);
	cr_expect_eq(db_set_counter(db, "x/y", 5, 1, 0, &ci), DB_FAILED);
	cr_expect_str_eq(stored("a"), "0/0/0");

	/* A counter that does not exist is made. */
	cr_assert_eq(db_set_counter(db, "migrated", 123456, 789, 0, &ci), DB_OK);
	cr_expect(ci.visits == 123456 && ci.uniques == 789 && ci.bots == 0 &&
	    ci.created > 0);
	cr_expect_str_eq(counter_names(), "a,default,migrated");
	cr_expect_str_eq(stored("migrated"), "123456/789/0");
}

/* The visit log's top lists: most first, ties by value, NULLs left out. */
Test(db, top)
{
	struct top_item	 t[DB_TOP_MAX];
	size_t		 n;

	admin_exec("INSERT INTO footfall.counter (name) VALUES ('a'), ('b')");
	/* a: /p00 x12, /p01 x11 ... /p11 x1, and 5 NULL paths, today. */
	admin_exec("INSERT INTO footfall.visit_log (at, counter, path, referrer, "
	    "browser, is_new) SELECT date_trunc('minute', now()), x.id, "
	    "'/p' || lpad(p::text, 2, '0'), CASE WHEN p < 2 THEN 'z.example' "
	    "WHEN p < 4 THEN 'a.example' END, 'Firefox', true "
	    "FROM footfall.counter x, generate_series(0, 11) p, "
	    "generate_series(1, 12 - p) r WHERE x.name = 'a'");
	admin_exec("INSERT INTO footfall.visit_log (at, counter, path, browser, "
	    "is_new) SELECT now(), id, NULL, 'Chrome', false "
	    "FROM footfall.counter, generate_series(1, 5) WHERE name = 'a'");
	/* Ties: /t-b and /T-a once each, sorted bytewise. */
	admin_exec("INSERT INTO footfall.visit_log (at, counter, path, is_new) "
	    "SELECT now(), id, p, true FROM footfall.counter, "
	    "(VALUES ('/t-b'), ('/T-a')) v(p) WHERE name = 'b'");
	/* Yesterday's last second (UTC): in days=2, not in days=1. */
	admin_exec("INSERT INTO footfall.visit_log (at, counter, path, is_new) "
	    "SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE "
	    "'UTC' - interval '1 second', id, '/old', true "
	    "FROM footfall.counter, generate_series(1, 3) WHERE name = 'b'");

	cr_assert_eq(db_top(db, "a", 30, "path", t, &n), DB_OK);
	cr_assert_eq(n, DB_TOP_MAX);
	cr_expect_str_eq(t[0].value, "/p00");
	cr_expect_eq(t[0].visits, 12);
	cr_expect_str_eq(t[9].value, "/p09");
	cr_expect_eq(t[9].visits, 3);
	cr_assert_eq(db_top(db, "a", 30, "referrer", t, &n), DB_OK);
	cr_assert_eq(n, 2);
	cr_expect(strcmp(t[0].value, "z.example") == 0 && t[0].visits == 23 &&
	    strcmp(t[1].value, "a.example") == 0 && t[1].visits == 19,
	    "referrers %s %lld %s %lld", t[0].value, t[0].visits, t[1].value,
	    t[1].visits);
	cr_assert_eq(db_top(db, "a", 30, "browser", t, &n), DB_OK);
	cr_assert_eq(n, 2);
	cr_expect(strcmp(t[0].value, "Firefox") == 0 && t[0].visits == 78 &&
	    strcmp(t[1].value, "Chrome") == 0 && t[1].visits == 5);

	cr_assert_eq(db_top(db, "b", 1, "path", t, &n), DB_OK);
	cr_assert_eq(n, 2, "days=1: today only");
	cr_expect_str_eq(t[0].value, "/T-a");
	cr_expect_str_eq(t[1].value, "/t-b");
	cr_assert_eq(db_top(db, "b", 2, "path", t, &n), DB_OK);
	cr_assert_eq(n, 3);
	cr_expect(strcmp(t[0].value, "/old") == 0 && t[0].visits == 3);

	n = 99;
	cr_assert_eq(db_top(db, "nosuch", 30, "path", t, &n), DB_OK);
	cr_expect_eq(n, 0);
}

/* The purge removes visit log rows past the retention, in batches. */
Test(db, purge_visit_log)
{
	long long	 n[3];

	admin_exec("INSERT INTO footfall.visit_log (at, counter, path, is_new) "
	    "SELECT now() - make_interval(days => d), x.id, '/' || d, true "
	    "FROM footfall.counter x, unnest(ARRAY[200, 91, 91, 90, 90, 89, "
	    "1, 0]) d WHERE x.name = 'default'");
	/* 90 days and a minute: just past it. */
	admin_exec("UPDATE footfall.visit_log SET at = at - interval '1 minute' "
	    "WHERE path = '/90'");
	cr_assert_eq(db_purge(db, WINDOW, 3, 90 * 86400, n), DB_OK);
	cr_expect(n[0] == 0 && n[1] == 0 && n[2] == 3, "first: %lld", n[2]);
	cr_expect_str_eq(admin_get("SELECT string_agg(path, ',' ORDER BY at) "
	    "FROM footfall.visit_log"), "/90,/90,/89,/1,/0",
	    "the counter's oldest went first");
	cr_assert_eq(db_purge(db, WINDOW, 3, 90 * 86400, n), DB_OK);
	cr_expect_eq(n[2], 2);
	cr_assert_eq(db_purge(db, WINDOW, 3, 90 * 86400, n), DB_OK);
	cr_expect_eq(n[2], 0);
	cr_expect_str_eq(admin_get("SELECT string_agg(path, ',' ORDER BY at) "
	    "FROM footfall.visit_log"), "/89,/1,/0");
	cr_assert_eq(db_purge(db, WINDOW, 1000, 86400, n), DB_OK);
	cr_expect_eq(n[2], 2, "a retention of a day");
	cr_expect_eq(db_purge(db, WINDOW, 3, 86399, n), DB_FAILED,
	    "less than a day");
	cr_expect_eq(db_purge(db, WINDOW, 3, 3661 * 86400U, n), DB_FAILED,
	    "more than 3660 days");
	cr_expect_str_eq(admin_get("SELECT count(*) FROM footfall.visit_log"),
	    "1");

	/*
	 * Every counter's rows go, also those of a counter id that
	 * footfall.counter does not hold (the log has no foreign key): the
	 * purge walks the log's own counters.
	 */
	admin_exec("INSERT INTO footfall.visit_log (at, counter, path, is_new) "
	    "SELECT now() - make_interval(days => 3), c, '/old' || c, false "
	    "FROM unnest(ARRAY[1, 7, 99999]) c");
	admin_exec("INSERT INTO footfall.visit_log (at, counter, path, is_new) "
	    "VALUES (now(), 99999, '/new', false)");
	cr_assert_eq(db_purge(db, WINDOW, 2, 2 * 86400, n), DB_OK);
	cr_expect_eq(n[2], 2, "at most the limit, across counters");
	cr_assert_eq(db_purge(db, WINDOW, 2, 2 * 86400, n), DB_OK);
	cr_expect_eq(n[2], 1);
	cr_assert_eq(db_purge(db, WINDOW, 2, 2 * 86400, n), DB_OK);
	cr_expect_eq(n[2], 0);
	cr_expect_str_eq(admin_get("SELECT string_agg(path, ',' ORDER BY path) "
	    "FROM footfall.visit_log"), "/0,/new");
}

/* count_batch refuses malformed calls whole: nothing is recorded. */
Test(db, count_batch_bad_arguments)
{
	static const char *const calls[] = {
		/* counters, kinds, hashes, prev, paths, refs, browsers,
		 * window, interval, max, log */
		"ARRAY['a','a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, "
		    "NULL, NULL, 86400, 0, 100, false",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL,NULL]::bytea[], NULL, NULL, "
		    "NULL, NULL, 86400, 0, 100, false",
		"ARRAY['a'], ARRAY['t'], ARRAY[sha256('x')], "
		    "ARRAY[NULL,NULL]::bytea[], NULL, NULL, NULL, 86400, 0, 100, "
		    "false",
		"ARRAY['a'], ARRAY['x'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false",
		"ARRAY['a'], ARRAY['t'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false",
		"ARRAY['a'], ARRAY['u'], ARRAY[sha256('x')], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false",
		"ARRAY['a'], ARRAY['b'], ARRAY[sha256('x')], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false",
		"ARRAY['a'], ARRAY['t'], ARRAY['\\x00'::bytea], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false",
		"ARRAY['a'], ARRAY['t'], ARRAY[sha256('x')], ARRAY['\\x00'::bytea],"
		    " NULL, NULL, NULL, 86400, 0, 100, false",
		/* A key of neither 16 bytes nor 32 (cut: before step 012). */
		"ARRAY['a'], ARRAY['t'], ARRAY[substring(sha256('x') FOR 17)], "
		    "NULL, NULL, NULL, NULL, 86400, 0, 100, false",
		"ARRAY['a'], ARRAY['t'], ARRAY[vkey('x')], "
		    "ARRAY[substring(sha256('x') FOR 31)], NULL, NULL, NULL, "
		    "86400, 0, 100, false",
		"ARRAY[NULL]::text[], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, "
		    "NULL, NULL, NULL, 86400, 0, 100, false",
		"'{}'::text[], '{}'::text[], '{}'::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 59, 0, 100, false",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 3600, 3601, 100, false",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, -1, 100, false",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, true",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, "
		    "ARRAY['/'], ARRAY['x'], ARRAY['a','b'], 86400, 0, 100, true",
		/* Pages (sql/008): pages, may make, max_pages after log. */
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false, ARRAY['/','/'], ARRAY[true], 5",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false, ARRAY['/'], NULL, 5",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false, ARRAY['/'], ARRAY[NULL]::boolean[], "
		    "5",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false, ARRAY['a'], ARRAY[true], 5",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false, ARRAY[''], ARRAY[true], 5",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false, ARRAY['/' || repeat('a', 256)], "
		    "ARRAY[true], 5",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false, ARRAY['/'], ARRAY[true], -1",
		"ARRAY['a'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, NULL, "
		    "NULL, 86400, 0, 100, false, ARRAY['/'], ARRAY[true], NULL",
		/* A name the table refuses. */
		"ARRAY['../x'], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, NULL, "
		    "NULL, NULL, 86400, 0, 100, false",
		"ARRAY[repeat('a', 65)], ARRAY['u'], ARRAY[NULL]::bytea[], NULL, "
		    "NULL, NULL, NULL, 86400, 0, 100, false",
	};
	PGconn		*app;
	PGresult	*res;
	char		 sql[512];
	size_t		 i;

	app = PQconnectdb(getenv("FOOTFALL_TEST_DSN"));
	cr_assert_eq(PQstatus(app), CONNECTION_OK);
	for (i = 0; i < NELEM(calls); i++) {
		snprintf(sql, sizeof(sql), "SELECT * FROM "
		    "footfall_api.count_batch(%s)", calls[i]);
		res = PQexec(app, sql);
		cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "%s",
		    calls[i]);
		PQclear(res);
	}
	/* And one that is right, to show the calls above were. */
	cr_expect_str_eq(cell(app, "SELECT string_agg(concat_ws('/', refused, "
	    "is_new, counted, visits, uniques), ' ' ORDER BY i) "
	    "FROM footfall_api.count_batch(ARRAY['a','a'], ARRAY['t','u'], "
	    "ARRAY[vkey('x'), NULL], NULL, ARRAY['/', NULL], "
	    "ARRAY[NULL, NULL], ARRAY['Other', NULL], 86400, 0, 100, true) "
	    "WITH ORDINALITY AS b(refused, is_new, counted, visits, uniques, "
	    "xact_id, batch_id, i)"), "f/t/t/1/1 f/f/t/2/1", "one row per visit");
	cr_expect_str_eq(stored("a"), "2/1/0", "only the right call counted");
	cr_expect_str_eq(counter_names(), "a,default");
	cr_expect_str_eq(admin_get("SELECT count(*) FROM footfall.visit_log"),
	    "1");

	/*
	 * count_visits (sql/compat.sql) answers as it did in 005: each
	 * counter's numbers (NULL: refused) and the positions.
	 */
	cr_expect_str_eq(cell(app, "SELECT concat_ws(' ', visits, uniques, "
	    "new_positions, refused_positions, repeat_positions) "
	    "FROM footfall_api.count_visits(ARRAY['a','b','a','c','a','c'], "
	    "ARRAY['t','t','u','t','t','b'], ARRAY[vkey('y'), vkey('z'), "
	    "NULL, vkey('w'), vkey('y'), NULL], NULL, NULL, NULL, NULL, "
	    "86400, 60, 3, false)"), "{4,1,NULL} {2,1,NULL} {1,2} {4,6} {5}");
	PQfinish(app);
}

/*
 * A footfall from before step 012 sends the whole 32-byte HMAC as a
 * visitor's key: count_batch cuts it to the 16 bytes stored, as the
 * step cut the stored keys, so that the visitor is the one today's
 * binary sends, and a previous key's 32 bytes find its row too.
 */
#define LONG_CALL	"SELECT string_agg(b.is_new::text, ' ') " \
	"FROM footfall_api.count_batch(ARRAY['default'], ARRAY['t'], " \
	"ARRAY[%s], %s, NULL, NULL, NULL, 86400, 0, NULL, false) b"

static const char *
long_call(PGconn *c, const char *hash, const char *prev)
{
	char	 sql[512];

	snprintf(sql, sizeof(sql), LONG_CALL, hash, prev);
	return cell(c, sql);
}

Test(db, count_batch_cuts_long_keys)
{
	PGconn	*app;

	app = PQconnectdb(getenv("FOOTFALL_TEST_DSN"));
	cr_assert_eq(PQstatus(app), CONNECTION_OK);
	cr_expect_str_eq(long_call(app, "sha256('long')", "NULL"), "true");
	cr_expect_str_eq(admin_get("SELECT string_agg(octet_length(hash) || "
	    "' ' || (hash = vkey('long')), ',') FROM footfall.visitor"),
	    "16 true", "stored cut to 16 bytes");
	cr_expect_str_eq(long_call(app, "vkey('long')", "NULL"), "false",
	    "the same visitor, sent as today's footfall sends it");
	cr_expect_str_eq(long_call(app, "sha256('other')",
	    "ARRAY[sha256('long')]"), "false",
	    "a 32-byte previous key finds the visitor's row");
	cr_expect_str_eq(long_call(app, "sha256('third')", "NULL"), "true");
	cr_expect_str_eq(long_call(app, "vkey('fourth')",
	    "ARRAY[sha256('third')]"), "false",
	    "a 32-byte previous key beside a 16-byte key is cut too");
	cr_expect_str_eq(admin_get("SELECT count(*) FILTER (WHERE "
	    "octet_length(hash) = 16) || '/' || count(*) "
	    "FROM footfall.visitor"), "4/4");
	PQfinish(app);
}

/*
 * db_durable: which settings keep a commit footfall acknowledged.  The
 * strings are arrays: Criterion hands a test a copy of its parameter in
 * another process, where the parent's pointers mean nothing.  "-" is a
 * setting that could not be read (NULL).
 */
struct durable_case {
	char		 fsync[8];
	char		 sync[16];
	int		 want;
	char		 why[32];
};

ParameterizedTestParameters(durable, settings)
{
	static struct durable_case cases[] = {
		{ "on", "on", 1, "" },
		{ "on", "remote_apply", 1, "" },
		{ "on", "remote_write", 1, "" },	/* flushed here */
		{ "on", "local", 1, "" },
		{ "on", "off", 0, "synchronous_commit = off" },
		{ "off", "on", 0, "fsync = off" },
		{ "off", "off", 0, "fsync = off" },
		{ "off", "bogus", 0, "fsync = off" },
		{ "on", "bogus", -1, "" },
		{ "maybe", "on", -1, "" },
		{ "-", "on", -1, "" },
		{ "on", "-", -1, "" },
		{ "", "", -1, "" },
	};

	return cr_make_param_array(struct durable_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct durable_case *c, durable, settings)
{
	const char	*why = "unset";

	cr_expect_eq(db_durable(strcmp(c->fsync, "-") ? c->fsync : NULL,
	    strcmp(c->sync, "-") ? c->sync : NULL, &why), c->want,
	    "fsync %s, synchronous_commit %s", c->fsync, c->sync);
	if (c->why[0] == '\0')
		cr_expect_null(why, "%s", why);
	else
		cr_expect_str_eq(why, c->why);
}
