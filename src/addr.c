/*
 * Client address parsing.  The address is REMOTE_ADDR as the web server
 * saw it (RFC 3875 section 4.1.8); trusting a proxy in front of the web
 * server is the web server's business (nginx realip, Apache mod_remoteip),
 * so no forwarding header is ever read here.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "footfall.h"

/* ::ffff:0:0/96, the IPv4-mapped prefix of RFC 4291 section 2.5.5.2. */
static const unsigned char addr_mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/*
 * Parse a textual IPv4 or IPv6 address into its canonical binary form.
 * An IPv4-mapped IPv6 address is folded to IPv4, so that one visitor seen
 * over a dual-stack socket and over plain IPv4 hashes the same.  Zone
 * identifiers ("%eth0"), surrounding brackets, ports and whitespace are
 * rejected: REMOTE_ADDR carries none of them.
 * Returns 0 and fills *out, or -1.  Pure.
 */
int
addr_parse(const char *s, struct addr *out)
{
	struct in_addr	 v4;
	struct in6_addr	 v6;

	memset(out, 0, sizeof(*out));
	if (s == NULL || *s == '\0' || strlen(s) >= INET6_ADDRSTRLEN)
		return -1;

	if (inet_pton(AF_INET, s, &v4) == 1) {
		out->family = AF_INET;
		out->len = 4;
		memcpy(out->bytes, &v4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &v6) == 1) {
		if (memcmp(v6.s6_addr, addr_mapped, sizeof(addr_mapped)) == 0) {
			out->family = AF_INET;
			out->len = 4;
			memcpy(out->bytes, v6.s6_addr + 12, 4);
		} else {
			out->family = AF_INET6;
			out->len = 16;
			memcpy(out->bytes, v6.s6_addr, 16);
		}
		return 0;
	}
	return -1;
}

/*
 * Is a the loopback address: 127.0.0.0/8 (RFC 1122 section 3.2.1.3) or
 * ::1 (RFC 4291 section 2.5.3)?  A mapped IPv4 address was folded to
 * IPv4 by addr_parse.  Pure.
 */
int
addr_is_loopback(const struct addr *a)
{
	static const unsigned char v6[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
	};

	if (a->family == AF_INET)
		return a->bytes[0] == 127;
	return a->family == AF_INET6 && memcmp(a->bytes, v6, 16) == 0;
}

/*
 * Parse a network of the ignore list: "192.0.2.0/24", "2001:db8::/32",
 * or a bare address, which is the one-address network (/32, /128).
 * The prefix length is decimal without sign or leading zero, at most the
 * family's width.  An IPv4-mapped IPv6 network ("::ffff:192.0.2.0/120")
 * becomes the IPv4 network it maps (/24), as addr_parse folds a mapped
 * client address to IPv4; a mapped prefix shorter than /96 spans more
 * than the mapped range and is refused.
 * Host bits below the prefix are cleared, as nginx's allow and deny do
 * (it warns "low address bits ... are meaningless"): 192.0.2.1/24 is
 * 192.0.2.0/24.
 * Returns 0, or 1 when host bits were set and cleared (so that the caller
 * can warn), and fills *out; -1 on anything else.  Pure.
 */
int
addr_net_parse(const char *s, struct addr_net *out)
{
	char		 buf[INET6_ADDRSTRLEN];
	const char	*slash, *p;
	size_t		 len, i;
	unsigned int	 bits, max;
	unsigned char	 keep;
	int		 mapped, masked = 0;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -1;
	slash = strchr(s, '/');
	len = slash == NULL ? strlen(s) : (size_t)(slash - s);
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (addr_parse(buf, &out->a) == -1)
		goto bad;
	/* Written as IPv6 but folded to IPv4: its prefix counts 128 bits. */
	mapped = out->a.family == AF_INET && strchr(buf, ':') != NULL;
	max = mapped ? 128 : out->a.len * 8;

	if (slash == NULL)
		bits = max;
	else {
		p = slash + 1;
		/* "0", or 1-3 digits without a leading zero. */
		if (*p < '0' || *p > '9' || (*p == '0' && p[1] != '\0'))
			goto bad;
		for (bits = 0; *p >= '0' && *p <= '9' && bits <= max; p++)
			bits = bits * 10 + (unsigned int)(*p - '0');
		if (*p != '\0' || bits > max)
			goto bad;
	}
	if (mapped) {
		if (bits < 96)
			goto bad;
		bits -= 96;
	}
	out->bits = bits;

	/* Clear the host bits: whole bytes, then the partial one. */
	for (i = bits / 8; i < out->a.len; i++) {
		keep = i == bits / 8 ? (unsigned char)(0xff00 >> (bits % 8)) : 0;
		if (out->a.bytes[i] & ~keep) {
			masked = 1;
			out->a.bytes[i] &= keep;
		}
	}
	return masked;
bad:
	memset(out, 0, sizeof(*out));
	return -1;
}

/*
 * Is a in n?  The families must agree: an IPv4 client, mapped or not,
 * is only in IPv4 networks (addr_net_parse made mapped networks IPv4).
 * Pure.
 */
int
addr_in_net(const struct addr *a, const struct addr_net *n)
{
	size_t		 whole = n->bits / 8;
	unsigned char	 keep = (unsigned char)(0xff00 >> (n->bits % 8));

	if (a->family != n->a.family || a->len != n->a.len)
		return 0;
	if (memcmp(a->bytes, n->a.bytes, whole) != 0)
		return 0;
	return n->bits % 8 == 0 ||
	    (a->bytes[whole] & keep) == n->a.bytes[whole];
}
