/*
 * Shared by the libFuzzer harnesses: a NUL-terminated copy of the input
 * (footfall's parsers take C strings, as libfcgi hands them over).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char *
fuzz_str(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Fail loudly: a broken invariant is a finding like a crash. */
#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)
