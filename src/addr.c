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
