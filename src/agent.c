/*
 * The User-Agent header (RFC 9110 section 10.1.5): is the visit a known
 * crawler or link-preview bot, and which browser family goes into the
 * visit log.  The header is whatever the client sent, any bytes at all;
 * nothing here trusts it to be ASCII, UTF-8 or short.
 *
 * Bot patterns come from a file (bots_file, default the shipped
 * data/bots.txt): one case-insensitive substring of the User-Agent a line.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "footfall.h"

/*
 * Every visit asks agent_is_bot, so the match must not cost one strstr(3)
 * a pattern.  Patterns of two bytes or more are indexed by their first two
 * bytes: a 65536-bit map says whether any pattern starts with a pair, and
 * the patterns are sorted by that pair.  One pass over the User-Agent
 * then looks at each position's pair in the map and compares patterns
 * only where one starts, which on a browser's User-Agent is almost
 * nowhere.  One-byte patterns (allowed, if unwise) have a map of their own.
 */
struct agent_pat {
	unsigned int	 key;	/* first two bytes: byte 0 << 8 | byte 1 */
	size_t		 len;
	char		 s[AGENT_PATTERN_MAX + 1];	/* lowercased */
};

struct agent_bots {
	struct agent_pat *pats;		/* sorted by key */
	size_t		  npats;	/* in pats */
	size_t		  cap;		/* room in pats */
	size_t		  nall;		/* pats and one-byte patterns */
	uint64_t	  pair[65536 / 64];
	uint64_t	  one[256 / 64];
};

#define AGENT_SCAN_MAX	1024	/* User-Agent bytes where a pattern may begin */

#define BIT_SET(map, i)	((map)[(i) / 64] |= (uint64_t)1 << ((i) % 64))
#define BIT_ISSET(map, i) (((map)[(i) / 64] >> ((i) % 64)) & 1)

/* ASCII case folding only: a locale must not change what matches. */
static inline unsigned int
agent_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
agent_pat_cmp(const void *a, const void *b)
{
	const struct agent_pat	*pa = a, *pb = b;

	return pa->key < pb->key ? -1 : pa->key > pb->key;
}

/*
 * Take one line of the pattern file (n bytes, maybe with embedded NULs
 * and its newline).  Returns 0 (a pattern added, or a comment or blank
 * line) or -1 with *errstr, a static string.
 */
static int
agent_bots_add(struct agent_bots *b, const char *line, size_t n,
    const char **errstr)
{
	struct agent_pat	*p;
	const char		*s = line;
	size_t			 i;

	/* Blanks around the pattern go, a CR of a CRLF file with them. */
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n == 0 || *s == '#')
		return 0;

	if (n > AGENT_PATTERN_MAX) {
		*errstr = "pattern longer than 128 bytes";
		return -1;
	}
	/*
	 * Printable ASCII only: case folding is ASCII's, and a control
	 * byte or a UTF-8 sequence in a pattern is a damaged file rather
	 * than a User-Agent anyone sends.
	 */
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) {
			*errstr = "pattern has a byte that is not printable "
			    "ASCII";
			return -1;
		}
	if (b->nall == AGENT_PATTERNS_MAX) {
		*errstr = "more than 4096 patterns";
		return -1;
	}

	if (n == 1) {
		BIT_SET(b->one, agent_lower((unsigned char)s[0]));
		b->nall++;
		return 0;
	}
	if (b->npats == b->cap) {
		p = reallocarray(b->pats, b->cap == 0 ? 64 : b->cap * 2,
		    sizeof(*p));
		if (p == NULL) {
			*errstr = "out of memory";
			return -1;
		}
		b->pats = p;
		b->cap = b->cap == 0 ? 64 : b->cap * 2;
	}
	p = &b->pats[b->npats++];
	for (i = 0; i < n; i++)
		p->s[i] = (char)agent_lower((unsigned char)s[i]);
	p->s[n] = '\0';
	p->len = n;
	p->key = (unsigned char)p->s[0] << 8 | (unsigned char)p->s[1];
	BIT_SET(b->pair, p->key);
	b->nall++;
	return 0;
}

/*
 * Load the bot patterns of path.  Returns a table to free with
 * agent_bots_free, or NULL with *errstr (static) and *lineno: the line
 * at fault, or 0 when the fault is the file's (it cannot be opened or
 * read), so that the caller can say "bots_file PATH line N: ERRSTR".
 * An empty file is a valid list that matches nothing.
 */
struct agent_bots *
agent_bots_load(const char *path, size_t *lineno, const char **errstr)
{
	struct agent_bots	*b;
	FILE			*f = NULL;
	char			*line = NULL;
	size_t			 cap = 0;
	ssize_t			 n;

	*lineno = 0;
	*errstr = NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		*errstr = "out of memory";
		goto fail;
	}
	if ((f = fopen(path, "re")) == NULL) {
		*errstr = strerror(errno);
		goto fail;
	}
	for (;;) {
		errno = 0;
		if ((n = getline(&line, &cap, f)) == -1)
			break;
		(*lineno)++;
		if (agent_bots_add(b, line, (size_t)n, errstr) == -1)
			goto fail;
	}
	/* getline(3) says -1 both at the end and on an error (ENOMEM too). */
	if (ferror(f) || !feof(f)) {
		*lineno = 0;
		*errstr = strerror(errno != 0 ? errno : EIO);
		goto fail;
	}
	if (b->npats > 1)
		qsort(b->pats, b->npats, sizeof(b->pats[0]), agent_pat_cmp);
	*lineno = 0;
	goto out;
