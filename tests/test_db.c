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
	PQclear(PQexec(admin, "TRUNCATE footfall.visitor; "
	    "UPDATE footfall.total SET visits = 0, uniques = 0"));
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
		"SELECT * FROM footfall.total",
		"UPDATE footfall.total SET visits = 0",
		"DELETE FROM footfall.visitor",
		"INSERT INTO footfall.total (slot) VALUES (99)",
		"TRUNCATE footfall.visitor",
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
