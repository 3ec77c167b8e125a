/*
 * cors_origin_valid and cors_decide: the Origin header(s) of a request
 * against a list of allowed origins.  The input is split at newlines:
 * the first line is the allow list (space-separated, the valid ones
 * kept), the rest are the request's Origin headers.  An origin is
 * allowed only if it is the only one and is listed exactly.
 */
#include "config.h"

#include "footfall.h"
#include "fuzz.h"

#define FUZZ_MAX	16

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, *line, *tok, *save, *allow[FUZZ_MAX];
	char	*origins[FUZZ_MAX];
	size_t	 nallow = 0, norig = 0, i;
	enum cors c;
	int	 listed = 0;

	s = fuzz_str(data, size);
	line = strsep(&s, "\n");
	for (tok = strtok_r(line, " ", &save); tok != NULL && nallow < FUZZ_MAX;
	    tok = strtok_r(NULL, " ", &save))
		if (cors_origin_valid(tok))
			allow[nallow++] = tok;
	while (s != NULL && norig < FUZZ_MAX)
		origins[norig++] = strsep(&s, "\n");

	c = cors_decide(norig > 0 ? origins[0] : NULL, norig, allow, nallow);
	FUZZ_CHECK(c >= 0 && c < CORS__MAX);
	if (norig == 0)
		FUZZ_CHECK(c == CORS_NONE);
	if (norig > 1)
		FUZZ_CHECK(c == CORS_DENY);
	if (c == CORS_ALLOW) {
		for (i = 0; i < nallow; i++)
			if (strcmp(allow[i], origins[0]) == 0)
				listed = 1;
		FUZZ_CHECK(listed);
		FUZZ_CHECK(strcmp(origins[0], "null") != 0);
	}
	free(line);
	return 0;
}
