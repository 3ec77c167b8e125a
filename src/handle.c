/*
 * What footfall does with a request: the decisions between the parsed
 * request and the reply.  No library is included here; the database,
 * hashing and rendering sit behind their own files.
 */
#include "config.h"

#include <string.h>

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
 * The counter a visit counts for.  There is one for now; its name is in
 * every visitor's identity, so that counters added later keep their
 * visitors apart.
 */
#define HANDLE_COUNTER	"default"

/*
 * A visit from a visitor who asked not to be tracked (DNT or GPC), as
 * conf->dnt says: counted without a hash (untracked), or not at all
 * (skip: the numbers as they are).  Either way nothing about the
 * visitor is computed or stored.
 */
static enum db_status
handle_untracked(struct ctx *ctx, struct reply *r)
{
	enum db_status	 st;

	if (ctx->conf->dnt == DNT_SKIP) {
		st = batch_read(ctx->batch, &r->counts, &ctx->db_seconds);
		r->counts.is_new = 0;
		r->counts.tracked = 0;
		r->counts.counted = 0;
		return st;
	}
	return batch_visit(ctx->batch, NULL, 0, &r->counts, &ctx->db_seconds);
}

static void
handle_count(struct ctx *ctx, const struct request *req, struct reply *r)
{
	unsigned char	 id[IDENT_MAX];
	size_t		 len;
	enum db_status	 st;

	/* Every answer on the counting route carries the origin decision. */
	r->vary_origin = 1;
	r->origin = req->cors == CORS_ALLOW ? req->origin : NULL;

	if (req->method == METHOD_OPTIONS) {
		/* A preflight never touches the database. */
		r->status = 204;
		r->kind = REPLY_EMPTY;
		r->preflight = 1;
		r->allow = route_allow_header(req->route);
		r->no_store = 0;
		return;
	}
	/*
	 * A browser sends the request whatever we answer, and only hides
	 * the answer from the page.  So a page on an origin we do not
	 * serve must not be counted at all.
	 */
	if (req->cors == CORS_DENY) {
		handle_error(r, 403, "origin not allowed");
		return;
	}
	if (req->method == METHOD_HEAD || req->peek) {
		if ((st = batch_read(ctx->batch, &r->counts,
		    &ctx->db_seconds)) != DB_OK)
			handle_db_error(r, st);
		else {
			r->status = 200;
			r->kind = REPLY_COUNTS;
		}
		return;
	}
	if (req->dnt && ctx->conf->dnt != DNT_IGNORE)
		st = handle_untracked(ctx, r);
	else if (!req->has_addr) {
		log_error("request without a usable REMOTE_ADDR: not counted "
		    "(check fastcgi_params)");
		handle_error(r, 500, "cannot identify the client");
		return;
	} else if (ident_build(HANDLE_COUNTER, &req->addr,
	    ctx->conf->ipv6_prefix, ctx->conf->ident_agent ? req->agent : NULL,
	    req->agentlen, id, sizeof(id), &len) == -1) {
		log_error("cannot build a visitor identity");
		handle_error(r, 500, "internal error");
		return;
	} else {
		st = batch_visit(ctx->batch, id, len, &r->counts,
		    &ctx->db_seconds);
		hash_wipe(id, len);
	}
	if (st != DB_OK) {
		handle_db_error(r, st);
		return;
	}
	r->status = 200;
	r->kind = REPLY_COUNTS;
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
	if ((r->text = metrics_render()) == NULL) {
		log_error("out of memory rendering the metrics");
		handle_error(r, 500, "internal error");
		return;
	}
	r->status = 200;
	r->kind = REPLY_TEXT;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
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
	if (req->route == ROUTE_NOTFOUND) {
		handle_error(r, 404, "not found");
		return;
	}
	if (!route_allows(req->route, req->method)) {
		r->allow = route_allow_header(req->route);
		if (req->route == ROUTE_COUNT) {
			r->vary_origin = 1;
			r->origin = req->cors == CORS_ALLOW ?
			    req->origin : NULL;
		}
		handle_error(r, 405, "method not allowed");
		return;
	}
	switch (req->route) {
	case ROUTE_COUNT:
		handle_count(ctx, req, r);
		break;
	case ROUTE_HEALTHZ:
		if (batch_read(ctx->batch, &r->counts, &ctx->db_seconds) ==
		    DB_OK) {
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
	int	 visit, counted;

	visit = r->kind == REPLY_COUNTS && r->counts.counted >= 0;
	counted = visit && r->counts.counted;
	metrics_request(req->route, r->status, seconds);
	if (visit)
		metrics_visit(&r->counts);
	log_info("request route=%s method=%s status=%d duration_ms=%.3f "
	    "db_ms=%.3f counted=%d new=%d tracked=%d cors=%s",
	    route_name(req->route), route_method_name(req->method), r->status,
	    seconds * 1000, db_seconds * 1000, counted,
	    counted && r->counts.is_new == 1, visit && r->counts.tracked == 1,
	    cors_names[req->cors]);
}
