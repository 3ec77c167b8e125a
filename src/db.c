/*
 * The database: the only file that includes libpq-fe.h.
 *
 * Each database thread (batch.c) owns one struct db and so one
 * connection, opened lazily and reopened after a failure with a short
 * back-off, so that a PostgreSQL restart costs a few quick 503s rather
 * than a restart of footfall.  Every statement is sent with
 * PQsendQueryParams and $n parameters (no string building, and no named
 * prepared statements, so that pgbouncer's transaction pooling works)
 * and waited for with a deadline of our own: a stuck database cannot
 * pile requests up.
 *
 * A batch of visits is committed in two steps on one connection (libpq's
 * pipeline mode): the call of count_batch, whose rows (with the batch's
 * id, which it wrote to footfall.batch) we read first, and then the Sync
 * that commits it.  Whatever goes wrong after the Sync went out and
 * before the commit was confirmed, only the database knows whether the
 * visits were recorded: we ask it, batch_committed of that id on a new
 * connection, and answer accordingly.  Guessing either way would be
 * wrong: a blind retry counts the visits twice, a blind error denies
 * counted ones.  The id is random, not a transaction id, so the answer
 * holds on whichever server is the primary by then, a standby promoted
 * meanwhile included; and batch_committed's answer is as durable as the
 * commit would have been (sql/functions.sql).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "footfall.h"

/*
 * After a failed connection attempt, wait this long before the next one,
 * doubling: short enough that counting resumes well within a second of
 * the database being back, long enough not to hammer a server that is
 * down (an attempt against a stopped server fails at once).
 */
#define DB_BACKOFF_MIN_MS	50
#define DB_BACKOFF_MAX_MS	250
#define DB_BYTEAOID		17	/* pg_type.oid of bytea, fixed */
#define DB_TEXTOID		25	/* and of text */
#define DB_BOOLOID		16	/* and of boolean */

struct db {
	PGconn		*conn;
	int		 watch;	/* check durability on each connection */
	int		 durable;	/* -1 unknown, else db_durable's */
	const char	*why;		/* and the setting it named */
	char		*conninfo;
	char		 timeout[16];	/* connect_timeout, as text */
	unsigned int	 timeout_ms;
	unsigned int	 backoff_ms;
	long long	 retry_at;	/* monotonic ms; no connect before */
	int		 failing;	/* last connect failed: log less */
	int		 connected;	/* a connection was ever made */
	int		 warned;	/* warnings the server sent since */
};

/* count_batch's batch_id: a UUID as text, 8-4-4-4-12 hex digits. */
#define DB_BATCH_ID_LEN	36

static const char sql_committed[] =
    "SELECT footfall_api.batch_committed($1::uuid)";
static const char sql_ping[] = "SELECT 1";
/* As this session sees them: a role or database may set its own. */
static const char sql_durable[] =
    "SELECT pg_catalog.current_setting('fsync'), "
    "pg_catalog.current_setting('synchronous_commit')";
/* encode: bytea as text follows the session's bytea_output. */
static const char sql_keys[] =
    "SELECT period_start, pg_catalog.encode(key, 'hex'), seconds_left, "
    "expires_in "
    "FROM footfall_api.visitor_keys($1::integer, $2::integer, $3::bytea)";
static const char sql_purge[] =
    "SELECT visitors, keys, log_rows "
    "FROM footfall_api.purge($1::integer, $2::integer, $3::integer)";
/*
 * count_batch's parameters by name: an array of one entry per visit for
 * each field of struct db_visit, then the batch's options.
 */
enum db_param {
	DBP_COUNTERS,
	DBP_KINDS,
	DBP_HASHES,
	DBP_PREV,
	DBP_PATHS,
	DBP_REFS,
	DBP_BROWSERS,
	DBP_PAGES,
	DBP_PAGE_MAKE,
	DBP_WINDOW,
	DBP_INTERVAL,
	DBP_MAX_COUNTERS,
	DBP_LOG,
	DBP_MAX_PAGES,
	DBP__MAX
};
#define DBP_ARRAYS	DBP_WINDOW	/* the arrays come first */

/* Its result: one row per visit, in the batch's order. */
enum db_col {
	DBC_REFUSED,
	DBC_IS_NEW,
	DBC_COUNTED,
	DBC_VISITS,
	DBC_UNIQUES,
	DBC_BATCH_ID,
	DBC_PAGE_VISITS,
	DBC_PAGE_UNIQUES,
	DBC__MAX
};

static const char sql_count[] =
    "SELECT refused, is_new, counted, visits, uniques, batch_id, "
    "page_visits, page_uniques "
    "FROM footfall_api.count_batch(p_counters => $1::text[], "
    "p_kinds => $2::text[], p_hashes => $3::bytea[], p_prev => $4::bytea[], "
    "p_paths => $5::text[], p_refs => $6::text[], p_browsers => $7::text[], "
    "p_pages => $8::text[], p_page_make => $9::boolean[], "
    "p_window => $10::integer, p_interval => $11::integer, "
    "p_max_counters => $12::integer, p_log => $13::boolean, "
    "p_max_pages => $14::integer)";
static const char sql_read_counters[] =
    "SELECT found, total_visits, unique_visitors, bots "
    "FROM footfall_api.read_counters($1::text[])";
static const char sql_read_pages[] =
    "SELECT found, total_visits, unique_visitors, bots, page_found, "
    "page_visits, page_uniques "
    "FROM footfall_api.read_pages($1::text[], $2::text[])";
/* The date as text in the session's DateStyle could be "22.11.2026". */
static const char sql_daily[] =
    "SELECT pg_catalog.to_char(day, 'YYYY-MM-DD'), visits, uniques, bots "
    "FROM footfall_api.daily_stats($1::text, $2::integer)";
static const char sql_list[] =
    "SELECT name, total_visits, unique_visitors, bots, created "
    "FROM footfall_api.list_counters()";
static const char sql_set[] =
    "SELECT total_visits, unique_visitors, bots, created "
    "FROM footfall_api.set_counter($1::text, $2::bigint, $3::bigint, "
    "$4::boolean)";
static const char sql_top_pages[] =
    "SELECT path, visits, uniques FROM footfall_api.top_pages($1::text, "
    "$2::integer)";
static const char sql_top[] =
    "SELECT value, visits "
    "FROM footfall_api.top($1::text, $2::integer, $3::text, $4::integer)";

static int	 db_wait(struct db *, long long);

/* Trim libpq's trailing newline so that a message is one log line. */
static void
db_log(enum log_level level, const char *what, const char *msg)
{
	char	 buf[512];
	size_t	 n;

	snprintf(buf, sizeof(buf), "%s", msg == NULL ? "" : msg);
	for (n = strlen(buf); n > 0 && (buf[n - 1] == '\n' ||
	    buf[n - 1] == ' '); n--)
		buf[n - 1] = '\0';
	for (n = 0; buf[n] != '\0'; n++)
		if (buf[n] == '\n' || buf[n] == '\t')
			buf[n] = ' ';
	log_msg(level, "database: %s: %s", what, buf);
}

/*
 * libpq prints notices on stderr; ours go through the log instead.  A
 * warning is also counted: one that comes while a commit is answered
 * says the commit is not what it seems (PostgreSQL's "canceling wait
 * for synchronous replication": committed here, perhaps not on the
 * standby), whatever its words in the server's language.
 */
