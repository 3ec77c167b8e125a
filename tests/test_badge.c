/*
 * badge.c: colours, labels, text widths, and the SVG itself: well-formed
 * whatever it is given (checked here and, when it is installed, by
 * xmllint, which also reads the title back), every user string escaped,
 * and each text inside its box.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define PAD		5	/* badge.c's BADGE_PAD */
#define WIDE		13.75	/* badge.c's BADGE_ADV_WIDE, in px */
#define LETTERS		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

Test(badge, color)
{
	static const struct {
		const char	*in;
		const char	*want;	/* NULL: refused */
	} t[] = {
		{ "brightgreen", "#4c1" }, { "green", "#97ca00" },
		{ "yellowgreen", "#a4a61d" }, { "yellow", "#dfb317" },
		{ "orange", "#fe7d37" }, { "red", "#e05d44" },
		{ "blue", "#007ec6" }, { "lightgrey", "#9f9f9f" },
		{ "lightgray", "#9f9f9f" }, { "grey", "#555" },
		{ "gray", "#555" },
		/* shields' aliases */
		{ "success", "#4c1" }, { "important", "#fe7d37" },
		{ "critical", "#e05d44" }, { "informational", "#007ec6" },
		{ "inactive", "#9f9f9f" },
		/* names in any case */
		{ "Red", "#e05d44" }, { "BLUE", "#007ec6" },
		{ "LightGrey", "#9f9f9f" },
		/* hex, 3 or 6 digits, written in lower case */
		{ "4c1", "#4c1" }, { "4C1", "#4c1" }, { "000", "#000" },
		{ "fff", "#fff" }, { "abcdef", "#abcdef" },
		{ "ABCDEF", "#abcdef" }, { "0a0B0c", "#0a0b0c" },
		{ "123456", "#123456" }, { "bad", "#bad" },
		/* refused */
		{ "#4c1", NULL }, { "#abcdef", NULL }, { "", NULL },
		{ "#", NULL }, { "4c", NULL }, { "4c1a", NULL },
		{ "4c1ab", NULL }, { "4c1abcd", NULL }, { "ggg", NULL },
		{ "12345g", NULL }, { " red", NULL }, { "red ", NULL },
		{ "redd", NULL }, { "re", NULL }, { "pink", NULL },
		{ "rgb(1,2,3)", NULL }, { "4c1\n", NULL }, { "0x4c1", NULL },
		{ "light grey", NULL }, { "lightgrey;", NULL },
		{ "\"/><script>", NULL }, { "\xc3\xa4\xc3\xa4\xc3\xa4", NULL },
	};
	char	 out[8];
	size_t	 i;

	for (i = 0; i < NELEM(t); i++) {
		memcpy(out, "unset!!", sizeof(out));
		if (t[i].want == NULL) {
			cr_expect_eq(badge_color_parse(t[i].in, out), -1,
			    "\"%s\" refused", t[i].in);
			cr_expect_str_eq(out, "unset!!", "\"%s\" left out alone",
			    t[i].in);
			continue;
		}
		cr_expect_eq(badge_color_parse(t[i].in, out), 0, "\"%s\"",
		    t[i].in);
		cr_expect_str_eq(out, t[i].want, "\"%s\"", t[i].in);
	}
	cr_expect_eq(badge_color_parse(NULL, out), -1, "NULL refused");
}

