#include "config.h"

#include <sys/socket.h>
#include <stddef.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

Test(addr, good)
{
	static const struct {
		const char	*in;
		int		 family;
		size_t		 len;
		unsigned char	 bytes[16];
	} t[] = {
		{ "1.2.3.4", AF_INET, 4, { 1, 2, 3, 4 } },
		{ "192.0.2.1", AF_INET, 4, { 192, 0, 2, 1 } },
		{ "0.0.0.0", AF_INET, 4, { 0, 0, 0, 0 } },
		{ "255.255.255.255", AF_INET, 4, { 255, 255, 255, 255 } },
		{ "::ffff:1.2.3.4", AF_INET, 4, { 1, 2, 3, 4 } },
		{ "::ffff:0102:0304", AF_INET, 4, { 1, 2, 3, 4 } },
		{ "::1", AF_INET6, 16,
		    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
		{ "2001:db8::2", AF_INET6, 16,
		    { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		      0, 0, 0, 0, 0, 0, 0, 2 } },
		{ "fe80::1", AF_INET6, 16,
		    { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
	};
	struct addr	 a;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		cr_assert_eq(addr_parse(t[i].in, &a), 0, "parse \"%s\"",
		    t[i].in);
		cr_assert_eq(a.family, t[i].family, "family of \"%s\"",
		    t[i].in);
		cr_assert_eq(a.len, t[i].len, "len of \"%s\"", t[i].in);
		cr_assert_arr_eq(a.bytes, t[i].bytes, t[i].len,
		    "bytes of \"%s\"", t[i].in);
	}
}

Test(addr, mapped_folds_to_v4)
{
	struct addr	 v4, mapped;

	cr_assert_eq(addr_parse("1.2.3.4", &v4), 0);
	cr_assert_eq(addr_parse("::ffff:1.2.3.4", &mapped), 0);
	cr_assert_eq(mapped.family, AF_INET);
	cr_assert_eq(mapped.len, 4);
	cr_assert_arr_eq(mapped.bytes, v4.bytes, 4);
	cr_assert(memcmp(&mapped, &v4, sizeof(v4)) == 0,
	    "whole struct equal, padding bytes zeroed");
}

Test(addr, bad)
{
	static const char *const t[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", " 1.2.3.4",
		"1.2.3.4 ", "fe80::1%eth0", "[::1]", "1.2.3.4:80",
		"::ffff:1.2.3.4x", "localhost", "::g", "1:2:3:4:5:6:7:8:9",
		"0000:0000:0000:0000:0000:ffff:001.002.003.004",
	};
	struct addr	 a;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		memset(&a, 0xaa, sizeof(a));
		cr_assert_eq(addr_parse(t[i], &a), -1, "reject \"%s\"", t[i]);
		cr_assert_eq(a.family, 0, "zeroed after \"%s\"", t[i]);
		cr_assert_eq(a.len, 0, "zeroed after \"%s\"", t[i]);
	}
	cr_assert_eq(addr_parse(NULL, &a), -1, "reject NULL");
}

Test(addr, loopback)
{
	static const struct {
		const char	*in;
		int		 want;
	} t[] = {
		{ "127.0.0.1", 1 }, { "127.255.255.254", 1 }, { "127.0.0.2", 1 },
		{ "::1", 1 }, { "::ffff:127.0.0.1", 1 },
		{ "128.0.0.1", 0 }, { "126.255.255.255", 0 }, { "10.0.0.1", 0 },
		{ "::", 0 }, { "::2", 0 }, { "1::", 0 }, { "fe80::1", 0 },
		{ "::127.0.0.1", 0 }, { "2001:db8::1", 0 },
	};
	struct addr	 a;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		cr_assert_eq(addr_parse(t[i].in, &a), 0, "parse \"%s\"",
		    t[i].in);
		cr_assert_eq(addr_is_loopback(&a), t[i].want,
		    "loopback \"%s\"", t[i].in);
	}
}

