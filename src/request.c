/*
 * The trust boundary.  Everything a request brings (the CGI/FastCGI
 * parameters of RFC 3875 section 4.1) is read here and only here; the
 * rest of footfall sees the validated struct request.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "footfall.h"

/* Longest path or query we look at; longer ones are not our routes. */
#define REQ_PATH_MAX	1024

/* The parameters we read, indexing req_names. */
enum req_param {
	P_METHOD,
	P_SCRIPT_NAME,
	P_PATH_INFO,
	P_QUERY,
	P_REMOTE_ADDR,
	P_ORIGIN,
	P_AGENT,
	P_DNT,
	P_GPC,
	P_REFERER,
	P_AUTH,
	P_FETCH_SITE,
	P_CONTENT_LENGTH,
	P_CONTENT_TYPE,
	P__MAX
};

static const char *const req_names[P__MAX] = {
	"REQUEST_METHOD",	/* P_METHOD */
	"SCRIPT_NAME",		/* P_SCRIPT_NAME */
	"PATH_INFO",		/* P_PATH_INFO */
	"QUERY_STRING",		/* P_QUERY */
	"REMOTE_ADDR",		/* P_REMOTE_ADDR */
	"HTTP_ORIGIN",		/* P_ORIGIN */
	"HTTP_USER_AGENT",	/* P_AGENT */
	"HTTP_DNT",		/* P_DNT */
	"HTTP_SEC_GPC",		/* P_GPC */
	"HTTP_REFERER",		/* P_REFERER */
	"HTTP_AUTHORIZATION",	/* P_AUTH */
	"HTTP_SEC_FETCH_SITE",	/* P_FETCH_SITE */
	"CONTENT_LENGTH",	/* P_CONTENT_LENGTH */
	"CONTENT_TYPE",		/* P_CONTENT_TYPE */
};

/*
 * Only printable ASCII may name a route: anything else (control bytes,
 * invalid UTF-8) simply matches nothing.
 */
static int
req_printable(const char *s)
{
	size_t	 n;

	for (n = 0; s[n] != '\0'; n++)
		if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f ||
		    n >= REQ_PATH_MAX)
			return 0;
	return 1;
}

/* Is a in one of the networks of conf's ignore list? */
static int
req_ignored(const struct addr *a, const struct conf *conf)
{
	size_t	 i;

	for (i = 0; i < conf->nignore; i++)
		if (addr_in_net(a, &conf->ignore[i]))
			return 1;
	return 0;
}

/*
 * CONTENT_LENGTH (RFC 3875 section 4.1.2: 1*digit, the body's bytes), at
 * most max.  Returns the length; REQ_LENGTH_NONE if s is NULL or empty
 * (no body announced: nginx leaves it empty); REQ_LENGTH_BAD if it is
 * not digits alone; REQ_LENGTH_BIG if it is more than max, however many
 * digits it has.  Pure.
 */
long long
req_content_length(const char *s, long long max)
{
	long long	 v = 0;
	size_t		 i;
	int		 big = 0;

	if (s == NULL || s[0] == '\0')
		return REQ_LENGTH_NONE;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return REQ_LENGTH_BAD;
		if (!big && (v = v * 10 + (s[i] - '0')) > max)
			big = 1;
	}
	return big ? REQ_LENGTH_BIG : v;
}

/*
 * Is CONTENT_TYPE the media type text/csv (RFC 4180, section 3), with
 * any parameters (charset, header)?  The type and subtype are
 * case-insensitive (RFC 9110 section 8.3.1).  Pure.
 */
int
req_is_csv(const char *s)
{
	static const char	 csv[] = "text/csv";
	size_t			 i, n = sizeof(csv) - 1;

	if (s == NULL || strlen(s) < n)
		return 0;
	if (strncasecmp(s, csv, n) != 0)
		return 0;
	for (i = n; s[i] == ' ' || s[i] == '\t'; i++)
		continue;
	return s[i] == '\0' || s[i] == ';';
}

/*
 * Whether the visitor asked not to be tracked: "DNT: 1" (the Tracking
 * Preference Expression's field value: a 1, perhaps followed by an
 * extension) or "Sec-GPC: 1" (Global Privacy Control, exactly 1).  Either
 * may be NULL (not sent).  Pure.
 */
int
req_dnt(const char *dnt, const char *gpc)
{
	const char	*p;

	if (gpc != NULL && strcmp(gpc, "1") == 0)
		return 1;
	if (dnt == NULL || dnt[0] != '1')
		return 0;
	/* DNT-extension = %x21 / %x23-2B / %x2D-5B / %x5D-7E */
	for (p = dnt + 1; *p != '\0'; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '"' || *p == ',' ||
		    *p == '\\')
			return 0;
	return 1;
}