Test(badge, label)
{
	static const struct {
		const char	*in;
		int		 want;
	} t[] = {
		{ "visits", 1 }, { "x", 1 }, { "page views", 1 },
		{ "<script>\"&'", 1 },	/* printable: escaped when drawn */
		{ "Besucher \xe2\x80\x93 Z\xc3\xa4hler", 1 },	/* – ä */
		{ "\xe8\xa8\xaa\xe5\x95\x8f\xe8\x80\x85", 1 },	/* 訪問者 */
		{ "\xf0\x9f\x91\x80", 1 },			/* U+1F440 */
		{ "\xf4\x8f\xbf\xbd", 1 },			/* U+10FFFD */
		{ "\xc2\xa0", 1 },		/* U+00A0, the first after C1 */
		{ "\xef\xbf\xbd", 1 },				/* U+FFFD */
		{ "~", 1 }, { " ", 1 },
		/* 64 bytes: the most */
		{ "0123456789012345678901234567890123456789"
		    "012345678901234567890123", 1 },
		/* 64 bytes ending in a 2-byte character */
		{ "0123456789012345678901234567890123456789"
		    "0123456789012345678901\xc3\xa4", 1 },
		/* refused: length */
		{ "", 0 },
		{ "0123456789012345678901234567890123456789"
		    "0123456789012345678901234", 0 },
		{ "0123456789012345678901234567890123456789"
		    "01234567890123456789012\xc3\xa4", 0 },	/* 65 */
		/* refused: not UTF-8 */
		{ "\xc0\x80", 0 },		/* overlong NUL */
		{ "\xc1\xbf", 0 },		/* overlong '\x7f' */
		{ "\xe0\x80\xaf", 0 },		/* overlong '/' */
		{ "\xe0\x9f\xbf", 0 },		/* overlong U+07FF */
		{ "\xf0\x8f\xbf\xbd", 0 },	/* overlong U+FFFD */
		{ "\xf0\x80\x81\x81", 0 },	/* overlong 'A' */
		{ "\xe0\x81\x81", 0 },	/* overlong 'A' */
		{ "\xed\xa0\x80", 0 },		/* surrogate U+D800 */
		{ "\xed\xbf\xbf", 0 },		/* surrogate U+DFFF */
		{ "\xf4\x90\x80\x80", 0 },	/* U+110000 */
		{ "\xf5\x80\x80\x80", 0 },
		{ "\xf8\x88\x80\x80\x80", 0 },
		{ "\xff", 0 }, { "\xfe", 0 },
		{ "\x80", 0 },			/* stray continuation */
		{ "ab\xbf", 0 },
		{ "\xc3", 0 }, { "a\xc3", 0 },	/* truncated */
		{ "\xe8\xa8", 0 }, { "\xf0\x9f\x91", 0 },
		{ "\xc3\x28", 0 },		/* continuation missing */
		{ "\xe2\x28\xa1", 0 },
		/* refused: controls and non-characters XML cannot carry */
		{ "\x01", 0 }, { "a\tb", 0 }, { "a\nb", 0 }, { "\x1f", 0 },
		{ "\x7f", 0 }, { "visits\x7f", 0 },
		{ "\xc2\x80", 0 }, { "\xc2\x85", 0 }, { "\xc2\x9f", 0 },
		{ "\xef\xbf\xbe", 0 }, { "\xef\xbf\xbf", 0 },	/* FFFE FFFF */
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_expect_eq(badge_label_valid(t[i].in), t[i].want,
		    "row %zu \"%s\"", i, t[i].in);
	cr_expect_eq(badge_label_valid(NULL), 0, "NULL");
}

Test(badge, width)
{
	static const struct {
		const char	*in;
		double		 want;
	} t[] = {
		{ "", 0 },
		{ "0123456789", 10 * 6.99 },
		{ "9223372036854775807", 19 * 6.99 },
		{ "1,234,567,890", 10 * 6.99 + 3 * 4.00 },
		{ "visits", 6.51 + 3.02 + 5.73 + 3.02 + 4.33 + 5.73 },
		{ "W", 10.88 }, { "M", 9.27 }, { "i", 3.02 }, { " ", 3.87 },
		{ "%", 11.84 }, { "~", 9.00 }, { "&<>\"'", 7.99 + 9 + 9 +
		    5.05 + 2.95 },
		/* beyond ASCII and the printable: the wide guess */
		{ "\xc3\xa4", WIDE }, { "Z\xc3\xa4hler",
		    7.54 + WIDE + 6.96 + 3.02 + 6.55 + 4.69 },
		{ "\xe8\xa8\xaa\xe5\x95\x8f\xe8\x80\x85", 3 * WIDE },
		{ "\xf0\x9f\x91\x80", WIDE },
		{ "\x01", WIDE }, { "\x7f", WIDE },
		/* each invalid byte is drawn as one U+FFFD */
		{ "\xff", WIDE }, { "\xc0\x80", 2 * WIDE },
		{ "\xe8\xa8", 2 * WIDE }, { "a\xc3", 6.61 + WIDE },
	};
	char	 s[3];
	double	 w, wmax = 0;
	size_t	 i;
	int	 c;

	for (i = 0; i < NELEM(t); i++)
		cr_expect_float_eq(badge_text_width(t[i].in), t[i].want,
		    1e-9, "\"%s\": %f", t[i].in, badge_text_width(t[i].in));
	cr_expect_float_eq(badge_text_width(NULL), 0.0, 1e-9);

	/*
	 * Every printable ASCII character has a width, the digits all the
	 * same one (a counter's value must not jitter as it grows), and
	 * nothing is wider than the guess for the rest.
	 */
	s[1] = '\0';
	for (c = 0x20; c < 0x7f; c++) {
		s[0] = (char)c;
		w = badge_text_width(s);
		cr_expect_gt(w, 2.0, "'%c' %f", c, w);
		cr_expect_leq(w, WIDE, "'%c' %f", c, w);
		if (c >= '0' && c <= '9')
			cr_expect_float_eq(w, 6.99, 1e-9, "'%c'", c);
		if (w > wmax)
			wmax = w;
	}
	cr_expect_float_eq(wmax, 11.84, 1e-9, "'%%' is the widest");
	cr_expect_gt(WIDE, 11.0, "a CJK ideograph (1 em) fits the guess");
}

Test(badge, width_monotonic)
{
	char	 s[200];
	double	 prev;
	size_t	 n;
	int	 c;

	/* Every character, appended to any text, makes it wider. */
	for (c = 0x20; c < 0x7f; c++) {
		s[0] = '\0';
		prev = 0;
		for (n = 0; n < 40; n++) {
			s[n] = (char)c;
			s[n + 1] = '\0';
			cr_assert_gt(badge_text_width(s), prev, "'%c' x %zu",
			    c, n + 1);
			prev = badge_text_width(s);
		}
	}
	s[0] = '\0';
	prev = 0;
	for (n = 0; n + 2 < sizeof(s); n += 2) {
		strcat(s, "\xc3\xa4");
		cr_assert_gt(badge_text_width(s), prev, "%zu x U+00E4", n / 2);
		prev = badge_text_width(s);
	}
}

/*
 * Is x well-formed XML of the shape badge_render writes: one root
 * element; every tag closed in order; attribute values in double
 * quotes; '&' only in the five predefined entities; '<' and '>' in
 * text or attributes never raw; no control character but the final
 * newline?  Returns NULL or what is wrong.  Stricter than XML in places
 * (a raw '>' in text), which only makes it check more.
 */
static const char *
xml_check(const char *x)
{
	static const char	*ents[] = { "&amp;", "&lt;", "&gt;", "&quot;",
				    "&apos;" };
	const char		*stack[32];
	const char		*p = x, *name;
	size_t			 depth = 0, roots = 0, n, i;

	for (; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 && !(*p == '\n' && p[1] == '\0'))
			return "control character";
		if (*p == '&') {
			for (i = 0; i < NELEM(ents); i++)
				if (strncmp(p, ents[i], strlen(ents[i])) == 0)
					break;
			if (i == NELEM(ents))
				return "bare &";
			continue;
		}
		if (*p == '>')
			return "bare > in text";
		if (*p != '<') {
			if (depth == 0 && *p != '\n')
				return "text outside the root";
			continue;
		}
		if (p[1] == '/') {
			name = p + 2;
			n = strspn(name, LETTERS);
			if (depth == 0 || strspn(stack[depth - 1], LETTERS) != n ||
			    strncmp(stack[depth - 1], name, n) != 0)
				return "unbalanced end tag";
			depth--;
			p = name + n;
			if (*p != '>')
				return "junk in end tag";
			continue;
		}
		name = p + 1;
		n = strspn(name, LETTERS);
		if (n == 0)
			return "bad tag name";
		if (depth == 0 && roots++ > 0)
			return "two roots";
		for (p = name + n; ; ) {
			if (*p == ' ') {
				p++;
				n = strspn(p, LETTERS "0123456789-:");
				if (n == 0 || p[n] != '=' || p[n + 1] != '"')
					return "bad attribute";
				for (p += n + 2; *p != '"'; p++) {
					if (*p == '\0' || *p == '<' || *p == '>')
						return "bad attribute value";
					if (*p == '&') {
						for (i = 0; i < NELEM(ents); i++)
							if (strncmp(p, ents[i],
							    strlen(ents[i])) == 0)
								break;
						if (i == NELEM(ents))
							return "bare & in attribute";
					}
				}
				p++;
			} else if (p[0] == '/' && p[1] == '>') {
				p++;
				break;
			} else if (*p == '>') {
				if (depth == NELEM(stack))
					return "too deep";
				stack[depth++] = name;
				break;
			} else
				return "bad tag";
		}
	}
	if (depth != 0)
		return "unclosed element";
	if (roots != 1)
		return "no root";
	return NULL;
}

