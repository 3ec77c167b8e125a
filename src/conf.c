/*
 * Configuration: footfall.conf(5).  One "key = value" per line; blank
 * lines and lines whose first non-blank character is '#' are ignored.
 * The value is the rest of the line with surrounding blanks removed (so
 * a libpq connection string needs no quoting).
 *
 * Every key is one row of cfg_options (name, type, bounds, default,
 * help), as in tmux's options-table.c; defaults, parsing, the checks,
 * footfall -n and footfall --options walk it, so a key is added in one
 * place, and in footfall.conf(5) (tests/conf-doc.test compares them).
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "footfall.h"

#define CFG_LINE_MAX	4096
#define CFG_MUST_MAX	256	/* the longest "what a value must be" */
#define CFG_DAY		(24 * 60 * 60)
#define CFG_BOTS	FOOTFALL_PKGDATADIR "/bots.txt"

/*
 * How a value is written.  Each type has one parser; the first four keep
 * a char * that cfg_free frees.
 */
enum cfg_type {
	CFG_STRING,	/* text as written */
	CFG_CONNINFO,	/* a libpq connection string */
	CFG_PATH,	/* an absolute path */
	CFG_PREFIX,	/* empty, or a URL path */
	CFG_UINT,	/* a decimal number in [min, max] of o->unit */
	CFG_DURATION,	/* seconds, or with s, m, h or d, in [min, max] */
	CFG_CHOICE,	/* one of o->choices, kept as its index in an int */
	CFG_MODE,	/* octal permission bits */
	CFG_ORIGINS,	/* serialised origins */
	CFG_COUNTERS,	/* counter names */
	CFG_NETS,	/* addresses and networks (CIDR) */
	CFG_TOKEN,	/* sha256:HEX */
	CFG__MAX
};

/*
 * A list (origins, counters, networks) holds at most max items at off,
 * their number at noff.  Its values add to earlier ones, but for a list
 * with a none value: that value empties it, and any other replaces it.
 */
struct cfg_option {
	const char		*name;
	enum cfg_type		 type;
	size_t			 off;	/* of the value in struct conf */
	unsigned int		 min, max;
	size_t			 noff;	/* a list's number of items, or
					   whether a token is set (an int) */
	const char		*unit;	/* what a value is, if not the type's */
	const char *const	*choices; /* CFG_CHOICE: names by value, NULL */
	const char		*none;	/* the value that unsets or empties */
	const char		*least;	/* a key it may not be less than */
	const char		*most;	/* a key it may not be more than */
	const char		*def;	/* the default, as a file writes it */
	const char		*help;
};

_Static_assert(sizeof(enum log_level) == sizeof(int) &&
    sizeof(enum metrics_access) == sizeof(int) &&
    sizeof(enum dnt_mode) == sizeof(int), "CFG_CHOICE keeps enums in ints");

/* Names by value: enum dnt_mode, enum metrics_access, or an int. */
static const char *const cfg_dnt[DNT__MAX + 1] = { "count", "ignore", "skip" };
static const char *const cfg_metrics[METRICS__MAX + 1] = { "local", "any",
    "off" };
static const char *const cfg_identity[] = { "address", "address+agent", NULL };
static const char *const cfg_log[] = { "stderr", "syslog", NULL };
static const char *const cfg_onoff[] = { "off", "on", NULL };
static const char *const cfg_automation[] = { "count", "bot", NULL };
static const char *const cfg_stats[] = { "public", "private", NULL };

#define F(field)	offsetof(struct conf, field)

