/*
 * What footfall does with a request: the decisions between the parsed
 * request and the reply.  No library is included here; the database,
 * hashing and rendering sit behind their own files.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "footfall.h"

static void
handle_error(struct reply *r, int status, const char *msg)
{
	r->status = status;
	r->kind = REPLY_ERROR;
	r->error = msg;
}

/*
 * An unreachable database and one that refused the statement are both
 * temporary from the client's point of view; the log has the detail.
 * Neither counted anything.  A commit whose outcome footfall could not
 * learn may have counted the visit: 504, like a gateway that timed out,
 * so that a client (and a test) can tell "not counted" from "unknown".
 */
static void
handle_db_error(struct reply *r, enum db_status st)
{
	if (st == DB_UNKNOWN)
		handle_error(r, 504, "visit outcome unknown");
	else
		handle_error(r, 503, "database unavailable");
}

/*
 * A counter that may not exist: not listed, or (counters = auto) not
 * made yet by a visit and not to be made by this request.
 */
static void
handle_unknown(struct reply *r)
{
	handle_error(r, 404, "unknown counter");
}

/*
 * Whether a warning kept to once a minute by *last may be logged now
 * (a hostile client may try many names or paths).  Every request
 * thread may get here at once: only the one whose compare-and-swap
 * moves last on says yes.
 */
static int
handle_minute_passed(atomic_llong *last)
{
	long long	 now, prev;

	now = (long long)time(NULL);
	prev = atomic_load_explicit(last, memory_order_relaxed);
	return now - prev >= 60 && atomic_compare_exchange_strong_explicit(
	    last, &prev, now, memory_order_relaxed, memory_order_relaxed);
}

/*
 * A visit was refused because max_counters exist (counters = auto), or
 * made no page because its counter has max_pages: say so in the log.
 */
static void
handle_cap_reached(const struct conf *conf, const char *counter)
{
	static atomic_llong	 counters, pages;

	if (counter == NULL && handle_minute_passed(&counters))
		log_warn("max_counters (%u) reached: visits for new counters "
		    "are refused (404); raise it or list the counters",
		    conf->max_counters);
	else if (counter != NULL && handle_minute_passed(&pages))
		log_warn("max_pages (%u) reached for the counter %s: visits "
		    "to its new pages count for it alone; raise it",
		    conf->max_pages, counter);
}

/*
 * The ladder of doc/design.md "Keeping counts honest": what a counting
 * request asks of the database, from the request's facts and the dnt
 * setting.  peek: the request only reads (?peek, HEAD).  Pure.
 */
enum plan
handle_plan(const struct request *req, int peek, enum dnt_mode dnt)
{
	if (peek)
		return PLAN_READ;
	if (req->ignored)
		return PLAN_IGNORED;	/* the owner: nothing at all */
	if (req->bot)
		return PLAN_BOT;
	if (req->dnt && dnt == DNT_SKIP)
		return PLAN_SKIP;
	if (req->dnt && dnt == DNT_COUNT)
		return PLAN_UNTRACKED;
	return PLAN_TRACKED;
}

/*
 * What became of a request planned as p, from what the database said of
 * it in *c.  An ignored address or a bot is that whatever the counter; a
 * counted visit is refused if its counter may not be made.  Pure.
 */
enum outcome
handle_outcome(enum plan p, const struct counts *c)
{
	switch (p) {
	case PLAN_READ:
		return OUTCOME_NONE;
	case PLAN_IGNORED:
		return OUTCOME_IGNORED;
	case PLAN_BOT:
		return OUTCOME_BOT;
	case PLAN_SKIP:
		return c->found ? OUTCOME_SKIPPED : OUTCOME_REFUSED_UNTRACKED;
	case PLAN_UNTRACKED:
		return c->found ? OUTCOME_UNTRACKED : OUTCOME_REFUSED_UNTRACKED;
	default:
		break;
	}
	if (!c->found)
		return OUTCOME_REFUSED;
	if (c->repeat)
		return OUTCOME_REPEAT;
	return c->is_new == 1 ? OUTCOME_NEW : OUTCOME_RETURNING;
}

/*
 * Count one visit for req->counter, or only read the numbers
 * (req->read_only: ?peek, HEAD, require_origin unmet), as handle_plan
 * says.  Fills r->counts and r->outcome and returns the database
 * status.
 */
