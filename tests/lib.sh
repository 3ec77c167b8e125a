# Shared by the end-to-end tests, the benchmark and scripts/demo: start
# a throwaway PostgreSQL cluster, footfall and nginx under one folder.
# When run as root, the servers run as "nobody" (initdb refuses root).
# shellcheck shell=bash

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
FF_USER=nobody

# TAP output: every check is one line, the plan comes last.
tap_n=0
tap_fail=0
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then echo "ok $tap_n - $2"
	else echo "not ok $tap_n - $2"; tap_fail=$((tap_fail + 1)); fi
}
is() {	# is GOT WANT NAME
	if [ "$1" = "$2" ]; then ok 0 "$3"
	else ok 1 "$3 (got '$1', want '$2')"; fi
}
tap_done() { echo "1..$tap_n"; [ "$tap_fail" = 0 ]; }

as_user() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid="$FF_USER" --regid="$(id -g "$FF_USER")" \
		    --clear-groups env HOME="$T" "$@"
	else "$@"; fi
}
# The same, replacing the shell: "(as_user_exec server ...) &" makes $!
# the server's own pid, so that killing $! stops the server (a function
# run with & would leave the server behind as an orphan).
as_user_exec() {
	if [ "$(id -u)" = 0 ]; then
		exec setpriv --reuid="$FF_USER" --regid="$(id -g "$FF_USER")" \
		    --clear-groups env HOME="$T" "$@"
	else exec "$@"; fi
}

ff_setup() {	# make $T, owned by whoever runs the servers
	T=$(mktemp -d "${TMPDIR:-/tmp}/footfall.XXXXXX")
	chmod 755 "$T"
	[ "$(id -u)" = 0 ] && chown "$FF_USER" "$T"
	trap ff_teardown EXIT
}

# Tests that compare numbers with today's UTC date call this first: a
# run across midnight would compare a day's numbers with the next day.
# With fewer than SECONDS (default 300) to midnight, wait past it.
clear_of_midnight() {	# clear_of_midnight [SECONDS]
	local left=$((86400 - $(date -u +%s) % 86400))
	if [ "$left" -le "${1:-300}" ]; then
		echo "# ${left} s to midnight UTC: waiting past it (this test compares with today's date)"
		sleep $((left + 2))
	fi
}

