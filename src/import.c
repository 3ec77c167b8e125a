/*
 * An import of days, the one path for footfall --import and POST
 * /admin/import (footfall(8), IMPORT AND EXPORT): the whole text is
 * parsed and checked first, then every row is stored in one
 * transaction, or nothing is.  The caller reads the text (a file, or a
 * request body) and tells the outcome its own way.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "footfall.h"

/*
 * Parse and check text[0..len) against today (UTC) into im, which
 * import_free frees.  Returns 0 with im->rows ready for import_store;
 * or -1 with im->status IMPORT_BAD and every bad line in im->err.
 */
int
import_parse(struct import *im, const char *text, size_t len)
{
	char		 today[11];
	time_t		 now;
	struct tm	 tm;

	memset(im, 0, sizeof(*im));
	now = time(NULL);
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(today, sizeof(today), "%Y-%m-%d", &tm) != 10) {
		history_report(&im->err, 1, "no clock");
		im->status = IMPORT_BAD;
		return -1;
	}
	if (history_parse(text, len, today, &im->rows, &im->n,
	    &im->err) == -1) {
		im->status = IMPORT_BAD;
		return -1;
	}
	return 0;
}

/*
 * Store the rows import_parse left in arg (a struct import), in one
 * transaction; a batch_fn, so that a request thread can have a
 * database thread run it.  Returns DB_OK with im->status IMPORT_OK and
 * the sums, or IMPORT_CONFLICT with the days that already hold numbers
 * in im->err (nothing stored); another status if the database failed
 * (nothing stored).  The statement may take HISTORY_TIMEOUT_MS, however
 * short db_timeout is.
 */
enum db_status
import_store(struct db *db, void *arg)
{
	struct import		*im = arg;
	const struct history_row *r;
	size_t			*conf = NULL, nconf = 0, i;
	char			 why[COUNTER_MAX + REQ_LOG_PATH_MAX + 64];
	unsigned int		 ms;
	enum db_status		 st = DB_OK;

	im->visits = im->uniques = 0;
	im->page_days = 0;
	ms = db_timeout_raise(db, HISTORY_TIMEOUT_MS);
	if (im->n > 0)
		st = db_import_days(db, im->rows, im->n, &conf, &nconf);
	db_timeout_set(db, ms);
	if (st != DB_OK)
		goto out;
	if (nconf > 0) {
		im->status = IMPORT_CONFLICT;
		for (i = 0; i < nconf; i++) {
			r = &im->rows[conf[i]];
			if (r->page == NULL)
				snprintf(why, sizeof(why), "counter %s on %s",
				    r->name, r->date);
			else
				snprintf(why, sizeof(why), "page %s of counter "
				    "%s on %s", r->page, r->name, r->date);
			history_report(&im->err, im->rows[conf[i]].line, why);
		}
		goto out;
	}
	/* A page's visits are its counter's too: told apart, not added. */
	for (i = 0; i < im->n; i++) {
		if (im->rows[i].page != NULL) {
			im->page_days++;
			continue;
		}
		im->visits += im->rows[i].visits;
		im->uniques += im->rows[i].uniques;
	}
	im->status = IMPORT_OK;
out:
	free(conf);
	return st;
}

void
import_free(struct import *im)
{
	history_free(im->rows, im->n);
	im->rows = NULL;
	im->n = 0;
}
