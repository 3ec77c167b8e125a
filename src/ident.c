/*
 * A visitor's identity: the bytes that are hashed into its visitor hash
 * (hash.c) and then forgotten.  Pure, so that it is table-tested.
 *
 * The message is the counter's name and a NUL, so that one person's
 * hashes for two counters (two sites on one footfall) cannot be joined;
 * the address family; the address, an IPv6 address cut to its leading
 * prefix bits (64 by default: privacy extensions change the rest of it
 * every day or so, and one subscriber gets a whole /64); and, only if
 * the site owner chose so, the User-Agent's raw bytes.
 */
#include "config.h"

#include <sys/socket.h>

#include <string.h>

#include "footfall.h"

/*
 * Build the identity of the visitor at address a (with an IPv6 address
 * cut to prefix6 bits) for counter, with agent[0..agentlen-1] if agent
 * is not NULL, into buf of bufsz bytes; *len gets its length.  Returns
 * 0, or -1 if the counter name is empty, too long or contains a NUL, the
 * agent is too long, the prefix is over 128, or buf is too small.
 */
int
ident_build(const char *counter, const struct addr *a, unsigned int prefix6,
    const char *agent, size_t agentlen, unsigned char *buf, size_t bufsz,
    size_t *len)
{
	size_t		 clen, alen, need, i;
	unsigned int	 keep;

	if (counter == NULL || a == NULL || prefix6 > 128)
		return -1;
	clen = strlen(counter);
	if (clen == 0 || clen > COUNTER_MAX)
		return -1;
	if (a->family == AF_INET && a->len == 4)
		keep = 32;
	else if (a->family == AF_INET6 && a->len == 16)
		keep = prefix6;
	else
		return -1;
	if (agent == NULL)
		agentlen = 0;
	if (agentlen > AGENT_MAX)
		return -1;
	alen = a->len;
	need = clen + 1 + 1 + alen + agentlen;
	if (need > bufsz)
		return -1;

	memcpy(buf, counter, clen + 1);
	buf[clen + 1] = a->family == AF_INET6 ? 6 : 4;
	/* The bits past the prefix are zero, not left out: fixed length. */
	for (i = 0; i < alen; i++) {
		if (keep >= 8 * (i + 1))
			buf[clen + 2 + i] = a->bytes[i];
		else if (keep > 8 * i)
			buf[clen + 2 + i] = a->bytes[i] &
			    (unsigned char)(0xff << (8 - (keep - 8 * i)));
		else
			buf[clen + 2 + i] = 0;
	}
	if (agentlen > 0)
		memcpy(buf + clen + 2 + alen, agent, agentlen);
	*len = need;
	return 0;
}
