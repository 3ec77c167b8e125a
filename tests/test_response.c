#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

static char *
render(const struct reply *r)
{
	char	*s, *z;
	size_t	 len;

	s = resp_render(r, &len);
	cr_assert_not_null(s);
	z = malloc(len + 1);
	memcpy(z, s, len);
	z[len] = '\0';
	free(s);
	return z;
}

Test(response, counts)
{
	struct reply	 r = { .status = 200, .kind = REPLY_COUNTS,
			    .counts = { 5, 3, 1 }, .no_store = 1,
			    .vary_origin = 1, .origin = "https://a.example" };
	const char	*body = "{\"count\":5,\"total_visits\":5,"
			    "\"unique_visitors\":3,\"is_new_visitor\":true}\n";
	char		*s, len[64];

	s = render(&r);
	cr_expect(strncmp(s, "Status: 200 OK\r\n", 16) == 0, "%s", s);
	cr_expect(strlen(s) > strlen(body) &&
	    strcmp(s + strlen(s) - strlen(body), body) == 0, "%s", s);
	snprintf(len, sizeof(len), "Content-Length: %zu\r\n", strlen(body));
	cr_expect(strstr(s, len) != NULL, "%s", s);
	cr_expect(strstr(s, "Cache-Control: no-store\r\n") != NULL);
	cr_expect(strstr(s, "Vary: Origin\r\n") != NULL);
	cr_expect(strstr(s, "Access-Control-Allow-Origin: https://a.example\r\n"));
	cr_expect(strstr(s, "Access-Control-Allow-Methods") == NULL,
	    "preflight headers on a simple answer");
	free(s);

	r.counts.is_new = -1;
	r.origin = NULL;
	s = render(&r);
	cr_expect(strstr(s, "is_new_visitor") == NULL);
	cr_expect(strstr(s, "Access-Control") == NULL);
	free(s);

	r.head = 1;
	s = render(&r);
	cr_expect(strstr(s, "Content-Type: application/json") != NULL);
	cr_expect(strcmp(s + strlen(s) - 4, "\r\n\r\n") == 0, "HEAD has a body");
	free(s);
}

Test(response, errors_are_valid_json)
{
	struct reply	 r = { .status = 503, .kind = REPLY_ERROR,
			    .error = "bad \x01 \"quote\" \xff" };
	char		*s;

	s = render(&r);
	cr_expect(strncmp(s, "Status: 503 Service Unavailable\r\n", 33) == 0);
	cr_expect(strchr(s, '\x01') == NULL, "a control byte went out raw");
	cr_expect(strstr(s, "\\u0001") != NULL, "%s", s);
	cr_expect(strstr(s, "\\\"quote\\\"") != NULL, "%s", s);
	free(s);
}

Test(response, preflight_and_allow)
{
	struct reply	 r = { .status = 204, .kind = REPLY_EMPTY,
			    .preflight = 1, .vary_origin = 1,
			    .origin = "https://a.example",
			    .allow = "GET, HEAD, POST, OPTIONS" };
	char		*s;

	s = render(&r);
	cr_expect(strstr(s, "Status: 204 No Content\r\n") != NULL);
	cr_expect(strstr(s, "Access-Control-Allow-Methods: GET, POST, OPTIONS\r\n"));
	cr_expect(strstr(s, "Access-Control-Allow-Headers: Content-Type\r\n"));
	cr_expect(strstr(s, "Access-Control-Max-Age: 7200\r\n"));
	cr_expect(strstr(s, "Allow: GET, HEAD, POST, OPTIONS\r\n"));
	cr_expect(strstr(s, "Content-Length") == NULL);
	free(s);

	r.origin = NULL;
	s = render(&r);
	cr_expect(strstr(s, "Access-Control") == NULL, "%s", s);
	free(s);
}
