/*
 * The database module against a real PostgreSQL, started by
 * tests/db.test: FOOTFALL_TEST_DSN connects as the application role,
 * FOOTFALL_TEST_ADMIN_DSN as a superuser that ages rows in SQL (no
 * sleeping) and checks what was stored.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <libpq-fe.h>

#include "footfall.h"

#define WINDOW	86400

static PGconn	*admin;
static struct db *db;

static void
setup(void)
{
	const char	*dsn = getenv("FOOTFALL_TEST_DSN");
	const char	*adsn = getenv("FOOTFALL_TEST_ADMIN_DSN");

	cr_assert_not_null(dsn, "FOOTFALL_TEST_DSN is not set (run tests/db.test)");
	cr_assert_not_null(adsn, "FOOTFALL_TEST_ADMIN_DSN is not set");
	admin = PQconnectdb(adsn);
	cr_assert_eq(PQstatus(admin), CONNECTION_OK, "%s", PQerrorMessage(admin));
	PQclear(PQexec(admin, "TRUNCATE footfall.visitor, footfall.visitor_key; "
	    "UPDATE footfall.counter_total SET visits = 0, uniques = 0"));
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
admin_exec(const char *sql)
{
	PGresult	*res = PQexec(admin, sql);

	cr_assert(PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql,
	    PQresultErrorMessage(res));
	PQclear(res);
}

static void
hash_of(int n, unsigned char h[HASH_LEN])
{
	memset(h, 0, HASH_LEN);
	h[0] = (unsigned char)n;
	h[31] = 0xff;	/* not valid UTF-8: must travel as bytea */
}

TestSuite(db, .init = setup, .fini = teardown);

Test(db, first_and_repeat_visits)
{
	unsigned char	 h[HASH_LEN];
	struct counts	 c;

	hash_of(1, h);
	cr_assert_eq(db_record_visit(db, h, WINDOW, &c), DB_OK);
	cr_assert_eq(c.total, 1);
	cr_assert_eq(c.uniques, 1);
	cr_assert_eq(c.is_new, 1);
	cr_assert_eq(db_record_visit(db, h, WINDOW, &c), DB_OK);
	cr_assert_eq(c.total, 2);
	cr_assert_eq(c.uniques, 1);
	cr_assert_eq(c.is_new, 0);
	hash_of(2, h);
	cr_assert_eq(db_record_visit(db, h, WINDOW, &c), DB_OK);
	cr_assert_eq(c.total, 3);
	cr_assert_eq(c.uniques, 2);
	cr_assert_eq(c.is_new, 1);
	cr_assert_eq(db_read_counts(db, &c), DB_OK);
	cr_assert_eq(c.total, 3);
	cr_assert_eq(c.uniques, 2);
	cr_assert_eq(c.is_new, -1);
}

Test(db, window_is_24_hours)
{
	unsigned char	 h[HASH_LEN];
	struct counts	 c;

	hash_of(3, h);
	cr_assert_eq(db_record_visit(db, h, WINDOW, &c), DB_OK);
	cr_assert_eq(c.is_new, 1);
	/* 23 hours later: the same visitor. */
	admin_exec("UPDATE footfall.visitor SET counted_at = now() - "
	    "interval '23 hours'");
	cr_assert_eq(db_record_visit(db, h, WINDOW, &c), DB_OK);
	cr_assert_eq(c.is_new, 0);
	cr_assert_eq(c.uniques, 1);
	/* 25 hours later: counted again. */
	admin_exec("UPDATE footfall.visitor SET counted_at = now() - "
	    "interval '25 hours'");
	cr_assert_eq(db_record_visit(db, h, WINDOW, &c), DB_OK);
	cr_assert_eq(c.is_new, 1);
	cr_assert_eq(c.uniques, 2);
	cr_assert_eq(c.total, 3);
	/* And the window starts again from that visit. */
	cr_assert_eq(db_record_visit(db, h, WINDOW, &c), DB_OK);
	cr_assert_eq(c.is_new, 0);
}

Test(db, stores_only_the_hash)
{
	unsigned char	 h[HASH_LEN];
	struct counts	 c;
	PGresult	*res;

	hash_of(4, h);
	cr_assert_eq(db_record_visit(db, h, WINDOW, &c), DB_OK);
	res = PQexec(admin, "SELECT encode(hash, 'hex') FROM footfall.visitor");
	cr_assert_eq(PQntuples(res), 1);
	cr_assert_str_eq(PQgetvalue(res, 0, 0),
	    "04000000000000000000000000000000000000000000000000000000000000ff");
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
	PQfinish(app);
}

