/*
 * agent.c: which User-Agents are bots, and the browser family of the
 * rest.  The User-Agents are real ones, as the crawlers document them
 * and as the browsers send them, so that the shipped data/bots.txt is
 * tested against what it will see.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Crawlers and preview fetchers, each with the name data/bots.txt has. */
static const struct {
	const char	*pattern;	/* its own line in data/bots.txt */
	const char	*ua;
} bots[] = {
	{ "Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; "
	    "+http://www.google.com/bot.html)" },
	{ "Googlebot", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X "
	    "Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
	    "Chrome/120.0.6099.216 Mobile Safari/537.36 (compatible; "
	    "Googlebot/2.1; +http://www.google.com/bot.html)" },
	{ "bingbot", "Mozilla/5.0 (compatible; bingbot/2.0; "
	    "+http://www.bing.com/bingbot.htm)" },
	{ "DuckDuckBot", "DuckDuckBot/1.1; "
	    "(+http://duckduckgo.com/duckduckbot.html)" },
	{ "Baiduspider", "Mozilla/5.0 (compatible; Baiduspider/2.0; "
	    "+http://www.baidu.com/search/spider.html)" },
	{ "YandexBot", "Mozilla/5.0 (compatible; YandexBot/3.0; "
	    "+http://yandex.com/bots)" },
	{ "Applebot", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 "
	    "Safari/605.1.15 (Applebot/0.1; "
	    "+http://www.apple.com/go/applebot)" },
	{ "facebookexternalhit", "facebookexternalhit/1.1 "
	    "(+http://www.facebook.com/externalhit_uatext.php)" },
	{ "Twitterbot", "Twitterbot/1.0" },
	{ "Slackbot", "Slackbot-LinkExpanding 1.0 "
	    "(+https://api.slack.com/robots)" },
	{ "Discordbot", "Mozilla/5.0 (compatible; Discordbot/2.0; "
	    "+https://discordapp.com)" },
	{ "TelegramBot", "TelegramBot (like TwitterBot)" },
	{ "WhatsApp/", "WhatsApp/2.23.20.0 A" },
	{ "LinkedInBot", "LinkedInBot/1.0 (compatible; Mozilla/5.0; "
	    "Apache-HttpClient +http://www.linkedin.com)" },
	{ "Pinterest/0.", "Pinterest/0.2 "
	    "(+https://www.pinterest.com/bot.html)" },
	{ "Pinterestbot", "Mozilla/5.0 (compatible; Pinterestbot/1.0; "
	    "+http://www.pinterest.com/bot.html)" },
	{ "SemrushBot", "Mozilla/5.0 (compatible; SemrushBot/7~bl; "
	    "+http://www.semrush.com/bot.html)" },
	{ "AhrefsBot", "Mozilla/5.0 (compatible; AhrefsBot/7.0; "
	    "+http://ahrefs.com/robot/)" },
	{ "MJ12bot", "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; "
	    "http://mj12bot.com/)" },
	{ "DotBot", "Mozilla/5.0 (compatible; DotBot/1.2; "
	    "+https://opensiteexplorer.org/dotbot; help@moz.com)" },
	{ "PetalBot", "Mozilla/5.0 (Linux; Android 7.0;) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
	    "(compatible; PetalBot;"
	    "+https://webmaster.petalsearch.com/site/petalbot)" },
	{ "GPTBot", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; "
	    "compatible; GPTBot/1.0; +https://openai.com/gptbot)" },
	{ "ClaudeBot", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; "
	    "compatible; ClaudeBot/1.0; +claudebot@anthropic.com)" },
	{ "CCBot", "CCBot/2.0 (https://commoncrawl.org/faq/)" },
	{ "Bytespider", "Mozilla/5.0 (Linux; Android 5.0) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
	    "(compatible; Bytespider; spider-feedback@bytedance.com)" },
	{ "Amazonbot", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 "
	    "Safari/537.36 (Amazonbot/0.1; "
	    "+https://developer.amazon.com/support/amazonbot)" },
	{ "Chrome-Lighthouse", "Mozilla/5.0 (Linux; Android 11; moto g "
	    "power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) "
	    "Chrome/109.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse" },
	{ "Mastodon/", "Mastodon/4.2.1 (http.rb/5.1.1; "
	    "+https://mastodon.social/)" },
};

