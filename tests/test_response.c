#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Render r; return the output NUL-terminated, its body in *body. */
static char *
render(const struct reply *r, size_t *len, const char **body)
{
	char	*out, *s, *sep;

	out = resp_render(r, len);
	cr_assert_not_null(out, "resp_render");
	cr_assert_not_null(s = malloc(*len + 1));
	memcpy(s, out, *len);
	s[*len] = '\0';
	free(out);
	cr_assert_eq(strlen(s), *len, "no NUL byte in output");
	cr_assert_not_null(sep = strstr(s, "\r\n\r\n"), "header end in %s", s);
	*body = sep + 4;
	return s;
}

/* The value of header name (with ": "), or -1 if absent. */
static long
header_num(const char *s, const char *name)
{
	const char	*p;

	if ((p = strstr(s, name)) == NULL)
		return -1;
	return strtol(p + strlen(name), NULL, 10);
}

Test(response, counts)
{
	static const struct {
		enum outcome	 o;
		const char	*want;
	} t[] = {
		{ OUTCOME_NEW, "{\"count\":5,\"total_visits\":5,"
		    "\"unique_visitors\":3,\"is_new_visitor\":true}\n" },
		{ OUTCOME_RETURNING, "{\"count\":5,\"total_visits\":5,"
		    "\"unique_visitors\":3,\"is_new_visitor\":false}\n" },
		/* dnt = count, and dnt = skip */
		{ OUTCOME_UNTRACKED, "{\"count\":5,\"total_visits\":5,"
		    "\"unique_visitors\":3,\"is_new_visitor\":false,"
		    "\"tracked\":false}\n" },
		{ OUTCOME_SKIPPED, "{\"count\":5,\"total_visits\":5,"
		    "\"unique_visitors\":3,\"is_new_visitor\":false,"
		    "\"tracked\":false,\"counted\":false}\n" },
		/* a read: no visit, so nothing about one */
		{ OUTCOME_NONE, "{\"count\":5,\"total_visits\":5,"
		    "\"unique_visitors\":3}\n" },
		/* a bot: not a visitor who asked not to be tracked */
		{ OUTCOME_BOT, "{\"count\":5,\"total_visits\":5,"
		    "\"unique_visitors\":3,\"is_new_visitor\":false,"
		    "\"counted\":false,\"bot\":true}\n" },
		/* the owner's address, and a repeat: neither counted */
		{ OUTCOME_IGNORED, "{\"count\":5,\"total_visits\":5,"
		    "\"unique_visitors\":3,\"is_new_visitor\":false,"
		    "\"counted\":false}\n" },
		{ OUTCOME_REPEAT, "{\"count\":5,\"total_visits\":5,"
		    "\"unique_visitors\":3,\"is_new_visitor\":false,"
		    "\"counted\":false}\n" },
	};
	struct reply	 r;
	const char	*body;
	char		*s;
	size_t		 i, len;

	for (i = 0; i < NELEM(t); i++) {
		memset(&r, 0, sizeof(r));
		r.status = 200;
		r.kind = REPLY_COUNTS;
		r.counts.total = 5;
		r.counts.uniques = 3;
		r.outcome = t[i].o;
		s = render(&r, &len, &body);
		cr_assert(strncmp(s, "Status: 200 OK\r\n", 16) == 0,
		    "status line, outcome %d: %s", t[i].o, s);
		cr_assert_str_eq(body, t[i].want, "body, outcome %d", t[i].o);
		cr_assert(strstr(s, "Content-Type: application/json\r\n"),
		    "content type, outcome %d", t[i].o);
		cr_assert_eq(header_num(s, "\r\nContent-Length: "),
		    (long)strlen(body), "length, outcome %d", t[i].o);
		cr_assert_null(strstr(s, "Access-Control"),
		    "no origin, no CORS, outcome %d", t[i].o);
		free(s);
	}
}

/*
 * The page member: its numbers, null when the visit counted for no
 * page, the path escaped whatever bytes it holds, and a path longer
 * than the room first made for the answer.
 */
