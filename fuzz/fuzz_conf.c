/*
 * cfg_parse_line: every line of a footfall.conf.  Each input line is
 * parsed in turn into one configuration; whatever is accepted must stay
 * within the documented ranges, and a refused line must say why.
 */
#include "config.h"

#include "footfall.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	 c;
	const char	*errstr;
	char		*s, *p, *line;
	size_t		 i;

	p = s = fuzz_str(data, size);
	cfg_init(&c);
	while ((line = strsep(&p, "\n")) != NULL) {
		errstr = NULL;
		if (cfg_parse_line(&c, line, &errstr) == -1)
			FUZZ_CHECK(errstr != NULL && errstr[0] != '\0');
	}
	FUZZ_CHECK(c.window >= 60 && c.window <= 366 * 86400);
	FUZZ_CHECK(c.threads >= 1 && c.threads <= 256);
	FUZZ_CHECK(c.db_connections >= 1 && c.db_connections <= 64);
	FUZZ_CHECK(c.commit_delay_us <= 100000);
	FUZZ_CHECK(c.socket_mode <= 0777);
	FUZZ_CHECK(c.norigins <= CONF_ORIGINS_MAX);
	for (i = 0; i < c.norigins; i++)
		FUZZ_CHECK(cors_origin_valid(c.origins[i]));
	FUZZ_CHECK(c.database != NULL && c.key_file != NULL &&
	    c.key_file[0] == '/');
	FUZZ_CHECK(c.prefix != NULL);
	cfg_free(&c);
	free(s);
	return 0;
}
