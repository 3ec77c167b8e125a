/*
 * footfall(8): wires the parts together.  Start-up faults are fatal and
 * explained; after start-up nothing a request does ends the process.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "footfall.h"

#define DEFAULT_CONF	FOOTFALL_SYSCONFDIR "/footfall.conf"
/* --import reads at most this much: a million rows and more. */
#define IMPORT_FILE_MAX	(128 * 1024 * 1024)

static void
usage(FILE *f)
{
	fprintf(f,
"usage: footfall [-hnPRTVv] [-f file] [-s socket] [--options]\n"
"       footfall [-f file] --export csv | json\n"
"       footfall [-f file] --import file\n"
"\n"
"A privacy-respecting visitor counter, run as a FastCGI responder.\n"
"\n"
"  -f, --config FILE   configuration file (default " DEFAULT_CONF ")\n"
"  -s, --socket SOCK   listen on SOCK: /path/to.sock or host:port\n"
"                      (default: the socket on fd 0, else plain CGI)\n"
"  -n, --check         print the configuration in effect, check it, the\n"
"                      key and the database, then exit 0 or explain\n"
"                      what is wrong\n"
"  -P, --purge         remove every visitor whose window has passed and\n"
"                      every expired key now, then exit (for a timer;\n"
"                      the server also does it as it runs)\n"
"  -T, --hash-token    read an admin token from stdin and print its\n"
"                      admin_token line; empty input makes a random\n"
"                      token, shown once on stderr\n"
"  -R, --hash-read-token\n"
"                      the same for a read_token line (private /stats)\n"
"  -v, --verbose       log at debug level\n"
"  -V, --version       print the version and exit\n"
"  -h, --help          print this help and exit\n"
"      --options       print each configuration key with its type,\n"
"                      default and values, and exit\n"
"      --export FORMAT print every counter's days as csv (the format\n"
"                      --import reads) or json (with the totals)\n"
"      --import FILE   add the days in FILE (csv, - for stdin) to the\n"
"                      counters: all or, if a line is bad, nothing\n"
"\n"
"See footfall(8) and footfall.conf(5).\n");
}

/*
 * -n, with read_database set: what /stats and ?peek read there.  Returns
 * 0, or 1 if it cannot be read.
 */
static int
check_read(const struct conf *conf)
{
	struct counts	 c;
	struct db	*db;
	const char	*name = COUNTER_DEFAULT;
	int		 rc = 1;

	if ((db = db_open(conf->read_database, conf->db_timeout_ms,
	    conf->connect_timeout)) == NULL)
		return 1;
	if (db_read_counters(db, &name, NULL, 1, &c) != DB_OK)
		printf("read_database: cannot read the counts (the log line "
		    "above says why)\n");
	else {
		printf("read_database: ok (%lld visits, %lld unique visitors; "
		    "a standby's may lag)\n", c.total, c.uniques);
		rc = 0;
	}
	db_close(db);
	return rc;
}

/*
 * -n: everything the server would need, checked in order, with a line
 * for each so that the first failure says what to fix.
 */
static int
check(const struct conf *conf, const char *path)
{
	unsigned char	 key[HASH_KEY_LEN];
	struct counts	 c;
	struct db	*db;
	const char	*errstr = NULL, *name = COUNTER_DEFAULT;
	int		 rc = 1;

	printf("configuration %s: ok\n", path);
	cfg_print(conf, stdout);
	if (conf->bots_file == NULL || conf->bots == NULL)
		printf("bots_file %s: bots are counted as visitors\n",
		    conf->bots_file == NULL ? "none" : "not found");
	else
		printf("bots_file %s: %zu patterns\n", conf->bots_file,
		    agent_bots_count(conf->bots));
	if (access(conf->key_file, F_OK) == -1)
		printf("key %s: missing; footfall creates it on start\n",
		    conf->key_file);
	else if (hash_key_load(conf->key_file, 0, key, &errstr) == -1) {
		printf("key %s: %s\n", conf->key_file, errstr);
		return 1;
	} else
		printf("key %s: ok\n", conf->key_file);
	memset(key, 0, sizeof(key));

	if ((db = db_open(conf->database, conf->db_timeout_ms,
	    conf->connect_timeout)) == NULL)
		return 1;
	db_watch_durable(db);
	/* What footfall reads for a GET of /count. */
	if (db_read_counters(db, &name, NULL, 1, &c) != DB_OK)
		printf("database: cannot read the counts (the log line above "
		    "says why; are the migrations applied and the role "
		    "granted footfall_app?)\n");
	else {
		printf("database: ok (%lld visits, %lld unique visitors)\n",
		    c.total, c.uniques);
		/* A warning, not a failure: footfall runs either way. */
		printf("database: %s\n", db_is_durable(db) == 1 ?
		    "commits are durable (fsync and synchronous_commit on)" :
		    db_is_durable(db) == 0 ? "warning: commits are NOT durable"
		    " (see the warning above): visits answered 200 can be lost"
		    " in a crash" : "warning: cannot tell whether commits are"
		    " durable");
		rc = 0;
	}
	db_close(db);
	if (rc == 0 && conf->read_database != NULL)
		rc = check_read(conf);
	return rc;
}