/* In the order of footfall.conf(5). */
static const struct cfg_option cfg_options[] = {
	{ "database", CFG_CONNINFO, F(database), .def = "dbname=footfall",
	  .help = "the libpq connection string" },
	/*
	 * Only for reads that may lag (a standby's): never the visits, the
	 * admin API or /healthz, which need the primary.  Unset: database.
	 */
	{ "read_database", CFG_CONNINFO, F(read_database), .none = "",
	  .def = "", .help = "the connection string for /stats and ?peek" },
	{ "allow_origin", CFG_ORIGINS, F(origins), 0, CONF_ORIGINS_MAX,
	  F(norigins), .def = "", .help = "origins that may count and read" },
	{ "window", CFG_DURATION, F(window), 60, 366 * CFG_DAY, .def = "24h",
	  .help = "how long a visitor, once counted, is not new" },
	{ "listen", CFG_STRING, F(listen), .none = "", .def = "",
	  .unit = "a Unix socket path or host:port", .help = "socket to open" },
	/* Not 4 digits: setuid, setgid or sticky (found by fuzz/fuzz_conf). */
	{ "socket_mode", CFG_MODE, F(socket_mode), .def = "0660",
	  .help = "mode of a Unix socket footfall creates" },
	{ "threads", CFG_UINT, F(threads), 1, 256, .def = "32",
	  .help = "request threads" },
	{ "db_connections", CFG_UINT, F(db_connections), 1, 64, .def = "1",
	  .help = "database connections, each committing batches of visits" },
	{ "commit_delay", CFG_UINT, F(commit_delay_us), 0, 100000, .def = "500",
	  .unit = "microseconds", .help = "longest wait for a larger commit" },
	{ "log_level", CFG_CHOICE, F(log_level), .choices = log_names,
	  .def = "info", .help = "the least severe messages logged" },
	{ "log", CFG_CHOICE, F(log_syslog), .choices = cfg_log,
	  .def = "stderr", .help = "where to log" },
	{ "key_file", CFG_PATH, F(key_file), .def = FOOTFALL_LOCALSTATEDIR
	  "/lib/footfall/key", .help = "the secret in every visitor key" },
	/*
	 * A key must stay alive while any window that began under it
	 * lasts; with key_period >= window that is at most two keys, the
	 * current one and the one before (see sql/004_privacy.sql).
	 */
	{ "key_period", CFG_DURATION, F(key_period), 3600, 366 * CFG_DAY,
	  .least = "window", .def = "1d", .help = "how long a key is used" },
	{ "ipv6_prefix", CFG_UINT, F(ipv6_prefix), 0, 128, .def = "64",
	  .unit = "a number of bits", .help = "IPv6 bits kept of an address" },
	{ "identity", CFG_CHOICE, F(ident_agent), .choices = cfg_identity,
	  .def = "address", .help = "what identifies a visitor" },
	{ "dnt", CFG_CHOICE, F(dnt), .choices = cfg_dnt, .def = "count",
	  .help = "what a visit with DNT: 1 or Sec-GPC: 1 does" },
	{ "counters", CFG_COUNTERS, F(counters), 0, CONF_COUNTERS_MAX,
	  F(ncounters), .none = "auto", .def = "auto", .help = "the counters" },
	{ "max_counters", CFG_UINT, F(max_counters), 1, 100000, .def = "100",
	  .help = "with counters = auto, the most counters that may exist" },
	{ "max_pages", CFG_UINT, F(max_pages), 0, 100000, .def = "1000",
	  .help = "pages a counter may have (0: no pages)" },
	{ "visit_log", CFG_CHOICE, F(visit_log), .choices = cfg_onoff,
	  .def = "on", .help = "keep the visit log (no hash, no address)" },
	{ "log_retention", CFG_DURATION, F(log_retention), CFG_DAY,
	  3660 * CFG_DAY, .def = "90d", .help = "how long a log row is kept" },
	/* 0 is off; kept in the visitor's row, gone when its window ends. */
	{ "count_interval", CFG_DURATION, F(count_interval), 0, 366 * CFG_DAY,
	  .most = "window", .def = "0", .help = "least time between hits" },
	/* 0 is off: every /stats asks the database (src/cache.c says why). */
	{ "stats_cache", CFG_DURATION, F(stats_cache), 0, 3600, .def = "1s",
	  .help = "how long a /stats answer is kept and served again" },
	{ "automation", CFG_CHOICE, F(automation_bot),
	  .choices = cfg_automation, .def = "count",
	  .help = "what a visit footfall.js saw automated is" },
	{ "require_origin", CFG_CHOICE, F(require_origin), .choices = cfg_onoff,
	  .def = "off", .help = "only requests with an Origin count" },
	{ "bots_file", CFG_PATH, F(bots_file), .none = "none", .def = CFG_BOTS,
	  .help = "User-Agent patterns of bots, not counted as visitors" },
	{ "ignore", CFG_NETS, F(ignore), 0, CONF_IGNORE_MAX, F(nignore),
	  .def = "", .help = "addresses and networks never counted" },
	{ "admin_token", CFG_TOKEN, F(admin_hash), .noff = F(admin),
	  .none = "none", .def = "none",
	  .help = "the SHA-256 of the /admin bearer token" },
	/*
	 * Private: /stats needs read_token or admin_token (cfg_check
	 * refuses a private counter that neither could read).
	 */
	{ "stats", CFG_CHOICE, F(stats_private), .choices = cfg_stats,
	  .def = "public", .help = "whether /stats needs a token" },
	{ "stats_private", CFG_COUNTERS, F(private_names), 0,
	  CONF_COUNTERS_MAX, F(nprivate), .unit = "a list of counter names",
	  .def = "",
	  .help = "counters whose /stats needs a token" },
	{ "read_token", CFG_TOKEN, F(read_hash), .noff = F(read),
	  .none = "none", .def = "none", .unit = "sha256: and 64 hex digits, "
	  "as footfall --hash-read-token prints,",
	  .help = "the SHA-256 of the bearer token that reads /stats" },
	{ "badge_abbrev", CFG_CHOICE, F(badge_abbrev), .choices = cfg_onoff,
	  .def = "off", .help = "badges abbreviate numbers: 1.2k, 3.4M" },
	{ "prefix", CFG_PREFIX, F(prefix), .def = "",
	  .help = "path prefix before the routes" },
	{ "db_timeout", CFG_UINT, F(db_timeout_ms), 100, 600000, .def = "2000",
	  .unit = "milliseconds", .help = "how long a statement may take" },
	{ "connect_timeout", CFG_UINT, F(connect_timeout), 2, 600, .def = "2",
	  .unit = "seconds", .help = "how long connecting may take" },
	{ "metrics", CFG_CHOICE, F(metrics), .choices = cfg_metrics,
	  .def = "local", .help = "who may read /metrics" },
};

