/*
 * addr_parse: REMOTE_ADDR as the web server passes it.  Anything it
 * accepts is a 4- or 16-byte address; an IPv4-mapped IPv6 address is
 * the same visitor as its IPv4 form.  addr_net_parse: an ignore list
 * entry.  Anything it accepts has a prefix no wider than its family, no
 * host bits, and holds its own address.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include "footfall.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr	 a, b;
	struct addr_net	 n;
	char		*s, buf[INET6_ADDRSTRLEN];
	size_t		 i;
	int		 rc;

	s = fuzz_str(data, size);
	memset(&a, 0xa5, sizeof(a));
	if (addr_parse(s, &a) == 0) {
		FUZZ_CHECK((a.family == AF_INET && a.len == 4) ||
		    (a.family == AF_INET6 && a.len == 16));
		(void)addr_is_loopback(&a);
		/* Its canonical text parses back to the same address. */
		FUZZ_CHECK(inet_ntop(a.family, a.bytes, buf, sizeof(buf)) != NULL);
		FUZZ_CHECK(addr_parse(buf, &b) == 0);
		FUZZ_CHECK(b.len == a.len && memcmp(a.bytes, b.bytes, a.len) == 0);
	}
	memset(&n, 0xa5, sizeof(n));
	if ((rc = addr_net_parse(s, &n)) != -1) {
		FUZZ_CHECK(rc == 0 || rc == 1);
		FUZZ_CHECK((n.a.family == AF_INET && n.a.len == 4) ||
		    (n.a.family == AF_INET6 && n.a.len == 16));
		FUZZ_CHECK(n.bits <= n.a.len * 8);
		for (i = (n.bits + 7) / 8; i < n.a.len; i++)
			FUZZ_CHECK(n.a.bytes[i] == 0);
		if (n.bits % 8 != 0)
			FUZZ_CHECK((n.a.bytes[n.bits / 8] &
			    (0xff >> (n.bits % 8))) == 0);
		FUZZ_CHECK(addr_in_net(&n.a, &n) == 1);
		/* A bare address that parses is its own /32 or /128. */
		if (rc == 0 && addr_parse(s, &b) == 0)
			FUZZ_CHECK(n.bits == b.len * 8 &&
			    memcmp(n.a.bytes, b.bytes, b.len) == 0);
	} else
		FUZZ_CHECK(n.a.family == 0 && n.bits == 0);
	free(s);
	return 0;
}
