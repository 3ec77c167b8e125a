/*
 * The database: the only file that includes libpq-fe.h.
 *
 * Each request thread owns one struct db and so one connection, opened
 * lazily and reopened after a failure with a short back-off, so that a
 * PostgreSQL restart costs a few quick 503s rather than a restart of
 * footfall.  Every statement is sent with PQsendQueryParams and $n
 * parameters (no string building, and no named prepared statements, so
 * that pgbouncer's transaction pooling works) and waited for with a
 * deadline of our own: a stuck database cannot pile requests up.
 *
 * A batch of visits is committed in two steps on one connection (libpq's
 * pipeline mode): the call of record_batch, whose row (with the id of
 * its transaction) we read first, and then the Sync that commits it.  If
 * the connection is lost after the Sync went out and before the commit
 * was confirmed, only the database knows whether the visits were
 * recorded: we ask it, pg_xact_status of that id on a new connection,
 * and answer accordingly.  Guessing either way would be wrong: a blind
 * retry counts the visits twice, a blind error denies counted ones.
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

struct db {
	PGconn		*conn;
	char		*conninfo;
	char		 timeout[16];	/* connect_timeout, as text */
	unsigned int	 timeout_ms;
	unsigned int	 backoff_ms;
	long long	 retry_at;	/* monotonic ms; no connect before */
	int		 failing;	/* last connect failed: log less */
	int		 connected;	/* a connection was ever made */
};

static const char sql_record[] =
    "SELECT total_visits, unique_visitors, new_positions, xact_id "
    "FROM footfall_api.record_batch($1::bytea[], $2::integer, "
    "$3::bytea[], $4::integer)";
static const char sql_xact[] = "SELECT pg_catalog.pg_xact_status($1::xid8)";
static const char sql_read[] =
    "SELECT total_visits, unique_visitors FROM footfall_api.read_counts()";
static const char sql_ping[] = "SELECT 1";
static const char sql_keys[] =
    "SELECT period_start, key, seconds_left, expires_in "
    "FROM footfall_api.visitor_keys($1::integer, $2::integer, $3::bytea)";
static const char sql_purge[] =
    "SELECT visitors, keys FROM footfall_api.purge($1::integer, $2::integer)";

static long long
db_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double
db_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

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

/* libpq prints notices on stderr; ours go through the log instead. */
static void
db_notice(void *arg, const char *msg)
{
	(void)arg;
	db_log(LOGL_WARN, "notice", msg);
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
	now = db_now_ms();
	if (now < db->retry_at)
		return -1;

	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK) {
		PQsetNoticeProcessor(db->conn, db_notice, NULL);
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
	db->retry_at = db_now_ms() + db->backoff_ms;
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
 * db_now_ms time) passes: then the statement is cancelled.  Returns 0,
 * or -1 (logged) if the answer did not come.
 */
