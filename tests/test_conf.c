#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define TOKEN_HEX	\
	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

Test(conf, duration)
{
	static const struct {
		const char	*in;
		unsigned int	 want;
	} good[] = {
		{ "86400", 86400 }, { "24h", 86400 }, { "90m", 5400 },
		{ "1d", 86400 }, { "30s", 30 }, { "0", 0 }, { "1000d", 86400000 },
	};
	static const char *const bad[] = {
		"", "h", "-1", "1x", "1.5h", "99999999999", " 1h", "1h ",
		"1hh", "+5", "0x10",
	};
	unsigned int	 v;
	size_t		 i;

	for (i = 0; i < NELEM(good); i++) {
		v = 12345;
		cr_assert_eq(cfg_parse_duration(good[i].in, 0, 100000000, &v),
		    0, "accept \"%s\"", good[i].in);
		cr_assert_eq(v, good[i].want, "value of \"%s\"", good[i].in);
	}
	for (i = 0; i < NELEM(bad); i++) {
		v = 12345;
		cr_assert_eq(cfg_parse_duration(bad[i], 0, 100000000, &v), -1,
		    "reject \"%s\"", bad[i]);
		cr_assert_eq(v, 12345, "untouched after \"%s\"", bad[i]);
	}
	cr_assert_eq(cfg_parse_duration(NULL, 0, 10, &v), -1, "reject NULL");
	cr_assert_eq(cfg_parse_duration("59s", 60, 3600, &v), -1, "below min");
	cr_assert_eq(cfg_parse_duration("1m", 60, 3600, &v), 0, "at min");
	cr_assert_eq(v, 60);
	cr_assert_eq(cfg_parse_duration("1h", 60, 3600, &v), 0, "at max");
	cr_assert_eq(cfg_parse_duration("61m", 60, 3600, &v), -1, "above max");
	cr_assert_eq(cfg_parse_duration("2d", 60, 86400, &v), -1, "above max d");
	cr_assert_eq(cfg_parse_duration("4294967295", 0, 4294967295u, &v), 0,
	    "UINT_MAX seconds");
	cr_assert_eq(cfg_parse_duration("49711d", 0, 4294967295u, &v), -1,
	    "days overflowing unsigned int");
}

Test(conf, uint)
{
	static const struct {
		const char	*in;
		unsigned int	 min, max;
		int		 rc;
		unsigned int	 want;
	} t[] = {
		{ "1", 1, 256, 0, 1 }, { "256", 1, 256, 0, 256 },
		{ "0", 1, 256, -1, 0 }, { "257", 1, 256, -1, 0 },
		{ "007", 1, 256, 0, 7 }, { "", 0, 10, -1, 0 },
		{ "-1", 0, 10, -1, 0 }, { "1a", 0, 10, -1, 0 },
		{ " 1", 0, 10, -1, 0 }, { "4294967295", 0, 4294967295u, 0,
		    4294967295u },
		{ "4294967296", 0, 4294967295u, -1, 0 },
		{ "99999999999999999999999", 0, 4294967295u, -1, 0 },
	};
	unsigned int	 v;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		v = 777;
		cr_assert_eq(cfg_parse_uint(t[i].in, t[i].min, t[i].max, &v),
		    t[i].rc, "\"%s\" in [%u, %u]", t[i].in, t[i].min, t[i].max);
		cr_assert_eq(v, t[i].rc == 0 ? t[i].want : 777,
		    "value of \"%s\"", t[i].in);
	}
	cr_assert_eq(cfg_parse_uint(NULL, 0, 10, &v), -1, "NULL");
}

/* cfg_print's output for c, with a newline in front for strstr. */
static char *
printed(const struct conf *c)
{
	char	*out = NULL;
	size_t	 len = 0;
	FILE	*f;

	cr_assert_not_null(f = open_memstream(&out, &len));
	fputc('\n', f);
	cfg_print(c, f);
	cr_assert_eq(fclose(f), 0);
	return out;
}

