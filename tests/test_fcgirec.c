#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Record types and roles, FastCGI Specification section 8. */
enum {
	BEGIN = 1, ABORT, END, PARAMS, STDIN, STDOUT, STDERR, DATA,
	GET_VALUES, GET_VALUES_RESULT, UNKNOWN_TYPE
};

/* A record of a test stream; body NULL ends the list. */
struct rec {
	int		 type, id;
	const char	*body;
	size_t		 blen;
	int		 pad;
	int		 version;	/* 0: 1; 0x100: 0 */
};
#define B(s)	(s), sizeof(s) - 1
#define R(t, id, s)		{ (t), (id), B(s), 0, 0 }
#define RP(t, id, s, p)		{ (t), (id), B(s), (p), 0 }
/* BEGIN_REQUEST bodies (section 5.1): role responder, flags. */
#define BEGIN1		R(BEGIN, 1, "\0\1\0\0\0\0\0\0")
#define BEGIN1_KEEP	R(BEGIN, 1, "\0\1\1\0\0\0\0\0")
#define PEND		R(PARAMS, 1, "")
#define END_OF		{ 0, 0, NULL, 0, 0, 0 }

/* What nginx sends for GET /count, less a few parameters. */
#define NGINX_PARAMS \
	"\x0c\x00" "QUERY_STRING" \
	"\x0e\x03" "REQUEST_METHOD" "GET" \
	"\x0b\x06" "SCRIPT_NAME" "/count" \
	"\x0b\x09" "REMOTE_ADDR" "127.0.0.1" \
	"\x0f\x0b" "HTTP_USER_AGENT" "curl/7.88.1"

/* One PARAMS record between BEGIN_REQUEST and the end, refused. */
#define PBAD(name, body, why) { (name), { BEGIN1, R(PARAMS, 1, body), \
	PEND, END_OF }, FCGIREC_INVALID, (why), 0, 0 }

struct tcase {
	const char	*name;
	struct rec	 r[8];
	enum fcgirec	 want;
	const char	*why;		/* INVALID: part of the reason */
	size_t		 trailing;	/* VALID: records after the end */
	int		 whole;		/* VALID: the whole request is here */
};

