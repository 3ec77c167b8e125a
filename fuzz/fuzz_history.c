/*
 * history_parse and history_csv: the CSV that footfall --import and POST
 * /admin/import read (quoted fields, pages).  Whatever the input, every
 * row accepted is one footfall may store, and what history_csv writes
 * of the rows history_parse reads back as the same rows.
 */
#include "config.h"

#include "footfall.h"
#include "fuzz.h"

#define FUZZ_TODAY	"2026-12-02"

/* A row as import_history may store it. */
static void
fuzz_row_check(const struct history_row *r)
{
	size_t	 i, n;

	FUZZ_CHECK(route_counter_valid(r->name, strlen(r->name)));
	FUZZ_CHECK(strlen(r->date) == 10 && strcmp(r->date, FUZZ_TODAY) < 0);
	FUZZ_CHECK(r->visits >= 0 && r->uniques >= 0 && r->bots >= 0 &&
	    r->uniques <= r->visits);
	if (r->page == NULL)
		return;
	n = strlen(r->page);
	FUZZ_CHECK(n >= 1 && n <= REQ_LOG_PATH_MAX && r->page[0] == '/' &&
	    r->bots == 0);
	for (i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)r->page[i] > 0x20 &&
		    (unsigned char)r->page[i] < 0x7f && r->page[i] != '?' &&
		    r->page[i] != '#');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct history_row	*r, *again;
	struct history_err	 e;
	char			*csv;
	size_t			 n, m, len, i;

	if (history_parse((const char *)data, size, FUZZ_TODAY, &r, &n,
	    &e) == -1) {
		FUZZ_CHECK(r == NULL && n == 0 && e.count > 0 &&
		    memchr(e.text, '\0', sizeof(e.text)) != NULL);
		return 0;
	}
	FUZZ_CHECK(e.count == 0);
	for (i = 0; i < n; i++)
		fuzz_row_check(&r[i]);
	FUZZ_CHECK((csv = history_csv(r, n, &len)) != NULL);
	FUZZ_CHECK(strlen(csv) == len);
	FUZZ_CHECK(history_parse(csv, len, FUZZ_TODAY, &again, &m, &e) == 0);
	FUZZ_CHECK(m == n);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(strcmp(again[i].name, r[i].name) == 0 &&
		    strcmp(again[i].date, r[i].date) == 0 &&
		    again[i].visits == r[i].visits &&
		    again[i].uniques == r[i].uniques &&
		    again[i].bots == r[i].bots);
		FUZZ_CHECK((again[i].page == NULL) == (r[i].page == NULL));
		FUZZ_CHECK(r[i].page == NULL ||
		    strcmp(again[i].page, r[i].page) == 0);
	}
	history_free(again, m);
	history_free(r, n);
	free(csv);
	return 0;
}
