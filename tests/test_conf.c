#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

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
	const char	*errstr;
	size_t		 i;

	cfg_init(&c);
	for (i = 0; i < NELEM(t); i++) {
		errstr = NULL;
		cr_assert_eq(cfg_parse_line(&c, t[i], &errstr), 0,
		    "accept \"%s\": %s", t[i], errstr ? errstr : "");
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
		cr_expect_eq(cfg_parse_line(&c, t[i].line, &errstr), t[i].rc,
		    "%s", t[i].line);
		cr_expect_eq(c.nignore, t[i].n, "%s", t[i].line);
		if (t[i].rc == 1)
			cr_expect(errstr != NULL &&
			    strstr(errstr, "bits set past its prefix") != NULL,
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

Test(conf, line_bad)
{
	static const char *const t[] = {
		"bogus = 1", "threads", "threads 4", "= 4",
		"allow_origin = null", "allow_origin = https://ok.example null",
		"allow_origin = *", "window = 10s", "window = 367d",
		"window = soon", "threads = 0", "threads = 257",
		"socket_mode = 999", "socket_mode = 66", "socket_mode = 06600",
		"socket_mode = 1000", "socket_mode = 4660", "socket_mode = 7777",
		"log_level = loud", "log = file", "key_file = relative",
		"key_file =", "prefix = api", "prefix = /a b", "prefix = /a?b",
		"db_timeout = 99", "db_timeout = 600001",
		"connect_timeout = 1", "connect_timeout = 601",
		"Threads = 4", "metrics = on", "metrics = yes", "metrics =",
		"metrics = Local", "db_connections = 0", "db_connections = 65",
		"commit_delay = 100001", "commit_delay = -1",
		"commit_delay = 1ms", "commit_delay =",
		"key_period = 59m", "key_period = 367d", "key_period = daily",
		"key_period =", "ipv6_prefix = 129", "ipv6_prefix = -1",
		"ipv6_prefix = /64", "identity = agent", "identity = address agent",
		"identity = Address", "identity =", "dnt = on", "dnt = 1",
		"dnt = Count", "dnt =",
	};
	struct conf	 c;
	const char	*errstr;
	size_t		 i;

	cfg_init(&c);
	for (i = 0; i < NELEM(t); i++) {
		errstr = NULL;
		cr_assert_eq(cfg_parse_line(&c, t[i], &errstr), -1,
		    "reject \"%s\"", t[i]);
		cr_assert_not_null(errstr, "reason for \"%s\"", t[i]);
	}
	cr_assert_eq(c.threads, 32, "defaults survive bad lines");
	cr_assert_eq(c.db_connections, 1);
	cr_assert_eq(c.commit_delay_us, 500);
	cr_assert_eq(c.window, 86400);
	cr_assert_eq(c.socket_mode, 0660);
	cr_assert_eq(c.key_period, 86400);
	cr_assert_eq(c.ipv6_prefix, 64);
	cr_assert_eq(c.ident_agent, 0);
	cr_assert_eq(c.dnt, DNT_COUNT);
	cfg_free(&c);
}

/* What no single line can check: key_period against window. */
Test(conf, check)
{
	static const struct {
		const char	*window, *period;
		int		 ok;
	} t[] = {
		{ "1d", "1d", 1 },	/* the defaults */
		{ "1d", "2d", 1 },
		{ "2h", "1h", 0 },
		{ "2d", "1d", 0 },
		{ "60s", "1h", 1 },
		{ "1h", "1h", 1 },
		{ "3601", "1h", 0 },
	};
	struct conf	 c;
	const char	*errstr;
	char		 line[64];
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		cfg_init(&c);
		snprintf(line, sizeof(line), "window = %s", t[i].window);
		cr_assert_eq(cfg_parse_line(&c, line, &errstr), 0, "%s", line);
		snprintf(line, sizeof(line), "key_period = %s", t[i].period);
		cr_assert_eq(cfg_parse_line(&c, line, &errstr), 0, "%s", line);
		errstr = NULL;
		cr_expect_eq(cfg_check(&c, &errstr), t[i].ok ? 0 : -1,
		    "window %s, key_period %s", t[i].window, t[i].period);
		if (!t[i].ok)
			cr_expect_not_null(errstr);
		cfg_free(&c);
	}
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