#define CFG_NOPTIONS	(sizeof(cfg_options) / sizeof(cfg_options[0]))

/* The member of c at offset off, as a type. */
#define CFG_AT(c, off, type)	((type *)(void *)((char *)(c) + (off)))
#define CFG_CAT(c, off, type)	\
	((const type *)(const void *)((const char *)(c) + (off)))

/* Say why in c->why; returns -1 for the caller to return. */
static int __attribute__((format(printf, 2, 3)))
cfg_fail(struct conf *c, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return -1;
}

static const struct cfg_option *
cfg_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < CFG_NOPTIONS; i++)
		if (strcmp(name, cfg_options[i].name) == 0)
			return &cfg_options[i];
	return NULL;
}

static const struct {
	unsigned int	 secs;
	char		 unit;
} cfg_units[] = { { CFG_DAY, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };

/* A number as a file writes it; a duration in the largest whole unit. */
static void
cfg_fmt_number(const struct cfg_option *o, unsigned int v, char *buf,
    size_t sz)
{
	size_t	 i;

	for (i = 0; v % cfg_units[i].secs != 0; i++)
		continue;
	if (o->type == CFG_DURATION && v != 0)
		snprintf(buf, sz, "%u%c", v / cfg_units[i].secs,
		    cfg_units[i].unit);
	else
		snprintf(buf, sz, "%u", v);
}

typedef int	cfg_parse_fn(struct conf *, const struct cfg_option *,
		    const char *);
static cfg_parse_fn	cfg_parse_string, cfg_parse_number, cfg_parse_choice,
			cfg_parse_mode, cfg_parse_list, cfg_parse_token;

static const struct {
	const char	*name;	/* in footfall --options */
	const char	*what;	/* what a value must be, but for a choice */
	cfg_parse_fn	*parse;
} cfg_types[CFG__MAX] = {
	{ "string", "text", cfg_parse_string },
	{ "conninfo", "a libpq connection string", cfg_parse_string },
	{ "path", "an absolute path", cfg_parse_string },
	{ "prefix", "empty or a path such as /api", cfg_parse_string },
	{ "number", "a number", cfg_parse_number },
	{ "duration", "a duration", cfg_parse_number },
	{ "choice", NULL, cfg_parse_choice },
	{ "mode", "octal, such as 0660", cfg_parse_mode },
	{ "origins", "serialised origins such as https://example.org (no "
	    "path, no trailing slash, lower case; \"null\" and \"*\" are "
	    "never allowed)", cfg_parse_list },
	{ "counters", "a list of names: 1 to 64 letters, digits, '.', '_' "
	    "and '-', starting with a letter or digit,", cfg_parse_list },
	{ "networks", "addresses or networks such as 192.0.2.7, "
	    "198.51.100.0/24 or 2001:db8::/32", cfg_parse_list },
	{ "token", "sha256: and 64 hex digits, as footfall --hash-token "
	    "prints,", cfg_parse_token },
};

/* What a value must be ("a number from 1 to 256"): errors, --options. */
static void
cfg_must(const struct cfg_option *o, char *buf, size_t sz)
{
	const char	*what = o->unit != NULL ? o->unit :
			    cfg_types[o->type].what;
	char		 lo[16], hi[16];
	size_t		 i, n = 0;

	buf[0] = '\0';
	if (o->type == CFG_CHOICE)
		for (i = 0; o->choices[i] != NULL && n < sz; i++)
			n += snprintf(buf + n, sz - n, "%s%s", i == 0 ? "" :
			    o->choices[i + 1] == NULL ? " or " : ", ",
			    o->choices[i]);
	else if (o->type == CFG_UINT || o->type == CFG_DURATION) {
		cfg_fmt_number(o, o->min, lo, sizeof(lo));
		cfg_fmt_number(o, o->max, hi, sizeof(hi));
		snprintf(buf, sz, "%s from %s to %s", what, lo, hi);
	} else
		snprintf(buf, sz, "%s%s%s", what, o->none != NULL &&
		    *o->none != '\0' ? " or " : "", o->none != NULL ?
		    o->none : "");
}

/* "KEY must be ...": the message of any bad value of o. */
static int
cfg_bad(struct conf *c, const struct cfg_option *o)
{
	char	 must[CFG_MUST_MAX];

	cfg_must(o, must, sizeof(must));
	return cfg_fail(c, "%s must be %s", o->name, must);
}

/* Empty, or from '/' on printable ASCII but '?' and '%'. */
static int
cfg_prefix_valid(const char *s)
{
	if (*s != '\0' && *s != '/')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    *s == '?' || *s == '%')
			return 0;
	return 1;
}