/* Browsers: visitors, whatever the list; with their family. */
static const struct {
	const char	*family;
	const char	*ua;
} browsers[] = {
	/* Chrome desktop, Android, iOS; an Android app's WebView. */
	{ "Chrome", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
	    "Safari/537.36" },
	{ "Chrome", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36" },
	{ "Chrome", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 "
	    "Mobile/15E148 Safari/604.1" },
	{ "Chrome", "Mozilla/5.0 (Linux; Android 13; Pixel 7 "
	    "Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like "
	    "Gecko) Version/4.0 Chrome/119.0.6045.193 Mobile "
	    "Safari/537.36" },
	/* A Cubot phone: why "bot" alone is not a pattern. */
	{ "Chrome", "Mozilla/5.0 (Linux; Android 11; CUBOT X50) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 "
	    "Mobile Safari/537.36" },
	/* The project's own browser tests: must be counted. */
	{ "Chrome", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36" },
	{ "Firefox", "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) "
	    "Gecko/20100101 Firefox/121.0" },
	{ "Firefox", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) "
	    "Gecko/20100101 Firefox/121.0" },
	{ "Firefox", "Mozilla/5.0 (Android 14; Mobile; rv:121.0) "
	    "Gecko/121.0 Firefox/121.0" },
	{ "Firefox", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 "
	    "Mobile/15E148 Safari/605.1.15" },
	{ "Safari", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
	    "Mobile/15E148 Safari/604.1" },
	{ "Safari", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
	    "Safari/605.1.15" },
	{ "Edge", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
	    "Safari/537.36 Edg/120.0.2210.91" },
	{ "Edge", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 "
	    "EdgA/120.0.2210.115" },
	{ "Edge", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
	    "EdgiOS/120.2210.126 Mobile/15E148 Safari/605.1.15" },
	{ "Edge", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 "
	    "Safari/537.36 Edge/18.19582" },
	{ "Samsung Internet", "Mozilla/5.0 (Linux; Android 13; SAMSUNG "
	    "SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
	    "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36" },
	{ "Opera", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
	    "Safari/537.36 OPR/106.0.0.0" },
	{ "Opera", "Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; "
	    "id) Presto/2.12.423 Version/12.16" },
	{ "Other", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 "
	    "YaBrowser/23.11.0.0 Safari/537.36" },
	/* In-app browsers: the app is named, the visitor is real. */
	{ "Other", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
	    "[FBAN/FBIOS;FBAV/444.0.0.41.110;FBBV/540000000;"
	    "FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.1.2;"
	    "FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]" },
	{ "Other", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
	    "[Pinterest/iOS]" },
	/* Android's old stock browser says Safari but is not Apple's. */
	{ "Other", "Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L "
	    "Build/IML74K) AppleWebkit/534.30 (KHTML, like Gecko) "
	    "Version/4.0 Mobile Safari/534.30" },
	/* footfall's tests speak curl: counted, as the file says. */
	{ "Other", "curl/7.88.1" },
};

/* $top_srcdir/data/bots.txt; make check sets top_srcdir. */
static const char *
shipped(void)
{
	static char	 path[4096];
	const char	*top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/data/bots.txt",
	    top == NULL ? "." : top);
	return path;
}

/* A temporary file holding n bytes of s; its path in path. */
static void
tmpfile_with(char *path, size_t pathsz, const char *s, size_t n)
{
	const char	*dir = getenv("TMPDIR");
	int		 fd;

	snprintf(path, pathsz, "%s/test_agent.XXXXXX",
	    dir == NULL ? "/tmp" : dir);
	cr_assert_neq(fd = mkstemp(path), -1, "mkstemp %s", path);
	cr_assert_eq(write(fd, s, n), (ssize_t)n);
	cr_assert_eq(close(fd), 0);
}

/* Load n bytes of s as a pattern file. */
static struct agent_bots *
load_buf(const char *s, size_t n, size_t *line, const char **errstr)
{
	struct agent_bots	*b;
	char			 path[4096];

	tmpfile_with(path, sizeof(path), s, n);
	b = agent_bots_load(path, line, errstr);
	unlink(path);
	return b;
}

static struct agent_bots *
load_str(const char *s)
{
	struct agent_bots	*b;
	const char		*errstr;
	size_t			 line;

	b = load_buf(s, strlen(s), &line, &errstr);
	cr_assert_not_null(b, "load: line %zu: %s", line,
	    errstr == NULL ? "(null)" : errstr);
	return b;
}

