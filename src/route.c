/*
 * Routing: the request method and path to a route, and which methods a
 * route allows.  Methods are case-sensitive tokens (RFC 9110 section
 * 9.1), so "get" is an unknown method, not GET.
 */
#include "config.h"

#include <string.h>

#include "footfall.h"

static const char *const route_names[ROUTE__MAX] = {
	"count",	/* ROUTE_COUNT */
	"stats",	/* ROUTE_STATS */
	"badge",	/* ROUTE_BADGE */
	"pixel",	/* ROUTE_PIXEL */
	"admin_list",	/* ROUTE_ADMIN_LIST */
	"admin_counter", /* ROUTE_ADMIN_COUNTER */
	"admin_csv",	/* ROUTE_ADMIN_CSV */
	"admin_top",	/* ROUTE_ADMIN_TOP */
	"admin_export_csv", /* ROUTE_ADMIN_EXPORT_CSV */
	"admin_export_json", /* ROUTE_ADMIN_EXPORT_JSON */
	"admin_import",	/* ROUTE_ADMIN_IMPORT */
	"healthz",	/* ROUTE_HEALTHZ */
	"metrics",	/* ROUTE_METRICS */
	"badname",	/* ROUTE_BADNAME */
	"notfound",	/* ROUTE_NOTFOUND */
};

/*
 * Each route's path: exactly this, or (if it has a name) this, a slash,
 * the counter's name and the suffix.  A route whose name is optional
 * (/count) answers for the default counter without one.
 */
struct route_path {
	const char	*path;
	int		 named;		/* 0 none, 1 required, 2 optional */
	const char	*suffix;
};

static const struct route_path route_paths[ROUTE__MAX] = {
	{ "/count", 2, "" },		/* ROUTE_COUNT */
	{ "/stats", 1, "" },		/* ROUTE_STATS */
	{ "/badge", 1, ".svg" },	/* ROUTE_BADGE */
	/*
	 * Not /count/{name}.gif: a name may hold ".gif" (the dot is in
	 * the set), and /count/blog.gif already counts for "blog.gif".
	 */
	{ "/pixel", 1, ".gif" },	/* ROUTE_PIXEL */
	{ "/admin/counters", 0, "" },	/* ROUTE_ADMIN_LIST */
	{ "/admin/counters", 1, "" },	/* ROUTE_ADMIN_COUNTER */
	{ "/admin/stats", 1, ".csv" },	/* ROUTE_ADMIN_CSV */
	{ "/admin/top", 1, "" },	/* ROUTE_ADMIN_TOP */
	{ "/admin/export.csv", 0, "" },	/* ROUTE_ADMIN_EXPORT_CSV */
	{ "/admin/export.json", 0, "" }, /* ROUTE_ADMIN_EXPORT_JSON */
	{ "/admin/import", 0, "" },	/* ROUTE_ADMIN_IMPORT */
	{ "/healthz", 0, "" },		/* ROUTE_HEALTHZ */
	{ "/metrics", 0, "" },		/* ROUTE_METRICS */
	{ NULL, 0, NULL },		/* ROUTE_BADNAME */
	{ NULL, 0, NULL },		/* ROUTE_NOTFOUND */
};

static const char *const method_names[METHOD__MAX] = {
	"GET",		/* METHOD_GET */
	"HEAD",		/* METHOD_HEAD */
	"POST",		/* METHOD_POST */
	"OPTIONS",	/* METHOD_OPTIONS */
	"OTHER",	/* METHOD_OTHER */
};

/* Bit i set: method i is allowed on the route. */
#define M(m)	(1u << (m))
static const unsigned int route_methods[ROUTE__MAX] = {
	M(METHOD_GET) | M(METHOD_HEAD) | M(METHOD_POST) |
	    M(METHOD_OPTIONS),			/* ROUTE_COUNT */
	M(METHOD_GET) | M(METHOD_HEAD) | M(METHOD_OPTIONS), /* ROUTE_STATS */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_BADGE */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_PIXEL */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_ADMIN_LIST */
	M(METHOD_GET) | M(METHOD_HEAD) | M(METHOD_POST), /* ROUTE_ADMIN_COUNTER */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_ADMIN_CSV */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_ADMIN_TOP */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_ADMIN_EXPORT_CSV */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_ADMIN_EXPORT_JSON */
	M(METHOD_POST),				/* ROUTE_ADMIN_IMPORT */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_HEALTHZ */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_METRICS */
	M(METHOD_GET) | M(METHOD_HEAD) | M(METHOD_POST) |
	    M(METHOD_OPTIONS),			/* ROUTE_BADNAME */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_NOTFOUND */
};
#undef M