/*
 * -P: what the server removes as it runs, a batch at a time, done at
 * once until nothing is left; for a timer where footfall runs only on
 * demand (CGI, or mod_fcgid stopping idle processes).
 */
static int
purge(const struct conf *conf)
{
	struct db	*db;
	long long	 sum[3] = { 0, 0, 0 }, n[3];
	size_t		 i;
	int		 rc = 1;

	if ((db = db_open(conf->database, conf->db_timeout_ms,
	    conf->connect_timeout)) == NULL)
		return 1;
	do {
		if (db_purge(db, conf->window, PURGE_BATCH,
		    conf->log_retention, n) != DB_OK) {
			fprintf(stderr, "footfall: purge failed (the log line "
			    "above says why); removed %lld visitors, %lld "
			    "keys and %lld visit log rows before that\n",
			    sum[0], sum[1], sum[2]);
			goto out;
		}
		for (i = 0; i < 3; i++)
			sum[i] += n[i];
	} while (n[0] == PURGE_BATCH || n[2] == PURGE_BATCH);
	printf("removed %lld expired visitor%s, %lld expired key%s and "
	    "%lld visit log row%s\n", sum[0], sum[0] == 1 ? "" : "s",
	    sum[1], sum[1] == 1 ? "" : "s", sum[2], sum[2] == 1 ? "" : "s");
	rc = 0;
out:
	db_close(db);
	return rc;
}

/* A database connection for --import and --export. */
static struct db *
history_db(const struct conf *conf)
{
	return db_open(conf->database, conf->db_timeout_ms,
	    conf->connect_timeout);
}

/*
 * --export: every counter's days as CSV (what --import reads), or as
 * JSON with the counters' totals too, on stdout (export.c, the path
 * GET /admin/export.csv and .json take too).
 */
static int
export(const struct conf *conf, int json)
{
	struct export	 ex;
	struct db	*db;
	int		 rc = 1;

	memset(&ex, 0, sizeof(ex));
	ex.json = json;
	if ((db = history_db(conf)) == NULL)
		return 1;
	if (export_read(db, &ex) != DB_OK) {
		fprintf(stderr, "footfall: export failed (the log line above "
		    "says why)\n");
		goto out;
	}
	if (export_render(&ex) == -1) {
		fprintf(stderr, "footfall: out of memory\n");
		goto out;
	}
	if (fwrite(ex.out, 1, ex.len, stdout) != ex.len || (json &&
	    putchar('\n') == EOF) || fflush(stdout) == EOF) {
		perror("footfall: stdout");
		goto out;
	}
	rc = 0;
out:
	export_free(&ex);
	db_close(db);
	return rc;
}

/* Read all of path ("-": stdin) into *buf, *len; 0, or -1 (said why). */
static int
read_all(const char *path, char **buf, size_t *len)
{
	FILE	*f;
	char	*b = NULL, *nb;
	size_t	 cap = 0, n = 0, got;
	int	 rc = -1;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "footfall: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= IMPORT_FILE_MAX) {
				fprintf(stderr, "footfall: %s: more than %d "
				    "MiB: split the file\n", path,
				    IMPORT_FILE_MAX / (1024 * 1024));
				goto out;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			if ((nb = realloc(b, cap + 1)) == NULL) {
				fprintf(stderr, "footfall: out of memory\n");
				goto out;
			}
			b = nb;
		}
		if ((got = fread(b + n, 1, cap - n, f)) == 0)
			break;
		n += got;
	}
	if (ferror(f)) {
		fprintf(stderr, "footfall: %s: %s\n", path, strerror(errno));
		goto out;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	rc = 0;
out:
	free(b);
	if (f != stdin)
		fclose(f);
	return rc;
}

