/*
 * History in and out: the CSV of days that footfall --import reads and
 * footfall --export writes (footfall(8), IMPORT AND EXPORT).  Pure:
 * text in, rows out, and back; db.c stores them and main.c does the
 * files.
 *
 * The format is RFC 4180 with one header line,
 *
 *	counter,date,visits,unique_visitors,bots,page
 *
 * the bots and page columns optional (page only after bots), one line
 * per counter, or page of a counter, and day (UTC), LF or CRLF line
 * ends.  A line with an empty page is the counter's; one with a page is
 * that page's, with no bots (pages count none).  A site moving in keeps
 * its history: the days come before footfall counted, so a day must be
 * before today, and a day a file names twice for one counter or page
 * is refused rather than summed (an export never does it, and a file
 * that does is more likely a mistake than a plan).  Every bad line is
 * reported with its number, and nothing is imported from a file that
 * has one.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "footfall.h"

#define HISTORY_HEADER	"counter,date,visits,unique_visitors"
#define HISTORY_BOTS	",bots"
#define HISTORY_PAGE	",page"
/*
 * A line's bytes at most: a name, a date, three counts and a page of
 * REQ_LOG_PATH_MAX quoted with every byte a doubled quote fit in less.
 */
#define HISTORY_LINE_MAX 1024
/* A count: up to 18 digits, so that sums of a few stay in a bigint. */
#define HISTORY_DIGITS	18

/* One field of a line, without its quotes. */
struct history_field {
	const char	*p;
	size_t		 len;
};

/*
 * Split line[0..len) at its commas into at most max fields, each
 * copied without its quotes into buf (len bytes).  A field may be in
 * double quotes (RFC 4180), as a spreadsheet may write it; inside, a
 * doubled quote is one, and a comma is the field's own.  Returns the
 * number of fields, or -1 if a quote is where it cannot be or there
 * are more than max.
 */
static int
history_split(const char *line, size_t len, struct history_field *f,
    int max, char *buf)
{
	size_t	 i = 0, o = 0;
	int	 n = 0;

	for (;;) {
		if (n == max)
			return -1;
		f[n].p = buf + o;
		if (i < len && line[i] == '"') {
			for (i++; ; i++) {
				if (i == len)
					return -1;	/* never closed */
				if (line[i] == '"') {
					if (i + 1 < len && line[i + 1] == '"')
						i++;
					else
						break;
				}
				buf[o++] = line[i];
			}
			i++;	/* the closing quote */
			if (i < len && line[i] != ',')
				return -1;
		} else {
			for (; i < len && line[i] != ','; i++) {
				if (line[i] == '"')
					return -1;
				buf[o++] = line[i];
			}
		}
		f[n].len = (size_t)(buf + o - f[n].p);
		n++;
		if (i == len)
			return n;
		i++;	/* the comma */
	}
}

/* A count: 1 to HISTORY_DIGITS digits into *v.  0, or -1. */
static int
history_count(const struct history_field *f, long long *v)
{
	size_t	 i;

	if (f->len == 0 || f->len > HISTORY_DIGITS)
		return -1;
	*v = 0;
	for (i = 0; i < f->len; i++) {
		if (f->p[i] < '0' || f->p[i] > '9')
			return -1;
		*v = *v * 10 + (f->p[i] - '0');
	}
	return 0;
}

/* YYYY-MM-DD, a day of the Gregorian calendar from 1970 on.  0 or -1. */
static int
history_date(const struct history_field *f)
{
	static const int	 mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	const char		*p = f->p;
	int			 y, m, d, i;

	if (f->len != 10 || p[4] != '-' || p[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (p[i] < '0' || p[i] > '9'))
			return -1;
	y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 +
	    (p[3] - '0');
	m = (p[5] - '0') * 10 + (p[6] - '0');
	d = (p[8] - '0') * 10 + (p[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)))
		return -1;
	return 0;
}

