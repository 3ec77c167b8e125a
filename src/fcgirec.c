/*
 * FastCGI records, checked before libfcgi reads them.
 *
 * libfcgi 2.4.2 trusts the lengths a peer sends.  Its ReadParams reads
 * a name-value pair's two lengths (up to 2^31 - 1 each), adds them in an
 * int and mallocs the sum before it has read a byte of the name: a claim
 * it cannot allocate aborts the whole process on libfcgi's assert(3), and
 * where the CVE-2025-23016 fix is missing (Debian 12 has it since
 * 2.4.2-2+deb12u1) a sum that overflows is a heap overflow.  Its answer
 * to FCGI_GET_VALUES can overflow a stack buffer (fcgirec_getvar).  So
 * server.c
 * peeks at the records that open each request, up to and including the
 * empty FCGI_PARAMS record that ends its parameters, and hands the
 * connection to libfcgi only if fcgirec_check accepts them: every length
 * libfcgi then acts on has been checked against the bytes that follow.
 * This file is pure (bytes in, a verdict out) and knows nothing of
 * libfcgi's types, only of what its fcgiapp.c does with the bytes.
 *
 * The grammar is deliberately narrow, what nginx, Apache and lighttpd
 * send, and only what libfcgi reads the way the spec does:
 *
 *	GET_VALUES* BEGIN_REQUEST (PARAMS | GET_VALUES)* PARAMS(empty)
 *
 * libfcgi parses nothing else before the request reaches footfall:
 * FCGX_Accept_r reads records (answering management ones) until a
 * BEGIN_REQUEST, then ReadParams reads the FCGI_PARAMS stream to its
 * end; footfall never reads FCGI_STDIN.  Section numbers below are those
 * of the FastCGI Specification (Open Market, 1996).
 */
#include "config.h"

#include <string.h>

#include "footfall.h"

/* Section 8, "Types and constants". */
#define FCGI_HEADER_LEN		8
#define FCGI_VERSION_1		1
#define FCGI_BEGIN_REQUEST	1
#define FCGI_PARAMS		4
#define FCGI_STDIN		5
#define FCGI_GET_VALUES		9
#define FCGI_MAXTYPE		11	/* FCGI_UNKNOWN_TYPE */
#define FCGI_NULL_REQUEST_ID	0

/*
 * The variables of FCGI_GET_VALUES (section 4.1) that libfcgi answers.
 * Its ProcessManagementRecord writes one answer per name asked for into
 * a 64-byte stack buffer, room for each of these once: FCGI_MPXS_CONNS
 * asked for four times overflows it, and Debian's libfcgi 2.4.2 dies
 * with "stack smashing detected".
 */
static const char *const fcgirec_vars[] = {
	"FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS",
};
#define NVARS	(sizeof(fcgirec_vars) / sizeof(fcgirec_vars[0]))

static const char fcgirec_toobig[] =
    "more than 128 KiB of records before the parameters end";

/* A name-value pair stream (section 3.4), read as it arrives. */
struct fcgirec_nv {
	unsigned char	 len[8];	/* the pair's length bytes so far */
	size_t		 nlen;
	size_t		 skip;		/* its name and value bytes to pass */
	unsigned int	 asked;		/* GET_VALUES: the variables named */
};

/*
 * A length of a pair: one byte below 0x80, else four bytes, big-endian,
 * with the top bit cleared (section 3.4).  *used is 1 or 4.
 */
static size_t
fcgirec_nvlen(const unsigned char *b, size_t *used)
{
	if ((b[0] & 0x80) == 0) {
		*used = 1;
		return b[0];
	}
	*used = 4;
	return ((size_t)(b[0] & 0x7f) << 24) | ((size_t)b[1] << 16) |
	    ((size_t)b[2] << 8) | b[3];
}

/* How many length bytes the pair has, knowing the first nlen of them. */
static size_t
fcgirec_nvwant(const unsigned char *len, size_t nlen)
{
	size_t	 nsz;

	if (nlen == 0)
		return 1;
	nsz = (len[0] & 0x80) ? 4 : 1;
	if (nlen <= nsz)
		return nsz + 1;
	return nsz + ((len[nsz] & 0x80) ? 4 : 1);
}