/*
 * --import: add the days in path to the counters, all in one
 * transaction, or nothing with every bad line named (import.c, the
 * path POST /admin/import takes too).
 */
static int
import(const struct conf *conf, const char *path)
{
	struct import	 im;
	struct db	*db = NULL;
	char		*text = NULL;
	size_t		 len;
	enum db_status	 st;
	int		 rc = 1;

	memset(&im, 0, sizeof(im));
	if (read_all(path, &text, &len) == -1)
		return 1;
	if (import_parse(&im, text, len) == -1) {
		fprintf(stderr, "footfall: %s: nothing imported:\n%s", path,
		    im.err.text);
		goto out;
	}
	if ((db = history_db(conf)) == NULL)
		goto out;
	if ((st = import_store(db, &im)) != DB_OK) {
		fprintf(stderr, "footfall: %s: nothing imported: the database "
		    "failed (the log line above says why)\n", path);
		goto out;
	}
	if (im.status == IMPORT_CONFLICT) {
		fprintf(stderr, "footfall: %s: nothing imported: these days "
		    "already hold numbers:\n%s", path, im.err.text);
		goto out;
	}
	printf("imported %zu day%s: %lld visits, %lld unique visitors",
	    im.n - im.page_days, im.n - im.page_days == 1 ? "" : "s",
	    im.visits, im.uniques);
	if (im.page_days > 0)
		printf("; %zu day%s of pages", im.page_days,
		    im.page_days == 1 ? "" : "s");
	printf("\n");
	rc = 0;
out:
	if (im.err.count > HISTORY_REPORT)
		fprintf(stderr, "and %zu more\n", im.err.count -
		    HISTORY_REPORT);
	import_free(&im);
	free(text);
	if (db != NULL)
		db_close(db);
	return rc;
}

/*
 * -T: the admin_token line for the token on stdin's first line, or for
 * a new random one when there is none; only the new one is shown (on
 * stderr, so that stdout can be appended to footfall.conf), since the
 * configuration keeps nothing but its hash.
 */
static int
hash_token(const char *key)
{
	char		*tok = NULL, gen[ADMIN_TOKEN_NEW + 1], line[128];
	const char	*p;
	size_t		 cap = 0;
	ssize_t		 n;
	int		 rc = 1;

	if (isatty(STDIN_FILENO))
		fputs("token (empty for a new one): ", stderr);
	if ((n = getline(&tok, &cap, stdin)) == -1) {
		if (ferror(stdin)) {
			perror("footfall: stdin");
			goto out;
		}
		n = 0;
	}
	/* The line's end: "\n", or "\r\n" from a Windows editor. */
	if (n > 0 && tok[n - 1] == '\n') {
		n--;
		if (n > 0 && tok[n - 1] == '\r')
			n--;
	}
	if (n == 0) {
		if (admin_token_new(gen, sizeof(gen)) == -1) {
			fprintf(stderr, "footfall: no randomness\n");
			goto out;
		}
		fprintf(stderr, "token: %s (keep it; footfall stores only its "
		    "hash)\n", gen);
		p = gen;
	} else {
		tok[n] = '\0';
		p = tok;
	}
	/* strlen: a NUL inside would cut the token short without a word. */
	if ((p == tok && strlen(tok) != (size_t)n) ||
	    admin_token_line(key, p, line, sizeof(line)) == -1) {
		fprintf(stderr, "footfall: a token is 16 to 256 characters "
		    "from A-Z a-z 0-9 - . _ ~ + / (then = padding only); "
		    "empty input makes one\n");
		goto out;
	}
	if (printf("%s\n", line) < 0 || fflush(stdout) == EOF) {
		perror("footfall: stdout");
		goto out;
	}
	rc = 0;
out:
	if (tok != NULL)
		hash_wipe(tok, cap);
	free(tok);
	hash_wipe(gen, sizeof(gen));
	return rc;
}

/*
 * The configuration: *path, or the default file if it exists (a CGI
 * start may have no other way to pass one; a file named with -f must
 * exist), checked, with -s and -v over it.  Returns 0, or -1 with the
 * reason on stderr; conf is to be freed either way.
 */
