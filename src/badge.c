/*
 * badge.c: the SVG counter badge, drawn like shields.io's "flat" style
 * (a grey label part and a coloured value part, a faint gradient,
 * rounded corners, white text over a dark shadow copy), so that it sits
 * beside the other badges of a README.  Pure: no I/O, no state.
 *
 * SVG text is laid out by the viewer with whatever font it has, so the
 * badge cannot ask how wide its text is.  Like shields, we measure the
 * text in Verdana 11px from a table of advance widths, size the boxes
 * from that, and give each <text> a textLength so that a viewer whose
 * fallback font is wider or narrower stretches the spacing to fit the
 * box instead of running over its edge.
 *
 * Everything the user chose (label, value) is escaped for XML, and
 * anything that is not a printable XML character becomes U+FFFD, so
 * the output is well-formed whatever bytes it is given.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define BADGE_PAD	5	/* px left and right of each text */
#define BADGE_LABEL_BG	"#555"

/*
 * Advance widths of ASCII 0x20-0x7e in Verdana at 11px, in hundredths
 * of a pixel: Verdana's advance widths (2048 units per em) times 11/2048,
 * the numbers shields.io measures with (its anafanafo tables).  Integers,
 * so that a sum is exact and rounding it up is too.
 */
static const unsigned short badge_adv[0x7f - 0x20] = {
	 387,  433,  505,  900,  699, 1184,  799,  295,	/*  !"#$%&' */
	 500,  500,  699,  900,  400,  500,  400,  500,	/* ()*+,-./ */
	 699,  699,  699,  699,  699,  699,  699,  699,	/* 01234567 */
	 699,  699,  500,  500,  900,  900,  900,  600,	/* 89:;<=>? */
	1100,  752,  754,  768,  848,  696,  632,  853,	/* @ABCDEFG */
	 827,  463,  500,  762,  612,  927,  823,  866,	/* HIJKLMNO */
	 663,  866,  765,  752,  678,  805,  752, 1088,	/* PQRSTUVW */
	 754,  677,  754,  500,  500,  500,  900,  699,	/* XYZ[\]^_ */
	 699,  661,  685,  573,  685,  655,  387,  685,	/* `abcdefg */
	 696,  302,  379,  651,  302, 1070,  696,  668,	/* hijklmno */
	 685,  685,  469,  573,  433,  696,  651,  900,	/* pqrstuvw */
	 651,  651,  578,  698,  500,  698,  900	/* xyz{|}~ */
};

/*
 * Every other code point, and every byte that is not UTF-8 (drawn as
 * U+FFFD): the text is in a font we cannot know, so count it as wide
 * as anything a viewer may plausibly draw.  A CJK ideograph is a full
 * em (11px, wider than Verdana's 'W', 10.88px); a colour emoji is about
 * 1.25 em.  Too wide only spreads the letters (textLength); too narrow
 * would squeeze them together.
 */
#define BADGE_ADV_WIDE	1375

/*
 * Decode one UTF-8 sequence (RFC 3629) from s[0..n-1] into *cp.
 * Returns its length, 1 to 4, or 0 if s does not start with a valid
 * sequence: a stray continuation byte, a truncated sequence, an overlong
 * form, a surrogate (U+D800-U+DFFF) or a code point over U+10FFFF.
 */
static size_t
badge_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t	 c, min;
	size_t		 len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2; c = s[0] & 0x1f; min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3; c = s[0] & 0x0f; min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4; c = s[0] & 0x07; min = 0x10000;
	} else
		return 0;	/* continuation, C0/C1 (overlong), F5-FF */
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/*
 * May cp appear in a badge as itself?  Not the C0 and C1 controls and
 * DEL (invisible, and XML 1.0 forbids most C0 ones), nor U+FFFE and
 * U+FFFF, which are not XML 1.0 characters either.
 */
static int
badge_printable(uint32_t cp)
{
	return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f) &&
	    cp != 0xfffe && cp != 0xffff;
}

