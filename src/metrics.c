/*
 * Metrics, rendered in the Prometheus text exposition format (version
 * 0.0.4): what an operator graphs and alerts on.  Counters are C11
 * atomics updated by every request thread without a lock; a scrape reads
 * them one by one, so it may see one request counted in a counter but
 * not yet in the histogram, which Prometheus tolerates.
 *
 * The numbers are this process's since it started, as Prometheus
 * expects: under mod_fcgid or spawn-fcgi -F each process is a target of
 * its own (the process label tells them apart).
 */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "footfall.h"

/*
 * The status codes footfall answers with (resp_status_text names each,
 * test_metrics.c checks that): anything else is "other".
 */
static const int metrics_codes[] = {
	200, 204, 400, 401, 403, 404, 405, 500, 503, 504
};
#define NCODES	(sizeof(metrics_codes) / sizeof(metrics_codes[0]))

/*
 * Upper bounds of the duration buckets, in seconds: a counting request
 * is a millisecond or two on a local database, a slow one is cut off at
 * db_timeout (2 s by default).
 */
static const double metrics_bounds[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
	1, 2.5, 5
};
#define NBOUNDS	(sizeof(metrics_bounds) / sizeof(metrics_bounds[0]))

struct hist {
	atomic_ullong	 bucket[NBOUNDS + 1];	/* not cumulative; last: +Inf */
	atomic_ullong	 sum_us;		/* microseconds */
};

/* Visits per transaction: powers of two up to DB_BATCH_MAX (1024). */
#define NBATCH	11

static struct {
	atomic_ullong	 requests[ROUTE__MAX][NCODES + 1];
	struct hist	 duration[ROUTE__MAX];
	struct hist	 db;
	atomic_ullong	 outcomes[OUTCOME__MAX];
	atomic_ullong	 db_errors[DB__MAX];
	atomic_ullong	 db_reconnects;
	atomic_ullong	 commit_delays;
	atomic_ullong	 in_doubt[DB__MAX];	/* by what was learnt */
	atomic_ullong	 batch[NBATCH + 1];	/* not cumulative */
	atomic_ullong	 batch_sum;
	atomic_ullong	 fcgi_refused;
	atomic_ullong	 purged_visitors;
	atomic_ullong	 purged_keys;
	atomic_ullong	 purged_log;
	atomic_ullong	 auth_failures;	/* admin API */
	atomic_int	 durable;	/* db_durable's last answer */
	time_t		 started;
} m;

static const char *const metrics_db_kinds[DB__MAX] = {
	NULL,		/* DB_OK */
	"unavailable",	/* DB_UNAVAILABLE */
	"failed",	/* DB_FAILED */
	"unknown",	/* DB_UNKNOWN */
	NULL,		/* DB_INTERNAL: not the database's */
};

/* Each outcome's reason in footfall_visits_not_counted_total, or NULL. */
static const char *const metrics_reasons[OUTCOME__MAX] = {
	NULL,			/* OUTCOME_NONE: not a visit */
	NULL,			/* OUTCOME_NEW */
	NULL,			/* OUTCOME_RETURNING */
	NULL,			/* OUTCOME_UNTRACKED */
	NULL,			/* OUTCOME_SKIPPED: a series of its own */
	"bot",			/* OUTCOME_BOT */
	"ignored",		/* OUTCOME_IGNORED */
	"repeat",		/* OUTCOME_REPEAT */
	"unknown_counter",	/* OUTCOME_REFUSED */
	"unknown_counter",	/* OUTCOME_REFUSED_UNTRACKED */
};

/* What became of a commit whose answer was lost (db_resolve). */
static const char *const metrics_doubt_outcomes[DB__MAX] = {
	"committed",	/* DB_OK */
	"rolled_back",	/* DB_UNAVAILABLE */
	NULL,		/* DB_FAILED: not an outcome */
	"unknown",	/* DB_UNKNOWN */
	NULL,		/* DB_INTERNAL: not an outcome */
};

/*
 * Zero everything; called once at start (and by each test), before any
 * thread runs, so a plain memset may write the atomics.
 */
void
metrics_init(void)
{
	memset(&m, 0, sizeof(m));
	atomic_store(&m.durable, -1);
	m.started = time(NULL);
}

static void
metrics_observe(struct hist *h, double seconds)
{
	size_t	 i;

	if (seconds < 0)
		seconds = 0;
	for (i = 0; i < NBOUNDS && seconds > metrics_bounds[i]; i++)
		continue;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us,
	    (unsigned long long)(seconds * 1e6 + 0.5), memory_order_relaxed);
}

