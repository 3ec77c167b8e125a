/*
 * footfall: a privacy-respecting visitor counter, run as a FastCGI
 * responder.  This is the one internal header; prototypes are grouped by
 * the file that defines them.
 */
#ifndef FOOTFALL_H
#define FOOTFALL_H

#include <sys/types.h>
#include <stddef.h>
#include <stdio.h>

#define ORIGIN_MAX	 253	/* longest serialised origin we accept */
#define CONF_ORIGINS_MAX 64
#define CONF_COUNTERS_MAX 1024	/* names in counters = ... */
#define CONF_IGNORE_MAX	 64	/* networks in ignore = ... */
#define HASH_KEY_LEN	 32	/* HMAC-SHA256 key, bytes */
#define HASH_LEN	 32	/* HMAC-SHA256 output, bytes */
#define VISITOR_LEN	 16	/* a visitor's stored key: HASH_LEN cut */
#define AGENT_MAX	 512	/* User-Agent bytes that join the identity */
#define COUNTER_MAX	 64	/* a counter's name, bytes */
/* The identity message: counter, NUL, family, address, agent. */
#define IDENT_MAX	 (COUNTER_MAX + 1 + 1 + 16 + AGENT_MAX)

struct agent_bots;

/* log.c */
enum log_level {
	LOGL_ERROR,
	LOGL_WARN,
	LOGL_INFO,
	LOGL_DEBUG,
	LOGL__MAX
};