/*
 * Is s a label a user may choose: 1 to BADGE_LABEL_MAX bytes of valid
 * UTF-8, every character printable (see badge_printable)?  Returns 1
 * or 0.  Pure.
 */
int
badge_label_valid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, len;
	uint32_t		 cp;

	if (s == NULL || (n = strlen(s)) == 0 || n > BADGE_LABEL_MAX)
		return 0;
	while (n > 0) {
		if ((len = badge_utf8(p, n, &cp)) == 0 || !badge_printable(cp))
			return 0;
		p += len;
		n -= len;
	}
	return 1;
}

/*
 * The width of s in hundredths of a pixel, each character as badge_adv
 * says (a-z as A-Z if upper), anything else (non-ASCII, control,
 * invalid byte) as BADGE_ADV_WIDE.  An invalid byte counts alone, as
 * badge_render draws each one as a U+FFFD.
 */
static size_t
badge_width100(const char *s, int upper)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, len, w = 0;
	uint32_t		 cp;

	if (s == NULL)
		return 0;
	for (n = strlen(s); n > 0; p += len, n -= len) {
		if ((len = badge_utf8(p, n, &cp)) == 0) {
			len = 1;
			cp = 0xfffd;
		}
		if (upper && cp >= 'a' && cp <= 'z')
			cp -= 'a' - 'A';
		if (len == 1 && cp >= 0x20 && cp < 0x7f)
			w += badge_adv[cp - 0x20];
		else
			w += BADGE_ADV_WIDE;
	}
	return w;
}

/*
 * The width in px of utf8 set in Verdana 11px (see badge_adv and
 * BADGE_ADV_WIDE); 0 for NULL.  Pure.
 */
double
badge_text_width(const char *utf8)
{
	return (double)badge_width100(utf8, 0) / 100.0;
}

/*
 * The colours shields.io names, with its aliases, in its own hex.  Names
 * are matched without regard to case.
 */
static const struct {
	const char	*name;
	const char	*hex;
} badge_colors[] = {
	{ "brightgreen", "#4c1" },
	{ "green", "#97ca00" },
	{ "yellowgreen", "#a4a61d" },
	{ "yellow", "#dfb317" },
	{ "orange", "#fe7d37" },
	{ "red", "#e05d44" },
	{ "blue", "#007ec6" },
	{ "lightgrey", "#9f9f9f" },
	{ "lightgray", "#9f9f9f" },
	{ "grey", "#555" },
	{ "gray", "#555" },
	{ "success", "#4c1" },
	{ "important", "#fe7d37" },
	{ "critical", "#e05d44" },
	{ "informational", "#007ec6" },
	{ "inactive", "#9f9f9f" },
};

/*
 * Parse a colour as a user writes it in ?color=: a name of badge_colors
 * or 3 or 6 hex digits without '#' (a '#' would have to be written %23
 * in a URL, shields takes none either).  Writes "#rgb" or "#rrggbb", in
 * lower case, NUL-terminated, into out.  Returns 0, or -1 for anything
 * else, leaving out untouched.  Pure.
 */
int
badge_color_parse(const char *s, char out[8])
{
	size_t	 i, n;

	if (s == NULL)
		return -1;
	for (i = 0; i < NELEM(badge_colors); i++)
		if (strcasecmp(s, badge_colors[i].name) == 0) {
			strcpy(out, badge_colors[i].hex);
			return 0;
		}
	n = strlen(s);
	if (n != 3 && n != 6)
		return -1;
	for (i = 0; i < n; i++)
		if (hex_digit((unsigned char)s[i]) == -1)
			return -1;
	out[0] = '#';
	for (i = 0; i < n; i++)
		out[i + 1] = (s[i] >= 'A' && s[i] <= 'F') ?
		    s[i] - 'A' + 'a' : s[i];
	out[n + 1] = '\0';
	return 0;
}

