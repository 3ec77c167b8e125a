#include "config.h"

#include <stddef.h>

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
	} t[] = {
		{ "/count", "", ROUTE_COUNT },
		{ "/healthz", "", ROUTE_HEALTHZ },
		{ "/metrics", "", ROUTE_METRICS },
		{ "/metrics/", "", ROUTE_NOTFOUND },
		{ "/api/metrics", "/api", ROUTE_METRICS },
		{ "/count/", "", ROUTE_NOTFOUND },
		{ "/COUNT", "", ROUTE_NOTFOUND },
		{ "/count?x", "", ROUTE_NOTFOUND },
		{ "/%63ount", "", ROUTE_NOTFOUND },
		{ "count", "", ROUTE_NOTFOUND },
		{ "", "", ROUTE_NOTFOUND },
		{ "/", "", ROUTE_NOTFOUND },
		{ "/api/count", "", ROUTE_NOTFOUND },
		{ "/api/count", "/api", ROUTE_COUNT },
		{ "/api/healthz", "/api", ROUTE_HEALTHZ },
		{ "/api/count", "/api/", ROUTE_COUNT },
		{ "/count", "/api", ROUTE_NOTFOUND },
		{ "/apicount", "/api", ROUTE_NOTFOUND },
		{ "/api/count/", "/api", ROUTE_NOTFOUND },
		{ "/count", NULL, ROUTE_COUNT },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(route_path(t[i].path, t[i].prefix), t[i].want,
		    "path \"%s\" prefix \"%s\"", t[i].path,
		    t[i].prefix == NULL ? "(null)" : t[i].prefix);
	cr_assert_eq(route_path(NULL, ""), ROUTE_NOTFOUND, "path NULL");
}

Test(route, query_has)
{
	static const struct {
		const char	*q;
		int		 want;
	} t[] = {
		{ "peek", 1 }, { "a=1&peek", 1 }, { "peek=1", 1 },
		{ "a=1;peek=", 1 }, { "peek&a=1", 1 }, { "&peek", 1 },
		{ "peeks", 0 }, { "xpeek", 0 }, { "a=peek", 0 },
		{ "pee", 0 }, { "", 0 }, { "PEEK", 0 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(route_query_has(t[i].q, "peek"), t[i].want,
		    "query \"%s\"", t[i].q);
	cr_assert_eq(route_query_has(NULL, "peek"), 0, "query NULL");
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
