/*
 * admin_authorize, admin_token_parse and admin_token_line: the
 * Authorization header of a request, and the token and hash an
 * administrator gives.  The whole input is each of them in turn.  The
 * stored hash is the fixed token's, so "Bearer k3Jd8-x_Qv~p+/Zt0aB9" is
 * the only way in; a token that --hash-token accepts must let itself in.
 */
#include "config.h"

#include <stdio.h>
#include <strings.h>

#include "footfall.h"
#include "fuzz.h"

#define TOKEN	"k3Jd8-x_Qv~p+/Zt0aB9"

/* Is s "Bearer", one or more spaces, then exactly tok? */
static int
fuzz_bearer(const char *s, const char *tok)
{
	if (strncasecmp(s, "Bearer ", 7) != 0)
		return 0;
	for (s += 7; *s == ' '; s++)
		continue;
	return strcmp(s, tok) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	 h[HASH_LEN], mine[HASH_LEN];
	char		*s, line[128], hdr[8 + ADMIN_TOKEN_MAX + 1];
	enum admin_auth	 a;

	s = fuzz_str(data, size);
	FUZZ_CHECK(hash_sha256(TOKEN, strlen(TOKEN), h) == 0);
	a = admin_authorize(h, s);
	FUZZ_CHECK(a >= 0 && a < ADMIN_AUTH__MAX);
	FUZZ_CHECK((admin_www_authenticate(a) == NULL) == (a == ADMIN_AUTH_OK));
	FUZZ_CHECK((a == ADMIN_AUTH_OK) == fuzz_bearer(s, TOKEN));
	if (a == ADMIN_AUTH_MISSING)
		FUZZ_CHECK(strncasecmp(s, "Bearer ", 7) != 0);

	if (admin_token_parse(s, mine) == 0)
		FUZZ_CHECK(strlen(s) == 7 + 2 * HASH_LEN &&
		    strncmp(s, "sha256:", 7) == 0);

	if (admin_token_line("admin_token", s, line, sizeof(line)) == 0) {
		FUZZ_CHECK(strlen(s) >= ADMIN_TOKEN_MIN &&
		    strlen(s) <= ADMIN_TOKEN_MAX);
		FUZZ_CHECK(strncmp(line, "admin_token = ", 14) == 0);
		FUZZ_CHECK(admin_token_parse(line + 14, mine) == 0);
		snprintf(hdr, sizeof(hdr), "Bearer %s", s);
		FUZZ_CHECK(admin_authorize(mine, hdr) == ADMIN_AUTH_OK);
	}
	free(s);
	return 0;
}