/*
 * Check one data line against today (YYYY-MM-DD, UTC) and fill *r.
 * Returns NULL, or why the line is refused.
 */
static const char *
history_row(const char *line, size_t len, int cols, const char *today,
    struct history_row *r)
{
	static const char *const	 want[] = {
		"not 4 fields: counter,date,visits,unique_visitors",
		"not 5 fields: counter,date,visits,unique_visitors,bots",
		"not 6 fields: counter,date,visits,unique_visitors,bots,page",
	};
	struct history_field		 f[6];
	char				 buf[HISTORY_LINE_MAX];
	char				 path[REQ_LOG_PATH_MAX + 1];
	char				 page[REQ_LOG_PATH_MAX + 1];

	r->page = NULL;
	if (len > sizeof(buf))
		return "longer than 1024 bytes";
	if (history_split(line, len, f, 6, buf) != cols)
		return want[cols - 4];
	if (!route_counter_valid(f[0].p, f[0].len))
		return "not a counter name (A-Z a-z 0-9 . _ -, up to 64, "
		    "starting with a letter or digit)";
	if (history_date(&f[1]) == -1)
		return "not a date YYYY-MM-DD from 1970 on";
	if (memcmp(f[1].p, today, 10) >= 0)
		return "not a day before today (UTC): import is for the days "
		    "before footfall counted";
	if (history_count(&f[2], &r->visits) == -1 ||
	    history_count(&f[3], &r->uniques) == -1 ||
	    (cols >= 5 && history_count(&f[4], &r->bots) == -1))
		return "a count is not a whole number of up to 18 digits";
	if (cols == 4)
		r->bots = 0;
	if (r->uniques > r->visits)
		return "more unique visitors than visits";
	if (cols == 6 && f[5].len > 0) {
		/* As footfall keeps a page: the path alone, printable. */
		if (f[5].len > REQ_LOG_PATH_MAX)
			return "not a page: a path of up to 256 bytes";
		memcpy(path, f[5].p, f[5].len);
		path[f[5].len] = '\0';
		if (!req_log_path(path, page, sizeof(page)) ||
		    strcmp(page, path) != 0)
			return "not a page: a path beginning with /, printable "
			    "ASCII, no space, query or fragment, up to 256 "
			    "bytes";
		if (r->bots != 0)
			return "bots on a page's line: pages count no bots";
		if ((r->page = strdup(page)) == NULL)
			return "out of memory";
	}
	memcpy(r->name, f[0].p, f[0].len);
	r->name[f[0].len] = '\0';
	memcpy(r->date, f[1].p, 10);
	r->date[10] = '\0';
	return NULL;
}

/*
 * Append "line N: why\n" to e while it has room and it is one of the
 * first HISTORY_REPORT; count it anyway.
 */
void
history_report(struct history_err *e, size_t line, const char *why)
{
	size_t	 used;
	int	 w;

	if (e->count++ >= HISTORY_REPORT)
		return;
	used = strlen(e->text);
	w = snprintf(e->text + used, sizeof(e->text) - used,
	    "line %zu: %s\n", line, why);
	if (w < 0 || (size_t)w >= sizeof(e->text) - used)
		e->text[used] = '\0';
}

/* Two rows' pages, the counter's own (NULL) first. */
static int
history_page_cmp(const char *x, const char *y)
{
	if (x == NULL || y == NULL)
		return (x != NULL) - (y != NULL);
	return strcmp(x, y);
}

/* Two rows' keys: counter, page and day. */
static int
history_key_cmp(const struct history_row *x, const struct history_row *y)
{
	int	 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	if ((c = history_page_cmp(x->page, y->page)) != 0)
		return c;
	return strcmp(x->date, y->date);
}

