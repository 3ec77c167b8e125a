/*
 * footfall.js: count this page view with footfall and show the numbers.
 *
 *   <script async src="https://counter.example.net/footfall.js"></script>
 *   <span data-footfall="total">…</span> visits,
 *   <span data-footfall="unique">…</span> visitors
 *   <span data-footfall="page">…</span> views of this page,
 *   <span data-footfall="page-unique">…</span> of its visitors
 *
 * The counter is the /count of the origin this file was loaded from, or
 * /count/NAME with data-counter="NAME" on the script tag (a page, a
 * site); data-endpoint="https://api.example.net/count" on the script tag
 * overrides it.  The request carries the page's path (footfall counts
 * the page too: data-footfall="page" and "page-unique" show its
 * numbers), the referring site, if another one, for footfall's visit
 * log, and whether the browser is automated (see automated() below);
 * nothing else.
 * data-footfall-fallback="..." on an element replaces the default
 * fallback text "—" shown when the count cannot be had.
 *
 * Loading the script is the visit: it sends its one request even on a
 * page without data-footfall elements, so a page can be counted without
 * showing the numbers.
 *
 * A single-page site, whose router changes the path without loading a
 * page, either adds data-spa to the script tag (every pushState or
 * back/forward that changes location.pathname is a view) or calls
 * footfall.count() itself, or footfall.count({path: "/virtual"}); not
 * both, or each view counts twice.  Each view fills the elements anew.
 *
 * A visitor whose browser sends "DNT: 1" or "Sec-GPC: 1" is counted in
 * the total but not tracked (footfall's default, dnt = count): no hash
 * of the address is made or stored, the unique visitors do not grow,
 * and the answer says "tracked": false (with dnt = skip the visit is
 * not counted either, and the answer says so too).  Each data-footfall
 * element then gets data-footfall-tracked="false" (and the title "not
 * tracked" if it has no title), so that a page can say so, e.g. with
 * CSS:
 *
 *   [data-footfall-tracked="false"]::after { content: " (not tracked)"; }
 *
 * The attribute is absent after a tracked visit or when the count
 * could not be had.
 *
 * The request is a CORS "simple request" (Fetch standard, section
 * "CORS protocol"): a GET with no author headers, so the browser sends
 * no preflight.  No credentials, so no cookie goes out, and none that
 * came back would be stored.  This script never sets a cookie and never
 * writes to localStorage, sessionStorage or IndexedDB: nothing is stored
 * in the browser (tests/browser.test checks all four after a visit).  It
 * reads one key, footfall_ignore, that the site's owner may set by hand
 * (see ignored() below).  No
 * dependencies; ES5 syntax, so an old browser without fetch still
 * parses it and shows the fallback.
 */