static void
db_notice(void *arg, const PGresult *res)
{
	struct db	*db = arg;
	const char	*sev;

	sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	if (sev != NULL && strcmp(sev, "WARNING") == 0)
		db->warned++;
	db_log(LOGL_WARN, "notice", PQresultErrorMessage(res));
}

/*
 * Returns a handle that connects on first use, or NULL if out of memory.
 * The caller frees it with db_close.
 */
struct db *
db_open(const char *conninfo, unsigned int timeout_ms,
    unsigned int connect_timeout)
{
	struct db	*db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	if ((db->conninfo = strdup(conninfo)) == NULL) {
		free(db);
		return NULL;
	}
	snprintf(db->timeout, sizeof(db->timeout), "%u", connect_timeout);
	db->durable = -1;
	db->timeout_ms = timeout_ms;
	db->backoff_ms = DB_BACKOFF_MIN_MS;
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db);
}

static void
db_drop(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
}

/*
 * Would this server keep a commit it acknowledged through a crash?  Not
 * with fsync off (an operating system crash or power loss loses what it
 * did not flush) nor with synchronous_commit off (the commit is answered
 * before its WAL is flushed, so even a crash of PostgreSQL alone loses
 * it).  local and remote_write flush the WAL on this server before they
 * answer: they keep the promise against a crash of this server, though a
 * failover to a standby may lose the last commits (footfall(8),
 * DURABILITY).  Returns 1 or 0, with the first setting that breaks the
 * promise in *why, or -1 if the settings could not be read.  Pure.
 */
int
db_durable(const char *fsync, const char *sync_commit, const char **why)
{
	*why = NULL;
	if (fsync == NULL || sync_commit == NULL)
		return -1;
	if (strcmp(fsync, "off") == 0)
		*why = "fsync = off";
	else if (strcmp(sync_commit, "off") == 0)
		*why = "synchronous_commit = off";
	else if (strcmp(fsync, "on") != 0 ||
	    (strcmp(sync_commit, "on") != 0 &&
	    strcmp(sync_commit, "local") != 0 &&
	    strcmp(sync_commit, "remote_write") != 0 &&
	    strcmp(sync_commit, "remote_apply") != 0))
		return -1;
	return *why == NULL;
}

/*
 * On a new connection: read the settings that make a commit durable,
 * and warn if they do not (once each time it turns so, or another
 * setting is to blame), since every 200 footfall answers then promises
 * more than the database keeps.  Returns 0, or -1 if the connection
 * failed meanwhile.
 */
static int
db_check_durable(struct db *db)
{
	PGresult	*res = NULL;
	const char	*why = NULL;
	int		 d = -1, rc = 0;

	if (!PQsendQueryParams(db->conn, sql_durable, 0, NULL, NULL, NULL,
	    NULL, 0) || db_wait(db, clock_ms() + db->timeout_ms) == -1) {
		rc = -1;
		goto out;
	}
	res = PQgetResult(db->conn);
	if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK &&
	    PQntuples(res) == 1 && PQnfields(res) == 2)
		d = db_durable(PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
		    &why);
	while (res != NULL) {
		PQclear(res);
		res = PQgetResult(db->conn);
	}
	if (d == 0 && (db->durable != 0 || db->why != why))
		log_warn("database: %s: a commit is acknowledged before it "
		    "is safe on disk, so visits answered 200 can be lost in a "
		    "crash and footfall cannot keep its promise that a 200 "
		    "is counted; turn it on (footfall(8), DURABILITY)", why);
	else if (d == 1 && db->durable == 0)
		log_info("database: commits are durable again");
	else if (d == -1)
		log_warn("database: cannot tell whether commits are durable "
		    "(fsync, synchronous_commit unreadable or unknown)");
	db->durable = d;
	db->why = why;
	metrics_db_durable(d);
out:
	return rc;
}

/*
 * Make sure there is a live connection.  Returns 0, or -1 if there is
 * none and we may not try again yet or the attempt failed.
 */
static int
db_connect(struct db *db)
{
	/*
	 * Our keywords come first and the user's connection string last,
	 * so that the user's settings win (libpq: later values override).
	 */
	const char *const keys[] = {
		"connect_timeout", "application_name", "dbname", NULL
	};
	const char *const vals[] = {
		db->timeout, "footfall", db->conninfo, NULL
	};
	struct pollfd	 pfd;
	long long	 now;
	double		 t0;

	/*
	 * An idle connection has nothing to read unless the server has
	 * gone: a shutdown sends a FATAL message and closes, a crash just
	 * closes.  Noticing it here, before sending, lets us reconnect
	 * instead of failing the request on a connection already dead.
	 */
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK) {
		pfd.fd = PQsocket(db->conn);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) == 0)
			return 0;
		(void)PQconsumeInput(db->conn);
		db_log(LOGL_WARN, "connection lost while idle, reconnecting",
		    PQerrorMessage(db->conn));
	}
	db_drop(db);
	now = clock_ms();
	if (now < db->retry_at)
		return -1;

	t0 = clock_now();
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		PQsetNoticeReceiver(db->conn, db_notice, db);
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK &&
	    (!db->watch || db_check_durable(db) == 0)) {
		/* Outside db_timeout too, and at most connect_timeout. */
		log_debug("database: connected in %.1f ms",
		    (clock_now() - t0) * 1e3);
		if (db->failing)
			log_info("database: connected again");
		/* The first connection is not a reconnect; any later is. */
		if (db->connected || db->failing)
			metrics_db_reconnect();
		db->connected = 1;
		db->failing = 0;
		db->backoff_ms = DB_BACKOFF_MIN_MS;
		db->retry_at = 0;
		return 0;
	}
	/* Log the first failure in a row loudly, the rest quietly. */
	db_log(db->failing ? LOGL_DEBUG : LOGL_ERROR, "cannot connect",
	    db->conn == NULL ? "out of memory" : PQerrorMessage(db->conn));
	db->failing = 1;
	db_drop(db);
	db->retry_at = clock_ms() + db->backoff_ms;
	if ((db->backoff_ms *= 2) > DB_BACKOFF_MAX_MS)
		db->backoff_ms = DB_BACKOFF_MAX_MS;
	return -1;
}

/*
 * Is this failed result a lost connection rather than an SQL error?  A
 * fatal result without an SQLSTATE comes from libpq itself (the server
 * went away); class 08 is a connection exception and 57P01..57P03 mean
 * the server is shutting down or starting.
 */
static int
db_result_lost(struct db *db, const PGresult *res)
{
	const char	*state;

	if (PQstatus(db->conn) != CONNECTION_OK)
		return 1;
	state = res == NULL ? NULL : PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (state == NULL)
		return 1;
	return strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	    strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0;
}

/*
 * Wait until a result can be read without blocking, or the deadline (a
 * clock_ms time) passes: then the statement is cancelled.  Returns 0,
 * or -1 (logged) if the answer did not come.
 */