static const struct tcase cases[] = {
	/* What web servers send. */
	{ "nginx GET", { BEGIN1, RP(PARAMS, 1, NGINX_PARAMS, 2), PEND,
	    R(STDIN, 1, ""), END_OF }, FCGIREC_VALID, NULL, 1, 1 },
	{ "nginx, keep-alive", { BEGIN1_KEEP, RP(PARAMS, 1, NGINX_PARAMS, 2),
	    PEND, R(STDIN, 1, ""), END_OF }, FCGIREC_VALID, NULL, 1, 1 },
	{ "a body, padded, then its end", { BEGIN1, PEND,
	    RP(STDIN, 1, "a=1", 5), RP(STDIN, 1, "", 3), END_OF },
	    FCGIREC_VALID, NULL, 2, 1 },
	/* Not whole: the body is still on its way, or more follows. */
	{ "a body without its end", { BEGIN1, PEND, R(STDIN, 1, "a=1"),
	    END_OF }, FCGIREC_VALID, NULL, 1, 0 },
	{ "the next request after this one", { BEGIN1_KEEP, PEND,
	    R(STDIN, 1, ""), BEGIN1_KEEP, END_OF }, FCGIREC_VALID, NULL, 2,
	    0 },
	{ "STDIN of another request", { BEGIN1, PEND, R(STDIN, 2, ""),
	    END_OF }, FCGIREC_VALID, NULL, 1, 0 },
	{ "DATA after the parameters", { BEGIN1, PEND, R(DATA, 1, ""),
	    END_OF }, FCGIREC_VALID, NULL, 1, 0 },
	{ "the end of STDIN, version 2", { BEGIN1, PEND,
	    { STDIN, 1, B(""), 0, 2 }, END_OF }, FCGIREC_VALID, NULL, 1, 0 },
	{ "no parameters at all", { BEGIN1, PEND, END_OF },
	    FCGIREC_VALID, NULL, 0, 0 },
	{ "other request ids", { R(BEGIN, 65535, "\0\1\0\0\0\0\0\0"),
	    R(PARAMS, 65535, "\1\1ab"), R(PARAMS, 65535, ""), END_OF },
	    FCGIREC_VALID, NULL, 0, 0 },
	{ "a pair split across records", { BEGIN1,
	    R(PARAMS, 1, "\x0b"), R(PARAMS, 1, "\x06" "SCRIPT_NAME/co"),
	    R(PARAMS, 1, "unt"), PEND, END_OF }, FCGIREC_VALID, NULL, 0, 0 },
	{ "lengths split across records", { BEGIN1,
	    R(PARAMS, 1, "\x80\x00"), R(PARAMS, 1, "\x00\x01\x80"),
	    R(PARAMS, 1, "\x00\x00\x02" "abc"), PEND, END_OF },
	    FCGIREC_VALID, NULL, 0, 0 },
	{ "four-byte lengths", { BEGIN1,
	    R(PARAMS, 1, "\x80\x00\x00\x0b\x80\x00\x00\x06" "SCRIPT_NAME"
	    "/count"), PEND, END_OF }, FCGIREC_VALID, NULL, 0, 0 },
	{ "empty names and values", { BEGIN1, R(PARAMS, 1, "\0\0\0\0\1\0a"),
	    PEND, END_OF }, FCGIREC_VALID, NULL, 0, 0 },
	{ "NUL and = in a parameter", { BEGIN1,
	    R(PARAMS, 1, "\3\3a\0=b=\0"), PEND, END_OF },
	    FCGIREC_VALID, NULL, 0, 0 },
	{ "padding everywhere it may be", { BEGIN1,
	    RP(PARAMS, 1, "\1\1ab", 255), RP(PARAMS, 1, "", 7), END_OF },
	    FCGIREC_VALID, NULL, 0, 0 },
	{ "GET_VALUES first", { RP(GET_VALUES, 0,
	    "\x0e\0FCGI_MAX_CONNS" "\x0d\0FCGI_MAX_REQS"
	    "\x0f\0FCGI_MPXS_CONNS", 3), BEGIN1, R(PARAMS, 1, "\1\1ab"), PEND,
	    END_OF }, FCGIREC_VALID, NULL, 0, 0 },
	{ "GET_VALUES amid the parameters", { BEGIN1, R(PARAMS, 1, "\1"),
	    R(GET_VALUES, 0, "\x0e\0FCGI_MAX_CONNS" "\3\0abc"), R(GET_VALUES,
	    0, ""), R(PARAMS, 1, "\1ab"), PEND, END_OF },
	    FCGIREC_VALID, NULL, 0, 0 },
	{ "GET_VALUES, an unknown name twice", { R(GET_VALUES, 0,
	    "\1\0x\1\0x\1\2xab"), BEGIN1, PEND, END_OF },
	    FCGIREC_VALID, NULL, 0, 0 },

	/* Not FastCGI, or not from a web server. */
	{ "version 0", { { BEGIN, 1, B("\0\1\0\0\0\0\0\0"), 0, 0x100 },
	    END_OF }, FCGIREC_INVALID, "version", 0, 0 },
	{ "version 2", { { BEGIN, 1, B("\0\1\0\0\0\0\0\0"), 0, 2 },
	    END_OF }, FCGIREC_INVALID, "version", 0, 0 },
	{ "version 2 in the parameters", { BEGIN1,
	    { PARAMS, 1, B(""), 0, 2 }, END_OF },
	    FCGIREC_INVALID, "version", 0, 0 },
	{ "type 0", { R(0, 1, ""), END_OF }, FCGIREC_INVALID, "unknown", 0, 0 },
	{ "type 12", { BEGIN1, R(12, 1, ""), END_OF },
	    FCGIREC_INVALID, "unknown", 0, 0 },
	{ "type 255, request 0", { R(255, 0, ""), END_OF },
	    FCGIREC_INVALID, "unknown", 0, 0 },
	{ "ABORT_REQUEST as a management record", { R(ABORT, 0, ""), END_OF },
	    FCGIREC_INVALID, "management", 0, 0 },
	{ "UNKNOWN_TYPE amid the parameters", { BEGIN1,
	    R(UNKNOWN_TYPE, 0, "\1\1ab\0\0\0\0"), PEND, END_OF },
	    FCGIREC_INVALID, "management", 0, 0 },
	{ "BEGIN_REQUEST with request id 0", { R(BEGIN, 0,
	    "\0\1\0\0\0\0\0\0"), END_OF }, FCGIREC_INVALID, "management", 0, 0 },
	{ "PARAMS before BEGIN_REQUEST", { R(PARAMS, 1, "\1\1ab"), BEGIN1,
	    PEND, END_OF }, FCGIREC_INVALID, "before BEGIN", 0, 0 },
	{ "GET_VALUES with a request id", { R(GET_VALUES, 1, ""), BEGIN1,
	    PEND, END_OF }, FCGIREC_INVALID, "before BEGIN", 0, 0 },
	{ "BEGIN_REQUEST body of 7 bytes", { R(BEGIN, 1, "\0\1\0\0\0\0\0"),
	    PEND, END_OF }, FCGIREC_INVALID, "8 bytes", 0, 0 },
	{ "BEGIN_REQUEST body of 9 bytes", { R(BEGIN, 1,
	    "\0\1\0\0\0\0\0\0\0"), PEND, END_OF },
	    FCGIREC_INVALID, "8 bytes", 0, 0 },
	{ "BEGIN_REQUEST with padding", { RP(BEGIN, 1, "\0\1\0\0\0\0\0\0", 8),
	    PEND, END_OF }, FCGIREC_INVALID, "padding", 0, 0 },
	{ "a second BEGIN_REQUEST", { BEGIN1, BEGIN1, PEND, END_OF },
	    FCGIREC_INVALID, "other than PARAMS", 0, 0 },
	{ "a BEGIN_REQUEST for another request", { BEGIN1,
	    R(BEGIN, 2, "\0\1\0\0\0\0\0\0"), PEND, END_OF },
	    FCGIREC_INVALID, "another request", 0, 0 },
	{ "PARAMS for another request", { BEGIN1, R(PARAMS, 2, "\1\1ab"),
	    PEND, END_OF }, FCGIREC_INVALID, "another request", 0, 0 },
	{ "STDIN before the parameters end", { BEGIN1, R(PARAMS, 1, "\1\1ab"),
	    R(STDIN, 1, ""), PEND, END_OF },
	    FCGIREC_INVALID, "other than PARAMS", 0, 0 },
	{ "END_REQUEST from the web server", { BEGIN1, R(END, 1,
	    "\0\0\0\0\0\0\0\0"), END_OF },
	    FCGIREC_INVALID, "other than PARAMS", 0, 0 },

	/* Lengths: tests/hostile.test's, and the overflows. */
	PBAD("lengths ffffffff ffffffff",
	    "\xff\xff\xff\xff\xff\xff\xff\xff\x41", "longer"),
	PBAD("length 0f and nothing", "\x0f", "cut off"),
	PBAD("lengths 7f ffffff7f",
	    "\x7f\xff\xff\xff\x7f\xff\xff\xff\x41\x42", "longer"),
	PBAD("lengths 16 and 8, 2 bytes follow",
	    "\x80\x00\x00\x10\x80\x00\x00\x08\x41\x42", "cut off"),
	PBAD("a sum that overflows an int", "\xff\xff\xff\xff\x03" "abc",
	    "longer"),
	PBAD("a sum that wraps to -2", "\xff\xff\xff\xff\xff\xff\xff\xff",
	    "longer"),
	PBAD("a value of 2 GiB - 1", "\x01\xff\xff\xff\xff" "a", "longer"),
	PBAD("a name of 64 KiB", "\x80\x01\x00\x00\x00", "longer"),
	PBAD("a name longer than what follows", "\x64\x00" "0123456789",
	    "cut off"),
	PBAD("a cut four-byte length", "\x80\x00", "cut off"),
	PBAD("a missing value length", "\x80\x00\x00\x01", "cut off"),
	{ "a value cut off by the next request's records", { BEGIN1,
	    R(PARAMS, 1, "\1\x20" "a"), PEND, R(STDIN, 1, ""), BEGIN1,
	    END_OF }, FCGIREC_INVALID, "cut off", 0, 0 },

	/* GET_VALUES, which libfcgi answers into a 64-byte buffer. */
	{ "GET_VALUES pair longer than its record", { R(GET_VALUES, 0,
	    "\x0e\x05" "FCGI_MAX_CONNS"), BEGIN1, PEND, END_OF },
	    FCGIREC_INVALID, "longer than its record", 0, 0 },
	{ "GET_VALUES absurd lengths", { R(GET_VALUES, 0,
	    "\xff\xff\xff\xff\xff\xff\xff\xff"), BEGIN1, PEND, END_OF },
	    FCGIREC_INVALID, "longer than its record", 0, 0 },
	{ "GET_VALUES pair cut off", { R(GET_VALUES, 0, "\x0e"), BEGIN1,
	    PEND, END_OF }, FCGIREC_INVALID, "cut off", 0, 0 },
	{ "GET_VALUES name with NUL", { R(GET_VALUES, 0, "\1\0\0"), BEGIN1,
	    PEND, END_OF }, FCGIREC_INVALID, "NUL", 0, 0 },
	{ "GET_VALUES name with =", { R(GET_VALUES, 0,
	    "\x0f\0FCGI_MAX_REQS=x"), BEGIN1, PEND, END_OF },
	    FCGIREC_INVALID, "NUL or '='", 0, 0 },
	{ "GET_VALUES names a variable twice", { R(GET_VALUES, 0,
	    "\x0d\0FCGI_MAX_REQS" "\x0d\0FCGI_MAX_REQS"), BEGIN1, PEND,
	    END_OF }, FCGIREC_INVALID, "twice", 0, 0 },
	{ "GET_VALUES twice amid the parameters", { BEGIN1,
	    R(GET_VALUES, 0, "\x0f\0FCGI_MPXS_CONNS\x0f\1FCGI_MPXS_CONNSx"),
	    PEND, END_OF }, FCGIREC_INVALID, "twice", 0, 0 },
};