Test(db, bad_arguments_are_refused)
{
	PGresult	*res;

	res = PQexec(admin, "SELECT * FROM footfall_api.record_visit("
	    "'\\x00'::bytea, 86400)");
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	PQclear(res);
	res = PQexec(admin, "SELECT * FROM footfall_api.record_visit("
	    "decode(repeat('00', 32), 'hex'), 1)");
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	PQclear(res);
}

Test(db, unreachable_database_is_unavailable)
{
	struct db	*bad;
	struct counts	 c;
	unsigned char	 h[HASH_LEN];

	bad = db_open("host=/nonexistent-footfall-dir dbname=x", 2000, 2);
	cr_assert_not_null(bad);
	hash_of(5, h);
	cr_expect_eq(db_record_visit(bad, h, WINDOW, &c), DB_UNAVAILABLE);
	cr_expect_eq(db_ping(bad), DB_UNAVAILABLE);
	db_close(bad);
	cr_assert_eq(db_read_counts(db, &c), DB_OK);
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
	unsigned char	 h[7][HASH_LEN];
	struct counts	 c[7];
	size_t		 i;

	for (i = 0; i < 7; i++)
		hash_of(t[i].who, h[i]);
	cr_assert_eq(db_record_visits(db, (const unsigned char (*)[HASH_LEN])h,
	    NULL, 7, 0, WINDOW, c), DB_OK);
	for (i = 0; i < 7; i++) {
		cr_expect_eq(c[i].total, t[i].total, "visit %zu total", i);
		cr_expect_eq(c[i].uniques, t[i].uniques, "visit %zu uniques", i);
		cr_expect_eq(c[i].is_new, t[i].is_new, "visit %zu is_new", i);
	}
	/* A second batch continues from there; 1 and 4 are not new. */
	hash_of(4, h[0]);
	hash_of(5, h[1]);
	hash_of(1, h[2]);
	cr_assert_eq(db_record_visits(db, (const unsigned char (*)[HASH_LEN])h,
	    NULL, 3, 0, WINDOW, c), DB_OK);
	cr_expect(c[0].total == 8 && c[0].uniques == 4 && !c[0].is_new);
	cr_expect(c[1].total == 9 && c[1].uniques == 5 && c[1].is_new);
	cr_expect(c[2].total == 10 && c[2].uniques == 5 && !c[2].is_new);
	cr_assert_eq(db_read_counts(db, &c[0]), DB_OK);
	cr_expect(c[0].total == 10 && c[0].uniques == 5, "stored totals");
}

/* A visitor whose window ran out is new again, also inside a batch. */
Test(db, batch_window)
{
	unsigned char	 h[3][HASH_LEN];
	struct counts	 c[3];

	hash_of(1, h[0]);
	cr_assert_eq(db_record_visit(db, h[0], WINDOW, c), DB_OK);
	admin_exec("UPDATE footfall.visitor SET counted_at = now() - "
	    "interval '25 hours'");
	hash_of(1, h[1]);
	hash_of(1, h[2]);
	cr_assert_eq(db_record_visits(db, (const unsigned char (*)[HASH_LEN])h,
	    NULL, 3, 0, WINDOW, c), DB_OK);
	cr_expect(c[0].is_new == 1 && c[1].is_new == 0 && c[2].is_new == 0,
	    "the first visit after the window is new, the rest are not");
	cr_expect(c[2].total == 4 && c[2].uniques == 2);
}

/* All or nothing: a batch the database refuses records no visit. */
Test(db, batch_is_atomic)
{
	PGresult	*res;
	struct counts	 c;
	unsigned char	 h[DB_BATCH_MAX + 1][HASH_LEN];

	res = PQexec(admin, "SELECT * FROM footfall_api.record_visits("
	    "ARRAY[sha256('a'), sha256('b'), '\\x00']::bytea[], 86400)");
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	PQclear(res);
	res = PQexec(admin, "SELECT * FROM footfall_api.record_visits("
	    "ARRAY[sha256('a'), NULL]::bytea[], 86400)");
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	PQclear(res);
	res = PQexec(admin, "SELECT * FROM footfall_api.record_visits("
	    "'{}'::bytea[], 86400)");
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	PQclear(res);
	memset(h, 0, sizeof(h));
	cr_expect_eq(db_record_visits(db, (const unsigned char (*)[HASH_LEN])h,
	    NULL, 0, 0, WINDOW, &c), DB_FAILED, "an empty batch is refused");
	cr_expect_eq(db_record_visits(db, (const unsigned char (*)[HASH_LEN])h,
	    NULL, DB_BATCH_MAX + 1, 0, WINDOW, &c), DB_FAILED, "so is one too big");
	cr_assert_eq(db_read_counts(db, &c), DB_OK);
	cr_expect_eq(c.total, 0, "nothing was counted");
	res = PQexec(admin, "SELECT count(*) FROM footfall.visitor");
	cr_expect_str_eq(PQgetvalue(res, 0, 0), "0", "no visitor stored");
	PQclear(res);
}

