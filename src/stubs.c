/* TEMPORARY (lead, issue 7): replaced by the helpers' agent.c, addr.c and badge.c on merge. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "footfall.h"
int badge_label_valid(const char *s) { return s[0] != 0 && strlen(s) <= 64; }
int badge_color_parse(const char *s, char out[8]) { if (strcmp(s, "red")) return -1; memcpy(out, "#e05d44", 8); return 0; }
char *badge_render(const char *l, const char *v, const char *c, size_t *len) { char *p = malloc(512); snprintf(p, 512, "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>%s %s %s</text></svg>", l, v, c); *len = strlen(p); return p; }