Test(conf, line_good)
{
	static const char *const t[] = {
		"", "   ", "# comment", "  # indented comment = x",
		"database = host=db dbname=ff user=ff",
		"allow_origin = https://a.example",
		"window = 2h", "listen = /run/footfall.sock",
		"socket_mode = 0600", "threads = 8", "log_level = debug",
		"log = syslog", "key_file = /var/lib/footfall/key",
		"prefix = /api", "db_timeout = 5000", "connect_timeout = 10",
		"\tthreads\t=\t9\t", "metrics = any", "db_connections = 3",
		"commit_delay = 0", "commit_delay = 100000", "commit_delay = 250",
		"key_period = 1h", "key_period = 366d", "key_period = 2d",
		"ipv6_prefix = 0", "ipv6_prefix = 128", "ipv6_prefix = 56",
		"identity = address", "identity = address+agent",
		"dnt = ignore", "dnt = count", "dnt = skip",
	};
	struct conf	 c;
	const char	*errstr = "";
	size_t		 i;

	cr_assert_eq(cfg_init(&c), 0);
	for (i = 0; i < NELEM(t); i++) {
		cr_assert_eq(cfg_parse_line(&c, t[i], &errstr), 0,
		    "accept \"%s\": %s", t[i], errstr);
	}
	cr_assert_str_eq(c.database, "host=db dbname=ff user=ff");
	cr_assert_eq(c.norigins, 1);
	cr_assert_str_eq(c.origins[0], "https://a.example");
	cr_assert_eq(c.window, 7200);
	cr_assert_str_eq(c.listen, "/run/footfall.sock");
	cr_assert_eq(c.socket_mode, 0600);
	cr_assert_eq(c.threads, 9);
	cr_assert_eq(c.log_level, LOGL_DEBUG);
	cr_assert_eq(c.log_syslog, 1);
	cr_assert_str_eq(c.key_file, "/var/lib/footfall/key");
	cr_assert_str_eq(c.prefix, "/api");
	cr_assert_eq(c.db_timeout_ms, 5000);
	cr_assert_eq(c.connect_timeout, 10);
	cr_assert_eq(c.metrics, METRICS_ANY);
	cr_assert_eq(c.db_connections, 3);
	cr_assert_eq(c.commit_delay_us, 250);
	cr_assert_eq(c.key_period, 2 * 86400);
	cr_assert_eq(c.ipv6_prefix, 56);
	cr_assert_eq(c.ident_agent, 1);
	cr_assert_eq(c.dnt, DNT_SKIP);

	cr_assert_eq(cfg_parse_line(&c, "allow_origin = https://b.example "
	    "http://c.example:8080,https://d.example", &errstr), 0);
	cr_assert_eq(c.norigins, 4, "several origins on one line");
	cr_assert_str_eq(c.origins[1], "https://b.example");
	cr_assert_str_eq(c.origins[2], "http://c.example:8080");
	cr_assert_str_eq(c.origins[3], "https://d.example");

	cr_assert_eq(cfg_parse_line(&c, "listen =", &errstr), 0);
	cr_assert_null(c.listen, "empty listen clears it");
	cr_assert_eq(cfg_parse_line(&c, "log = stderr", &errstr), 0);
	cr_assert_eq(c.log_syslog, 0);
	cfg_free(&c);
}

/* The defaults, as footfall.conf(5) states them. */
Test(conf, defaults)
{
	struct conf	 c;
	const char	*errstr;

	cr_assert_eq(cfg_init(&c), 0);
	cr_assert_str_eq(c.database, "dbname=footfall");
	cr_assert_eq(c.norigins, 0);
	cr_assert_eq(c.window, 86400);
	cr_assert_null(c.listen);
	cr_assert_eq(c.socket_mode, 0660);
	cr_assert_eq(c.threads, 32);
	cr_assert_eq(c.log_level, LOGL_INFO);
	cr_assert_eq(c.log_syslog, 0);
	cr_assert_str_eq(c.key_file, FOOTFALL_LOCALSTATEDIR "/lib/footfall/key");
	cr_assert_str_eq(c.prefix, "");
	cr_assert_eq(c.db_timeout_ms, 2000);
	cr_assert_eq(c.connect_timeout, 2);
	cr_assert_eq(c.metrics, METRICS_LOCAL);
	cr_assert_eq(c.db_connections, 1);
	cr_assert_eq(c.commit_delay_us, 500);
	cr_assert_eq(c.key_period, 86400);
	cr_assert_eq(c.ipv6_prefix, 64);
	cr_assert_eq(c.ident_agent, 0);
	cr_assert_eq(c.dnt, DNT_COUNT);
	cr_assert_eq(c.ncounters, 0, "counters = auto");
	cr_assert_eq(c.max_counters, 100);
	cr_assert_eq(c.visit_log, 1);
	cr_assert_eq(c.log_retention, 90 * 86400);
	cr_assert_eq(c.count_interval, 0);
	cr_assert_str_eq(c.bots_file, FOOTFALL_PKGDATADIR "/bots.txt");
	cr_assert_eq(c.nignore, 0);
	cr_assert_eq(c.admin, 0);
	cr_assert_eq(cfg_check(&c, &errstr), 0, "the defaults agree");
	cfg_free(&c);
}