static int
db_wait(struct db *db, long long deadline)
{
	PGcancel	*cancel;
	struct pollfd	 pfd;
	long long	 left;
	char		 errbuf[256];
	int		 n;

	while (PQisBusy(db->conn)) {
		if ((left = deadline - db_now_ms()) <= 0) {
			log_error("database: no answer within %u ms, "
			    "cancelling", db->timeout_ms);
			if ((cancel = PQgetCancel(db->conn)) != NULL) {
				(void)PQcancel(cancel, errbuf, sizeof(errbuf));
				PQfreeCancel(cancel);
			}
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
 * The connection was lost after transaction xid was asked to commit and
 * before the answer came.  Ask a new connection what became of it, for
 * up to db_timeout: "in progress" means its old backend has not noticed
 * yet, so ask again.  Returns DB_OK if it committed, DB_UNAVAILABLE if it
 * did not, DB_UNKNOWN if the database could not tell us in time.
 */
static enum db_status
db_resolve(struct db *db, unsigned long long xid)
{
	PGresult	*res;
	const char	*values[1], *state;
	char		 xs[24];
	long long	 deadline;
	enum db_status	 st = DB_UNKNOWN;

	log_warn("database: connection lost while transaction %llu was "
	    "committing; asking the database whether it did", xid);
	snprintf(xs, sizeof(xs), "%llu", xid);
	values[0] = xs;
	deadline = db_now_ms() + db->timeout_ms;
	while (st == DB_UNKNOWN && db_now_ms() < deadline) {
		/* Somebody waits for this answer: no back-off. */
		db->retry_at = 0;
		if (db_connect(db) == 0 && db_exec_wait(db, sql_xact, 1,
		    values, NULL, NULL, deadline, &res) == DB_OK) {
			state = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) ?
			    PQgetvalue(res, 0, 0) : "";
			if (strcmp(state, "committed") == 0)
				st = DB_OK;
			else if (strcmp(state, "aborted") == 0)
				st = DB_UNAVAILABLE;
			else if (strcmp(state, "in progress") != 0) {
				log_error("database: pg_xact_status(%llu) "
				    "is \"%s\"", xid, state);
				PQclear(res);
				break;
			}
			PQclear(res);
		}
		if (st == DB_UNKNOWN)
			db_sleep_ms(20);
	}
	if (st == DB_OK)
		log_info("database: transaction %llu committed: its visits "
		    "are answered as counted", xid);
	else if (st == DB_UNAVAILABLE)
		log_info("database: transaction %llu did not commit: its "
		    "visits were not counted", xid);
	else
		log_error("database: cannot learn within %u ms whether "
		    "transaction %llu committed: its visits are answered 504",
		    db->timeout_ms, xid);
	metrics_db_in_doubt(st);
	return st;
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

	t0 = db_now();
	st = db_exec_wait(db, sql, nparams, values, lengths, formats,
	    db_now_ms() + db->timeout_ms, resp);
	dt = db_now() - t0;
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
 * Expand the answer of record_batch for n visits into what each visit
 * would have seen alone.  total and uniques are the numbers after the
 * batch; positions is the text of its new_positions, an integer[] such
 * as "{1,4}": 1-based, ascending.  Pure, so that it is table-tested.
 * Returns 0, or -1 if the answer cannot be right.
 */
int
db_batch_expand(const char *positions, long long total, long long uniques,
    size_t n, struct counts *out)
{
	const char	*p = positions;
	size_t		 i, pos, prev = 0, nnew = 0;
	long long	 seen = 0;

	if (n == 0 || total < (long long)n || *p++ != '{')
		return -1;
	for (i = 0; i < n; i++)
		out[i].is_new = 0;
	while (*p != '}') {
		if (nnew > 0 && *p++ != ',')
			return -1;
		if (*p < '1' || *p > '9')
			return -1;
		for (pos = 0; *p >= '0' && *p <= '9'; p++)
			if ((pos = pos * 10 + (size_t)(*p - '0')) > n)
				return -1;
		if (pos <= prev)
			return -1;
		out[pos - 1].is_new = 1;
		prev = pos;
		nnew++;
	}
	if (p[1] != '\0' || uniques < (long long)nnew)
		return -1;
	for (i = 0; i < n; i++) {
		seen += out[i].is_new;
		out[i].total = total - (long long)(n - i - 1);
		out[i].uniques = uniques - (long long)nnew + seen;
	}
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
 * Run record_batch for the n visits of the parameters (values...) and
 * commit it, as the comment at the top explains; out[0..n-1] gets each
 * visit's numbers.  Its answer is checked before the commit is asked
 * for, so that a malformed one counts nothing.
 */
static enum db_status
db_exec_commit(struct db *db, const char *const *values, const int *lengths,
    const int *formats, size_t n, struct counts *out)
{
	PGresult		*res = NULL, *sync = NULL;
	unsigned long long	 xid;
	long long		 deadline;
	long long		 total, uniques;
	enum db_status		 st = DB_UNAVAILABLE;

	if (db_connect(db) == -1)
		return DB_UNAVAILABLE;
	deadline = db_now_ms() + db->timeout_ms;

	/* Step one: the statement, and a Flush for its row. */
	if (!PQenterPipelineMode(db->conn) ||
	    !PQsendQueryParams(db->conn, sql_record, 4, NULL, values, lengths,
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
	 * row, the end of the statement's results is already here.
	 */
	if (PQntuples(res) != 1 || db_get_ll(res, 0, 0, &total) == -1 ||
	    db_get_ll(res, 0, 1, &uniques) == -1 || PQgetisnull(res, 0, 2) ||
	    db_batch_expand(PQgetvalue(res, 0, 2), total, uniques, n,
	    out) == -1 || db_get_ull(res, 0, 3, &xid) == -1 ||
	    PQgetResult(db->conn) != NULL) {
		log_error("database: record_batch returned a malformed "
		    "answer: not committed");
		if (db_pipeline_abort(db, deadline) == -1)
			db_drop(db);
		st = DB_FAILED;
		goto out;
	}

	/* Step two: the Sync that commits. */
	if (!PQpipelineSync(db->conn) || db_wait(db, deadline) == -1)
		goto doubt;
	sync = PQgetResult(db->conn);
	if (sync != NULL && PQresultStatus(sync) == PGRES_PIPELINE_SYNC) {
		st = PQexitPipelineMode(db->conn) ? DB_OK : DB_UNAVAILABLE;
		if (st != DB_OK)
			db_drop(db);
		goto out;
	}
	/*
	 * An error the server sent (it has an SQLSTATE) came before the
	 * commit record: the transaction rolled back.  One from libpq
	 * itself means the connection went: we do not know.
	 */
	db_log(LOGL_ERROR, "commit failed", sync == NULL ?
	    PQerrorMessage(db->conn) : PQresultErrorMessage(sync));
	if (sync != NULL && PQresultErrorField(sync, PG_DIAG_SQLSTATE) != NULL) {
		st = db_result_lost(db, sync) ? DB_UNAVAILABLE : DB_FAILED;
		db_drop(db);
		goto out;
	}
doubt:
	db_drop(db);
	st = db_resolve(db, xid);
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
 * The n hashes as one binary bytea[] (array_recv's format: the
 * dimensions, then each element's length and bytes), so that raw bytes
 * are never text and a batch is one parameter.  Returns it (*len bytes,
 * the caller frees it), or NULL if out of memory.
 */
static unsigned char *
db_hash_array(const unsigned char (*hashes)[HASH_LEN], size_t n, int *len)
{
	unsigned char	*arr, *p;
	size_t		 i;

	*len = (int)(20 + n * (4 + HASH_LEN));
	if ((arr = malloc(*len)) == NULL)
		return NULL;
	p = db_put32(arr, 1);		/* dimensions */
	p = db_put32(p, 0);		/* no NULL element */
	p = db_put32(p, DB_BYTEAOID);	/* element type */
	p = db_put32(p, n);		/* length of the dimension */
	p = db_put32(p, 1);		/* its lower bound */
	for (i = 0; i < n; i++) {
		p = db_put32(p, HASH_LEN);
		memcpy(p, hashes[i], HASH_LEN);
		p += HASH_LEN;
	}
	return arr;
}

/*
 * Record, in one transaction (the function's), within a uniqueness
 * window of window seconds: the n tracked visits of hashes[0..n-1], in
 * that order, with prev[i] (if prev is not NULL) the hash of visit i
 * under the previous key; then nu untracked visits, which only add to
 * the total.  out[0..n+nu-1] gets the numbers each visit would have seen
 * alone.  All or nothing: on an error no visit is recorded.
 */
enum db_status
db_record_visits(struct db *db, const unsigned char (*hashes)[HASH_LEN],
    const unsigned char (*prev)[HASH_LEN], size_t n, size_t nu,
    unsigned int window, struct counts *out)
{
	unsigned char	*arr = NULL, *parr = NULL;
	char		 win[16], unt[16];
	const char	*values[4];
	int		 lengths[4], formats[4];
	double		 t0;
	enum db_status	 st = DB_FAILED;

	if (n + nu == 0 || n + nu > DB_BATCH_MAX)
		return DB_FAILED;
	memset(values, 0, sizeof(values));
	memset(lengths, 0, sizeof(lengths));
	memset(formats, 0, sizeof(formats));
	if (n > 0 && ((arr = db_hash_array(hashes, n, &lengths[0])) == NULL ||
	    (prev != NULL &&
	    (parr = db_hash_array(prev, n, &lengths[2])) == NULL))) {
		log_error("database: out of memory");
		goto out;
	}
	snprintf(win, sizeof(win), "%u", window);
	snprintf(unt, sizeof(unt), "%zu", nu);
	/* A NULL value is SQL NULL: no tracked visit, or no previous key. */
	values[0] = (const char *)arr;
	formats[0] = 1;
	values[1] = win;
	values[2] = (const char *)parr;
	formats[2] = 1;
	values[3] = unt;
	t0 = db_now();
	st = db_exec_commit(db, values, lengths, formats, n + nu, out);
	metrics_db_query(db_now() - t0);
	if (st != DB_OK)
		metrics_db_error(st);
out:
	free(arr);
	free(parr);
	return st;
}

/* One visit: a batch of one. */
enum db_status
db_record_visit(struct db *db, const unsigned char hash[HASH_LEN],
    unsigned int window, struct counts *c)
{
	return db_record_visits(db, (const unsigned char (*)[HASH_LEN])hash,
	    NULL, 1, 0, window, c);
}

/* Read the numbers without recording a visit. */
enum db_status
db_read_counts(struct db *db, struct counts *c)
{
	PGresult	*res;
	enum db_status	 st;

	if ((st = db_exec(db, sql_read, 0, NULL, NULL, NULL, &res)) != DB_OK)
		return st;
	if (PQntuples(res) != 1 || db_get_ll(res, 0, 0, &c->total) == -1 ||
	    db_get_ll(res, 0, 1, &c->uniques) == -1) {
		log_error("database: read_counts returned a malformed row");
		st = DB_FAILED;
	}
	c->is_new = -1;
	PQclear(res);
	return st;
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
 * A key in bytea's text output: "\x" and 64 hex digits.  Returns 0, or
 * -1 if it is anything else.
 */
static int
db_hex_key(const char *s, unsigned char key[HASH_KEY_LEN])
{
	static const char	 hex[] = "0123456789abcdef";
	const char		*hi, *lo;
	size_t			 i;

	if (strlen(s) != 2 + 2 * HASH_KEY_LEN || s[0] != '\\' || s[1] != 'x')
		return -1;
	for (i = 0; i < HASH_KEY_LEN; i++) {
		if ((hi = strchr(hex, s[2 + 2 * i])) == NULL || *hi == '\0' ||
		    (lo = strchr(hex, s[3 + 2 * i])) == NULL || *lo == '\0')
			return -1;
		key[i] = (unsigned char)((hi - hex) << 4 | (lo - hex));
	}
	return 0;
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
		if (db_hex_key(PQgetvalue(res, i, 1), keys[i].key) == -1)
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
 * Remove every expired key and at most limit visitors whose window has
 * passed; *visitors and *keys get how many were removed.
 */
enum db_status
db_purge(struct db *db, unsigned int window, unsigned int limit,
    long long *visitors, long long *keys)
{
	PGresult	*res;
	char		 win[16], lim[16];
	const char	*values[2];
	enum db_status	 st;

	snprintf(win, sizeof(win), "%u", window);
	snprintf(lim, sizeof(lim), "%u", limit);
	values[0] = win;
	values[1] = lim;
	if ((st = db_exec(db, sql_purge, 2, values, NULL, NULL, &res)) !=
	    DB_OK)
		return st;
	if (PQntuples(res) != 1 || db_get_ll(res, 0, 0, visitors) == -1 ||
	    db_get_ll(res, 0, 1, keys) == -1) {
		log_error("database: purge returned a malformed row");
		st = DB_FAILED;
	}
	PQclear(res);
	return st;
}
