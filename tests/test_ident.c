/*
 * ident.c: what a visitor's hash is computed over.  The table holds the
 * exact bytes, so that a change to the identity (which would make every
 * stored visitor new again) cannot go unnoticed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
hex(const unsigned char *p, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * n] = '\0';
}

Test(ident, table)
{
	static const struct {
		const char	*counter;
		const char	*addr;
		unsigned int	 prefix6;
		const char	*agent;		/* NULL: not in the identity */
		const char	*want;		/* hex, or NULL: refused */
	} t[] = {
		/* "default" NUL, family 4, the address */
		{ "default", "192.0.2.1", 64, NULL,
		    "64656661756c7400" "04" "c0000201" },
		/* a mapped IPv6 address is its IPv4 address */
		{ "default", "::ffff:192.0.2.1", 64, NULL,
		    "64656661756c7400" "04" "c0000201" },
		/* the counter keeps one visitor's counters apart */
		{ "blog", "192.0.2.1", 64, NULL,
		    "626c6f6700" "04" "c0000201" },
		/* IPv6: /64 by default, the rest zero */
		{ "default", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64, NULL,
		    "64656661756c7400" "06"
		    "20010db800010002" "0000000000000000" },
		{ "default", "2001:db8:1:2:1234::1", 64, NULL,
		    "64656661756c7400" "06"
		    "20010db800010002" "0000000000000000" },
		/* a prefix inside a byte keeps its leading bits only */
		{ "default", "2001:db8:1:2ff::", 60, NULL,
		    "64656661756c7400" "06"
		    "20010db8000102f0" "0000000000000000" },
		{ "default", "2001:db8::ffff", 128, NULL,
		    "64656661756c7400" "06"
		    "20010db800000000" "000000000000ffff" },
		{ "default", "2001:db8::1", 0, NULL,
		    "64656661756c7400" "06"
		    "0000000000000000" "0000000000000000" },
		/* an IPv4 address is never cut */
		{ "default", "198.51.100.77", 0, NULL,
		    "64656661756c7400" "04" "c633644d" },
		/* identity = address+agent: the raw bytes follow */
		{ "default", "192.0.2.1", 64, "curl/7.88",
		    "64656661756c7400" "04" "c0000201" "6375726c2f372e3838" },
		{ "default", "192.0.2.1", 64, "",
		    "64656661756c7400" "04" "c0000201" },
		/* refused */
		{ "", "192.0.2.1", 64, NULL, NULL },
		{ "default", "192.0.2.1", 129, NULL, NULL },
		{ "x012345678901234567890123456789012345678901234567890123456789"
		    "abcd", "192.0.2.1", 64, NULL, NULL },
	};
	unsigned char	 buf[IDENT_MAX];
	char		 got[2 * IDENT_MAX + 1], want[2 * IDENT_MAX + 1];
	struct addr	 a;
	size_t		 i, j, k, len;
	int		 rc;

	for (i = 0; i < NELEM(t); i++) {
		cr_assert_eq(addr_parse(t[i].addr, &a), 0, "%s", t[i].addr);
		rc = ident_build(t[i].counter, &a, t[i].prefix6, t[i].agent,
		    t[i].agent == NULL ? 0 : strlen(t[i].agent), buf,
		    sizeof(buf), &len);
		if (t[i].want == NULL) {
			cr_expect_eq(rc, -1, "row %zu refused", i);
			continue;
		}
		cr_assert_eq(rc, 0, "row %zu", i);
		for (j = k = 0; t[i].want[j] != '\0'; j++)
			if (t[i].want[j] != ' ')
				want[k++] = t[i].want[j];
		want[k] = '\0';
		hex(buf, len, got);
		cr_expect_str_eq(got, want, "row %zu (%s /%u)", i, t[i].addr,
		    t[i].prefix6);
	}
}

Test(ident, limits)
{
	unsigned char	 buf[IDENT_MAX], small[12];
	char		 agent[AGENT_MAX + 1], counter[COUNTER_MAX + 1];
	struct addr	 a;
	size_t		 len;

	cr_assert_eq(addr_parse("2001:db8::1", &a), 0);
	memset(agent, 'A', sizeof(agent));
	memset(counter, 'c', COUNTER_MAX);
	counter[COUNTER_MAX] = '\0';
	/* the longest identity fits IDENT_MAX exactly */
	cr_assert_eq(ident_build(counter, &a, 64, agent, AGENT_MAX, buf,
	    sizeof(buf), &len), 0);
	cr_assert_eq(len, (size_t)IDENT_MAX);
	cr_assert_eq(ident_build(counter, &a, 64, agent, AGENT_MAX + 1, buf,
	    sizeof(buf), &len), -1, "agent too long");
	cr_assert_eq(ident_build("default", &a, 64, NULL, 0, small,
	    sizeof(small), &len), -1, "buffer too small");
	/* agent bytes are raw: a NUL or invalid UTF-8 is just a byte */
	cr_assert_eq(ident_build("default", &a, 64, "\xff\0\xfe", 3, buf,
	    sizeof(buf), &len), 0);
	cr_assert_eq(len, 8 + 1 + 16 + 3);
	cr_assert(memcmp(buf + 25, "\xff\0\xfe", 3) == 0);
}
