#include "config.h"

#include <sys/socket.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

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
	cr_assert_eq(r.keys, REQ_KEY(KEY_PEEK));
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
		{ "utf-8 counter name", { "REQUEST_METHOD=GET",
		    "SCRIPT_NAME=/count/caf\xc3\xa9", NULL },
		    METHOD_GET, ROUTE_BADNAME, 0, CORS_NONE, 0 },
		{ "space in a counter name", { "REQUEST_METHOD=GET",
		    "SCRIPT_NAME=/stats/a b", NULL },
		    METHOD_GET, ROUTE_BADNAME, 0, CORS_NONE, 0 },
		{ "control byte after a name", { "REQUEST_METHOD=GET",
		    "SCRIPT_NAME=/badge/a\x01.svg", NULL },
		    METHOD_GET, ROUTE_BADNAME, 0, CORS_NONE, 0 },
		{ "0xff after a route", { "REQUEST_METHOD=GET",
		    "SCRIPT_NAME=/healthz\xff", NULL },
		    METHOD_GET, ROUTE_NOTFOUND, 0, CORS_NONE, 0 },
	};
	struct request	 r;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		req_parse(t[i].envp, &c, &r);
		cr_assert_eq(r.method, t[i].method, "method: %s", t[i].name);
		cr_assert_eq(r.route, t[i].route, "route: %s", t[i].name);
		cr_assert_eq((r.keys & REQ_KEY(KEY_PEEK)) != 0, t[i].peek,
		    "peek: %s", t[i].name);
		cr_assert_eq(r.cors, t[i].cors, "cors: %s", t[i].name);
		cr_assert_eq(r.has_addr, t[i].has_addr, "addr: %s",
		    t[i].name);
		if (r.cors != CORS_ALLOW)
			cr_assert_str_empty(r.origin, "origin: %s", t[i].name);
		if (r.route == ROUTE_BADNAME || r.route == ROUTE_NOTFOUND)
			cr_assert_str_empty(r.counter, "counter: %s", t[i].name);
	}
}

/*
 * Arrays, not pointers: Criterion may run a parameterized test in a new
 * process image, where the parent's pointers mean nothing.
 */
struct query_case {
	char		 q[128];
	unsigned int	 keys, bad;	/* REQ_KEY bits */
	char		 want[128];	/* the typed fields, as query_fields */
};

#define K(k)	REQ_KEY(KEY_ ## k)
#define DEF	"30|visits|#007ec6|0|0|0||"	/* every default */