/*
 * The page path for the visit log from s: what the widget sends as the
 * query's path (location.pathname), or a Referer URL (then its path).
 * It must begin with '/' (after "scheme://host" for a URL); the query
 * and fragment are cut; the rest must be printable ASCII (a browser
 * sends a path percent-encoded) of at most REQ_LOG_PATH_MAX bytes.
 * Writes it to out (outsz bytes) and returns 1, or 0 if there is none
 * worth keeping.  Pure.
 */
int
req_log_path(const char *s, char *out, size_t outsz)
{
	const char	*p;
	size_t		 n, i;

	if (s == NULL)
		return 0;
	if ((p = strstr(s, "://")) != NULL && p == s + strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+.-")) {
		s = p + 3;
		s += strcspn(s, "/?#");
		if (*s != '/')
			s = "/";
	}
	if (*s != '/')
		return 0;
	n = strcspn(s, "?#");
	if (n > REQ_LOG_PATH_MAX || n >= outsz)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	memcpy(out, s, n);
	out[n] = '\0';
	return 1;
}

/*
 * The referring host for the visit log from s, what the widget sends as
 * the query's ref (document.referrer): a URL's host, lowercased, without
 * port or user.  Only a DNS name's characters, at most REQ_LOG_REF_MAX.
 * Writes it to out (outsz bytes) and returns 1, or 0.  Pure.
 */
int
req_ref_host(const char *s, char *out, size_t outsz)
{
	const char	*p;
	size_t		 n, i, at;

	if (s == NULL || (p = strstr(s, "://")) == NULL)
		return 0;
	if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
		return 0;
	p += 3;
	n = strcspn(p, "/?#");
	/* user:password@host */
	for (at = n; at > 0 && p[at - 1] != '@'; at--)
		continue;
	p += at;
	n -= at;
	n = strcspn(p, ":/?#") < n ? strcspn(p, ":/?#") : n;
	if (n == 0 || n > REQ_LOG_REF_MAX || n >= outsz)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] >= 'A' && p[i] <= 'Z')
			out[i] = (char)(p[i] - 'A' + 'a');
		else if ((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == '-')
			out[i] = p[i];
		else
			return 0;
	}
	out[n] = '\0';
	return 1;
}

/* The query's keys, indexed by enum req_key. */
static const char *const req_keys[KEY__MAX] = {
	"peek",			/* KEY_PEEK */
	"path",			/* KEY_PATH */
	"ref",			/* KEY_REF */
	"days",			/* KEY_DAYS */
	"label",		/* KEY_LABEL */
	"color",		/* KEY_COLOR */
	"value",		/* KEY_VALUE */
	"style",		/* KEY_STYLE */
	"abbrev",		/* KEY_ABBREV */
	"automated",		/* KEY_AUTOMATED */
	"total_visits",		/* KEY_TOTAL */
	"unique_visitors",	/* KEY_UNIQUE */
	"reset",		/* KEY_RESET */
};

/* Keys whose presence is all: their values are not even decoded. */
#define REQ_FLAGS	(REQ_KEY(KEY_PEEK) | REQ_KEY(KEY_RESET) | \
			    REQ_KEY(KEY_AUTOMATED))

/*
 * An admin number: decimal digits, at most REQ_COUNT_MAX (2^53, what a
 * JavaScript client holds exactly).
 */
static int
req_count(const char *v, long long *out)
{
	long long	 n = 0;

	if (*v == '\0')
		return -1;
	for (; *v != '\0'; v++)
		if (*v < '0' || *v > '9' ||
		    (n = n * 10 + (*v - '0')) > REQ_COUNT_MAX)
			return -1;
	*out = n;
	return 0;
}

/*
 * Key k's validator, as kcgi's kvalid: the decoded value v into its
 * typed field of req.  Returns 0, or -1 leaving the field as it was.
 */
static int
req_valid(int k, const char *v, struct request *req)
{
	switch (k) {
	case KEY_PATH:
		return req_log_path(v, req->path, sizeof(req->path)) ? 0 : -1;
	case KEY_REF:
		return req_ref_host(v, req->ref, sizeof(req->ref)) ? 0 : -1;
	case KEY_DAYS:
		return cfg_parse_uint(v, 1, 366, &req->days);
	case KEY_LABEL:
		if (!badge_label_valid(v))
			return -1;
		memcpy(req->label, v, strlen(v) + 1);
		return 0;
	case KEY_COLOR:
		return badge_color_parse(v, req->color);
	case KEY_VALUE:
		req->unique = strcmp(v, "unique") == 0;
		return req->unique || strcmp(v, "total") == 0 ? 0 : -1;
	case KEY_STYLE:
		return badge_style_parse(v, &req->style);
	case KEY_ABBREV:
		/* "?abbrev" alone turns it on; off undoes badge_abbrev. */
		if (strcmp(v, "off") == 0)
			req->abbrev = 0;
		else if (v[0] == '\0' || strcmp(v, "on") == 0)
			req->abbrev = 1;
		else
			return -1;
		return 0;
	case KEY_TOTAL:
		return req_count(v, &req->visits);
	default:		/* KEY_UNIQUE */
		return req_count(v, &req->uniques);
	}
}