static enum db_status
handle_visit(struct ctx *ctx, const struct request *req, struct reply *r)
{
	const struct conf	*conf = ctx->conf;
	struct visit		 v;
	unsigned char		 id[IDENT_MAX];
	size_t			 len = 0;
	enum db_status		 st;
	enum plan		 p;

	memset(&v, 0, sizeof(v));
	v.counter = req->counter;
	/* The page the query names, with pages on (footfall(8), Pages). */
	if (req->page && conf->max_pages > 0)
		v.page = r->page = req->path;
	p = handle_plan(req, req->read_only, conf->dnt);
	if (p == PLAN_READ || p == PLAN_IGNORED || p == PLAN_SKIP) {
		st = batch_peek(ctx->batch, req->counter, v.page, &r->counts,
		    &ctx->db_seconds);
		/* A listed counter no visit made yet reads as zeros. */
		if (st == DB_OK && !r->counts.found && conf->ncounters > 0)
			r->counts.found = 1;
		goto out;
	}
	v.kind = p == PLAN_BOT ? VISIT_BOT : p == PLAN_UNTRACKED ?
	    VISIT_UNTRACKED : VISIT_TRACKED;
	/* A bot counts for no page; only the site's own pages make one. */
	if (p == PLAN_BOT)
		v.page = NULL;
	v.page_make = req->from_site;
	if (p == PLAN_TRACKED) {
		if (!req->has_addr) {
			log_error("request without a usable REMOTE_ADDR: not "
			    "counted (check fastcgi_params)");
			return DB_INTERNAL;
		}
		if (ident_build(req->counter, &req->addr, conf->ipv6_prefix,
		    conf->ident_agent ? req->agent : NULL, req->agentlen, id,
		    sizeof(id), &len) == -1) {
			log_error("cannot build a visitor identity");
			return DB_INTERNAL;
		}
		v.ident = id;
		v.identlen = len;
		if (conf->visit_log) {
			v.path = req->path[0] != '\0' ? req->path : NULL;
			v.ref = req->ref[0] != '\0' ? req->ref : NULL;
			v.browser = req->browser;
		}
	}
	st = batch_visit(ctx->batch, &v, &r->counts, &ctx->db_seconds);
	if (p == PLAN_TRACKED)
		hash_wipe(id, len);
	if (st == DB_OK && !r->counts.found && p != PLAN_BOT)
		handle_cap_reached(conf, NULL);
	/* Counted, from the site, and still no page: the cap. */
	else if (st == DB_OK && v.page != NULL && v.page_make &&
	    !r->counts.repeat && !r->counts.page_found)
		handle_cap_reached(conf, req->counter);
out:
	if (st == DB_OK)
		r->outcome = handle_outcome(p, &r->counts);
	return st;
}

/* The CORS decision that every answer on a CORS route carries. */
static void
handle_cors(const struct request *req, struct reply *r)
{
	r->vary_origin = 1;
	r->origin = req->cors == CORS_ALLOW ? req->origin : NULL;
}

/*
 * A preflight, or a request from an origin we do not serve, on a CORS
 * route: answered here (1), or left to the route (0).
 */
static int
handle_cors_gate(const struct request *req, struct reply *r)
{
	handle_cors(req, r);
	if (req->method == METHOD_OPTIONS) {
		/* A preflight never touches the database. */
		r->status = 204;
		r->kind = REPLY_EMPTY;
		r->preflight = 1;
		r->allow = route_allow_header(req->route);
		/*
		 * A page reading private statistics sends its token in
		 * Authorization, which the Fetch standard only lets
		 * through when a preflight names it ("*" does not).
		 */
		if (req->route == ROUTE_STATS)
			r->allow_headers = "Content-Type, Authorization";
		r->no_store = 0;
		return 1;
	}
	/*
	 * A browser sends the request whatever we answer, and only hides
	 * the answer from the page.  So a page on an origin we do not
	 * serve must not be counted at all.
	 */
	if (req->cors == CORS_DENY) {
		handle_error(r, 403, "origin not allowed");
		return 1;
	}
	return 0;
}

/*
 * Count (or read) req's visit for /count and /pixel.  Returns 0 with
 * r->counts filled for the route to answer, or -1 with r the error.
 */
