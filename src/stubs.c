/* TEMPORARY (lead, issue 7): replaced by the helpers' agent.c, addr.c and badge.c on merge. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "footfall.h"
struct agent_bots { int x; };
struct agent_bots *agent_bots_load(const char *p, size_t *l, const char **e) { (void)p; *l = 0; *e = "stub"; return calloc(1, sizeof(struct agent_bots)); }
void agent_bots_free(struct agent_bots *b) { free(b); }
int agent_is_bot(const struct agent_bots *b, const char *ua) { return ua != NULL && strstr(ua, "Googlebot") != NULL; }
const char *agent_family(const char *ua) { return ua && strstr(ua, "Firefox") ? "Firefox" : "Other"; }
int addr_net_parse(const char *s, struct addr_net *n) { if (addr_parse(s, &n->a) == -1) return -1; n->bits = n->a.len * 8; return 0; }
int addr_in_net(const struct addr *a, const struct addr_net *n) { return a->len == n->a.len && memcmp(a->bytes, n->a.bytes, a->len) == 0; }
int badge_label_valid(const char *s) { return s[0] != 0 && strlen(s) <= 64; }
int badge_color_parse(const char *s, char out[8]) { if (strcmp(s, "red")) return -1; memcpy(out, "#e05d44", 8); return 0; }
char *badge_render(const char *l, const char *v, const char *c, size_t *len) { char *p = malloc(512); snprintf(p, 512, "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>%s %s %s</text></svg>", l, v, c); *len = strlen(p); return p; }