/* CFG_STRING, CFG_CONNINFO, CFG_PATH, CFG_PREFIX; none makes it NULL. */
static int
cfg_parse_string(struct conf *c, const struct cfg_option *o, const char *val)
{
	char	**dst = CFG_AT(c, o->off, char *), *p = NULL;

	if (o->none == NULL || strcmp(val, o->none) != 0) {
		if ((o->type == CFG_PATH && *val != '/') ||
		    (o->type == CFG_PREFIX && !cfg_prefix_valid(val)))
			return cfg_bad(c, o);
		if ((p = strdup(val)) == NULL)
			return cfg_fail(c, "out of memory");
	}
	free(*dst);
	*dst = p;
	return 0;
}

/* CFG_UINT, CFG_DURATION. */
static int
cfg_parse_number(struct conf *c, const struct cfg_option *o, const char *val)
{
	unsigned int	*v = CFG_AT(c, o->off, unsigned int);

	if ((o->type == CFG_DURATION ?
	    cfg_parse_duration(val, o->min, o->max, v) :
	    cfg_parse_uint(val, o->min, o->max, v)) == -1)
		return cfg_bad(c, o);
	return 0;
}

static int
cfg_parse_choice(struct conf *c, const struct cfg_option *o, const char *val)
{
	int	 i;

	for (i = 0; o->choices[i] != NULL; i++)
		if (strcmp(val, o->choices[i]) == 0) {
			*CFG_AT(c, o->off, int) = i;
			return 0;
		}
	return cfg_bad(c, o);
}