static int
handle_counted(struct ctx *ctx, const struct request *req, struct reply *r)
{
	enum db_status	 st;

	if (!cfg_counter_allowed(ctx->conf, req->counter)) {
		handle_unknown(r);
		return -1;
	}
	st = handle_visit(ctx, req, r);
	if (st == DB_INTERNAL)
		handle_error(r, 500, req->has_addr ? "internal error" :
		    "cannot identify the client");
	else if (st != DB_OK)
		handle_db_error(r, st);
	else if (!r->counts.found)
		handle_unknown(r);
	else
		return 0;
	return -1;
}

static void
handle_count(struct ctx *ctx, const struct request *req, struct reply *r)
{
	if (handle_cors_gate(req, r))
		return;
	if (handle_counted(ctx, req, r) == 0) {
		r->status = 200;
		r->kind = REPLY_COUNTS;
	}
}

/*
 * The bearer token gate of the admin API and of private statistics: 401
 * unless req presents the admin token or, if reads, the read token.
 * Only the Authorization header is looked at: a token in the query or
 * the path (RFC 6750 2.3) is never taken, since logs keep URLs.  Every
 * failure is logged with a running count, never with the token or the
 * address (the web server's log has the address, for fail2ban and the
 * like).  Returns 1 if r is the answer.
 */
static int
handle_auth_gate(struct ctx *ctx, const struct request *req,
    struct reply *r, int reads)
{
	/*
	 * In a row, across the request threads: atomic, since they all
	 * write it.  A hint only: a success between two failures resets it.
	 */
	static atomic_ulong	 failures;
	const struct conf	*conf = ctx->conf;
	const char		*auth = req->has_auth ? req->auth : NULL;
	unsigned long		 n;
	enum admin_auth		 a = ADMIN_AUTH_MISSING;

	if (conf->admin)
		a = admin_authorize(conf->admin_hash, auth);
	if (a != ADMIN_AUTH_OK && reads && conf->read)
		a = admin_authorize(conf->read_hash, auth);
	if (a == ADMIN_AUTH_OK) {
		atomic_store_explicit(&failures, 0, memory_order_relaxed);
		return 0;
	}
	n = atomic_fetch_add_explicit(&failures, 1, memory_order_relaxed) + 1;
	if (!reads)		/* the metric is the admin API's */
		metrics_auth_failure();
	log_warn("%s: %s bearer token on %s (%lu failure%s in a row)",
	    reads ? "stats" : "admin", a == ADMIN_AUTH_MISSING ? "no" :
	    "a wrong", route_name(req->route), n, n == 1 ? "" : "s");
	handle_error(r, 401, "unauthorized");
	r->www_auth = admin_www_authenticate(a);
	return 1;
}

struct handle_stats {
	const char	*name;
	int		 listed;	/* counters = a list: zeros if unmade */
	unsigned int	 days;
	struct counts	 counts;
	struct day_stat	 d[366];
	size_t		 n;
	int		 want_pages;	/* read the pages too (/stats) */
	struct page_item pages[DB_PAGES_MAX];
	size_t		 npages;
	const char	*what;		/* db_top's column, or NULL */
	struct top_item	 top[3][DB_TOP_MAX];
	size_t		 ntop[3];
};

/* On a database thread: a counter's numbers and its last days. */
static enum db_status
handle_stats_fn(struct db *db, void *arg)
{
	struct handle_stats	*s = arg;
	const char		*names[1];
	enum db_status		 st;

	names[0] = s->name;
	s->n = 0;
	if ((st = db_read_counters(db, names, NULL, 1, &s->counts)) != DB_OK)
		return st;
	/* A listed counter no visit made yet has zeros, as on /count. */
	if (!s->counts.found && s->listed)
		s->counts.found = 1;
	if (!s->counts.found)
		return DB_OK;
	if (s->want_pages &&
	    (st = db_top_pages(db, s->name, s->pages, &s->npages)) != DB_OK)
		return st;
	return db_daily_stats(db, s->name, s->days, s->d, &s->n);
}

/*
 * Whether a statistics request may be answered: if not, the error reply.
 * Returns 0 if r is still to be filled.
 */
static int
handle_stats_check(struct ctx *ctx, const struct request *req,
    struct reply *r)
{
	if (req->bad & REQ_KEY(KEY_DAYS)) {
		handle_error(r, 400, "days must be a number from 1 to 366");
		return -1;
	}
	if (!cfg_counter_allowed(ctx->conf, req->counter)) {
		handle_unknown(r);
		return -1;
	}
	return 0;
}