/*
 * A GET_VALUES name, which libfcgi makes "name=value" and cuts at its
 * first '=' with *strchr(name, '='): as the source reads, a NUL in the
 * name makes strchr return NULL and the write go through it, and a '='
 * makes "FCGI_MAX_REQS=x" count as FCGI_MAX_REQS.  The names are the
 * spec's identifiers, so refuse both bytes, and a variable named twice.
 * Returns 0, or -1 with *errstr.
 */
static int
fcgirec_getvar(struct fcgirec_nv *nv, const unsigned char *name, size_t n,
    const char **errstr)
{
	size_t	 i;

	if (memchr(name, '\0', n) != NULL || memchr(name, '=', n) != NULL) {
		*errstr = "a GET_VALUES name holds NUL or '='";
		return -1;
	}
	for (i = 0; i < NVARS; i++) {
		if (strlen(fcgirec_vars[i]) != n ||
		    memcmp(fcgirec_vars[i], name, n) != 0)
			continue;
		if (nv->asked & (1U << i)) {
			*errstr = "GET_VALUES names a variable twice";
			return -1;
		}
		nv->asked |= 1U << i;
	}
	return 0;
}

/*
 * Read the n bytes at p of a name-value pair stream into nv.  room is
 * how many bytes of the stream may still come, these n included: a pair
 * whose lengths claim more is refused at once, before the bytes that
 * would prove it short arrive.  getvalues says the stream is one
 * GET_VALUES body, which libfcgi reads to the end of that record only
 * (room is then n) and whose names it parses.  Returns 0, or -1 with
 * *errstr.
 */
static int
fcgirec_pairs(struct fcgirec_nv *nv, const unsigned char *p, size_t n,
    size_t room, int getvalues, const char **errstr)
{
	size_t	 i = 0, take, nsz, vsz, nl, vl;

	while (i < n) {
		if (nv->skip > 0) {
			take = nv->skip < n - i ? nv->skip : n - i;
			nv->skip -= take;
			i += take;
			continue;
		}
		nv->len[nv->nlen++] = p[i++];
		if (nv->nlen < fcgirec_nvwant(nv->len, nv->nlen))
			continue;
		nl = fcgirec_nvlen(nv->len, &nsz);
		vl = fcgirec_nvlen(nv->len + nsz, &vsz);
		nv->nlen = 0;
		/*
		 * The check libfcgi lacks: both lengths within the bytes
		 * that may follow, tested one at a time so that no sum can
		 * overflow.  room - i >= 0 since i <= n <= room.
		 */
		if (nl > room - i || vl > room - i - nl) {
			*errstr = getvalues ?
			    "a GET_VALUES pair is longer than its record" :
			    "a parameter is longer than 64 KiB of parameters";
			return -1;
		}
		if (getvalues && fcgirec_getvar(nv, p + i, nl, errstr) == -1)
			return -1;
		nv->skip = nl + vl;
	}
	return 0;
}

/* Is the stream at a pair boundary, as it must be where it ends? */
static int
fcgirec_pairs_end(const struct fcgirec_nv *nv)
{
	return nv->nlen == 0 && nv->skip == 0;
}

/*
 * Whether a record's header may come where it does: its version, its
 * type, and its request id against rid, the id of BEGIN_REQUEST (0
 * before it).  Returns NULL, or why not.  Pure.
 */
