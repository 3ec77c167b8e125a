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
	"healthz",	/* ROUTE_HEALTHZ */
	"metrics",	/* ROUTE_METRICS */
	"notfound",	/* ROUTE_NOTFOUND */
};

static const char *const route_paths[ROUTE__MAX] = {
	"/count",	/* ROUTE_COUNT */
	"/healthz",	/* ROUTE_HEALTHZ */
	"/metrics",	/* ROUTE_METRICS */
	NULL,		/* ROUTE_NOTFOUND */
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
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_HEALTHZ */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_METRICS */
	M(METHOD_GET) | M(METHOD_HEAD),		/* ROUTE_NOTFOUND */
};
#undef M

static const char *const route_allow[ROUTE__MAX] = {
	"GET, HEAD, POST, OPTIONS",	/* ROUTE_COUNT */
	"GET, HEAD",			/* ROUTE_HEALTHZ */
	"GET, HEAD",			/* ROUTE_METRICS */
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
 * Map a path to a route.  The path must begin with prefix (the location
 * footfall is mounted at, "" for the root); the rest must be exactly one
 * of the route paths.  No decoding is done: a percent-encoded route name
 * is not a route.  Pure.
 */
enum route
route_path(const char *path, const char *prefix)
{
	size_t	 plen;
	int	 i;

	if (path == NULL)
		return ROUTE_NOTFOUND;
	plen = prefix == NULL ? 0 : strlen(prefix);
	if (plen > 0 && prefix[plen - 1] == '/')
		plen--;
	if (strncmp(path, prefix == NULL ? "" : prefix, plen) != 0)
		return ROUTE_NOTFOUND;
	path += plen;
	for (i = 0; i < ROUTE_NOTFOUND; i++)
		if (strcmp(path, route_paths[i]) == 0)
			return (enum route)i;
	return ROUTE_NOTFOUND;
}

/*
 * Does the query string (RFC 3875 section 4.1.7, "a=b&c") hold the key
 * name, with or without a value?  Pure.
 */
int
route_query_has(const char *query, const char *name)
{
	const char	*p, *end;
	size_t		 n, klen;

	if (query == NULL || name == NULL)
		return 0;
	n = strlen(name);
	for (p = query; *p != '\0'; p = *end == '\0' ? end : end + 1) {
		end = p + strcspn(p, "&;");
		klen = strcspn(p, "=&;");
		if (klen == n && strncmp(p, name, n) == 0)
			return 1;
	}
	return 0;
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