/*
 * A statistics request for req->counter: the numbers and the days into
 * *s, or the error reply.  Returns 0 if r is still to be filled.
 */
static int
handle_stats_get(struct ctx *ctx, const struct request *req,
    struct handle_stats *s, struct reply *r)
{
	enum db_status	 st;

	memset(s, 0, sizeof(*s));
	s->name = req->counter;
	s->listed = ctx->conf->ncounters > 0;
	s->days = req->days;
	/* The admin API's days and top lists have no use for them. */
	s->want_pages = req->route == ROUTE_STATS;
	if (handle_stats_check(ctx, req, r) == -1)
		return -1;
	if ((st = batch_call_read(ctx->batch, handle_stats_fn, s,
	    &ctx->db_seconds)) != DB_OK) {
		handle_db_error(r, st);
		return -1;
	}
	if (!s->counts.found) {
		handle_unknown(r);
		return -1;
	}
	return 0;
}

/* On a database thread: the visit log's three top lists. */
static enum db_status
handle_top_fn(struct db *db, void *arg)
{
	static const char *const what[3] = { "path", "referrer", "browser" };
	struct handle_stats	*s = arg;
	enum db_status		 st = DB_OK;
	size_t			 i;

	for (i = 0; i < 3 && st == DB_OK; i++)
		st = db_top(db, s->name, s->days, what[i], s->top[i],
		    &s->ntop[i]);
	return st;
}

/* A reply whose body is the malloc'd text, or a 500 if it is NULL. */
static void
handle_text(struct reply *r, char *text, const char *type)
{
	if (text == NULL) {
		log_error("out of memory rendering an answer");
		handle_error(r, 500, "internal error");
		return;
	}
	r->status = 200;
	r->kind = REPLY_TEXT;
	r->text = text;
	r->content_type = type;
}

/*
 * GET /stats/{name}: from ctx->stats while its copy is younger than
 * stats_cache, else from the database (and kept there).  Only a 200's
 * body is kept: the headers (CORS above all) are each request's own.
 */
static void
handle_stats(struct ctx *ctx, const struct request *req, struct reply *r)
{
	struct handle_stats	*s;
	char			 key[CACHE_KEY_MAX], *text;

	if (handle_cors_gate(req, r) || handle_stats_check(ctx, req, r) == -1)
		return;
	/*
	 * Before the cache: a private answer kept for an authorised
	 * request must never go to another that is not.
	 */
	if (cfg_stats_private(ctx->conf, req->counter) &&
	    handle_auth_gate(ctx, req, r, 1))
		return;
	snprintf(key, sizeof(key), "%u/%s", req->days, req->counter);
	if (ctx->stats != NULL &&
	    (text = cache_get(ctx->stats, key, clock_ms())) != NULL) {
		handle_text(r, text, "application/json");
		return;
	}
	if ((s = malloc(sizeof(*s))) == NULL) {
		handle_error(r, 500, "internal error");
		return;
	}
	if (handle_stats_get(ctx, req, s, r) == 0) {
		handle_text(r, resp_stats_json(s->name, &s->counts, s->d,
		    s->n, s->pages, s->npages), "application/json");
		if (ctx->stats != NULL && r->status == 200)
			(void)cache_put(ctx->stats, key, r->text, clock_ms());
	}
	free(s);
}

/*
 * GET /badge/{name}.svg: the count as an image.  Every answer is an
 * image, errors too: a page shows a badge that says what is wrong
 * rather than a broken image.  Image proxies (GitHub's camo) cache what
 * they may, so every badge says it must not be stored.
 */