/* Append one record to buf (room for FCGIREC_MAX * 2 bytes). */
static size_t
put_rec(unsigned char *buf, size_t off, int version, int type, int id,
    const void *body, size_t blen, int pad)
{
	cr_assert_leq(off + 8 + blen + pad, (size_t)FCGIREC_MAX * 2);
	buf[off] = (unsigned char)(version & 0xff);
	buf[off + 1] = (unsigned char)type;
	buf[off + 2] = (unsigned char)(id >> 8);
	buf[off + 3] = (unsigned char)id;
	buf[off + 4] = (unsigned char)(blen >> 8);
	buf[off + 5] = (unsigned char)blen;
	buf[off + 6] = (unsigned char)pad;
	buf[off + 7] = 0;
	memcpy(buf + off + 8, body, blen);
	memset(buf + off + 8 + blen, 0, pad);	/* section 3.3: any value */
	return off + 8 + blen + pad;
}

/* Lay out a case's records; *end is where its last trailing one starts. */
static size_t
build(const struct tcase *t, unsigned char *buf, size_t *end)
{
	size_t	 off = 0, n, i;

	for (n = 0; t->r[n].body != NULL; n++)
		continue;
	*end = 0;
	for (i = 0; i < n; i++) {
		off = put_rec(buf, off, t->r[i].version ? t->r[i].version : 1,
		    t->r[i].type, t->r[i].id, t->r[i].body, t->r[i].blen,
		    t->r[i].pad);
		if (i + t->trailing + 1 == n)
			*end = off;
	}
	return off;
}

