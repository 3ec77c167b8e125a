/*
 * Configuration: footfall.conf(5).  One "key = value" per line; blank
 * lines and lines whose first non-blank character is '#' are ignored.
 * The value is the rest of the line with surrounding blanks removed (so
 * a libpq connection string needs no quoting).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "footfall.h"

#define CFG_LINE_MAX	4096

enum cfg_key {
	K_DATABASE,
	K_ALLOW_ORIGIN,
	K_WINDOW,
	K_LISTEN,
	K_SOCKET_MODE,
	K_THREADS,
	K_LOG_LEVEL,
	K_LOG,
	K_KEY_FILE,
	K_PREFIX,
	K_DB_TIMEOUT,
	K_CONNECT_TIMEOUT,
	K_METRICS,
	K_DB_CONNECTIONS,
	K_COMMIT_DELAY,
	K_KEY_PERIOD,
	K_IPV6_PREFIX,
	K_IDENTITY,
	K_DNT,
	K_COUNTERS,
	K_MAX_COUNTERS,
	K_VISIT_LOG,
	K_LOG_RETENTION,
	K_COUNT_INTERVAL,
	K_BOTS_FILE,
	K_IGNORE,
	K_ADMIN_TOKEN,
	K__MAX
};

static const char *const cfg_keys[K__MAX] = {
	"database",		/* K_DATABASE */
	"allow_origin",		/* K_ALLOW_ORIGIN */
	"window",		/* K_WINDOW */
	"listen",		/* K_LISTEN */
	"socket_mode",		/* K_SOCKET_MODE */
	"threads",		/* K_THREADS */
	"log_level",		/* K_LOG_LEVEL */
	"log",			/* K_LOG */
	"key_file",		/* K_KEY_FILE */
	"prefix",		/* K_PREFIX */
	"db_timeout",		/* K_DB_TIMEOUT */
	"connect_timeout",	/* K_CONNECT_TIMEOUT */
	"metrics",		/* K_METRICS */
	"db_connections",	/* K_DB_CONNECTIONS */
	"commit_delay",		/* K_COMMIT_DELAY */
	"key_period",		/* K_KEY_PERIOD */
	"ipv6_prefix",		/* K_IPV6_PREFIX */
	"identity",		/* K_IDENTITY */
	"dnt",			/* K_DNT */
	"counters",		/* K_COUNTERS */
	"max_counters",		/* K_MAX_COUNTERS */
	"visit_log",		/* K_VISIT_LOG */
	"log_retention",	/* K_LOG_RETENTION */
	"count_interval",	/* K_COUNT_INTERVAL */
	"bots_file",		/* K_BOTS_FILE */
	"ignore",		/* K_IGNORE */
	"admin_token",		/* K_ADMIN_TOKEN */
};

static const char *const cfg_dnt[DNT__MAX] = {
	"count",		/* DNT_COUNT */
	"ignore",		/* DNT_IGNORE */
	"skip",			/* DNT_SKIP */
};

static const char *const cfg_metrics[METRICS__MAX] = {
	"local",		/* METRICS_LOCAL */
	"any",			/* METRICS_ANY */
	"off",			/* METRICS_OFF */
};

static int
cfg_set(char **dst, const char *val)
{
	char	*p;

	if ((p = strdup(val)) == NULL)
		return -1;
	free(*dst);
	*dst = p;
	return 0;
}

void
cfg_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->database = strdup("dbname=footfall");
	c->window = 24 * 60 * 60;
	c->socket_mode = 0660;
	c->threads = 32;
	c->log_level = LOGL_INFO;
	c->key_file = strdup(FOOTFALL_LOCALSTATEDIR "/lib/footfall/key");
	c->prefix = strdup("");
	c->db_timeout_ms = 2000;
	c->connect_timeout = 2;
	c->metrics = METRICS_LOCAL;
	c->db_connections = 1;
	c->commit_delay_us = 500;
	c->key_period = 24 * 60 * 60;
	c->ipv6_prefix = 64;
	c->ident_agent = 0;
	c->dnt = DNT_COUNT;
	c->max_counters = 100;
	c->visit_log = 1;
	c->log_retention = 90 * 24 * 60 * 60;
	c->count_interval = 0;
	c->bots_file = strdup(FOOTFALL_PKGDATADIR "/bots.txt");
}