/*
 * A line that is applied (rc 0, or 1 with a warning), and the line
 * footfall -n then prints for its key: what the parser kept, written as
 * a file would write it.  The strings are arrays: Criterion hands a test
 * a copy of its parameter in another process, where the parent's
 * pointers mean nothing.
 */
struct good_case {
	char		 line[96];
	int		 rc;
	char		 shown[96];	/* cfg_print's line for the key */
};

ParameterizedTestParameters(conf, good)
{
	static struct good_case t[] = {
		{ "window = 2h", 0, "window = 2h" },
		{ "window = 90m", 0, "window = 90m" },
		{ "window = 86400", 0, "window = 1d" },
		{ "window = 61", 0, "window = 61s" },
		{ "  threads\t=  8  ", 0, "threads = 8" },
		{ "threads = 007", 0, "threads = 7" },
		{ "socket_mode = 600", 0, "socket_mode = 0600" },
		{ "socket_mode = 0777", 0, "socket_mode = 0777" },
		{ "log_level = warn", 0, "log_level = warn" },
		{ "log = syslog", 0, "log = syslog" },
		{ "metrics = off", 0, "metrics = off" },
		{ "identity = address+agent", 0, "identity = address+agent" },
		{ "dnt = skip", 0, "dnt = skip" },
		{ "visit_log = off", 0, "visit_log = off" },
		{ "log_retention = 3660d", 0, "log_retention = 3660d" },
		{ "count_interval = 30s", 0, "count_interval = 30s" },
		{ "key_period = 2d", 0, "key_period = 2d" },
		{ "listen = 127.0.0.1:9000", 0, "listen = 127.0.0.1:9000" },
		{ "listen =", 0, "listen =" },
		{ "prefix = /api/v1", 0, "prefix = /api/v1" },
		{ "prefix =", 0, "prefix =" },
		{ "key_file = /k", 0, "key_file = /k" },
		{ "bots_file = none", 0, "bots_file = none" },
		{ "bots_file = /etc/bots", 0, "bots_file = /etc/bots" },
		{ "allow_origin = https://a.example,http://b.example:8080", 0,
		    "allow_origin = https://a.example http://b.example:8080" },
		{ "counters = home, blog about", 0,
		    "counters = home blog about" },
		{ "counters = auto", 0, "counters = auto" },
		{ "max_counters = 100000", 0, "max_counters = 100000" },
		{ "ignore = 192.0.2.7 2001:db8::/32", 0,
		    "ignore = 192.0.2.7/32 2001:db8::/32" },
		{ "ignore = ::ffff:192.0.2.0/120", 0, "ignore = 192.0.2.0/24" },
		{ "ignore = 192.0.2.1/24", 1, "ignore = 192.0.2.0/24" },
		{ "admin_token = none", 0, "admin_token = none" },
		{ "admin_token = sha256:"
		    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		    0, "admin_token = (set, not shown)" },
		{ "read_token = none", 0, "read_token = none" },
		{ "read_token = sha256:" TOKEN_HEX, 0,
		    "read_token = (set, not shown)" },
		{ "stats = public", 0, "stats = public" },
		{ "stats = private", 0, "stats = private" },
		{ "stats_private = home, blog", 0, "stats_private = home blog" },
		{ "stats_private =", 0, "stats_private =" },
		{ "database = host=db dbname=ff", 0,
		    "database = host=db dbname=ff" },
		{ "database = host=db password=secret", 0,
		    "database = (not shown: it holds a password)" },
		{ "database = postgresql://ff:secret@db/ff", 0,
		    "database = (not shown: it holds a password)" },
		{ "database = postgresql://ff@db/ff", 0,
		    "database = postgresql://ff@db/ff" },
		{ "read_database = host=db2 dbname=ff "
		    "target_session_attrs=prefer-standby", 0,
		    "read_database = host=db2 dbname=ff "
		    "target_session_attrs=prefer-standby" },
		{ "read_database = host=db2 password=secret", 0,
		    "read_database = (not shown: it holds a password)" },
		{ "read_database =", 0, "read_database =" },
	};

	return cr_make_param_array(struct good_case, t, NELEM(t));
}

ParameterizedTest(struct good_case *t, conf, good)
{
	struct conf	 c;
	const char	*errstr = "";
	char		 want[256], *out;

	cr_assert_eq(cfg_init(&c), 0);
	cr_assert_eq(cfg_parse_line(&c, t->line, &errstr), t->rc,
	    "\"%s\": %s", t->line, errstr);
	out = printed(&c);
	snprintf(want, sizeof(want), "\n%s\n", t->shown);
	cr_expect(strstr(out, want) != NULL, "\"%s\" shows \"%s\" in:%s",
	    t->line, t->shown, out);
	free(out);
	cfg_free(&c);
}

