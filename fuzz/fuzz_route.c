/*
 * route_method and route_path: the method and path of a request.
 * Input: "method\nprefix\npath".
 */
#include "config.h"

#include "footfall.h"
#include "fuzz.h"

/* Is path exactly prefix (less one trailing slash) and then name? */
static int
fuzz_is(const char *prefix, const char *path, const char *name)
{
	size_t	 plen = strlen(prefix);

	if (plen > 0 && prefix[plen - 1] == '/')
		plen--;
	return strncmp(path, prefix, plen) == 0 &&
	    strcmp(path + plen, name) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s, *p, *f[3] = { NULL, NULL, NULL };
	enum method	 m;
	enum route	 r, meant;
	char		 name[COUNTER_MAX + 1], want[COUNTER_MAX + 8];
	size_t		 i;

	p = s = fuzz_str(data, size);
	for (i = 0; i < 3 && p != NULL; i++)
		f[i] = strsep(&p, "\n");
	m = route_method(f[0]);
	FUZZ_CHECK(m >= 0 && m < METHOD__MAX);
	FUZZ_CHECK(route_method_name(m) != NULL);
	if (f[2] != NULL) {
		r = route_path(f[2], f[1] != NULL ? f[1] : "", name, &meant);
		FUZZ_CHECK(r >= 0 && r < ROUTE__MAX);
		FUZZ_CHECK(route_name(r) != NULL);
		(void)route_allows(r, m);
		(void)route_allow_header(r);
		/* A name is valid, or empty for a route without one. */
		FUZZ_CHECK(name[0] == '\0' ||
		    route_counter_valid(name, strlen(name)));
		if (r == ROUTE_NOTFOUND || r == ROUTE_BADNAME)
			FUZZ_CHECK(name[0] == '\0');
		/* A bad name names a named route; else meant is the route. */
		FUZZ_CHECK(r == ROUTE_BADNAME ? meant < ROUTE_HEALTHZ :
		    meant == r);
		/* Only prefix + a documented path routes anywhere. */
		if (r == ROUTE_HEALTHZ || r == ROUTE_METRICS)
			FUZZ_CHECK(fuzz_is(f[1] != NULL ? f[1] : "", f[2],
			    r == ROUTE_HEALTHZ ? "/healthz" : "/metrics"));
		if (r == ROUTE_COUNT) {
			snprintf(want, sizeof(want), "/count/%s", name);
			FUZZ_CHECK(fuzz_is(f[1] != NULL ? f[1] : "", f[2],
			    want) || (strcmp(name, "default") == 0 &&
			    fuzz_is(f[1] != NULL ? f[1] : "", f[2], "/count")));
		}
	}
	free(s);
	return 0;
}