void		 log_init(enum log_level, int use_syslog);
void		 log_close(void);
void		 log_hold(void);
void		 log_release(void);
void		 log_flush(void);
extern const char *const log_names[LOGL__MAX + 1];
void		 log_msg(enum log_level, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
#define log_error(...)	log_msg(LOGL_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOGL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOGL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOGL_DEBUG, __VA_ARGS__)

/* addr.c */
struct addr {
	int		 family;	/* AF_INET or AF_INET6 */
	size_t		 len;		/* 4 or 16 */
	unsigned char	 bytes[16];	/* network order */
};

int		 addr_parse(const char *, struct addr *);
int		 addr_is_loopback(const struct addr *);

struct addr_net {
	struct addr	 a;		/* the network, host bits zero */
	unsigned int	 bits;		/* prefix length */
};

int		 addr_net_parse(const char *, struct addr_net *);
int		 addr_in_net(const struct addr *, const struct addr_net *);

/* conf.c */
enum metrics_access {
	METRICS_LOCAL,	/* only for a loopback REMOTE_ADDR (default) */
	METRICS_ANY,	/* the web server decides who may ask */
	METRICS_OFF,	/* /metrics is not a route */
	METRICS__MAX
};

/* What a "do not track" signal (DNT: 1, Sec-GPC: 1) does. */
enum dnt_mode {
	DNT_COUNT,	/* add to the total, hash and store nothing (default) */
	DNT_IGNORE,	/* count the visit like any other */
	DNT_SKIP,	/* do not count the visit at all */
	DNT__MAX
};

struct conf {
	char		*database;	/* libpq connection string */
	char		*read_database;	/* for /stats and ?peek, or NULL */
	char		*origins[CONF_ORIGINS_MAX];
	size_t		 norigins;
	unsigned int	 window;	/* uniqueness window, seconds */
	char		*listen;	/* NULL: fd 0 or CGI */
	mode_t		 socket_mode;
	unsigned int	 threads;
	enum log_level	 log_level;
	int		 log_syslog;
	char		*key_file;
	char		*prefix;	/* stripped from the path */
	unsigned int	 db_timeout_ms;	/* statement and round trip */
	unsigned int	 connect_timeout; /* seconds, libpq minimum 2 */
	enum metrics_access metrics;
	unsigned int	 db_connections; /* database threads */
	unsigned int	 commit_delay_us; /* most a commit waits to grow */
	unsigned int	 key_period;	/* seconds a visitor key is current */
	unsigned int	 ipv6_prefix;	/* leading bits of an IPv6 address kept */
	int		 ident_agent;	/* the User-Agent joins the identity */
	int		 badge_abbrev;	/* badges abbreviate numbers */
	int		 automation_bot; /* an automated browser is a bot */
	int		 require_origin; /* count only with an Origin */
	enum dnt_mode	 dnt;
	char		*counters[CONF_COUNTERS_MAX]; /* the explicit list */
	size_t		 ncounters;	/* 0: counters = auto */
	unsigned int	 max_counters;	/* auto: most that may exist */
	unsigned int	 max_pages;	/* pages a counter may have */
	int		 visit_log;	/* keep the visit log */
	unsigned int	 log_retention;	/* seconds a visit log row is kept */
	unsigned int	 count_interval; /* 0, or seconds between counted hits */
	unsigned int	 stats_cache;	/* seconds a /stats answer is kept */
	char		*bots_file;	/* NULL: no bot list */
	struct agent_bots *bots;	/* loaded by cfg_load */
	struct addr_net	 ignore[CONF_IGNORE_MAX];
	size_t		 nignore;
	int		 admin;		/* admin_token is set */
	unsigned char	 admin_hash[HASH_LEN]; /* its SHA-256 */
	int		 stats_private;	/* stats = private: every counter */
	char		*private_names[CONF_COUNTERS_MAX]; /* stats_private */
	size_t		 nprivate;
	int		 read;		/* read_token is set */
	unsigned char	 read_hash[HASH_LEN]; /* its SHA-256 */
	char		 why[256];	/* cfg_*'s last reason or warning */
};

int		 cfg_init(struct conf *);
void		 cfg_free(struct conf *);
int		 cfg_parse_line(struct conf *, const char *, const char **);
int		 cfg_load(struct conf *, const char *, char *, size_t);
int		 cfg_check(struct conf *, const char **);
void		 cfg_print(const struct conf *, FILE *);
void		 cfg_options_print(FILE *);
int		 cfg_load_bots(struct conf *, char *, size_t);
int		 cfg_counter_allowed(const struct conf *, const char *);
int		 cfg_stats_private(const struct conf *, const char *);
int		 cfg_parse_duration(const char *, unsigned int, unsigned int,
		    unsigned int *);
int		 cfg_parse_uint(const char *, unsigned int, unsigned int,
		    unsigned int *);

/* clock.c */
double		 clock_now(void);
long long	 clock_ms(void);

/* hex.c */
int		 hex_digit(int);
int		 hex_decode(const char *, unsigned char *, size_t);

/* ident.c */
int		 ident_build(const char *, const struct addr *, unsigned int,
		    const char *, size_t, unsigned char *, size_t, size_t *);

/* cors.c */
enum cors {
	CORS_NONE,	/* no Origin header: not a cross-origin request */
	CORS_ALLOW,	/* exactly one Origin, listed */
	CORS_DENY,	/* unlisted, null, malformed or repeated */
	CORS__MAX
};

int		 cors_origin_valid(const char *);
enum cors	 cors_decide(const char *, size_t, char *const *, size_t);

/* route.c */
enum method {
	METHOD_GET,
	METHOD_HEAD,
	METHOD_POST,
	METHOD_OPTIONS,
	METHOD_OTHER,
	METHOD__MAX
};

enum route {
	ROUTE_COUNT,		/* /count, /count/{name} */
	ROUTE_STATS,		/* /stats/{name} */
	ROUTE_BADGE,		/* /badge/{name}.svg */
	ROUTE_PIXEL,		/* /pixel/{name}.gif */
	ROUTE_ADMIN_LIST,	/* /admin/counters */
	ROUTE_ADMIN_COUNTER,	/* /admin/counters/{name} */
	ROUTE_ADMIN_CSV,	/* /admin/stats/{name}.csv */
	ROUTE_ADMIN_TOP,	/* /admin/top/{name} */
	ROUTE_ADMIN_EXPORT_CSV,	/* /admin/export.csv */
	ROUTE_ADMIN_EXPORT_JSON, /* /admin/export.json */
	ROUTE_ADMIN_IMPORT,	/* /admin/import */
	ROUTE_HEALTHZ,
	ROUTE_METRICS,
	ROUTE_BADNAME,		/* a named route with an invalid name */
	ROUTE_NOTFOUND,
	ROUTE__MAX
};

/* The counter /count (with no name) counts for. */
#define COUNTER_DEFAULT	"default"

enum method	 route_method(const char *);
enum route	 route_path(const char *, const char *, char [COUNTER_MAX + 1],
		    enum route *);
int		 route_counter_valid(const char *, size_t);
int		 route_is_admin(enum route);
int		 route_allows(enum route, enum method);
const char	*route_allow_header(enum route);
const char	*route_name(enum route);
const char	*route_method_name(enum method);

/* badge.c's, which a request's query may replace. */
#define BADGE_LABEL_MAX	 64	/* a badge's label, bytes */
#define BADGE_LABEL	 "visits"
#define BADGE_COLOR	 "#007ec6"
#define BADGE_NUMBER_MAX 24	/* badge_number's longest, NUL included */

/* shields.io's styles, indexing badge.c's looks. */
enum badge_style {
	BADGE_FLAT,		/* the default */
	BADGE_FLAT_SQUARE,
	BADGE_PLASTIC,
	BADGE_FOR_THE_BADGE,
	BADGE_SOCIAL,
	BADGE_STYLE__MAX
};

/* request.c */
#define REQ_LOG_PATH_MAX 256	/* a page path in the visit log */
#define REQ_LOG_REF_MAX	 253	/* a referrer host (a DNS name's most) */
#define REQ_QUERY_MAX	 1024	/* longest query string looked at */
#define REQ_AUTH_MAX	 300	/* longest Authorization looked at */
#define REQ_DAYS	 30	/* ?days= when absent */
#define REQ_COUNT_MAX	 (1LL << 53) /* most an admin number may be */
/* The most a request body may be: POST /admin/import's CSV. */
#define REQ_BODY_MAX	 (16LL * 1024 * 1024)
#define REQ_LENGTH_NONE	 (-1LL)	/* no CONTENT_LENGTH */
#define REQ_LENGTH_BAD	 (-2LL)	/* not digits */
#define REQ_LENGTH_BIG	 (-3LL)	/* above REQ_BODY_MAX */

/* The query's keys, each validated once by req_parse into its field. */
enum req_key {
	KEY_PEEK,		/* read without counting: no value */
	KEY_PATH,		/* the visit log's page: path */
	KEY_REF,		/* the visit log's referrer: ref */
	KEY_DAYS,		/* days of statistics, 1 to 366: days */
	KEY_LABEL,		/* a badge's label: label */
	KEY_COLOR,		/* a badge's colour: color */
	KEY_VALUE,		/* a badge's number, total or unique: unique */
	KEY_STYLE,		/* a badge's style: style */
	KEY_ABBREV,		/* a badge's number abbreviated: abbrev */
	KEY_AUTOMATED,		/* footfall.js saw automation: no value */
	KEY_TOTAL,		/* admin: total_visits, 0 to 2^53: visits */
	KEY_UNIQUE,		/* admin: unique_visitors, the same: uniques */
	KEY_RESET,		/* admin: reset, no value */
	KEY__MAX
};
#define REQ_KEY(k)	(1u << (k))	/* a key's bit in keys and bad */

struct request {
	enum method	 method;
	enum route	 route;
	enum route	 meant;		/* ROUTE_BADNAME: the route named */
	unsigned int	 keys;		/* REQ_KEY bits: in the query */
	unsigned int	 bad;		/* REQ_KEY bits: present, invalid */
	unsigned int	 days;		/* KEY_DAYS, or REQ_DAYS */
	char		 label[BADGE_LABEL_MAX + 1]; /* or BADGE_LABEL */
	char		 color[8];	/* "#rgb"/"#rrggbb", or BADGE_COLOR */
	int		 unique;	/* KEY_VALUE is "unique" */
	enum badge_style style;		/* KEY_STYLE, or BADGE_FLAT */
	int		 abbrev;	/* KEY_ABBREV, or badge_abbrev */
	long long	 visits;	/* KEY_TOTAL */
	long long	 uniques;	/* KEY_UNIQUE */
	enum cors	 cors;
	char		 origin[ORIGIN_MAX + 1]; /* valid if CORS_ALLOW */
	int		 has_addr;
	struct addr	 addr;
	int		 dnt;		/* DNT: 1 or Sec-GPC: 1 */
	int		 bot;		/* a bot's User-Agent, or automated */
	int		 read_only;	/* HEAD, ?peek, require_origin unmet */
	int		 from_site;	/* a listed Origin, or same-origin */
	int		 page;		/* path is the query's page */
	int		 ignored;	/* REMOTE_ADDR is in conf->ignore */
	const char	*browser;	/* agent_family(), static */
	char		 counter[COUNTER_MAX + 1]; /* the route's, or "" */
	char		 path[REQ_LOG_PATH_MAX + 1]; /* visit log, or "" */
	char		 ref[REQ_LOG_REF_MAX + 1]; /* visit log, or "" */
	char		 auth[REQ_AUTH_MAX + 1]; /* Authorization, or "" */
	int		 has_auth;
	long long	 length;	/* CONTENT_LENGTH, or REQ_LENGTH_* */
	int		 csv;		/* CONTENT_TYPE is text/csv */
	size_t		 agentlen;	/* if conf->ident_agent */
	char		 agent[AGENT_MAX];	/* raw bytes, not a string */
};

void		 req_parse(char *const *, const struct conf *,
		    struct request *);
int		 req_dnt(const char *, const char *);
long long	 req_content_length(const char *, long long);
int		 req_is_csv(const char *);
int		 req_log_path(const char *, char *, size_t);
int		 req_ref_host(const char *, char *, size_t);

/* hash.c */
struct hash_keyed;
int		 hash_hmac(const unsigned char *, size_t, const void *, size_t,
		    unsigned char [HASH_LEN]);
struct hash_keyed *hash_keyed_new(const unsigned char [HASH_KEY_LEN]);
void		 hash_keyed_free(struct hash_keyed *);
int		 hash_visitor(struct hash_keyed *, const void *, size_t,
		    unsigned char [VISITOR_LEN]);
int		 hash_sha256(const void *, size_t, unsigned char [HASH_LEN]);
int		 hash_equal(const void *, const void *, size_t);
int		 hash_random(unsigned char *, size_t);
void		 hash_wipe(void *, size_t);
int		 hash_key_load(const char *, int, unsigned char [HASH_KEY_LEN],
		    const char **);

/* admin.c */
#define ADMIN_TOKEN_MIN	 16	/* shortest token --hash-token accepts */
#define ADMIN_TOKEN_MAX	 256	/* longest token a request may present */
#define ADMIN_TOKEN_NEW	 43	/* base64url of 32 random bytes, no padding */

enum admin_auth {
	ADMIN_AUTH_OK,
	ADMIN_AUTH_MISSING,	/* no bearer token presented: 401, no error */
	ADMIN_AUTH_INVALID,	/* malformed or wrong: 401 invalid_token */
	ADMIN_AUTH__MAX
};

/* One day of a counter's statistics, for the CSV export. */
struct day_stat;		/* db.c */

int		 admin_token_parse(const char *, unsigned char [HASH_LEN]);
enum admin_auth	 admin_authorize(const unsigned char [HASH_LEN],
		    const char *);
const char	*admin_www_authenticate(enum admin_auth);
int		 admin_token_new(char *, size_t);
int		 admin_token_line(const char *, const char *, char *,
		    size_t);
char		*admin_csv(const struct day_stat *, size_t, size_t *);

/* agent.c */
#define AGENT_PATTERN_MAX  128	/* bytes in one bot pattern */
#define AGENT_PATTERNS_MAX 4096	/* patterns in a bots_file */

struct agent_bots;

struct agent_bots *agent_bots_load(const char *, size_t *, const char **);
void		 agent_bots_free(struct agent_bots *);
size_t		 agent_bots_count(const struct agent_bots *);
int		 agent_is_bot(const struct agent_bots *, const char *);
const char	*agent_family(const char *);

/* badge.c */

int		 badge_color_parse(const char *, char [8]);
int		 badge_label_valid(const char *);
double		 badge_text_width(const char *);
int		 badge_style_parse(const char *, enum badge_style *);
const char	*badge_style_name(enum badge_style);
char		*badge_number(long long, int, char [BADGE_NUMBER_MAX]);
char		*badge_render(const char *, const char *, const char *,
		    enum badge_style, size_t *);
const unsigned char *badge_pixel(size_t *);

/* history.c: the days of footfall --import and --export. */
#define HISTORY_MAX	1000000		/* rows of one import */
/* An import or export is one statement over many rows: ms it may take. */
#define HISTORY_TIMEOUT_MS 120000

struct history_row {
	char		 name[COUNTER_MAX + 1];
	char		 date[11];	/* YYYY-MM-DD, UTC; "": all time */
	long long	 visits;
	long long	 uniques;
	long long	 bots;
	size_t		 line;		/* in the file, from 1 */
	char		*page;		/* a page's row, else NULL */
};

#define HISTORY_REPORT	20		/* bad lines told; the rest counted */

/*
 * An import's bad lines: the first HISTORY_REPORT in text, each
 * "line N: why\n", and all of them counted.
 */
struct history_err {
	size_t		 count;
	char		 text[2048];
};

int		 history_parse(const char *, size_t, const char *,
		    struct history_row **, size_t *, struct history_err *);
char		*history_csv(const struct history_row *, size_t, size_t *);
void		 history_free(struct history_row *, size_t);
void		 history_report(struct history_err *, size_t, const char *);

/* db.c */
struct db;

/*
 * A counter's numbers, and what the database learnt of one visit:
 * handle_outcome turns the visit's facts into an enum outcome.
 */
struct counts {
	long long	 total;
	long long	 uniques;
	long long	 bots;		/* reads only */
	int		 found;		/* the counter exists (or was made) */
	int		 is_new;	/* a new unique visitor (-1: a read) */
	int		 repeat;	/* within count_interval: not counted */
	int		 page_found;	/* the page counted or read exists */
	long long	 page_total;
	long long	 page_uniques;
};

enum visit_kind {
	VISIT_TRACKED,		/* hashed, unique or not */
	VISIT_UNTRACKED,	/* do not track: the total only */
	VISIT_BOT,		/* a known bot: the bots number only */
	VISIT__MAX
};

/*
 * What became of a counting request, computed once by handle_outcome;
 * its JSON members (response.c), metrics (metrics.c) and log words
 * (handle.c) are tables indexed by it.
 */
enum outcome {
	OUTCOME_NONE,		/* no visit: a read, or a request refused */
	OUTCOME_NEW,		/* counted, and a new unique visitor */
	OUTCOME_RETURNING,	/* counted, a visitor seen in the window */
	OUTCOME_UNTRACKED,	/* counted without a hash (dnt = count) */
	OUTCOME_SKIPPED,	/* not counted: do not track, dnt = skip */
	OUTCOME_BOT,		/* a known bot's: in bots only */
	OUTCOME_IGNORED,	/* from an address in ignore */
	OUTCOME_REPEAT,		/* hashed, within count_interval */
	OUTCOME_REFUSED,	/* hashed, for a counter that may not be made */
	OUTCOME_REFUSED_UNTRACKED, /* the same, not hashed */
	OUTCOME__MAX
};

/* One visit as db_count_visits records it. */
struct db_visit {
	const char		*counter;	/* a valid name */
	enum visit_kind		 kind;
	const unsigned char	*hash;		/* VISIT_TRACKED: VISITOR_LEN */
	const unsigned char	*prev;		/* previous key's, or NULL */
	const char		*path;		/* the visit log's, or NULL */
	const char		*ref;
	const char		*browser;
	const char		*page;		/* its page, or NULL */
	int			 page_make;	/* may make the page */
};

/* How db_count_visits records a batch. */
struct db_count_opts {
	unsigned int	 window;	/* uniqueness window, seconds */
	unsigned int	 interval;	/* count_interval, 0: off */
	long long	 max_counters;	/* -1: no cap (a checked list) */
	unsigned int	 max_pages;	/* each counter's cap */
	int		 log;		/* write the visit log */
};

/* A day of a counter's statistics. */
struct day_stat {
	char		 date[11];	/* YYYY-MM-DD, UTC */
	long long	 visits;
	long long	 uniques;
	long long	 bots;
};

/* A counter as the admin API lists it. */
struct counter_info {
	char		 name[COUNTER_MAX + 1];
	long long	 visits;
	long long	 uniques;
	long long	 bots;
	long long	 created;	/* seconds since the epoch */
};

/* One line of a top list from the visit log. */
struct top_item {
	char		 value[REQ_LOG_PATH_MAX + 1];
	long long	 visits;
};

#define DB_TOP_MAX	10	/* lines in each top list */

/* A page of a counter, for /stats: all-time numbers. */
struct page_item {
	char		 path[REQ_LOG_PATH_MAX + 1];
	long long	 visits;
	long long	 uniques;
};

#define DB_PAGES_MAX	100	/* pages /stats lists, most visited first */

/* A visitor key as the database hands it out. */
struct db_key {
	long long	 period_start;	/* seconds since the epoch */
	unsigned char	 key[HASH_KEY_LEN];
	double		 expires_in;	/* seconds until it is deleted */
};

enum db_status {
	DB_OK,
	DB_UNAVAILABLE,	/* cannot reach the database: 503 */
	DB_FAILED,	/* the database answered with an error: 503 */
	DB_UNKNOWN,	/* lost during the commit, outcome unknown: 504 */
	DB_INTERNAL,	/* footfall's own fault, nothing asked: 500 */
	DB__MAX
};

#define DB_BATCH_MAX	1024	/* visits in one transaction at most */
#define PURGE_BATCH	1000	/* expired visitors removed at a time */

struct db	*db_open(const char *, unsigned int, unsigned int);
void		 db_close(struct db *);
enum db_status	 db_ping(struct db *);
unsigned int	 db_timeout_raise(struct db *, unsigned int);
void		 db_timeout_set(struct db *, unsigned int);
int		 db_durable(const char *, const char *, const char **);
int		 db_is_durable(const struct db *);
void		 db_watch_durable(struct db *);
enum db_status	 db_visitor_keys(struct db *, unsigned int, unsigned int,
		    const unsigned char [HASH_KEY_LEN], struct db_key [2],
		    size_t *, double *);
enum db_status	 db_purge(struct db *, unsigned int, unsigned int,
		    unsigned int, long long [3]);
enum db_status	 db_count_visits(struct db *, const struct db_visit *, size_t,
		    const struct db_count_opts *, struct counts *);
int		 db_visit_outcome(enum visit_kind, int, int, int,
		    struct counts *);
enum db_status	 db_read_counters(struct db *, const char *const *,
		    const char *const *, size_t, struct counts *);
enum db_status	 db_export_days(struct db *, struct history_row **,
		    size_t *);
enum db_status	 db_import_days(struct db *, const struct history_row *,
		    size_t, size_t **, size_t *);
enum db_status	 db_daily_stats(struct db *, const char *, unsigned int,
		    struct day_stat *, size_t *);
enum db_status	 db_list_counters(struct db *, struct counter_info **,
		    size_t *);
enum db_status	 db_set_counter(struct db *, const char *, long long,
		    long long, int, struct counter_info *);
enum db_status	 db_top_pages(struct db *, const char *, struct page_item *,
		    size_t *);
enum db_status	 db_top(struct db *, const char *, unsigned int, const char *,
		    struct top_item *, size_t *);

/* import.c: footfall --import and POST /admin/import. */
enum import_status {
	IMPORT_OK,
	IMPORT_BAD,		/* bad lines: nothing imported */
	IMPORT_CONFLICT,	/* days that hold numbers: nothing imported */
	IMPORT__MAX
};

struct import {
	enum import_status	 status;
	struct history_row	*rows;
	size_t			 n;
	long long		 visits;	/* IMPORT_OK: the counters' */
	long long		 uniques;	/* sums, and how many rows */
	size_t			 page_days;	/* are pages' */
	struct history_err	 err;		/* IMPORT_BAD, _CONFLICT */
};

int		 import_parse(struct import *, const char *, size_t);
enum db_status	 import_store(struct db *, void *);
void		 import_free(struct import *);

/* export.c: footfall --export and GET /admin/export.{csv,json}. */
struct export {
	int			 json;		/* else CSV */
	struct history_row	*rows;
	size_t			 n;
	struct counter_info	*c;		/* json */
	size_t			 nc;
	char			*out;		/* export_render's */
	size_t			 len;
};

enum db_status	 export_read(struct db *, void *);
int		 export_render(struct export *);
void		 export_free(struct export *);

/* response.c */
enum reply_kind {
	REPLY_COUNTS,
	REPLY_HEALTH,
	REPLY_ERROR,
	REPLY_EMPTY,	/* preflight */
	REPLY_TEXT,	/* a ready body: the metrics */
	REPLY_BYTES,	/* a static binary body: the pixel */
	REPLY__MAX
};

struct reply {
	int		 status;
	enum reply_kind	 kind;
	struct counts	 counts;
	const char	*page;		/* REPLY_COUNTS: the page named */
	const char	*error;		/* REPLY_ERROR: client-safe text */
	char		*text;		/* REPLY_TEXT: body, owned */
	const char	*content_type;	/* REPLY_TEXT, REPLY_BYTES */
	const unsigned char *bytes;	/* REPLY_BYTES: body, static */
	size_t		 nbytes;
	const char	*allow;		/* Allow header, or NULL */
	const char	*origin;	/* echoed in A-C-Allow-Origin, or NULL */
	int		 vary_origin;
	int		 preflight;
	int		 head;		/* omit the body */
	int		 no_store;
	const char	*cache;		/* Cache-Control, instead of no-store */
	int		 expires0;	/* Expires: 0 (for old image proxies) */
	const char	*www_auth;	/* WWW-Authenticate, or NULL */
	const char	*allow_headers;	/* a preflight's, if not Content-Type */
	const char	*filename;	/* Content-Disposition: attachment */
	char		 filebuf[COUNTER_MAX + 16]; /* filename's, if ours */
	enum outcome	 outcome;	/* what became of the visit */
};

char		*resp_render(const struct reply *, size_t *);
void		 resp_clear(struct reply *);
char		*resp_counters_json(const struct counter_info *, size_t, int);
char		*resp_stats_json(const char *, const struct counts *,
		    const struct day_stat *, size_t, const struct page_item *,
		    size_t);
char		*resp_export_json(const struct counter_info *, size_t,
		    const struct history_row *, size_t);
char		*resp_import_json(const struct import *);
char		*resp_top_json(const char *, unsigned int,
		    struct top_item *const [3], const size_t [3]);
const char	*resp_status_text(int);

/* batch.c */
struct batch;

/* A visit as a request thread queues it. */
struct visit {
	const char		*counter;	/* a valid name */
	enum visit_kind		 kind;
	const unsigned char	*ident;		/* VISIT_TRACKED: ident.c's */
	size_t			 identlen;
	const char		*path;		/* the visit log's, or NULL */
	const char		*ref;
	const char		*browser;
	const char		*page;		/* its page, or NULL */
	int			 page_make;	/* may make the page */
};

/* A statement a request thread has a database thread run for it. */
typedef enum db_status (*batch_fn)(struct db *, void *);

struct batch	*batch_open(const struct conf *, const unsigned char *, int);
void		 batch_close(struct batch *);
double		 batch_rate(double, size_t, double);
int		 batch_should_delay(double, double);
enum db_status	 batch_visit(struct batch *, const struct visit *,
		    struct counts *, double *);
enum db_status	 batch_read(struct batch *, const char *, const char *,
		    struct counts *, double *);
enum db_status	 batch_call(struct batch *, batch_fn, void *, double *);
enum db_status	 batch_peek(struct batch *, const char *, const char *,
		    struct counts *, double *);
enum db_status	 batch_call_read(struct batch *, batch_fn, void *,
		    double *);

/* cache.c */
#define CACHE_SLOTS	 64		/* answers kept at most */
#define CACHE_BYTES	 (1024 * 1024)	/* and their bytes at most */
#define CACHE_KEY_MAX	 (COUNTER_MAX + 16) /* a key and its NUL */

struct cache;

struct cache	*cache_open(long long);
void		 cache_close(struct cache *);
char		*cache_get(struct cache *, const char *, long long);
int		 cache_put(struct cache *, const char *, const char *,
		    long long);
void		 cache_usage(struct cache *, size_t *, size_t *);

/* handle.c */

/* What a counting request asks of the database (handle_plan). */
enum plan {
	PLAN_READ,		/* peek or HEAD: the numbers only */
	PLAN_IGNORED,		/* an address in ignore: read only */
	PLAN_SKIP,		/* do not track, dnt = skip: read only */
	PLAN_BOT,		/* a VISIT_BOT */
	PLAN_UNTRACKED,		/* a VISIT_UNTRACKED (dnt = count) */
	PLAN_TRACKED,		/* a VISIT_TRACKED */
	PLAN__MAX
};

/*
 * Reads a request's body of exactly len bytes into *buf (NUL added, the
 * caller frees it): server.c's, the one place that reads a body.
 * Returns 0, or -1 if it did not all come (logged; *buf NULL).
 */
typedef int (*body_fn)(void *, size_t, char **);

struct ctx {
	const struct conf	*conf;
	body_fn			 body;		/* this request's body */
	void			*body_arg;
	struct batch		*batch;
	struct cache		*stats;		/* /stats answers, or NULL */
	double			 db_seconds;	/* this request's wait */
};

void		 handle_request(struct ctx *, char *const *, struct reply *,
		    struct request *);
void		 handle_account(const struct request *, const struct reply *,
		    double, double);
enum plan	 handle_plan(const struct request *, int, enum dnt_mode);
enum outcome	 handle_outcome(enum plan, const struct counts *);

/* metrics.c */
void		 metrics_init(void);
void		 metrics_request(enum route, int, double);
void		 metrics_visit(enum outcome);
void		 metrics_db_query(double);
void		 metrics_db_error(enum db_status);
void		 metrics_db_reconnect(void);
void		 metrics_commit_delay(void);
void		 metrics_db_in_doubt(enum db_status);
void		 metrics_db_durable(int);
void		 metrics_batch(size_t);
void		 metrics_purge(const long long [3]);
void		 metrics_auth_failure(void);
void		 metrics_fcgi_refused(void);
char		*metrics_render(void);

/* fcgirec.c */
#define FCGIREC_PARAMS_MAX (64 * 1024)	/* a request's name-value pairs */
#define FCGIREC_MAX	 (128 * 1024)	/* its records to the params' end */

enum fcgirec {
	FCGIREC_MORE,	/* sound so far; decide when more has arrived */
	FCGIREC_VALID,	/* the records to the parameters' end are sound */
	FCGIREC_INVALID, /* close the connection */
	FCGIREC__MAX
};

#define FCGIREC_HEADER	 8	/* a record's header, bytes */

enum fcgirec	 fcgirec_check(const unsigned char *, size_t, size_t *, int *,
		    const char **);
int		 fcgirec_bodiless(const unsigned char *, size_t, size_t);
int		 fcgirec_stdin(const unsigned char *, unsigned int, size_t *,
		    size_t *, const char **);

/* server.c */
int		 srv_run(const struct conf *, const unsigned char *);

#endif /* FOOTFALL_H */
