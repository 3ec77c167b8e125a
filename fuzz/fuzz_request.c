/*
 * req_parse and resp_render: a whole request's parameters, as libfcgi
 * hands them over (NAME=VALUE strings; the input's NUL bytes separate
 * them), to the response footfall would render for it.  Whatever the
 * bytes, the response must be JSON that parses, and an Origin echoed
 * back must be one of the allowed origins.
 */
#include "config.h"

#include <json-c/json.h>

#include "footfall.h"
#include "fuzz.h"

#define FUZZ_PARAMS	64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 o1[] = "https://a.example", o2[] = "http://b.example:8080";
	struct conf	 conf;
	struct request	 req;
	struct reply	 r;
	json_object	*j;
	char		*s, *envp[FUZZ_PARAMS + 1], *out, *body;
	size_t		 n = 0, off = 0, len;

	s = fuzz_str(data, size);
	while (off <= size && n < FUZZ_PARAMS) {
		envp[n++] = s + off;
		off += strlen(s + off) + 1;
	}
	envp[n] = NULL;

	memset(&conf, 0, sizeof(conf));
	conf.prefix = (char *)(size % 2 ? "/api" : "");
	conf.origins[0] = o1;
	conf.origins[1] = o2;
	conf.norigins = 2;
	req_parse(envp, &conf, &req);
	FUZZ_CHECK(req.method >= 0 && req.method < METHOD__MAX);
	FUZZ_CHECK(req.route >= 0 && req.route < ROUTE__MAX);
	FUZZ_CHECK(req.cors >= 0 && req.cors < CORS__MAX);
	if (req.cors == CORS_ALLOW)
		FUZZ_CHECK(strcmp(req.origin, o1) == 0 ||
		    strcmp(req.origin, o2) == 0);
	/* The query's typed fields hold valid values, whatever it said. */
	FUZZ_CHECK((req.bad & ~req.keys) == 0);
	FUZZ_CHECK(req.days >= 1 && req.days <= 366);
	FUZZ_CHECK(badge_label_valid(req.label));
	FUZZ_CHECK(req.visits >= 0 && req.visits <= REQ_COUNT_MAX);
	FUZZ_CHECK(req.uniques >= 0 && req.uniques <= REQ_COUNT_MAX);

	/* The answer to it, with numbers, as handle.c would build it. */
	memset(&r, 0, sizeof(r));
	r.status = 200;
	r.kind = REPLY_COUNTS;
	r.counts.total = (long long)size * 1000003;
	r.counts.uniques = (long long)size;
	r.outcome = (enum outcome)(size % OUTCOME__MAX);
	r.origin = req.cors == CORS_ALLOW ? req.origin : NULL;
	r.vary_origin = 1;
	out = resp_render(&r, &len);
	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK((body = strstr(out, "\r\n\r\n")) != NULL);
	FUZZ_CHECK((j = json_tokener_parse(body + 4)) != NULL);
	json_object_put(j);
	free(out);
	resp_clear(&r);
	free(s);
	return 0;
}
