/*
 * badge_color_parse, badge_label_valid, badge_text_width, badge_render
 * in every style, badge_style_parse and badge_number: a user's ?label=,
 * ?color= and ?style= drawn into an SVG.  Input: "label\nvalue\ncolor".
 */
#include "config.h"

#include "footfall.h"
#include "fuzz.h"

/* How many times c occurs in s. */
static size_t
fuzz_count(const char *s, int c)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (*s == c)
			n++;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s, *p, *svg, *ref, *f[3] = { NULL, NULL, NULL };
	char		 hex[8], num[BADGE_NUMBER_MAX];
	const char	*label, *value;
	size_t		 i, len, n;
	enum badge_style st, parsed;

	p = s = fuzz_str(data, size);
	for (i = 0; i < 3 && p != NULL; i++)
		f[i] = strsep(&p, "\n");
	label = f[0];
	value = f[1] != NULL ? f[1] : "1";

	if (badge_label_valid(label)) {
		n = strlen(label);
		FUZZ_CHECK(n >= 1 && n <= BADGE_LABEL_MAX);
		for (i = 0; i < n; i++)
			FUZZ_CHECK((unsigned char)label[i] >= 0x20 &&
			    label[i] != 0x7f);
	}
	/*
	 * Each byte is 2.95 px at least (Verdana's narrowest, '\'') and
	 * 13.75 px at most (an invalid byte, drawn as a wide U+FFFD).
	 */
	n = strlen(label);
	FUZZ_CHECK(badge_text_width(label) >= 2.95 * (double)n - 1e-6);
	FUZZ_CHECK(badge_text_width(label) <= 13.75 * (double)n + 1e-6);

	if (f[2] != NULL && badge_color_parse(f[2], hex) == 0) {
		n = strlen(hex);
		FUZZ_CHECK(hex[0] == '#' && (n == 4 || n == 7));
		for (i = 1; i < n; i++)
			FUZZ_CHECK((hex[i] >= '0' && hex[i] <= '9') ||
			    (hex[i] >= 'a' && hex[i] <= 'f'));
	}

	/*
	 * Whatever the label and value, the SVG of each style has exactly
	 * the markup of a harmless badge of the same style and shape: the
	 * same number of '<', '>' and '"', so no user byte became markup.
	 */
	for (st = 0; st < BADGE_STYLE__MAX; st++) {
		svg = badge_render(label, value, f[2] != NULL ? f[2] : "blue",
		    st, &len);
		if (svg == NULL) {
			FUZZ_CHECK(f[2] != NULL);  /* "blue" is a colour */
			continue;
		}
		FUZZ_CHECK(len == strlen(svg));
		ref = badge_render(label[0] == '\0' ? "" : "a", "1", "blue",
		    st, NULL);
		FUZZ_CHECK(ref != NULL);
		FUZZ_CHECK(fuzz_count(svg, '<') == fuzz_count(ref, '<'));
		FUZZ_CHECK(fuzz_count(svg, '>') == fuzz_count(ref, '>'));
		FUZZ_CHECK(fuzz_count(svg, '"') == fuzz_count(ref, '"'));
		for (i = 0; i + 1 < len; i++)
			FUZZ_CHECK((unsigned char)svg[i] >= 0x20 &&
			    svg[i] != 0x7f);
		free(ref);
		free(svg);
	}
	/* A style's name parses to itself; nothing else is one. */
	if (badge_style_parse(label, &parsed) == 0)
		FUZZ_CHECK(strcmp(badge_style_name(parsed), label) == 0);
	/* Abbreviated, a count is at most 4 characters. */
	if (value[0] >= '0' && value[0] <= '9') {
		n = strtoull(value, NULL, 10) & 0x7fffffffffffffffULL;
		FUZZ_CHECK(strlen(badge_number((long long)n, 1, num)) <= 4);
	}
	free(s);
	return 0;
}