Test(agent, shipped_list)
{
	struct agent_bots	*b;
	const char		*errstr;
	size_t			 line, i;

	b = agent_bots_load(shipped(), &line, &errstr);
	cr_assert_not_null(b, "%s line %zu: %s", shipped(), line,
	    errstr == NULL ? "(null)" : errstr);
	cr_assert_gt(agent_bots_count(b), 50);
	for (i = 0; i < NELEM(bots); i++)
		cr_assert_eq(agent_is_bot(b, bots[i].ua), 1, "bot: %s",
		    bots[i].ua);
	for (i = 0; i < NELEM(browsers); i++)
		cr_assert_eq(agent_is_bot(b, browsers[i].ua), 0,
		    "browser: %s", browsers[i].ua);
	cr_assert_eq(agent_is_bot(b, NULL), 0);
	cr_assert_eq(agent_is_bot(b, ""), 0);
	agent_bots_free(b);
}

/*
 * Each bot is caught by its own name, not only by the generic words at
 * the end of the file: the name is a line of the file, and a list of
 * just that name matches.
 */
Test(agent, shipped_names)
{
	struct agent_bots	*b;
	FILE			*f;
	char			 text[16384], want[160];
	size_t			 n, i;

	cr_assert_not_null(f = fopen(shipped(), "r"), "%s", shipped());
	n = fread(text, 1, sizeof(text) - 1, f);
	cr_assert(n > 0 && n < sizeof(text) - 1, "read %s", shipped());
	text[n] = '\0';
	fclose(f);
	for (i = 0; i < NELEM(bots); i++) {
		snprintf(want, sizeof(want), "\n%s\n", bots[i].pattern);
		cr_assert_not_null(strstr(text, want), "%s listed",
		    bots[i].pattern);
		b = load_str(bots[i].pattern);
		cr_assert_eq(agent_is_bot(b, bots[i].ua), 1, "%s in %s",
		    bots[i].pattern, bots[i].ua);
		agent_bots_free(b);
	}
	/* What the header says is left out is left out. */
	cr_assert_null(strstr(text, "\nHeadlessChrome\n"));
	cr_assert_null(strstr(text, "\ncurl/\n"));
	cr_assert_null(strstr(text, "\nbot\n"));
}

Test(agent, family)
{
	size_t	 i;

	for (i = 0; i < NELEM(browsers); i++)
		cr_assert_str_eq(agent_family(browsers[i].ua),
		    browsers[i].family, "family of %s", browsers[i].ua);
	/* A crawler dressed as a browser has the browser's family. */
	cr_assert_str_eq(agent_family(bots[1].ua), "Chrome");
	cr_assert_str_eq(agent_family(bots[0].ua), "Other");
	cr_assert_str_eq(agent_family(NULL), "Other");
	cr_assert_str_eq(agent_family(""), "Other");
	cr_assert_str_eq(agent_family("\xff\xfe\x80 Chrome"), "Other");
	cr_assert_str_eq(agent_family("\xff\xfe\x80 Chrome/1"), "Chrome");
}

Test(agent, match)
{
	static const struct {
		const char	*ua;
		int		 want;
	} t[] = {
		{ "googlebot", 1 }, { "GOOGLEBOT", 1 }, { "GoOgLeBoT/2.1", 1 },
		{ "x googlebot", 1 }, { "xgooglebotx", 1 },
		{ "googlebo", 0 }, { "oglebot", 0 }, { "google bot", 0 },
		{ "goo", 0 }, { "g", 0 }, { "", 0 },
		/* shared first two bytes: "gopher" and "goat/" */
		{ "gopher", 1 }, { "GOAT/1", 1 }, { "goat", 0 },
		{ "ggogogopher", 1 }, { "gogoat/", 1 },
		/* inner blank of "Slurp it" kept */
		{ "yahoo slurp it", 1 }, { "slurpit", 0 },
		/* punctuation is itself */
		{ "a+http://x", 1 }, { "a http://x", 0 },
		/* the one-byte pattern "~" */
		{ "x~y", 1 }, { "~", 1 },
		/* ASCII folding only: U+212A KELVIN SIGN is not "k" */
		{ "\xe2\x84\xaa" "lingon", 0 }, { "klingon", 1 },
		{ "\xff\xfe\x80\xc3\x28", 0 }, { "\xff" "GOPHER\xff", 1 },
		/* pattern "zz" at the very end */
		{ "abczz", 1 }, { "abcz", 0 },
	};
	struct agent_bots	*b;
	size_t			 i;

	b = load_str("Googlebot\ngopher\ngoat/\nSlurp it\n+http\n~\n"
	    "KLINGON\nzz\n");
	cr_assert_eq(agent_bots_count(b), 8);
	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(agent_is_bot(b, t[i].ua), t[i].want, "\"%s\"",
		    t[i].ua);
	cr_assert_eq(agent_is_bot(b, NULL), 0);
	cr_assert_eq(agent_is_bot(NULL, "googlebot"), 0);
	agent_bots_free(b);
}