/*
 * A refused line and its exact message.  A refused line changes nothing
 * but, for a list, the items before the bad one (footfall stops at the
 * first bad line anyway): partial.
 */
struct bad_case {
	char		 line[64];
	char		 msg[192];
	int		 partial;
};

#define ORIGIN_MSG	"allow_origin must be serialised origins such as " \
	"https://example.org (no path, no trailing slash, lower case; " \
	"\"null\" and \"*\" are never allowed)"
#define COUNTERS_MSG	"counters must be a list of names: 1 to 64 letters, " \
	"digits, '.', '_' and '-', starting with a letter or digit, or auto"
#define IGNORE_MSG	"ignore must be addresses or networks such as " \
	"192.0.2.7, 198.51.100.0/24 or 2001:db8::/32"
#define TOKEN_MSG	"admin_token must be sha256: and 64 hex digits, as " \
	"footfall --hash-token prints, or none"
#define READ_MSG	"read_token must be sha256: and 64 hex digits, as " \
	"footfall --hash-read-token prints, or none"

ParameterizedTestParameters(conf, bad)
{
	static struct bad_case t[] = {
		{ "bogus = 1", "unknown key", 0 },
		{ "Threads = 4", "unknown key", 0 },
		{ "= 4", "unknown key", 0 },
		{ "threads", "expected \"key = value\"", 0 },
		{ "threads 4", "expected \"key = value\"", 0 },
		{ "allow_origin = null", ORIGIN_MSG, 0 },
		{ "allow_origin = *", ORIGIN_MSG, 0 },
		{ "allow_origin = https://ok.example null", ORIGIN_MSG, 1 },
		{ "allow_origin = https://a.example/", ORIGIN_MSG, 0 },
		{ "window = 10s", "window must be a duration from 1m to 366d", 0 },
		{ "window = 367d", "window must be a duration from 1m to 366d", 0 },
		{ "window = soon", "window must be a duration from 1m to 366d", 0 },
		{ "threads = 0", "threads must be a number from 1 to 256", 0 },
		{ "threads = 257", "threads must be a number from 1 to 256", 0 },
		{ "threads = -1", "threads must be a number from 1 to 256", 0 },
		{ "socket_mode = 999", "socket_mode must be octal, such as 0660", 0 },
		{ "socket_mode = 66", "socket_mode must be octal, such as 0660", 0 },
		{ "socket_mode = 06600", "socket_mode must be octal, such as 0660",
		    0 },
		{ "socket_mode = 1000", "socket_mode must be octal, such as 0660",
		    0 },
		{ "socket_mode = 4660", "socket_mode must be octal, such as 0660",
		    0 },
		{ "socket_mode = 7777", "socket_mode must be octal, such as 0660",
		    0 },
		{ "log_level = loud", "log_level must be error, warn, info or debug",
		    0 },
		{ "log = file", "log must be stderr or syslog", 0 },
		{ "key_file = relative", "key_file must be an absolute path", 0 },
		{ "key_file =", "key_file must be an absolute path", 0 },
		{ "key_file = none", "key_file must be an absolute path", 0 },
		{ "prefix = api", "prefix must be empty or a path such as /api", 0 },
		{ "prefix = /a b", "prefix must be empty or a path such as /api", 0 },
		{ "prefix = /a?b", "prefix must be empty or a path such as /api", 0 },
		{ "prefix = /a%20", "prefix must be empty or a path such as /api",
		    0 },
		{ "db_timeout = 99",
		    "db_timeout must be milliseconds from 100 to 600000", 0 },
		{ "db_timeout = 600001",
		    "db_timeout must be milliseconds from 100 to 600000", 0 },
		{ "connect_timeout = 1",
		    "connect_timeout must be seconds from 2 to 600", 0 },
		{ "connect_timeout = 601",
		    "connect_timeout must be seconds from 2 to 600", 0 },
		{ "metrics = on", "metrics must be local, any or off", 0 },
		{ "metrics = yes", "metrics must be local, any or off", 0 },
		{ "metrics =", "metrics must be local, any or off", 0 },
		{ "metrics = Local", "metrics must be local, any or off", 0 },
		{ "db_connections = 0",
		    "db_connections must be a number from 1 to 64", 0 },
		{ "db_connections = 65",
		    "db_connections must be a number from 1 to 64", 0 },
		{ "commit_delay = 100001",
		    "commit_delay must be microseconds from 0 to 100000", 0 },
		{ "commit_delay = -1",
		    "commit_delay must be microseconds from 0 to 100000", 0 },
		{ "commit_delay = 1ms",
		    "commit_delay must be microseconds from 0 to 100000", 0 },
		{ "commit_delay =",
		    "commit_delay must be microseconds from 0 to 100000", 0 },
		{ "key_period = 59m",
		    "key_period must be a duration from 1h to 366d", 0 },
		{ "key_period = 367d",
		    "key_period must be a duration from 1h to 366d", 0 },
		{ "key_period = daily",
		    "key_period must be a duration from 1h to 366d", 0 },
		{ "key_period =", "key_period must be a duration from 1h to 366d",
		    0 },
		{ "ipv6_prefix = 129",
		    "ipv6_prefix must be a number of bits from 0 to 128", 0 },
		{ "ipv6_prefix = -1",
		    "ipv6_prefix must be a number of bits from 0 to 128", 0 },
		{ "ipv6_prefix = /64",
		    "ipv6_prefix must be a number of bits from 0 to 128", 0 },
		{ "identity = agent", "identity must be address or address+agent",
		    0 },
		{ "identity = address agent",
		    "identity must be address or address+agent", 0 },
		{ "identity = Address", "identity must be address or address+agent",
		    0 },
		{ "identity =", "identity must be address or address+agent", 0 },
		{ "dnt = on", "dnt must be count, ignore or skip", 0 },
		{ "dnt = 1", "dnt must be count, ignore or skip", 0 },
		{ "dnt = Count", "dnt must be count, ignore or skip", 0 },
		{ "dnt =", "dnt must be count, ignore or skip", 0 },
		{ "counters =", COUNTERS_MSG, 0 },
		{ "counters = , ,", COUNTERS_MSG, 0 },
		{ "counters = home -x", COUNTERS_MSG, 1 },
		{ "max_counters = 0",
		    "max_counters must be a number from 1 to 100000", 0 },
		{ "max_counters = 100001",
		    "max_counters must be a number from 1 to 100000", 0 },
		{ "visit_log = yes", "visit_log must be off or on", 0 },
		{ "log_retention = 23h",
		    "log_retention must be a duration from 1d to 3660d", 0 },
		{ "log_retention = 3661d",
		    "log_retention must be a duration from 1d to 3660d", 0 },
		{ "count_interval = 367d",
		    "count_interval must be a duration from 0 to 366d", 0 },
		{ "count_interval = often",
		    "count_interval must be a duration from 0 to 366d", 0 },
		{ "bots_file = bots.txt",
		    "bots_file must be an absolute path or none", 0 },
		{ "bots_file =", "bots_file must be an absolute path or none", 0 },
		{ "ignore = 300.1.2.3/8", IGNORE_MSG, 0 },
		{ "ignore = 10.0.0.0/33", IGNORE_MSG, 0 },
		{ "ignore = ::1 2001:db8::/129", IGNORE_MSG, 1 },
		{ "ignore = ::ffff:192.0.2.0/95", IGNORE_MSG, 0 },
		{ "admin_token = secret", TOKEN_MSG, 0 },
		{ "admin_token = sha256:abc", TOKEN_MSG, 0 },
		{ "admin_token =", TOKEN_MSG, 0 },
		{ "read_token = secret", READ_MSG, 0 },
		{ "read_token = sha256:abc", READ_MSG, 0 },
		{ "read_token =", READ_MSG, 0 },
		{ "stats = secret", "stats must be public or private", 0 },
		{ "stats = Private", "stats must be public or private", 0 },
		{ "stats =", "stats must be public or private", 0 },
		{ "stats_private = .home", "stats_private must be a list of "
		    "counter names", 0 },
		{ "stats_private = home bl/og", "stats_private must be a list "
		    "of counter names", 1 },
	};

	return cr_make_param_array(struct bad_case, t, NELEM(t));
}

