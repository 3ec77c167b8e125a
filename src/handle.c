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
 */
static void
handle_db_error(struct reply *r)
{
	handle_error(r, 503, "database unavailable");
}

static void
handle_count(struct ctx *ctx, const struct request *req, struct reply *r)
{
	unsigned char	 h[HASH_LEN];
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
		if ((st = db_read_counts(ctx->db, &r->counts)) != DB_OK)
			handle_db_error(r);
		else {
			r->status = 200;
			r->kind = REPLY_COUNTS;
		}
		return;
	}
	if (!req->has_addr) {
		log_error("request without a usable REMOTE_ADDR: not counted "
		    "(check fastcgi_params)");
		handle_error(r, 500, "cannot identify the client");
		return;
	}
	if (hash_visitor(ctx->key, &req->addr, h) == -1) {
		log_error("hashing failed");
		handle_error(r, 500, "internal error");
		return;
	}
	st = db_record_visit(ctx->db, h, ctx->conf->window, &r->counts);
	memset(h, 0, sizeof(h));
	if (st != DB_OK) {
		handle_db_error(r);
		return;
	}
	r->status = 200;
	r->kind = REPLY_COUNTS;
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
	req_parse(envp, ctx->conf, req);
	r->head = req->method == METHOD_HEAD;

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
		if (db_ping(ctx->db) == DB_OK) {
			r->status = 200;
			r->kind = REPLY_HEALTH;
		} else
			handle_error(r, 503, "database unavailable");
		break;
	default:
		handle_error(r, 404, "not found");
		break;
	}
}