/* One request answered on route with status, taking seconds. */
void
metrics_request(enum route route, int status, double seconds)
{
	size_t	 i;

	for (i = 0; i < NCODES && metrics_codes[i] != status; i++)
		continue;
	atomic_fetch_add_explicit(&m.requests[route][i], 1,
	    memory_order_relaxed);
	metrics_observe(&m.duration[route], seconds);
}

/* One counting request answered, and what became of its visit. */
void
metrics_visit(enum outcome o)
{
	if (o != OUTCOME_NONE && o < OUTCOME__MAX)
		atomic_fetch_add_explicit(&m.outcomes[o], 1,
		    memory_order_relaxed);
}

/* What one purge removed (batch.c): visitors, keys, visit log rows. */
void
metrics_purge(const long long n[3])
{
	atomic_fetch_add_explicit(&m.purged_visitors,
	    (unsigned long long)n[0], memory_order_relaxed);
	atomic_fetch_add_explicit(&m.purged_keys, (unsigned long long)n[1],
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&m.purged_log, (unsigned long long)n[2],
	    memory_order_relaxed);
}

/* A request to the admin API without the right token. */
void
metrics_auth_failure(void)
{
	atomic_fetch_add_explicit(&m.auth_failures, 1, memory_order_relaxed);
}

void
metrics_db_query(double seconds)
{
	metrics_observe(&m.db, seconds);
}

void
metrics_db_error(enum db_status st)
{
	if (st < DB__MAX && metrics_db_kinds[st] != NULL)
		atomic_fetch_add_explicit(&m.db_errors[st], 1,
		    memory_order_relaxed);
}

void
metrics_db_in_doubt(enum db_status st)
{
	if (st < DB__MAX && metrics_doubt_outcomes[st] != NULL)
		atomic_fetch_add_explicit(&m.in_doubt[st], 1,
		    memory_order_relaxed);
}

/* Whether the database keeps acknowledged commits: 1, 0, -1 unknown. */
void
metrics_db_durable(int d)
{
	atomic_store_explicit(&m.durable, d, memory_order_relaxed);
}

void
metrics_db_reconnect(void)
{
	atomic_fetch_add_explicit(&m.db_reconnects, 1, memory_order_relaxed);
}

/* A commit waited commit_delay for more visits to join (batch.c). */
void
metrics_commit_delay(void)
{
	atomic_fetch_add_explicit(&m.commit_delays, 1, memory_order_relaxed);
}