/*
 * Run xmllint over svg: returns -1 if xmllint is not installed, else 0
 * if it finds the document well-formed and writes the string value of
 * its <title> into title.
 */
static int
xmllint_title(const char *svg, char *title, size_t titlesz)
{
	char	 path[] = "/tmp/test_badge.XXXXXX", cmd[200];
	FILE	*f;
	size_t	 n;
	int	 fd, rc = 1;

	if (system("command -v xmllint >/dev/null 2>&1") != 0)
		return -1;
	cr_assert_neq(fd = mkstemp(path), -1);
	cr_assert_eq(write(fd, svg, strlen(svg)), (ssize_t)strlen(svg));
	close(fd);
	snprintf(cmd, sizeof(cmd), "xmllint --noout %s", path);
	if ((rc = system(cmd)) != 0) {
		cr_log_error("%s: %d", cmd, rc);
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "xmllint --xpath "
	    "'string(/*[local-name()=\"svg\"]/*[local-name()=\"title\"])' "
	    "%s", path);
	cr_assert_not_null(f = popen(cmd, "r"));
	n = fread(title, 1, titlesz - 1, f);
	/* xmllint ends what it prints with a newline */
	if (n > 0 && title[n - 1] == '\n')
		n--;
	title[n] = '\0';
	if ((rc = pclose(f)) != 0)
		cr_log_error("%s: %d", cmd, rc);
out:
	unlink(path);
	return rc;
}

/*
 * The number in attribute name of the nth (from 0) element that starts
 * with tag, or -1.
 */
static long
attr(const char *svg, const char *tag, int nth, const char *name)
{
	const char	*p = svg, *end;
	char		 key[40];

	for (; (p = strstr(p, tag)) != NULL; p++)
		if (nth-- == 0)
			break;
	if (p == NULL)
		return -1;
	end = strchr(p, '>');
	snprintf(key, sizeof(key), " %s=\"", name);
	if ((p = strstr(p, key)) == NULL || p > end)
		return -1;
	return strtol(p + strlen(key), NULL, 10);
}

