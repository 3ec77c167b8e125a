/*
 * Response writing: the only file that includes json-c.  A reply is
 * rendered into one buffer holding the CGI response (RFC 3875 section
 * 6: a Status header, other headers, a blank line, the body), which the
 * server writes in one go.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "footfall.h"

/*
 * Browsers cap a preflight's lifetime (Chromium at two hours), so a
 * longer Max-Age would only be ignored.
 */
#define RESP_MAX_AGE	"7200"
/*
 * Room for a response's headers, so that its buffer is allocated once:
 * they take about 300 bytes (a preflight's with a long origin more, and
 * the buffer then grows).
 */
#define RESP_HEAD_SIZE	512
/*
 * Room for /count's answer, so that its buffer too is allocated once:
 * its members but the page take at most 170 bytes, the page's numbers
 * at most 90 more besides its path (a longer answer grows the buffer).
 */
#define RESP_COUNTS_SIZE	256
/* How every JSON text is written: compact, "/" left as it is. */
#define RESP_JSON_FLAGS \
	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

struct buf {
	char	*p;
	size_t	 len, cap;
	int	 fail;
};

/*
 * Add v to o under key.  Every key here is a string constant, so json-c
 * may keep the pointer rather than a copy: one allocation fewer a
 * member.
 */
static void
resp_add(json_object *o, const char *key, json_object *v)
{
	(void)json_object_object_add_ex(o, key, v,
	    JSON_C_OBJECT_ADD_CONSTANT_KEY);
}

/* Make room for n bytes in all, before any is written. */
static void
buf_reserve(struct buf *b, size_t n)
{
	char	*np;

	if (b->fail || n <= b->cap)
		return;
	if ((np = realloc(b->p, n)) == NULL) {
		b->fail = 1;
		return;
	}
	b->p = np;
	b->cap = n;
}

