/*
 * The admin API's pure parts: the configured token hash, the bearer
 * token check, the token generator behind footfall --hash-token, and
 * the CSV export.  The hashing itself is in hash.c (OpenSSL stays there).
 *
 * Only SHA-256(token) is ever stored (conf "admin_token = sha256:HEX"),
 * so a leaked configuration file does not let anyone in, and a request's
 * token is compared by hashing it and comparing the two digests in
 * constant time: the time taken depends neither on where the presented
 * token differs from the right one nor on the right one's length.  No
 * function here logs or keeps a presented token.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "footfall.h"

#define ADMIN_HASH_PREFIX	"sha256:"

static const char *const admin_challenge[ADMIN_AUTH__MAX] = {
	NULL,
	/*
	 * RFC 6750 3.1: when the request carried no bearer token the
	 * challenge has no error code, so that a client that simply did
	 * not try learns nothing it could misread as an answer.
	 */
	"Bearer realm=\"footfall\"",
	"Bearer realm=\"footfall\", error=\"invalid_token\"",
};

/*
 * RFC 7230 3.2.6 tchar: what an auth-scheme is made of.  Used only to
 * tell the scheme "Bearer" from a longer one such as "Bearerx".
 */
static int
admin_tchar(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/*
 * RFC 7235 2.1 (RFC 6750 2.1 b64token): token68 = 1*( ALPHA / DIGIT /
 * "-" / "." / "_" / "~" / "+" / "/" ) *"=".  1 if the len bytes at s
 * are one, else 0.
 */
static int
admin_token68(const char *s, size_t len)
{
	size_t	 i, pad = len;
	char	 c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '=') {
			if (pad == len)
				pad = i;
			continue;
		}
		if (pad != len)		/* a character after the padding */
			return 0;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '+' || c == '/'))
			return 0;
	}
	return pad > 0;		/* at least one character before any '=' */
}

/*
 * The configuration value "sha256:" and exactly 64 hex digits (either
 * case) into out.  Returns 0, or -1 leaving out untouched.
 */
int
admin_token_parse(const char *confval, unsigned char out[HASH_LEN])
{
	if (confval == NULL || strncmp(confval, ADMIN_HASH_PREFIX,
	    sizeof(ADMIN_HASH_PREFIX) - 1) != 0)
		return -1;
	return hex_decode(confval + sizeof(ADMIN_HASH_PREFIX) - 1, out,
	    HASH_LEN);
}

/*
 * Check an Authorization header value (NULL if the request had none)
 * against the stored SHA-256 of the admin token.  RFC 7235 2.1:
 * credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ], the
 * scheme case-insensitive; RFC 6750 2.1 puts the token in token68 form.
 * Another scheme (Basic, or garbage without a scheme) is MISSING: the
 * client did not present a bearer token.  A Bearer header that is
 * malformed, longer than ADMIN_TOKEN_MAX, or carries the wrong token is
 * INVALID.  Nothing is copied or kept.
 */
enum admin_auth
admin_authorize(const unsigned char stored[HASH_LEN],
    const char *authorization)
{
	static const char	 scheme[] = "Bearer";
	unsigned char		 digest[HASH_LEN];
	const char		*tok;
	size_t			 len;

	if (authorization == NULL ||
	    strncasecmp(authorization, scheme, sizeof(scheme) - 1) != 0 ||
	    admin_tchar(authorization[sizeof(scheme) - 1]))
		return ADMIN_AUTH_MISSING;
	tok = authorization + sizeof(scheme) - 1;
	if (*tok != ' ')		/* "Bearer" alone, or a tab */
		return ADMIN_AUTH_INVALID;
	while (*tok == ' ')
		tok++;
	/*
	 * The length is bounded before it is hashed; it is the client's
	 * own, so the time it takes tells the client nothing new.
	 */
	len = strnlen(tok, ADMIN_TOKEN_MAX + 1);
	if (len > ADMIN_TOKEN_MAX || !admin_token68(tok, len))
		return ADMIN_AUTH_INVALID;
	/* If OpenSSL cannot allocate, refuse: never fail open. */
	if (hash_sha256(tok, len, digest) == -1)
		return ADMIN_AUTH_INVALID;
	return hash_equal(digest, stored, HASH_LEN) ? ADMIN_AUTH_OK :
	    ADMIN_AUTH_INVALID;
}