Test(response, counts_page)
{
	static const struct {
		const char	*path;
		int		 found;
		const char	*want;
	} t[] = {
		{ "/cv", 1, ",\"page\":{\"path\":\"/cv\",\"visits\":7,"
		    "\"unique_visitors\":2}}\n" },
		{ "/cv", 0, ",\"page\":null}\n" },
		{ "/a\"b\\c\x01\n", 1, ",\"page\":{\"path\":"
		    "\"/a\\\"b\\\\c\\u0001\\n\",\"visits\":7,"
		    "\"unique_visitors\":2}}\n" },
	};
	static const char nums[] = "{\"count\":9223372036854775807,"
	    "\"total_visits\":9223372036854775807,\"unique_visitors\":3,"
	    "\"is_new_visitor\":false";
	struct reply	 r;
	const char	*body, *p;
	char		*s, path[1001];
	size_t		 i, len;

	for (i = 0; i < NELEM(t); i++) {
		memset(&r, 0, sizeof(r));
		r.status = 200;
		r.kind = REPLY_COUNTS;
		r.outcome = OUTCOME_RETURNING;
		r.counts.total = 9223372036854775807LL;
		r.counts.uniques = 3;
		r.counts.page_found = t[i].found;
		r.counts.page_total = 7;
		r.counts.page_uniques = 2;
		r.page = t[i].path;
		s = render(&r, &len, &body);
		cr_assert(strncmp(body, nums, strlen(nums)) == 0,
		    "numbers, case %zu: %s", i, body);
		cr_assert_str_eq(body + strlen(nums), t[i].want,
		    "page, case %zu", i);
		cr_assert_eq(header_num(s, "\r\nContent-Length: "),
		    (long)strlen(body), "length, case %zu", i);
		free(s);
	}
	memset(path, 'x', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	r.page = path;
	r.counts.page_found = 1;
	s = render(&r, &len, &body);
	cr_assert_not_null(p = strstr(body, path), "the long path whole");
	cr_assert_str_eq(p + strlen(path), "\",\"visits\":7,"
	    "\"unique_visitors\":2}}\n");
	cr_assert_eq(header_num(s, "\r\nContent-Length: "),
	    (long)strlen(body), "the long path's length");
	free(s);
}

Test(response, error_escapes)
{
	static const char *const t[] = {
		"bad\x01" "byte", "bad \xff utf-8", "quote \" and \\",
		"nl\r\nInjected: 1",
	};
	struct reply	 r;
	const char	*body;
	char		*s;
	size_t		 i, len;

	for (i = 0; i < NELEM(t); i++) {
		memset(&r, 0, sizeof(r));
		r.status = 400;
		r.kind = REPLY_ERROR;
		r.error = t[i];
		s = render(&r, &len, &body);
		cr_assert(strncmp(s, "Status: 400 Bad Request\r\n", 25) == 0,
		    "status for error %zu", i);
		cr_assert(strncmp(body, "{\"error\":\"", 10) == 0,
		    "body of error %zu: %s", i, body);
		cr_assert_null(memchr(s, 0x01, len), "raw 0x01, error %zu", i);
		cr_assert_null(strstr(s, "\nInjected"), "header injection, "
		    "error %zu", i);
		cr_assert_eq(header_num(s, "\r\nContent-Length: "),
		    (long)strlen(body), "length, error %zu", i);
		free(s);
	}
}

Test(response, head_keeps_headers)
{
	struct reply	 r;
	const char	*body;
	char		*s;
	size_t		 len;

	memset(&r, 0, sizeof(r));
	r.status = 200;
	r.kind = REPLY_HEALTH;
	r.head = 1;
	r.no_store = 1;
	s = render(&r, &len, &body);
	cr_assert_str_empty(body, "HEAD has no body");
	cr_assert(strstr(s, "Content-Type: application/json\r\n"));
	cr_assert_eq(header_num(s, "\r\nContent-Length: "),
	    (long)strlen("{\"status\":\"ok\"}\n"), "GET's length");
	cr_assert(strstr(s, "Cache-Control: no-store\r\n"));
	free(s);
}

Test(response, preflight)
{
	static const char *const want[] = {
		"Status: 204 No Content\r\n",
		"Access-Control-Allow-Origin: https://good.example\r\n",
		"Access-Control-Allow-Methods: ",
		"Access-Control-Allow-Headers: ",
		"Access-Control-Max-Age: ",
		"Vary: Origin\r\n",
	};
	struct reply	 r;
	const char	*body;
	char		*s;
	size_t		 i, len;

	memset(&r, 0, sizeof(r));
	r.status = 204;
	r.kind = REPLY_EMPTY;
	r.origin = "https://good.example";
	r.vary_origin = 1;
	r.preflight = 1;
	s = render(&r, &len, &body);
	for (i = 0; i < NELEM(want); i++)
		cr_assert_not_null(strstr(s, want[i]), "\"%s\" in %s", want[i],
		    s);
	cr_assert_str_empty(body);
	cr_assert_null(strstr(s, "Content-Length"), "no body, no length");
	cr_assert_not_null(strstr(s, "Access-Control-Allow-Headers: "
	    "Content-Type\r\n"), "the default: %s", s);
	free(s);

	/* /stats names Authorization, for a private counter's token. */
	r.allow_headers = "Content-Type, Authorization";
	s = render(&r, &len, &body);
	cr_assert_not_null(strstr(s, "Access-Control-Allow-Headers: "
	    "Content-Type, Authorization\r\n"), "%s", s);
	free(s);
	r.allow_headers = NULL;

	r.origin = NULL;
	s = render(&r, &len, &body);
	cr_assert_null(strstr(s, "Access-Control"), "no origin: %s", s);
	free(s);
}

Test(response, allow_header)
{
	struct reply	 r;
	const char	*body;
	char		*s;
	size_t		 len;

	memset(&r, 0, sizeof(r));
	r.status = 405;
	r.kind = REPLY_ERROR;
	r.error = "method not allowed";
	r.allow = "GET, HEAD";
	s = render(&r, &len, &body);
	cr_assert(strncmp(s, "Status: 405 Method Not Allowed\r\n", 32) == 0);
	cr_assert_not_null(strstr(s, "\r\nAllow: GET, HEAD\r\n"), "%s", s);
	cr_assert_str_eq(body, "{\"error\":\"method not allowed\"}\n");
	free(s);

	r.allow = NULL;
	s = render(&r, &len, &body);
	cr_assert_null(strstr(s, "Allow: "), "no allow: %s", s);
	free(s);
}

/* POST /admin/import's answers: the sums, or the lines of err. */
Test(response, import_json)
{
	struct import	 im;
	char		*s;

	memset(&im, 0, sizeof(im));
	im.status = IMPORT_OK;
	im.n = 5;
	im.page_days = 2;
	im.visits = 110;
	im.uniques = 49;
	s = resp_import_json(&im);
	cr_assert_str_eq(s, "{\"imported\":3,\"visits\":110,"
	    "\"unique_visitors\":49,\"page_days\":2}\n");
	free(s);

	memset(&im, 0, sizeof(im));
	im.status = IMPORT_BAD;
	history_report(&im.err, 3, "a count is \"bad\"");
	history_report(&im.err, 12, "more unique visitors than visits");
	im.err.count = 25;	/* 23 more than told */
	s = resp_import_json(&im);
	cr_assert_str_eq(s, "{\"error\":\"bad lines: nothing imported\","
	    "\"lines\":[{\"line\":3,\"error\":\"a count is \\\"bad\\\"\"},"
	    "{\"line\":12,\"error\":\"more unique visitors than visits\"}],"
	    "\"bad_lines\":25}\n");
	free(s);

	memset(&im, 0, sizeof(im));
	im.status = IMPORT_CONFLICT;
	history_report(&im.err, 2, "counter blog on 2025-03-01");
	s = resp_import_json(&im);
	cr_assert_str_eq(s, "{\"error\":\"these days already hold numbers: "
	    "nothing imported\",\"lines\":[{\"line\":2,\"error\":\"counter "
	    "blog on 2025-03-01\"}],\"bad_lines\":1}\n");
	free(s);
}

/*
 * The export: each counter with its days and pages, a page's totals
 * from its row without a date, its days without bots; a counter with
 * no rows has empty lists, and rows of a name not listed are skipped.
 */
Test(response, export_json)
{
	static const struct counter_info	 c[] = {
		{ "a", 12, 5, 1, 100 },
		{ "b", 0, 0, 0, 200 },
	};
	static const struct history_row		 r[] = {
		{ "a", "2026-01-01", 12, 5, 1, 0, NULL },
		{ "a", "", 9, 4, 0, 0, "/" },
		{ "a", "2026-01-01", 2, 1, 0, 0, "/" },
		{ "a", "2026-01-02", 7, 3, 0, 0, "/" },
		{ "a", "2026-01-01", 1, 1, 0, 0, "/x" },
		{ "ab", "2026-01-01", 1, 1, 0, 0, NULL },
	};
	char					*s;

	s = resp_export_json(c, 2, r, 6);
	cr_assert_str_eq(s, "{\"counters\":[{\"name\":\"a\","
	    "\"total_visits\":12,\"unique_visitors\":5,\"bots\":1,"
	    "\"created\":\"1970-01-01T00:01:40Z\",\"days\":[{\"date\":\"2026-01-01\","
	    "\"visits\":12,\"unique_visitors\":5,\"bots\":1}],"
	    "\"pages\":[{\"path\":\"/\",\"total_visits\":9,"
	    "\"unique_visitors\":4,\"days\":[{\"date\":\"2026-01-01\","
	    "\"visits\":2,\"unique_visitors\":1},{\"date\":\"2026-01-02\","
	    "\"visits\":7,\"unique_visitors\":3}]},{\"path\":\"/x\","
	    "\"total_visits\":0,\"unique_visitors\":0,\"days\":["
	    "{\"date\":\"2026-01-01\",\"visits\":1,\"unique_visitors\":1}"
	    "]}]},{\"name\":\"b\",\"total_visits\":0,\"unique_visitors\":0,"
	    "\"bots\":0,\"created\":\"1970-01-01T00:03:20Z\",\"days\":[],"
	    "\"pages\":[]}]}\n");
	free(s);
}
