#include "config.h"

#include <sys/socket.h>
#include <stddef.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct conf	 c;

static void
setup(void)
{
	const char	*errstr = NULL;

	cfg_init(&c);
	cr_assert_eq(cfg_parse_line(&c, "allow_origin = https://good.example",
	    &errstr), 0, "allow_origin: %s", errstr ? errstr : "");
}

static void
teardown(void)
{
	cfg_free(&c);
}

TestSuite(request, .init = setup, .fini = teardown);

Test(request, typical)
{
	char		*envp[] = { "REQUEST_METHOD=POST", "SCRIPT_NAME=/count",
			    "QUERY_STRING=a=1&peek", "REMOTE_ADDR=192.0.2.7",
			    "HTTP_ORIGIN=https://good.example", NULL };
	struct request	 r;

	req_parse(envp, &c, &r);
	cr_assert_eq(r.method, METHOD_POST);
	cr_assert_eq(r.route, ROUTE_COUNT);
	cr_assert_eq(r.peek, 1);
	cr_assert_eq(r.cors, CORS_ALLOW);
	cr_assert_str_eq(r.origin, "https://good.example");
	cr_assert_eq(r.has_addr, 1);
	cr_assert_eq(r.addr.family, AF_INET);
	cr_assert_arr_eq(r.addr.bytes, ((unsigned char []){ 192, 0, 2, 7 }),
	    4);
}

Test(request, table)
{
	static const struct {
		const char	*name;
		char		*envp[8];
		enum method	 method;
		enum route	 route;
		int		 peek;
		enum cors	 cors;
		int		 has_addr;
	} t[] = {
		{ "empty", { NULL },
		    METHOD_OTHER, ROUTE_NOTFOUND, 0, CORS_NONE, 0 },
		{ "lower-case method", { "REQUEST_METHOD=get",
		    "SCRIPT_NAME=/count", NULL },
		    METHOD_OTHER, ROUTE_COUNT, 0, CORS_NONE, 0 },
		{ "path_info wins", { "REQUEST_METHOD=GET",
		    "SCRIPT_NAME=/count", "PATH_INFO=/healthz", NULL },
		    METHOD_GET, ROUTE_HEALTHZ, 0, CORS_NONE, 0 },
		{ "empty path_info", { "REQUEST_METHOD=HEAD",
		    "SCRIPT_NAME=/healthz", "PATH_INFO=", NULL },
		    METHOD_HEAD, ROUTE_HEALTHZ, 0, CORS_NONE, 0 },
		{ "first occurrence wins", { "SCRIPT_NAME=/healthz",
		    "SCRIPT_NAME=/count", "REQUEST_METHOD=OPTIONS", NULL },
		    METHOD_OPTIONS, ROUTE_HEALTHZ, 0, CORS_NONE, 0 },
		{ "peek=1", { "SCRIPT_NAME=/count", "QUERY_STRING=peek=1",
		    NULL }, METHOD_OTHER, ROUTE_COUNT, 1, CORS_NONE, 0 },
		{ "peeks", { "SCRIPT_NAME=/count", "QUERY_STRING=peeks",
		    NULL }, METHOD_OTHER, ROUTE_COUNT, 0, CORS_NONE, 0 },
		{ "query with control byte", { "QUERY_STRING=peek\x01",
		    NULL }, METHOD_OTHER, ROUTE_NOTFOUND, 0, CORS_NONE, 0 },
		{ "prefix-like name", { "SCRIPT_NAME_X=/count",
		    "REMOTE_ADDRX=1.2.3.4", NULL },
		    METHOD_OTHER, ROUTE_NOTFOUND, 0, CORS_NONE, 0 },
		{ "duplicate origin", {
		    "HTTP_ORIGIN=https://good.example",
		    "HTTP_ORIGIN=https://good.example", NULL },
		    METHOD_OTHER, ROUTE_NOTFOUND, 0, CORS_DENY, 0 },
		{ "unlisted origin", { "HTTP_ORIGIN=https://evil.example",
		    NULL }, METHOD_OTHER, ROUTE_NOTFOUND, 0, CORS_DENY, 0 },
		{ "null origin", { "HTTP_ORIGIN=null", NULL },
		    METHOD_OTHER, ROUTE_NOTFOUND, 0, CORS_DENY, 0 },
		{ "empty origin", { "HTTP_ORIGIN=", NULL },
		    METHOD_OTHER, ROUTE_NOTFOUND, 0, CORS_DENY, 0 },
		{ "v6 addr", { "REMOTE_ADDR=2001:db8::1", NULL },
		    METHOD_OTHER, ROUTE_NOTFOUND, 0, CORS_NONE, 1 },
		{ "garbage addr", { "REMOTE_ADDR=1.2.3.4:80", NULL },
		    METHOD_OTHER, ROUTE_NOTFOUND, 0, CORS_NONE, 0 },
		{ "empty addr", { "REMOTE_ADDR=", NULL },
		    METHOD_OTHER, ROUTE_NOTFOUND, 0, CORS_NONE, 0 },
		{ "control byte path", { "REQUEST_METHOD=GET",
		    "SCRIPT_NAME=/count\x01", NULL },
		    METHOD_GET, ROUTE_NOTFOUND, 0, CORS_NONE, 0 },
		{ "0xff path", { "REQUEST_METHOD=GET",
		    "SCRIPT_NAME=/count\xff", NULL },
		    METHOD_GET, ROUTE_NOTFOUND, 0, CORS_NONE, 0 },
		{ "0xff path_info", { "REQUEST_METHOD=GET",
		    "PATH_INFO=/\xff" "count", NULL },
		    METHOD_GET, ROUTE_NOTFOUND, 0, CORS_NONE, 0 },
	};
	struct request	 r;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		req_parse(t[i].envp, &c, &r);
		cr_assert_eq(r.method, t[i].method, "method: %s", t[i].name);
		cr_assert_eq(r.route, t[i].route, "route: %s", t[i].name);
		cr_assert_eq(r.peek, t[i].peek, "peek: %s", t[i].name);
		cr_assert_eq(r.cors, t[i].cors, "cors: %s", t[i].name);
		cr_assert_eq(r.has_addr, t[i].has_addr, "addr: %s",
		    t[i].name);
		if (r.cors != CORS_ALLOW)
			cr_assert_str_empty(r.origin, "origin: %s", t[i].name);
	}
}

Test(request, prefix)
{
	char		*envp[] = { "REQUEST_METHOD=GET",
			    "SCRIPT_NAME=/api/count", NULL };
	char		*bare[] = { "SCRIPT_NAME=/count", NULL };
	const char	*errstr;
	struct request	 r;

	req_parse(envp, &c, &r);
	cr_assert_eq(r.route, ROUTE_NOTFOUND, "/api/count without prefix");
	cr_assert_eq(cfg_parse_line(&c, "prefix = /api", &errstr), 0);
	req_parse(envp, &c, &r);
	cr_assert_eq(r.route, ROUTE_COUNT, "/api/count with prefix /api");
	req_parse(bare, &c, &r);
	cr_assert_eq(r.route, ROUTE_NOTFOUND, "/count with prefix /api");
	req_parse(NULL, &c, &r);
	cr_assert_eq(r.route, ROUTE_NOTFOUND, "NULL envp");
}