/* A pattern must begin in the first 1024 bytes; it may end later. */
Test(agent, scan_bound)
{
	struct agent_bots	*b;
	char			 ua[2048];

	b = load_str("Googlebot\n~\n");
	memset(ua, 'x', sizeof(ua));
	memcpy(ua + 1023, "googlebot", 10);
	cr_assert_eq(agent_is_bot(b, ua), 1, "begins at byte 1023");
	memcpy(ua + 1023, "xgooglebot", 11);
	cr_assert_eq(agent_is_bot(b, ua), 0, "begins at byte 1024");
	memcpy(ua + 1023, "~", 2);
	cr_assert_eq(agent_is_bot(b, ua), 1, "one byte at byte 1023");
	memcpy(ua + 1023, "x~", 3);
	cr_assert_eq(agent_is_bot(b, ua), 0, "one byte at byte 1024");
	agent_bots_free(b);
}

/* A tiny deterministic generator (xorshift32) for the next test. */
static unsigned int
rnd(unsigned int *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int
naive_is_bot(char pats[][8], size_t n, const char *ua)
{
	char	 low[256];
	size_t	 i;

	for (i = 0; ua[i] != '\0'; i++)
		low[i] = ua[i] >= 'A' && ua[i] <= 'Z' ? ua[i] + 32 : ua[i];
	low[i] = '\0';
	for (i = 0; i < n; i++)
		if (strstr(low, pats[i]) != NULL)
			return 1;
	return 0;
}

/*
 * The pair index against lowercase-and-strstr: random short patterns
 * over a small alphabet, so that many share their first two bytes, and
 * random User-Agents over the same letters in both cases.
 */
Test(agent, index_agrees_with_strstr)
{
	static const char	 abc[] = "abcAB/";
	char			 pats[24][8], file[24 * 9], ua[64];
	struct agent_bots	*b;
	unsigned int		 seed = 12345, round, hits = 0;
	size_t			 npats, len, i, j, off;

	for (round = 0; round < 200; round++) {
		npats = 1 + rnd(&seed) % 24;
		off = 0;
		for (i = 0; i < npats; i++) {
			len = 1 + rnd(&seed) % 5;
			/* one-byte patterns would match nearly all */
			if (len == 1 && rnd(&seed) % 4 != 0)
				len = 2;
			for (j = 0; j < len; j++) {
				char c = abc[rnd(&seed) % 6];

				pats[i][j] = c >= 'A' && c <= 'Z' ? c + 32 : c;
				file[off++] = c;
			}
			pats[i][len] = '\0';
			file[off++] = '\n';
		}
		file[off] = '\0';
		b = load_str(file);
		for (i = 0; i < 200; i++) {
			len = rnd(&seed) % 40;
			for (j = 0; j < len; j++)
				ua[j] = abc[rnd(&seed) % 6];
			ua[len] = '\0';
			cr_assert_eq(agent_is_bot(b, ua),
			    naive_is_bot(pats, npats, ua),
			    "ua \"%s\" file \"%s\"", ua, file);
			hits += (unsigned int)agent_is_bot(b, ua);
		}
		agent_bots_free(b);
	}
	/* Both answers were common, or the test proved little. */
	cr_assert(hits > 5000 && hits < 35000, "hits %u of 40000", hits);
}

Test(agent, load_format)
{
	struct agent_bots	*b;

	/* Comments, blanks, blank lines, CRLF; '#' inside a pattern. */
	b = load_str("# comment\n\n   \t\n  # indented comment\n"
	    "\tfoo bar \t\r\n#bar\nc#\r\n"
	    "# a comment is any length: "
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "\xff\x01\n"
	    "last");
	cr_assert_eq(agent_bots_count(b), 3);
	cr_assert_eq(agent_is_bot(b, "xFOO BARx"), 1);
	cr_assert_eq(agent_is_bot(b, "foo  bar"), 0);
	cr_assert_eq(agent_is_bot(b, "foo bar "), 1);
	cr_assert_eq(agent_is_bot(b, "bar"), 0, "a comment is no pattern");
	cr_assert_eq(agent_is_bot(b, "#bar"), 0);
	cr_assert_eq(agent_is_bot(b, "abc#"), 1);
	cr_assert_eq(agent_is_bot(b, "LAST"), 1, "no final newline");
	cr_assert_eq(agent_is_bot(b, "comment"), 0);
	agent_bots_free(b);

	/* An empty list matches nothing. */
	b = load_str("");
	cr_assert_eq(agent_bots_count(b), 0);
	cr_assert_eq(agent_is_bot(b, "Googlebot"), 0);
	agent_bots_free(b);
	b = load_str("# nothing but comments\n\n");
	cr_assert_eq(agent_bots_count(b), 0);
	agent_bots_free(b);
}

Test(agent, load_errors)
{
	static const struct {
		const char	*text;
		size_t		 len;		/* 0: strlen */
		size_t		 line;
		const char	*errstr;
	} t[] = {
		{ "ok\n# c\n" "0123456789012345678901234567890123456789"
		    "0123456789012345678901234567890123456789"
		    "0123456789012345678901234567890123456789"
		    "012345678\n", 0, 3, "pattern longer than 128 bytes" },
		{ "a\tb\n", 0, 1,
		    "pattern has a byte that is not printable ASCII" },
		{ "ok\n\ncaf\xc3\xa9\n", 0, 3,
		    "pattern has a byte that is not printable ASCII" },
		{ "x\x7fy\n", 0, 1,
		    "pattern has a byte that is not printable ASCII" },
		{ "x\ry\n", 0, 1,
		    "pattern has a byte that is not printable ASCII" },
		{ "ok\nx\0y\n", 7, 2,
		    "pattern has a byte that is not printable ASCII" },
		{ "ok\n\0\n", 5, 2,
		    "pattern has a byte that is not printable ASCII" },
	};
	struct agent_bots	*b;
	const char		*errstr;
	size_t			 i, line;

	for (i = 0; i < NELEM(t); i++) {
		b = load_buf(t[i].text, t[i].len == 0 ? strlen(t[i].text) :
		    t[i].len, &line, &errstr);
		cr_assert_null(b, "case %zu loads", i);
		cr_assert_eq(line, t[i].line, "case %zu: line %zu", i, line);
		cr_assert_str_eq(errstr, t[i].errstr, "case %zu", i);
	}
}

Test(agent, load_limits)
{
	struct agent_bots	*b;
	const char		*errstr;
	char			*text, pat[AGENT_PATTERN_MAX + 2];
	size_t			 i, off, line;

	/* 128 bytes is the most, and it matches. */
	memset(pat, 'q', AGENT_PATTERN_MAX);
	pat[AGENT_PATTERN_MAX] = '\0';
	b = load_str(pat);
	cr_assert_eq(agent_is_bot(b, pat), 1);
	pat[AGENT_PATTERN_MAX - 1] = '\0';
	cr_assert_eq(agent_is_bot(b, pat), 0);
	agent_bots_free(b);

	/* 4096 patterns load; the 4097th is refused on its line. */
	cr_assert_not_null(text = malloc((AGENT_PATTERNS_MAX + 1) * 8 + 16));
	off = (size_t)sprintf(text, "# head\n");
	for (i = 0; i < AGENT_PATTERNS_MAX; i++)
		off += (size_t)sprintf(text + off, "p%05zu\n", i);
	b = load_buf(text, off, &line, &errstr);
	cr_assert_not_null(b);
	cr_assert_eq(agent_bots_count(b), AGENT_PATTERNS_MAX);
	cr_assert_eq(agent_is_bot(b, "xP04095x"), 1);
	cr_assert_eq(agent_is_bot(b, "xP04096x"), 0);
	agent_bots_free(b);
	off += (size_t)sprintf(text + off, "\n# tail\np04096\n");
	b = load_buf(text, off, &line, &errstr);
	cr_assert_null(b);
	cr_assert_eq(line, 1 + AGENT_PATTERNS_MAX + 3);
	cr_assert_str_eq(errstr, "more than 4096 patterns");
	free(text);
}

Test(agent, load_file_errors)
{
	const char	*errstr;
	char		 dir[4096];
	size_t		 line = 99;

	cr_assert_null(agent_bots_load("/nonexistent/bots.txt", &line,
	    &errstr));
	cr_assert_eq(line, 0);
	cr_assert_str_eq(errstr, "No such file or directory");

	/* A directory opens but cannot be read. */
	snprintf(dir, sizeof(dir), "%s/data",
	    getenv("top_srcdir") == NULL ? "." : getenv("top_srcdir"));
	line = 99;
	cr_assert_null(agent_bots_load(dir, &line, &errstr));
	cr_assert_eq(line, 0);
	cr_assert_str_eq(errstr, "Is a directory");
}