ff_teardown() {
	[ -n "${T:-}" ] || return 0
	[ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null
	[ -f "$T/footfall.pid" ] && kill "$(cat "$T/footfall.pid")" 2>/dev/null
	# Anything still running from $T (a server started some other way).
	pkill -f "^$T/" 2>/dev/null
	[ -d "$T/pg" ] && as_user "$PGBIN/pg_ctl" -D "$T/pg" -m immediate stop >/dev/null 2>&1
	sleep 0.2
	if [ -n "${FF_KEEP:-}" ]; then echo "# kept $T" >&2; else rm -rf "$T"; fi
}

# A cluster is durable (fsync and synchronous_commit on: a commit it
# acknowledged survives a crash) unless PG_FSYNC=off or PG_SYNC=off ask
# for speed; make check asks for it (Makefile.am), and the tests of what
# a crash keeps ask for durability again.  The settings are written at
# every start, so a cluster kept from before gets them too.
pg_durability() {
	sed -i -e '/^fsync = /d' -e '/^synchronous_commit = /d' "$T/pg/postgresql.conf" &&
	printf 'fsync = %s\nsynchronous_commit = %s\n' "${PG_FSYNC:-on}" \
	    "${PG_SYNC:-on}" >>"$T/pg/postgresql.conf"
}
pg_start() {	# a cluster on a Unix socket in $T, migrations applied
	DSN="host=$T port=5432 dbname=footfall user=footfall"
	ADMIN_DSN="host=$T port=5432 dbname=footfall user=postgres"
	if [ -f "$T/pg/PG_VERSION" ]; then	# a cluster kept from before
		pg_durability && pg_up &&
		    "$top_srcdir/sql/apply" -h "$T" -U postgres -d footfall >/dev/null
		return
	fi
	as_user "$PGBIN/initdb" -D "$T/pg" -U postgres -A trust -E UTF8 \
	    --no-sync >"$T/initdb.log" 2>&1 || { cat "$T/initdb.log" >&2; return 1; }
	cat >>"$T/pg/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$T'
port = 5432
max_connections = 200
CONF
	pg_durability && pg_up || return 1
	psql_admin -d postgres -c "CREATE DATABASE footfall" >/dev/null &&
	psql_admin -c "CREATE ROLE footfall LOGIN" >/dev/null &&
	"$top_srcdir/sql/apply" -u footfall -h "$T" -U postgres -d footfall >/dev/null
}
pg_up() { as_user "$PGBIN/pg_ctl" -D "$T/pg" -l "$T/pg.log" -w start >/dev/null; }
pg_down() { as_user "$PGBIN/pg_ctl" -D "$T/pg" -m "${1:-fast}" -w stop >/dev/null; }
psql_admin() { psql -X -q -At -h "$T" -U postgres -d footfall "$@"; }  # a later -d wins
# Every counter's visits summed: the database's total.
db_total() { psql_admin -c "SELECT coalesce(sum(visits), 0) FROM footfall.counter_total"; }
db_counts() { psql_admin -c "SELECT sum(visits) || ' ' || sum(uniques) FROM footfall.counter_total"; }	# "VISITS UNIQUES"

ff_start() {	# footfall on $T/footfall.sock; extra config lines as args
	cp "$top_builddir/footfall" "$T/footfall"
	# A copy: the servers' user may not reach the source tree.
	cp "$top_srcdir/data/bots.txt" "$T/bots.txt"
	{
		echo "database = $DSN"
		echo "listen = $T/footfall.sock"
		echo "key_file = $T/key"
		echo "log_level = ${FF_LOG_LEVEL:-info}"
		echo "bots_file = $T/bots.txt"
		printf '%s\n' "$@"
	} >"$T/footfall.conf"
	(as_user_exec "$T/footfall" -f "$T/footfall.conf") >>"$T/footfall.log" 2>&1 &
	echo $! >"$T/footfall.pid"
	for _ in $(seq 100); do [ -S "$T/footfall.sock" ] && return 0; sleep 0.05; done
	echo "footfall did not start:" >&2; cat "$T/footfall.log" >&2; return 1
}
stop_pid() {	# TERM a process and wait until it is gone
	kill "$1" 2>/dev/null || return 0
	for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
	kill -KILL "$1" 2>/dev/null
}
ff_stop() { stop_pid "$(cat "$T/footfall.pid")"; rm -f "$T/footfall.pid"; }

port_wait() {	# port_wait PORT: until something listens on 127.0.0.1:PORT, 5 s at most
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
free_port() {	# a loopback port nobody listens on
	local p lo
	# Below the ephemeral range: a port there may be the local end of
	# any test's outgoing connection (curl, wrk, a client of
	# PostgreSQL), which nobody listens on but which a server cannot
	# bind (CI: nginx and Apache "Address already in use").
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || lo=32768
	[ "$lo" -gt 21000 ] || lo=40000
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % (lo - 20000)))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	return 1
}

