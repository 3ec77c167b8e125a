/*
 * Hexadecimal digits, the one decoder of them: percent-escapes in a
 * query (RFC 3986 section 2.1), the admin token's SHA-256, a badge's
 * colour and the visitor keys as the database encodes them.
 */
#include "config.h"

#include <stddef.h>

#include "footfall.h"

/* The value of the hex digit c, either case: 0 to 15, or -1.  Pure. */
int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * s, exactly 2 * n hex digits and its NUL, into the n bytes of out.
 * Returns 0, or -1 leaving out untouched.  Pure.
 */
int
hex_decode(const char *s, unsigned char *out, size_t n)
{
	size_t	 i;

	/* Each digit is checked before the next is read: s may be short. */
	for (i = 0; i < 2 * n; i++)
		if (hex_digit((unsigned char)s[i]) == -1)
			return -1;
	if (s[2 * n] != '\0')
		return -1;
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)(hex_digit((unsigned char)s[2 * i]) <<
		    4 | hex_digit((unsigned char)s[2 * i + 1]));
	return 0;
}
