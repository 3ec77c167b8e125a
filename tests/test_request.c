#include "config.h"

#include <sys/socket.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

static struct conf	 c;

static void
setup(void)
{
	const char	*errstr;

	cfg_init(&c);
	cr_assert_eq(cfg_parse_line(&c, "allow_origin = https://good.example",
	    &errstr), 0);
}

static void
teardown(void)
{
	cfg_free(&c);
}

TestSuite(request, .init = setup, .fini = teardown);

Test(request, typical)
{
	char		*env[] = { "REQUEST_METHOD=GET", "SCRIPT_NAME=/count",
			    "QUERY_STRING=peek", "REMOTE_ADDR=192.0.2.7",
			    "HTTP_ORIGIN=https://good.example", NULL };
	struct request	 r;

	req_parse(env, &c, &r);
	cr_expect_eq(r.method, METHOD_GET);
	cr_expect_eq(r.route, ROUTE_COUNT);
	cr_expect(r.peek);
	cr_expect_eq(r.cors, CORS_ALLOW);
	cr_expect_str_eq(r.origin, "https://good.example");
	cr_expect(r.has_addr);
	cr_expect_eq(r.addr.family, AF_INET);
}

Test(request, path_info_wins)
{
	char		*env[] = { "REQUEST_METHOD=POST", "SCRIPT_NAME=/cgi",
			    "PATH_INFO=/healthz", NULL };
	char		*env2[] = { "SCRIPT_NAME=/count", "PATH_INFO=", NULL };
	struct request	 r;

	req_parse(env, &c, &r);
	cr_expect_eq(r.route, ROUTE_HEALTHZ);
	cr_expect_eq(r.method, METHOD_POST);
	req_parse(env2, &c, &r);
	cr_expect_eq(r.route, ROUTE_COUNT);
	cr_expect_eq(r.method, METHOD_OTHER, "no method is no method");
	cr_expect(!r.has_addr);
	cr_expect_eq(r.cors, CORS_NONE);
}

Test(request, hostile)
{
	char		*dup[] = { "SCRIPT_NAME=/count",
			    "HTTP_ORIGIN=https://good.example",
			    "HTTP_ORIGIN=https://good.example", NULL };
	char		*ctl[] = { "SCRIPT_NAME=/count\x01", NULL };
	char		*utf[] = { "SCRIPT_NAME=/count\xff", NULL };
	char		*addr[] = { "SCRIPT_NAME=/count", "REMOTE_ADDR=unix:",
			    "HTTP_X_FORWARDED_FOR=192.0.2.1", NULL };
	char		*first[] = { "REMOTE_ADDR=192.0.2.1",
			    "REMOTE_ADDR=192.0.2.2", "HTTP_ORIGINX=y", NULL };
	struct request	 r;

	req_parse(dup, &c, &r);
	cr_expect_eq(r.cors, CORS_DENY, "a repeated Origin was not refused");
	req_parse(ctl, &c, &r);
	cr_expect_eq(r.route, ROUTE_NOTFOUND);
	req_parse(utf, &c, &r);
	cr_expect_eq(r.route, ROUTE_NOTFOUND);
	req_parse(addr, &c, &r);
	cr_expect(!r.has_addr, "X-Forwarded-For was used");
	req_parse(first, &c, &r);
	cr_expect(r.has_addr);
	cr_expect_eq(r.addr.bytes[3], 1, "the first REMOTE_ADDR wins");
	cr_expect_eq(r.cors, CORS_NONE, "HTTP_ORIGINX is not Origin");
	req_parse(NULL, &c, &r);
	cr_expect_eq(r.route, ROUTE_NOTFOUND);
}