static int
cfg_parse_mode(struct conf *c, const struct cfg_option *o, const char *val)
{
	size_t	 n = strlen(val);

	if (n < 3 || n > 4 || strspn(val, "01234567") != n ||
	    (n == 4 && val[0] != '0'))
		return cfg_bad(c, o);
	*CFG_AT(c, o->off, mode_t) = (mode_t)strtoul(val, NULL, 8);
	return 0;
}

/* The hash is at o->off; the int at o->noff says whether it is set. */
static int
cfg_parse_token(struct conf *c, const struct cfg_option *o, const char *val)
{
	int	*set = CFG_AT(c, o->noff, int);

	if (strcmp(val, o->none) == 0)
		*set = 0;
	else if (admin_token_parse(val, CFG_AT(c, o->off, unsigned char)) == 0)
		*set = 1;
	else
		return cfg_bad(c, o);
	return 0;
}

static void
cfg_names_clear(struct conf *c, const struct cfg_option *o)
{
	char	**list = CFG_AT(c, o->off, char *);
	size_t	 *n = CFG_AT(c, o->noff, size_t);

	while (*n > 0)
		free(list[--*n]);
}

/*
 * Items separated by blanks or commas.  A network written with host bits
 * set is taken without them, as nginx's allow and deny take it, and is
 * worth a warning: 1, with it in c->why.  Returns 0, 1 or -1.
 */
static int
cfg_parse_list(struct conf *c, const struct cfg_option *o, const char *val)
{
	char	 buf[CFG_LINE_MAX], *tok, *save = NULL;
	size_t	*n = CFG_AT(c, o->noff, size_t);
	int	 rc = 0, warn = 0;

	if (o->none != NULL) {
		cfg_names_clear(c, o);
		if (strcmp(val, o->none) == 0)
			return 0;
	}
	memcpy(buf, val, strlen(val) + 1);	/* shorter than a line */
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save), ++*n) {
		if (*n == o->max)
			return cfg_fail(c, "too many %s entries "
			    "(%u at most)", o->name, o->max);
		if (o->type == CFG_NETS)
			rc = addr_net_parse(tok,
			    CFG_AT(c, o->off, struct addr_net) + *n);
		else if (o->type == CFG_ORIGINS ? !cors_origin_valid(tok) :
		    !route_counter_valid(tok, strlen(tok)))
			rc = -1;
		else if ((CFG_AT(c, o->off, char *)[*n] = strdup(tok)) == NULL)
			return cfg_fail(c, "out of memory");
		if (rc == -1)
			return cfg_bad(c, o);
		warn |= rc;
	}
	if (o->none != NULL && *n == 0)
		return cfg_bad(c, o);
	if (warn)
		snprintf(c->why, sizeof(c->why), "%s: a network has address "
		    "bits set past its prefix; they are cleared (192.0.2.1/24 "
		    "is taken as 192.0.2.0/24)", o->name);
	return warn;
}

/*
 * Print o's value as a file writes it, after a blank; not a password, nor
 * a token's hash: it would let anyone who reads it guess a weak token.
 */