ParameterizedTestParameters(request, query)
{
	static struct query_case t[] = {
		{ "", 0, 0, DEF },
		{ "a=1&x", 0, 0, DEF },
		{ "xdays=3&peeks", 0, 0, DEF },
		/* Flags: present or not, whatever the value. */
		{ "peek", K(PEEK), 0, DEF },
		{ "a=1;peek=%zz&reset", K(PEEK) | K(RESET), 0, DEF },
		/* The first occurrence counts; ';' separates too. */
		{ "days=7", K(DAYS), 0, "7|visits|#007ec6|0|0|0||" },
		{ "a=1&days=7&days=9", K(DAYS), 0, "7|visits|#007ec6|0|0|0||" },
		{ "a=1;days=366", K(DAYS), 0, "366|visits|#007ec6|0|0|0||" },
		{ "days=x&days=7", K(DAYS), K(DAYS), DEF },
		{ "days", K(DAYS), K(DAYS), DEF },
		{ "days=", K(DAYS), K(DAYS), DEF },
		{ "days=0", K(DAYS), K(DAYS), DEF },
		{ "days=367", K(DAYS), K(DAYS), DEF },
		{ "days=-1", K(DAYS), K(DAYS), DEF },
		{ "days=%37", K(DAYS), 0, "7|visits|#007ec6|0|0|0||" },
		/* Percent-decoding, '+' a space; a bad escape or a NUL. */
		{ "label=my+visits", K(LABEL), 0,
		    "30|my visits|#007ec6|0|0|0||" },
		{ "label=a%2Bb%26c", K(LABEL), 0, "30|a+b&c|#007ec6|0|0|0||" },
		{ "label=%C3%A9", K(LABEL), 0, "30|\xc3\xa9|#007ec6|0|0|0||" },
		{ "label=%e2%80%94", K(LABEL), 0,
		    "30|\xe2\x80\x94|#007ec6|0|0|0||" },
		{ "label=%", K(LABEL), K(LABEL), DEF },
		{ "label=%4", K(LABEL), K(LABEL), DEF },
		{ "label=%4g", K(LABEL), K(LABEL), DEF },
		{ "label=%00", K(LABEL), K(LABEL), DEF },
		{ "label=%4&days=2", K(LABEL) | K(DAYS), K(LABEL),
		    "2|visits|#007ec6|0|0|0||" },
		{ "label=", K(LABEL), K(LABEL), DEF },
		{ "label=%C3", K(LABEL), K(LABEL), DEF },
		{ "label=0123456789012345678901234567890123456789012345678901"
		    "234567890123", K(LABEL), 0, "30|0123456789012345678901"
		    "234567890123456789012345678901234567890123|#007ec6|0|0|0||" },
		{ "label=0123456789012345678901234567890123456789012345678901"
		    "2345678901234", K(LABEL), K(LABEL), DEF },
		/* A badge's colour and number. */
		{ "color=red", K(COLOR), 0, "30|visits|#e05d44|0|0|0||" },
		{ "color=ABC", K(COLOR), 0, "30|visits|#abc|0|0|0||" },
		{ "color=12345", K(COLOR), K(COLOR), DEF },
		{ "color=%23fff", K(COLOR), K(COLOR), DEF },
		{ "color=aaaaaaaaaaaaaaaaaaaa", K(COLOR), K(COLOR), DEF },
		{ "value=unique", K(VALUE), 0, "30|visits|#007ec6|1|0|0||" },
		{ "value=total", K(VALUE), 0, DEF },
		{ "value=uniques", K(VALUE), K(VALUE), DEF },
		{ "value=", K(VALUE), K(VALUE), DEF },
		/* The admin API's numbers: 0 to 2^53. */
		{ "total_visits=12&unique_visitors=3", K(TOTAL) | K(UNIQUE), 0,
		    "30|visits|#007ec6|0|12|3||" },
		{ "total_visits=9007199254740992", K(TOTAL), 0,
		    "30|visits|#007ec6|0|9007199254740992|0||" },
		{ "total_visits=0", K(TOTAL), 0, DEF },
		{ "total_visits=9007199254740993", K(TOTAL), K(TOTAL), DEF },
		{ "total_visits=99999999999999999999999", K(TOTAL), K(TOTAL),
		    DEF },
		{ "total_visits=-1", K(TOTAL), K(TOTAL), DEF },
		{ "total_visits=+1", K(TOTAL), K(TOTAL), DEF },
		{ "total_visits=1e3", K(TOTAL), K(TOTAL), DEF },
		{ "total_visits=", K(TOTAL), K(TOTAL), DEF },
		{ "unique_visitors=0x1", K(UNIQUE), K(UNIQUE), DEF },
		/* The visit log's page and referrer. */
		{ "path=%2Fblog%2F%3Fq&ref=https%3A%2F%2FExample.org%3A8%2Fx",
		    K(PATH) | K(REF), 0, "30|visits|#007ec6|0|0|0|/blog/|"
		    "example.org" },
		{ "path=blog&ref=ftp%3A%2F%2Fexample.org", K(PATH) | K(REF),
		    K(PATH) | K(REF), DEF },
	};

	return cr_make_param_array(struct query_case, t, NELEM(t));
}

/* A request's typed query fields as one line. */
static void
query_fields(const struct request *r, char *buf, size_t sz)
{
	snprintf(buf, sz, "%u|%s|%s|%d|%lld|%lld|%s|%s", r->days, r->label,
	    r->color, r->unique, r->visits, r->uniques, r->path, r->ref);
}