/*
 * Check the geometry of svg, drawn with label (non-empty) and value:
 * the boxes side by side filling the badge, each text centred in its
 * box, its textLength at least its measured width and 2 * PAD less
 * than the box.  Returns the badge's width.
 */
static long
geometry(const char *svg, const char *label, const char *value)
{
	long	 total, lw, vx, vw;

	total = attr(svg, "<svg", 0, "width");
	cr_assert_gt(total, 0);
	cr_expect_eq(attr(svg, "<svg", 0, "height"), 20);
	/* rect 0 is the clip path, 1 the label, 2 the value, 3 the gradient */
	cr_expect_eq(attr(svg, "<rect", 0, "width"), total);
	lw = attr(svg, "<rect", 1, "width");
	vx = attr(svg, "<rect", 2, "x");
	vw = attr(svg, "<rect", 2, "width");
	cr_expect_eq(attr(svg, "<rect", 3, "width"), total);
	cr_expect_eq(vx, lw, "the value box starts where the label's ends");
	cr_expect_eq(lw + vw, total);
	/* text 0 and 1: the label's shadow and text; 2 and 3 the value's */
	cr_expect_eq(attr(svg, "<text", 0, "textLength"), 10 * (lw - 2 * PAD));
	cr_expect_eq(attr(svg, "<text", 1, "textLength"), 10 * (lw - 2 * PAD));
	cr_expect_eq(attr(svg, "<text", 2, "textLength"), 10 * (vw - 2 * PAD));
	cr_expect_eq(attr(svg, "<text", 3, "textLength"), 10 * (vw - 2 * PAD));
	cr_expect_geq((double)(lw - 2 * PAD), badge_text_width(label),
	    "label \"%s\" fits", label);
	cr_expect_lt((double)(lw - 2 * PAD - 1), badge_text_width(label),
	    "label \"%s\" rounded up, not more", label);
	cr_expect_geq((double)(vw - 2 * PAD), badge_text_width(value),
	    "value \"%s\" fits", value);
	cr_expect_lt((double)(vw - 2 * PAD - 1), badge_text_width(value),
	    "value \"%s\" rounded up, not more", value);
	cr_expect_eq(attr(svg, "<text", 0, "x"), 5 * lw);
	cr_expect_eq(attr(svg, "<text", 1, "x"), 5 * lw);
	cr_expect_eq(attr(svg, "<text", 2, "x"), 10 * lw + 5 * vw);
	cr_expect_eq(attr(svg, "<text", 3, "x"), 10 * lw + 5 * vw);
	return total;
}

Test(badge, render_geometry)
{
	static const char *values[] = {
		"0", "7", "42", "999", "1000", "65536", "1,234,567,890",
		"123456789012", "9223372036854775807",
	};
	char	*svg;
	long	 prev = 0, w;
	size_t	 i, len;

	for (i = 0; i < NELEM(values); i++) {
		svg = badge_render("visits", values[i], "blue", BADGE_FLAT,
		    &len);
		cr_assert_not_null(svg, "%s", values[i]);
		cr_expect_eq(len, strlen(svg));
		w = geometry(svg, "visits", values[i]);
		if (i > 0 && strlen(values[i]) == strlen(values[i - 1]))
			cr_expect_eq(w, prev, "%s as wide as %s", values[i],
			    values[i - 1]);
		else
			cr_expect_gt(w, prev, "%s wider than %s", values[i],
			    i > 0 ? values[i - 1] : "nothing");
		prev = w;
		free(svg);
	}
	/* the label's box does not change with the value */
	svg = badge_render("visits", "9223372036854775807", "blue",
	    BADGE_FLAT, NULL);
	cr_assert_not_null(svg);
	cr_expect_eq(attr(svg, "<rect", 1, "width"),
	    (long)(28.34 + 1) + 2 * PAD);
	/* 19 digits: 132.81 px of text, 143 px box */
	cr_expect_eq(attr(svg, "<rect", 2, "width"), 133 + 2 * PAD);
	free(svg);
}