static const char *
fcgirec_order(unsigned int version, unsigned int type, unsigned int id,
    unsigned int rid)
{
	/* libfcgi gives up on other versions; so do we, sooner. */
	if (version != FCGI_VERSION_1)
		return "not FastCGI version 1";
	if (type == 0 || type > FCGI_MAXTYPE)
		return "unknown record type";
	/*
	 * Section 3.3: request id 0 is a management record.  libfcgi
	 * parses a GET_VALUES body with ReadParams, so it is checked
	 * below like the parameters.  Any other type it answers with
	 * FCGI_UNKNOWN_TYPE but leaves the body unread, and inside
	 * the parameters that body would then be read as parameters:
	 * a web server sends no such record, so refuse it.
	 */
	if (id == FCGI_NULL_REQUEST_ID && type != FCGI_GET_VALUES)
		return "a management record other than GET_VALUES";
	/* libfcgi would skip a record before it; nginx never sends one. */
	if (id != FCGI_NULL_REQUEST_ID && rid == 0 &&
	    type != FCGI_BEGIN_REQUEST)
		return "a record before BEGIN_REQUEST";
	if (id != FCGI_NULL_REQUEST_ID && rid != 0) {
		/*
		 * libfcgi answers a second BEGIN_REQUEST with
		 * FCGI_CANT_MPX_CONN and skips records of other
		 * requests; web servers do not multiplex, and any
		 * other type before the parameters end is an error
		 * to libfcgi too (section 3.3: streams in order).
		 */
		if (id != rid)
			return "a record for another request";
		if (type != FCGI_PARAMS)
			return "a record other than PARAMS before the "
			    "parameters end";
	}
	return NULL;
}

/*
 * Is the whole request in buf[0..len)?  The records up to at (the end
 * of the parameters) were accepted for request rid.  True if what
 * follows is that request's FCGI_STDIN stream up to and including its
 * empty record, and nothing after it (section 3.3: the empty record ends
 * the stream).  A web server sends nothing more for a request that it
 * does not keep the connection for (nginx never sends
 * FCGI_ABORT_REQUEST), so once such a connection is drained, closing it
 * loses nothing.  nginx writes a GET in one call, so its request is
 * whole at the first look; a body that is still on its way, or larger
 * than the peek buffer, answers false.
 */
static int
fcgirec_whole(const unsigned char *buf, size_t len, size_t at,
    unsigned int rid)
{
	size_t		 off, clen;

	for (off = at; len - off >= FCGI_HEADER_LEN; off += clen) {
		if (buf[off] != FCGI_VERSION_1 || buf[off + 1] != FCGI_STDIN ||
		    ((unsigned int)buf[off + 2] << 8 | buf[off + 3]) != rid)
			return 0;
		clen = (size_t)buf[off + 4] << 8 | buf[off + 5];
		if (clen == 0)
			return len - off == (size_t)FCGI_HEADER_LEN + buf[off + 6];
		clen += FCGI_HEADER_LEN + buf[off + 6];
		if (clen > len - off)
			return 0;
	}
	return 0;
}

/*
 * Check the records at the start of buf[0..len), the bytes a connection
 * has sent so far for its next request.  Returns:
 *  FCGIREC_VALID: the request's records up to the end of its parameters
 *	are sound; *at is the offset just past them, and *whole says
 *	whether buf holds the whole request (fcgirec_whole).
 *  FCGIREC_MORE: sound so far, but incomplete; nothing can be decided
 *	before *at bytes (at most FCGIREC_MAX) have arrived.
 *  FCGIREC_INVALID: *errstr says why, in a few words without any of the
 *	client's bytes, fit for the log.
 * Pure: no I/O, no allocation, and buf is only read.
 */