fail:
	agent_bots_free(b);
	b = NULL;
out:
	free(line);
	if (f != NULL)
		fclose(f);
	return b;
}

void
agent_bots_free(struct agent_bots *b)
{
	if (b == NULL)
		return;
	free(b->pats);
	free(b);
}

/* How many patterns b holds, for the start-up log line. */
size_t
agent_bots_count(const struct agent_bots *b)
{
	return b == NULL ? 0 : b->nall;
}

/*
 * Does a pattern whose first two bytes are key (in the map) start at u?
 * The patterns with that key are a run in the sorted array.  A pattern
 * byte is never NUL, so the comparison stops at the User-Agent's end.
 */
static int
agent_match_at(const struct agent_bots *b, unsigned int key,
    const unsigned char *u)
{
	const struct agent_pat	*p;
	size_t			 lo = 0, hi = b->npats, mid, j;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (b->pats[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (p = &b->pats[lo]; p < b->pats + b->npats && p->key == key; p++) {
		for (j = 2; j < p->len; j++)
			if (agent_lower(u[j]) != (unsigned char)p->s[j])
				break;
		if (j == p->len)
			return 1;
	}
	return 0;
}

/*
 * Is ua (NULL: no header) a bot by b (NULL: no list)?  ASCII letters
 * match either case; any other byte only itself.  A pattern must begin
 * in the first AGENT_SCAN_MAX bytes: real User-Agents are far shorter,
 * and the bound keeps a header of kilobytes built to hit the index at
 * every byte ("gogogo...") from costing more than a real one tenfold.
 * Pure.
 */
int
agent_is_bot(const struct agent_bots *b, const char *ua)
{
	const unsigned char	*u = (const unsigned char *)ua;
	unsigned int		 c, next, key;
	size_t			 i;

	if (b == NULL || ua == NULL || *ua == '\0')
		return 0;
	/* Each byte is folded once: c is u[i], next u[i + 1]. */
	for (i = 0, c = agent_lower(u[0]); i < AGENT_SCAN_MAX; i++, c = next) {
		if (BIT_ISSET(b->one, c))
			return 1;
		if (u[i + 1] == '\0')
			break;
		next = agent_lower(u[i + 1]);
		key = c << 8 | next;
		if (BIT_ISSET(b->pair, key) && agent_match_at(b, key, u + i))
			return 1;
	}
	return 0;
}

/*
 * The browser family of ua for the visit log: the raw header is never
 * stored, only one of a handful of names.  Browsers copy each other's
 * tokens (every Chromium browser says "Chrome/ ... Safari/", every iOS
 * browser "Safari/"), so the checks go from the most specific token to
 * the least.  Chromium browsers with a token of their own that is not one
 * of the families are "Other" rather than "Chrome".  Pure.
 */
const char *
agent_family(const char *ua)
{
	static const struct {
		const char	*token;
		const char	*family;
	} t[] = {
		/* Edge (Chromium), Edge on Android, on iOS; EdgeHTML. */
		{ "Edg/", "Edge" }, { "EdgA/", "Edge" }, { "EdgiOS/", "Edge" },
		{ "Edge/", "Edge" },
		/* Opera (Chromium), Opera Touch on iOS; Presto, Mini. */
		{ "OPR/", "Opera" }, { "OPT/", "Opera" }, { "Opera", "Opera" },
		{ "SamsungBrowser/", "Samsung Internet" },
		{ "YaBrowser/", "Other" }, { "UCBrowser/", "Other" },
		{ "Vivaldi/", "Other" }, { "MiuiBrowser/", "Other" },
		{ "HuaweiBrowser/", "Other" }, { "Whale/", "Other" },
		/* Firefox on iOS says "Safari/" but never "Chrome/". */
		{ "Firefox/", "Firefox" }, { "FxiOS/", "Firefox" },
		/* Chrome on iOS is CriOS; HeadlessChrome/ holds Chrome/. */
		{ "Chrome/", "Chrome" }, { "CriOS/", "Chrome" },
		{ "Chromium/", "Chrome" },
	};
	size_t	 i;

	if (ua == NULL || *ua == '\0')
		return "Other";
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strstr(ua, t[i].token) != NULL)
			return t[i].family;
	/*
	 * What is left with "Safari/" is Safari, or a WebKit view that
	 * says so, except Android's old stock browser ("Version/4.0
	 * Mobile Safari/534.30"), which is not Apple's.
	 */
	if (strstr(ua, "Safari/") != NULL && strstr(ua, "Android") == NULL)
		return "Safari";
	return "Other";
}