Test(badge, render_escapes)
{
	static const struct {
		const char	*label;
		const char	*value;
		const char	*want;		/* the label, escaped */
		const char	*title;		/* as an XML reader sees it */
	} t[] = {
		{ "<script>\"&'", "1", "&lt;script&gt;&quot;&amp;&apos;",
		    "<script>\"&': 1" },
		{ "</text></g></svg><svg onload=\"alert(1)\">", "2",
		    "&lt;/text&gt;&lt;/g&gt;&lt;/svg&gt;&lt;svg "
		    "onload=&quot;alert(1)&quot;&gt;",
		    "</text></g></svg><svg onload=\"alert(1)\">: 2" },
		{ "]]><!--", "3", "]]&gt;&lt;!--", "]]><!--: 3" },
		{ "&amp;", "4", "&amp;amp;", "&amp;: 4" },
		{ "Besucher \xe2\x80\x93 Z\xc3\xa4hler", "5",
		    "Besucher \xe2\x80\x93 Z\xc3\xa4hler",
		    "Besucher \xe2\x80\x93 Z\xc3\xa4hler: 5" },
		{ "\xe8\xa8\xaa\xe5\x95\x8f\xe8\x80\x85", "6",
		    "\xe8\xa8\xaa\xe5\x95\x8f\xe8\x80\x85",
		    "\xe8\xa8\xaa\xe5\x95\x8f\xe8\x80\x85: 6" },
		/* what badge_label_valid refuses is still drawn safely */
		{ "a\x01" "b\xff" "c\xc0\x80" "d\xed\xa0\x80" "e\x7f",
		    "<&>",
		    "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd"
		    "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "e\xef\xbf\xbd",
		    "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd"
		    "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "e\xef\xbf\xbd"
		    ": <&>" },
		{ "\xc2\x85\xef\xbf\xbe", "8", "\xef\xbf\xbd\xef\xbf\xbd",
		    "\xef\xbf\xbd\xef\xbf\xbd: 8" },
	};
	char		 title[512];
	const char	*why;
	char		*svg, *p;
	size_t		 i, n;
	int		 lint = 0;

	for (i = 0; i < NELEM(t); i++) {
		svg = badge_render(t[i].label, t[i].value, "red", BADGE_FLAT,
		    NULL);
		cr_assert_not_null(svg, "row %zu", i);
		why = xml_check(svg);
		cr_expect_null(why, "row %zu: %s:\n%s", i, why, svg);
		/* 1 aria-label, 1 title, 2 texts (shadow and text) */
		for (n = 0, p = svg; (p = strstr(p, t[i].want)) != NULL; p++)
			n++;
		cr_expect_geq(n, 4, "row %zu: label escaped", i);
		if (strstr(t[i].want, t[i].label) == NULL)
			cr_expect_null(strstr(svg, t[i].label),
			    "row %zu: never raw", i);
		switch (xmllint_title(svg, title, sizeof(title))) {
		case -1:
			break;
		case 0:
			lint++;
			cr_expect_str_eq(title, t[i].title, "row %zu", i);
			break;
		default:
			cr_expect_fail("row %zu: xmllint refused:\n%s", i, svg);
			break;
		}
		free(svg);
	}
	cr_log_info("xmllint checked %d of %zu", lint, NELEM(t));
}

Test(badge, render_colors)
{
	static const struct {
		const char	*in;
		const char	*fill;	/* NULL: refused */
	} t[] = {
		{ "brightgreen", "#4c1" }, { "blue", "#007ec6" },
		{ "lightgrey", "#9f9f9f" }, { "critical", "#e05d44" },
		{ "ABCDEF", "#abcdef" }, { "4c1", "#4c1" },
		/* what badge_color_parse writes */
		{ "#4c1", "#4c1" }, { "#abcdef", "#abcdef" },
		{ "#ABCDEF", NULL }, { "#abcd", NULL }, { "", NULL },
		{ "pink", NULL }, { "\"/><script>", NULL },
	};
	char	 want[120];
	char	*svg;
	size_t	 i;

	for (i = 0; i < NELEM(t); i++) {
		svg = badge_render("visits", "1", t[i].in, BADGE_FLAT, NULL);
		if (t[i].fill == NULL) {
			cr_expect_null(svg, "\"%s\" refused", t[i].in);
			free(svg);
			continue;
		}
		cr_assert_not_null(svg, "\"%s\"", t[i].in);
		snprintf(want, sizeof(want), "<rect x=\"%ld\" width=\"%ld\" "
		    "height=\"20\" fill=\"%s\"/>", attr(svg, "<rect", 1,
		    "width"), attr(svg, "<rect", 2, "width"), t[i].fill);
		cr_expect_not_null(strstr(svg, want), "\"%s\": %s\n%s",
		    t[i].in, want, svg);
		cr_expect_not_null(strstr(svg, "<rect width=\"39\" height=\"20\" "
		    "fill=\"#555\"/>"), "the label box is grey:\n%s", svg);
		free(svg);
	}
	cr_expect_null(badge_render("visits", "1", NULL, BADGE_FLAT, NULL));
}

