/*
 * The CORS decision.  A browser sends one Origin header holding a
 * serialised origin (the Fetch standard, "CORS protocol"; RFC 6454
 * section 6.1): scheme "://" host [":" port], lower case, no path.  We
 * echo an origin only if it is byte-for-byte one of the configured ones;
 * "null" (sandboxed frames, file: pages, redirects) and "*" are never
 * allowed, because any page can produce them.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "footfall.h"

static int
cors_host_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.';
}

static int
cors_v6_char(int c)
{
	return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9') ||
	    c == ':' || c == '.';
}

/*
 * Is s a well-formed serialised http(s) origin?  Browsers serialise hosts
 * in lower case and omit a default port, so anything else (upper case, a
 * trailing slash, a path, userinfo, port 0 or a leading zero) cannot come
 * from a browser and cannot match.  Returns 1 or 0.  Pure.
 */
int
cors_origin_valid(const char *s)
{
	const char	*p, *host;
	size_t		 n, len;
	unsigned long	 port;

	if (s == NULL || (len = strlen(s)) == 0 || len > ORIGIN_MAX)
		return 0;
	if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return 0;

	p = host;
	if (*p == '[') {
		for (p++, n = 0; cors_v6_char((unsigned char)*p); p++, n++)
			continue;
		if (n < 2 || *p != ']')
			return 0;
		p++;
	} else {
		for (n = 0; cors_host_char((unsigned char)*p); p++, n++)
			continue;
		/* Empty labels ("a..b", ".a", "a.") are not hosts. */
		if (n == 0 || host[0] == '.' || host[0] == '-' ||
		    p[-1] == '.' || memmem(host, n, "..", 2) != NULL)
			return 0;
	}
	if (*p == '\0')
		return 1;
	if (*p++ != ':' || *p == '0' || *p == '\0')
		return 0;
	for (port = 0, n = 0; isdigit((unsigned char)*p); p++, n++) {
		port = port * 10 + (unsigned long)(*p - '0');
		if (n >= 5 || port > 65535)
			return 0;
	}
	return *p == '\0' && port > 0;
}

/*
 * Decide on the Origin header: value is the first Origin seen and count
 * how many there were (nginx passes a repeated header more than once).
 * allowed holds nallowed validated origins.  Pure.
 */
enum cors
cors_decide(const char *value, size_t count, char *const *allowed,
    size_t nallowed)
{
	size_t	 i;

	if (count == 0)
		return CORS_NONE;
	if (count > 1 || !cors_origin_valid(value))
		return CORS_DENY;
	for (i = 0; i < nallowed; i++)
		if (strcmp(value, allowed[i]) == 0)
			return CORS_ALLOW;
	return CORS_DENY;
}