void
cfg_free(struct conf *c)
{
	size_t	 i;

	for (i = 0; i < c->norigins; i++)
		free(c->origins[i]);
	free(c->database);
	free(c->listen);
	free(c->key_file);
	free(c->prefix);
	for (i = 0; i < c->ncounters; i++)
		free(c->counters[i]);
	free(c->bots_file);
	agent_bots_free(c->bots);
	hash_wipe(c->admin_hash, sizeof(c->admin_hash));
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
	const char		*p;

	if (s == NULL || *s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/*
 * Parse a duration: a number of seconds, or a number followed by one of
 * s, m, h or d.  The result, in seconds, must lie in [min, max].
 * Returns 0 and sets *out, or -1.  Pure.
 */
int
cfg_parse_duration(const char *s, unsigned int min, unsigned int max,
    unsigned int *out)
{
	char		 num[16];
	size_t		 n;
	unsigned int	 v, mult;

	if (s == NULL || (n = strlen(s)) == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's':
		mult = 1;
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 60 * 60;
		break;
	case 'd':
		mult = 24 * 60 * 60;
		break;
	default:
		mult = 0;	/* a bare number of seconds */
		break;
	}
	if (mult == 0)
		mult = 1;
	else
		num[n - 1] = '\0';
	if (cfg_parse_uint(num, 0, max / mult, &v) == -1)
		return -1;
	v *= mult;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
cfg_add_origins(struct conf *c, const char *val, const char **errstr)
{
	char		 buf[CFG_LINE_MAX], *tok, *save = NULL;

	if (strlen(val) >= sizeof(buf)) {
		*errstr = "value too long";
		return -1;
	}
	memcpy(buf, val, strlen(val) + 1);
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		if (!cors_origin_valid(tok)) {
			*errstr = "not a serialised origin such as "
			    "https://example.org (no path, no trailing "
			    "slash, lower case; \"null\" and \"*\" are never "
			    "allowed)";
			return -1;
		}
		if (c->norigins == CONF_ORIGINS_MAX) {
			*errstr = "too many origins";
			return -1;
		}
		if ((c->origins[c->norigins] = strdup(tok)) == NULL) {
			*errstr = "out of memory";
			return -1;
		}
		c->norigins++;
	}
	return 0;
}

/*
 * counters = auto, or a list of names (blanks or commas between them);
 * the list replaces an earlier one.
 */
static int
cfg_set_counters(struct conf *c, const char *val, const char **errstr)
{
	char		 buf[CFG_LINE_MAX], *tok, *save = NULL;
	size_t		 i;

	for (i = 0; i < c->ncounters; i++)
		free(c->counters[i]);
	c->ncounters = 0;
	if (strcmp(val, "auto") == 0)
		return 0;
	memcpy(buf, val, strlen(val) + 1);	/* shorter than a line */
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		if (!route_counter_valid(tok, strlen(tok))) {
			*errstr = "counters must be auto or a list of names: "
			    "1 to 64 letters, digits, '.', '_' and '-', "
			    "starting with a letter or digit";
			return -1;
		}
		if (c->ncounters == CONF_COUNTERS_MAX) {
			*errstr = "too many counters";
			return -1;
		}
		if ((c->counters[c->ncounters] = strdup(tok)) == NULL) {
			*errstr = "out of memory";
			return -1;
		}
		c->ncounters++;
	}
	if (c->ncounters == 0) {
		*errstr = "counters must be auto or a list of names";
		return -1;
	}
	return 0;
}

/*
 * ignore = addresses and networks (CIDR), added to earlier ones.  A
 * network written with host bits set is taken without them, as nginx's
 * allow and deny take it, and is worth a warning: 1 with *errstr.
 */
static int
cfg_add_ignore(struct conf *c, const char *val, const char **errstr)
{
	char		 buf[CFG_LINE_MAX], *tok, *save = NULL;
	int		 rc, masked = 0;

	memcpy(buf, val, strlen(val) + 1);	/* shorter than a line */
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		if (c->nignore == CONF_IGNORE_MAX) {
			*errstr = "too many ignore entries (64 at most)";
			return -1;
		}
		if ((rc = addr_net_parse(tok, &c->ignore[c->nignore])) == -1) {
			*errstr = "ignore must be addresses or networks such "
			    "as 192.0.2.7, 198.51.100.0/24 or 2001:db8::/32";
			return -1;
		}
		masked |= rc == 1;
		c->nignore++;
	}
	if (masked) {
		*errstr = "ignore: a network has address bits set past its "
		    "prefix; they are cleared (192.0.2.1/24 is taken as "
		    "192.0.2.0/24)";
		return 1;
	}
	return 0;
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

static int
cfg_prefix_valid(const char *s)
{
	if (*s == '\0')
		return 1;
	if (*s != '/')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    *s == '?' || *s == '%')
			return 0;
	return 1;
}

/*
 * Apply one line of a configuration file to c.  Returns 0; 1 if the
 * line was applied but deserves a warning, in *errstr; or -1 with
 * *errstr saying what is wrong with the line.  Pure but for allocation.
 */