ParameterizedTest(struct bad_case *t, conf, bad)
{
	struct conf	 c, d;
	const char	*errstr = NULL;
	char		*got, *want;

	cr_assert_eq(cfg_init(&c), 0);
	cr_assert_eq(cfg_init(&d), 0);
	cr_assert_eq(cfg_parse_line(&c, t->line, &errstr), -1,
	    "reject \"%s\"", t->line);
	cr_assert_not_null(errstr);
	cr_expect_str_eq(errstr, t->msg, "the reason for \"%s\"", t->line);
	if (!t->partial) {
		got = printed(&c);
		want = printed(&d);
		cr_expect_str_eq(got, want, "\"%s\" changed nothing", t->line);
		free(got);
		free(want);
	}
	cfg_free(&c);
	cfg_free(&d);
}

/*
 * What footfall -n prints reads back as the same configuration: the
 * printer writes what the parser reads (the privacy line aside).
 */
Test(conf, print_reads_back)
{
	static const char *const t[] = {
		"window = 90m", "key_period = 2d", "threads = 7",
		"socket_mode = 0600", "listen = /run/ff.sock", "log = syslog",
		"allow_origin = https://a.example http://b.example:81",
		"counters = home blog", "ignore = 192.0.2.0/24 ::1",
		"count_interval = 45s", "prefix = /api", "bots_file = none",
		"visit_log = off", "dnt = ignore", "metrics = any",
		"stats = private", "stats_private = home",
	};
	struct conf	 c, d;
	const char	*errstr = "";
	char		*first, *second, *line, *save = NULL;
	size_t		 i;

	cr_assert_eq(cfg_init(&c), 0);
	for (i = 0; i < NELEM(t); i++)
		cr_assert_eq(cfg_parse_line(&c, t[i], &errstr), 0,
		    "%s: %s", t[i], errstr);
	first = printed(&c);
	cr_assert_eq(cfg_init(&d), 0);
	second = strdup(first);
	for (line = strtok_r(second, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "privacy: ", 9) != 0)
			cr_assert_eq(cfg_parse_line(&d, line, &errstr),
			    0, "reads back \"%s\": %s", line, errstr);
	free(second);
	second = printed(&d);
	cr_expect_str_eq(second, first);
	free(first);
	free(second);
	cfg_free(&c);
	cfg_free(&d);
}