/*
 * The value v..end-1 percent-decoded ('+' is a space, as HTML forms send
 * it) into buf of bufsz bytes, NUL-terminated.  Returns 0, or -1 for a
 * bad escape, a decoded NUL, or a value that does not fit.
 */
static int
req_decode(const char *v, const char *end, char *buf, size_t bufsz)
{
	size_t	 o = 0;
	int	 hi, lo;

	for (; v < end; v++) {
		if (o + 1 >= bufsz)
			return -1;
		if (*v == '+')
			buf[o++] = ' ';
		else if (*v != '%')
			buf[o++] = *v;
		else if (end - v < 3 || (hi = hex_digit(v[1])) == -1 ||
		    (lo = hex_digit(v[2])) == -1 || (hi == 0 && lo == 0))
			return -1;
		else {
			buf[o++] = (char)(hi * 16 + lo);
			v += 2;
		}
	}
	buf[o] = '\0';
	return 0;
}

/*
 * The query string (RFC 3875 section 4.1.7: "a=b&c", ';' separating
 * too) into req's typed fields: the first occurrence of each known key
 * counts, a key without '=' has the empty value, unknown keys are
 * passed over.  A value that does not decode or that its validator
 * refuses sets the key's bit in req->bad: which keys matter, and what
 * their faults answer, is the route's business.
 */
static void
req_query(const char *query, struct request *req)
{
	char		 buf[REQ_QUERY_MAX + 1];
	const char	*p, *end;
	size_t		 klen;
	int		 k;

	for (p = query; *p != '\0'; p = *end == '\0' ? end : end + 1) {
		end = p + strcspn(p, "&;");
		klen = strcspn(p, "=&;");
		for (k = 0; k < KEY__MAX; k++)
			if (strncmp(p, req_keys[k], klen) == 0 &&
			    req_keys[k][klen] == '\0')
				break;
		if (k == KEY__MAX || (req->keys & REQ_KEY(k)))
			continue;
		req->keys |= REQ_KEY(k);
		if ((REQ_FLAGS & REQ_KEY(k)) == 0 && (req_decode(p + klen +
		    (p[klen] == '='), end, buf, sizeof(buf)) == -1 ||
		    req_valid(k, buf, req) == -1))
			req->bad |= REQ_KEY(k);
	}
}

/*
 * Fill *req from the parameter array envp ("NAME=value" strings, as
 * FCGX_Request.envp or environ).  Each parameter's first occurrence
 * wins, but Origin is also counted: a browser sends exactly one, so two
 * mean a forged or confused request.  The strings in envp are only
 * borrowed; req keeps copies of what it needs.  Never fails: what cannot
 * be parsed is recorded as absent.  Pure.
 */
