#include "config.h"

#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

Test(hex, digit)
{
	int	 c;

	for (c = -1; c < 256; c++) {
		if (c >= '0' && c <= '9')
			cr_assert_eq(hex_digit(c), c - '0', "%d", c);
		else if (c >= 'a' && c <= 'f')
			cr_assert_eq(hex_digit(c), c - 'a' + 10, "%d", c);
		else if (c >= 'A' && c <= 'F')
			cr_assert_eq(hex_digit(c), c - 'A' + 10, "%d", c);
		else
			cr_assert_eq(hex_digit(c), -1, "%d", c);
	}
}

/* Arrays: Criterion may run each case in a new process image. */
struct hex_case {
	char		 s[16];
	size_t		 n;
	int		 rc;
	unsigned char	 want[4];
};

ParameterizedTestParameters(hex, decode)
{
	static struct hex_case t[] = {
		{ "", 0, 0, { 0 } },
		{ "00ff", 2, 0, { 0x00, 0xff } },
		{ "DEADbeef", 4, 0, { 0xde, 0xad, 0xbe, 0xef } },
		{ "0a1B", 2, 0, { 0x0a, 0x1b } },
		/* Too short, too long, odd, or not hex. */
		{ "00f", 2, -1, { 0 } },
		{ "00ff0", 2, -1, { 0 } },
		{ "00ff00", 2, -1, { 0 } },
		{ "0g", 1, -1, { 0 } },
		{ " 0f", 2, -1, { 0 } },
		{ "0x", 1, -1, { 0 } },
		{ "", 1, -1, { 0 } },
	};

	return cr_make_param_array(struct hex_case, t, NELEM(t));
}

ParameterizedTest(struct hex_case *t, hex, decode)
{
	unsigned char	 out[4] = { 0x55, 0x55, 0x55, 0x55 };
	unsigned char	 untouched[4] = { 0x55, 0x55, 0x55, 0x55 };

	cr_assert_eq(hex_decode(t->s, out, t->n), t->rc, "\"%s\", %zu", t->s,
	    t->n);
	if (t->rc == 0)
		cr_assert_arr_eq(out, t->want, t->n, "\"%s\"", t->s);
	else
		cr_assert_arr_eq(out, untouched, sizeof(out),
		    "\"%s\": out left untouched", t->s);
}
