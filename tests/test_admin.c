#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The tokens the tables use and their SHA-256, computed once with
 * printf %s TOKEN | sha256sum so that the tests do not check hash.c
 * against itself.
 */
#define TOKEN		"k3Jd8-x_Qv~p+/Zt0aB9"
#define TOKEN_HASH	"06e9f366fd36359e7236d2a12d6ee9f2" \
			"cd06a29b9eea71841e283c306a01a4aa"
#define PADDED		"k3Jd8-x_Qv~p+/Zt0aB9=="
#define PADDED_HASH	"bb31a95e8a0d22e603ea522156b5f64c" \
			"c75061f5f286bd8c62f5fb2e8b45c0d7"
#define HORSE		"correct-horse-battery-staple"
#define HORSE_HASH	"87cbebfeebc05f7c54ac9336c4b4bbec" \
			"831227a641951a4bde7edd56020f8590"

static void
stored(const char *hex, unsigned char out[HASH_LEN])
{
	char	 conf[128];

	snprintf(conf, sizeof(conf), "sha256:%s", hex);
	cr_assert_eq(admin_token_parse(conf, out), 0, "parse %s", conf);
}

Test(admin, token_parse)
{
	static const struct {
		const char	*in;
		int		 want;
	} t[] = {
		{ "sha256:" TOKEN_HASH, 0 },
		{ "sha256:06E9F366FD36359E7236D2A12D6EE9F2"
		    "CD06A29B9EEA71841E283C306A01A4AA", 0 },
		{ "sha256:06E9f366fd36359e7236d2a12d6ee9f2"
		    "cd06a29b9eea71841e283c306a01a4aA", 0 },
		/* 63 and 65 digits */
		{ "sha256:06e9f366fd36359e7236d2a12d6ee9f2"
		    "cd06a29b9eea71841e283c306a01a4a", -1 },
		{ "sha256:06e9f366fd36359e7236d2a12d6ee9f2"
		    "cd06a29b9eea71841e283c306a01a4aa0", -1 },
		{ TOKEN_HASH, -1 },
		{ "sha256" TOKEN_HASH, -1 },
		{ "SHA256:" TOKEN_HASH, -1 },
		{ "sha512:" TOKEN_HASH, -1 },
		{ "sha256: " TOKEN_HASH, -1 },
		{ " sha256:" TOKEN_HASH, -1 },
		{ "sha256:" TOKEN_HASH " ", -1 },
		{ "sha256:" TOKEN_HASH "\n", -1 },
		{ "sha256:g6e9f366fd36359e7236d2a12d6ee9f2"
		    "cd06a29b9eea71841e283c306a01a4aa", -1 },
		{ "sha256:06e9f366fd36359e7236d2a12d6ee9f2"
		    "cd06a29b9eea71841e283c306a01a4az", -1 },
		{ "sha256:0x e9f366fd36359e7236d2a12d6ee9f2"
		    "cd06a29b9eea71841e283c306a01a4aa", -1 },
		{ "sha256:", -1 },
		{ "", -1 },
	};
	static const unsigned char want[HASH_LEN] = {
		0x06, 0xe9, 0xf3, 0x66, 0xfd, 0x36, 0x35, 0x9e,
		0x72, 0x36, 0xd2, 0xa1, 0x2d, 0x6e, 0xe9, 0xf2,
		0xcd, 0x06, 0xa2, 0x9b, 0x9e, 0xea, 0x71, 0x84,
		0x1e, 0x28, 0x3c, 0x30, 0x6a, 0x01, 0xa4, 0xaa,
	};
	unsigned char	 out[HASH_LEN], untouched[HASH_LEN];
	size_t		 i;

	memset(untouched, 0x5a, sizeof(untouched));
	for (i = 0; i < NELEM(t); i++) {
		memcpy(out, untouched, sizeof(out));
		cr_assert_eq(admin_token_parse(t[i].in, out), t[i].want,
		    "parse \"%s\"", t[i].in);
		if (t[i].want == 0)
			cr_assert_arr_eq(out, want, HASH_LEN, "bytes of \"%s\"",
			    t[i].in);
		else
			cr_assert_arr_eq(out, untouched, HASH_LEN,
			    "\"%s\" leaves out untouched", t[i].in);
	}
	cr_assert_eq(admin_token_parse(NULL, out), -1, "parse NULL");
}