void
req_parse(char *const *envp, const struct conf *conf, struct request *req)
{
	const char	*val[P__MAX];
	const char	*path;
	size_t		 norigin = 0, nlen;
	int		 i;

	memset(req, 0, sizeof(*req));
	memset(val, 0, sizeof(val));
	for (; envp != NULL && *envp != NULL; envp++) {
		for (i = 0; i < P__MAX; i++) {
			nlen = strlen(req_names[i]);
			if (strncmp(*envp, req_names[i], nlen) != 0 ||
			    (*envp)[nlen] != '=')
				continue;
			if (i == P_ORIGIN)
				norigin++;
			if (val[i] == NULL)
				val[i] = *envp + nlen + 1;
			break;
		}
	}

	req->method = route_method(val[P_METHOD]);

	/*
	 * RFC 3875: the script is mounted at SCRIPT_NAME and PATH_INFO is
	 * the rest.  nginx's usual "location /count" passes the whole path
	 * as SCRIPT_NAME; Apache's ScriptAlias splits it.
	 */
	path = val[P_PATH_INFO] != NULL && val[P_PATH_INFO][0] != '\0' ?
	    val[P_PATH_INFO] : val[P_SCRIPT_NAME];
	req->meant = ROUTE_NOTFOUND;
	if (path != NULL && req_printable(path))
		req->route = route_path(path, conf->prefix, req->counter,
		    &req->meant);
	else if (path != NULL && route_path(path, conf->prefix,
	    req->counter, &req->meant) == ROUTE_BADNAME)
		/*
		 * A counter's name with other bytes ("/count/caf\xc3\xa9",
		 * "/count/a b" as nginx decodes them) is a bad name, like
		 * any other outside the set: 400, not 404.  route_path
		 * matches nothing else on such a path, and keeps no name.
		 */
		req->route = ROUTE_BADNAME;
	else {
		req->route = ROUTE_NOTFOUND;
		req->meant = ROUTE_NOTFOUND;
	}

	req->days = REQ_DAYS;
	memcpy(req->label, BADGE_LABEL, sizeof(BADGE_LABEL));
	memcpy(req->color, BADGE_COLOR, sizeof(BADGE_COLOR));
	req->style = BADGE_FLAT;
	req->abbrev = conf->badge_abbrev;
	if (val[P_QUERY] != NULL && req_printable(val[P_QUERY]))
		req_query(val[P_QUERY], req);

	req->cors = cors_decide(val[P_ORIGIN], norigin,
	    conf->origins, conf->norigins);
	/* cors_decide checked the length against ORIGIN_MAX. */
	if (req->cors == CORS_ALLOW)
		memcpy(req->origin, val[P_ORIGIN], strlen(val[P_ORIGIN]) + 1);

	req->has_addr = addr_parse(val[P_REMOTE_ADDR], &req->addr) == 0;
	req->dnt = req_dnt(val[P_DNT], val[P_GPC]);

	req->ignored = req->has_addr && req_ignored(&req->addr, conf);
	req->bot = conf->bots != NULL && agent_is_bot(conf->bots, val[P_AGENT]);
	/*
	 * footfall.js's word that a program drives the browser
	 * (navigator.webdriver, a headless build): a bot if the owner says
	 * so.  A bot can leave it out, so this only ever adds bots.
	 */
	if (conf->automation_bot && (req->keys & REQ_KEY(KEY_AUTOMATED)))
		req->bot = 1;

	/*
	 * What only reads.  require_origin: a count needs a listed Origin,
	 * or "Sec-Fetch-Site: same-origin" (Fetch Metadata), which a
	 * browser sends where the Fetch standard leaves Origin out, on a
	 * same-origin GET or HEAD: the widget on the counter's own site.
	 * Both are forbidden header names that no page can set, so a
	 * request without them is not a page's fetch: curl, a script, an
	 * <img> (badges and the pixel then only read).  Anyone can send
	 * the headers by hand; this turns away the careless, not the
	 * determined.
	 */
	req->from_site = req->cors == CORS_ALLOW ||
	    (val[P_FETCH_SITE] != NULL &&
	    strcmp(val[P_FETCH_SITE], "same-origin") == 0);
	req->read_only = req->method == METHOD_HEAD ||
	    (req->keys & REQ_KEY(KEY_PEEK)) || (conf->require_origin &&
	    !req->from_site);
	req->browser = agent_family(val[P_AGENT]);

	/*
	 * The visit's page (footfall(8), Pages): only the path the query
	 * names.  The visit log's page: that, else the Referer's (a plain
	 * <img> badge or a fetch without the widget), which a browser cuts
	 * to the origin across sites, so it makes no page.  Its referrer:
	 * only what the widget sends; the Referer of the request is the
	 * page itself.
	 */
	req->page = (req->keys & ~req->bad & REQ_KEY(KEY_PATH)) != 0;
	if (!req->page)
		(void)req_log_path(val[P_REFERER], req->path,
		    sizeof(req->path));

	req->length = req_content_length(val[P_CONTENT_LENGTH],
	    REQ_BODY_MAX);
	req->csv = req_is_csv(val[P_CONTENT_TYPE]);

	if (val[P_AUTH] != NULL && (nlen = strlen(val[P_AUTH])) <=
	    REQ_AUTH_MAX) {
		memcpy(req->auth, val[P_AUTH], nlen + 1);
		req->has_auth = 1;
	} else if (val[P_AUTH] != NULL) {
		/* Too long to be ours: present, and wrong. */
		memcpy(req->auth, "Bearer -", sizeof("Bearer -"));
		req->has_auth = 1;
	}

	/*
	 * Raw bytes, whatever they are (they are only hashed), cut at
	 * AGENT_MAX: an agent is told apart by far fewer.  Copied only if
	 * it joins the identity.
	 */
	if (conf->ident_agent && val[P_AGENT] != NULL) {
		nlen = strlen(val[P_AGENT]);
		req->agentlen = nlen < AGENT_MAX ? nlen : AGENT_MAX;
		memcpy(req->agent, val[P_AGENT], req->agentlen);
	}
}