(function () {
	"use strict";

	var TIMEOUT_MS = 10000;
	/* Each element's number in the answer: a member, or page's. */
	var FIELDS = {
		total: ["total_visits"], unique: ["unique_visitors"],
		page: ["page", "visits"], "page-unique": ["page", "unique_visitors"]
	};
	/* Only valid while this script first runs, so read it now. */
	var script = document.currentScript;
	var endpoint, counter, path, pushState, lastPath;
	var seq = 0;		/* the latest request's number */

	/*
	 * "Don't count me": the site's owner runs, once, in the browser's
	 * console on their own site
	 *     localStorage.footfall_ignore = "true"
	 * and from then on this browser only reads the numbers (?peek).
	 * This script only reads that key, never writes it; a browser that
	 * refuses storage simply counts.
	 */
	function ignored() {
		try {
			return window.localStorage.getItem("footfall_ignore") ===
			    "true";
		} catch (e) {
			return false;
		}
	}

	/*
	 * Signs that a program, not a person, drives this browser: the
	 * WebDriver flag every automated browser must set (W3C WebDriver,
	 * "navigator.webdriver"), a headless build's User-Agent, and the
	 * globals PhantomJS, Nightmare and Chrome's own automation leave.
	 * footfall counts such a visit as a bot's when its configuration
	 * says automation = bot; otherwise the flag changes nothing.
	 */
	function automated() {
		try {
			return navigator.webdriver === true ||
			    /HeadlessChrome|PhantomJS/.test(navigator.userAgent) ||
			    !!(window.callPhantom || window._phantom ||
			    window.__nightmare || window.domAutomation);
		} catch (e) {
			return false;
		}
	}

	/*
	 * The query: the page's path for the visit log, the referring
	 * site's address when the visitor came from another site (a link
	 * within the site is not a referrer; only the page's first count
	 * has one), and the automation flag.  footfall keeps only the
	 * referrer's host.  Or ?peek for an ignored browser.
	 */
	function query(path, first) {
		var q = "path=" + encodeURIComponent(path);
		var ref = document.referrer;

		if (ignored())
			return "peek";
		try {
			if (first && ref && new URL(ref).host !== location.host)
				q += "&ref=" + encodeURIComponent(ref);
		} catch (e) {
			/* not a URL: leave it out */
		}
		if (automated())
			q += "&automated";
		return q;
	}

	/* Run fn once the elements exist: an async script may run early. */
	function whenReady(fn) {
		if (document.readyState === "loading")
			document.addEventListener("DOMContentLoaded", fn);
		else
			fn();
	}

	/* The elements we fill: data-footfall="total", "unique", ... */
	function elements() {
		return document.querySelectorAll(Object.keys(FIELDS).map(
		    function (f) { return '[data-footfall="' + f + '"]'; }).join());
	}

	/* The number at FIELDS[field] in counts, or undefined. */
	function field(counts, name) {
		var f = FIELDS[name], v = counts, i;

		for (i = 0; i < f.length && v !== null &&
		    typeof v === "object"; i++)
			v = v[f[i]];
		return i === f.length ? v : undefined;
	}

	/* Fill every element from the parsed JSON, or null on failure. */
	function show(counts) {
		var els = elements();
		/* Only an explicit false: older servers do not send it. */
		var untracked = !!counts && counts.tracked === false;
		var i, el, n;

		for (i = 0; i < els.length; i++) {
			el = els[i];
			n = field(counts, el.getAttribute("data-footfall"));
			if (typeof n === "number" && isFinite(n) && n >= 0)
				el.textContent = n.toLocaleString();
			else if (el.hasAttribute("data-footfall-fallback"))
				el.textContent = el.getAttribute("data-footfall-fallback");
			else
				el.textContent = "\u2014";
			if (untracked) {
				el.setAttribute("data-footfall-tracked", "false");
				if (!el.hasAttribute("title"))
					el.setAttribute("title", "not tracked");
			}
		}
	}

	function fail() {
		whenReady(function () { show(null); });
	}

	/* "…" until the answer comes; listeners run in the order added. */
	whenReady(function () {
		var els = elements();
		var i;

		for (i = 0; i < els.length; i++)
			els[i].textContent = "\u2026";
	});

	/*
	 * Count a page view of path and show the answer.  Only the answer
	 * to the latest request is shown, so that a quick succession of
	 * views cannot leave an older number on the page.  Returns a
	 * promise of the answer's JSON, or of null when the count could not
	 * be had; null itself without fetch.
	 */
	function send(path, first) {
		var ctl = typeof AbortController === "function" ?
		    new AbortController() : null;
		var timer = ctl ? setTimeout(function () { ctl.abort(); },
		    TIMEOUT_MS) : null;
		var mine = ++seq;

		lastPath = location.pathname;
		return fetch(endpoint + query(path, first), {
			method: "GET",
			mode: "cors",
			credentials: "omit",
			cache: "no-store",
			referrerPolicy: "no-referrer",
			signal: ctl ? ctl.signal : undefined
		}).then(function (r) {
			/* A refused origin (403) has no Access-Control-Allow-
			 * Origin: the browser rejects the fetch before we see
			 * the status. */
			if (!r.ok)
				throw new Error("footfall: HTTP " + r.status);
			return r.json();
		}).then(function (counts) {
			clearTimeout(timer);
			if (mine === seq)
				whenReady(function () { show(counts); });
			return counts;
		}, function () {
			clearTimeout(timer);
			if (mine === seq)
				fail();
			return null;
		});
	}

	/*
	 * The page's API, for a single-page site that changes its view
	 * without loading a page: footfall.count() counts a view of
	 * location.pathname, footfall.count({path: "/x"}) one of /x.
	 */
	window.footfall = {
		count: function (opts) {
			var p = opts && typeof opts.path === "string" ?
			    opts.path : location.pathname;

			return typeof fetch === "function" ? send(p, false) :
			    null;
		}
	};

	if (typeof fetch !== "function") {
		fail();
		return;
	}

	counter = script && script.getAttribute("data-counter");
	path = counter && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(counter) ?
	    "/count/" + counter : "/count";
	if (script && script.getAttribute("data-endpoint"))
		endpoint = script.getAttribute("data-endpoint");
	else if (script && script.src)
		endpoint = new URL(path, script.src).href;
	else
		endpoint = path;	/* no currentScript: the page's origin */
	endpoint += endpoint.indexOf("?") < 0 ? "?" : "&";

	/*
	 * data-spa on the script tag: count every history.pushState and
	 * back or forward (popstate) that changes the path, as the router
	 * of a single-page site navigates.  A change of the query or the
	 * fragment alone, and replaceState, are not a new page.
	 */
	if (script && script.hasAttribute("data-spa") && window.history &&
	    typeof history.pushState === "function") {
		pushState = history.pushState;
		history.pushState = function () {
			var r = pushState.apply(this, arguments);

			if (location.pathname !== lastPath)
				send(location.pathname, false);
			return r;
		};
		window.addEventListener("popstate", function () {
			if (location.pathname !== lastPath)
				send(location.pathname, false);
		});
	}

	send(location.pathname, true);
})();