static unsigned char	*buf;

static void
setup(void)
{
	cr_assert_not_null(buf = malloc((size_t)FCGIREC_MAX * 2));
}

static void
teardown(void)
{
	free(buf);
}

TestSuite(fcgirec, .init = setup, .fini = teardown);

/*
 * Every case, whole and cut at every byte: a prefix of a valid stream
 * needs more (and says how much, never past the end), and a prefix of
 * an invalid one needs more or is already invalid, never valid.
 */
Test(fcgirec, table)
{
	const struct tcase	*t;
	const char		*why;
	size_t			 i, len, end, p, at;
	int			 whole;
	enum fcgirec		 r;

	for (i = 0; i < NELEM(cases); i++) {
		t = &cases[i];
		len = build(t, buf, &end);
		r = fcgirec_check(buf, len, &at, &whole, &why);
		cr_assert_eq(r, t->want, "%s: got %d (%s), want %d", t->name,
		    r, why ? why : "-", t->want);
		if (r == FCGIREC_VALID) {
			cr_assert_eq(at, end, "%s: ends at %zu, want %zu",
			    t->name, at, end);
			cr_assert_eq(whole, t->whole, "%s: whole %d", t->name,
			    whole);
			cr_assert_null(why, "%s", t->name);
		} else {
			cr_assert_not_null(why, "%s", t->name);
			cr_assert(strstr(why, t->why) != NULL,
			    "%s: \"%s\" lacks \"%s\"", t->name, why, t->why);
			cr_assert_lt(strlen(why), 64, "%s: a short reason",
			    t->name);
		}
		for (p = 0; p < len; p++) {
			r = fcgirec_check(buf, p, &at, &whole, &why);
			if (t->want == FCGIREC_VALID && p < end) {
				cr_assert_eq(r, FCGIREC_MORE,
				    "%s, %zu bytes: got %d (%s)", t->name, p,
				    r, why ? why : "-");
				cr_assert(at > p && at <= end,
				    "%s, %zu bytes: needs %zu", t->name, p, at);
			} else if (t->want == FCGIREC_VALID) {
				cr_assert_eq(r, FCGIREC_VALID, "%s, %zu bytes",
				    t->name, p);
				cr_assert_eq(at, end, "%s, %zu bytes", t->name,
				    p);
				/* Its last record ends a whole request. */
				cr_assert(!whole || !t->whole,
				    "%s, %zu bytes: whole", t->name, p);
			} else
				cr_assert_neq(r, FCGIREC_VALID, "%s, %zu bytes",
				    t->name, p);
		}
	}
}