static const char *const route_allow[ROUTE__MAX] = {
	"GET, HEAD, POST, OPTIONS",	/* ROUTE_COUNT */
	"GET, HEAD, OPTIONS",		/* ROUTE_STATS */
	"GET, HEAD",			/* ROUTE_BADGE */
	"GET, HEAD",			/* ROUTE_PIXEL */
	"GET, HEAD",			/* ROUTE_ADMIN_LIST */
	"GET, HEAD, POST",		/* ROUTE_ADMIN_COUNTER */
	"GET, HEAD",			/* ROUTE_ADMIN_CSV */
	"GET, HEAD",			/* ROUTE_ADMIN_TOP */
	"GET, HEAD",			/* ROUTE_ADMIN_EXPORT_CSV */
	"GET, HEAD",			/* ROUTE_ADMIN_EXPORT_JSON */
	"POST",				/* ROUTE_ADMIN_IMPORT */
	"GET, HEAD",			/* ROUTE_HEALTHZ */
	"GET, HEAD",			/* ROUTE_METRICS */
	"GET, HEAD, POST, OPTIONS",	/* ROUTE_BADNAME */
	"GET, HEAD",			/* ROUTE_NOTFOUND */
};

enum method
route_method(const char *s)
{
	int	 i;

	if (s == NULL)
		return METHOD_OTHER;
	for (i = 0; i < METHOD_OTHER; i++)
		if (strcmp(s, method_names[i]) == 0)
			return (enum method)i;
	return METHOD_OTHER;
}

/*
 * Is name[0..len-1] a counter's name: 1 to COUNTER_MAX bytes of ASCII
 * letters, digits, '.', '_' and '-', the first a letter or digit (so
 * that no name is "." or "..", or looks like an option)?  sql/005
 * checks the same.  Pure.
 */
int
route_counter_valid(const char *name, size_t len)
{
	size_t	 i;
	char	 c;

	if (name == NULL || len == 0 || len > COUNTER_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		c = name[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '.' || c == '_' || c == '-'))
			continue;
		return 0;
	}
	return 1;
}

int
route_is_admin(enum route r)
{
	return r == ROUTE_ADMIN_LIST || r == ROUTE_ADMIN_COUNTER ||
	    r == ROUTE_ADMIN_CSV || r == ROUTE_ADMIN_TOP ||
	    r == ROUTE_ADMIN_EXPORT_CSV || r == ROUTE_ADMIN_EXPORT_JSON ||
	    r == ROUTE_ADMIN_IMPORT;
}

/*
 * Map a path to a route, and the counter's name it holds into name
 * (COUNTER_DEFAULT for /count alone; "" for a route without one).  The
 * path must begin with prefix (the location footfall is mounted at, ""
 * for the root); the rest must be one of the route paths.  A path that
 * is a named route's but whose name is not valid (empty, too long, a
 * character outside the set, or a further slash) is ROUTE_BADNAME: the
 * client meant a counter and gets told its name is wrong; *meant (if
 * not NULL) is then that route, so that a badge can answer with an
 * image; otherwise it is the route returned.  No decoding is done: a
 * percent-encoded route or name is not one.  Pure.
 */
enum route
route_path(const char *path, const char *prefix, char name[COUNTER_MAX + 1],
    enum route *meant)
{
	const struct route_path	*rp;
	const char		*rest;
	size_t			 plen, n, slen;
	int			 i;

	name[0] = '\0';
	if (meant != NULL)
		*meant = ROUTE_NOTFOUND;
	if (path == NULL)
		return ROUTE_NOTFOUND;
	plen = prefix == NULL ? 0 : strlen(prefix);
	if (plen > 0 && prefix[plen - 1] == '/')
		plen--;
	if (strncmp(path, prefix == NULL ? "" : prefix, plen) != 0)
		return ROUTE_NOTFOUND;
	path += plen;
	for (i = 0; i < ROUTE_BADNAME; i++) {
		rp = &route_paths[i];
		n = strlen(rp->path);
		if (strncmp(path, rp->path, n) != 0)
			continue;
		rest = path + n;
		if (*rest == '\0' && rp->named != 1) {
			if (rp->named == 2)
				memcpy(name, COUNTER_DEFAULT,
				    sizeof(COUNTER_DEFAULT));
			if (meant != NULL)
				*meant = (enum route)i;
			return (enum route)i;
		}
		if (*rest != '/' || rp->named == 0)
			continue;
		rest++;
		n = strlen(rest);
		slen = strlen(rp->suffix);
		if (n < slen || strcmp(rest + n - slen, rp->suffix) != 0 ||
		    !route_counter_valid(rest, n - slen)) {
			if (meant != NULL)
				*meant = (enum route)i;
			return ROUTE_BADNAME;
		}
		memcpy(name, rest, n - slen);
		name[n - slen] = '\0';
		if (meant != NULL)
			*meant = (enum route)i;
		return (enum route)i;
	}
	return ROUTE_NOTFOUND;
}

int
route_allows(enum route r, enum method m)
{
	return m != METHOD_OTHER && (route_methods[r] & (1u << m)) != 0;
}

const char *
route_allow_header(enum route r)
{
	return route_allow[r];
}

const char *
route_name(enum route r)
{
	return route_names[r];
}

const char *
route_method_name(enum method m)
{
	return method_names[m];
}
