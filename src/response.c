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

#include <json-c/json.h>

#include "footfall.h"

/*
 * Browsers cap a preflight's lifetime (Chromium at two hours), so a
 * longer Max-Age would only be ignored.
 */
#define RESP_MAX_AGE	"7200"

struct buf {
	char	*p;
	size_t	 len, cap;
	int	 fail;
};

/* The attribute lets the compiler check each call's arguments. */
static void	buf_printf(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 need;
	char	*np;
	int	 n;

	if (b->fail)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->fail = 1;
		return;
	}
	need = b->len + (size_t)n + 1;
	if (need > b->cap) {
		if ((np = realloc(b->p, need * 2)) == NULL) {
			b->fail = 1;
			return;
		}
		b->p = np;
		b->cap = need * 2;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *
resp_status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "Unknown";
	}
}

/*
 * Render the JSON body of r.  Returns a string the caller frees, or NULL
 * if out of memory.  json-c escapes every string it is given, so the
 * output is valid JSON whatever bytes an error text held.
 */
static char *
resp_body(const struct reply *r)
{
	json_object	*o;
	char		*s = NULL;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	switch (r->kind) {
	case REPLY_COUNTS:
		/*
		 * "count" and "total_visits" are the same number: the
		 * Lambda-era front ends read one or the other.
		 */
		json_object_object_add(o, "count",
		    json_object_new_int64(r->counts.total));
		json_object_object_add(o, "total_visits",
		    json_object_new_int64(r->counts.total));
		json_object_object_add(o, "unique_visitors",
		    json_object_new_int64(r->counts.uniques));
		if (r->counts.is_new >= 0)
			json_object_object_add(o, "is_new_visitor",
			    json_object_new_boolean(r->counts.is_new));
		/*
		 * A visitor who asked not to be tracked is told so, and
		 * whether the visit still counted (README "Privacy"); any
		 * other answer stays exactly the Lambda versions' object.
		 */
		if (r->counts.tracked == 0)
			json_object_object_add(o, "tracked",
			    json_object_new_boolean(0));
		if (r->counts.counted == 0)
			json_object_object_add(o, "counted",
			    json_object_new_boolean(0));
		break;
	case REPLY_HEALTH:
		json_object_object_add(o, "status",
		    json_object_new_string("ok"));
		break;
	case REPLY_ERROR:
		json_object_object_add(o, "error",
		    json_object_new_string(r->error == NULL ? "error" :
		    r->error));
		break;
	default:
		json_object_put(o);
		return NULL;
	}
	s = strdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

/*
 * Render r as a complete CGI response.  Returns a buffer of *len bytes
 * that the caller frees, or NULL if out of memory.
 */
char *
resp_render(const struct reply *r, size_t *len)
{
	struct buf	 b = { NULL, 0, 0, 0 };
	char		*body = NULL;
	size_t		 blen = 0;

	if (r->kind == REPLY_TEXT) {
		if (r->text == NULL || (body = strdup(r->text)) == NULL)
			return NULL;
		blen = strlen(body);
	} else if (r->kind != REPLY_EMPTY) {
		if ((body = resp_body(r)) == NULL)
			return NULL;
		blen = strlen(body);
	}
	buf_printf(&b, "Status: %d %s\r\n", r->status,
	    resp_status_text(r->status));
	if (r->kind == REPLY_TEXT) {
		buf_printf(&b, "Content-Type: %s\r\n", r->content_type);
		buf_printf(&b, "Content-Length: %zu\r\n", blen);
	} else if (body != NULL) {
		/* The JSON body ends in a newline, for curl users. */
		buf_printf(&b, "Content-Type: application/json\r\n");
		buf_printf(&b, "Content-Length: %zu\r\n", blen + 1);
	}
	if (r->no_store)
		buf_printf(&b, "Cache-Control: no-store\r\n");
	buf_printf(&b, "X-Content-Type-Options: nosniff\r\n");
	if (r->allow != NULL)
		buf_printf(&b, "Allow: %s\r\n", r->allow);
	if (r->vary_origin)
		buf_printf(&b, "Vary: Origin\r\n");
	if (r->origin != NULL) {
		buf_printf(&b, "Access-Control-Allow-Origin: %s\r\n",
		    r->origin);
		if (r->preflight) {
			buf_printf(&b, "Access-Control-Allow-Methods: "
			    "GET, POST, OPTIONS\r\n");
			buf_printf(&b, "Access-Control-Allow-Headers: "
			    "Content-Type\r\n");
			buf_printf(&b, "Access-Control-Max-Age: "
			    RESP_MAX_AGE "\r\n");
		}
	}
	buf_printf(&b, "\r\n");
	if (body != NULL && !r->head)
		buf_printf(&b, r->kind == REPLY_TEXT ? "%s" : "%s\n", body);
	free(body);
	if (b.fail) {
		free(b.p);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

/* Free what a reply owns; the reply may be rendered no more. */
void
resp_clear(struct reply *r)
{
	free(r->text);
	r->text = NULL;
}