/* One transaction recorded n visits. */
void
metrics_batch(size_t n)
{
	size_t	 i;

	for (i = 0; i < NBATCH && n > ((size_t)1 << i); i++)
		continue;
	atomic_fetch_add_explicit(&m.batch[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m.batch_sum, n, memory_order_relaxed);
}

/* A connection closed before libfcgi read it (server.c, srv_peek). */
void
metrics_fcgi_refused(void)
{
	atomic_fetch_add_explicit(&m.fcgi_refused, 1, memory_order_relaxed);
}

static unsigned long long
metrics_get(atomic_ullong *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static unsigned long long
metrics_outcome(enum outcome o)
{
	return metrics_get(&m.outcomes[o]);
}

/* footfall_visits_not_counted_total, a line a reason. */
static void
metrics_put_reasons(FILE *f)
{
	unsigned long long	 n = 0;
	size_t			 i;

	for (i = 0; i < OUTCOME__MAX; i++) {
		if (metrics_reasons[i] == NULL)
			continue;
		n += metrics_outcome(i);
		/* The outcomes of one reason stand together in the table. */
		if (i + 1 < OUTCOME__MAX && metrics_reasons[i + 1] != NULL &&
		    strcmp(metrics_reasons[i + 1], metrics_reasons[i]) == 0)
			continue;
		fprintf(f, "footfall_visits_not_counted_total{reason=\"%s\"} "
		    "%llu\n", metrics_reasons[i], n);
		n = 0;
	}
}

/* The series of one histogram; labels is "" or `route="count",`. */
static void
metrics_put_hist(FILE *f, const char *name, const char *labels,
    struct hist *h)
{
	unsigned long long	 cum = 0;
	size_t			 i;

	for (i = 0; i < NBOUNDS; i++) {
		cum += metrics_get(&h->bucket[i]);
		fprintf(f, "%s_bucket{%sle=\"%g\"} %llu\n", name, labels,
		    metrics_bounds[i], cum);
	}
	cum += metrics_get(&h->bucket[NBOUNDS]);
	fprintf(f, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, labels, cum);
	/* Strip the trailing comma for the plain series. */
	if (*labels != '\0')
		fprintf(f, "%s_sum{%.*s} %.6f\n%s_count{%.*s} %llu\n",
		    name, (int)strlen(labels) - 1, labels,
		    metrics_get(&h->sum_us) / 1e6,
		    name, (int)strlen(labels) - 1, labels, cum);
	else
		fprintf(f, "%s_sum %.6f\n%s_count %llu\n", name,
		    metrics_get(&h->sum_us) / 1e6, name, cum);
}

/*
 * A counter per database status that has a label: NAME{LABEL="..."}
 * for each non-NULL names[i], its value v[i].
 */
static void
metrics_put_by_status(FILE *f, const char *name, const char *label,
    const char *const names[DB__MAX], atomic_ullong v[DB__MAX])
{
	size_t	 i;

	for (i = 0; i < DB__MAX; i++)
		if (names[i] != NULL)
			fprintf(f, "%s{%s=\"%s\"} %llu\n", name, label,
			    names[i], metrics_get(&v[i]));
}

/* The database's series. */
static void
metrics_put_db(FILE *f)
{
	unsigned long long	 cum = 0;
	size_t			 i;
	int			 d;

	fprintf(f, "# HELP footfall_db_errors_total Database statements that"
	    " did not succeed: unavailable (no connection, lost, timed out)"
	    ", failed (an SQL error) or unknown (a commit whose outcome"
	    " could not be learnt).\n"
	    "# TYPE footfall_db_errors_total counter\n");
	metrics_put_by_status(f, "footfall_db_errors_total", "kind",
	    metrics_db_kinds, m.db_errors);
	fprintf(f, "# HELP footfall_db_reconnects_total Connections opened "
	    "to replace one that was lost or never came up.\n"
	    "# TYPE footfall_db_reconnects_total counter\n"
	    "footfall_db_reconnects_total %llu\n",
	    metrics_get(&m.db_reconnects));
	fprintf(f, "# HELP footfall_db_commit_delays_total Commits that "
	    "waited commit_delay for more visits, since visits arrived "
	    "faster than one a delay.\n"
	    "# TYPE footfall_db_commit_delays_total counter\n"
	    "footfall_db_commit_delays_total %llu\n",
	    metrics_get(&m.commit_delays));
	/* Absent until a connection has told. */
	if ((d = atomic_load(&m.durable)) >= 0)
		fprintf(f, "# HELP footfall_db_durable 1 if the database "
		    "keeps a commit it acknowledged through a crash (fsync "
		    "and synchronous_commit on), 0 if visits answered 200 "
		    "can be lost.\n"
		    "# TYPE footfall_db_durable gauge\n"
		    "footfall_db_durable %d\n", d);
	fprintf(f, "# HELP footfall_db_commits_in_doubt_total Commits whose "
	    "answer was lost with the connection, by what the database "
	    "said of them afterwards.\n"
	    "# TYPE footfall_db_commits_in_doubt_total counter\n");
	metrics_put_by_status(f, "footfall_db_commits_in_doubt_total",
	    "outcome", metrics_doubt_outcomes, m.in_doubt);

	fprintf(f, "# HELP footfall_db_query_duration_seconds Time per "
	    "database statement, including the wait for a connection.\n"
	    "# TYPE footfall_db_query_duration_seconds histogram\n");
	metrics_put_hist(f, "footfall_db_query_duration_seconds", "", &m.db);

	fprintf(f, "# HELP footfall_db_batch_visits Visits recorded per "
	    "transaction (group commit).\n"
	    "# TYPE footfall_db_batch_visits histogram\n");
	for (i = 0; i < NBATCH; i++) {
		cum += metrics_get(&m.batch[i]);
		fprintf(f, "footfall_db_batch_visits_bucket{le=\"%zu\"} %llu\n",
		    (size_t)1 << i, cum);
	}
	cum += metrics_get(&m.batch[NBATCH]);
	fprintf(f, "footfall_db_batch_visits_bucket{le=\"+Inf\"} %llu\n"
	    "footfall_db_batch_visits_sum %llu\n"
	    "footfall_db_batch_visits_count %llu\n", cum,
	    metrics_get(&m.batch_sum), cum);
}

/*
 * Render every metric.  Returns a string the caller frees, or NULL if
 * out of memory.
 */
char *
metrics_render(void)
{
	FILE	*f;
	char	*out = NULL, labels[64], code[16];
	size_t	 j, len;
	int	 r;

	if ((f = open_memstream(&out, &len)) == NULL)
		return NULL;
	fprintf(f, "# HELP footfall_build_info The running version.\n"
	    "# TYPE footfall_build_info gauge\n"
	    "footfall_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	fprintf(f, "# HELP footfall_start_time_seconds When this process "
	    "started, in seconds since the epoch.\n"
	    "# TYPE footfall_start_time_seconds gauge\n"
	    "footfall_start_time_seconds{process=\"%ld\"} %lld\n",
	    (long)getpid(), (long long)m.started);

	fprintf(f, "# HELP footfall_requests_total Requests answered, by "
	    "route and status.\n# TYPE footfall_requests_total counter\n");
	for (r = 0; r < ROUTE__MAX; r++)
		for (j = 0; j <= NCODES; j++) {
			snprintf(code, sizeof(code), "%d", j < NCODES ?
			    metrics_codes[j] : 0);
			fprintf(f, "footfall_requests_total{route=\"%s\","
			    "status=\"%s\"} %llu\n", route_name(r),
			    j < NCODES ? code : "other",
			    metrics_get(&m.requests[r][j]));
		}

	fprintf(f, "# HELP footfall_request_duration_seconds Time from "
	    "reading a request to its answer.\n"
	    "# TYPE footfall_request_duration_seconds histogram\n");
	for (r = 0; r < ROUTE__MAX; r++) {
		snprintf(labels, sizeof(labels), "route=\"%s\",",
		    route_name((enum route)r));
		metrics_put_hist(f, "footfall_request_duration_seconds",
		    labels, &m.duration[r]);
	}

	fprintf(f, "# HELP footfall_visits_total Visits counted (committed)."
	    "\n# TYPE footfall_visits_total counter\n"
	    "footfall_visits_total %llu\n",
	    metrics_outcome(OUTCOME_NEW) + metrics_outcome(OUTCOME_RETURNING) +
	    metrics_outcome(OUTCOME_UNTRACKED));
	fprintf(f, "# HELP footfall_unique_visitors_total Visits that "
	    "counted a new unique visitor.\n"
	    "# TYPE footfall_unique_visitors_total counter\n"
	    "footfall_unique_visitors_total %llu\n",
	    metrics_outcome(OUTCOME_NEW));

	metrics_put_db(f);

	fprintf(f, "# HELP footfall_fastcgi_refused_total Connections closed "
	    "before libfcgi read a request: records footfall refuses, or no "
	    "complete request in time.\n"
	    "# TYPE footfall_fastcgi_refused_total counter\n"
	    "footfall_fastcgi_refused_total %llu\n",
	    metrics_get(&m.fcgi_refused));

	fprintf(f, "# HELP footfall_visits_untracked_total Visits counted "
	    "without a visitor hash: the visitor sent DNT: 1 or Sec-GPC: 1 "
	    "(dnt = count).\n"
	    "# TYPE footfall_visits_untracked_total counter\n"
	    "footfall_visits_untracked_total %llu\n"
	    "# HELP footfall_visits_skipped_total Visits not counted because "
	    "the visitor asked not to be tracked (dnt = skip).\n"
	    "# TYPE footfall_visits_skipped_total counter\n"
	    "footfall_visits_skipped_total %llu\n",
	    metrics_outcome(OUTCOME_UNTRACKED),
	    metrics_outcome(OUTCOME_SKIPPED));
	fprintf(f, "# HELP footfall_purged_total Rows removed because no "
	    "window needs them any more.\n"
	    "# TYPE footfall_purged_total counter\n"
	    "footfall_purged_total{what=\"visitor\"} %llu\n"
	    "footfall_purged_total{what=\"key\"} %llu\n"
	    "footfall_purged_total{what=\"visit_log\"} %llu\n",
	    metrics_get(&m.purged_visitors), metrics_get(&m.purged_keys),
	    metrics_get(&m.purged_log));
	fprintf(f, "# HELP footfall_visits_not_counted_total Counting "
	    "requests that added nothing to the total, by reason: a known "
	    "bot (added to the counter's bots), an address in ignore, a "
	    "repeat within count_interval, or a counter that may not be "
	    "made.\n"
	    "# TYPE footfall_visits_not_counted_total counter\n");
	metrics_put_reasons(f);
	fprintf(f, "# HELP footfall_admin_auth_failures_total Admin API "
	    "requests refused for a missing or wrong token.\n"
	    "# TYPE footfall_admin_auth_failures_total counter\n"
	    "footfall_admin_auth_failures_total %llu\n",
	    metrics_get(&m.auth_failures));

	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
