#include "config.h"

#include <stddef.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

Test(route, method)
{
	static const struct {
		const char	*in;
		enum method	 want;
	} t[] = {
		{ "GET", METHOD_GET }, { "HEAD", METHOD_HEAD },
		{ "POST", METHOD_POST }, { "OPTIONS", METHOD_OPTIONS },
		{ "get", METHOD_OTHER }, { "Get", METHOD_OTHER },
		{ "DELETE", METHOD_OTHER }, { "OTHER", METHOD_OTHER },
		{ "GET ", METHOD_OTHER }, { "", METHOD_OTHER },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(route_method(t[i].in), t[i].want, "method \"%s\"",
		    t[i].in);
	cr_assert_eq(route_method(NULL), METHOD_OTHER, "method NULL");
}

Test(route, path)
{
	static const struct {
		const char	*path, *prefix;
		enum route	 want;
		const char	*name;
	} t[] = {
		{ "/count", "", ROUTE_COUNT, "default" },
		{ "/healthz", "", ROUTE_HEALTHZ, "" },
		{ "/metrics", "", ROUTE_METRICS, "" },
		{ "/metrics/", "", ROUTE_NOTFOUND, "" },
		{ "/api/metrics", "/api", ROUTE_METRICS, "" },
		{ "/count/", "", ROUTE_BADNAME, "" },
		{ "/COUNT", "", ROUTE_NOTFOUND, "" },
		{ "/count?x", "", ROUTE_NOTFOUND, "" },
		{ "/%63ount", "", ROUTE_NOTFOUND, "" },
		{ "count", "", ROUTE_NOTFOUND, "" },
		{ "", "", ROUTE_NOTFOUND, "" },
		{ "/", "", ROUTE_NOTFOUND, "" },
		{ "/api/count", "", ROUTE_NOTFOUND, "" },
		{ "/api/count", "/api", ROUTE_COUNT, "default" },
		{ "/api/healthz", "/api", ROUTE_HEALTHZ, "" },
		{ "/api/count", "/api/", ROUTE_COUNT, "default" },
		{ "/count", "/api", ROUTE_NOTFOUND, "" },
		{ "/apicount", "/api", ROUTE_NOTFOUND, "" },
		{ "/api/count/", "/api", ROUTE_BADNAME, "" },
		{ "/count", NULL, ROUTE_COUNT, "default" },
		/* Named counters. */
		{ "/count/home", "", ROUTE_COUNT, "home" },
		{ "/count/blog-post_1.v2", "", ROUTE_COUNT, "blog-post_1.v2" },
		{ "/api/count/x", "/api", ROUTE_COUNT, "x" },
		{ "/count/default", "", ROUTE_COUNT, "default" },
		{ "/count/a/b", "", ROUTE_BADNAME, "" },
		{ "/count/.hidden", "", ROUTE_BADNAME, "" },
		{ "/count/-x", "", ROUTE_BADNAME, "" },
		{ "/count/a%20b", "", ROUTE_BADNAME, "" },
		{ "/count/caf\xc3\xa9", "", ROUTE_BADNAME, "" },
		{ "/count/"
		    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
		    "", ROUTE_COUNT,
		    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl" },
		{ "/count/"
		    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm",
		    "", ROUTE_BADNAME, "" },
		{ "/counts", "", ROUTE_NOTFOUND, "" },
		{ "/stats", "", ROUTE_NOTFOUND, "" },
		{ "/stats/home", "", ROUTE_STATS, "home" },
		{ "/stats/", "", ROUTE_BADNAME, "" },
		{ "/badge/home.svg", "", ROUTE_BADGE, "home" },
		{ "/badge/home", "", ROUTE_BADNAME, "" },
		{ "/badge/.svg", "", ROUTE_BADNAME, "" },
		{ "/badge/a.b.svg", "", ROUTE_BADGE, "a.b" },
		{ "/pixel/home.gif", "", ROUTE_PIXEL, "home" },
		{ "/pixel/a.gif.gif", "", ROUTE_PIXEL, "a.gif" },
		{ "/pixel/home", "", ROUTE_BADNAME, "" },
		{ "/pixel/home.svg", "", ROUTE_BADNAME, "" },
		{ "/pixel/.gif", "", ROUTE_BADNAME, "" },
		{ "/pixel", "", ROUTE_NOTFOUND, "" },
		{ "/pixel.gif", "", ROUTE_NOTFOUND, "" },
		{ "/count/home.gif", "", ROUTE_COUNT, "home.gif" },
		{ "/api/pixel/home.gif", "/api", ROUTE_PIXEL, "home" },
		{ "/admin/counters", "", ROUTE_ADMIN_LIST, "" },
		{ "/admin/counters/", "", ROUTE_BADNAME, "" },
		{ "/admin/counters/home", "", ROUTE_ADMIN_COUNTER, "home" },
		{ "/admin/stats/home.csv", "", ROUTE_ADMIN_CSV, "home" },
		{ "/admin/stats/home", "", ROUTE_BADNAME, "" },
		{ "/admin/top/home", "", ROUTE_ADMIN_TOP, "home" },
		{ "/admin", "", ROUTE_NOTFOUND, "" },
		{ "/admin/other", "", ROUTE_NOTFOUND, "" },
	};
	char	 name[COUNTER_MAX + 1];
	size_t	 i;

	for (i = 0; i < NELEM(t); i++) {
		cr_assert_eq(route_path(t[i].path, t[i].prefix, name, NULL),
		    t[i].want, "path \"%s\" prefix \"%s\"", t[i].path,
		    t[i].prefix == NULL ? "(null)" : t[i].prefix);
		cr_assert_str_eq(name, t[i].name, "path \"%s\"", t[i].path);
	}
	cr_assert_eq(route_path(NULL, "", name, NULL), ROUTE_NOTFOUND,
	    "path NULL");
}

/* The route a bad name was meant for; any other path's is its route. */
Test(route, meant)
{
	static const struct {
		const char	*path;
		enum route	 want, meant;
	} t[] = {
		{ "/count/", ROUTE_BADNAME, ROUTE_COUNT },
		{ "/count/a/b", ROUTE_BADNAME, ROUTE_COUNT },
		{ "/stats/.x", ROUTE_BADNAME, ROUTE_STATS },
		{ "/badge/home", ROUTE_BADNAME, ROUTE_BADGE },
		{ "/badge/.svg", ROUTE_BADNAME, ROUTE_BADGE },
		{ "/badge/a b.svg", ROUTE_BADNAME, ROUTE_BADGE },
		{ "/admin/counters/", ROUTE_BADNAME, ROUTE_ADMIN_COUNTER },
		{ "/admin/stats/home", ROUTE_BADNAME, ROUTE_ADMIN_CSV },
		{ "/admin/top/-x", ROUTE_BADNAME, ROUTE_ADMIN_TOP },
		{ "/badge/home.svg", ROUTE_BADGE, ROUTE_BADGE },
		{ "/count", ROUTE_COUNT, ROUTE_COUNT },
		{ "/healthz", ROUTE_HEALTHZ, ROUTE_HEALTHZ },
		{ "/nosuch", ROUTE_NOTFOUND, ROUTE_NOTFOUND },
	};
	char		 name[COUNTER_MAX + 1];
	enum route	 meant;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		meant = ROUTE__MAX;
		cr_expect_eq(route_path(t[i].path, "", name, &meant), t[i].want,
		    "%s", t[i].path);
		cr_expect_eq(meant, t[i].meant, "%s: meant", t[i].path);
	}
	meant = ROUTE__MAX;
	cr_expect_eq(route_path(NULL, "", name, &meant), ROUTE_NOTFOUND);
	cr_expect_eq(meant, ROUTE_NOTFOUND, "path NULL: meant");
}

Test(route, counter_valid)
{
	static const struct {
		const char	*name;
		int		 want;
	} t[] = {
		{ "a", 1 }, { "Z9", 1 }, { "0", 1 }, { "a.b-c_d", 1 },
		{ "", 0 }, { ".a", 0 }, { "_a", 0 }, { "-a", 0 }, { "a b", 0 },
		{ "a/b", 0 }, { "a%2f", 0 }, { "a+b", 0 }, { "\xc3\xa9", 0 },
		{ "a\x01", 0 }, { "a~", 0 },
	};
	char	 long64[65], long65[66];
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(route_counter_valid(t[i].name, strlen(t[i].name)),
		    t[i].want, "name \"%s\"", t[i].name);
	memset(long64, 'x', 64);
	long64[64] = '\0';
	memset(long65, 'x', 65);
	long65[65] = '\0';
	cr_assert_eq(route_counter_valid(long64, 64), 1);
	cr_assert_eq(route_counter_valid(long65, 65), 0);
	cr_assert_eq(route_counter_valid(NULL, 0), 0);
	/* A length short of a NUL: only len bytes are the name. */
	cr_assert_eq(route_counter_valid("ab/", 2), 1);
}

Test(route, allows)
{
	static const struct {
		enum route	 r;
		enum method	 m;
		int		 want;
	} t[] = {
		{ ROUTE_COUNT, METHOD_GET, 1 },
		{ ROUTE_COUNT, METHOD_HEAD, 1 },
		{ ROUTE_COUNT, METHOD_POST, 1 },
		{ ROUTE_COUNT, METHOD_OPTIONS, 1 },
		{ ROUTE_COUNT, METHOD_OTHER, 0 },
		{ ROUTE_HEALTHZ, METHOD_GET, 1 },
		{ ROUTE_HEALTHZ, METHOD_HEAD, 1 },
		{ ROUTE_HEALTHZ, METHOD_POST, 0 },
		{ ROUTE_HEALTHZ, METHOD_OPTIONS, 0 },
		{ ROUTE_HEALTHZ, METHOD_OTHER, 0 },
		{ ROUTE_NOTFOUND, METHOD_OTHER, 0 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(route_allows(t[i].r, t[i].m), t[i].want,
		    "%s on %s", route_method_name(t[i].m),
		    route_name(t[i].r));
	/* DELETE parses to OTHER, which no route allows. */
	cr_assert_eq(route_allows(ROUTE_COUNT, route_method("DELETE")), 0,
	    "DELETE on count");
	cr_assert_str_eq(route_allow_header(ROUTE_COUNT),
	    "GET, HEAD, POST, OPTIONS");
	cr_assert_str_eq(route_allow_header(ROUTE_HEALTHZ), "GET, HEAD");
}