/* Nothing yet, or part of a header: a header is needed. */
Test(fcgirec, need_more)
{
	static const unsigned char	 b[] = { 1, 1, 0, 1, 0, 8, 0, 0 };
	const char			*why;
	size_t				 at, p;
	int				 whole;

	for (p = 0; p < sizeof(b); p++) {
		cr_assert_eq(fcgirec_check(b, p, &at, &whole, &why), FCGIREC_MORE);
		cr_assert_eq(at, 8);
	}
	/* The header claims 8 more bytes. */
	cr_assert_eq(fcgirec_check(b, sizeof(b), &at, &whole, &why), FCGIREC_MORE);
	cr_assert_eq(at, 16);
}

/* A record the size of the largest PARAMS record nginx sends. */
Test(fcgirec, largest_record)
{
	static unsigned char	 body[65535];
	const char		*why;
	size_t			 off, at;
	int			 whole;

	/* One pair: lengths 1 + 4 bytes, a name of 1, the rest value. */
	memcpy(body, "\x01\x80\x00\xff\xf9" "a", 6);
	off = put_rec(buf, 0, 1, BEGIN, 1, "\0\1\0\0\0\0\0\0", 8, 0);
	off = put_rec(buf, off, 1, PARAMS, 1, body, sizeof(body), 1);
	cr_assert_eq(fcgirec_check(buf, 24, &at, &whole, &why), FCGIREC_MORE);
	cr_assert_eq(at, off, "wait for the whole record: %zu", at);
	off = put_rec(buf, off, 1, PARAMS, 1, "", 0, 0);
	cr_assert_eq(fcgirec_check(buf, off, &at, &whole, &why), FCGIREC_VALID,
	    "%s", why ? why : "-");
	cr_assert_eq(at, off);
}