static void
handle_badge(struct ctx *ctx, const struct request *req, struct reply *r)
{
	char		 value[BADGE_NUMBER_MAX];
	const char	*label = req->label, *text = NULL, *fill = NULL;
	enum badge_style style = req->style;
	const char	*msg = NULL;
	size_t		 len;
	enum db_status	 st;
	int		 status = 200;

	r->cache = "no-cache, no-store, must-revalidate, max-age=0";
	r->expires0 = 1;
	if (req->route == ROUTE_BADNAME)
		msg = "invalid name";
	else if (req->bad & REQ_KEY(KEY_LABEL))
		msg = "invalid label";
	else if (req->bad & REQ_KEY(KEY_COLOR))
		msg = "invalid color";
	else if (req->bad & REQ_KEY(KEY_VALUE))
		msg = "invalid value";
	else if (req->bad & REQ_KEY(KEY_STYLE))
		msg = "invalid style";
	else if (req->bad & REQ_KEY(KEY_ABBREV))
		msg = "invalid abbrev";
	if (msg != NULL) {
		label = BADGE_LABEL;
		style = req->bad & REQ_KEY(KEY_STYLE) ? BADGE_FLAT : style;
		status = 400;
	} else if (!cfg_counter_allowed(ctx->conf, req->counter)) {
		msg = "unknown counter";
		status = 404;
	} else if ((st = handle_visit(ctx, req, r)) == DB_INTERNAL) {
		msg = "error";
		status = 500;
	} else if (st != DB_OK) {
		msg = "unavailable";
		status = st == DB_UNKNOWN ? 504 : 503;
	} else if (!r->counts.found) {
		msg = "unknown counter";
		status = 404;
	} else if (r->page != NULL) {
		/* A page no visit made yet (footfall(8), Pages) shows 0. */
		text = badge_number(!r->counts.page_found ? 0 : req->unique ?
		    r->counts.page_uniques : r->counts.page_total, req->abbrev,
		    value);
		fill = req->color;
	} else {
		text = badge_number(req->unique ? r->counts.uniques :
		    r->counts.total, req->abbrev, value);
		fill = req->color;
	}
	if (msg != NULL) {
		text = msg;
		fill = "#9f9f9f";
	}
	handle_text(r, badge_render(label, text, fill, style, &len),
	    "image/svg+xml; charset=utf-8");
	if (r->kind == REPLY_TEXT)
		r->status = status;
}

/*
 * GET /pixel/{name}.gif: a visit counted as by a badge, answered with
 * a transparent 1x1 GIF, for a page without JavaScript (<noscript>) or
 * a mail.  Errors are JSON as on /count: nobody sees the image.
 */
static void
handle_pixel(struct ctx *ctx, const struct request *req, struct reply *r)
{
	if (handle_counted(ctx, req, r) == 0) {
		r->status = 200;
		r->kind = REPLY_BYTES;
		r->bytes = badge_pixel(&r->nbytes);
		r->content_type = "image/gif";
		r->cache = "no-cache, no-store, must-revalidate, max-age=0";
		r->expires0 = 1;
	}
}

/*
 * The admin API's gate: 404 if no admin_token is set (the routes do not
 * exist), else handle_auth_gate's.  Returns 1 if r is the answer.
 */
static int
handle_admin_gate(struct ctx *ctx, const struct request *req,
    struct reply *r)
{
	if (!ctx->conf->admin) {
		handle_error(r, 404, "not found");
		return 1;
	}
	return handle_auth_gate(ctx, req, r, 0);
}

struct handle_admin {
	const char		*name;
	long long		 visits;	/* set: -1 to read */
	long long		 uniques;	/* -1: keep what fits */
	int			 reset;
	struct counter_info	*list;
	size_t			 n;
	struct counter_info	 one;
	struct counts		 counts;
};

static enum db_status
handle_admin_list_fn(struct db *db, void *arg)
{
	struct handle_admin	*a = arg;

	return db_list_counters(db, &a->list, &a->n);
}

static enum db_status
handle_admin_set_fn(struct db *db, void *arg)
{
	struct handle_admin	*a = arg;

	return db_set_counter(db, a->name, a->visits, a->uniques, a->reset,
	    &a->one);
}

/* GET /admin/counters/{name}: the one counter, from the list. */
static void
handle_admin_one(struct ctx *ctx, struct handle_admin *a, struct reply *r)
{
	enum db_status	 st;
	size_t		 i;

	if ((st = batch_call(ctx->batch, handle_admin_list_fn, a,
	    &ctx->db_seconds)) != DB_OK) {
		handle_db_error(r, st);
		return;
	}
	for (i = 0; i < a->n; i++)
		if (strcmp(a->list[i].name, a->name) == 0)
			break;
	if (i < a->n)
		handle_text(r, resp_counters_json(&a->list[i], 1, 0),
		    "application/json");
	else if (ctx->conf->ncounters > 0) {
		/* Listed, no visit made it yet: zeros, never created. */
		memset(&a->one, 0, sizeof(a->one));
		snprintf(a->one.name, sizeof(a->one.name), "%s", a->name);
		a->one.created = -1;
		handle_text(r, resp_counters_json(&a->one, 1, 0),
		    "application/json");
	} else
		handle_unknown(r);
	free(a->list);
}

