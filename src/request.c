/*
 * The trust boundary.  Everything a request brings (the CGI/FastCGI
 * parameters of RFC 3875 section 4.1) is read here and only here; the
 * rest of footfall sees the validated struct request.
 */
#include "config.h"

#include <string.h>

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
	if (path != NULL && req_printable(path))
		req->route = route_path(path, conf->prefix);
	else
		req->route = ROUTE_NOTFOUND;

	if (val[P_QUERY] != NULL && req_printable(val[P_QUERY]))
		req->peek = route_query_has(val[P_QUERY], "peek");

	req->cors = cors_decide(val[P_ORIGIN], norigin,
	    conf->origins, conf->norigins);
	/* cors_decide checked the length against ORIGIN_MAX. */
	if (req->cors == CORS_ALLOW)
		memcpy(req->origin, val[P_ORIGIN], strlen(val[P_ORIGIN]) + 1);

	req->has_addr = addr_parse(val[P_REMOTE_ADDR], &req->addr) == 0;
	req->dnt = req_dnt(val[P_DNT], val[P_GPC]);

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
