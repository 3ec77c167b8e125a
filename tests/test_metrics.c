#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Is line, exactly, one of the lines of text? */
static int
has_line(const char *text, const char *line)
{
	const char	*p;
	size_t		 n = strlen(line);

	for (p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

Test(metrics, values)
{
	static const char *const want[] = {
		"footfall_requests_total{route=\"count\",status=\"200\"} 2",
		"footfall_requests_total{route=\"count\",status=\"503\"} 1",
		"footfall_requests_total{route=\"count\",status=\"403\"} 0",
		"footfall_requests_total{route=\"healthz\",status=\"other\"} 1",
		"footfall_requests_total{route=\"metrics\",status=\"200\"} 0",
		"footfall_visits_total 3",
		"footfall_unique_visitors_total 1",
		"footfall_visits_untracked_total 1",
		"footfall_visits_skipped_total 1",
		"footfall_purged_total{what=\"visitor\"} 1000",
		"footfall_purged_total{what=\"key\"} 1",
		"footfall_purged_total{what=\"visit_log\"} 7",
		"footfall_visits_not_counted_total{reason=\"bot\"} 1",
		"footfall_visits_not_counted_total{reason=\"ignored\"} 2",
		"footfall_visits_not_counted_total{reason=\"repeat\"} 1",
		"footfall_visits_not_counted_total{reason=\"unknown_counter\"} 2",
		"footfall_admin_auth_failures_total 1",
		"footfall_db_errors_total{kind=\"unavailable\"} 1",
		"footfall_db_errors_total{kind=\"failed\"} 0",
		"footfall_db_reconnects_total 1",
		"footfall_request_duration_seconds_bucket{route=\"count\","
		    "le=\"0.0025\"} 0",
		"footfall_request_duration_seconds_bucket{route=\"count\","
		    "le=\"0.005\"} 2",
		"footfall_request_duration_seconds_bucket{route=\"count\","
		    "le=\"0.25\"} 2",
		"footfall_request_duration_seconds_bucket{route=\"count\","
		    "le=\"0.5\"} 3",
		"footfall_request_duration_seconds_bucket{route=\"count\","
		    "le=\"+Inf\"} 3",
		"footfall_request_duration_seconds_sum{route=\"count\"} "
		    "0.506000",
		"footfall_request_duration_seconds_count{route=\"count\"} 3",
		"footfall_request_duration_seconds_bucket{route=\"healthz\","
		    "le=\"5\"} 0",
		"footfall_request_duration_seconds_bucket{route=\"healthz\","
		    "le=\"+Inf\"} 1",
		"footfall_db_query_duration_seconds_bucket{le=\"0.001\"} 1",
		"footfall_db_query_duration_seconds_count 1",
		"footfall_build_info{version=\"" PACKAGE_VERSION "\"} 1",
		"# TYPE footfall_requests_total counter",
		"# TYPE footfall_request_duration_seconds histogram",
	};
	char	*s;
	size_t	 i;

	metrics_init();
	metrics_request(ROUTE_COUNT, 200, 0.003);
	metrics_request(ROUTE_COUNT, 200, 0.003);
	metrics_request(ROUTE_COUNT, 503, 0.5);	/* on a bound: le="0.5" */
	metrics_request(ROUTE_HEALTHZ, 418, 7);	/* past the last bound */
	metrics_visit(OUTCOME_NEW);
	metrics_visit(OUTCOME_RETURNING);
	metrics_visit(OUTCOME_UNTRACKED);
	metrics_visit(OUTCOME_SKIPPED);
	metrics_visit(OUTCOME_BOT);
	metrics_visit(OUTCOME_IGNORED);
	metrics_visit(OUTCOME_IGNORED);
	metrics_visit(OUTCOME_REPEAT);
	metrics_visit(OUTCOME_REFUSED);
	metrics_visit(OUTCOME_REFUSED_UNTRACKED);
	metrics_visit(OUTCOME_NONE);		/* not a visit */
	metrics_auth_failure();
	metrics_purge((const long long [3]){ 1000, 1, 7 });
	metrics_db_query(0.0007);
	metrics_db_error(DB_UNAVAILABLE);
	metrics_db_error(DB_OK);		/* not an error */
	metrics_db_error(DB_INTERNAL);		/* not the database's */
	metrics_db_reconnect();
	cr_assert_not_null(s = metrics_render());
	for (i = 0; i < NELEM(want); i++)
		cr_assert(has_line(s, want[i]), "line \"%s\" in:\n%s",
		    want[i], s);
	cr_assert_null(strstr(s, "(null)"), "a kind without a name:\n%s", s);
	free(s);
}

/* Every status footfall answers with has a series of its own. */
Test(metrics, statuses)
{
	char	*s, line[128];
	int	 status;

	metrics_init();
	for (status = 100; status < 600; status++)
		if (strcmp(resp_status_text(status), "Unknown") != 0)
			metrics_request(ROUTE_BADGE, status, 0.001);
	cr_assert_not_null(s = metrics_render());
	for (status = 100; status < 600; status++) {
		if (strcmp(resp_status_text(status), "Unknown") == 0)
			continue;
		snprintf(line, sizeof(line), "footfall_requests_total{route="
		    "\"badge\",status=\"%d\"} 1", status);
		cr_expect(has_line(s, line), "no line \"%s\"", line);
	}
	cr_expect(has_line(s, "footfall_requests_total{route=\"badge\","
	    "status=\"other\"} 0"), "a status counted as other");
	free(s);
}

/* Was family declared with "# TYPE family type" (type NULL: any)? */
static int
typed_as(const char *typed, const char *family, size_t n, const char *type)
{
	char	 key[160];

	snprintf(key, sizeof(key), " %.*s=%s", (int)n, family,
	    type == NULL ? "" : type);
	return strstr(typed, key) != NULL;
}

/*
 * Every line is a comment (HELP or TYPE of a footfall_ family) or a
 * sample "name{labels} value" of a family whose TYPE came before, as the
 * text exposition format requires; a histogram's samples are its
 * family's name plus _bucket, _sum or _count; counters end in _total.
 */
Test(metrics, format)
{
	static const char *const suffix[] = { "_bucket", "_sum", "_count" };
	char		*s, *line, *save, name[128], type[32];
	char		 typed[4096] = " ";
	const char	*p;
	double		 v;
	char		*end;
	size_t		 n, k, i;
	int		 found;

	metrics_init();
	metrics_request(ROUTE_METRICS, 200, 0.01);
	cr_assert_not_null(s = metrics_render());
	cr_assert_eq(s[strlen(s) - 1], '\n', "ends in a newline");
	for (line = strtok_r(s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# HELP footfall_", 16) == 0)
			continue;
		if (sscanf(line, "# TYPE %127s %31s", name, type) == 2) {
			cr_assert(strcmp(type, "counter") == 0 ||
			    strcmp(type, "gauge") == 0 ||
			    strcmp(type, "histogram") == 0, "type in %s", line);
			n = strlen(name);
			if (strcmp(type, "counter") == 0)
				cr_assert(n > 6 && strcmp(name + n - 6,
				    "_total") == 0, "counter name %s", name);
			cr_assert(strncmp(name, "footfall_", 9) == 0);
			strcat(typed, name);
			strcat(typed, "=");
			strcat(typed, type);
			strcat(typed, " ");
			continue;
		}
		cr_assert_neq(line[0], '#', "unknown comment %s", line);
		n = strcspn(line, "{ ");
		found = typed_as(typed, line, n, NULL);
		for (i = 0; !found && i < NELEM(suffix); i++) {
			k = strlen(suffix[i]);
			found = n > k && strncmp(line + n - k, suffix[i],
			    k) == 0 && typed_as(typed, line, n - k,
			    "histogram ");
		}
		cr_assert(found, "TYPE declared before %s", line);
		p = line + n;
		if (*p == '{') {
			cr_assert_not_null(p = strchr(p, '}'), "labels in %s",
			    line);
			p++;
		}
		cr_assert_eq(*p, ' ', "space before the value in %s", line);
		v = strtod(p + 1, &end);
		cr_assert(end != p + 1 && *end == '\0' && v >= 0,
		    "value in %s", line);
	}
	free(s);
}

static void *
bump(void *arg)
{
	int	 i;

	(void)arg;
	for (i = 0; i < 100000; i++) {
		metrics_visit(i % 2 ? OUTCOME_NEW : OUTCOME_RETURNING);
		metrics_request(ROUTE_COUNT, 200, 0.001);
	}
	return NULL;
}

/* Counters are updated without a lock: none may be lost. */
Test(metrics, threads)
{
	pthread_t	 t[4];
	char		*s;
	size_t		 i;

	metrics_init();
	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(pthread_create(&t[i], NULL, bump, NULL), 0);
	for (i = 0; i < NELEM(t); i++)
		pthread_join(t[i], NULL);
	cr_assert_not_null(s = metrics_render());
	cr_assert(has_line(s, "footfall_visits_total 400000"), "%s", s);
	cr_assert(has_line(s, "footfall_unique_visitors_total 200000"));
	cr_assert(has_line(s, "footfall_requests_total{route=\"count\","
	    "status=\"200\"} 400000"));
	cr_assert(has_line(s, "footfall_request_duration_seconds_count{"
	    "route=\"count\"} 400000"));
	free(s);
}