ParameterizedTest(struct query_case *t, request, query)
{
	char		 q[REQ_QUERY_MAX + 16], got[1024];
	char		*envp[] = { "REQUEST_METHOD=GET", "SCRIPT_NAME=/count",
			    q, NULL };
	struct request	 r;

	snprintf(q, sizeof(q), "QUERY_STRING=%s", t->q);
	req_parse(envp, &c, &r);
	query_fields(&r, got, sizeof(got));
	cr_expect_eq(r.keys, t->keys, "\"%s\": keys %#x, want %#x", t->q,
	    r.keys, t->keys);
	cr_expect_eq(r.bad, t->bad, "\"%s\": bad %#x, want %#x", t->q,
	    r.bad, t->bad);
	cr_expect_str_eq(got, t->want, "\"%s\": %s, want %s", t->q, got,
	    t->want);
}

/*
 * A badge's style and abbreviation, with badge_abbrev off and on: the
 * query's word wins, a bad one leaves the default and sets its bit.
 */
Test(request, badge_style_abbrev)
{
	static const struct {
		const char	*q;
		int		 conf;		/* badge_abbrev */
		enum badge_style style;
		int		 abbrev;
		unsigned int	 bad;
	} t[] = {
		{ "", 0, BADGE_FLAT, 0, 0 },
		{ "", 1, BADGE_FLAT, 1, 0 },
		{ "style=flat", 0, BADGE_FLAT, 0, 0 },
		{ "style=flat-square", 0, BADGE_FLAT_SQUARE, 0, 0 },
		{ "style=plastic", 0, BADGE_PLASTIC, 0, 0 },
		{ "style=for-the-badge", 0, BADGE_FOR_THE_BADGE, 0, 0 },
		{ "style=social", 0, BADGE_SOCIAL, 0, 0 },
		{ "style=Social", 0, BADGE_FLAT, 0, REQ_KEY(KEY_STYLE) },
		{ "style=", 0, BADGE_FLAT, 0, REQ_KEY(KEY_STYLE) },
		{ "style", 0, BADGE_FLAT, 0, REQ_KEY(KEY_STYLE) },
		{ "style=flat%2Dsquare", 0, BADGE_FLAT_SQUARE, 0, 0 },
		{ "style=flat+square", 0, BADGE_FLAT, 0, REQ_KEY(KEY_STYLE) },
		{ "style=popout", 0, BADGE_FLAT, 0, REQ_KEY(KEY_STYLE) },
		{ "style=plastic&style=social", 0, BADGE_PLASTIC, 0, 0 },
		{ "abbrev", 0, BADGE_FLAT, 1, 0 },
		{ "abbrev=", 0, BADGE_FLAT, 1, 0 },
		{ "abbrev=on", 0, BADGE_FLAT, 1, 0 },
		{ "abbrev=off", 0, BADGE_FLAT, 0, 0 },
		{ "abbrev=off", 1, BADGE_FLAT, 0, 0 },
		{ "abbrev=on", 1, BADGE_FLAT, 1, 0 },
		{ "abbrev=yes", 0, BADGE_FLAT, 0, REQ_KEY(KEY_ABBREV) },
		{ "abbrev=1", 1, BADGE_FLAT, 1, REQ_KEY(KEY_ABBREV) },
		{ "abbrev=ON", 0, BADGE_FLAT, 0, REQ_KEY(KEY_ABBREV) },
		{ "style=social&abbrev", 0, BADGE_SOCIAL, 1, 0 },
	};
	char		 q[200];
	char		*envp[] = { "REQUEST_METHOD=GET",
			    "SCRIPT_NAME=/badge/a.svg", q, NULL };
	struct request	 r;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		c.badge_abbrev = t[i].conf;
		snprintf(q, sizeof(q), "QUERY_STRING=%s", t[i].q);
		req_parse(envp, &c, &r);
		cr_expect_eq(r.style, t[i].style, "\"%s\": style %d",
		    t[i].q, r.style);
		cr_expect_eq(r.abbrev, t[i].abbrev, "\"%s\" (%d): abbrev %d",
		    t[i].q, t[i].conf, r.abbrev);
		cr_expect_eq(r.bad, t[i].bad, "\"%s\": bad %#x", t[i].q,
		    r.bad);
	}
	c.badge_abbrev = 0;
}