/* The attribute lets the compiler check each call's arguments. */
static void	buf_printf(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * Formatted into the room left first: the buffer is made large enough
 * at the start, so a second pass is needed only when it must grow.
 */
static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 room;
	int	 n;

	if (b->fail)
		return;
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(room > 0 ? b->p + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= room) {
		buf_reserve(b, (b->len + (size_t)n + 1) * 2);
		if (b->fail)
			return;
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	if (n < 0) {
		b->fail = 1;
		return;
	}
	b->len += (size_t)n;
}

/* Append n bytes of p, NULs and all; the text stays NUL-terminated. */
static void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_reserve(b, (b->len + n + 1) * 2);
	if (b->fail)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* The statuses footfall answers with, and their reason phrases. */
static const struct {
	int		 status;
	const char	*text;
} resp_statuses[] = {
	{ 200, "OK" }, { 204, "No Content" }, { 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 500, "Internal Server Error" },
	{ 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
};

const char *
resp_status_text(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(resp_statuses) / sizeof(resp_statuses[0]); i++)
		if (resp_statuses[i].status == status)
			return resp_statuses[i].text;
	return "Unknown";
}

/*
 * What each outcome adds to the counts object.  A visitor who asked not
 * to be tracked is told so, and whether the visit still counted (README
 * "Privacy"); a bot that it was counted as one, not whether it asked (a
 * page would mark "not tracked" what only a bot fetched); a read gets
 * the Lambda versions' object, with nothing about a visit.
 */
static const struct resp_outcome {
	int	 is_new;	/* "is_new_visitor": -1 absent, or its value */
	int	 untracked;	/* "tracked": false */
	int	 uncounted;	/* "counted": false */
	int	 bot;		/* "bot": true */
} resp_outcomes[OUTCOME__MAX] = {
	{ -1, 0, 0, 0 },	/* OUTCOME_NONE */
	{ 1, 0, 0, 0 },		/* OUTCOME_NEW */
	{ 0, 0, 0, 0 },		/* OUTCOME_RETURNING */
	{ 0, 1, 0, 0 },		/* OUTCOME_UNTRACKED */
	{ 0, 1, 1, 0 },		/* OUTCOME_SKIPPED */
	{ 0, 0, 1, 1 },		/* OUTCOME_BOT */
	{ 0, 0, 1, 0 },		/* OUTCOME_IGNORED */
	{ 0, 0, 1, 0 },		/* OUTCOME_REPEAT */
	{ 0, 0, 1, 0 },		/* OUTCOME_REFUSED (a 404: never shown) */
	{ 0, 1, 1, 0 },		/* OUTCOME_REFUSED_UNTRACKED (the same) */
};

/*
 * The "page" member for the page path named: its numbers, or null if
 * the visit counted for no page (footfall(8), Pages).  The path is the
 * answer's one string, and json-c escapes it.
 */
static void
resp_page(struct buf *b, const char *path, const struct counts *c)
{
	json_object	*s = NULL;
	const char	*t;

	if (!c->page_found)
		buf_printf(b, ",\"page\":null");
	else if ((s = json_object_new_string(path)) == NULL ||
	    (t = json_object_to_json_string_ext(s, RESP_JSON_FLAGS)) == NULL)
		b->fail = 1;
	else
		buf_printf(b, ",\"page\":{\"path\":%s,\"visits\":%lld,"
		    "\"unique_visitors\":%lld}", t, c->page_total,
		    c->page_uniques);
	json_object_put(s);
}

/*
 * The JSON body of a REPLY_COUNTS reply, written into b rather than
 * built from json-c objects: it is the answer every visit gets, and the
 * objects' ten allocations a request were the largest item left in
 * footfall's own process (doc/bench.md, "/count's answer without
 * json-c's objects").  Its members are numbers and booleans, whose JSON
 * text is fixed (RFC 8259, sections 3 and 6), in the order json-c wrote
 * them before.
 */
static void
resp_counts(struct buf *b, const struct reply *r)
{
	const struct resp_outcome	*out = &resp_outcomes[r->outcome];

	/*
	 * "count" and "total_visits" are the same number: the Lambda-era
	 * front ends read one or the other.
	 */
	buf_printf(b, "{\"count\":%lld,\"total_visits\":%lld,"
	    "\"unique_visitors\":%lld", r->counts.total, r->counts.total,
	    r->counts.uniques);
	if (out->is_new >= 0)
		buf_printf(b, ",\"is_new_visitor\":%s",
		    out->is_new ? "true" : "false");
	if (out->untracked)
		buf_printf(b, ",\"tracked\":false");
	if (out->uncounted)
		buf_printf(b, ",\"counted\":false");
	if (out->bot)
		buf_printf(b, ",\"bot\":true");
	if (r->page != NULL)
		resp_page(b, r->page, &r->counts);
	buf_printf(b, "}");
}

/*
 * The JSON body of any other JSON reply, an object the caller puts, or
 * NULL if out of memory.  json-c escapes every string it is given, so
 * the output is valid JSON whatever bytes an error text held.
 */
static json_object *
resp_body(const struct reply *r)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	switch (r->kind) {
	case REPLY_HEALTH:
		resp_add(o, "status", json_object_new_string("ok"));
		break;
	case REPLY_ERROR:
		resp_add(o, "error",
		    json_object_new_string(r->error == NULL ? "error" :
		    r->error));
		break;
	default:
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * Render r as a complete CGI response.  Returns a buffer of *len bytes
 * that the caller frees, or NULL if out of memory.
 */
char *
resp_render(const struct reply *r, size_t *len)
{
	struct buf	 b = { NULL, 0, 0, 0 }, counts = { NULL, 0, 0, 0 };
	json_object	*o = NULL;
	const char	*body = NULL;
	char		*rendered = NULL;
	size_t		 blen = 0;

	if (r->kind == REPLY_TEXT) {
		if ((body = r->text) == NULL)
			goto out;
		blen = strlen(body);
	} else if (r->kind == REPLY_BYTES) {
		if (r->bytes == NULL)
			goto out;
		blen = r->nbytes;
	} else if (r->kind == REPLY_COUNTS) {
		buf_reserve(&counts, RESP_COUNTS_SIZE);
		resp_counts(&counts, r);
		if (counts.fail)
			goto out;
		body = counts.p;
		blen = counts.len;
	} else if (r->kind != REPLY_EMPTY) {
		/* The text is json-c's, freed with the object. */
		if ((o = resp_body(r)) == NULL || (body =
		    json_object_to_json_string_length(o, RESP_JSON_FLAGS,
		    &blen)) == NULL)
			goto out;
	}
	/* Allocated once: the headers take less than RESP_HEAD_SIZE. */
	buf_reserve(&b, RESP_HEAD_SIZE + blen);
	buf_printf(&b, "Status: %d %s\r\n", r->status,
	    resp_status_text(r->status));
	if (r->kind == REPLY_TEXT || r->kind == REPLY_BYTES) {
		buf_printf(&b, "Content-Type: %s\r\n", r->content_type);
		buf_printf(&b, "Content-Length: %zu\r\n", blen);
	} else if (body != NULL) {
		/* The JSON body ends in a newline, for curl users. */
		buf_printf(&b, "Content-Type: application/json\r\n");
		buf_printf(&b, "Content-Length: %zu\r\n", blen + 1);
	}
	if (r->cache != NULL)
		buf_printf(&b, "Cache-Control: %s\r\n", r->cache);
	else if (r->no_store)
		buf_printf(&b, "Cache-Control: no-store\r\n");
	if (r->expires0)
		buf_printf(&b, "Expires: 0\r\n");
	if (r->www_auth != NULL)
		buf_printf(&b, "WWW-Authenticate: %s\r\n", r->www_auth);
	if (r->filename != NULL)
		buf_printf(&b, "Content-Disposition: attachment; "
		    "filename=\"%s\"\r\n", r->filename);
	buf_printf(&b, "X-Content-Type-Options: nosniff\r\n");
	if (r->allow != NULL)
		buf_printf(&b, "Allow: %s\r\n", r->allow);
	if (r->vary_origin)
		buf_printf(&b, "Vary: Origin\r\n");
	if (r->origin != NULL) {
		buf_printf(&b, "Access-Control-Allow-Origin: %s\r\n",
		    r->origin);
		if (r->preflight) {
			/* The route's own methods, as in Allow. */
			buf_printf(&b, "Access-Control-Allow-Methods: %s\r\n",
			    r->allow != NULL ? r->allow : "GET, HEAD, OPTIONS");
			buf_printf(&b, "Access-Control-Allow-Headers: %s\r\n",
			    r->allow_headers != NULL ? r->allow_headers :
			    "Content-Type");
			buf_printf(&b, "Access-Control-Max-Age: "
			    RESP_MAX_AGE "\r\n");
		}
	}
	buf_printf(&b, "\r\n");
	if (r->kind == REPLY_BYTES && !r->head)
		buf_put(&b, r->bytes, r->nbytes);
	else if (body != NULL && !r->head) {
		buf_put(&b, body, blen);
		if (r->kind != REPLY_TEXT)
			buf_put(&b, "\n", 1);
	}
	if (b.fail) {
		free(b.p);
		goto out;
	}
	*len = b.len;
	rendered = b.p;
out:
	free(counts.p);
	json_object_put(o);
	return rendered;
}

/* A JSON text with a final newline (for curl users), or NULL. */
static char *
resp_json_text(json_object *o)
{
	const char	*t;
	char		*s = NULL;
	size_t		 n;

	if (o == NULL)
		return NULL;
	t = json_object_to_json_string_ext(o, RESP_JSON_FLAGS);
	if (t != NULL && (s = malloc((n = strlen(t)) + 2)) != NULL) {
		memcpy(s, t, n);
		s[n] = '\n';
		s[n + 1] = '\0';
	}
	json_object_put(o);
	return s;
}

/* Seconds since the epoch as "2026-11-22T10:00:00Z"; null if negative. */
static json_object *
resp_time(long long t)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	char		 s[32];

	if (t < 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return NULL;
	return json_object_new_string(s);
}

static json_object *
resp_counter_object(const struct counter_info *c)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	resp_add(o, "name", json_object_new_string(c->name));
	resp_add(o, "total_visits", json_object_new_int64(c->visits));
	resp_add(o, "unique_visitors", json_object_new_int64(c->uniques));
	resp_add(o, "bots", json_object_new_int64(c->bots));
	resp_add(o, "created", resp_time(c->created));
	return o;
}

/*
 * {"counters":[...]} with the objects of c[0..n), or NULL; *ap, unless
 * ap is NULL, is its array, to add to the objects.
 */
static json_object *
resp_counter_list(const struct counter_info *c, size_t n, json_object **ap)
{
	json_object	*o, *a, *co;
	size_t		 i;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if ((a = json_object_new_array()) == NULL) {
		json_object_put(o);
		return NULL;
	}
	resp_add(o, "counters", a);
	for (i = 0; i < n; i++) {
		if ((co = resp_counter_object(&c[i])) == NULL) {
			json_object_put(o);
			return NULL;
		}
		json_object_array_add(a, co);
	}
	if (ap != NULL)
		*ap = a;
	return o;
}

/*
 * The admin API's counters: {"counters":[...]} for a list, else the one
 * counter's object.  Returns a malloc'd JSON text, or NULL.
 */
char *
resp_counters_json(const struct counter_info *c, size_t n, int list)
{
	if (!list)
		return n == 1 ? resp_json_text(resp_counter_object(c)) : NULL;
	return resp_json_text(resp_counter_list(c, n, NULL));
}

/* One day of a counter: {"date":...,"visits":...,...}, or NULL. */
static json_object *
resp_day_object(const char *date, long long visits, long long uniques,
    long long bots)
{
	json_object	*day;

	if ((day = json_object_new_object()) == NULL)
		return NULL;
	resp_add(day, "date", json_object_new_string(date));
	resp_add(day, "visits", json_object_new_int64(visits));
	resp_add(day, "unique_visitors", json_object_new_int64(uniques));
	resp_add(day, "bots", json_object_new_int64(bots));
	return day;
}

/*
 * Add row r (a page's totals or one of its days) to pages, an array of
 * {"path":...,"total_visits":...,"unique_visitors":...,"days":[...]},
 * starting a page object when r's path is not the last one's.  Returns
 * 0, or -1 when out of memory.
 */
static int
resp_export_page(json_object *pages, const struct history_row *r)
{
	json_object	*pg, *days, *day, *path;
	size_t		 n;

	n = json_object_array_length(pages);
	pg = n > 0 ? json_object_array_get_idx(pages, n - 1) : NULL;
	if (pg == NULL || !json_object_object_get_ex(pg, "path", &path) ||
	    strcmp(json_object_get_string(path), r->page) != 0) {
		if ((pg = json_object_new_object()) == NULL ||
		    (days = json_object_new_array()) == NULL) {
			json_object_put(pg);
			return -1;
		}
		resp_add(pg, "path", json_object_new_string(r->page));
		resp_add(pg, "total_visits", json_object_new_int64(0));
		resp_add(pg, "unique_visitors", json_object_new_int64(0));
		resp_add(pg, "days", days);
		json_object_array_add(pages, pg);
	}
	if (r->date[0] == '\0') {
		resp_add(pg, "total_visits", json_object_new_int64(r->visits));
		resp_add(pg, "unique_visitors",
		    json_object_new_int64(r->uniques));
		return 0;
	}
	if ((day = resp_day_object(r->date, r->visits, r->uniques, 0)) ==
	    NULL)
		return -1;
	json_object_object_del(day, "bots");	/* pages count none */
	json_object_object_get_ex(pg, "days", &days);
	json_object_array_add(days, day);
	return 0;
}

/*
 * footfall --export json: every counter c[0..nc) as the admin API lists
 * it, each with "days" and "pages", its rows of r[0..nr) (by counter,
 * page and day, as db_export_days gives them):
 * {"counters":[{"name":...,"days":[{"date":...,"visits":...,
 * "unique_visitors":...,"bots":...}],"pages":[{"path":...,
 * "total_visits":...,"unique_visitors":...,"days":[{"date":...,
 * "visits":...,"unique_visitors":...}]}]}]}.  Returns a malloc'd JSON
 * text, or NULL.
 */
char *
resp_export_json(const struct counter_info *c, size_t nc,
    const struct history_row *r, size_t nr)
{
	json_object	*o, *a, *ci, *days, *pages, *day;
	size_t		 i, j = 0;

	if ((o = resp_counter_list(c, nc, &a)) == NULL)
		return NULL;
	for (i = 0; i < nc; i++) {
		ci = json_object_array_get_idx(a, i);
		if ((days = json_object_new_array()) == NULL)
			goto fail;
		resp_add(ci, "days", days);
		if ((pages = json_object_new_array()) == NULL)
			goto fail;
		resp_add(ci, "pages", pages);
		/* Both lists are in the same order (COLLATE "C"). */
		while (j < nr && strcmp(r[j].name, c[i].name) < 0)
			j++;
		for (; j < nr && strcmp(r[j].name, c[i].name) == 0; j++) {
			if (r[j].page != NULL) {
				if (resp_export_page(pages, &r[j]) == -1)
					goto fail;
				continue;
			}
			if ((day = resp_day_object(r[j].date, r[j].visits,
			    r[j].uniques, r[j].bots)) == NULL)
				goto fail;
			json_object_array_add(days, day);
		}
	}
	return resp_json_text(o);
fail:
	json_object_put(o);
	return NULL;
}

/*
 * POST /admin/import's answer: {"imported":N,"visits":V,
 * "unique_visitors":U,"page_days":P} (N and the sums the counters'
 * days, P the pages'), or for a file refused {"error":why,"lines":
 * [{"line":N,"error":"..."}],"bad_lines":count}, the lines those of
 * im->err ("line N: why\n" each, the first HISTORY_REPORT).  Returns a
 * malloc'd JSON text, or NULL.
 */
char *
resp_import_json(const struct import *im)
{
	json_object	*o, *a, *line;
	const char	*p, *nl, *colon;
	char		*end;
	unsigned long	 n;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (im->status == IMPORT_OK) {
		resp_add(o, "imported",
		    json_object_new_int64((long long)(im->n - im->page_days)));
		resp_add(o, "visits", json_object_new_int64(im->visits));
		resp_add(o, "unique_visitors",
		    json_object_new_int64(im->uniques));
		resp_add(o, "page_days",
		    json_object_new_int64((long long)im->page_days));
		return resp_json_text(o);
	}
	resp_add(o, "error", json_object_new_string(
	    im->status == IMPORT_CONFLICT ? "these days already hold numbers: "
	    "nothing imported" : "bad lines: nothing imported"));
	if ((a = json_object_new_array()) == NULL) {
		json_object_put(o);
		return NULL;
	}
	resp_add(o, "lines", a);
	/* history_report's own lines, so their shape is known. */
	for (p = im->err.text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if (strncmp(p, "line ", 5) != 0 ||
		    (n = strtoul(p + 5, &end, 10)) == 0 ||
		    (colon = end) >= nl || strncmp(colon, ": ", 2) != 0 ||
		    (line = json_object_new_object()) == NULL)
			continue;
		resp_add(line, "line", json_object_new_int64((long long)n));
		resp_add(line, "error",
		    json_object_new_string_len(colon + 2,
		    (int)(nl - colon - 2)));
		json_object_array_add(a, line);
	}
	resp_add(o, "bad_lines",
	    json_object_new_int64((long long)im->err.count));
	return resp_json_text(o);
}

/*
 * GET /stats/{name}: the counter's all-time numbers c and its last n
 * days d[0..n-1], oldest first (README "Statistics").  Returns a
 * malloc'd JSON text, or NULL.
 */
char *
resp_stats_json(const char *name, const struct counts *c,
    const struct day_stat *d, size_t n, const struct page_item *pages,
    size_t npages)
{
	json_object	*o, *a, *day, *per, *pa, *p;
	long long	 v = 0, u = 0, b = 0;
	size_t		 i;

	if (n == 0 || (o = json_object_new_object()) == NULL)
		return NULL;
	resp_add(o, "counter", json_object_new_string(name));
	resp_add(o, "days", json_object_new_int64((long long)n));
	resp_add(o, "from", json_object_new_string(d[0].date));
	resp_add(o, "to", json_object_new_string(d[n - 1].date));
	resp_add(o, "total_visits", json_object_new_int64(c->total));
	resp_add(o, "unique_visitors", json_object_new_int64(c->uniques));
	resp_add(o, "bots", json_object_new_int64(c->bots));
	if ((a = json_object_new_array()) == NULL ||
	    (per = json_object_new_object()) == NULL) {
		json_object_put(a);
		json_object_put(o);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if ((day = resp_day_object(d[i].date, d[i].visits,
		    d[i].uniques, d[i].bots)) == NULL)
			continue;
		json_object_array_add(a, day);
		v += d[i].visits;
		u += d[i].uniques;
		b += d[i].bots;
	}
	resp_add(per, "visits", json_object_new_int64(v));
	resp_add(per, "unique_visitors", json_object_new_int64(u));
	resp_add(per, "bots", json_object_new_int64(b));
	resp_add(o, "period", per);
	resp_add(o, "daily", a);
	/* All time, as total_visits: pages keep no days. */
	if ((pa = json_object_new_array()) != NULL) {
		for (i = 0; i < npages; i++) {
			if ((p = json_object_new_object()) == NULL)
				continue;
			resp_add(p, "path",
			    json_object_new_string(pages[i].path));
			resp_add(p, "visits",
			    json_object_new_int64(pages[i].visits));
			resp_add(p, "unique_visitors",
			    json_object_new_int64(pages[i].uniques));
			json_object_array_add(pa, p);
		}
		resp_add(o, "pages", pa);
	}
	return resp_json_text(o);
}

/*
 * GET /admin/top/{name}: the top lists t[0..2] (paths, referrers,
 * browsers) of n[0..2] lines.  Returns a malloc'd JSON text, or NULL.
 */
char *
resp_top_json(const char *name, unsigned int days,
    struct top_item *const t[3], const size_t n[3])
{
	static const char *const lists[3] = { "paths", "referrers",
	    "browsers" };
	static const char *const keys[3] = { "path", "host", "browser" };
	json_object	*o, *a, *e;
	size_t		 i, j;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	resp_add(o, "counter", json_object_new_string(name));
	resp_add(o, "days", json_object_new_int64(days));
	for (i = 0; i < 3; i++) {
		if ((a = json_object_new_array()) == NULL)
			continue;
		for (j = 0; j < n[i]; j++) {
			if ((e = json_object_new_object()) == NULL)
				continue;
			resp_add(e, keys[i],
			    json_object_new_string(t[i][j].value));
			resp_add(e, "visits",
			    json_object_new_int64(t[i][j].visits));
			json_object_array_add(a, e);
		}
		resp_add(o, lists[i], a);
	}
	return resp_json_text(o);
}

/* Free what a reply owns; the reply may be rendered no more. */
void
resp_clear(struct reply *r)
{
	free(r->text);
	r->text = NULL;
}