/*
 * ignore: a network written with host bits set is taken without them
 * (as nginx takes it), with a warning; the entries are kept either way.
 */
Test(conf, ignore_host_bits)
{
	static const struct {
		const char	*line;
		int		 rc;
		size_t		 n;
	} t[] = {
		{ "ignore = 192.0.2.0/24", 0, 1 },
		{ "ignore = 192.0.2.7", 0, 1 },
		{ "ignore = 2001:db8::/32 ::1", 0, 2 },
		{ "ignore = 192.0.2.1/24", 1, 1 },
		{ "ignore = ::1 2001:db8::1/32", 1, 2 },
		{ "ignore = 10.1.2.3/8, 192.0.2.0/24", 1, 2 },
		{ "ignore = ::ffff:192.0.2.1/120", 1, 1 },
	};
	struct conf	 c;
	struct addr	 a;
	const char	*errstr;
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		cfg_init(&c);
		errstr = NULL;
		cr_expect_eq(cfg_parse_line(&c, t[i].line, &errstr),
		    t[i].rc, "%s", t[i].line);
		cr_expect_eq(c.nignore, t[i].n, "%s", t[i].line);
		if (t[i].rc == 1)
			cr_expect_str_eq(errstr, "ignore: a network has address "
			    "bits set past its prefix; they are cleared "
			    "(192.0.2.1/24 is taken as 192.0.2.0/24)",
			    "%s: the warning", t[i].line);
		cfg_free(&c);
	}
	/* What a warned network matches: the whole /24. */
	cfg_init(&c);
	cr_assert_eq(cfg_parse_line(&c, "ignore = 192.0.2.1/24", &errstr), 1);
	cr_assert_eq(addr_parse("192.0.2.200", &a), 0);
	cr_expect(addr_in_net(&a, &c.ignore[0]));
	cr_assert_eq(addr_parse("192.0.3.1", &a), 0);
	cr_expect(!addr_in_net(&a, &c.ignore[0]));
	cfg_free(&c);
}

/* Lists: how many items, and which keys add and which replace. */
Test(conf, list_limits)
{
	struct conf	 c;
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char		 line[CONF_COUNTERS_MAX * 3 + 64];
	const char	*errstr;
	size_t		 i, n;

	cr_assert_eq(cfg_init(&c), 0);
	for (i = 0; i < CONF_IGNORE_MAX; i++) {
		snprintf(line, sizeof(line), "ignore = 10.0.%zu.0/24", i);
		cr_assert_eq(cfg_parse_line(&c, line, &errstr), 0);
	}
	cr_assert_eq(c.nignore, CONF_IGNORE_MAX, "ignore lines add up");
	cr_assert_eq(cfg_parse_line(&c, "ignore = ::1", &errstr),
	    -1);
	cr_expect_str_eq(errstr, "too many ignore entries (64 at most)");
	for (i = 0; i < CONF_ORIGINS_MAX; i++) {
		snprintf(line, sizeof(line), "allow_origin = https://%zu.example",
		    i);
		cr_assert_eq(cfg_parse_line(&c, line, &errstr), 0);
	}
	cr_assert_eq(cfg_parse_line(&c, "allow_origin = https://x.example",
	    &errstr), -1);
	cr_expect_str_eq(errstr, "too many allow_origin entries (64 at most)");

	cr_assert_eq(cfg_parse_line(&c, "counters = a b c", &errstr), 0);
	cr_assert_eq(cfg_parse_line(&c, "counters = d", &errstr), 0);
	cr_assert_eq(c.ncounters, 1, "a counters line replaces the list");
	cr_assert_str_eq(c.counters[0], "d");
	/* 1025 names of two characters: the line stays short enough. */
	n = (size_t)snprintf(line, sizeof(line), "counters =");
	for (i = 0; i <= CONF_COUNTERS_MAX; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %c%c",
		    digits[i / 36], digits[i % 36]);
	cr_assert_eq(cfg_parse_line(&c, line, &errstr), -1);
	cr_expect_str_eq(errstr, "too many counters entries (1024 at most)");
	cr_assert_eq(cfg_parse_line(&c, "counters = auto", &errstr),
	    0);
	cr_assert_eq(c.ncounters, 0, "auto empties the list");
	cfg_free(&c);
}