/*
 * automation = bot makes ?automated a bot; require_origin = on makes a
 * request read only unless it has a listed Origin or says it is
 * same-origin; HEAD and ?peek are read only whatever the settings.
 */
Test(request, automation_origin)
{
	static const struct {
		int		 automation, require;
		const char	*method, *query, *origin, *site;
		int		 bot, read_only, from_site;
	} t[] = {
		{ 0, 0, "GET", "", NULL, NULL, 0, 0, 0 },
		{ 0, 0, "GET", "automated", NULL, NULL, 0, 0, 0 },
		{ 1, 0, "GET", "automated", NULL, NULL, 1, 0, 0 },
		{ 1, 0, "GET", "automated=1", NULL, NULL, 1, 0, 0 },
		{ 1, 0, "GET", "path=%2F&automated", NULL, NULL, 1, 0, 0 },
		{ 1, 0, "GET", "", NULL, NULL, 0, 0, 0 },
		{ 1, 0, "GET", "automatedx", NULL, NULL, 0, 0, 0 },
		{ 0, 0, "HEAD", "", NULL, NULL, 0, 1, 0 },
		{ 0, 0, "GET", "peek", NULL, NULL, 0, 1, 0 },
		{ 0, 1, "GET", "", NULL, NULL, 0, 1, 0 },
		{ 0, 1, "POST", "", NULL, NULL, 0, 1, 0 },
		{ 0, 1, "GET", "", "https://good.example", NULL, 0, 0, 1 },
		{ 0, 1, "POST", "", "https://good.example", NULL, 0, 0, 1 },
		{ 0, 1, "GET", "", "https://bad.example", NULL, 0, 1, 0 },
		{ 0, 1, "GET", "", "null", NULL, 0, 1, 0 },
		{ 0, 1, "GET", "", NULL, "same-origin", 0, 0, 1 },
		{ 0, 1, "GET", "", NULL, "same-site", 0, 1, 0 },
		{ 0, 1, "GET", "", NULL, "cross-site", 0, 1, 0 },
		{ 0, 1, "GET", "", NULL, "none", 0, 1, 0 },
		{ 0, 1, "GET", "", NULL, "Same-Origin", 0, 1, 0 },
		{ 0, 1, "GET", "", NULL, "same-origin ", 0, 1, 0 },
		{ 0, 1, "GET", "peek", "https://good.example", NULL, 0, 1, 1 },
		{ 0, 1, "HEAD", "", "https://good.example", NULL, 0, 1, 1 },
		{ 1, 1, "GET", "automated", "https://good.example", NULL,
		    1, 0, 1 },
	};
	char		 m[40], q[100], o[100], f[100];
	char		*envp[6];
	struct request	 r;
	size_t		 i, n;

	for (i = 0; i < NELEM(t); i++) {
		c.automation_bot = t[i].automation;
		c.require_origin = t[i].require;
		n = 0;
		snprintf(m, sizeof(m), "REQUEST_METHOD=%s", t[i].method);
		envp[n++] = m;
		envp[n++] = "SCRIPT_NAME=/count";
		snprintf(q, sizeof(q), "QUERY_STRING=%s", t[i].query);
		envp[n++] = q;
		if (t[i].origin != NULL) {
			snprintf(o, sizeof(o), "HTTP_ORIGIN=%s", t[i].origin);
			envp[n++] = o;
		}
		if (t[i].site != NULL) {
			snprintf(f, sizeof(f), "HTTP_SEC_FETCH_SITE=%s",
			    t[i].site);
			envp[n++] = f;
		}
		envp[n] = NULL;
		req_parse(envp, &c, &r);
		cr_expect_eq(r.bot, t[i].bot, "row %zu: bot %d", i, r.bot);
		cr_expect_eq(r.read_only, t[i].read_only, "row %zu: read_only "
		    "%d", i, r.read_only);
		cr_expect_eq(r.from_site, t[i].from_site, "row %zu: from_site "
		    "%d", i, r.from_site);
	}
	c.automation_bot = c.require_origin = 0;
}