/*
 * Is s a colour as badge_color_parse writes it: '#' and 3 or 6 lower
 * case hex digits?
 */
static int
badge_color_written(const char *s)
{
	size_t	 i, n;

	if (s == NULL || s[0] != '#')
		return 0;
	n = strlen(s + 1);
	if (n != 3 && n != 6)
		return 0;
	for (i = 1; i <= n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/*
 * The SVG being written.  A first pass with buf NULL only counts, so
 * that one malloc of the exact size follows.
 */
struct badge_out {
	char	*buf;
	size_t	 len;
};

static void
badge_put(struct badge_out *o, const char *s, size_t n)
{
	if (o->buf != NULL)
		memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
badge_puts(struct badge_out *o, const char *s)
{
	badge_put(o, s, strlen(s));
}

static void
badge_putn(struct badge_out *o, size_t v)
{
	char	 num[24];
	int	 n;

	n = snprintf(num, sizeof(num), "%zu", v);
	badge_put(o, num, (size_t)n);
}

/*
 * Write s as XML character data that is also safe in an attribute
 * value: the five predefined entities for & < > " ', U+FFFD for every
 * invalid byte and every character badge_printable refuses; a-z as A-Z
 * if upper.
 */
static void
badge_put_text(struct badge_out *o, const char *s, int upper)
{
	char	 c;

	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, len;
	uint32_t		 cp;

	for (n = strlen(s); n > 0; p += len, n -= len) {
		if ((len = badge_utf8(p, n, &cp)) == 0) {
			len = 1;
			badge_puts(o, "\xef\xbf\xbd");
			continue;
		}
		if (!badge_printable(cp)) {
			badge_puts(o, "\xef\xbf\xbd");
			continue;
		}
		switch (cp) {
		case '&':
			badge_puts(o, "&amp;");
			break;
		case '<':
			badge_puts(o, "&lt;");
			break;
		case '>':
			badge_puts(o, "&gt;");
			break;
		case '"':
			badge_puts(o, "&quot;");
			break;
		case '\'':
			badge_puts(o, "&apos;");
			break;
		default:
			if (upper && cp >= 'a' && cp <= 'z') {
				c = (char)(cp - ('a' - 'A'));
				badge_put(o, &c, 1);
			} else
				badge_put(o, (const char *)p, len);
			break;
		}
	}
}


/*
 * The styles, shields.io's names, indexed by enum badge_style.  What
 * sets one apart from the others:
 *   flat		20 px, rounded (rx 3), a faint gradient, text shadows
 *   flat-square	20 px, square, flat colours, no shadows
 *   plastic		18 px, rounder (rx 4), a glossy gradient, shadows
 *   for-the-badge	28 px, square, 10 px capitals spread out, the
 *			value bold
 *   social		20 px, a light button with a bold label and a
 *			speech bubble for the value, dark text; no colour
 */
static const struct badge_look {
	const char	*name;
	unsigned int	 height;	/* px */
	unsigned int	 font;		/* font-size, 1/10 px */
	unsigned int	 pad;		/* px either side of a text */
	unsigned int	 text_y;	/* the baseline, 1/10 px */
	unsigned int	 shadow_y;	/* its shadow's; 0: none */
	unsigned int	 spacing;	/* 1/100 px per character */
	int		 upper;		/* capitals */
	int		 bold;		/* 1: the value, 2: both */
} badge_looks[BADGE_STYLE__MAX] = {
	{ "flat", 20, 110, BADGE_PAD, 140, 150, 0, 0, 0 },
	{ "flat-square", 20, 110, BADGE_PAD, 140, 0, 0, 0, 0 },
	{ "plastic", 18, 110, BADGE_PAD, 130, 140, 0, 0, 0 },
	{ "for-the-badge", 28, 100, 9, 175, 0, 125, 1, 1 },
	{ "social", 20, 110, 6, 140, 150, 0, 0, 2 },
};

/*
 * Verdana Bold is about 12% wider than Verdana (its digits 1423 units
 * to 1302, its capitals 11 to 13% more): a bold text's box is the
 * regular width times this, in percent.
 */
#define BADGE_BOLD	112

/* The gap in px between social's button and its bubble (the nub's). */
#define BADGE_NUB	6

/*
 * Parse a style name as a user writes it in ?style= (exactly, in lower
 * case, as shields) into *out.  Returns 0, or -1 leaving *out alone.
 * Pure.
 */
int
badge_style_parse(const char *s, enum badge_style *out)
{
	int	 i;

	if (s == NULL)
		return -1;
	for (i = 0; i < BADGE_STYLE__MAX; i++)
		if (strcmp(s, badge_looks[i].name) == 0) {
			*out = (enum badge_style)i;
			return 0;
		}
	return -1;
}

const char *
badge_style_name(enum badge_style st)
{
	return badge_looks[st].name;
}

/*
 * n as a badge shows it: all digits, or with abbrev at most three
 * significant digits and a suffix (k, M, G, T, P, E: powers of 1000, SI
 * symbols) once n reaches 1000: "999", "1k", "1.2k", "12k", "999k",
 * "3.4M".  Truncated, never rounded, so that a badge never claims a
 * thousand visits before the thousandth (999999 is "999k", not "1M"),
 * and one decimal below 10 only when it is not 0 ("1k", not "1.0k").
 * Negative numbers are written in full.  Writes to out (at least
 * BADGE_NUMBER_MAX bytes) and returns out.  Pure.
 */
char *
badge_number(long long n, int abbrev, char out[BADGE_NUMBER_MAX])
{
	static const char	 units[] = "kMGTPE";
	long long		 d = 1;
	size_t			 u = 0;

	if (!abbrev || n < 1000) {
		snprintf(out, BADGE_NUMBER_MAX, "%lld", n);
		return out;
	}
	/* The largest power of 1000 not above n: 2^63 is 9.2E. */
	while (u < sizeof(units) - 1 && n / d >= 1000) {
		d *= 1000;
		u++;
	}
	if (n / d < 10 && (n % d) / (d / 10) != 0)
		snprintf(out, BADGE_NUMBER_MAX, "%lld.%lld%c", n / d,
		    (n % d) / (d / 10), units[u - 1]);
	else
		snprintf(out, BADGE_NUMBER_MAX, "%lld%c", n / d, units[u - 1]);
	return out;
}

/* The number of characters in s as badge_put_text draws them. */
static size_t
badge_chars(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, len, c = 0;
	uint32_t		 cp;

	for (n = strlen(s); n > 0; p += len, n -= len, c++)
		if ((len = badge_utf8(p, n, &cp)) == 0)
			len = 1;
	return c;
}

/*
 * The width in whole px of s drawn in look k, bold or not: Verdana 11px
 * widths scaled to k's font, plus its letter spacing, rounded up.
 */
static size_t
badge_measure(const struct badge_look *k, const char *s, int bold)
{
	size_t	 w;

	w = badge_width100(s, k->upper) * k->font / 110 +
	    badge_chars(s) * k->spacing;
	if (bold)
		w = w * BADGE_BOLD / 100;
	return (w + 99) / 100;
}

/* A <text>'s end: its textLength, weight, the text and the end tag. */
static void
badge_put_text_end(struct badge_out *o, const struct badge_look *k,
    const char *s, size_t w, const char *weight)
{
	badge_puts(o, " textLength=\"");
	badge_putn(o, w * 10);
	badge_puts(o, "\"");
	badge_puts(o, weight);
	badge_puts(o, ">");
	badge_put_text(o, s, k->upper);
	badge_puts(o, "</text>");
}

/*
 * One text of the badge, centred at x10, w px wide, in k's look: first
 * its shadow (if k has one) in shadow at shadow_op opacity, then the
 * text in fill.  Coordinates are in tenths of a pixel (font-size 110,
 * scale(.1)), as shields does, so that a centre at a half pixel is still
 * an integer.
 */
static void
badge_put_texts(struct badge_out *o, const struct badge_look *k,
    const char *s, size_t x10, size_t w, int bold, const char *fill,
    const char *shadow, const char *shadow_op)
{
	const char	*weight = bold ? " font-weight=\"bold\"" : "";

	if (k->shadow_y != 0) {
		badge_puts(o, "<text aria-hidden=\"true\" x=\"");
		badge_putn(o, x10);
		badge_puts(o, "\" y=\"");
		badge_putn(o, k->shadow_y);
		badge_puts(o, "\" fill=\"");
		badge_puts(o, shadow);
		badge_puts(o, "\" fill-opacity=\"");
		badge_puts(o, shadow_op);
		badge_puts(o, "\" transform=\"scale(.1)\"");
		badge_put_text_end(o, k, s, w, weight);
	}
	badge_puts(o, "<text x=\"");
	badge_putn(o, x10);
	badge_puts(o, "\" y=\"");
	badge_putn(o, k->text_y);
	badge_puts(o, "\" transform=\"scale(.1)\" fill=\"");
	badge_puts(o, fill);
	badge_puts(o, "\"");
	badge_put_text_end(o, k, s, w, weight);
}

/* A rect: x, y ("" for none), width, height, and the rest of it. */
static void
badge_put_rect(struct badge_out *o, const char *x, size_t w, size_t h,
    const char *rest)
{
	badge_puts(o, "<rect ");
	badge_puts(o, x);
	badge_puts(o, "width=\"");
	badge_putn(o, w);
	badge_puts(o, "\" height=\"");
	badge_putn(o, h);
	badge_puts(o, "\" ");
	badge_puts(o, rest);
	badge_puts(o, "/>");
}

/* A number and ".5": a line centred on a pixel's middle. */
static void
badge_puthalf(struct badge_out *o, size_t v)
{
	badge_putn(o, v);
	badge_puts(o, ".5");
}

/*
 * social's background: a light button with a 1 px border for the
 * label, then a white bubble for the value whose nub points at the
 * button.  The lines lie on half pixels, so that they are one sharp
 * pixel wide.
 */
static void
badge_put_social(struct badge_out *o, size_t lpart, size_t vpart)
{
	size_t	 bx;

	badge_puts(o, "<linearGradient id=\"a\" x2=\"0\" y2=\"100%\">"
	    "<stop offset=\"0\" stop-color=\"#fcfcfc\" stop-opacity=\"0\"/>"
	    "<stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>"
	    "<g stroke=\"#d5d5d5\">");
	if (lpart > 0) {
		badge_put_rect(o, "x=\".5\" y=\".5\" ", lpart - 1, 19,
		    "rx=\"2\" fill=\"#fcfcfc\"");
		badge_put_rect(o, "x=\".5\" y=\".5\" ", lpart - 1, 19,
		    "rx=\"2\" fill=\"url(#a)\"");
	}
	bx = lpart > 0 ? lpart + BADGE_NUB : 0;
	badge_puts(o, "<rect x=\"");
	badge_puthalf(o, bx);
	badge_puts(o, "\" y=\".5\" width=\"");
	badge_putn(o, vpart - 1);
	badge_puts(o, "\" height=\"19\" rx=\"2\" fill=\"#fafafa\"/>");
	if (lpart > 0) {
		/* The nub, then the bubble's border under it painted over. */
		badge_puts(o, "<path d=\"M");
		badge_puthalf(o, bx);
		badge_puts(o, " 6.5l-3 3.5 3 3.5\" fill=\"#fafafa\"/>"
		    "<path d=\"M");
		badge_putn(o, bx);
		badge_puts(o, " 7.5h1v5h-1z\" fill=\"#fafafa\" "
		    "stroke=\"none\"/>");
	}
	badge_puts(o, "</g>");
}

/*
 * Write the whole badge in look k.  lw, vw: the label's and the value's
 * text widths in whole px; an empty label: no label part.
 */
static void
badge_put_svg(struct badge_out *o, const struct badge_look *k,
    const char *label, const char *value, const char *color, size_t lw,
    size_t vw)
{
	size_t	 lpart, vpart, total, vx;
	int	 social = k == &badge_looks[BADGE_SOCIAL];

	lpart = label[0] == '\0' ? 0 : lw + 2 * k->pad;
	vpart = vw + 2 * k->pad;
	vx = social && lpart > 0 ? lpart + BADGE_NUB : lpart;
	total = vx + vpart;

	badge_puts(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
	badge_putn(o, total);
	badge_puts(o, "\" height=\"");
	badge_putn(o, k->height);
	badge_puts(o, "\" role=\"img\" aria-label=\"");
	if (lpart > 0) {
		badge_put_text(o, label, 0);
		badge_puts(o, ": ");
	}
	badge_put_text(o, value, 0);
	badge_puts(o, "\"><title>");
	if (lpart > 0) {
		badge_put_text(o, label, 0);
		badge_puts(o, ": ");
	}
	badge_put_text(o, value, 0);
	badge_puts(o, "</title>");

	if (social)
		badge_put_social(o, lpart, vpart);
	else if (k->shadow_y == 0)
		badge_puts(o, "<g shape-rendering=\"crispEdges\">");
	else {
		badge_puts(o, "<linearGradient id=\"s\" x2=\"0\" y2=\"100%\">");
		if (k == &badge_looks[BADGE_PLASTIC])
			badge_puts(o, "<stop offset=\"0\" stop-color=\"#fff\" "
			    "stop-opacity=\".7\"/><stop offset=\".1\" "
			    "stop-color=\"#aaa\" stop-opacity=\".1\"/>"
			    "<stop offset=\".9\" stop-opacity=\".3\"/>"
			    "<stop offset=\"1\" stop-opacity=\".5\"/>");
		else
			badge_puts(o, "<stop offset=\"0\" stop-color=\"#bbb\" "
			    "stop-opacity=\".1\"/>"
			    "<stop offset=\"1\" stop-opacity=\".1\"/>");
		badge_puts(o, "</linearGradient><clipPath id=\"r\">");
		badge_put_rect(o, "", total, k->height,
		    k == &badge_looks[BADGE_PLASTIC] ?
		    "rx=\"4\" fill=\"#fff\"" : "rx=\"3\" fill=\"#fff\"");
		badge_puts(o, "</clipPath><g clip-path=\"url(#r)\">");
	}
	if (!social) {
		if (lpart > 0)
			badge_put_rect(o, "", lpart, k->height,
			    "fill=\"" BADGE_LABEL_BG "\"");
		badge_puts(o, "<rect x=\"");
		badge_putn(o, lpart);
		badge_puts(o, "\" width=\"");
		badge_putn(o, vpart);
		badge_puts(o, "\" height=\"");
		badge_putn(o, k->height);
		badge_puts(o, "\" fill=\"");
		badge_puts(o, color);
		badge_puts(o, "\"/>");
		if (k->shadow_y != 0)
			badge_put_rect(o, "", total, k->height,
			    "fill=\"url(#s)\"");
		badge_puts(o, "</g>");
	}

	badge_puts(o, "<g fill=\"#fff\" text-anchor=\"middle\" "
	    "font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" "
	    "text-rendering=\"geometricPrecision\" font-size=\"");
	badge_putn(o, k->font);
	badge_puts(o, "\">");
	if (lpart > 0)
		badge_put_texts(o, k, label, lpart * 5, lw, k->bold == 2,
		    social ? "#333" : "#fff", social ? "#fff" : "#010101",
		    social ? ".7" : ".3");
	badge_put_texts(o, k, value, vx * 10 + vpart * 5, vw, k->bold != 0,
	    social ? "#333" : "#fff", social ? "#fff" : "#010101",
	    social ? ".7" : ".3");
	badge_puts(o, "</g></svg>\n");
}

/*
 * Draw the badge "label: value" in style st with the value part in
 * color: a colour that badge_color_parse accepts or one that it writes
 * ("#rgb", "#rrggbb"); social draws no colour but checks it all the
 * same.  The caller formats the value (badge_number) and checks a
 * user's label with badge_label_valid; any bytes are drawn safely all
 * the same.  An empty or NULL label draws the value part alone.  Each
 * part is its text's width (badge_measure), rounded up to a whole px,
 * plus the style's padding on either side.  Returns the SVG,
 * NUL-terminated, its length (without the NUL) in *len if len is not
 * NULL, to be freed by the caller; NULL if the colour is not one, the
 * value is NULL, the style is not one, or memory runs out.
 *
 * The badge for a count that cannot be read (the database is down) is
 * meant to be (label, "unavailable", "lightgrey"): grey is what shields
 * draws for "no data" (its "inactive"), where red would say that the
 * page itself is broken, and the label stays the one the page asked
 * for, so the badge keeps its place and size class in the README.
 */
char *
badge_render(const char *label, const char *value, const char *color,
    enum badge_style st, size_t *len)
{
	struct badge_out	 o = { NULL, 0 };
	const struct badge_look	*k;
	char			 hex[8];
	size_t			 lw, vw;

	if (value == NULL || color == NULL || st < 0 ||
	    st >= BADGE_STYLE__MAX)
		return NULL;
	k = &badge_looks[st];
	if (label == NULL)
		label = "";
	if (badge_color_written(color))
		strcpy(hex, color);
	else if (badge_color_parse(color, hex) == -1)
		return NULL;
	lw = badge_measure(k, label, k->bold == 2);
	vw = badge_measure(k, value, k->bold != 0);

	badge_put_svg(&o, k, label, value, hex, lw, vw);
	if ((o.buf = malloc(o.len + 1)) == NULL)
		return NULL;
	o.len = 0;
	badge_put_svg(&o, k, label, value, hex, lw, vw);
	o.buf[o.len] = '\0';
	if (len != NULL)
		*len = o.len;
	return o.buf;
}

/*
 * The counting pixel: a GIF89a (the GIF89a specification, 1990) of one
 * transparent pixel, 43 bytes, written out here field by field.  GIF
 * because every mail client and browser since 1990 draws it.
 */
static const unsigned char badge_gif[] = {
	'G', 'I', 'F', '8', '9', 'a',
	0x01, 0x00, 0x01, 0x00,	/* logical screen 1 x 1 */
	0x80,			/* a global colour table of 2 entries */
	0x00, 0x00,		/* background colour 0, no aspect ratio */
	0x00, 0x00, 0x00,	/* colour 0: black (transparent below) */
	0xff, 0xff, 0xff,	/* colour 1: white */
	0x21, 0xf9, 0x04,	/* graphic control extension, 4 bytes: */
	0x01, 0x00, 0x00,	/*   transparency on, no delay */
	0x00, 0x00,		/*   colour 0 is transparent; end */
	0x2c,			/* image descriptor: */
	0x00, 0x00, 0x00, 0x00,	/*   at 0, 0 */
	0x01, 0x00, 0x01, 0x00,	/*   1 x 1 */
	0x00,			/*   no local colour table */
	0x02,			/* LZW minimum code size 2 */
	/*
	 * One sub-block of 2 bytes: the 3-bit codes clear (4), colour 0,
	 * end (5), packed from the low bit up: 100 000 101.
	 */
	0x02, 0x44, 0x01,
	0x00,			/* no more sub-blocks */
	0x3b,			/* trailer */
};

/* The pixel's bytes, *len of them; static, never freed. */
const unsigned char *
badge_pixel(size_t *len)
{
	*len = sizeof(badge_gif);
	return badge_gif;
}