static int
db_wait(struct db *db, long long deadline)
{
	PGcancel	*cancel;
	struct pollfd	 pfd;
	long long	 left;
	double		 t0;
	char		 errbuf[256];
	int		 n;

	while (PQisBusy(db->conn)) {
		if ((left = deadline - clock_ms()) <= 0) {
			/*
			 * The cancel request is a connection of its own,
			 * outside db_timeout: its time is logged, since a
			 * visit's bound (footfall.conf(5)) adds it.
			 */
			t0 = clock_now();
			if ((cancel = PQgetCancel(db->conn)) != NULL) {
				(void)PQcancel(cancel, errbuf, sizeof(errbuf));
				PQfreeCancel(cancel);
			}
			log_error("database: no answer within %u ms, "
			    "cancelled (the cancel request took %.1f ms)",
			    db->timeout_ms, (clock_now() - t0) * 1e3);
			return -1;
		}
		pfd.fd = PQsocket(db->conn);
		pfd.events = POLLIN;
		n = poll(&pfd, 1, (int)left);
		if (n == -1 && errno != EINTR) {
			log_error("database: poll: %s", strerror(errno));
			return -1;
		}
		if (n > 0 && !PQconsumeInput(db->conn)) {
			db_log(LOGL_ERROR, "connection lost",
			    PQerrorMessage(db->conn));
			return -1;
		}
	}
	return 0;
}

/*
 * Run one statement and wait for its result until the deadline.  On
 * DB_OK, *resp holds a PGRES_TUPLES_OK result the caller PQclears.
 */
static enum db_status
db_exec_wait(struct db *db, const char *sql, int nparams,
    const char *const *values, const int *lengths, const int *formats,
    long long deadline, PGresult **resp)
{
	PGresult	*res = NULL, *extra;
	enum db_status	 st = DB_UNAVAILABLE;

	*resp = NULL;
	if (db_connect(db) == -1)
		return DB_UNAVAILABLE;
	if (!PQsendQueryParams(db->conn, sql, nparams, NULL, values, lengths,
	    formats, 0)) {
		db_log(LOGL_ERROR, "send", PQerrorMessage(db->conn));
		goto lost;
	}
	if (db_wait(db, deadline) == -1)
		goto lost;
	res = PQgetResult(db->conn);
	/*
	 * One statement, one result, then NULL.  The rows come before the
	 * implicit commit at Sync, so whatever follows them (an error at
	 * commit) is waited for with the same deadline, and decides.
	 */
	while (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK) {
		if (db_wait(db, deadline) == -1)
			goto lost;
		if ((extra = PQgetResult(db->conn)) == NULL)
			break;
		PQclear(res);
		res = extra;
	}
	if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK) {
		*resp = res;
		return DB_OK;
	}
	db_log(LOGL_ERROR, "statement failed", res == NULL ?
	    PQerrorMessage(db->conn) : PQresultErrorMessage(res));
	if (db_result_lost(db, res))
		goto lost;
	/* Leave the connection idle for the next statement. */
	for (;;) {
		if (db_wait(db, deadline) == -1)
			goto lost;
		if ((extra = PQgetResult(db->conn)) == NULL)
			break;
		PQclear(extra);
	}
	st = DB_FAILED;
	goto out;
lost:
	/* The next request reconnects at once; later ones back off. */
	db_drop(db);
	st = DB_UNAVAILABLE;
out:
	PQclear(res);
	return st;
}

/*
 * Parse an unsigned decimal cell; returns 0, or -1 if absent, NULL or
 * malformed.
 */