/*
 * A page is only the path the query names (footfall(8), Pages); the
 * Referer's path is the visit log's alone.
 */
Test(request, page)
{
	static const struct {
		const char	*query, *referer;
		int		 page;
		const char	*path;
	} t[] = {
		{ "path=%2Fa", NULL, 1, "/a" },
		{ "path=%2Fa%3Fb%3Dc", NULL, 1, "/a" },
		{ "path=%2Fa%23top", NULL, 1, "/a" },
		{ "path=%2Fcaf%25C3%25A9", NULL, 1, "/caf%C3%A9" },
		{ "path=a", NULL, 0, "" },
		{ "path=", NULL, 0, "" },
		{ "path=%2Fcaf%C3%A9", NULL, 0, "" },
		{ "path=%2Fa%00b", NULL, 0, "" },
		{ "", "https://blog.example/post/1?x", 0, "/post/1" },
		{ "path=a", "https://blog.example/post/1", 0, "/post/1" },
		{ "path=%2Fq", "https://blog.example/post/1", 1, "/q" },
	};
	char		 q[100], ref[100];
	char		*envp[5];
	struct request	 r;
	size_t		 i, n;

	for (i = 0; i < NELEM(t); i++) {
		n = 0;
		envp[n++] = "REQUEST_METHOD=GET";
		envp[n++] = "SCRIPT_NAME=/count";
		snprintf(q, sizeof(q), "QUERY_STRING=%s", t[i].query);
		envp[n++] = q;
		if (t[i].referer != NULL) {
			snprintf(ref, sizeof(ref), "HTTP_REFERER=%s",
			    t[i].referer);
			envp[n++] = ref;
		}
		envp[n] = NULL;
		req_parse(envp, &c, &r);
		cr_expect_eq(r.page, t[i].page, "row %zu: page %d", i, r.page);
		cr_expect_str_eq(r.path, t[i].path, "row %zu: path %s", i,
		    r.path);
	}
}