/* What no single line can check: a key against another. */
struct check_case {
	char		 a[32], b[32];
	char		 msg[48];	/* empty: accepted */
};

ParameterizedTestParameters(conf, check)
{
	static struct check_case t[] = {
		{ "window = 1d", "key_period = 1d", "" },	/* defaults */
		{ "window = 1d", "key_period = 2d", "" },
		{ "window = 2h", "key_period = 1h",
		    "key_period must be at least window" },
		{ "window = 2d", "key_period = 1d",
		    "key_period must be at least window" },
		{ "window = 60s", "key_period = 1h", "" },
		{ "window = 1h", "key_period = 1h", "" },
		{ "window = 3601", "key_period = 1h",
		    "key_period must be at least window" },
		{ "window = 1d", "count_interval = 1d", "" },
		{ "window = 1d", "count_interval = 2d",
		    "count_interval must be at most window" },
		{ "window = 60", "count_interval = 61",
		    "count_interval must be at most window" },
		{ "window = 60", "count_interval = 0", "" },
	};

	return cr_make_param_array(struct check_case, t, NELEM(t));
}

ParameterizedTest(struct check_case *t, conf, check)
{
	struct conf	 c;
	const char	*errstr;

	cr_assert_eq(cfg_init(&c), 0);
	cr_assert_eq(cfg_parse_line(&c, t->a, &errstr), 0, "%s", t->a);
	cr_assert_eq(cfg_parse_line(&c, t->b, &errstr), 0, "%s", t->b);
	cr_expect_eq(cfg_check(&c, &errstr), t->msg[0] == '\0' ? 0 :
	    -1, "%s, %s", t->a, t->b);
	if (t->msg[0] != '\0')
		cr_expect_str_eq(errstr, t->msg);
	cfg_free(&c);
}

/*
 * Private statistics: which counters need a token (cfg_stats_private),
 * and what cfg_check says of the lines together.
 */
struct private_case {
	char		 lines[3][96];
	char		 msg[64];	/* cfg_check's; empty: accepted */
	char		 priv[32];	/* names whose /stats needs a token */
	char		 pub[32];	/* names whose /stats is public */
};

#define ADMIN_LINE	"admin_token = sha256:" TOKEN_HEX
#define READ_LINE	"read_token = sha256:" TOKEN_HEX
#define NOBODY_MSG	"private statistics need read_token or admin_token"

ParameterizedTestParameters(conf, private)
{
	static struct private_case t[] = {
		{ { "" }, "", "", "default home blog" },	/* defaults */
		{ { READ_LINE }, "", "", "default home" },
		{ { "stats = private", READ_LINE }, "", "default home blog",
		    "" },
		{ { "stats = private", ADMIN_LINE }, "", "default home", "" },
		{ { "stats = private" }, NOBODY_MSG, "default", "" },
		{ { "stats_private = home", READ_LINE }, "", "home",
		    "default blog homepage hom" },
		{ { "stats_private = home blog", ADMIN_LINE }, "",
		    "home blog", "default Home" },
		{ { "stats_private = home" }, NOBODY_MSG, "home", "blog" },
		{ { "stats_private = home", READ_LINE, "read_token = none" },
		    NOBODY_MSG, "home", "" },
		{ { "stats = public", "stats_private = home", READ_LINE }, "",
		    "home", "default" },
		/* A listed name that counters does not have: a typo. */
		{ { "counters = home blog", "stats_private = hmoe", READ_LINE },
		    "stats_private: hmoe is not one of the counters", "hmoe",
		    "home" },
		{ { "counters = home blog", "stats_private = blog default",
		    READ_LINE }, "", "blog default", "home" },
		{ { "stats_private = anything", READ_LINE }, "", "anything",
		    "home" },
	};

	return cr_make_param_array(struct private_case, t, NELEM(t));
}