int
cfg_parse_line(struct conf *c, const char *line, const char **errstr)
{
	char		 buf[CFG_LINE_MAX], *key, *val, *end, *eq;
	unsigned int	 u;
	int		 k;
	size_t		 n;

	if ((n = strlen(line)) >= sizeof(buf)) {
		*errstr = "line too long";
		return -1;
	}
	memcpy(buf, line, n + 1);
	for (key = buf; isspace((unsigned char)*key); key++)
		continue;
	if (*key == '\0' || *key == '#')
		return 0;
	if ((eq = strchr(key, '=')) == NULL) {
		*errstr = "expected \"key = value\"";
		return -1;
	}
	for (end = eq; end > key && isspace((unsigned char)end[-1]); end--)
		continue;
	*end = '\0';
	for (val = eq + 1; isspace((unsigned char)*val); val++)
		continue;
	for (end = val + strlen(val); end > val &&
	    isspace((unsigned char)end[-1]); end--)
		continue;
	*end = '\0';

	for (k = 0; k < K__MAX; k++)
		if (strcmp(key, cfg_keys[k]) == 0)
			break;

	switch (k) {
	case K_DATABASE:
		if (cfg_set(&c->database, val) == -1)
			goto nomem;
		break;
	case K_ALLOW_ORIGIN:
		return cfg_add_origins(c, val, errstr);
	case K_WINDOW:
		if (cfg_parse_duration(val, 60, 366 * 86400, &c->window) == -1) {
			*errstr = "window must be a duration from 60s to 366d";
			return -1;
		}
		break;
	case K_LISTEN:
		if (*val == '\0') {
			free(c->listen);
			c->listen = NULL;
		} else if (cfg_set(&c->listen, val) == -1)
			goto nomem;
		break;
	case K_SOCKET_MODE:
		/*
		 * Permission bits only: a fourth digit would set the
		 * setuid, setgid or sticky bit (found by fuzz/fuzz_conf).
		 */
		n = strlen(val);
		if (n < 3 || n > 4 || strspn(val, "01234567") != n ||
		    (n == 4 && val[0] != '0')) {
			*errstr = "socket_mode must be octal, such as 0660";
			return -1;
		}
		c->socket_mode = (mode_t)strtoul(val, NULL, 8);
		break;
	case K_THREADS:
		if (cfg_parse_uint(val, 1, 256, &c->threads) == -1) {
			*errstr = "threads must be a number from 1 to 256";
			return -1;
		}
		break;
	case K_LOG_LEVEL:
		if (log_level_parse(val, &c->log_level) == -1) {
			*errstr = "log_level must be error, warn, info or debug";
			return -1;
		}
		break;
	case K_LOG:
		if (strcmp(val, "stderr") == 0)
			c->log_syslog = 0;
		else if (strcmp(val, "syslog") == 0)
			c->log_syslog = 1;
		else {
			*errstr = "log must be stderr or syslog";
			return -1;
		}
		break;
	case K_KEY_FILE:
		if (*val != '/') {
			*errstr = "key_file must be an absolute path";
			return -1;
		}
		if (cfg_set(&c->key_file, val) == -1)
			goto nomem;
		break;
	case K_PREFIX:
		if (!cfg_prefix_valid(val)) {
			*errstr = "prefix must be empty or a path such as /api";
			return -1;
		}
		if (cfg_set(&c->prefix, val) == -1)
			goto nomem;
		break;
	case K_DB_TIMEOUT:
		if (cfg_parse_uint(val, 100, 600000, &u) == -1) {
			*errstr = "db_timeout must be milliseconds, 100 to 600000";
			return -1;
		}
		c->db_timeout_ms = u;
		break;
	case K_CONNECT_TIMEOUT:
		if (cfg_parse_uint(val, 2, 600, &u) == -1) {
			*errstr = "connect_timeout must be seconds, 2 to 600";
			return -1;
		}
		c->connect_timeout = u;
		break;
	case K_METRICS:
		for (u = 0; u < METRICS__MAX; u++)
			if (strcmp(val, cfg_metrics[u]) == 0)
				break;
		if (u == METRICS__MAX) {
			*errstr = "metrics must be local, any or off";
			return -1;
		}
		c->metrics = (enum metrics_access)u;
		break;
	case K_DB_CONNECTIONS:
		if (cfg_parse_uint(val, 1, 64, &c->db_connections) == -1) {
			*errstr = "db_connections must be a number from 1 to 64";
			return -1;
		}
		break;
	case K_COMMIT_DELAY:
		if (cfg_parse_uint(val, 0, 100000, &c->commit_delay_us) == -1) {
			*errstr = "commit_delay must be microseconds, 0 to 100000";
			return -1;
		}
		break;
	case K_KEY_PERIOD:
		if (cfg_parse_duration(val, 3600, 366 * 86400,
		    &c->key_period) == -1) {
			*errstr = "key_period must be a duration from 1h to 366d";
			return -1;
		}
		break;
	case K_IPV6_PREFIX:
		if (cfg_parse_uint(val, 0, 128, &c->ipv6_prefix) == -1) {
			*errstr = "ipv6_prefix must be a number of bits, 0 to 128";
			return -1;
		}
		break;
	case K_IDENTITY:
		if (strcmp(val, "address") == 0)
			c->ident_agent = 0;
		else if (strcmp(val, "address+agent") == 0)
			c->ident_agent = 1;
		else {
			*errstr = "identity must be address or address+agent";
			return -1;
		}
		break;
	case K_DNT:
		for (u = 0; u < DNT__MAX; u++)
			if (strcmp(val, cfg_dnt[u]) == 0)
				break;
		if (u == DNT__MAX) {
			*errstr = "dnt must be count, ignore or skip";
			return -1;
		}
		c->dnt = (enum dnt_mode)u;
		break;
	case K_COUNTERS:
		return cfg_set_counters(c, val, errstr);
	case K_MAX_COUNTERS:
		if (cfg_parse_uint(val, 1, 100000, &c->max_counters) == -1) {
			*errstr = "max_counters must be a number from 1 to 100000";
			return -1;
		}
		break;
	case K_VISIT_LOG:
		if (strcmp(val, "on") == 0)
			c->visit_log = 1;
		else if (strcmp(val, "off") == 0)
			c->visit_log = 0;
		else {
			*errstr = "visit_log must be on or off";
			return -1;
		}
		break;
	case K_LOG_RETENTION:
		if (cfg_parse_duration(val, 86400, 3660 * 86400,
		    &c->log_retention) == -1) {
			*errstr = "log_retention must be a duration from 1d "
			    "to 3660d";
			return -1;
		}
		break;
	case K_COUNT_INTERVAL:
		if (cfg_parse_duration(val, 0, 366 * 86400,
		    &c->count_interval) == -1) {
			*errstr = "count_interval must be 0 (off) or a "
			    "duration up to window";
			return -1;
		}
		break;
	case K_BOTS_FILE:
		c->bots_set = 1;
		if (strcmp(val, "none") == 0) {
			free(c->bots_file);
			c->bots_file = NULL;
			break;
		}
		if (*val != '/') {
			*errstr = "bots_file must be an absolute path or none";
			return -1;
		}
		if (cfg_set(&c->bots_file, val) == -1)
			goto nomem;
		break;
	case K_IGNORE:
		return cfg_add_ignore(c, val, errstr);
	case K_ADMIN_TOKEN:
		if (strcmp(val, "none") == 0) {
			c->admin = 0;
			break;
		}
		if (admin_token_parse(val, c->admin_hash) == -1) {
			*errstr = "admin_token must be sha256: and 64 hex "
			    "digits, as footfall --hash-token prints";
			return -1;
		}
		c->admin = 1;
		break;
	default:
		*errstr = "unknown key";
		return -1;
	}
	return 0;
nomem:
	*errstr = "out of memory";
	return -1;
}