/*
 * GET /admin/export.csv and /admin/export.json: every counter's days,
 * the bodies footfall --export writes (export.c); the CSV as a file to
 * save, like /admin/stats/{name}.csv.
 */
static void
handle_admin_export(struct ctx *ctx, const struct request *req,
    struct reply *r)
{
	struct export	 ex;
	enum db_status	 st;

	memset(&ex, 0, sizeof(ex));
	ex.json = req->route == ROUTE_ADMIN_EXPORT_JSON;
	if ((st = batch_call(ctx->batch, export_read, &ex,
	    &ctx->db_seconds)) != DB_OK)
		handle_db_error(r, st);
	else if (export_render(&ex) == -1)
		handle_text(r, NULL, NULL);
	else if (ex.json)
		handle_text(r, ex.out, "application/json");
	else {
		handle_text(r, ex.out, "text/csv; charset=utf-8; "
		    "header=present");
		r->filename = "footfall-export.csv";
	}
	ex.out = NULL;		/* r's now, or NULL */
	export_free(&ex);
}

/*
 * POST /admin/import: the CSV body footfall --import reads, imported
 * the same way (import.c), all or nothing.  What the request announces
 * is checked before a byte of the body is read; the body is read whole
 * (server.c) and parsed whole before the database is asked anything.
 */
static void
handle_admin_import(struct ctx *ctx, const struct request *req,
    struct reply *r)
{
	struct import	 im;
	char		*body = NULL;
	enum db_status	 st;

	memset(&im, 0, sizeof(im));
	if (req->length == REQ_LENGTH_NONE) {
		handle_error(r, 411, "a Content-Length is required");
		return;
	}
	if (req->length == REQ_LENGTH_BAD) {
		handle_error(r, 400, "invalid Content-Length");
		return;
	}
	if (req->length == REQ_LENGTH_BIG) {
		handle_error(r, 413, "more than 16 MiB: split the file, or "
		    "use footfall --import");
		return;
	}
	if (!req->csv) {
		handle_error(r, 415, "the body must be text/csv");
		return;
	}
	if (ctx->body(ctx->body_arg, (size_t)req->length, &body) == -1) {
		handle_error(r, 400, "the body did not all come: nothing "
		    "imported");
		return;
	}
	if (import_parse(&im, body, (size_t)req->length) == 0 &&
	    (st = batch_call(ctx->batch, import_store, &im,
	    &ctx->db_seconds)) != DB_OK) {
		if (st == DB_UNKNOWN)
			handle_error(r, 504, "import outcome unknown");
		else
			handle_error(r, 503, "database unavailable: nothing "
			    "imported");
		goto out;
	}
	handle_text(r, resp_import_json(&im), "application/json");
	if (r->status == 200 && im.status != IMPORT_OK)
		r->status = im.status == IMPORT_BAD ? 400 : 409;
	if (im.status == IMPORT_OK)
		log_info("admin: imported %zu days: %lld visits, %lld unique "
		    "visitors; %zu days of pages", im.n - im.page_days,
		    im.visits, im.uniques, im.page_days);
	else
		log_info("admin: import refused: %zu %s", im.err.count,
		    im.status == IMPORT_BAD ? "bad lines" :
		    "days already hold numbers");
out:
	import_free(&im);
	free(body);
}