static int
db_get_ull(const PGresult *res, int row, int col, unsigned long long *out)
{
	const char	*s;
	char		*end;

	if (PQntuples(res) <= row || PQnfields(res) <= col ||
	    PQgetisnull(res, row, col))
		return -1;
	s = PQgetvalue(res, row, col);
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

static void
db_sleep_ms(long long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

/*
 * Ask batch_committed about batch id once, on the live connection.
 * Returns DB_OK (it committed), DB_UNAVAILABLE (it did not), or
 * DB_UNKNOWN (no answer, or one with a warning: the question's own
 * wait for a synchronous standby was cancelled, so ask again).
 */
static enum db_status
db_ask(struct db *db, const char *id, long long deadline)
{
	PGresult	*res;
	const char	*values[1] = { id }, *v;
	enum db_status	 st = DB_UNKNOWN;

	db->warned = 0;
	if (db_exec_wait(db, sql_committed, 1, values, NULL, NULL, deadline,
	    &res) != DB_OK)
		return DB_UNKNOWN;
	v = PQntuples(res) == 1 && PQnfields(res) == 1 &&
	    !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "";
	if (db->warned)
		log_warn("database: the answer for batch %s came with a "
		    "warning: asking again", id);
	else if (strcmp(v, "t") == 0)
		st = DB_OK;
	else if (strcmp(v, "f") == 0)
		st = DB_UNAVAILABLE;
	PQclear(res);
	return st;
}

/*
 * The answer to the commit of batch id was lost or cannot be trusted.
 * Ask a new connection what became of it (batch_committed), for up to
 * db_timeout: a connection that fails or an answer with a warning (the
 * question's own wait for a synchronous standby cancelled) is asked
 * again.  Returns DB_OK if it committed, DB_UNAVAILABLE if it did not,
 * DB_UNKNOWN if the database could not tell us in time.
 */
static enum db_status
db_resolve(struct db *db, const char *id)
{
	long long	 deadline;
	enum db_status	 st = DB_UNKNOWN;

	log_warn("database: the commit of batch %s is in doubt; asking the "
	    "database whether it committed", id);
	deadline = clock_ms() + db->timeout_ms;
	while (st == DB_UNKNOWN && clock_ms() < deadline) {
		/* Somebody waits for this answer: no back-off. */
		db->retry_at = 0;
		if (db_connect(db) == 0)
			st = db_ask(db, id, deadline);
		if (st == DB_UNKNOWN && clock_ms() < deadline)
			db_sleep_ms(20);
	}
	if (st == DB_OK)
		log_info("database: batch %s committed: its visits are "
		    "answered as counted", id);
	else if (st == DB_UNAVAILABLE)
		log_info("database: batch %s did not commit: its visits were "
		    "not counted", id);
	else
		log_error("database: cannot learn within %u ms whether batch "
		    "%s committed: its visits are answered 504",
		    db->timeout_ms, id);
	metrics_db_in_doubt(st);
	return st;
}

/*
 * Give db's statements ms to answer from now on, not less than they had
 * (an import or export is one statement over many rows).  Returns the
 * time they had, for the caller to give back.
 */
unsigned int
db_timeout_raise(struct db *db, unsigned int ms)
{
	unsigned int	 old = db->timeout_ms;

	if (ms > old)
		db->timeout_ms = ms;
	return old;
}

/* Give db's statements ms to answer again, as before db_timeout_raise. */
void
db_timeout_set(struct db *db, unsigned int ms)
{
	db->timeout_ms = ms;
}

/*
 * db_exec_wait, timed: the time goes to the metrics, and a failure to the
 * error counter.
 */
static enum db_status
db_exec(struct db *db, const char *sql, int nparams,
    const char *const *values, const int *lengths, const int *formats,
    PGresult **resp)
{
	enum db_status	 st;
	double		 t0, dt;

	t0 = clock_now();
	st = db_exec_wait(db, sql, nparams, values, lengths, formats,
	    clock_ms() + db->timeout_ms, resp);
	dt = clock_now() - t0;
	metrics_db_query(dt);
	if (st != DB_OK)
		metrics_db_error(st);
	return st;
}

/* Parse a bigint cell, never negative here; returns 0, or -1. */
static int
db_get_ll(const PGresult *res, int row, int col, long long *out)
{
	unsigned long long	 v;

	if (db_get_ull(res, row, col, &v) == -1 || v > LLONG_MAX)
		return -1;
	*out = (long long)v;
	return 0;
}

/*
 * Leave pipeline mode after the statement failed: read what is left,
 * send the Sync that ends the (aborted) transaction and wait for it.
 * Returns 0, or -1 if the connection is no longer usable.
 */
static int
db_pipeline_abort(struct db *db, long long deadline)
{
	PGresult	*res;
	int		 synced = 0;

	if (!PQpipelineSync(db->conn))
		return -1;
	while (!synced) {
		if (db_wait(db, deadline) == -1)
			return -1;
		if ((res = PQgetResult(db->conn)) == NULL)
			continue;
		synced = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
		if (PQresultStatus(res) == PGRES_FATAL_ERROR &&
		    db_result_lost(db, res)) {
			PQclear(res);
			return -1;
		}
		PQclear(res);
	}
	return PQexitPipelineMode(db->conn) ? 0 : -1;
}

/*
 * Run the statement (values...) that records a batch and commit it, as
 * the comment at the top explains.  parse checks its answer and copies
 * the batch's id from it (DB_BATCH_ID_LEN characters and a NUL) before
 * the commit is asked for, so that a malformed answer counts nothing.
 */
static enum db_status
db_exec_commit(struct db *db, const char *sql, int nparams,
    const char *const *values, const int *lengths, const int *formats,
    int (*parse)(const PGresult *, void *, char *), void *arg)
{
	PGresult		*res = NULL, *sync = NULL;
	char			 id[DB_BATCH_ID_LEN + 1];
	long long		 deadline;
	enum db_status		 st = DB_UNAVAILABLE;

	if (db_connect(db) == -1)
		return DB_UNAVAILABLE;
	deadline = clock_ms() + db->timeout_ms;

	/* Step one: the statement, and a Flush for its row. */
	if (!PQenterPipelineMode(db->conn) ||
	    !PQsendQueryParams(db->conn, sql, nparams, NULL, values, lengths,
	    formats, 0) || !PQsendFlushRequest(db->conn) ||
	    PQflush(db->conn) != 0) {
		db_log(LOGL_ERROR, "send", PQerrorMessage(db->conn));
		goto lost;
	}
	/*
	 * Until the Sync is sent nothing can commit: a connection lost now
	 * rolls the transaction back, and the visits were not counted.
	 */
	if (db_wait(db, deadline) == -1)
		goto lost;
	res = PQgetResult(db->conn);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_log(LOGL_ERROR, "statement failed", res == NULL ?
		    PQerrorMessage(db->conn) : PQresultErrorMessage(res));
		if (db_result_lost(db, res) ||
		    db_pipeline_abort(db, deadline) == -1)
			goto lost;
		st = DB_FAILED;
		goto out;
	}
	/*
	 * Without its id we could not resolve a lost commit.  After the
	 * rows, the end of the statement's results is already here.
	 */
	if (parse(res, arg, id) == -1 || PQgetResult(db->conn) != NULL) {
		log_error("database: the batch's answer is malformed: "
		    "not committed");
		if (db_pipeline_abort(db, deadline) == -1)
			db_drop(db);
		st = DB_FAILED;
		goto out;
	}

	/* Step two: the Sync that commits. */
	db->warned = 0;
	if (!PQpipelineSync(db->conn) || db_wait(db, deadline) == -1)
		goto doubt;
	sync = PQgetResult(db->conn);
	if (sync != NULL && PQresultStatus(sync) == PGRES_PIPELINE_SYNC &&
	    !db->warned) {
		st = PQexitPipelineMode(db->conn) ? DB_OK : DB_UNAVAILABLE;
		if (st != DB_OK)
			db_drop(db);
		goto out;
	}
	/*
	 * Anything else after the Sync leaves the commit in doubt, an error
	 * with an SQLSTATE too: a pooler in between sends its own (pgbouncer's
	 * FATAL 08P01 "server conn crashed?" when the server's connection
	 * died, whether or not the commit was done), and a commit whose wait
	 * for a synchronous standby was cancelled succeeds with a warning.
	 * Only an error from PostgreSQL itself would prove a rollback, and
	 * through a pooler we cannot tell whose it is: the database is asked
	 * every time, which costs a round trip on a path that is rare.
	 */
	if (db->warned)
		log_error("database: the commit of batch %s came with a "
		    "warning", id);
	else
		db_log(LOGL_ERROR, "commit failed", sync == NULL ?
		    PQerrorMessage(db->conn) : PQresultErrorMessage(sync));
doubt:
	db_drop(db);
	st = db_resolve(db, id);
	goto out;
lost:
	/* The next request reconnects at once; later ones back off. */
	db_drop(db);
	st = DB_UNAVAILABLE;
out:
	PQclear(sync);
	PQclear(res);
	return st;
}

/* Append a 32-bit integer in network order (PostgreSQL's binary format). */
static unsigned char *
db_put32(unsigned char *p, unsigned long v)
{
	p[0] = (v >> 24) & 0xff;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
	return p + 4;
}

/*
 * Check durability on each new connection from now on: for the
 * connections that commit visits (and footfall -n), not for a one-shot
 * command such as -P that answers no visitor.
 */
void
db_watch_durable(struct db *db)
{
	db->watch = 1;
}

/*
 * What the last connection said of durability (db_durable): 1, 0, or -1
 * if unknown (never connected, or unreadable).
 */
int
db_is_durable(const struct db *db)
{
	return db->durable;
}

/* Does the database answer at all? */
enum db_status
db_ping(struct db *db)
{
	PGresult	*res;
	enum db_status	 st;

	if ((st = db_exec(db, sql_ping, 0, NULL, NULL, NULL, &res)) == DB_OK)
		PQclear(res);
	return st;
}


/*
 * The live visitor keys for a key period and a window (seconds), current
 * first: keys[0], and keys[1] if a previous one is alive (*n is 1 or 2).
 * candidate becomes the current key if no footfall made one yet.
 * *seconds_left gets how long the current key stays current, by the
 * database's clock.
 */
enum db_status
db_visitor_keys(struct db *db, unsigned int period, unsigned int window,
    const unsigned char candidate[HASH_KEY_LEN], struct db_key keys[2],
    size_t *n, double *seconds_left)
{
	PGresult	*res;
	char		 per[16], win[16], *end;
	const char	*values[3];
	int		 lengths[3] = { 0, 0, HASH_KEY_LEN };
	int		 formats[3] = { 0, 0, 1 };
	int		 i, rows;
	enum db_status	 st;

	snprintf(per, sizeof(per), "%u", period);
	snprintf(win, sizeof(win), "%u", window);
	values[0] = per;
	values[1] = win;
	values[2] = (const char *)candidate;
	if ((st = db_exec(db, sql_keys, 3, values, lengths, formats,
	    &res)) != DB_OK)
		return st;
	rows = PQntuples(res);
	st = DB_FAILED;
	if (rows < 1 || rows > 2 || PQnfields(res) != 4)
		goto bad;
	for (i = 0; i < rows; i++) {
		if (db_get_ll(res, i, 0, &keys[i].period_start) == -1 ||
		    PQgetisnull(res, i, 1) || PQgetisnull(res, i, 3))
			goto bad;
		if (hex_decode(PQgetvalue(res, i, 1), keys[i].key,
		    HASH_KEY_LEN) == -1)
			goto bad;
		keys[i].expires_in = strtod(PQgetvalue(res, i, 3), &end);
		if (*end != '\0' || !(keys[i].expires_in > 0))
			goto bad;
	}
	if (rows == 2 && keys[1].period_start >= keys[0].period_start)
		goto bad;
	*seconds_left = strtod(PQgetvalue(res, 0, 2), &end);
	if (*end != '\0' || !(*seconds_left >= 0))
		goto bad;
	*n = (size_t)rows;
	st = DB_OK;
	goto out;
bad:
	log_error("database: visitor_keys returned a malformed answer");
out:
	/* The keys' text stays in the result's memory: erase it. */
	for (i = 0; i < rows && i < 2 && PQnfields(res) == 4; i++)
		hash_wipe(PQgetvalue(res, i, 1), strlen(PQgetvalue(res, i, 1)));
	PQclear(res);
	return st;
}

/*
 * Remove every expired key, at most limit visitors whose window has
 * passed and at most limit visit log rows older than retention seconds;
 * n[0], n[1] and n[2] get how many of each were removed.
 */
enum db_status
db_purge(struct db *db, unsigned int window, unsigned int limit,
    unsigned int retention, long long n[3])
{
	PGresult	*res;
	char		 win[16], lim[16], ret[16];
	const char	*values[3];
	enum db_status	 st;

	snprintf(win, sizeof(win), "%u", window);
	snprintf(lim, sizeof(lim), "%u", limit);
	snprintf(ret, sizeof(ret), "%u", retention);
	values[0] = win;
	values[1] = lim;
	values[2] = ret;
	if ((st = db_exec(db, sql_purge, 3, values, NULL, NULL, &res)) !=
	    DB_OK)
		return st;
	if (PQntuples(res) != 1 || db_get_ll(res, 0, 0, &n[0]) == -1 ||
	    db_get_ll(res, 0, 1, &n[1]) == -1 ||
	    db_get_ll(res, 0, 2, &n[2]) == -1) {
		log_error("database: purge returned a malformed row");
		st = DB_FAILED;
	}
	PQclear(res);
	return st;
}

/*
 * A one-dimensional binary array (array_recv's format) of n elements of
 * type oid: elem[i] of len[i] bytes, or NULL if len[i] is -1.  Returns
 * it (*size bytes, the caller frees it), or NULL if out of memory.
 */
static unsigned char *
db_array(unsigned long oid, const void *const *elem, const int *len,
    size_t n, int *size)
{
	unsigned char	*arr, *p;
	size_t		 i, need = 20;
	int		 nulls = 0;

	for (i = 0; i < n; i++) {
		need += 4 + (len[i] > 0 ? (size_t)len[i] : 0);
		nulls |= len[i] < 0;
	}
	if (need > INT_MAX || (arr = malloc(need)) == NULL)
		return NULL;
	p = db_put32(arr, 1);		/* dimensions */
	p = db_put32(p, nulls);
	p = db_put32(p, oid);
	p = db_put32(p, n);
	p = db_put32(p, 1);		/* lower bound */
	for (i = 0; i < n; i++) {
		p = db_put32(p, len[i] < 0 ? 0xffffffffUL :
		    (unsigned long)len[i]);
		if (len[i] > 0) {
			memcpy(p, elem[i], (size_t)len[i]);
			p += len[i];
		}
	}
	*size = (int)need;
	return arr;
}

/*
 * What a visit of this kind was, from count_batch's row: refused (its
 * counter could not be made), new, counted.  Fills the outcome of *c,
 * whose numbers are already in.  Pure, so that it is table-tested.
 * Returns 0, or -1 if the row cannot be right for this visit.
 */
int
db_visit_outcome(enum visit_kind kind, int refused, int is_new, int counted,
    struct counts *c)
{
	if ((is_new && (kind != VISIT_TRACKED || !counted)) ||
	    (refused && (counted || c->total != 0 || c->uniques != 0)) ||
	    (kind == VISIT_BOT && counted) ||
	    (kind == VISIT_UNTRACKED && !refused && !counted) ||
	    (counted && c->total < 1) || c->uniques > c->total)
		return -1;
	c->is_new = is_new;
	c->found = !refused;
	c->repeat = kind == VISIT_TRACKED && !refused && !counted;
	return 0;
}

/*
 * Visit v's entry in the array parameter p: *len bytes at the pointer
 * returned, or -1 and NULL for SQL NULL.
 */
static const void *
db_visit_field(const struct db_visit *v, enum db_param p, int *len)
{
	static const char *const kinds[VISIT__MAX] = { "t", "u", "b" };
	const char	*s = NULL;

	*len = VISITOR_LEN;
	switch (p) {
	case DBP_HASHES:
		return v->kind == VISIT_TRACKED ? v->hash : NULL;
	case DBP_PREV:
		return v->kind == VISIT_TRACKED ? v->prev : NULL;
	case DBP_COUNTERS:
		s = v->counter;
		break;
	case DBP_KINDS:
		s = kinds[v->kind];
		break;
	case DBP_PATHS:
		s = v->path;
		break;
	case DBP_REFS:
		s = v->ref;
		break;
	case DBP_PAGES:
		s = v->page;
		break;
	case DBP_PAGE_MAKE:
		*len = 1;
		return v->page_make ? "\1" : "\0";
	default:
		s = v->browser;
		break;
	}
	*len = s == NULL ? -1 : (int)strlen(s);
	return s;
}

/*
 * The array parameter p of the n visits v[0..n-1], in binary (db_array).
 * Returns it (*size bytes, the caller frees it), or NULL if out of
 * memory.
 */
static unsigned char *
db_visit_array(const struct db_visit *v, size_t n, enum db_param p,
    int *size)
{
	const void	**elem;
	unsigned char	 *arr = NULL;
	int		 *len;
	size_t		  i;

	elem = calloc(n, sizeof(*elem));
	len = calloc(n, sizeof(*len));
	if (elem != NULL && len != NULL) {
		for (i = 0; i < n; i++)
			if ((elem[i] = db_visit_field(&v[i], p, &len[i])) ==
			    NULL)
				len[i] = -1;
		arr = db_array(p == DBP_HASHES || p == DBP_PREV ? DB_BYTEAOID :
		    p == DBP_PAGE_MAKE ? DB_BOOLOID : DB_TEXTOID, elem, len,
		    n, size);
	}
	free(elem);
	free(len);
	return arr;
}

struct db_count_arg {
	const struct db_visit	*v;
	size_t			 n;
	struct counts		*out;
};

/*
 * count_batch's rows: each visit's numbers and outcome, and the batch's
 * id into id (DB_BATCH_ID_LEN characters and a NUL).
 */
static int
db_count_parse(const PGresult *res, void *arg, char *id)
{
	struct db_count_arg	*a = arg;
	struct counts		*c;
	int			 i, col, b[DBC_COUNTED + 1];

	if ((size_t)PQntuples(res) != a->n || PQnfields(res) != DBC__MAX)
		return -1;
	for (i = 0; i < (int)a->n; i++) {
		c = &a->out[i];
		memset(c, 0, sizeof(*c));
		for (col = DBC_REFUSED; col <= DBC_COUNTED; col++) {
			if (PQgetisnull(res, i, col))
				return -1;
			b[col] = PQgetvalue(res, i, col)[0] == 't';
		}
		if (db_get_ll(res, i, DBC_VISITS, &c->total) == -1 ||
		    db_get_ll(res, i, DBC_UNIQUES, &c->uniques) == -1 ||
		    db_visit_outcome(a->v[i].kind, b[DBC_REFUSED],
		    b[DBC_IS_NEW], b[DBC_COUNTED], c) == -1)
			return -1;
		/* A page only for a visit that named one and counted. */
		if (PQgetisnull(res, i, DBC_PAGE_VISITS))
			continue;
		if (a->v[i].page == NULL || !b[DBC_COUNTED] ||
		    db_get_ll(res, i, DBC_PAGE_VISITS, &c->page_total) == -1 ||
		    db_get_ll(res, i, DBC_PAGE_UNIQUES, &c->page_uniques) == -1 ||
		    c->page_total < 1 || c->page_uniques > c->page_total)
			return -1;
		c->page_found = 1;
	}
	if (PQgetisnull(res, 0, DBC_BATCH_ID) ||
	    PQgetlength(res, 0, DBC_BATCH_ID) != DB_BATCH_ID_LEN)
		return -1;
	memcpy(id, PQgetvalue(res, 0, DBC_BATCH_ID), DB_BATCH_ID_LEN + 1);
	return 0;
}

/*
 * Record the n visits v[0..n-1] in one transaction, as opts says (see
 * count_batch in sql/); out[0..n-1] gets the numbers each visit would
 * have seen alone, and whether it was refused (its counter could not be
 * made), a repeat or a bot's.  All or nothing: on an error no visit is
 * recorded.
 */
enum db_status
db_count_visits(struct db *db, const struct db_visit *v, size_t n,
    const struct db_count_opts *opts, struct counts *out)
{
	struct db_count_arg	 ca;
	unsigned char		*arr[DBP_ARRAYS];
	char			 win[16], itv[16], max[24], maxp[16];
	const char		*values[DBP__MAX];
	int			 lengths[DBP__MAX], formats[DBP__MAX];
	int			 p, anyprev = 0, anypage = 0;
	size_t			 i;
	double			 t0;
	enum db_status		 st = DB_FAILED;

	if (n == 0 || n > DB_BATCH_MAX)
		return DB_FAILED;
	memset(arr, 0, sizeof(arr));
	memset(values, 0, sizeof(values));
	memset(lengths, 0, sizeof(lengths));
	memset(formats, 0, sizeof(formats));
	for (i = 0; i < n; i++) {
		anyprev |= v[i].prev != NULL;
		anypage |= v[i].page != NULL;
	}
	for (p = 0; p < DBP_ARRAYS; p++) {
		/*
		 * A NULL value is an SQL NULL: the whole array.  A batch
		 * without pages sends none, and count_batch skips them.
		 */
		if ((p == DBP_PREV && !anyprev) || (!opts->log &&
		    (p == DBP_PATHS || p == DBP_REFS || p == DBP_BROWSERS)) ||
		    (!anypage && (p == DBP_PAGES || p == DBP_PAGE_MAKE)))
			continue;
		if ((arr[p] = db_visit_array(v, n, p, &lengths[p])) == NULL) {
			log_error("database: out of memory");
			goto out;
		}
		values[p] = (const char *)arr[p];
		formats[p] = 1;
	}
	snprintf(win, sizeof(win), "%u", opts->window);
	snprintf(itv, sizeof(itv), "%u", opts->interval);
	snprintf(max, sizeof(max), "%lld", opts->max_counters);
	values[DBP_WINDOW] = win;
	values[DBP_INTERVAL] = itv;
	values[DBP_MAX_COUNTERS] = opts->max_counters < 0 ? NULL : max;
	values[DBP_LOG] = opts->log ? "t" : "f";
	snprintf(maxp, sizeof(maxp), "%u", opts->max_pages);
	values[DBP_MAX_PAGES] = anypage ? maxp : NULL;
	ca.v = v;
	ca.n = n;
	ca.out = out;
	t0 = clock_now();
	st = db_exec_commit(db, sql_count, DBP__MAX, values, lengths, formats,
	    db_count_parse, &ca);
	metrics_db_query(clock_now() - t0);
	if (st != DB_OK)
		metrics_db_error(st);
out:
	for (p = 0; p < DBP_ARRAYS; p++)
		free(arr[p]);
	return st;
}

/*
 * A text[] of the n strings s[0..n-1] (NULL ones are SQL NULLs), in
 * binary; *size gets its length.  Returns it (the caller frees it), or
 * NULL if out of memory (logged).
 */
static unsigned char *
db_text_array(const char *const *s, size_t n, int *size)
{
	unsigned char	*arr = NULL;
	int		*len;
	size_t		 i;

	if ((len = calloc(n, sizeof(*len))) != NULL) {
		for (i = 0; i < n; i++)
			len[i] = s[i] == NULL ? -1 : (int)strlen(s[i]);
		arr = db_array(DB_TEXTOID, (const void *const *)s, len, n,
		    size);
	}
	free(len);
	if (arr == NULL)
		log_error("database: out of memory");
	return arr;
}

/*
 * The numbers of the n counters names[0..n-1] into out[0..n-1]; found
 * is 0 (and the numbers 0) for one that does not exist.  With paths
 * (NULL, or one path or NULL per name), each named page's numbers too:
 * page_found says whether it exists.
 */
enum db_status
db_read_counters(struct db *db, const char *const *names,
    const char *const *paths, size_t n, struct counts *out)
{
	PGresult	*res = NULL;
	unsigned char	*arr[2] = { NULL, NULL };
	const char	*values[2];
	int		 lengths[2], formats[2] = { 1, 1 };
	int		 cols = paths == NULL ? 4 : 7, r;
	size_t		 i;
	enum db_status	 st = DB_FAILED;

	if ((arr[0] = db_text_array(names, n, &lengths[0])) == NULL ||
	    (paths != NULL &&
	    (arr[1] = db_text_array(paths, n, &lengths[1])) == NULL))
		goto out;
	values[0] = (const char *)arr[0];
	values[1] = (const char *)arr[1];
	if ((st = db_exec(db, paths == NULL ? sql_read_counters :
	    sql_read_pages, paths == NULL ? 1 : 2, values, lengths, formats,
	    &res)) != DB_OK)
		goto out;
	if ((size_t)PQntuples(res) != n || PQnfields(res) != cols)
		goto bad;
	for (i = 0; i < n; i++) {
		r = (int)i;
		memset(&out[i], 0, sizeof(out[i]));
		if (PQgetisnull(res, r, 0) ||
		    db_get_ll(res, r, 1, &out[i].total) == -1 ||
		    db_get_ll(res, r, 2, &out[i].uniques) == -1 ||
		    db_get_ll(res, r, 3, &out[i].bots) == -1)
			goto bad;
		out[i].found = PQgetvalue(res, r, 0)[0] == 't';
		out[i].is_new = -1;
		if (cols == 4 || PQgetisnull(res, r, 4))
			continue;
		if (db_get_ll(res, r, 5, &out[i].page_total) == -1 ||
		    db_get_ll(res, r, 6, &out[i].page_uniques) == -1)
			goto bad;
		out[i].page_found = PQgetvalue(res, r, 4)[0] == 't';
	}
	goto out;
bad:
	log_error("database: read_counters returned a malformed answer");
	st = DB_FAILED;
out:
	PQclear(res);
	free(arr[0]);
	free(arr[1]);
	return st;
}

/*
 * Counter name's DB_PAGES_MAX most visited pages into out, *n of them.
 */
enum db_status
db_top_pages(struct db *db, const char *name, struct page_item *out,
    size_t *n)
{
	PGresult	*res;
	char		 lim[16];
	const char	*values[2], *path;
	int		 i, rows;
	enum db_status	 st;

	snprintf(lim, sizeof(lim), "%d", DB_PAGES_MAX);
	values[0] = name;
	values[1] = lim;
	if ((st = db_exec(db, sql_top_pages, 2, values, NULL, NULL, &res)) !=
	    DB_OK)
		return st;
	rows = PQntuples(res);
	st = DB_FAILED;
	if (rows > DB_PAGES_MAX || PQnfields(res) != 3)
		goto out;
	for (i = 0; i < rows; i++) {
		path = PQgetvalue(res, i, 0);
		if (PQgetisnull(res, i, 0) || strlen(path) > REQ_LOG_PATH_MAX ||
		    db_get_ll(res, i, 1, &out[i].visits) == -1 ||
		    db_get_ll(res, i, 2, &out[i].uniques) == -1)
			goto out;
		memcpy(out[i].path, path, strlen(path) + 1);
	}
	*n = (size_t)rows;
	st = DB_OK;
out:
	if (st != DB_OK)
		log_error("database: top_pages returned a malformed answer");
	PQclear(res);
	return st;
}

/*
 * The last days days (today, UTC, included) of counter name into
 * out[0..days-1], oldest first; *n gets days, or 0 if the counter does
 * not exist.
 */
enum db_status
db_daily_stats(struct db *db, const char *name, unsigned int days,
    struct day_stat *out, size_t *n)
{
	PGresult	*res;
	char		 d[16];
	const char	*values[2];
	const char	*date;
	int		 i, rows;
	enum db_status	 st;

	snprintf(d, sizeof(d), "%u", days);
	values[0] = name;
	values[1] = d;
	if ((st = db_exec(db, sql_daily, 2, values, NULL, NULL, &res)) !=
	    DB_OK)
		return st;
	rows = PQntuples(res);
	if ((rows != 0 && (unsigned int)rows != days) || PQnfields(res) != 4)
		goto bad;
	for (i = 0; i < rows; i++) {
		date = PQgetvalue(res, i, 0);
		if (strlen(date) != 10 ||
		    db_get_ll(res, i, 1, &out[i].visits) == -1 ||
		    db_get_ll(res, i, 2, &out[i].uniques) == -1 ||
		    db_get_ll(res, i, 3, &out[i].bots) == -1)
			goto bad;
		memcpy(out[i].date, date, 11);
	}
	*n = (size_t)rows;
	PQclear(res);
	return DB_OK;
bad:
	log_error("database: daily_stats returned a malformed answer");
	PQclear(res);
	return DB_FAILED;
}

/* Fill *c from columns 0-4 of row i: name, visits, uniques, bots, created. */
static int
db_get_counter(const PGresult *res, int i, int namecol,
    struct counter_info *c)
{
	const char	*name;

	if (namecol) {
		if (PQgetisnull(res, i, 0))
			return -1;
		name = PQgetvalue(res, i, 0);
		if (!route_counter_valid(name, strlen(name)))
			return -1;
		memcpy(c->name, name, strlen(name) + 1);
	}
	if (db_get_ll(res, i, namecol + 0, &c->visits) == -1 ||
	    db_get_ll(res, i, namecol + 1, &c->uniques) == -1 ||
	    db_get_ll(res, i, namecol + 2, &c->bots) == -1 ||
	    db_get_ll(res, i, namecol + 3, &c->created) == -1)
		return -1;
	return 0;
}

/*
 * The start of each call that reads a list: db_exec (lengths and formats
 * as PQexecParams takes them, NULL for text), then check that the
 * answer has nfields columns and allocate *out for its rows, size bytes
 * each (one at least, so that NULL is a failure).  Returns DB_OK with
 * *resp to clear and the rows in *nrows, else the failure, logged with
 * what (the SQL function's name).
 */
static enum db_status
db_exec_list(struct db *db, const char *sql, int nparams,
    const char *const *values, const int *lengths, const int *formats,
    int nfields, size_t size, const char *what, void **out, int *nrows,
    PGresult **resp)
{
	enum db_status	 st;

	*out = NULL;
	*nrows = 0;
	if ((st = db_exec(db, sql, nparams, values, lengths, formats,
	    resp)) != DB_OK)
		return st;
	if (PQnfields(*resp) != nfields) {
		log_error("database: %s returned a malformed answer", what);
		st = DB_FAILED;
	} else if ((*out = calloc(PQntuples(*resp) > 0 ?
	    (size_t)PQntuples(*resp) : 1, size)) == NULL) {
		log_error("database: out of memory");
		st = DB_FAILED;
	} else
		*nrows = PQntuples(*resp);
	if (st != DB_OK) {
		PQclear(*resp);
		*resp = NULL;
	}
	return st;
}

/* Every counter, by name: *list (the caller frees it) of *n. */
enum db_status
db_list_counters(struct db *db, struct counter_info **list, size_t *n)
{
	PGresult	*res;
	void		*p;
	int		 i, rows;
	enum db_status	 st;

	*list = NULL;
	*n = 0;
	if ((st = db_exec_list(db, sql_list, 0, NULL, NULL, NULL, 5,
	    sizeof(**list), "list_counters", &p, &rows, &res)) != DB_OK)
		return st;
	*list = p;
	for (i = 0; i < rows; i++)
		if (db_get_counter(res, i, 1, &(*list)[i]) == -1)
			goto bad;
	*n = (size_t)rows;
	PQclear(res);
	return DB_OK;
bad:
	log_error("database: list_counters returned a malformed answer");
	free(*list);
	*list = NULL;
	PQclear(res);
	return DB_FAILED;
}

/*
 * Set counter name's numbers (the admin API): visits, uniques (-1: the
 * smaller of the current uniques and visits), and bots to 0 if
 * reset_bots.  Makes the counter if it does not exist.  *c gets the
 * counter after it.
 */
enum db_status
db_set_counter(struct db *db, const char *name, long long visits,
    long long uniques, int reset_bots, struct counter_info *c)
{
	PGresult	*res;
	char		 v[24], u[24];
	const char	*values[4];
	enum db_status	 st;

	snprintf(v, sizeof(v), "%lld", visits);
	snprintf(u, sizeof(u), "%lld", uniques);
	values[0] = name;
	values[1] = v;
	values[2] = uniques < 0 ? NULL : u;
	values[3] = reset_bots ? "t" : "f";
	if ((st = db_exec(db, sql_set, 4, values, NULL, NULL, &res)) != DB_OK)
		return st;
	if (PQntuples(res) != 1 || PQnfields(res) != 4 ||
	    db_get_counter(res, 0, 0, c) == -1) {
		log_error("database: set_counter returned a malformed answer");
		st = DB_FAILED;
	} else
		memcpy(c->name, name, strlen(name) + 1);
	PQclear(res);
	return st;
}

/*
 * The DB_TOP_MAX most frequent values of the visit log's column what
 * ("path", "referrer" or "browser") for counter name over the last days
 * days into out; *n gets how many.
 */
enum db_status
db_top(struct db *db, const char *name, unsigned int days, const char *what,
    struct top_item *out, size_t *n)
{
	PGresult	*res;
	char		 d[16], lim[16];
	const char	*values[4], *val;
	int		 i, rows;
	enum db_status	 st;

	snprintf(d, sizeof(d), "%u", days);
	snprintf(lim, sizeof(lim), "%d", DB_TOP_MAX);
	values[0] = name;
	values[1] = d;
	values[2] = what;
	values[3] = lim;
	if ((st = db_exec(db, sql_top, 4, values, NULL, NULL, &res)) != DB_OK)
		return st;
	rows = PQntuples(res);
	if (rows > DB_TOP_MAX || PQnfields(res) != 2)
		goto bad;
	for (i = 0; i < rows; i++) {
		val = PQgetvalue(res, i, 0);
		if (PQgetisnull(res, i, 0) || strlen(val) > REQ_LOG_PATH_MAX ||
		    db_get_ll(res, i, 1, &out[i].visits) == -1)
			goto bad;
		memcpy(out[i].value, val, strlen(val) + 1);
	}
	*n = (size_t)rows;
	PQclear(res);
	return DB_OK;
bad:
	log_error("database: top returned a malformed answer");
	PQclear(res);
	return DB_FAILED;
}

static const char sql_export[] =
    "SELECT name, pg_catalog.to_char(day, 'YYYY-MM-DD'), visits, uniques, "
    "bots, path FROM footfall_api.export_history()";
static const char sql_import[] =
    "SELECT conflict FROM footfall_api.import_history($1::text[], "
    "$6::text[], $2::date[], $3::bigint[], $4::bigint[], $5::bigint[])";

/*
 * Every counter's days that hold numbers, then its pages' totals (date
 * "") and days (footfall --export), by counter, page and day, into
 * *rows (the caller frees them with history_free) and *n.
 */
enum db_status
db_export_days(struct db *db, struct history_row **rows, size_t *n)
{
	PGresult		*res;
	struct history_row	*r;
	void			*p;
	const char		*name, *date, *path;
	int			 i, nrows;
	enum db_status		 st;

	*rows = NULL;
	*n = 0;
	if ((st = db_exec_list(db, sql_export, 0, NULL, NULL, NULL, 6,
	    sizeof(*r), "export_history", &p, &nrows, &res)) != DB_OK)
		return st;
	r = p;
	for (i = 0; i < nrows; i++) {
		name = PQgetvalue(res, i, 0);
		date = PQgetvalue(res, i, 1);
		path = PQgetvalue(res, i, 5);
		if (!route_counter_valid(name, strlen(name)) ||
		    (PQgetisnull(res, i, 1) ? PQgetisnull(res, i, 5) :
		    strlen(date) != 10) ||
		    strlen(path) > REQ_LOG_PATH_MAX ||
		    db_get_ll(res, i, 2, &r[i].visits) == -1 ||
		    db_get_ll(res, i, 3, &r[i].uniques) == -1 ||
		    db_get_ll(res, i, 4, &r[i].bots) == -1 ||
		    (!PQgetisnull(res, i, 5) &&
		    (r[i].page = strdup(path)) == NULL)) {
			history_free(r, (size_t)nrows);
			goto bad;
		}
		memcpy(r[i].name, name, strlen(name) + 1);
		memcpy(r[i].date, date, strlen(date) + 1);
	}
	*rows = r;
	*n = (size_t)nrows;
	PQclear(res);
	return DB_OK;
bad:
	log_error("database: export_history returned a malformed answer");
	PQclear(res);
	return DB_FAILED;
}

/*
 * PostgreSQL array literals of rows[0..n)'s columns into a[0..4]: names
 * (quoted, since a counter may be called "null"), dates, visits,
 * uniques, bots.  Returns 0, or -1 when out of memory (a[] freed).
 */
static int
db_history_arrays(const struct history_row *rows, size_t n, char *a[5])
{
	size_t		 cap[5], off[5] = { 0, 0, 0, 0, 0 }, i, k;
	long long	 num[3];
	const char	*sep;
	int		 w;

	cap[0] = n * (COUNTER_MAX + 3) + 3;
	cap[1] = n * 11 + 3;
	cap[2] = cap[3] = cap[4] = n * 21 + 3;
	for (k = 0; k < 5; k++)
		if ((a[k] = malloc(cap[k])) == NULL)
			goto fail;
	for (k = 0; k < 5; k++)
		a[k][off[k]++] = '{';
	for (i = 0; i < n; i++) {
		sep = i > 0 ? "," : "";
		num[0] = rows[i].visits;
		num[1] = rows[i].uniques;
		num[2] = rows[i].bots;
		w = snprintf(a[0] + off[0], cap[0] - off[0], "%s\"%s\"", sep,
		    rows[i].name);
		off[0] += (size_t)w;
		w = snprintf(a[1] + off[1], cap[1] - off[1], "%s%s", sep,
		    rows[i].date);
		off[1] += (size_t)w;
		for (k = 2; k < 5; k++) {
			w = snprintf(a[k] + off[k], cap[k] - off[k], "%s%lld",
			    sep, num[k - 2]);
			off[k] += (size_t)w;
		}
	}
	for (k = 0; k < 5; k++) {
		a[k][off[k]++] = '}';
		a[k][off[k]] = '\0';
	}
	return 0;
fail:
	for (k = 0; k < 5; k++) {
		free(a[k]);
		a[k] = NULL;
	}
	return -1;
}

/*
 * Import rows[0..n), checked by history_parse, in one transaction
 * (footfall --import).  DB_OK with *nconf 0: imported.  DB_OK with
 * *nconf > 0: nothing imported, since the rows at the indexes
 * (*conflicts)[0..*nconf) name days that already hold numbers; the
 * caller frees *conflicts.
 */
enum db_status
db_import_days(struct db *db, const struct history_row *rows, size_t n,
    size_t **conflicts, size_t *nconf)
{
	PGresult	*res = NULL;
	void		*p;
	char		*a[5] = { NULL, NULL, NULL, NULL, NULL };
	const char	*values[6], **pages = NULL;
	unsigned char	*parr = NULL;
	int		 lengths[6] = { 0 }, formats[6] = { 0, 0, 0, 0, 0, 1 };
	long long	 pos;
	int		 i, nrows, k;
	enum db_status	 st = DB_FAILED;

	*conflicts = NULL;
	*nconf = 0;
	if (db_history_arrays(rows, n, a) == -1 ||
	    (pages = calloc(n > 0 ? n : 1, sizeof(*pages))) == NULL) {
		log_error("database: out of memory");
		goto out;
	}
	/* The pages in binary, as db_text_array sends the visits' pages. */
	for (i = 0; (size_t)i < n; i++)
		pages[i] = rows[i].page;
	if ((parr = db_text_array(pages, n, &lengths[5])) == NULL)
		goto out;
	for (k = 0; k < 5; k++)
		values[k] = a[k];
	values[5] = (const char *)parr;
	if ((st = db_exec_list(db, sql_import, 6, values, lengths, formats, 1,
	    sizeof(**conflicts), "import_history", &p, &nrows, &res)) !=
	    DB_OK)
		goto out;
	*conflicts = p;
	for (i = 0; i < nrows; i++) {
		if (db_get_ll(res, i, 0, &pos) == -1 || pos < 1 ||
		    (unsigned long long)pos > n) {
			log_error("database: import_history returned a "
			    "malformed answer");
			free(*conflicts);
			*conflicts = NULL;
			st = DB_FAILED;
			goto out;
		}
		(*conflicts)[i] = (size_t)pos - 1;
	}
	*nconf = (size_t)nrows;
out:
	PQclear(res);
	free(parr);
	free(pages);
	for (k = 0; k < 5; k++)
		free(a[k]);
	return st;
}