static void
cfg_print_value(FILE *f, const struct conf *c, const struct cfg_option *o)
{
	char		 buf[INET6_ADDRSTRLEN];
	const char	*s = NULL, *p;
	size_t		 i, n = o->noff != 0 ? *CFG_CAT(c, o->noff, size_t) : 0;

	switch (o->type) {
	case CFG_CONNINFO:	/* password=, or user:password@ in a URI */
		if ((s = *CFG_CAT(c, o->off, char *)) == NULL) {
			s = o->none;
			break;
		}
		p = strstr(s, "://") == NULL ? s : strstr(s, "://") + 3;
		i = strcspn(p, "@/?");
		if (strstr(s, "password") != NULL ||
		    (p[i] == '@' && memchr(p, ':', i) != NULL))
			s = "(not shown: it holds a password)";
		break;
	case CFG_STRING:
	case CFG_PATH:
	case CFG_PREFIX:
		if ((s = *CFG_CAT(c, o->off, char *)) == NULL)
			s = o->none;
		break;
	case CFG_UINT:
	case CFG_DURATION:
		cfg_fmt_number(o, *CFG_CAT(c, o->off, unsigned int), buf,
		    sizeof(buf));
		s = buf;
		break;
	case CFG_CHOICE:
		s = o->choices[*CFG_CAT(c, o->off, int)];
		break;
	case CFG_MODE:
		fprintf(f, " %04o", (unsigned int)*CFG_CAT(c, o->off, mode_t));
		break;
	case CFG_NETS:
		for (i = 0; i < n; i++)
			if (inet_ntop(c->ignore[i].a.family,
			    c->ignore[i].a.bytes, buf, sizeof(buf)) != NULL)
				fprintf(f, " %s/%u", buf, c->ignore[i].bits);
		break;
	case CFG_TOKEN:
		s = *CFG_CAT(c, o->noff, int) ? "(set, not shown)" : o->none;
		break;
	default:	/* CFG_ORIGINS, CFG_COUNTERS */
		for (i = 0; i < n; i++)
			fprintf(f, " %s", CFG_CAT(c, o->off, char *)[i]);
		if (n == 0 && o->none != NULL)
			s = o->none;
		break;
	}
	if (s != NULL && *s != '\0')
		fprintf(f, " %s", s);
}

/* Every key's default.  Returns 0, or -1; cfg_free frees it either way. */
int
cfg_init(struct conf *c)
{
	const struct cfg_option	*o;

	memset(c, 0, sizeof(*c));
	for (o = cfg_options; o < cfg_options + CFG_NOPTIONS; o++)
		if (cfg_types[o->type].parse(c, o, o->def) != 0)
			return -1;
	return 0;
}

void
cfg_free(struct conf *c)
{
	const struct cfg_option	*o;

	for (o = cfg_options; o < cfg_options + CFG_NOPTIONS; o++)
		if (o->type <= CFG_PREFIX)	/* the strings */
			free(*CFG_AT(c, o->off, char *));
		else if (o->type == CFG_ORIGINS || o->type == CFG_COUNTERS)
			cfg_names_clear(c, o);
	agent_bots_free(c->bots);
	hash_wipe(c->admin_hash, sizeof(c->admin_hash));
	hash_wipe(c->read_hash, sizeof(c->read_hash));
	memset(c, 0, sizeof(*c));
}

/*
 * Parse a decimal number in [min, max], like OpenBSD's strtonum(3).
 * Returns 0 and sets *out, or -1.  Pure.
 */
