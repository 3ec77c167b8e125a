#include "config.h"

#include <stddef.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

Test(cors, origin_good)
{
	static const char *const t[] = {
		"https://example.org", "http://127.0.0.1:8080",
		"https://[::1]:8443", "https://a-b.example.com",
		"http://localhost", "https://example.org:65535",
		"https://example.org:1",
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(cors_origin_valid(t[i]), 1, "accept \"%s\"",
		    t[i]);
}

Test(cors, origin_bad)
{
	static const char *const t[] = {
		"null", "*", "", "https://example.org/", "https://Example.org",
		"ftp://x", "https://", "https://example.org:0",
		"https://example.org:65536", "https://example.org:080",
		"https://user@example.org", "https://a..b",
		"https://example.org:", "https://exa mple.org",
		"https://.example.org", "https://example.org.",
		"https://example.org:8080/", "https://example.org:123456",
		"HTTPS://example.org", "https://example.org?x",
		"https://[::1", "https://[]",
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(cors_origin_valid(t[i]), 0, "reject \"%s\"",
		    t[i]);
	cr_assert_eq(cors_origin_valid(NULL), 0, "reject NULL");
}

Test(cors, decide)
{
	static char *allowed[] = {
		"https://example.org", "http://127.0.0.1:8080",
	};
	static const struct {
		const char	*value;
		size_t		 count;
		enum cors	 want;
	} t[] = {
		{ NULL, 0, CORS_NONE },
		{ "https://example.org", 0, CORS_NONE },
		{ "https://example.org", 1, CORS_ALLOW },
		{ "http://127.0.0.1:8080", 1, CORS_ALLOW },
		{ "https://example.org", 2, CORS_DENY },
		{ "https://evil.example", 1, CORS_DENY },
		{ "null", 1, CORS_DENY },
		{ "*", 1, CORS_DENY },
		{ "http://example.org", 1, CORS_DENY },
		{ "https://example.org:8443", 1, CORS_DENY },
		{ "http://127.0.0.1:8081", 1, CORS_DENY },
		{ "http://127.0.0.1", 1, CORS_DENY },
		{ "https://example.org/", 1, CORS_DENY },
		{ NULL, 1, CORS_DENY },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(cors_decide(t[i].value, t[i].count, allowed,
		    NELEM(allowed)), t[i].want, "decide \"%s\" x%zu",
		    t[i].value == NULL ? "(null)" : t[i].value, t[i].count);
	cr_assert_eq(cors_decide("https://example.org", 1, NULL, 0), CORS_DENY,
	    "empty allow list denies");
}