/*
 * The WWW-Authenticate value for a 401 (RFC 6750 3), or NULL for
 * ADMIN_AUTH_OK.  Static strings.
 */
const char *
admin_www_authenticate(enum admin_auth a)
{
	if ((unsigned int)a >= ADMIN_AUTH__MAX)
		return NULL;
	return admin_challenge[a];
}

/* RFC 4648 5 base64url of len bytes into out, without padding, NUL ended. */
static void
admin_b64url(const unsigned char *in, size_t len, char *out)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned long		 v;
	size_t			 i, j, n;

	for (i = 0; i < len; i += 3) {
		n = len - i < 3 ? len - i : 3;
		v = 0;
		for (j = 0; j < 3; j++)
			v = v << 8 | (j < n ? in[i + j] : 0);
		for (j = 0; j <= n; j++)
			*out++ = abc[(v >> (18 - 6 * j)) & 0x3f];
	}
	*out = '\0';
}

/*
 * A new random token: ADMIN_TOKEN_NEW base64url characters, 256 bits
 * from the CSPRNG, so that nobody has to invent one.  Returns 0, or -1
 * if bufsz is too small or there is no randomness.
 */
int
admin_token_new(char *buf, size_t bufsz)
{
	unsigned char	 raw[32];
	int		 rc = -1;

	if (bufsz < ADMIN_TOKEN_NEW + 1)
		return -1;
	if (hash_random(raw, sizeof(raw)) == -1)
		goto out;
	admin_b64url(raw, sizeof(raw), buf);
	rc = 0;
out:
	hash_wipe(raw, sizeof(raw));
	return rc;
}

/*
 * The configuration line "KEY = sha256:HEX" for token, into buf: key is
 * admin_token or read_token, whose hashes are alike.
 * The token must be one a request can present (token68, at most
 * ADMIN_TOKEN_MAX bytes) and at least ADMIN_TOKEN_MIN bytes: shorter
 * ones can be guessed, and the stored hash would not protect them.
 * Returns 0, or -1 for a refused token or a buffer too small.
 */
int
admin_token_line(const char *key, const char *token, char *buf, size_t bufsz)
{
	unsigned char	 digest[HASH_LEN];
	char		 hex[2 * HASH_LEN + 1];
	size_t		 len, i;

	len = strnlen(token, ADMIN_TOKEN_MAX + 1);
	if (len < ADMIN_TOKEN_MIN || len > ADMIN_TOKEN_MAX ||
	    !admin_token68(token, len) ||
	    hash_sha256(token, len, digest) == -1)
		return -1;
	for (i = 0; i < HASH_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	i = (size_t)snprintf(buf, bufsz, "%s = %s%s", key, ADMIN_HASH_PREFIX,
	    hex);
	return i < bufsz ? 0 : -1;
}

#define CSV_HEADER	"date,visits,unique_visitors,bots\r\n"
/* A line: the date, three numbers of at most 20 characters, 3 commas, CRLF. */
#define CSV_LINE_MAX	(10 + 3 * 20 + 3 + 2)

/*
 * The CSV export (RFC 4180: CRLF line ends, a header line), one line
 * per day in the order given.  The fields are dates and numbers, which
 * need no quoting.  Returns a NUL-terminated buffer the caller frees,
 * its length in *len, or NULL when out of memory.
 */
char *
admin_csv(const struct day_stat *days, size_t n, size_t *len)
{
	char	*buf;
	size_t	 size, off, i;
	int	 w;

	if (n > (SIZE_MAX - sizeof(CSV_HEADER)) / CSV_LINE_MAX)
		return NULL;
	size = sizeof(CSV_HEADER) + n * CSV_LINE_MAX;
	if ((buf = malloc(size)) == NULL)
		return NULL;
	memcpy(buf, CSV_HEADER, sizeof(CSV_HEADER));
	off = sizeof(CSV_HEADER) - 1;
	for (i = 0; i < n; i++) {
		/* %.10s: the date field cannot run past its array. */
		w = snprintf(buf + off, size - off, "%.10s,%lld,%lld,%lld\r\n",
		    days[i].date, days[i].visits, days[i].uniques,
		    days[i].bots);
		if (w < 0 || (size_t)w >= size - off)
			goto fail;
		off += (size_t)w;
	}
	*len = off;
	return buf;
fail:
	free(buf);
	return NULL;
}