int
cfg_parse_uint(const char *s, unsigned int min, unsigned int max,
    unsigned int *out)
{
	unsigned long long	 v = 0;
	const char		*p = s;

	if (s == NULL || *s == '\0')
		return -1;
	/* v <= max < 2^32 before each step: it cannot wrap. */
	for (; isdigit((unsigned char)*p) && v <= max; p++)
		v = v * 10 + (unsigned long long)(*p - '0');
	if (*p != '\0' || v < min || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/*
 * Parse a duration: a number of seconds, or a number and s, m, h or d, in
 * [min, max] seconds.  Returns 0 and sets *out, or -1.  Pure.
 */
int
cfg_parse_duration(const char *s, unsigned int min, unsigned int max,
    unsigned int *out)
{
	char		 num[16];
	size_t		 n, i;
	unsigned int	 v, mult = 1;

	if (s == NULL || (n = strlen(s)) == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	for (i = 0; i < sizeof(cfg_units) / sizeof(cfg_units[0]); i++)
		if (num[n - 1] == cfg_units[i].unit) {
			mult = cfg_units[i].secs;
			num[n - 1] = '\0';
		}
	/* v * mult cannot wrap: v is at most max / mult. */
	if (cfg_parse_uint(num, 0, max / mult, &v) == -1 || v * mult < min)
		return -1;
	*out = v * mult;
	return 0;
}

/*
 * Apply one line of a configuration file to c.  Returns 0; 1 if the
 * line was applied but deserves a warning, in *errstr; or -1 with
 * *errstr saying what is wrong with the line.  *errstr is c->why, good
 * until the next call.  Pure but for allocation.
 */
int
cfg_parse_line(struct conf *c, const char *line, const char **errstr)
{
	char			 buf[CFG_LINE_MAX], *key, *val, *end, *eq;
	const struct cfg_option	*o;
	size_t			 n;

	*errstr = c->why;
	if ((n = strlen(line)) >= sizeof(buf))
		return cfg_fail(c, "line too long");
	memcpy(buf, line, n + 1);
	for (key = buf; isspace((unsigned char)*key); key++)
		continue;
	if (*key == '\0' || *key == '#')
		return 0;
	if ((eq = strchr(key, '=')) == NULL)
		return cfg_fail(c, "expected \"key = value\"");
	for (end = eq; end > key && isspace((unsigned char)end[-1]); end--)
		continue;
	*end = '\0';
	for (val = eq + 1; isspace((unsigned char)*val); val++)
		continue;
	for (end = val + strlen(val); end > val &&
	    isspace((unsigned char)end[-1]); end--)
		continue;
	*end = '\0';

	if ((o = cfg_find(key)) == NULL)
		return cfg_fail(c, "unknown key");
	return cfg_types[o->type].parse(c, o, val);
}

/*
 * Check what no single line can: a key against another (least, most).
 * Returns 0, or -1 with *errstr (c->why) saying why.
 */
int
cfg_check(struct conf *c, const char **errstr)
{
	const struct cfg_option	*o;
	size_t			 i;

#define CFG_NUM(o)	(*CFG_CAT(c, (o)->off, unsigned int))
	*errstr = c->why;
	for (o = cfg_options; o < cfg_options + CFG_NOPTIONS; o++) {
		if (o->least != NULL &&
		    CFG_NUM(o) < CFG_NUM(cfg_find(o->least)))
			return cfg_fail(c, "%s must be at least %s",
			    o->name, o->least);
		if (o->most != NULL && CFG_NUM(o) > CFG_NUM(cfg_find(o->most)))
			return cfg_fail(c, "%s must be at most %s",
			    o->name, o->most);
	}
#undef CFG_NUM
	/*
	 * A private counter nobody could read is a mistake, and a name
	 * stats_private lists that counters does not is a typo that would
	 * leave the meant counter public.
	 */
	if ((c->stats_private || c->nprivate > 0) && !c->admin && !c->read)
		return cfg_fail(c, "private statistics need read_token or "
		    "admin_token");
	for (i = 0; i < c->nprivate; i++)
		if (c->ncounters > 0 &&
		    !cfg_counter_allowed(c, c->private_names[i]))
			return cfg_fail(c, "stats_private: %s is not one of "
			    "the counters", c->private_names[i]);
	return 0;
}

/* footfall -n: "key = value" as in effect (no secrets), then privacy. */
void
cfg_print(const struct conf *c, FILE *f)
{
	const struct cfg_option	*o;

	for (o = cfg_options; o < cfg_options + CFG_NOPTIONS; o++) {
		fprintf(f, "%s =", o->name);
		cfg_print_value(f, c, o);
		fputc('\n', f);
	}
	fprintf(f, "privacy: keys rotate every %us and are deleted after %us; "
	    "IPv6 addresses cut to /%u; identity %s; dnt %s\n",
	    c->key_period, c->key_period + c->window, c->ipv6_prefix,
	    cfg_identity[c->ident_agent], cfg_dnt[c->dnt]);
}

/* footfall --options: name, type, default, values, help; tab-separated. */
void
cfg_options_print(FILE *f)
{
	const struct cfg_option	*o;
	char			 must[CFG_MUST_MAX];

	for (o = cfg_options; o < cfg_options + CFG_NOPTIONS; o++) {
		cfg_must(o, must, sizeof(must));
		fprintf(f, "%s\t%s\t%s\t%s\t%s\n", o->name,
		    cfg_types[o->type].name, o->def, must, o->help);
	}
}

/*
 * Is counter name one that may exist: listed, or anything with
 * counters = auto (the database enforces max_counters)?
 */
int
cfg_counter_allowed(const struct conf *c, const char *name)
{
	size_t	 i;

	if (c->ncounters == 0 || strcmp(name, COUNTER_DEFAULT) == 0)
		return 1;
	for (i = 0; i < c->ncounters; i++)
		if (strcmp(c->counters[i], name) == 0)
			return 1;
	return 0;
}

/*
 * Does /stats for counter name need a token: stats = private, or name is
 * in stats_private?  Pure.
 */
int
cfg_stats_private(const struct conf *c, const char *name)
{
	size_t	 i;

	if (c->stats_private)
		return 1;
	for (i = 0; i < c->nprivate; i++)
		if (strcmp(c->private_names[i], name) == 0)
			return 1;
	return 0;
}

/* Load the bots_file list (none if NULL).  Returns 0, or -1 with err. */
int
cfg_load_bots(struct conf *c, char *err, size_t errsz)
{
	const char	*errstr = NULL;
	size_t		 line = 0;

	agent_bots_free(c->bots);
	c->bots = NULL;
	if (c->bots_file == NULL)
		return 0;
	/* The shipped list may be missing (a build tree); no other. */
	if (strcmp(c->bots_file, CFG_BOTS) == 0 &&
	    access(c->bots_file, F_OK) == -1) {
		log_warn("bots_file %s: not found; bots are counted as "
		    "visitors (set bots_file, or none)", c->bots_file);
		return 0;
	}
	if ((c->bots = agent_bots_load(c->bots_file, &line,
	    &errstr)) == NULL) {
		if (line > 0)
			snprintf(err, errsz, "bots_file %s:%zu: %s",
			    c->bots_file, line, errstr);
		else
			snprintf(err, errsz, "bots_file %s: %s",
			    c->bots_file, errstr);
		return -1;
	}
	return 0;
}

/*
 * Load the file at path into c (which holds defaults or earlier values).
 * Returns 0, or -1 with "path:line: reason" in err.
 */
int
cfg_load(struct conf *c, const char *path, char *err, size_t errsz)
{
	FILE		*f;
	char		 line[CFG_LINE_MAX + 2];
	const char	*why = c->why;
	size_t		 lineno = 0, n;
	int		 rc = -1;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		/* No newline before the end: too long, or a NUL in it. */
		n = strcspn(line, "\n");
		rc = line[n] == '\0' && !feof(f) ?
		    cfg_fail(c, "line too long") : 0;
		line[n] = '\0';
		if (rc == 0)
			rc = cfg_parse_line(c, line, &why);
		if (rc == -1) {
			snprintf(err, errsz, "%s:%zu: %s", path, lineno, why);
			goto out;
		}
		if (rc == 1)
			log_warn("%s:%zu: %s", path, lineno, why);
	}
	if ((rc = ferror(f) ? -1 : 0) == -1)
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
out:
	fclose(f);
	return rc;
}