static int
load(struct conf *conf, const char **path, const char *sock, int verbose)
{
	const char	*errstr = NULL;
	char		 err[512];

	if (cfg_init(conf) == -1) {
		fprintf(stderr, "footfall: out of memory\n");
		return -1;
	}
	if (*path != NULL || access(DEFAULT_CONF, F_OK) == 0) {
		if (*path == NULL)
			*path = DEFAULT_CONF;
		if (cfg_load(conf, *path, err, sizeof(err)) == -1) {
			fprintf(stderr, "footfall: %s\n", err);
			return -1;
		}
	}
	if (cfg_check(conf, &errstr) == -1) {
		fprintf(stderr, "footfall: %s: %s\n", *path == NULL ?
		    "(defaults)" : *path, errstr);
		return -1;
	}
	if (sock != NULL) {
		free(conf->listen);
		if ((conf->listen = strdup(sock)) == NULL)
			return -1;
	}
	if (verbose)
		conf->log_level = LOGL_DEBUG;
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "check",	no_argument,		NULL, 'n' },
		{ "config",	required_argument,	NULL, 'f' },
		{ "export",	required_argument,	NULL, 'E' },
		{ "hash-read-token", no_argument,	NULL, 'R' },
		{ "hash-token",	no_argument,		NULL, 'T' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "import",	required_argument,	NULL, 'I' },
		{ "options",	no_argument,		NULL, 'O' },
		{ "purge",	no_argument,		NULL, 'P' },
		{ "socket",	required_argument,	NULL, 's' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	struct conf	 conf;
	unsigned char	 key[HASH_KEY_LEN];
	const char	*path = NULL, *sock = NULL, *errstr = NULL;
	const char	*importfile = NULL;
	char		 err[512];
	int		 ch, checkonly = 0, purgeonly = 0, verbose = 0, rc = 1;
	int		 oneshot;
	const char	*hashtoken = NULL;	/* -T or -R: the line's key */
	int		 exportfmt = -1;

	while ((ch = getopt_long(argc, argv, "f:hnPRs:TvV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'E':	/* long only, as is --import */
			exportfmt = strcmp(optarg, "json") == 0;
			if (!exportfmt && strcmp(optarg, "csv") != 0) {
				fprintf(stderr, "footfall: --export takes csv "
				    "or json\n");
				return 2;
			}
			break;
		case 'f':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'I':
			importfile = optarg;
			break;
		case 'n':
			checkonly = 1;
			break;
		case 'O':	/* long only: tests/conf-doc.test reads it */
			cfg_options_print(stdout);
			return 0;
		case 'P':
			purgeonly = 1;
			break;
		case 's':
			sock = optarg;
			break;
		case 'R':
			hashtoken = "read_token";
			break;
		case 'T':
			hashtoken = "admin_token";
			break;
		case 'v':
			verbose = 1;
			break;
		case 'V':
			printf("footfall %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (hashtoken != NULL)
		return hash_token(hashtoken);

	if (load(&conf, &path, sock, verbose) == -1)
		goto out;
	/* The one-shot commands log to stderr only. */
	oneshot = checkonly || purgeonly || exportfmt != -1 ||
	    importfile != NULL;
	log_init(conf.log_level, oneshot ? 0 : conf.log_syslog);
	/* After log_init: a missing default list is only a warning. */
	if (exportfmt != -1) {
		rc = export(&conf, exportfmt);
		goto out;
	}
	if (importfile != NULL) {
		rc = import(&conf, importfile);
		goto out;
	}
	if (!purgeonly && cfg_load_bots(&conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "footfall: %s\n", err);
		goto out;
	}

	if (checkonly) {
		rc = check(&conf, path == NULL ? "(defaults)" : path);
		goto out;
	}
	if (purgeonly) {
		rc = purge(&conf);
		goto out;
	}
	if (hash_key_load(conf.key_file, 1, key, &errstr) == -1) {
		log_error("visitor key %s: %s", conf.key_file, errstr);
		goto out;
	}
	rc = srv_run(&conf, key) == 0 ? 0 : 1;
	memset(key, 0, sizeof(key));
out:
	log_close();
	cfg_free(&conf);
	return rc;
}
