#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define TODAY		"2026-12-02"
#define H4		"counter,date,visits,unique_visitors\n"
#define H5		"counter,date,visits,unique_visitors,bots\n"
#define H6		"counter,date,visits,unique_visitors,bots,page\n"
#define P256		"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define P257		P256 "a"

/*
 * A file, and what history_parse makes of it: the number of rows, or
 * -1 with the bad lines ("line N: ..." each, in order, as a prefix of
 * what is reported: the reason's first words).
 */
struct hcase {
	const char	*name;
	const char	*text;
	int		 rows;
	const char	*errors;	/* -1: "N:words|N:words" */
};

static const struct hcase cases[] = {
	/* Accepted. */
	{ "header alone", H4, 0, NULL },
	{ "header alone, no newline", "counter,date,visits,unique_visitors",
	    0, NULL },
	{ "one day", H4 "default,2026-12-01,10,4\n", 1, NULL },
	{ "bots column", H5 "blog,2020-02-29,10,4,3\n", 1, NULL },
	{ "CRLF and no final newline", "counter,date,visits,unique_visitors"
	    "\r\nblog,2026-01-01,1,1\r\nblog,2026-01-02,0,0", 2, NULL },
	{ "blank lines", H4 "\nblog,2026-01-01,1,1\n\n", 1, NULL },
	{ "byte order mark", "\xef\xbb\xbf" H4 "a,2026-01-01,1,0\n", 1, NULL },
	{ "quoted fields", H4 "\"a\",\"2026-01-01\",\"7\",\"2\"\n", 1, NULL },
	{ "a counter named null", H4 "null,2026-01-01,1,1\n", 1, NULL },
	{ "18 digits", H4 "a,1970-01-01,999999999999999999,0\n", 1, NULL },
	{ "the day before today", H4 "a,2026-12-01,1,1\n", 1, NULL },
	{ "pages", H6 "a,2026-01-01,3,2,1,\na,2026-01-01,2,1,0,/\n"
	    "a,2026-01-01,1,1,0,/p/x\nb,2026-01-01,1,1,0,/p/x\n"
	    "a,2026-01-02,1,1,0,/p/x\n", 5, NULL },
	{ "a page quoted, with a comma and a quote", H6
	    "a,2026-01-01,1,1,0,\"/a,b\"\"c\"\n", 1, NULL },
	{ "a page of 256 bytes", H6 "a,2026-01-01,1,1,0," P256 "\n", 1,
	    NULL },
	{ "an empty quoted page is the counter's", H6
	    "a,2026-01-01,1,1,0,\"\"\n", 1, NULL },

	/* Refused, every bad line named. */
	{ "empty", "", -1, "1:empty" },
	{ "no header", "default,2026-12-01,10,4\n", -1, "1:the header" },
	{ "header in capitals", "Counter,Date,Visits,Unique_visitors\n", -1,
	    "1:the header" },
	{ "GoatCounter's header", "2,Path,Title,Event,UserAgent,Browser\n",
	    -1, "1:the header" },
	{ "too few fields", H4 "a,2026-01-01,1\n", -1, "2:not 4 fields" },
	{ "too many fields", H4 "a,2026-01-01,1,1,1\n", -1, "2:not 4 fields" },
	{ "bots column missing", H5 "a,2026-01-01,1,1\n", -1,
	    "2:not 5 fields" },
	{ "page column missing", H6 "a,2026-01-01,1,1,0\n", -1,
	    "2:not 6 fields" },
	{ "page without bots", "counter,date,visits,unique_visitors,page\n",
	    -1, "1:the header" },
	{ "bad pages", H6 "a,2026-01-01,1,1,0,p\na,2026-01-01,1,1,0,/a b\n"
	    "a,2026-01-01,1,1,0,/a?b\na,2026-01-01,1,1,0,/a#b\n"
	    "a,2026-01-01,1,1,0,/\xc3\xa4\na,2026-01-01,1,1,0," P257 "\n"
	    "a,2026-01-01,1,1,0,/a\tb\n", -1, "2:not a page|3:not a page|"
	    "4:not a page|5:not a page|6:not a page|7:not a page|"
	    "8:not a page" },
	{ "bots on a page", H6 "a,2026-01-01,2,1,1,/a\n", -1,
	    "2:bots on a page" },
	{ "quotes out of place", H6 "a,2026-01-01,1,1,0,\"/a\n"
	    "a,2026-01-01,1,1,0,\"/a\"b\na,2026-01-01,1,1,0,/a\"b\n", -1,
	    "2:not 6|3:not 6|4:not 6" },
	{ "a line over 1024 bytes", H6 "a,2026-01-01,1,1,0,\"/"
	    P257 P257 P257 P257 "\"\n", -1, "2:longer than 1024" },
	{ "a quote inside", H4 "a\"b,2026-01-01,1,1\n", -1, "2:not 4" },
	{ "bad names", H4 "-a,2026-01-01,1,1\n,2026-01-01,1,1\n"
	    "a/b,2026-01-01,1,1\nä,2026-01-01,1,1\n", -1,
	    "2:not a counter|3:not a counter|4:not a counter|5:not a counter" },
	{ "a name of 65 bytes", H4 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaa,2026-01-01,1,1\n", -1, "2:not a counter" },
	{ "bad dates", H4 "a,2026-13-01,1,1\na,2026-02-29,1,1\n"
	    "a,1969-12-31,1,1\na,2026-1-01,1,1\na,01/02/2026,1,1\n"
	    "a,2100-02-29,1,1\n", -1, "2:not a date|3:not a date|"
	    "4:not a date|5:not a date|6:not a date|7:not a date" },
	{ "today and later", H4 "a,2026-12-02,1,1\na,2027-01-01,1,1\n", -1,
	    "2:not a day before today|3:not a day before today" },
	{ "bad counts", H4 "a,2026-01-01,-1,0\na,2026-01-02,1.5,0\n"
	    "a,2026-01-03,,0\na,2026-01-04,1000000000000000000,0\n"
	    "a,2026-01-05, 1,0\n", -1, "2:a count|3:a count|4:a count|"
	    "5:a count|6:a count" },
	{ "more uniques than visits", H4 "a,2026-01-01,1,2\n", -1,
	    "2:more unique" },
	{ "a NUL byte", H4 "a\0,2026-01-01,1,1\n", -1, "2:a NUL" },
	{ "the same day twice", H4 "a,2026-01-01,1,1\nb,2026-01-01,1,1\n"
	    "a,2026-01-01,2,2\n", -1, "4:this counter and day came before" },
	{ "days twice, told in the file's order", H4 "b,2026-01-01,1,1\n"
	    "a,2026-01-01,1,1\nb,2026-01-01,1,1\na,2026-01-01,1,1\n"
	    "a,2026-01-01,1,1\n", -1, "4:this counter|5:this counter|"
	    "6:this counter" },
	{ "a page and day twice", H6 "a,2026-01-01,1,1,0,/x\n"
	    "a,2026-01-01,1,1,0,\n" "a,2026-01-01,1,1,0,\"/x\"\n", -1,
	    "4:this page and day came before" },
	{ "good and bad lines", H4 "a,2026-01-01,1,1\na,2026-01-02,x,1\n"
	    "a,2026-01-03,1,1\na,2026-01-04,1,9\n", -1,
	    "3:a count|5:more unique" },
};

/* Compare e's report with want, "N:words|N:words". */
static void
check_errors(const char *name, const struct history_err *e, const char *want)
{
	char		 buf[512], exp[256], *tok, *save = NULL;
	const char	*p = e->text;
	size_t		 count = 0;
	char		*colon;

	strncpy(buf, want, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	for (tok = strtok_r(buf, "|", &save); tok != NULL;
	    tok = strtok_r(NULL, "|", &save)) {
		colon = strchr(tok, ':');
		cr_assert_not_null(colon, "%s: bad case", name);
		*colon = '\0';
		snprintf(exp, sizeof(exp), "line %s: %s", tok, colon + 1);
		cr_assert(strncmp(p, exp, strlen(exp)) == 0,
		    "%s: report \"%s\" lacks \"%s\" at \"%s\"", name, e->text,
		    exp, p);
		cr_assert_not_null(p = strchr(p, '\n'), "%s", name);
		p++;
		count++;
	}
	cr_assert_str_eq(p, "", "%s: more reported: \"%s\"", name, p);
	cr_assert_eq(e->count, count, "%s: counted %zu", name, e->count);
}

Test(history, parse)
{
	const struct hcase	*t;
	struct history_row	*rows;
	struct history_err	 e;
	size_t			 i, n, len;
	int			 rc;

	for (i = 0; i < NELEM(cases); i++) {
		t = &cases[i];
		len = strcmp(t->name, "a NUL byte") == 0 ?
		    sizeof(H4 "a\0,2026-01-01,1,1\n") - 1 : strlen(t->text);
		rc = history_parse(t->text, len, TODAY, &rows, &n, &e);
		if (t->rows >= 0) {
			cr_assert_eq(rc, 0, "%s: refused: %s", t->name, e.text);
			cr_assert_eq(n, (size_t)t->rows, "%s: %zu rows",
			    t->name, n);
			cr_assert_eq(e.count, 0, "%s", t->name);
			history_free(rows, n);
		} else {
			cr_assert_eq(rc, -1, "%s: accepted", t->name);
			cr_assert_null(rows, "%s", t->name);
			cr_assert_eq(n, 0, "%s", t->name);
			check_errors(t->name, &e, t->errors);
		}
	}
}

/* The rows: their fields, in the file's order, with their lines. */
Test(history, rows)
{
	static const char	 text[] = H6 "b,2026-01-02,5,2,1,\n"
	    "a,2026-01-03,7,3,0,\"/x,\"\"y\"\"\"\n\"a\",2026-01-01,10,4,2,\n";
	struct history_row	*r;
	struct history_err	 e;
	size_t			 n;

	cr_assert_eq(history_parse(text, sizeof(text) - 1, TODAY, &r, &n,
	    &e), 0, "%s", e.text);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(r[0].name, "b");
	cr_assert(r[0].visits == 5 && r[0].uniques == 2 && r[0].bots == 1);
	cr_assert_eq(r[0].line, 2);
	cr_assert_null(r[0].page);
	cr_assert_str_eq(r[1].date, "2026-01-03");
	cr_assert_eq(r[1].line, 3);
	cr_assert_str_eq(r[1].page, "/x,\"y\"");
	cr_assert_null(r[2].page);
	cr_assert_str_eq(r[2].name, "a");
	cr_assert_str_eq(r[2].date, "2026-01-01");
	cr_assert(r[2].visits == 10 && r[2].uniques == 4 && r[2].bots == 2);
	cr_assert_eq(r[2].line, 4);
	history_free(r, n);
}

/* Only the first 20 bad lines are told; all are counted. */
Test(history, report_cap)
{
	char			*text;
	struct history_row	*r;
	struct history_err	 e;
	size_t			 n, i, off;

	cr_assert_not_null(text = malloc(64 * 30 + sizeof(H4)));
	off = (size_t)sprintf(text, H4);
	for (i = 0; i < 30; i++)
		off += (size_t)sprintf(text + off, "a,2026-01-%02zu,1,2\n",
		    i + 1);
	cr_assert_eq(history_parse(text, off, TODAY, &r, &n, &e), -1);
	cr_assert_eq(e.count, 30);
	cr_assert_not_null(strstr(e.text, "line 21: more unique"));
	cr_assert_null(strstr(e.text, "line 22:"));
	free(text);
}

/*
 * What history_csv writes, history_parse reads back the same; a page's
 * totals (no date) are left out.
 */
Test(history, round_trip)
{
	static const struct history_row	 in[] = {
		{ "a", "2026-01-01", 10, 4, 2, 0, NULL },
		{ "a", "2026-01-02", 0, 0, 0, 0, NULL },
		{ "a", "", 9, 9, 0, 0, "/p" },
		{ "a", "2026-01-01", 7, 3, 0, 0, "/p" },
		{ "a", "2026-01-01", 1, 1, 0, 0, "/q,\"r\"\\" },
		{ "a", "2026-01-01", 1, 1, 0, 0, P256 },
		{ "null", "1970-01-01", 999999999999999999LL, 1, 0, 0, NULL },
	};
	static const char		 want[] =
	    "counter,date,visits,unique_visitors,bots,page\r\n"
	    "a,2026-01-01,10,4,2,\r\na,2026-01-02,0,0,0,\r\n"
	    "a,2026-01-01,7,3,0,/p\r\n"
	    "a,2026-01-01,1,1,0,\"/q,\"\"r\"\"\\\"\r\n";
	struct history_row		*r;
	struct history_err		 e;
	char				*csv;
	size_t				 len, n, i, j;

	cr_assert_not_null(csv = history_csv(in, NELEM(in), &len));
	cr_assert_eq(strlen(csv), len);
	cr_assert(strncmp(csv, want, sizeof(want) - 1) == 0, "%s", csv);
	cr_assert_eq(history_parse(csv, len, TODAY, &r, &n, &e), 0, "%s",
	    e.text);
	cr_assert_eq(n, NELEM(in) - 1);
	for (i = 0, j = 0; i < n; i++, j++) {
		if (in[j].date[0] == '\0')
			j++;
		cr_assert_str_eq(r[i].name, in[j].name);
		cr_assert_str_eq(r[i].date, in[j].date);
		cr_assert(r[i].visits == in[j].visits &&
		    r[i].uniques == in[j].uniques && r[i].bots == in[j].bots);
		if (in[j].page == NULL)
			cr_assert_null(r[i].page, "row %zu", i);
		else
			cr_assert_str_eq(r[i].page, in[j].page);
	}
	history_free(r, n);
	free(csv);
}