static void
handle_admin(struct ctx *ctx, const struct request *req, struct reply *r)
{
	struct handle_admin	 a;
	struct handle_stats	*s = NULL;
	enum db_status		 st;

	if (handle_admin_gate(ctx, req, r))
		return;
	memset(&a, 0, sizeof(a));
	a.name = req->counter;
	switch (req->route) {
	case ROUTE_ADMIN_EXPORT_CSV:
	case ROUTE_ADMIN_EXPORT_JSON:
		handle_admin_export(ctx, req, r);
		return;
	case ROUTE_ADMIN_IMPORT:
		handle_admin_import(ctx, req, r);
		return;
	case ROUTE_ADMIN_LIST:
		if ((st = batch_call(ctx->batch, handle_admin_list_fn, &a,
		    &ctx->db_seconds)) != DB_OK)
			handle_db_error(r, st);
		else
			handle_text(r, resp_counters_json(a.list, a.n, 1),
			    "application/json");
		free(a.list);
		return;
	case ROUTE_ADMIN_COUNTER:
		if (!cfg_counter_allowed(ctx->conf, req->counter)) {
			handle_unknown(r);
			return;
		}
		if (req->method != METHOD_POST) {
			handle_admin_one(ctx, &a, r);
			return;
		}
		a.reset = (req->keys & REQ_KEY(KEY_RESET)) != 0;
		a.visits = req->visits;
		a.uniques = req->keys & REQ_KEY(KEY_UNIQUE) ? req->uniques : -1;
		if ((req->bad & (REQ_KEY(KEY_TOTAL) | REQ_KEY(KEY_UNIQUE))) ||
		    (a.reset && (req->keys & (REQ_KEY(KEY_TOTAL) |
		    REQ_KEY(KEY_UNIQUE)))) ||
		    (!a.reset && !(req->keys & REQ_KEY(KEY_TOTAL))) ||
		    a.uniques > a.visits) {
			handle_error(r, 400, "give total_visits (and perhaps "
			    "unique_visitors, at most as many) or reset");
			return;
		}
		if (a.reset)
			a.visits = a.uniques = 0;
		if ((st = batch_call(ctx->batch, handle_admin_set_fn, &a,
		    &ctx->db_seconds)) != DB_OK) {
			handle_db_error(r, st);
			return;
		}
		log_info("admin: counter %s set to %lld visits, %lld unique "
		    "visitors%s", a.name, a.one.visits, a.one.uniques,
		    a.reset ? " (reset)" : "");
		handle_text(r, resp_counters_json(&a.one, 1, 0),
		    "application/json");
		return;
	default:
		break;
	}
	if ((s = malloc(sizeof(*s))) == NULL) {
		handle_error(r, 500, "internal error");
		return;
	}
	if (handle_stats_get(ctx, req, s, r) == -1)
		goto out;
	switch (req->route) {
	case ROUTE_ADMIN_CSV:
		snprintf(r->filebuf, sizeof(r->filebuf), "footfall-%s.csv",
		    s->name);
		handle_text(r, admin_csv(s->d, s->n, &s->n),
		    "text/csv; charset=utf-8; header=present");
		r->filename = r->filebuf;
		break;
	default:		/* ROUTE_ADMIN_TOP */
		if ((st = batch_call(ctx->batch, handle_top_fn, s,
		    &ctx->db_seconds)) != DB_OK)
			handle_db_error(r, st);
		else {
			struct top_item	*t[3] = { s->top[0], s->top[1],
			    s->top[2] };
			handle_text(r, resp_top_json(s->name, s->days, t,
			    s->ntop), "application/json");
		}
		break;
	}
out:
	free(s);
}

/*
 * The metrics tell how much was counted, never who: they may go to the
 * operator's monitoring, but by default only to a scraper on this host.
 */
static void
handle_metrics(struct ctx *ctx, const struct request *req, struct reply *r)
{
	if (ctx->conf->metrics == METRICS_LOCAL &&
	    (!req->has_addr || !addr_is_loopback(&req->addr))) {
		handle_error(r, 403, "forbidden");
		return;
	}
	handle_text(r, metrics_render(),
	    "text/plain; version=0.0.4; charset=utf-8");
}

/*
 * Answer the request whose parameters are envp, filling *req with what
 * it asked and *r with the reply.  r may point into req and ctx but into
 * nothing of envp's (which libfcgi frees with the request).  Request
 * faults are answered, never fatal.
 */
void
handle_request(struct ctx *ctx, char *const *envp, struct reply *r,
    struct request *req)
{
	memset(r, 0, sizeof(*r));
	r->no_store = 1;
	ctx->db_seconds = 0;
	req_parse(envp, ctx->conf, req);
	r->head = req->method == METHOD_HEAD;