/* A query that is not printable ASCII is not looked at at all. */
Test(request, query_unprintable)
{
	char		*envp[] = { "SCRIPT_NAME=/count",
			    "QUERY_STRING=days=x&label=\x01", NULL };
	struct request	 r;

	req_parse(envp, &c, &r);
	cr_assert_eq(r.keys, 0);
	cr_assert_eq(r.bad, 0);
	cr_assert_eq(r.days, REQ_DAYS);
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

/* "Do not track": DNT (a 1, perhaps an extension) or Sec-GPC (exactly 1). */
Test(request, dnt)
{
	static const struct {
		const char	*dnt, *gpc;
		int		 want;
	} t[] = {
		{ NULL, NULL, 0 },
		{ "1", NULL, 1 },
		{ "0", NULL, 0 },
		{ "1ext", NULL, 1 },		/* an extension */
		{ "1!#+-[]~", NULL, 1 },
		{ "1 ", NULL, 0 },		/* not an extension character */
		{ "1,2", NULL, 0 },
		{ "1\"", NULL, 0 },
		{ "1\\", NULL, 0 },
		{ "1\xff", NULL, 0 },
		{ "", NULL, 0 },
		{ "yes", NULL, 0 },
		{ "01", NULL, 0 },
		{ NULL, "1", 1 },
		{ NULL, "0", 0 },
		{ NULL, "1 ", 0 },
		{ NULL, "true", 0 },
		{ NULL, "", 0 },
		{ "0", "1", 1 },
		{ "1", "0", 1 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_expect_eq(req_dnt(t[i].dnt, t[i].gpc), t[i].want,
		    "DNT %s, Sec-GPC %s", t[i].dnt ? t[i].dnt : "(none)",
		    t[i].gpc ? t[i].gpc : "(none)");
}

/* The headers reach req_parse's result; the agent only when asked for. */
Test(request, dnt_and_agent)
{
	char		*envp[] = { "REQUEST_METHOD=GET", "SCRIPT_NAME=/count",
			    "REMOTE_ADDR=192.0.2.7", "HTTP_DNT=1",
			    "HTTP_USER_AGENT=curl/7.88", NULL };
	char		*gpc[] = { "REQUEST_METHOD=GET", "SCRIPT_NAME=/count",
			    "HTTP_SEC_GPC=1", "HTTP_SEC_GPC=0", NULL };
	struct request	 r;
	const char	*errstr;
	char		 longagent[AGENT_MAX + 64];
	char		*lenvp[] = { "SCRIPT_NAME=/count", longagent, NULL };

	req_parse(envp, &c, &r);
	cr_expect_eq(r.dnt, 1);
	cr_expect_eq(r.agentlen, 0, "identity = address: no agent kept");
	cr_assert_eq(cfg_parse_line(&c, "identity = address+agent", &errstr),
	    0);
	req_parse(envp, &c, &r);
	cr_expect_eq(r.agentlen, 9);
	cr_expect(memcmp(r.agent, "curl/7.88", 9) == 0);
	req_parse(gpc, &c, &r);
	cr_expect_eq(r.dnt, 1, "the first Sec-GPC wins");
	memset(longagent, 'a', sizeof(longagent) - 1);
	longagent[sizeof(longagent) - 1] = '\0';
	memcpy(longagent, "HTTP_USER_AGENT=", 16);
	req_parse(lenvp, &c, &r);
	cr_expect_eq(r.agentlen, AGENT_MAX, "cut at AGENT_MAX");
}

/* CONTENT_LENGTH: digits alone, bounded however many there are. */
Test(request, content_length)
{
	static const struct {
		const char	*in;
		long long	 max, want;
	} t[] = {
		{ NULL, 100, REQ_LENGTH_NONE },
		{ "", 100, REQ_LENGTH_NONE },	/* nginx's for no body */
		{ "0", 100, 0 },
		{ "100", 100, 100 },
		{ "0100", 100, 100 },
		{ "101", 100, REQ_LENGTH_BIG },
		{ "99999999999999999999999999", 100, REQ_LENGTH_BIG },
		{ "16777216", REQ_BODY_MAX, REQ_BODY_MAX },
		{ "16777217", REQ_BODY_MAX, REQ_LENGTH_BIG },
		{ "-1", 100, REQ_LENGTH_BAD },
		{ "+1", 100, REQ_LENGTH_BAD },
		{ " 1", 100, REQ_LENGTH_BAD },
		{ "1 ", 100, REQ_LENGTH_BAD },
		{ "1e3", 100, REQ_LENGTH_BAD },
		{ "0x10", 100, REQ_LENGTH_BAD },
		{ "999999999999999999999x", 100, REQ_LENGTH_BAD },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_expect_eq(req_content_length(t[i].in, t[i].max), t[i].want,
		    "\"%s\": %lld", t[i].in ? t[i].in : "(null)",
		    req_content_length(t[i].in, t[i].max));
}

/* CONTENT_TYPE: text/csv, any case, with or without parameters. */
Test(request, is_csv)
{
	static const struct {
		const char	*in;
		int		 want;
	} t[] = {
		{ "text/csv", 1 },
		{ "TEXT/CSV", 1 },
		{ "text/csv; charset=utf-8", 1 },
		{ "text/csv;header=present", 1 },
		{ "text/csv ; charset=utf-8", 1 },
		{ NULL, 0 },
		{ "", 0 },
		{ "text/cs", 0 },
		{ "text/csvx", 0 },
		{ "text/csv2", 0 },
		{ "text/plain", 0 },
		{ "application/x-www-form-urlencoded", 0 },
		{ " text/csv", 0 },
		{ "text\x0f" "csv", 0 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_expect_eq(req_is_csv(t[i].in), t[i].want, "\"%s\"",
		    t[i].in ? t[i].in : "(null)");
}