/* The largest batch footfall sends, in one round trip. */
Test(db, batch_max)
{
	static unsigned char	 h[DB_BATCH_MAX][HASH_LEN];
	static struct counts	 c[DB_BATCH_MAX];
	size_t			 i;

	for (i = 0; i < DB_BATCH_MAX; i++) {
		memset(h[i], 0xab, HASH_LEN);
		h[i][0] = (unsigned char)(i & 0xff);
		h[i][1] = (unsigned char)(i >> 8);
	}
	cr_assert_eq(db_record_visits(db, (const unsigned char (*)[HASH_LEN])h,
	    NULL, DB_BATCH_MAX, 0, WINDOW, c), DB_OK);
	for (i = 0; i < DB_BATCH_MAX; i++)
		cr_expect(c[i].total == (long long)i + 1 &&
		    c[i].uniques == (long long)i + 1 && c[i].is_new,
		    "visit %zu", i);
}

/*
 * record_batch answers one row: the totals after the batch, the
 * positions of the new visits, and its transaction id, committed by the
 * time the call returned; the compatible record_visits agrees with it.
 */
Test(db, record_batch_row_and_xact)
{
	PGresult	*res;

	res = PQexec(admin, "SELECT total_visits, unique_visitors, "
	    "new_positions, xact_id, pg_xact_status(xact_id) "
	    "FROM footfall_api.record_batch(ARRAY[sha256('a'), sha256('b'), "
	    "sha256('a'), sha256('c')], 86400)");
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s",
	    PQresultErrorMessage(res));
	cr_expect_str_eq(PQgetvalue(res, 0, 0), "4");
	cr_expect_str_eq(PQgetvalue(res, 0, 1), "3");
	cr_expect_str_eq(PQgetvalue(res, 0, 2), "{1,2,4}");
	cr_expect(atoll(PQgetvalue(res, 0, 3)) > 0, "a transaction id");
	/* Asked inside its own transaction: not committed yet. */
	cr_expect_str_eq(PQgetvalue(res, 0, 4), "in progress");
	PQclear(res);
	res = PQexec(admin, "SELECT total_visits, unique_visitors, is_new "
	    "FROM footfall_api.record_visits(ARRAY[sha256('c'), sha256('d'), "
	    "sha256('d')], 86400)");
	cr_assert_eq(PQntuples(res), 3);
	cr_expect_str_eq(PQgetvalue(res, 0, 0), "5");
	cr_expect_str_eq(PQgetvalue(res, 0, 1), "3");
	cr_expect_str_eq(PQgetvalue(res, 0, 2), "f");
	cr_expect_str_eq(PQgetvalue(res, 1, 0), "6");
	cr_expect_str_eq(PQgetvalue(res, 1, 1), "4");
	cr_expect_str_eq(PQgetvalue(res, 1, 2), "t");
	cr_expect_str_eq(PQgetvalue(res, 2, 0), "7");
	cr_expect_str_eq(PQgetvalue(res, 2, 1), "4");
	cr_expect_str_eq(PQgetvalue(res, 2, 2), "f");
	PQclear(res);
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
	unsigned char	 h[3][HASH_LEN], p[3][HASH_LEN];
	struct counts	 c[3];
	int		 i;

	for (i = 0; i < 3; i++) {
		hash_of(10 + i, h[i]);
		hash_of(20 + i, p[i]);
	}
	/* p[0]: seen 22 h ago; p[1]: 25 h ago; p[2]: never. */
	admin_exec("INSERT INTO footfall.visitor VALUES "
	    "('\\x14000000000000000000000000000000000000000000000000000000000000ff',"
	    " now() - interval '22 hours'), "
	    "('\\x15000000000000000000000000000000000000000000000000000000000000ff',"
	    " now() - interval '25 hours')");
	cr_assert_eq(db_record_visits(db, (const unsigned char (*)[HASH_LEN])h,
	    (const unsigned char (*)[HASH_LEN])p, 3, 0, WINDOW, c), DB_OK);
	cr_expect(!c[0].is_new, "seen 22 h ago under the previous key");
	cr_expect(c[1].is_new, "seen 25 h ago: the window had passed");
	cr_expect(c[2].is_new, "never seen");
	cr_expect(c[2].total == 3 && c[2].uniques == 2);
	/* The carried row expires when the old one would have. */
	admin_exec("DO $$ BEGIN IF (SELECT counted_at FROM footfall.visitor "
	    "WHERE hash = '\\x0a000000000000000000000000000000000000000000000000000000000000ff')"
	    " > now() - interval '21 hours' THEN "
	    "RAISE 'counted_at was not carried'; END IF; END $$");
	/* Two hours later (simulated) the carried visitor is new again. */
	admin_exec("UPDATE footfall.visitor SET "
	    "counted_at = counted_at - interval '2 hours'");
	cr_assert_eq(db_record_visits(db, (const unsigned char (*)[HASH_LEN])h,
	    NULL, 1, 0, WINDOW, c), DB_OK);
	cr_expect(c[0].is_new, "its window, carried over, has passed");
}

