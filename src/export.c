/*
 * An export of every counter's days and pages, the one path for footfall
 * --export and GET /admin/export.csv and .json (footfall(8), IMPORT AND
 * EXPORT): CSV in the format an import reads, or JSON with the totals.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "footfall.h"

/*
 * Read what ex (a struct export, ex->json set) needs from the database;
 * a batch_fn, so that a request thread can have a database thread run
 * it.  export_free frees what it read, whatever it returns.  The
 * statements may take HISTORY_TIMEOUT_MS, however short db_timeout is.
 */
enum db_status
export_read(struct db *db, void *arg)
{
	struct export	*ex = arg;
	unsigned int	 ms;
	enum db_status	 st;

	ms = db_timeout_raise(db, HISTORY_TIMEOUT_MS);
	if ((st = db_export_days(db, &ex->rows, &ex->n)) == DB_OK &&
	    ex->json)
		st = db_list_counters(db, &ex->c, &ex->nc);
	db_timeout_set(db, ms);
	return st;
}

/*
 * Render what export_read read into ex->out (NUL-terminated) and its
 * length into ex->len.  Returns 0, or -1 when out of memory.
 */
int
export_render(struct export *ex)
{
	if (ex->json) {
		if ((ex->out = resp_export_json(ex->c, ex->nc, ex->rows,
		    ex->n)) != NULL)
			ex->len = strlen(ex->out);
	} else
		ex->out = history_csv(ex->rows, ex->n, &ex->len);
	return ex->out == NULL ? -1 : 0;
}

void
export_free(struct export *ex)
{
	free(ex->out);
	free(ex->c);
	history_free(ex->rows, ex->n);
	ex->out = NULL;
	ex->c = NULL;
	ex->rows = NULL;
	ex->n = 0;
}