Test(admin, authorize)
{
	static const struct {
		const char	*hash;		/* the stored token's */
		const char	*header;
		enum admin_auth	 want;
	} t[] = {
		{ TOKEN_HASH, "Bearer " TOKEN, ADMIN_AUTH_OK },
		{ TOKEN_HASH, "bearer " TOKEN, ADMIN_AUTH_OK },
		{ TOKEN_HASH, "BEARER " TOKEN, ADMIN_AUTH_OK },
		{ TOKEN_HASH, "Bearer    " TOKEN, ADMIN_AUTH_OK },
		{ PADDED_HASH, "Bearer " PADDED, ADMIN_AUTH_OK },
		/* wrong tokens, well formed */
		{ TOKEN_HASH, "Bearer k3Jd8-x_Qv~p+/Zt0aB8", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer " TOKEN "x", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer k3Jd8-x_Qv~p+/Zt0aB", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer " TOKEN "=", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer " PADDED, ADMIN_AUTH_INVALID },
		{ PADDED_HASH, "Bearer " TOKEN, ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer " HORSE, ADMIN_AUTH_INVALID },
		/* every byte of the digest is compared: first and last */
		{ "16e9f366fd36359e7236d2a12d6ee9f2"
		    "cd06a29b9eea71841e283c306a01a4aa", "Bearer " TOKEN,
		    ADMIN_AUTH_INVALID },
		{ "06e9f366fd36359e7236d2a12d6ee9f2"
		    "cd06a29b9eea71841e283c306a01a4ab", "Bearer " TOKEN,
		    ADMIN_AUTH_INVALID },
		/* a bearer header, malformed */
		{ TOKEN_HASH, "Bearer", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer ", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer    ", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer\t" TOKEN, ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer " TOKEN " ", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer k3Jd8-x_Qv ~p+/Zt0aB9", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer " TOKEN " " TOKEN, ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer ==", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer " PADDED "x", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer k3Jd8=-x_Qv~p+/Zt0aB9", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer " TOKEN ",realm=x", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer token=\"" TOKEN "\"", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer " TOKEN "\xc3\xa9", ADMIN_AUTH_INVALID },
		{ TOKEN_HASH, "Bearer " TOKEN "\r\n", ADMIN_AUTH_INVALID },
		/* no bearer token presented: RFC 6750 3.1, no error code */
		{ TOKEN_HASH, "", ADMIN_AUTH_MISSING },
		{ TOKEN_HASH, "Basic dXNlcjpwYXNz", ADMIN_AUTH_MISSING },
		{ TOKEN_HASH, "Basic " TOKEN, ADMIN_AUTH_MISSING },
		{ TOKEN_HASH, "Bearerx " TOKEN, ADMIN_AUTH_MISSING },
		{ TOKEN_HASH, "Bear " TOKEN, ADMIN_AUTH_MISSING },
		{ TOKEN_HASH, " Bearer " TOKEN, ADMIN_AUTH_MISSING },
		{ TOKEN_HASH, TOKEN, ADMIN_AUTH_MISSING },
	};
	unsigned char	 h[HASH_LEN];
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		stored(t[i].hash, h);
		cr_assert_eq(admin_authorize(h, t[i].header), t[i].want,
		    "\"%s\" against %.8s...", t[i].header, t[i].hash);
	}
	stored(TOKEN_HASH, h);
	cr_assert_eq(admin_authorize(h, NULL), ADMIN_AUTH_MISSING, "NULL");
}

/*
 * The length bound: a token of ADMIN_TOKEN_MAX bytes is accepted when
 * it is the right one; one byte more, or 300, is refused even when the
 * stored hash is that very token's.
 */
Test(admin, authorize_length)
{
	static const size_t	 lens[] = { ADMIN_TOKEN_MAX, ADMIN_TOKEN_MAX + 1,
	    300 };
	unsigned char		 h[HASH_LEN];
	char			 hdr[8 + 300 + 1];
	size_t			 i;

	for (i = 0; i < NELEM(lens); i++) {
		memcpy(hdr, "Bearer ", 7);
		memset(hdr + 7, 'a', lens[i]);
		hdr[7 + lens[i]] = '\0';
		cr_assert_eq(hash_sha256(hdr + 7, lens[i], h), 0);
		cr_assert_eq(admin_authorize(h, hdr), lens[i] <= ADMIN_TOKEN_MAX ?
		    ADMIN_AUTH_OK : ADMIN_AUTH_INVALID, "%zu bytes", lens[i]);
	}
}

Test(admin, www_authenticate)
{
	cr_assert_str_eq(admin_www_authenticate(ADMIN_AUTH_MISSING),
	    "Bearer realm=\"footfall\"");
	cr_assert_str_eq(admin_www_authenticate(ADMIN_AUTH_INVALID),
	    "Bearer realm=\"footfall\", error=\"invalid_token\"");
	cr_assert_null(admin_www_authenticate(ADMIN_AUTH_OK));
	cr_assert_null(admin_www_authenticate(ADMIN_AUTH__MAX));
}

/* The admin_token line, as footfall -T makes it. */
static int
admin_line(const char *token, char *buf, size_t bufsz)
{
	return admin_token_line("admin_token", token, buf, bufsz);
}

Test(admin, token_line)
{
	char	 buf[128], tok[ADMIN_TOKEN_MAX + 2];

	cr_assert_eq(admin_line(HORSE, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "admin_token = sha256:" HORSE_HASH);
	cr_assert_eq(admin_line(PADDED, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "admin_token = sha256:" PADDED_HASH);
	/* The line is 85 bytes: a buffer of 85 is too small, 86 is enough. */
	cr_assert_eq(admin_line(HORSE, buf, 85), -1, "85 bytes");
	cr_assert_eq(admin_line(HORSE, buf, 86), 0, "86 bytes");
	cr_assert_str_eq(buf, "admin_token = sha256:" HORSE_HASH);
	/* The read token's line: the same hash under its own key. */
	cr_assert_eq(admin_token_line("read_token", HORSE, buf, sizeof(buf)),
	    0);
	cr_assert_str_eq(buf, "read_token = sha256:" HORSE_HASH);

	/* Length: ADMIN_TOKEN_MIN to ADMIN_TOKEN_MAX bytes. */
	memset(tok, 'a', sizeof(tok));
	tok[ADMIN_TOKEN_MIN - 1] = '\0';
	cr_assert_eq(admin_line(tok, buf, sizeof(buf)), -1,
	    "%d bytes is weak", ADMIN_TOKEN_MIN - 1);
	tok[ADMIN_TOKEN_MIN - 1] = 'a';
	tok[ADMIN_TOKEN_MIN] = '\0';
	cr_assert_eq(admin_line(tok, buf, sizeof(buf)), 0,
	    "%d bytes", ADMIN_TOKEN_MIN);
	memset(tok, 'a', sizeof(tok));
	tok[ADMIN_TOKEN_MAX] = '\0';
	cr_assert_eq(admin_line(tok, buf, sizeof(buf)), 0,
	    "%d bytes", ADMIN_TOKEN_MAX);
	tok[ADMIN_TOKEN_MAX] = 'a';
	tok[ADMIN_TOKEN_MAX + 1] = '\0';
	cr_assert_eq(admin_line(tok, buf, sizeof(buf)), -1,
	    "%d bytes is more than a request may present",
	    ADMIN_TOKEN_MAX + 1);

	/* Tokens a request could not present in token68 form. */
	cr_assert_eq(admin_line("", buf, sizeof(buf)), -1, "empty");
	cr_assert_eq(admin_line("secret", buf, sizeof(buf)), -1,
	    "short");
	cr_assert_eq(admin_line("correct horse battery", buf,
	    sizeof(buf)), -1, "a space");
	cr_assert_eq(admin_line("correct-horse-battery\n", buf,
	    sizeof(buf)), -1, "a newline");
	cr_assert_eq(admin_line("correct-horse=battery", buf,
	    sizeof(buf)), -1, "'=' inside");
	cr_assert_eq(admin_line("correct-horse-b\xc3\xa4ttery", buf,
	    sizeof(buf)), -1, "non-ASCII");
	cr_assert_eq(admin_line("================", buf,
	    sizeof(buf)), -1, "padding only");
}

Test(admin, token_new)
{
	char		 a[ADMIN_TOKEN_NEW + 1], b[ADMIN_TOKEN_NEW + 1];
	char		 line[128];
	unsigned char	 h[HASH_LEN];
	char		 hdr[8 + ADMIN_TOKEN_NEW + 1];

	cr_assert_eq(admin_token_new(a, sizeof(a) - 1), -1, "buffer of 43");
	cr_assert_eq(admin_token_new(a, sizeof(a)), 0);
	cr_assert_eq(admin_token_new(b, sizeof(b)), 0);
	cr_assert_eq(strlen(a), ADMIN_TOKEN_NEW);
	cr_assert_eq(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_"), ADMIN_TOKEN_NEW, "base64url: %s", a);
	/*
	 * 32 bytes are 256 bits: the 43rd character carries the last 4
	 * bits and 2 zero bits, so its index in the alphabet is a multiple
	 * of 4.
	 */
	cr_assert_not_null(strchr("AEIMQUYcgkosw048", a[ADMIN_TOKEN_NEW - 1]),
	    "last character of %s", a);
	cr_assert_str_neq(a, b, "two tokens differ");

	/* A new token makes a line whose hash lets it in, and only it. */
	cr_assert_eq(admin_line(a, line, sizeof(line)), 0);
	cr_assert_eq(strncmp(line, "admin_token = ", 14), 0, "%s", line);
	cr_assert_eq(admin_token_parse(line + 14, h), 0, "%s", line);
	snprintf(hdr, sizeof(hdr), "Bearer %s", a);
	cr_assert_eq(admin_authorize(h, hdr), ADMIN_AUTH_OK);
	snprintf(hdr, sizeof(hdr), "Bearer %s", b);
	cr_assert_eq(admin_authorize(h, hdr), ADMIN_AUTH_INVALID);
}

Test(admin, csv)
{
	static const struct day_stat	 days[] = {
		{ "2026-11-20", 0, 0, 0 },
		{ "2026-11-21", 12, 5, 3 },
		{ "2026-11-22", LLONG_MAX, 1234567890123LL, 7 },
	};
	static const struct {
		size_t		 n;
		const char	*want;
	} t[] = {
		{ 0, "date,visits,unique_visitors,bots\r\n" },
		{ 1, "date,visits,unique_visitors,bots\r\n"
		    "2026-11-20,0,0,0\r\n" },
		{ 3, "date,visits,unique_visitors,bots\r\n"
		    "2026-11-20,0,0,0\r\n"
		    "2026-11-21,12,5,3\r\n"
		    "2026-11-22,9223372036854775807,1234567890123,7\r\n" },
	};
	char	*csv;
	size_t	 i, len;

	for (i = 0; i < NELEM(t); i++) {
		len = 0;
		csv = admin_csv(days, t[i].n, &len);
		cr_assert_not_null(csv, "%zu days", t[i].n);
		cr_assert_str_eq(csv, t[i].want, "%zu days", t[i].n);
		cr_assert_eq(len, strlen(t[i].want), "length, %zu days",
		    t[i].n);
		free(csv);
	}
	csv = admin_csv(NULL, 0, &len);
	cr_assert_not_null(csv, "no days, NULL array");
	cr_assert_eq(len, 34);
	free(csv);
}

/* The widest numbers fit the buffer admin_csv sizes for a line. */
Test(admin, csv_widest)
{
	static const struct day_stat	 days[] = {
		{ "2026-11-22", LLONG_MIN, LLONG_MIN, LLONG_MIN },
		{ "2026-11-23", LLONG_MIN, LLONG_MIN, LLONG_MIN },
	};
	static const char		 want[] =
	    "date,visits,unique_visitors,bots\r\n"
	    "2026-11-22,-9223372036854775808,-9223372036854775808,"
	    "-9223372036854775808\r\n"
	    "2026-11-23,-9223372036854775808,-9223372036854775808,"
	    "-9223372036854775808\r\n";
	char				*csv;
	size_t				 len;

	csv = admin_csv(days, NELEM(days), &len);
	cr_assert_not_null(csv);
	cr_assert_str_eq(csv, want);
	cr_assert_eq(len, sizeof(want) - 1);
	free(csv);
	cr_assert_null(admin_csv(days, SIZE_MAX / 2, &len), "size overflow");
}