/* Untracked visits (DNT): in the total, nowhere else. */
Test(db, untracked_visits)
{
	unsigned char	 h[2][HASH_LEN];
	struct counts	 c[5];

	hash_of(1, h[0]);
	hash_of(2, h[1]);
	cr_assert_eq(db_record_visits(db, NULL, NULL, 0, 2, WINDOW, c), DB_OK);
	cr_expect(c[0].total == 1 && c[1].total == 2, "totals %lld %lld",
	    c[0].total, c[1].total);
	cr_expect(c[0].uniques == 0 && c[1].uniques == 0);
	cr_expect(!c[0].is_new && !c[1].is_new);
	cr_assert_eq(db_record_visits(db, (const unsigned char (*)[HASH_LEN])h,
	    NULL, 2, 3, WINDOW, c), DB_OK);
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

	admin_exec("INSERT INTO footfall.visitor SELECT sha256(i::text::bytea),"
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

/* The expansion of record_batch's row, without a database. */
Test(db_expand, table)
{
	static const struct {
		const char	*pos;
		long long	 total, uniques;
		size_t		 n;
		int		 ok;
		const char	*is_new;	/* one digit a visit */
	} t[] = {
		{ "{}", 10, 4, 3, 1, "000" },
		{ "{1}", 1, 1, 1, 1, "1" },
		{ "{1,3}", 5, 2, 3, 1, "101" },
		{ "{2,3,4}", 100, 50, 4, 1, "0111" },
		{ "{10}", 10, 1, 10, 1, "0000000001" },
		{ "{3,1}", 5, 2, 3, 0, NULL },		/* not ascending */
		{ "{1,1}", 5, 2, 3, 0, NULL },		/* repeated */
		{ "{0}", 5, 2, 3, 0, NULL },		/* 1-based */
		{ "{4}", 5, 2, 3, 0, NULL },		/* past n */
		{ "{01}", 5, 2, 3, 0, NULL },
		{ "{-1}", 5, 2, 3, 0, NULL },
		{ "{1,}", 5, 2, 3, 0, NULL },
		{ "{,1}", 5, 2, 3, 0, NULL },
		{ "{1 ,2}", 5, 2, 3, 0, NULL },
		{ "{1}x", 5, 2, 3, 0, NULL },
		{ "1", 5, 2, 3, 0, NULL },
		{ "{", 5, 2, 3, 0, NULL },
		{ "", 5, 2, 3, 0, NULL },
		{ "{99999999999999999999}", 5, 2, 3, 0, NULL },
		{ "{1,2}", 5, 1, 3, 0, NULL },		/* more new than uniques */
		{ "{}", 2, 0, 3, 0, NULL },		/* fewer visits than n */
		{ "{}", 2, 0, 0, 0, NULL },		/* an empty batch */
	};
	struct counts	 c[10];
	size_t		 i, j;
	long long	 seen, nnew;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cr_expect_eq(db_batch_expand(t[i].pos, t[i].total, t[i].uniques,
		    t[i].n, c) == 0, t[i].ok, "\"%s\" n=%zu", t[i].pos, t[i].n);
		if (!t[i].ok)
			continue;
		for (nnew = 0, j = 0; j < t[i].n; j++)
			nnew += t[i].is_new[j] - '0';
		seen = 0;
		for (j = 0; j < t[i].n; j++) {
			seen += t[i].is_new[j] - '0';
			cr_expect_eq(c[j].is_new, t[i].is_new[j] - '0',
			    "\"%s\" visit %zu is_new", t[i].pos, j);
			cr_expect_eq(c[j].total,
			    t[i].total - (long long)(t[i].n - j - 1),
			    "\"%s\" visit %zu total", t[i].pos, j);
			cr_expect_eq(c[j].uniques, t[i].uniques - nnew + seen,
			    "\"%s\" visit %zu uniques", t[i].pos, j);
		}
	}
}