/* FCGIREC_PARAMS_MAX bytes of parameters pass, one more does not. */
Test(fcgirec, params_cap)
{
	static unsigned char	 body[FCGIREC_PARAMS_MAX / 4];
	const char		*why;
	size_t			 off, at, i, pairs;
	int			 whole;
	enum fcgirec		 r;

	/* Pairs of a 1-byte name and a 2-byte value: 5 bytes each. */
	pairs = sizeof(body) / 5;
	for (i = 0; i < pairs; i++)
		memcpy(body + 5 * i, "\1\2abc", 5);
	/* The rest: one pair with an empty name, value filling it. */
	body[5 * i] = 0;
	body[5 * i + 1] = (unsigned char)(sizeof(body) - 5 * i - 2);
	cr_assert_lt(sizeof(body) - 5 * i - 2, 128);

	off = put_rec(buf, 0, 1, BEGIN, 1, "\0\1\0\0\0\0\0\0", 8, 0);
	for (i = 0; i < 4; i++)
		off = put_rec(buf, off, 1, PARAMS, 1, body, sizeof(body), 0);
	at = put_rec(buf, off, 1, PARAMS, 1, "", 0, 0);
	cr_assert_eq(fcgirec_check(buf, at, &at, &whole, &why), FCGIREC_VALID,
	    "exactly %d bytes: %s", FCGIREC_PARAMS_MAX, why ? why : "-");

	off = put_rec(buf, off, 1, PARAMS, 1, "\0", 1, 0);
	off = put_rec(buf, off, 1, PARAMS, 1, "", 0, 0);
	r = fcgirec_check(buf, off, &at, &whole, &why);
	cr_assert_eq(r, FCGIREC_INVALID, "one byte more");
	cr_assert_str_eq(why, "more than 64 KiB of parameters");

	/* A pair that would need more than the cap, refused at once. */
	off = put_rec(buf, 0, 1, BEGIN, 1, "\0\1\0\0\0\0\0\0", 8, 0);
	off = put_rec(buf, off, 1, PARAMS, 1, "\x80\0\xff\xf0\x80\0\0\x0f", 8,
	    0);
	cr_assert_eq(fcgirec_check(buf, off, &at, &whole, &why), FCGIREC_INVALID,
	    "65520 + 15 bytes after 8");
	off = put_rec(buf, 0, 1, BEGIN, 1, "\0\1\0\0\0\0\0\0", 8, 0);
	off = put_rec(buf, off, 1, PARAMS, 1, "\x80\0\xff\xf0\x80\0\0\x08", 8,
	    0);
	cr_assert_eq(fcgirec_check(buf, off, &at, &whole, &why), FCGIREC_MORE,
	    "65520 + 8 bytes after 8 may still come: %s", why ? why : "-");
}

