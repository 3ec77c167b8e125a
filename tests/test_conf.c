#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "footfall.h"

Test(conf, durations)
{
	static const struct { const char *in; unsigned int want; } good[] = {
		{ "86400", 86400 }, { "24h", 86400 }, { "90m", 5400 },
		{ "1d", 86400 }, { "60s", 60 }, { "366d", 366 * 86400 },
	};
	static const char *const bad[] = {
		"", "h", "-1", "1x", "1.5h", "99999999999", "59", "367d",
		" 1h", "1h ", "0x10",
	};
	unsigned int	 v;
	size_t		 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cr_expect_eq(cfg_parse_duration(good[i].in, 60, 366 * 86400,
		    &v), 0, "%s", good[i].in);
		cr_expect_eq(v, good[i].want, "%s", good[i].in);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(cfg_parse_duration(bad[i], 60, 366 * 86400, &v),
		    -1, "'%s' accepted", bad[i]);
}

Test(conf, uints)
{
	unsigned int	 v;

	cr_expect_eq(cfg_parse_uint("1", 1, 256, &v), 0);
	cr_expect_eq(cfg_parse_uint("256", 1, 256, &v), 0);
	cr_expect_eq(v, 256);
	cr_expect_eq(cfg_parse_uint("0", 1, 256, &v), -1);
	cr_expect_eq(cfg_parse_uint("257", 1, 256, &v), -1);
	cr_expect_eq(cfg_parse_uint("+1", 1, 256, &v), -1);
	cr_expect_eq(cfg_parse_uint("18446744073709551617", 1, 256, &v), -1);
}

Test(conf, lines)
{
	static const char *const good[] = {
		"", "   ", "# comment", "  # indented comment",
		"database = host=/run/postgresql dbname=x user=y",
		"allow_origin = https://a.example https://b.example",
		"allow_origin=http://127.0.0.1:8080",
		"window = 12h", "listen = /run/footfall.sock",
		"listen = 127.0.0.1:9000", "socket_mode = 0600",
		"threads = 8", "log_level = debug", "log = syslog",
		"key_file = /var/lib/footfall/key", "prefix = /api",
		"prefix =", "db_timeout = 500", "connect_timeout = 5",
	};
	static const char *const bad[] = {
		"nokey", "unknown = 1", "allow_origin = null",
		"allow_origin = *", "allow_origin = https://a.example/",
		"window = 10s", "threads = 0", "socket_mode = 999",
		"log_level = loud", "log = file", "key_file = relative",
		"prefix = api", "db_timeout = 5", "connect_timeout = 1",
	};
	struct conf	 c;
	const char	*errstr;
	size_t		 i;

	cfg_init(&c);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		errstr = NULL;
		cr_expect_eq(cfg_parse_line(&c, good[i], &errstr), 0,
		    "'%s': %s", good[i], errstr);
	}
	cr_expect_eq(c.norigins, 3);
	cr_expect_str_eq(c.origins[1], "https://b.example");
	cr_expect_eq(c.window, 12 * 3600);
	cr_expect_eq(c.threads, 8);
	cr_expect_eq(c.socket_mode, 0600);
	cr_expect_str_eq(c.database, "host=/run/postgresql dbname=x user=y");
	cr_expect_str_eq(c.listen, "127.0.0.1:9000");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errstr = NULL;
		cr_expect_eq(cfg_parse_line(&c, bad[i], &errstr), -1,
		    "'%s' accepted", bad[i]);
		cr_expect_not_null(errstr, "'%s' has no reason", bad[i]);
	}
	cfg_free(&c);
}

Test(conf, files)
{
	char		 path[] = "/tmp/footfall-conf.XXXXXX", err[512];
	struct conf	 c;
	FILE		*f;
	int		 fd;

	fd = mkstemp(path);
	cr_assert_neq(fd, -1);
	f = fdopen(fd, "w");
	fputs("# sample\nwindow = 1h\n\nthreads = 0\n", f);
	fclose(f);
	cfg_init(&c);
	cr_expect_eq(cfg_load(&c, path, err, sizeof(err)), -1);
	cr_expect(strstr(err, ":4: threads") != NULL, "error was: %s", err);
	cfg_free(&c);

	f = fopen(path, "w");
	fputs("window = 1h\nallow_origin = https://x.example\n", f);
	fclose(f);
	cfg_init(&c);
	cr_expect_eq(cfg_load(&c, path, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(c.window, 3600);
	cr_expect_eq(c.norigins, 1);
	cfg_free(&c);
	unlink(path);

	cfg_init(&c);
	cr_expect_eq(cfg_load(&c, "/nonexistent/footfall.conf", err,
	    sizeof(err)), -1);
	cr_expect(strstr(err, "No such file") != NULL, "error was: %s", err);
	cfg_free(&c);
}
