/*
 * addr_parse: REMOTE_ADDR as the web server passes it.  Anything it
 * accepts is a 4- or 16-byte address; an IPv4-mapped IPv6 address is
 * the same visitor as its IPv4 form.
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
	char		*s, buf[INET6_ADDRSTRLEN];

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
	free(s);
	return 0;
}
