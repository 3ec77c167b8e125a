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
