/*
 * footfall: a privacy-respecting visitor counter, run as a FastCGI
 * responder.  This is the one internal header; prototypes are grouped by
 * the file that defines them.
 */
#ifndef FOOTFALL_H
#define FOOTFALL_H

#include <sys/types.h>
#include <stddef.h>

#define ORIGIN_MAX	 253	/* longest serialised origin we accept */
#define CONF_ORIGINS_MAX 64
#define HASH_KEY_LEN	 32	/* HMAC-SHA256 key, bytes */
#define HASH_LEN	 32	/* HMAC-SHA256 output, bytes */
#define AGENT_MAX	 512	/* User-Agent bytes that join the identity */
#define COUNTER_MAX	 64	/* a counter's name, bytes */
/* The identity message: counter, NUL, family, address, agent. */
#define IDENT_MAX	 (COUNTER_MAX + 1 + 1 + 16 + AGENT_MAX)

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
int		 log_level_parse(const char *, enum log_level *);
void		 log_msg(enum log_level, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
#define log_error(...)	log_msg(LOGL_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOGL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOGL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOGL_DEBUG, __VA_ARGS__)

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
	enum dnt_mode	 dnt;
};

void		 cfg_init(struct conf *);
void		 cfg_free(struct conf *);
int		 cfg_parse_line(struct conf *, const char *, const char **);
int		 cfg_load(struct conf *, const char *, char *, size_t);
int		 cfg_check(const struct conf *, const char **);
int		 cfg_parse_duration(const char *, unsigned int, unsigned int,
		    unsigned int *);
int		 cfg_parse_uint(const char *, unsigned int, unsigned int,
		    unsigned int *);

/* addr.c */
struct addr {
	int		 family;	/* AF_INET or AF_INET6 */
	size_t		 len;		/* 4 or 16 */
	unsigned char	 bytes[16];	/* network order */
};

int		 addr_parse(const char *, struct addr *);
int		 addr_is_loopback(const struct addr *);

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
	ROUTE_COUNT,
	ROUTE_HEALTHZ,
	ROUTE_METRICS,
	ROUTE_NOTFOUND,
	ROUTE__MAX
};

enum method	 route_method(const char *);
enum route	 route_path(const char *, const char *);
int		 route_query_has(const char *, const char *);
int		 route_allows(enum route, enum method);
const char	*route_allow_header(enum route);
const char	*route_name(enum route);
const char	*route_method_name(enum method);

/* request.c */
struct request {
	enum method	 method;
	enum route	 route;
	int		 peek;		/* ?peek: read without counting */
	enum cors	 cors;
	char		 origin[ORIGIN_MAX + 1]; /* valid if CORS_ALLOW */
	int		 has_addr;
	struct addr	 addr;
	int		 dnt;		/* DNT: 1 or Sec-GPC: 1 */
	size_t		 agentlen;	/* if conf->ident_agent */
	char		 agent[AGENT_MAX];	/* raw bytes, not a string */
};

void		 req_parse(char *const *, const struct conf *,
		    struct request *);
int		 req_dnt(const char *, const char *);

/* hash.c */
int		 hash_hmac(const unsigned char *, size_t, const void *, size_t,
		    unsigned char [HASH_LEN]);
int		 hash_random(unsigned char *, size_t);
void		 hash_wipe(void *, size_t);
int		 hash_key_load(const char *, int, unsigned char [HASH_KEY_LEN],
		    const char **);

/* badge.c */
#define BADGE_LABEL_MAX	 64	/* a badge's label, bytes */

int		 badge_color_parse(const char *, char [8]);
int		 badge_label_valid(const char *);
double		 badge_text_width(const char *);
char		*badge_render(const char *, const char *, const char *,
		    size_t *);

/* db.c */
struct db;

struct counts {
	long long	 total;
	long long	 uniques;
	int		 is_new;	/* -1: not a visit (read only) */
	int		 tracked;	/* -1: no visit asked for; 0 or 1 */
	int		 counted;	/* -1: no visit asked for; 0 or 1 */
};

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
	DB__MAX
};

#define DB_BATCH_MAX	1024	/* visits in one transaction at most */
#define PURGE_BATCH	1000	/* expired visitors removed at a time */

struct db	*db_open(const char *, unsigned int, unsigned int);
void		 db_close(struct db *);
enum db_status	 db_record_visits(struct db *,
		    const unsigned char (*)[HASH_LEN],
		    const unsigned char (*)[HASH_LEN], size_t, size_t,
		    unsigned int, struct counts *);
enum db_status	 db_record_visit(struct db *, const unsigned char [HASH_LEN],
		    unsigned int, struct counts *);
enum db_status	 db_read_counts(struct db *, struct counts *);
int		 db_batch_expand(const char *, long long, long long, size_t,
		    struct counts *);
enum db_status	 db_ping(struct db *);
enum db_status	 db_visitor_keys(struct db *, unsigned int, unsigned int,
		    const unsigned char [HASH_KEY_LEN], struct db_key [2],
		    size_t *, double *);
enum db_status	 db_purge(struct db *, unsigned int, unsigned int,
		    long long *, long long *);

/* response.c */
enum reply_kind {
	REPLY_COUNTS,
	REPLY_HEALTH,
	REPLY_ERROR,
	REPLY_EMPTY,	/* preflight */
	REPLY_TEXT,	/* a ready body: the metrics */
	REPLY__MAX
};

struct reply {
	int		 status;
	enum reply_kind	 kind;
	struct counts	 counts;
	const char	*error;		/* REPLY_ERROR: client-safe text */
	char		*text;		/* REPLY_TEXT: body, owned */
	const char	*content_type;	/* REPLY_TEXT */
	const char	*allow;		/* Allow header, or NULL */
	const char	*origin;	/* echoed in A-C-Allow-Origin, or NULL */
	int		 vary_origin;
	int		 preflight;
	int		 head;		/* omit the body */
	int		 no_store;
};

char		*resp_render(const struct reply *, size_t *);
void		 resp_clear(struct reply *);
const char	*resp_status_text(int);

/* batch.c */
struct batch;

struct batch	*batch_open(const struct conf *, const unsigned char *, int);
void		 batch_close(struct batch *);
double		 batch_rate(double, size_t, double);
int		 batch_should_delay(double, double);
enum db_status	 batch_visit(struct batch *, const unsigned char *, size_t,
		    struct counts *, double *);
enum db_status	 batch_read(struct batch *, struct counts *, double *);

/* handle.c */
struct ctx {
	const struct conf	*conf;
	struct batch		*batch;
	double			 db_seconds;	/* this request's wait */
};

void		 handle_request(struct ctx *, char *const *, struct reply *,
		    struct request *);
void		 handle_account(const struct request *, const struct reply *,
		    double, double);

/* metrics.c */
void		 metrics_init(void);
void		 metrics_request(enum route, int, double);
void		 metrics_visit(const struct counts *);
void		 metrics_db_query(double);
void		 metrics_db_error(enum db_status);
void		 metrics_db_reconnect(void);
void		 metrics_db_in_doubt(enum db_status);
void		 metrics_batch(size_t);
void		 metrics_purge(long long, long long);
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

enum fcgirec	 fcgirec_check(const unsigned char *, size_t, size_t *,
		    const char **);

/* server.c */
int		 srv_run(const struct conf *, const unsigned char *);

#endif /* FOOTFALL_H */