Test(addr, net_parse)
{
	static const struct {
		const char	*in;
		int		 rc;		/* 1: host bits were cleared */
		int		 family;
		unsigned int	 bits;
		unsigned char	 bytes[16];
	} t[] = {
		{ "192.0.2.0/24", 0, AF_INET, 24, { 192, 0, 2, 0 } },
		{ "192.0.2.1/24", 1, AF_INET, 24, { 192, 0, 2, 0 } },
		{ "192.0.2.255/24", 1, AF_INET, 24, { 192, 0, 2, 0 } },
		{ "192.0.2.1", 0, AF_INET, 32, { 192, 0, 2, 1 } },
		{ "192.0.2.1/32", 0, AF_INET, 32, { 192, 0, 2, 1 } },
		{ "0.0.0.0/0", 0, AF_INET, 0, { 0 } },
		{ "10.1.2.3/0", 1, AF_INET, 0, { 0 } },
		{ "192.0.2.128/25", 0, AF_INET, 25, { 192, 0, 2, 128 } },
		{ "192.0.2.129/25", 1, AF_INET, 25, { 192, 0, 2, 128 } },
		{ "172.31.255.255/12", 1, AF_INET, 12, { 172, 16, 0, 0 } },
		{ "255.255.255.255/1", 1, AF_INET, 1, { 128, 0, 0, 0 } },
		{ "192.0.2.0/31", 0, AF_INET, 31, { 192, 0, 2, 0 } },
		{ "2001:db8::/32", 0, AF_INET6, 32,
		    { 0x20, 0x01, 0x0d, 0xb8 } },
		{ "2001:db8::1/32", 1, AF_INET6, 32,
		    { 0x20, 0x01, 0x0d, 0xb8 } },
		{ "2001:db8::1", 0, AF_INET6, 128,
		    { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		      0, 0, 0, 0, 0, 0, 0, 1 } },
		{ "2001:db8:0:1::/64", 0, AF_INET6, 64,
		    { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 } },
		{ "febf::/10", 1, AF_INET6, 10, { 0xfe, 0x80 } },
		{ "::/0", 0, AF_INET6, 0, { 0 } },
		{ "::1/128", 0, AF_INET6, 128,
		    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
		/* IPv4-mapped: the IPv4 network, prefix less 96 */
		{ "::ffff:192.0.2.0/120", 0, AF_INET, 24, { 192, 0, 2, 0 } },
		{ "::ffff:192.0.2.1/120", 1, AF_INET, 24, { 192, 0, 2, 0 } },
		{ "::ffff:192.0.2.7", 0, AF_INET, 32, { 192, 0, 2, 7 } },
		{ "::ffff:192.0.2.7/128", 0, AF_INET, 32, { 192, 0, 2, 7 } },
		{ "::ffff:c000:280/121", 0, AF_INET, 25, { 192, 0, 2, 128 } },
		{ "::ffff:0.0.0.0/96", 0, AF_INET, 0, { 0 } },
	};
	struct addr_net	 n;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		cr_assert_eq(addr_net_parse(t[i].in, &n), t[i].rc,
		    "parse \"%s\"", t[i].in);
		cr_assert_eq(n.a.family, t[i].family, "family of \"%s\"",
		    t[i].in);
		cr_assert_eq(n.a.len, t[i].family == AF_INET ? 4u : 16u,
		    "len of \"%s\"", t[i].in);
		cr_assert_eq(n.bits, t[i].bits, "bits of \"%s\"", t[i].in);
		cr_assert_arr_eq(n.a.bytes, t[i].bytes, 16, "bytes of \"%s\"",
		    t[i].in);
	}
}

Test(addr, net_parse_bad)
{
	static const char *const t[] = {
		"", "/", "/24", "192.0.2.0/", "192.0.2.0/33", "192.0.2.0/-1",
		"192.0.2.0/+8", "192.0.2.0/024", "192.0.2.0/00",
		"192.0.2.0/ 24", "192.0.2.0/24 ", " 192.0.2.0/24",
		"192.0.2.0/24/8", "192.0.2.0/2a", "192.0.2.0/0x10",
		"192.0.2.0/4294967320", "192.0.2.0/99999999999999999999",
		"192.0.2/24", "localhost/8", "2001:db8::/129",
		"2001:db8::/1000", "::ffff:192.0.2.0/95", "::ffff:0.0.0.0/0",
		"::ffff:192.0.2.0/129", "fe80::1%eth0/64", "[2001:db8::]/32",
		"2001:db8::/32,", "192.0.2.0\t/24",
		"0000:0000:0000:0000:0000:0000:0000:0000:0000/64",
	};
	struct addr_net	 n;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		memset(&n, 0xaa, sizeof(n));
		cr_assert_eq(addr_net_parse(t[i], &n), -1, "reject \"%s\"",
		    t[i]);
		cr_assert_eq(n.a.family, 0, "zeroed after \"%s\"", t[i]);
		cr_assert_eq(n.bits, 0, "zeroed after \"%s\"", t[i]);
	}
	cr_assert_eq(addr_net_parse(NULL, &n), -1, "reject NULL");
}

