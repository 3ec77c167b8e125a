/*
 * fcgirec_check: the bytes a peer sends to footfall's socket, before
 * libfcgi reads them.  The verdict must be one of the three and agree
 * with itself on prefixes; and what it accepts is re-read here the
 * plain way, as libfcgi's ReadParams and ProcessManagementRecord read
 * it, to find that every pair's lengths fit the bytes that follow and
 * that a GET_VALUES answer fits libfcgi's 64-byte buffer.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "footfall.h"
#include "fuzz.h"

/*
 * Read the pairs of p[0..n) as ReadParams does, but with 64-bit sums.
 * Returns the bytes libfcgi would write answering them if getvalues,
 * else 0; aborts if a pair does not fit.
 */
static size_t
fuzz_pairs(const unsigned char *p, size_t n, int getvalues)
{
	static const char *const vars[] = {
		"FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS",
	};
	uint64_t	 len[2];
	size_t		 i = 0, k, v, answer = 0;

	while (i < n) {
		for (k = 0; k < 2; k++) {
			FUZZ_CHECK(i < n);
			if ((p[i] & 0x80) == 0) {
				len[k] = p[i++];
				continue;
			}
			FUZZ_CHECK(n - i >= 4);
			len[k] = (uint64_t)(p[i] & 0x7f) << 24 |
			    (uint64_t)p[i + 1] << 16 |
			    (uint64_t)p[i + 2] << 8 | p[i + 3];
			i += 4;
		}
		FUZZ_CHECK(len[0] + len[1] <= n - i);
		if (getvalues) {
			FUZZ_CHECK(memchr(p + i, '\0', len[0]) == NULL);
			FUZZ_CHECK(memchr(p + i, '=', len[0]) == NULL);
			for (v = 0; v < 3; v++)
				if (strlen(vars[v]) == len[0] &&
				    memcmp(vars[v], p + i, len[0]) == 0)
					answer += len[0] + 3;
		}
		i += len[0] + len[1];
	}
	return answer;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char	 params[FCGIREC_PARAMS_MAX];
	const char		*why = (const char *)1;
	size_t			 at = (size_t)-1, at2, off, clen, np = 0, i;
	unsigned int		 rid = 0, id;
	int			 whole, whole2;
	enum fcgirec		 r;

	r = fcgirec_check(data, size, &at, &whole, &why);
	FUZZ_CHECK(r == FCGIREC_MORE || r == FCGIREC_VALID ||
	    r == FCGIREC_INVALID);
	if (r == FCGIREC_INVALID) {
		/* A short reason of its own, none of the input's bytes. */
		FUZZ_CHECK(why != NULL && strlen(why) < 80);
		for (i = 0; why[i] != '\0'; i++)
			FUZZ_CHECK(why[i] >= 0x20 && why[i] < 0x7f);
		/* No prefix of a refused stream is accepted. */
		FUZZ_CHECK(fcgirec_check(data, size / 2, &at2, &whole2,
		    &why) != FCGIREC_VALID);
		return 0;
	}
	FUZZ_CHECK(why == NULL);
	if (r == FCGIREC_MORE) {
		FUZZ_CHECK(at > size && at <= FCGIREC_MAX);
		FUZZ_CHECK(fcgirec_check(data, size / 2, &at2, &whole2,
		    &why) == FCGIREC_MORE && at2 <= at);
		return 0;
	}

	/* Valid: BEGIN_REQUEST and an empty PARAMS at least. */
	FUZZ_CHECK(at >= 24 && at <= size && at <= FCGIREC_MAX);
	FUZZ_CHECK(fcgirec_check(data, at, &at2, &whole2, &why) ==
	    FCGIREC_VALID && at2 == at);
	/* Whole: at least the empty STDIN record follows the parameters. */
	FUZZ_CHECK(!whole || (size - at >= 8 && !whole2));
	FUZZ_CHECK(fcgirec_check(data, at - 1, &at2, &whole2, &why) ==
	    FCGIREC_MORE);
	for (off = 0; off < at; off += 8 + clen + data[off + 6]) {
		FUZZ_CHECK(at - off >= 8 && data[off] == 1);
		id = (unsigned int)data[off + 2] << 8 | data[off + 3];
		clen = (size_t)data[off + 4] << 8 | data[off + 5];
		FUZZ_CHECK(at - off - 8 >= clen + data[off + 6]);
		switch (data[off + 1]) {
		case 1:		/* BEGIN_REQUEST, once, unpadded */
			FUZZ_CHECK(rid == 0 && id != 0 && clen == 8 &&
			    data[off + 6] == 0);
			rid = id;
			break;
		case 4:		/* PARAMS */
			FUZZ_CHECK(rid != 0 && id == rid);
			FUZZ_CHECK(clen <= sizeof(params) - np);
			memcpy(params + np, data + off + 8, clen);
			np += clen;
			/* The empty one ends them. */
			FUZZ_CHECK((clen == 0) ==
			    (off + 8 + data[off + 6] == at));
			break;
		case 9:		/* GET_VALUES: 64 - 8 bytes for the answer */
			FUZZ_CHECK(id == 0);
			FUZZ_CHECK(fuzz_pairs(data + off + 8, clen, 1) + 1 <=
			    56);
			break;
		default:
			FUZZ_CHECK(0);
		}
	}
	FUZZ_CHECK(off == at && rid != 0);
	(void)fuzz_pairs(params, np, 0);
	return 0;
}