static int
history_cmp(const void *a, const void *b)
{
	const struct history_row	*x = *(const struct history_row *const *)a;
	const struct history_row	*y = *(const struct history_row *const *)b;
	int				 c;

	if ((c = history_key_cmp(x, y)) != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int
history_line_cmp(const void *a, const void *b)
{
	size_t	x = (*(const struct history_row *const *)a)->line;
	size_t	y = (*(const struct history_row *const *)b)->line;

	return x < y ? -1 : x > y;
}

/*
 * Report each row of r[0..n) whose counter, page and day an earlier
 * line holds, in the file's order.  Returns -1 when out of memory
 * (reported too), else 0.
 */
static int
history_dups(const struct history_row *r, size_t n, struct history_err *e)
{
	const struct history_row	**ix, **dup = NULL;
	size_t				  i, nd = 0;
	int				  rc = -1;

	if ((ix = calloc(n, sizeof(*ix))) == NULL ||
	    (dup = calloc(n, sizeof(*dup))) == NULL) {
		history_report(e, 1, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		ix[i] = &r[i];
	qsort(ix, n, sizeof(*ix), history_cmp);
	for (i = 1; i < n; i++)
		if (history_key_cmp(ix[i], ix[i - 1]) == 0)
			dup[nd++] = ix[i];
	qsort(dup, nd, sizeof(*dup), history_line_cmp);
	for (i = 0; i < nd; i++)
		history_report(e, dup[i]->line, dup[i]->page == NULL ?
		    "this counter and day came before, on an earlier line" :
		    "this page and day came before, on an earlier line");
	rc = 0;
out:
	free(dup);
	free(ix);
	return rc;
}

/*
 * Parse the CSV text[0..len) (HISTORY_MAX rows at most) against today
 * (YYYY-MM-DD, UTC).  Returns 0 with the rows in *rows (the caller
 * frees them with history_free), in the file's order, and their number
 * in *n (0 for a header alone); or -1 with every bad line in e (the first
 * HISTORY_REPORT, each "line N: why", and e->count of them all) and
 * *rows NULL.  A line of the file is a line of e: numbers from 1, the
 * header's included.
 */
int
history_parse(const char *text, size_t len, const char *today,
    struct history_row **rows, size_t *n, struct history_err *e)
{
	struct history_row	*r = NULL, *nr;
	const char		*line, *eol;
	size_t			 cap = 0, ln = 0, llen;
	const char		*why;
	int			 cols = 0;

	*rows = NULL;
	*n = 0;
	e->count = 0;
	e->text[0] = '\0';
	/* A UTF-8 byte order mark, as some spreadsheets write. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	for (line = text; line < text + len; line = eol + 1) {
		ln++;
		if ((eol = memchr(line, '\n', text + len - line)) == NULL)
			eol = text + len;
		llen = (size_t)(eol - line);
		if (llen > 0 && line[llen - 1] == '\r')
			llen--;
		if (memchr(line, '\0', llen) != NULL) {
			history_report(e, ln, "a NUL byte");
			continue;
		}
		if (cols == 0) {
			if (llen == sizeof(HISTORY_HEADER) - 1 &&
			    memcmp(line, HISTORY_HEADER, llen) == 0)
				cols = 4;
			else if (llen == sizeof(HISTORY_HEADER
			    HISTORY_BOTS) - 1 && memcmp(line, HISTORY_HEADER
			    HISTORY_BOTS, llen) == 0)
				cols = 5;
			else if (llen == sizeof(HISTORY_HEADER HISTORY_BOTS
			    HISTORY_PAGE) - 1 && memcmp(line, HISTORY_HEADER
			    HISTORY_BOTS HISTORY_PAGE, llen) == 0)
				cols = 6;
			else {
				history_report(e, ln, "the header must be "
				    HISTORY_HEADER ", with " HISTORY_BOTS
				    " or " HISTORY_BOTS HISTORY_PAGE
				    " after it or not");
				goto fail;
			}
			continue;
		}
		if (llen == 0)
			continue;	/* a blank line, as at the end */
		if (*n == cap) {
			if (cap == HISTORY_MAX) {
				history_report(e, ln, "more than 1,000,000 "
				    "rows: split the file");
				goto fail;
			}
			cap = cap == 0 ? 64 : cap * 2;
			if (cap > HISTORY_MAX)
				cap = HISTORY_MAX;
			if ((nr = reallocarray(r, cap, sizeof(*r))) == NULL) {
				history_report(e, ln, "out of memory");
				goto fail;
			}
			r = nr;
		}
		if ((why = history_row(line, llen, cols, today,
		    &r[*n])) != NULL) {
			history_report(e, ln, why);
			continue;
		}
		r[(*n)++].line = ln;
	}
	if (cols == 0)
		history_report(e, 1, "empty: the header line is missing");
	if (e->count > 0)
		goto fail;
	if (*n > 1 && history_dups(r, *n, e) == -1)
		goto fail;
	if (e->count > 0)
		goto fail;
	*rows = r;
	return 0;
fail:
	history_free(r, *n);
	*n = 0;
	return -1;
}

/* Free rows[0..n) and their pages. */
void
history_free(struct history_row *rows, size_t n)
{
	size_t	 i;

	for (i = 0; rows != NULL && i < n; i++)
		free(rows[i].page);
	free(rows);
}

/*
 * The CSV of rows[0..n) (RFC 4180: CRLF line ends, the header with
 * bots and page), which history_parse reads back; a row without a date
 * (a page's totals, in an export) has no line.  Names, dates and
 * numbers need no quoting; a page does when it holds a comma or a
 * quote (a path may).  Returns a NUL-terminated buffer the caller
 * frees, its length in *len, or NULL when out of memory.
 */
char *
history_csv(const struct history_row *rows, size_t n, size_t *len)
{
	static const char	 hdr[] = HISTORY_HEADER HISTORY_BOTS
	    HISTORY_PAGE "\r\n";
	/* name, date, three counts, five commas, CRLF; then the page */
	const size_t		 line_max = COUNTER_MAX + 10 + 3 * 20 + 5 + 2;
	const char		*pg;
	char			*buf;
	size_t			 size, off, i;
	int			 w, quote;

	/*
	 * Room for each line as long as it can be, its page quoted with
	 * every byte doubled: an export holds a line a page and day, so
	 * the page's own length, not the longest a page may have.
	 */
	size = sizeof(hdr);
	for (i = 0; i < n; i++) {
		off = line_max + (rows[i].page == NULL ? 0 :
		    2 * strnlen(rows[i].page, REQ_LOG_PATH_MAX + 1) + 2);
		if (size > SIZE_MAX - off)
			return NULL;
		size += off;
	}
	if ((buf = malloc(size)) == NULL)
		return NULL;
	memcpy(buf, hdr, sizeof(hdr));
	off = sizeof(hdr) - 1;
	for (i = 0; i < n; i++) {
		if (rows[i].date[0] == '\0')
			continue;
		w = snprintf(buf + off, size - off, "%.64s,%.10s,%lld,%lld,"
		    "%lld,", rows[i].name, rows[i].date, rows[i].visits,
		    rows[i].uniques, rows[i].bots);
		if (w < 0 || (size_t)w >= size - off)
			goto fail;
		off += (size_t)w;
		pg = rows[i].page == NULL ? "" : rows[i].page;
		if (strlen(pg) > REQ_LOG_PATH_MAX)
			goto fail;
		quote = strpbrk(pg, ",\"") != NULL;
		if (quote)
			buf[off++] = '"';
		for (; *pg != '\0'; pg++) {
			if (*pg == '"')
				buf[off++] = '"';
			buf[off++] = *pg;
		}
		if (quote)
			buf[off++] = '"';
		memcpy(buf + off, "\r\n", 3);
		off += 2;
	}
	*len = off;
	return buf;
fail:
	free(buf);
	return NULL;
}