nginx_start() {	# nginx on 127.0.0.1:$PORT; a port it chose is retried
	local try
	if [ -n "${PORT:-}" ]; then nginx_start_on; return; fi
	# free_port's port may be taken by a parallel test before nginx
	# binds it: then another one.
	for try in 1 2 3; do
		PORT=$(free_port)
		nginx_start_on && return 0
		echo "# nginx did not start on port $PORT (try $try):" \
		    "$(tail -n 1 "$T/nginx-start.log" 2>/dev/null)"
		PORT=
	done
	return 1
}
nginx_start_on() {	# nginx on 127.0.0.1:$PORT with footfall's site snippet
	mkdir -p "$T/nginx"
	# The shipped snippet, with this run's socket.  Its rate limit lets
	# one address burst 20 requests above 5 a second; e2e.test sends
	# about 30 from 127.0.0.1 in a few seconds, so for the tests that
	# are not about the limit the burst is raised here, unless
	# NGINX_SHIPPED_LIMITS=1.  tests/nginx-tls.test tests the limit
	# with the shipped values.
	local burst=1000
	[ "${NGINX_SHIPPED_LIMITS:-0}" = 1 ] && burst=20
	sed -e "s|unix:/run/footfall/footfall.sock|unix:$T/footfall.sock|" \
	    -e "s|include fastcgi_params;|include /etc/nginx/fastcgi_params;|" \
	    -e "s|burst=20 nodelay|burst=$burst nodelay|" \
	    "$top_srcdir/nginx/footfall-location.conf" >"$T/footfall-location.conf"
	# The map and zones it needs, in http { } as in /etc/nginx/conf.d/.
	cp "$top_srcdir/nginx/footfall-http.conf" "$T/footfall-http.conf"
	cat >"$T/nginx.conf" <<CONF
worker_processes 2;
pid $T/nginx.pid;
error_log $T/nginx-error.log warn;
events { worker_connections 1024; }
http {
	include /etc/nginx/mime.types;
	include $T/footfall-http.conf;
	# As footfall-site.conf: no client addresses (tests/privacy.test).
	access_log $T/nginx-access.log footfall_private;
	client_body_temp_path $T/nginx/body;
	fastcgi_temp_path $T/nginx/fastcgi;
	proxy_temp_path $T/nginx/proxy;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	server {
		listen 127.0.0.1:$PORT;
		root ${WWW_ROOT:-$T};
		include $T/footfall-location.conf;
	}
	${NGINX_EXTRA:-}
}
CONF
	[ "$(id -u)" = 0 ] && chown -R "$FF_USER" "$T/nginx"
	as_user /usr/sbin/nginx -c "$T/nginx.conf" -p "$T" 2>>"$T/nginx-start.log" || return 1
	for _ in $(seq 100); do [ -s "$T/nginx.pid" ] && return 0; sleep 0.05; done
	return 1
}
nginx_stop() { stop_pid "$(cat "$T/nginx.pid")"; rm -f "$T/nginx.pid"; }

# HTTP through the test's web server.  req ARGS... runs curl with ARGS
# and sets code, body and hdr (the header lines, CRs removed); a test
# that must run curl otherwise (in a network namespace) redefines it.
req() {
	code=$(curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@")
	body=$(cat "$T/body"); hdr=$(tr -d '\r' <"$T/hdr")
}
hdr_has() { grep -qi "^$1\$" <<<"$hdr"; }	# hdr_has "NAME: VALUE": that exact line
hdr_get() { sed -n "s/^$1: //Ip" <<<"$hdr"; }	# hdr_get NAME: every value
# metric NAME [FILE]: NAME's value in /metrics, asked from $U now, or
# read from FILE (a snapshot, for several values that must agree).
metric() {
	if [ $# -gt 1 ]; then
		awk -v n="$1" '$1 == n { print $2 }' "$2"
	else
		curl -s "$U/metrics" | awk -v n="$1" '$1 == n { print $2 }'
	fi
}

# Headless Chromium (Debian's chromium), one run at a time.
# chrome_run PROFILE ARGS...: a run with the profile $T/chrome-PROFILE
# (a new name is a new browser; the same name keeps its storage), its
# standard output in $T/chrome.out; at most CHROME_SECONDS (60).
# chrome_teardown kills a run still going (a failed check, Ctrl-C) and
# then ff_teardown: a test that uses Chromium traps it on EXIT.
CHROMIUM=/usr/bin/chromium
CHROME_FLAGS=(--headless --no-sandbox --disable-gpu
    --disable-background-networking --disable-quic --no-first-run
    --disable-component-update --disable-sync --disable-dev-shm-usage
    --lang=en-US)
chrome_pid=
chrome_run() {
	local d=$T/chrome-$1 rc
	shift
	mkdir -p "$d/home"
	HOME=$d/home XDG_CONFIG_HOME=$d/home XDG_CACHE_HOME=$d/home \
	    LANG=en_US.UTF-8 timeout -k 5 "${CHROME_SECONDS:-60}" "$CHROMIUM" \
	    "${CHROME_FLAGS[@]}" --user-data-dir="$d/profile" \
	    "$@" >"$T/chrome.out" 2>>"$T/chrome.err" &
	chrome_pid=$!
	wait "$chrome_pid"
	rc=$?
	chrome_pid=
	return $rc
}
chrome_teardown() {
	if [ -n "$chrome_pid" ]; then
		# timeout(1) runs in its own process group with Chromium's.
		kill -KILL -- "-$chrome_pid" 2>/dev/null
		kill -KILL "$chrome_pid" 2>/dev/null
	fi
	ff_teardown
}