	if (req->route == ROUTE_METRICS && ctx->conf->metrics == METRICS_OFF)
		req->route = ROUTE_NOTFOUND;
	/* Without admin_token the admin routes do not exist, named or not. */
	if ((route_is_admin(req->route) || (req->route == ROUTE_BADNAME &&
	    route_is_admin(req->meant))) && !ctx->conf->admin)
		req->route = ROUTE_NOTFOUND;
	if (req->route == ROUTE_NOTFOUND) {
		handle_error(r, 404, "not found");
		return;
	}
	if (!route_allows(req->route, req->method)) {
		r->allow = route_allow_header(req->route);
		if (req->route == ROUTE_COUNT || req->route == ROUTE_STATS)
			handle_cors(req, r);
		handle_error(r, 405, "method not allowed");
		return;
	}
	switch (req->route) {
	case ROUTE_COUNT:
		handle_count(ctx, req, r);
		break;
	case ROUTE_STATS:
		handle_stats(ctx, req, r);
		break;
	case ROUTE_BADGE:
		handle_badge(ctx, req, r);
		break;
	case ROUTE_PIXEL:
		handle_pixel(ctx, req, r);
		break;
	case ROUTE_ADMIN_LIST:
	case ROUTE_ADMIN_COUNTER:
	case ROUTE_ADMIN_CSV:
	case ROUTE_ADMIN_TOP:
	case ROUTE_ADMIN_EXPORT_CSV:
	case ROUTE_ADMIN_EXPORT_JSON:
	case ROUTE_ADMIN_IMPORT:
		handle_admin(ctx, req, r);
		break;
	case ROUTE_BADNAME:
		if (req->meant == ROUTE_BADGE) {
			handle_badge(ctx, req, r);	/* an image still */
			break;
		}
		handle_cors(req, r);
		handle_error(r, 400, "invalid counter name");
		break;
	case ROUTE_HEALTHZ:
		if (batch_read(ctx->batch, COUNTER_DEFAULT, NULL, &r->counts,
		    &ctx->db_seconds) == DB_OK) {
			r->status = 200;
			r->kind = REPLY_HEALTH;
		} else
			handle_error(r, 503, "database unavailable");
		break;
	case ROUTE_METRICS:
		handle_metrics(ctx, req, r);
		break;
	default:
		handle_error(r, 404, "not found");
		break;
	}
}

/* Each outcome's fields in the request's log line. */
static const struct {
	int		 counted, is_new, tracked;
	const char	*why;		/* not_counted= */
} handle_outcomes[OUTCOME__MAX] = {
	{ 0, 0, 0, "-" },		/* OUTCOME_NONE */
	{ 1, 1, 1, "-" },		/* OUTCOME_NEW */
	{ 1, 0, 1, "-" },		/* OUTCOME_RETURNING */
	{ 1, 0, 0, "-" },		/* OUTCOME_UNTRACKED */
	{ 0, 0, 0, "dnt" },		/* OUTCOME_SKIPPED */
	{ 0, 0, 0, "bot" },		/* OUTCOME_BOT */
	{ 0, 0, 0, "ignored" },		/* OUTCOME_IGNORED */
	{ 0, 0, 1, "repeat" },		/* OUTCOME_REPEAT */
	{ 0, 0, 1, "unknown_counter" },	/* OUTCOME_REFUSED */
	{ 0, 0, 0, "unknown_counter" },	/* OUTCOME_REFUSED_UNTRACKED */
};

/*
 * Account for an answered request: one log line in the format footfall(8)
 * documents under LOGGING, and the metrics.  seconds is the whole
 * request, db_seconds its time in the database.  Nothing from the
 * request itself goes into the line but what the parser reduced to an
 * enum, so a hostile request cannot forge or break lines.
 */
void
handle_account(const struct request *req, const struct reply *r,
    double seconds, double db_seconds)
{
	static const char *const cors_names[CORS__MAX] = {
		"none",		/* CORS_NONE */
		"allow",	/* CORS_ALLOW */
		"deny",		/* CORS_DENY */
	};

	metrics_request(req->route, r->status, seconds);
	metrics_visit(r->outcome);
	log_info("request route=%s method=%s status=%d duration_ms=%.3f "
	    "db_ms=%.3f counter=%s counted=%d new=%d tracked=%d "
	    "not_counted=%s cors=%s",
	    route_name(req->route), route_method_name(req->method), r->status,
	    seconds * 1000, db_seconds * 1000,
	    req->counter[0] != '\0' ? req->counter : "-",
	    handle_outcomes[r->outcome].counted,
	    handle_outcomes[r->outcome].is_new,
	    handle_outcomes[r->outcome].tracked,
	    handle_outcomes[r->outcome].why, cors_names[req->cors]);
}