/* Each blank-separated name of list: cfg_stats_private(c, name) is want. */
static void
private_expect(const struct conf *c, const char *list, int want)
{
	char	 buf[32], *name, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (name = strtok_r(buf, " ", &save); name != NULL;
	    name = strtok_r(NULL, " ", &save))
		cr_expect_eq(cfg_stats_private(c, name), want,
		    "%s is %s", name, want ? "private" : "public");
}

ParameterizedTest(struct private_case *t, conf, private)
{
	struct conf	 c;
	const char	*errstr;
	size_t		 i;

	cr_assert_eq(cfg_init(&c), 0);
	for (i = 0; i < NELEM(t->lines); i++)
		cr_assert_eq(cfg_parse_line(&c, t->lines[i], &errstr), 0,
		    "%s: %s", t->lines[i], errstr);
	cr_expect_eq(cfg_check(&c, &errstr), t->msg[0] == '\0' ? 0 : -1,
	    "%s, %s", t->lines[0], t->lines[1]);
	if (t->msg[0] != '\0')
		cr_expect_str_eq(errstr, t->msg);
	private_expect(&c, t->priv, 1);
	private_expect(&c, t->pub, 0);
	cfg_free(&c);
}

static void
write_tmp(char *path, const char *text)
{
	FILE	*f;
	int	 fd;

	fd = mkstemp(path);
	cr_assert_neq(fd, -1, "mkstemp");
	cr_assert_not_null(f = fdopen(fd, "w"));
	fputs(text, f);
	fclose(f);
}

Test(conf, load)
{
	char		 good[] = "/tmp/footfall-conf-XXXXXX";
	char		 bad[] = "/tmp/footfall-conf-XXXXXX";
	char		 err[512], want[64];
	struct conf	 c;

	write_tmp(good, "# footfall\n\nwindow = 1h\nthreads = 2\n"
	    "allow_origin = https://x.example\nprefix = /api");
	write_tmp(bad, "# footfall\nthreads = 2\n\nthreads = zero\n"
	    "window = 1h\n");

	cfg_init(&c);
	err[0] = '\0';
	cr_assert_eq(cfg_load(&c, good, err, sizeof(err)), 0, "good: %s", err);
	cr_assert_eq(c.window, 3600);
	cr_assert_eq(c.threads, 2);
	cr_assert_eq(c.norigins, 1);
	cr_assert_str_eq(c.prefix, "/api", "last line without newline");
	cfg_free(&c);

	cfg_init(&c);
	cr_assert_eq(cfg_load(&c, bad, err, sizeof(err)), -1, "bad file");
	snprintf(want, sizeof(want), "%s:4:", bad);
	cr_assert(strstr(err, want) == err, "\"%s\" starts with \"%s\"", err,
	    want);
	cr_assert(strstr(err, "threads") != NULL, "reason in \"%s\"", err);
	cfg_free(&c);

	unlink(good);
	unlink(bad);
	cfg_init(&c);
	cr_assert_eq(cfg_load(&c, good, err, sizeof(err)), -1, "missing file");
	cr_assert(strstr(err, good) != NULL, "path in \"%s\"", err);
	cfg_free(&c);
}

/* A line longer than 4095 bytes is refused, wherever it ends. */
Test(conf, load_long_line)
{
	static const size_t	 len[] = { 4095, 4096, 5000, 10000 };
	char			 path[] = "/tmp/footfall-conf-XXXXXX";
	char			 err[512], want[64], *text;
	struct conf		 c;
	size_t			 i;

	for (i = 0; i < NELEM(len); i++) {
		/* "# xxx...\nthreads = 3\n": a comment len bytes long. */
		cr_assert_not_null(text = malloc(len[i] + 32));
		memset(text, 'x', len[i]);
		text[0] = '#';
		snprintf(text + len[i], 32, "\nthreads = 3\n");
		strcpy(path, "/tmp/footfall-conf-XXXXXX");
		write_tmp(path, text);
		free(text);
		cfg_init(&c);
		snprintf(want, sizeof(want), "%s:1: line too long", path);
		if (len[i] < 4096) {
			cr_expect_eq(cfg_load(&c, path, err, sizeof(err)), 0,
			    "%zu bytes: %s", len[i], err);
			cr_expect_eq(c.threads, 3);
		} else {
			cr_expect_eq(cfg_load(&c, path, err, sizeof(err)), -1,
			    "%zu bytes", len[i]);
			cr_expect_str_eq(err, want);
		}
		cfg_free(&c);
		unlink(path);
	}
}