/*
 * Check what no single line can: the settings against each other.
 * Returns 0, or -1 with *errstr saying why.  Pure.
 */
int
cfg_check(const struct conf *c, const char **errstr)
{
	/*
	 * A key must stay alive while any window that began under it
	 * lasts; with key_period >= window that is at most two keys, the
	 * current one and the one before (see sql/004_privacy.sql).
	 */
	if (c->key_period < c->window) {
		*errstr = "key_period must be at least window";
		return -1;
	}
	/*
	 * The interval is kept in the visitor's row, which is removed when
	 * its window passes.
	 */
	if (c->count_interval > c->window) {
		*errstr = "count_interval must be at most window";
		return -1;
	}
	return 0;
}

/*
 * Load the bot list conf->bots_file names (none if NULL).  Returns 0, or
 * -1 with the reason in err.
 */
int
cfg_load_bots(struct conf *c, char *err, size_t errsz)
{
	const char	*errstr = NULL;
	size_t		 line = 0;

	agent_bots_free(c->bots);
	c->bots = NULL;
	if (c->bots_file == NULL)
		return 0;
	/*
	 * The shipped list may be missing where footfall runs from its
	 * build tree; only a list named in the configuration must exist.
	 */
	if (!c->bots_set && access(c->bots_file, F_OK) == -1) {
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
	const char	*errstr = NULL;
	size_t		 lineno = 0, n;
	int		 rc = -1;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f)) {
			snprintf(err, errsz, "%s:%zu: line too long", path,
			    lineno);
			goto out;
		}
		switch (cfg_parse_line(c, line, &errstr)) {
		case -1:
			snprintf(err, errsz, "%s:%zu: %s", path, lineno, errstr);
			goto out;
		case 1:
			log_warn("%s:%zu: %s", path, lineno, errstr);
			break;
		default:
			break;
		}
	}
	if (ferror(f)) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}