enum fcgirec
fcgirec_check(const unsigned char *buf, size_t len, size_t *at, int *whole,
    const char **errstr)
{
	struct fcgirec_nv	 params, gv;
	const unsigned char	*h, *body;
	size_t			 off = 0, clen, plen, nparams = 0;
	unsigned int		 type, id, rid = 0;

	memset(&params, 0, sizeof(params));
	*at = 0;
	*whole = 0;
	*errstr = NULL;
	for (;;) {
		if (off > FCGIREC_MAX - FCGI_HEADER_LEN) {
			*errstr = fcgirec_toobig;
			return FCGIREC_INVALID;
		}
		if (len - off < FCGI_HEADER_LEN) {
			*at = off + FCGI_HEADER_LEN;
			return FCGIREC_MORE;
		}
		/* Section 3.3: the header of every record. */
		h = buf + off;
		type = h[1];
		id = (unsigned int)h[2] << 8 | h[3];
		clen = (size_t)h[4] << 8 | h[5];
		plen = h[6];
		body = h + FCGI_HEADER_LEN;

		if ((*errstr = fcgirec_order(h[0], type, id, rid)) != NULL)
			return FCGIREC_INVALID;
		/*
		 * Everything up to the end of the parameters must fit the
		 * peek buffer.  Checked on the header's claim, so that a
		 * record that would overflow it is refused at once rather
		 * than waited for.
		 */
		if (clen + plen > FCGIREC_MAX - off - FCGI_HEADER_LEN) {
			*errstr = fcgirec_toobig;
			return FCGIREC_INVALID;
		}
		if (type == FCGI_PARAMS && clen > FCGIREC_PARAMS_MAX - nparams) {
			*errstr = "more than 64 KiB of parameters";
			return FCGIREC_INVALID;
		}
		if (len - off - FCGI_HEADER_LEN < clen + plen) {
			*at = off + FCGI_HEADER_LEN + clen + plen;
			return FCGIREC_MORE;
		}

		if (type == FCGI_BEGIN_REQUEST) {
			/* Section 5.1: an 8-byte body, as libfcgi insists. */
			if (clen != 8) {
				*errstr = "a BEGIN_REQUEST body that is not "
				    "8 bytes";
				return FCGIREC_INVALID;
			}
			/*
			 * libfcgi returns as soon as it has read the body
			 * and then forgets the padding (SetReaderType), so
			 * it would read padding bytes as the next header:
			 * not the records checked here.
			 */
			if (plen != 0) {
				*errstr = "padding after BEGIN_REQUEST";
				return FCGIREC_INVALID;
			}
			rid = id;
		} else if (type == FCGI_GET_VALUES) {
			/* Its pairs end with its record (ReadParams to EOF). */
			memset(&gv, 0, sizeof(gv));
			if (fcgirec_pairs(&gv, body, clen, clen, 1,
			    errstr) == -1)
				return FCGIREC_INVALID;
			if (!fcgirec_pairs_end(&gv)) {
				*errstr = "a GET_VALUES pair is cut off by the "
				    "end of its record";
				return FCGIREC_INVALID;
			}
		} else if (clen > 0) {
			/* Section 3.3: a stream spans its records. */
			if (fcgirec_pairs(&params, body, clen,
			    FCGIREC_PARAMS_MAX - nparams, 0, errstr) == -1)
				return FCGIREC_INVALID;
			nparams += clen;
		} else {
			/* The empty record ends the stream (section 3.3). */
			if (!fcgirec_pairs_end(&params)) {
				*errstr = "a parameter is cut off by the end "
				    "of the parameters";
				return FCGIREC_INVALID;
			}
			*at = off + FCGI_HEADER_LEN + plen;
			*whole = fcgirec_whole(buf, len, *at, rid);
			return FCGIREC_VALID;
		}
		off += FCGI_HEADER_LEN + clen + plen;
	}
}

/*
 * Does the request whose parameters end at at in buf[0..len) carry no
 * body, its FCGI_STDIN stream only the empty record that ends it
 * (section 3.3)?  buf must hold the whole request (*whole from
 * fcgirec_check), so that the record at at is that request's
 * FCGI_STDIN.  Pure.
 */
int
fcgirec_bodiless(const unsigned char *buf, size_t len, size_t at)
{
	return len - at >= FCGI_HEADER_LEN && buf[at + 4] == 0 &&
	    buf[at + 5] == 0;
}

/*
 * Check the header h (FCGI_HEADER_LEN bytes) of the next record of
 * request rid's body, which footfall reads itself: only that request's
 * FCGI_STDIN records may come (section 3.3: the stream is sent in
 * order and ends with an empty record).  A management record or
 * another request's, which libfcgi would act on, is refused.  Returns
 * 0 with the record's content and padding lengths in *clen and *plen,
 * or -1 with *errstr.  Pure.
 */
int
fcgirec_stdin(const unsigned char *h, unsigned int rid, size_t *clen,
    size_t *plen, const char **errstr)
{
	*clen = (size_t)h[4] << 8 | h[5];
	*plen = h[6];
	if (h[0] != FCGI_VERSION_1)
		*errstr = "not FastCGI version 1";
	else if (h[1] != FCGI_STDIN)
		*errstr = "a record other than STDIN in the body";
	else if (((unsigned int)h[2] << 8 | h[3]) != rid)
		*errstr = "a body record for another request";
	else
		return 0;
	return -1;
}