Test(badge, render_shape)
{
	const char	*why;
	char		*svg;

	/* the whole badge, byte for byte */
	svg = badge_render("visits", "42", "blue", BADGE_FLAT, NULL);
	cr_assert_not_null(svg);
	cr_expect_str_eq(svg,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"63\" "
	    "height=\"20\" role=\"img\" aria-label=\"visits: 42\">"
	    "<title>visits: 42</title>"
	    "<linearGradient id=\"s\" x2=\"0\" y2=\"100%\">"
	    "<stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/>"
	    "<stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>"
	    "<clipPath id=\"r\"><rect width=\"63\" height=\"20\" rx=\"3\" "
	    "fill=\"#fff\"/></clipPath>"
	    "<g clip-path=\"url(#r)\">"
	    "<rect width=\"39\" height=\"20\" fill=\"#555\"/>"
	    "<rect x=\"39\" width=\"24\" height=\"20\" fill=\"#007ec6\"/>"
	    "<rect width=\"63\" height=\"20\" fill=\"url(#s)\"/></g>"
	    "<g fill=\"#fff\" text-anchor=\"middle\" "
	    "font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" "
	    "text-rendering=\"geometricPrecision\" font-size=\"110\">"
	    "<text aria-hidden=\"true\" x=\"195\" y=\"150\" fill=\"#010101\" "
	    "fill-opacity=\".3\" transform=\"scale(.1)\" textLength=\"290\">"
	    "visits</text>"
	    "<text x=\"195\" y=\"140\" transform=\"scale(.1)\" fill=\"#fff\" "
	    "textLength=\"290\">visits</text>"
	    "<text aria-hidden=\"true\" x=\"510\" y=\"150\" fill=\"#010101\" "
	    "fill-opacity=\".3\" transform=\"scale(.1)\" textLength=\"140\">"
	    "42</text>"
	    "<text x=\"510\" y=\"140\" transform=\"scale(.1)\" fill=\"#fff\" "
	    "textLength=\"140\">42</text></g></svg>\n");
	free(svg);

	/* no label: the value box alone, and the title is the value */
	svg = badge_render("", "unavailable", "lightgrey", BADGE_FLAT, NULL);
	cr_assert_not_null(svg);
	cr_expect_null(xml_check(svg));
	cr_expect_null(strstr(svg, "#555"), "no label box:\n%s", svg);
	cr_expect_not_null(strstr(svg, "<title>unavailable</title>"));
	cr_expect_not_null(strstr(svg, "aria-label=\"unavailable\""));
	cr_expect_eq(attr(svg, "<rect", 1, "x"), 0);
	cr_expect_eq(attr(svg, "<rect", 1, "width"),
	    attr(svg, "<svg", 0, "width"));
	cr_expect_eq(attr(svg, "<text", 0, "x"),
	    5 * attr(svg, "<svg", 0, "width"));
	free(svg);
	svg = badge_render(NULL, "1", "blue", BADGE_FLAT, NULL);
	cr_assert_not_null(svg);
	cr_expect_not_null(strstr(svg, "<title>1</title>"));
	free(svg);
	cr_expect_null(badge_render("visits", NULL, "blue", BADGE_FLAT, NULL));

	/* the longest label a user may choose, every byte escaped */
	svg = badge_render("&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&"
	    "&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&", "9223372036854775807",
	    "blue", BADGE_FLAT, NULL);
	cr_assert_not_null(svg);
	why = xml_check(svg);
	cr_expect_null(why, "%s", why);
	geometry(svg, "&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&"
	    "&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&", "9223372036854775807");
	free(svg);
}

