#include "config.h"

#include <criterion/criterion.h>

#include "footfall.h"

Test(route, methods)
{
	cr_expect_eq(route_method("GET"), METHOD_GET);
	cr_expect_eq(route_method("HEAD"), METHOD_HEAD);
	cr_expect_eq(route_method("POST"), METHOD_POST);
	cr_expect_eq(route_method("OPTIONS"), METHOD_OPTIONS);
	cr_expect_eq(route_method("get"), METHOD_OTHER);
	cr_expect_eq(route_method("DELETE"), METHOD_OTHER);
	cr_expect_eq(route_method("GETX"), METHOD_OTHER);
	cr_expect_eq(route_method(""), METHOD_OTHER);
	cr_expect_eq(route_method(NULL), METHOD_OTHER);
}

Test(route, paths)
{
	static const struct {
		const char	*path, *prefix;
		enum route	 want;
	} t[] = {
		{ "/count", "", ROUTE_COUNT },
		{ "/healthz", "", ROUTE_HEALTHZ },
		{ "/count/", "", ROUTE_NOTFOUND },
		{ "/COUNT", "", ROUTE_NOTFOUND },
		{ "/count%20", "", ROUTE_NOTFOUND },
		{ "/", "", ROUTE_NOTFOUND },
		{ "", "", ROUTE_NOTFOUND },
		{ "/api/count", "/api", ROUTE_COUNT },
		{ "/api/count", "/api/", ROUTE_COUNT },
		{ "/api/count", "", ROUTE_NOTFOUND },
		{ "/count", "/api", ROUTE_NOTFOUND },
		{ "/apicount", "/api", ROUTE_NOTFOUND },
		{ NULL, "", ROUTE_NOTFOUND },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		cr_expect_eq(route_path(t[i].path, t[i].prefix), t[i].want,
		    "%s under '%s'", t[i].path ? t[i].path : "(null)",
		    t[i].prefix);
}

Test(route, query)
{
	cr_expect(route_query_has("peek", "peek"));
	cr_expect(route_query_has("a=1&peek", "peek"));
	cr_expect(route_query_has("peek=1", "peek"));
	cr_expect(route_query_has("a=1;peek=", "peek"));
	cr_expect(!route_query_has("peeks", "peek"));
	cr_expect(!route_query_has("xpeek", "peek"));
	cr_expect(!route_query_has("a=peek", "peek"));
	cr_expect(!route_query_has("", "peek"));
	cr_expect(!route_query_has(NULL, "peek"));
}

Test(route, allows)
{
	cr_expect(route_allows(ROUTE_COUNT, METHOD_GET));
	cr_expect(route_allows(ROUTE_COUNT, METHOD_POST));
	cr_expect(route_allows(ROUTE_COUNT, METHOD_OPTIONS));
	cr_expect(!route_allows(ROUTE_COUNT, METHOD_OTHER));
	cr_expect(!route_allows(ROUTE_HEALTHZ, METHOD_POST));
	cr_expect(!route_allows(ROUTE_HEALTHZ, METHOD_OPTIONS));
	cr_expect_str_eq(route_allow_header(ROUTE_COUNT),
	    "GET, HEAD, POST, OPTIONS");
}