/* Records to the end of the parameters: FCGIREC_MAX bytes at most. */
Test(fcgirec, records_cap)
{
	const char	*why;
	size_t		 off, at, n = 0;
	int		 whole;
	enum fcgirec	 r;

	/* One byte of parameters per record, padded to 264 bytes. */
	off = put_rec(buf, 0, 1, BEGIN, 1, "\0\1\0\0\0\0\0\0", 8, 0);
	while (off + 264 <= FCGIREC_MAX) {
		off = put_rec(buf, off, 1, PARAMS, 1, "\0", 1, 255);
		n++;
	}
	cr_assert_eq(n % 2, 0, "pairs of two zero lengths");
	/* An empty record still fits, and ends them. */
	cr_assert_leq(off + 8, FCGIREC_MAX);
	at = put_rec(buf, off, 1, PARAMS, 1, "", 0, 0);
	cr_assert_eq(fcgirec_check(buf, at, &at, &whole, &why), FCGIREC_VALID,
	    "%zu bytes: %s", at, why ? why : "-");
	/* One more padded record claims more than fits: refused at once. */
	off = put_rec(buf, off, 1, PARAMS, 1, "\0", 1, 255);
	r = fcgirec_check(buf, off - 256, &at, &whole, &why);
	cr_assert_eq(r, FCGIREC_INVALID, "claimed %zu bytes", off);
	cr_assert(strstr(why, "128 KiB") != NULL, "%s", why);
	/* GET_VALUES records count too. */
	off = 0;
	while (off + 8 <= FCGIREC_MAX)
		off = put_rec(buf, off, 1, GET_VALUES, 0, "", 0, 0);
	cr_assert_eq(off, FCGIREC_MAX);
	r = fcgirec_check(buf, off, &at, &whole, &why);
	cr_assert_eq(r, FCGIREC_INVALID, "%d GET_VALUES", FCGIREC_MAX / 8);
	cr_assert(strstr(why, "128 KiB") != NULL, "%s", why);
	cr_assert_eq(fcgirec_check(buf, off - 8, &at, &whole, &why), FCGIREC_MORE);
	cr_assert_eq(at, off);
}

/* A body's record headers: only request rid's FCGI_STDIN passes. */
Test(fcgirec, stdin_header)
{
	static const struct {
		unsigned char	 h[8];
		unsigned int	 rid;
		int		 want;
		size_t		 clen, plen;
	} t[] = {
		{ { 1, 5, 0, 1, 0x01, 0x02, 3, 0 }, 1, 0, 258, 3 },
		{ { 1, 5, 0, 1, 0, 0, 0, 0 }, 1, 0, 0, 0 },	/* the end */
		{ { 1, 5, 0x12, 0x34, 0xff, 0xff, 255, 0 }, 0x1234, 0, 65535,
		    255 },
		{ { 2, 5, 0, 1, 0, 1, 0, 0 }, 1, -1, 1, 0 },	/* version */
		{ { 1, 9, 0, 0, 0, 1, 0, 0 }, 1, -1, 1, 0 },	/* GET_VALUES */
		{ { 1, 4, 0, 1, 0, 0, 0, 0 }, 1, -1, 0, 0 },	/* PARAMS */
		{ { 1, 1, 0, 1, 0, 8, 0, 0 }, 1, -1, 8, 0 },	/* BEGIN */
		{ { 1, 2, 0, 1, 0, 0, 0, 0 }, 1, -1, 0, 0 },	/* ABORT */
		{ { 1, 5, 0, 2, 0, 1, 0, 0 }, 1, -1, 1, 0 },	/* other id */
		{ { 1, 5, 0, 0, 0, 1, 0, 0 }, 1, -1, 1, 0 },	/* id 0 */
	};
	const char	*why;
	size_t		 i, clen, plen;

	for (i = 0; i < NELEM(t); i++) {
		why = NULL;
		cr_expect_eq(fcgirec_stdin(t[i].h, t[i].rid, &clen, &plen,
		    &why), t[i].want, "case %zu", i);
		cr_expect_eq(clen, t[i].clen, "case %zu: clen %zu", i, clen);
		cr_expect_eq(plen, t[i].plen, "case %zu: plen %zu", i, plen);
		cr_expect_eq(why == NULL, t[i].want == 0, "case %zu: why", i);
	}
}

/* Whole requests: an empty FCGI_STDIN stream, or a body in it. */
Test(fcgirec, bodiless)
{
	static const unsigned char	 empty[] = { 1, 5, 0, 1, 0, 0, 0, 0 };
	static const unsigned char	 body[] = { 1, 5, 0, 1, 0, 1, 0, 0,
	    'x', 1, 5, 0, 1, 0, 0, 0, 0 };

	cr_expect(fcgirec_bodiless(empty, sizeof(empty), 0));
	cr_expect(!fcgirec_bodiless(body, sizeof(body), 0));
	cr_expect(!fcgirec_bodiless(empty, 4, 0), "a header cut short");
}