/* The checker itself must catch what it is there to catch. */
Test(badge, xml_check)
{
	static const struct {
		const char	*in;
		int		 ok;
	} t[] = {
		{ "<a><b x=\"1\"/>t</a>\n", 1 },
		{ "<a>&amp;&lt;&gt;&quot;&apos;</a>", 1 },
		{ "<a><b></b></a>", 1 },
		{ "<a>", 0 }, { "<a></b>", 0 }, { "<a><b></a></b>", 0 },
		{ "<a>&</a>", 0 }, { "<a>&amp</a>", 0 }, { "<a><</a>", 0 },
		{ "<a>></a>", 0 }, { "<a x=\"<\"/>", 0 }, { "<a x=\"&\"/>", 0 },
		{ "<a x=\"\"\"/>", 0 }, { "<a x=1/>", 0 }, { "<a/><b/>", 0 },
		{ "x<a/>", 0 }, { "<a>\x01</a>", 0 }, { "", 0 },
		{ "<ab></a>", 0 }, { "<a></ab>", 0 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		cr_expect_eq(xml_check(t[i].in) == NULL, t[i].ok, "\"%s\": %s",
		    t[i].in, xml_check(t[i].in));
}

Test(badge, number)
{
	static const struct {
		long long	 n;
		const char	*full;
		const char	*abbrev;
	} t[] = {
		{ 0, "0", "0" }, { 7, "7", "7" }, { 999, "999", "999" },
		{ 1000, "1000", "1k" }, { 1049, "1049", "1k" },
		{ 1099, "1099", "1k" },	/* truncated: 1.099 is not 1.1 */
		{ 1100, "1100", "1.1k" }, { 1234, "1234", "1.2k" },
		{ 1999, "1999", "1.9k" }, { 9999, "9999", "9.9k" },
		{ 10000, "10000", "10k" }, { 12345, "12345", "12k" },
		{ 99999, "99999", "99k" }, { 100000, "100000", "100k" },
		{ 999999, "999999", "999k" },	/* never "1M" early */
		{ 1000000, "1000000", "1M" }, { 3456789, "3456789", "3.4M" },
		{ 10500000, "10500000", "10M" },
		{ 999999999, "999999999", "999M" },
		{ 1000000000, "1000000000", "1G" },
		{ 1234567890123LL, "1234567890123", "1.2T" },
		{ 1000000000000000LL, "1000000000000000", "1P" },
		{ 9007199254740992LL, "9007199254740992", "9P" },
		{ 1000000000000000000LL, "1000000000000000000", "1E" },
		{ 9223372036854775807LL, "9223372036854775807", "9.2E" },
		{ -1, "-1", "-1" }, { -5000, "-5000", "-5000" },
	};
	char	 out[BADGE_NUMBER_MAX];
	size_t	 i;

	for (i = 0; i < NELEM(t); i++) {
		cr_expect_str_eq(badge_number(t[i].n, 0, out), t[i].full,
		    "%lld", t[i].n);
		cr_expect_str_eq(badge_number(t[i].n, 1, out), t[i].abbrev,
		    "%lld abbreviated", t[i].n);
		if (t[i].n >= 0)
			cr_expect_leq(strlen(out), 4, "%lld: at most 4 "
			    "characters", t[i].n);
	}
}

Test(badge, style_parse)
{
	static const struct {
		const char	*in;
		int		 want;	/* -1: refused */
	} t[] = {
		{ "flat", BADGE_FLAT }, { "flat-square", BADGE_FLAT_SQUARE },
		{ "plastic", BADGE_PLASTIC },
		{ "for-the-badge", BADGE_FOR_THE_BADGE },
		{ "social", BADGE_SOCIAL },
		{ "", -1 }, { "Flat", -1 }, { "FLAT", -1 }, { "flat ", -1 },
		{ "flat_square", -1 }, { "flatsquare", -1 }, { "popout", -1 },
		{ "for-the", -1 }, { "social\n", -1 }, { "fla", -1 },
	};
	enum badge_style	 st;
	size_t			 i;

	for (i = 0; i < NELEM(t); i++) {
		st = BADGE_STYLE__MAX;
		cr_expect_eq(badge_style_parse(t[i].in, &st),
		    t[i].want == -1 ? -1 : 0, "\"%s\"", t[i].in);
		cr_expect_eq((int)st, t[i].want == -1 ? BADGE_STYLE__MAX :
		    t[i].want, "\"%s\"", t[i].in);
		if (t[i].want != -1)
			cr_expect_str_eq(badge_style_name(st), t[i].in);
	}
	cr_expect_eq(badge_style_parse(NULL, &st), -1);
}

/*
 * Every style: well-formed (xml_check, and xmllint when installed, which
 * reads the title back), the style's height, the label and value each
 * drawn in a box of the style's padding that holds the text, in the
 * colour asked for (social: in none), escaping intact, and a longer
 * number never narrower.
 */
Test(badge, render_styles)
{
	static const struct {
		enum badge_style st;
		long		 height;
		const char	*fill;	/* the value's box, or NULL */
		const char	*label;	/* the label as drawn */
		const char	*value;	/* the value as drawn */
	} t[] = {
		{ BADGE_FLAT, 20, "<rect x=\"", "visits", "1.2k" },
		{ BADGE_FLAT_SQUARE, 20, "<rect x=\"", "visits", "1.2k" },
		{ BADGE_PLASTIC, 18, "<rect x=\"", "visits", "1.2k" },
		{ BADGE_FOR_THE_BADGE, 28, "<rect x=\"", "VISITS", "1.2K" },
		{ BADGE_SOCIAL, 20, NULL, "visits", "1.2k" },
	};
	char		 title[256], want[64];
	const char	*why;
	char		*svg, *svg2;
	size_t		 i, len;

	for (i = 0; i < NELEM(t); i++) {
		svg = badge_render("visits", "1.2k", "e05d44", t[i].st, &len);
		cr_assert_not_null(svg, "style %zu", i);
		cr_expect_eq(len, strlen(svg));
		why = xml_check(svg);
		cr_expect_null(why, "style %zu: %s\n%s", i, why, svg);
		cr_expect_eq(attr(svg, "<svg", 0, "height"), t[i].height,
		    "style %zu", i);
		snprintf(want, sizeof(want), ">%s</text>", t[i].label);
		cr_expect_not_null(strstr(svg, want), "style %zu: %s\n%s", i,
		    want, svg);
		snprintf(want, sizeof(want), ">%s</text>", t[i].value);
		cr_expect_not_null(strstr(svg, want), "style %zu: %s\n%s", i,
		    want, svg);
		cr_expect_not_null(strstr(svg, "<title>visits: 1.2k</title>"),
		    "style %zu: the title keeps the label as given", i);
		if (t[i].fill != NULL)
			cr_expect_not_null(strstr(svg, "fill=\"#e05d44\""),
			    "style %zu: the colour", i);
		else
			cr_expect_null(strstr(svg, "#e05d44"),
			    "social draws no colour");
		if (xmllint_title(svg, title, sizeof(title)) == 0)
			cr_expect_str_eq(title, "visits: 1.2k");
		/* A longer value: a wider badge, the label's box the same. */
		svg2 = badge_render("visits", "123456789", "red", t[i].st,
		    NULL);
		cr_assert_not_null(svg2);
		cr_expect_gt(attr(svg2, "<svg", 0, "width"),
		    attr(svg, "<svg", 0, "width"), "style %zu", i);
		free(svg2);
		/* Hostile text is escaped in every style. */
		svg2 = badge_render("<a href=\"x\">&", "<b>", "red", t[i].st,
		    NULL);
		cr_assert_not_null(svg2);
		why = xml_check(svg2);
		cr_expect_null(why, "style %zu: %s\n%s", i, why, svg2);
		cr_expect_null(strstr(svg2, "<a "), "style %zu", i);
		free(svg2);
		/* No label: the value alone, still well-formed. */
		svg2 = badge_render("", "unavailable", "lightgrey", t[i].st,
		    NULL);
		cr_assert_not_null(svg2);
		cr_expect_null(xml_check(svg2), "style %zu", i);
		cr_expect_null(strstr(svg2, "#555"), "style %zu: no label",
		    i);
		free(svg2);
		free(svg);
	}
	cr_expect_null(badge_render("visits", "1", "blue", BADGE_STYLE__MAX,
	    NULL));
	cr_expect_null(badge_render("visits", "1", "pink", BADGE_SOCIAL,
	    NULL), "social checks the colour too");
}

/*
 * The square styles: the boxes side by side with the style's padding,
 * each text's textLength its box less the padding, centred in it.
 */
Test(badge, render_square_geometry)
{
	static const struct {
		enum badge_style st;
		long		 pad;
		long		 h;
	} t[] = {
		{ BADGE_FLAT_SQUARE, PAD, 20 },
		{ BADGE_FOR_THE_BADGE, 9, 28 },
	};
	char	*svg;
	long	 total, lw, vx, vw;
	size_t	 i;

	for (i = 0; i < NELEM(t); i++) {
		svg = badge_render("visits", "9223372036854775807", "blue",
		    t[i].st, NULL);
		cr_assert_not_null(svg);
		total = attr(svg, "<svg", 0, "width");
		lw = attr(svg, "<rect", 0, "width");
		vx = attr(svg, "<rect", 1, "x");
		vw = attr(svg, "<rect", 1, "width");
		cr_expect_eq(attr(svg, "<rect", 0, "height"), t[i].h);
		cr_expect_eq(vx, lw, "style %zu: side by side", i);
		cr_expect_eq(lw + vw, total);
		cr_expect_eq(attr(svg, "<text", 0, "textLength"),
		    10 * (lw - 2 * t[i].pad), "style %zu", i);
		cr_expect_eq(attr(svg, "<text", 1, "textLength"),
		    10 * (vw - 2 * t[i].pad), "style %zu", i);
		cr_expect_eq(attr(svg, "<text", 0, "x"), 5 * lw);
		cr_expect_eq(attr(svg, "<text", 1, "x"), 10 * lw + 5 * vw);
		free(svg);
	}
	/*
	 * for-the-badge: 10 px capitals, spread by 1.25 px each, the value
	 * bold (12% wider): "VISITS" is 38.60 px of Verdana 11px.
	 */
	svg = badge_render("visits", "42", "blue", BADGE_FOR_THE_BADGE, NULL);
	cr_assert_not_null(svg);
	cr_expect_eq(attr(svg, "<text", 0, "textLength"),
	    10 * (long)(38.60 * 10 / 11 + 6 * 1.25 + 1));
	cr_expect_eq(attr(svg, "<text", 1, "textLength"),
	    10 * (long)((13.98 * 10 / 11 + 2 * 1.25) * 1.12 + 1));
	cr_expect_not_null(strstr(svg, "font-weight=\"bold\">42</text>"));
	free(svg);
}

/* social: the label's button, a gap for the nub, then the bubble. */
Test(badge, render_social)
{
	char	*svg;
	long	 lw, bx, bw, total;

	svg = badge_render("visits", "42", "blue", BADGE_SOCIAL, NULL);
	cr_assert_not_null(svg);
	total = attr(svg, "<svg", 0, "width");
	lw = attr(svg, "<rect", 0, "width") + 1;
	bx = attr(svg, "<rect", 2, "x");	/* 45.5 reads as 45 */
	bw = attr(svg, "<rect", 2, "width") + 1;
	cr_expect_eq(bx, lw + 6, "a 6 px gap for the nub");
	cr_expect_eq(bx + bw, total);
	cr_expect_not_null(strstr(svg, "<path d=\"M"), "the nub");
	cr_expect_not_null(strstr(svg, "fill=\"#333\""), "dark text");
	cr_expect_eq(attr(svg, "<text", 3, "x"), 10 * bx + 5 * bw,
	    "the value centred in the bubble");
	free(svg);
}

/* The pixel: a GIF89a of 1x1, and nothing else. */
Test(badge, pixel)
{
	const unsigned char	*p;
	size_t			 n;

	p = badge_pixel(&n);
	cr_assert_eq(n, 43);
	cr_expect_eq(memcmp(p, "GIF89a\x01\x00\x01\x00", 10), 0);
	cr_expect_eq(p[n - 1], 0x3b, "the trailer");
	cr_expect_eq(p[19], 0x21, "a graphic control extension");
	cr_expect_eq(p[22] & 1, 1, "transparent");
}
