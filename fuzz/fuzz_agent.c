/*
 * agent_is_bot and agent_family: the User-Agent header, any bytes.
 * agent_is_bot with the shipped data/bots.txt answers as the plain way
 * would (fold ASCII case, look for each pattern where it may begin), and
 * agent_family names one of the families.
 */
#include "config.h"

#include <stdio.h>
#include <strings.h>

#include "footfall.h"
#include "fuzz.h"

#define SCAN_MAX	1024	/* agent.c's AGENT_SCAN_MAX */

static struct agent_bots	*bots;
static char			 pats[AGENT_PATTERNS_MAX][AGENT_PATTERN_MAX + 1];
static size_t			 npats;

/* Load $top_srcdir/data/bots.txt, and its patterns for the plain way. */
static void
fuzz_init(void)
{
	const char	*top = getenv("top_srcdir"), *errstr;
	char		 path[4096], line[512], *s;
	size_t		 n, i, lineno;
	FILE		*f;

	snprintf(path, sizeof(path), "%s/data/bots.txt",
	    top == NULL ? "." : top);
	if ((bots = agent_bots_load(path, &lineno, &errstr)) == NULL) {
		fprintf(stderr, "%s line %zu: %s\n", path, lineno, errstr);
		abort();
	}
	FUZZ_CHECK((f = fopen(path, "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		s = line + strspn(line, " \t");
		n = strcspn(s, "\r\n");
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == 0 || *s == '#')
			continue;
		for (i = 0; i < n; i++)
			pats[npats][i] = s[i] >= 'A' && s[i] <= 'Z' ?
			    s[i] + ('a' - 'A') : s[i];
		pats[npats++][n] = '\0';
	}
	fclose(f);
	FUZZ_CHECK(npats == agent_bots_count(bots));
}

static int
plain_is_bot(const char *ua)
{
	size_t	 i, j, len = strlen(ua);

	for (i = 0; i < len && i < SCAN_MAX; i++)
		for (j = 0; j < npats; j++)
			if (strncasecmp(ua + i, pats[j], strlen(pats[j])) == 0)
				return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const families[] = { "Edge", "Opera",
	    "Samsung Internet", "Chrome", "Firefox", "Safari", "Other" };
	const char	*fam;
	char		*s;
	size_t		 i;

	if (bots == NULL)
		fuzz_init();
	s = fuzz_str(data, size);
	FUZZ_CHECK(agent_is_bot(bots, s) == plain_is_bot(s));
	fam = agent_family(s);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (strcmp(fam, families[i]) == 0)
			break;
	FUZZ_CHECK(i < sizeof(families) / sizeof(families[0]));
	free(s);
	return 0;
}