Test(addr, in_net)
{
	static const struct {
		const char	*net, *addr;
		int		 want;
	} t[] = {
		{ "0.0.0.0/0", "1.2.3.4", 1 },
		{ "0.0.0.0/0", "255.255.255.255", 1 },
		{ "0.0.0.0/0", "::ffff:1.2.3.4", 1 },
		{ "0.0.0.0/0", "::1", 0 },
		{ "::/0", "2001:db8::1", 1 },
		{ "::/0", "::", 1 },
		{ "::/0", "1.2.3.4", 0 },
		{ "::/0", "::ffff:1.2.3.4", 0 },
		{ "192.0.2.7/32", "192.0.2.7", 1 },
		{ "192.0.2.7", "192.0.2.7", 1 },
		{ "192.0.2.7/32", "192.0.2.6", 0 },
		{ "192.0.2.7/32", "192.0.2.8", 0 },
		{ "192.0.2.7/32", "::ffff:192.0.2.7", 1 },
		{ "192.0.2.0/24", "192.0.2.0", 1 },
		{ "192.0.2.0/24", "192.0.2.255", 1 },
		{ "192.0.2.0/24", "192.0.1.255", 0 },
		{ "192.0.2.0/24", "192.0.3.0", 0 },
		{ "192.0.2.1/24", "192.0.2.200", 1 },
		{ "192.0.2.128/25", "192.0.2.127", 0 },
		{ "192.0.2.128/25", "192.0.2.128", 1 },
		{ "192.0.2.128/25", "192.0.2.255", 1 },
		{ "172.16.0.0/12", "172.15.255.255", 0 },
		{ "172.16.0.0/12", "172.16.0.0", 1 },
		{ "172.16.0.0/12", "172.31.255.255", 1 },
		{ "172.16.0.0/12", "172.32.0.0", 0 },
		{ "127.0.0.0/8", "::ffff:127.0.0.1", 1 },
		{ "128.0.0.0/1", "127.255.255.255", 0 },
		{ "128.0.0.0/1", "128.0.0.0", 1 },
		{ "2001:db8::1/128", "2001:db8::1", 1 },
		{ "2001:db8::1", "2001:db8::1", 1 },
		{ "2001:db8::1/128", "2001:db8::2", 0 },
		{ "2001:db8::1/128", "2001:db8::", 0 },
		{ "2001:db8::1/128", "2001:db8::1:0:0:1", 0 },
		{ "2001:db8:0:1::/64", "2001:db8:0:1::", 1 },
		{ "2001:db8:0:1::/64", "2001:db8:0:1:ffff:ffff:ffff:ffff", 1 },
		{ "2001:db8:0:1::/64", "2001:db8:0:0:ffff:ffff:ffff:ffff", 0 },
		{ "2001:db8:0:1::/64", "2001:db8:0:2::", 0 },
		{ "fe80::/10", "fe80::1", 1 },
		{ "fe80::/10", "febf:ffff::1", 1 },
		{ "fe80::/10", "fec0::", 0 },
		{ "fe80::/10", "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
		{ "::ffff:192.0.2.0/120", "192.0.2.5", 1 },
		{ "::ffff:192.0.2.0/120", "::ffff:192.0.2.5", 1 },
		{ "::ffff:192.0.2.0/120", "192.0.3.0", 0 },
		{ "::ffff:192.0.2.0/120", "2001:db8::", 0 },
		{ "::1/128", "::1", 1 },
		{ "::1/128", "127.0.0.1", 0 },
		/* IPv4-compatible (deprecated) is IPv6, not folded */
		{ "::/96", "::1.2.3.4", 1 },
		{ "::/96", "1.2.3.4", 0 },
	};
	struct addr_net	 n;
	struct addr	 a;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		cr_assert_neq(addr_net_parse(t[i].net, &n), -1, "net \"%s\"",
		    t[i].net);
		cr_assert_eq(addr_parse(t[i].addr, &a), 0, "addr \"%s\"",
		    t[i].addr);
		cr_assert_eq(addr_in_net(&a, &n), t[i].want,
		    "\"%s\" in \"%s\"", t[i].addr, t[i].net);
	}
}
