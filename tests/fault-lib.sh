# Shared by the fault tests (tests/fault-*.test): a load generator that
# records every counting request it sends, and the check Jepsen makes of
# a counter after faults:
#
#	acknowledged <= final total <= acknowledged + indeterminate
#
# acknowledged is the number of 200 answers; indeterminate the number of
# requests whose outcome the client cannot know: nginx's 502 and 504,
# footfall's own 504 ("visit outcome unknown"), and no answer at all
# (curl timed out or the connection was reset: status 000).  A 503 from
# footfall means "not counted", and so does nginx's 429 (the request
# never reached footfall).  Source this after tests/lib.sh.
# shellcheck shell=bash

# The load: LOAD_WORKERS curl loops, each sending one request at a time
# from its own LOAD_ADDRS addresses in turn, so that no address has more
# than one request in flight (nginx allows 10) and each stays well under
# the test's rate limit burst.  Each request is one line in
# $T/load/NAME.W:
#	START ADDRESS STATUS SECONDS CONTENT_TYPE
# START is when curl was started ($EPOCHREALTIME), SECONDS curl's
# time_total, STATUS 000 when no answer came.
: "${LOAD_WORKERS:=12}"
: "${LOAD_ADDRS:=8}"
: "${LOAD_MAX_TIME:=20}"	# above nginx's 10 s fastcgi_read_timeout

# load_worker OUT URL ADDRESS...: until $T/load/stop exists.
load_worker() {
	local out=$1 url=$2 i=0 r t0
	shift 2
	local addrs=("$@")
	while [ ! -e "$T/load/stop" ]; do
		t0=$EPOCHREALTIME
		r=$(curl -s -o /dev/null --max-time "$LOAD_MAX_TIME" \
		    --interface "${addrs[i % ${#addrs[@]}]}" \
		    -w '%{http_code} %{time_total} %{content_type}' "$url")
		[ -n "$r" ] || r="000 0 -"
		echo "$t0 ${addrs[i % ${#addrs[@]}]} $r" >>"$out"
		i=$((i + 1))
	done
}

# load_start NAME NET [PATH]: start the workers; worker w sends from
# NET.w.1 .. NET.w.LOAD_ADDRS (NET is two octets, e.g. 127.3), so a
# round with a NET of its own has visitors of its own.
load_start() {
	local name=$1 net=$2 path=${3:-/count} w a addrs
	mkdir -p "$T/load"
	rm -f "$T/load/stop" "$T/load/$name".*
	LOAD_PIDS=()
	for w in $(seq "$LOAD_WORKERS"); do
		addrs=()
		for a in $(seq "$LOAD_ADDRS"); do addrs+=("$net.$w.$a"); done
		load_worker "$T/load/$name.$w" "$U$path" "${addrs[@]}" &
		LOAD_PIDS+=($!)
	done
}
load_stop() {	# stop the workers; each finishes the request it is in
	touch "$T/load/stop"
	wait "${LOAD_PIDS[@]}"
	LOAD_PIDS=()
}
load_lines() { cat "$T/load/$1".* 2>/dev/null; }	# NAME

# load_count NAME STATUS...: how many requests answered one of STATUS.
load_count() {
	local name=$1
	shift
	load_lines "$name" | awk -v s=" $* " 'index(s, " " $3 " ") { n++ }
	    END { print n + 0 }'
}
load_statuses() {	# NAME: "200:1234 503:56 ..."
	load_lines "$1" | awk '{ n[$3]++ } END { for (s in n) print s ":" n[s] }' |
	    sort | tr '\n' ' ' | sed 's/ $//'
}
load_max_time() {	# NAME: the longest a request took, in seconds
	load_lines "$1" | awk '$4 > m { m = $4 } END { printf "%.3f\n", m }'
}
# load_only NAME STATUS...: 0 if every request answered one of STATUS.
load_only() {
	local name=$1
	shift
	[ "$(load_count "$name" "$@")" = "$(load_lines "$name" | wc -l)" ]
}

# One count from ADDRESS, outside the load: "STATUS SECONDS", and the
# status alone.
count_once() {
	curl -s -o /dev/null --max-time "$LOAD_MAX_TIME" --interface "$1" \
	    -w '%{http_code} %{time_total}' "$U/count"
}
count_status() { local r; r=$(count_once "$1"); echo "${r% *}"; }

db_uniques() { psql_admin -c "SELECT coalesce(sum(uniques), 0) FROM footfall.counter_total"; }
db_visitors() { psql_admin -c "SELECT count(*) FROM footfall.visitor"; }
# peek_total: the total footfall answers to GET /count?peek.  A read
# during a fault may be refused for a moment (a 503 while footfall backs
# off after a failed connect): up to 5 tries, 0.5 s apart, each refusal
# shown as a TAP comment.  Empty if no try was answered 200.
peek_total() {
	local try r
	for try in 1 2 3 4 5; do
		r=$(curl -s --max-time 10 -w ' %{http_code}' "$U/count?peek")
		if [ "${r##* }" = 200 ]; then
			echo "${r% *}" | sed -n 's/.*"total_visits":\([0-9]*\).*/\1/p'
			return
		fi
		echo "# peek $try: status ${r##* }: ${r% *}" >&2
		sleep 0.5
	done
}

INDETERMINATE=(502 504 000)

# fault_check NAME BEFORE: the check for the load NAME, which started
# with the database's total at BEFORE and was the only counting while it
# ran (a 503 the test sends outside it changes nothing).  Prints the
# four numbers as a TAP comment and makes two assertions.
fault_check() {
	local name=$1 before=$2 ack indet total peek
	ack=$(load_count "$name" 200)
	indet=$(load_count "$name" "${INDETERMINATE[@]}")
	total=$(( $(db_total) - before ))
	peek=$(peek_total)
	[ -n "$peek" ] && peek=$((peek - before))
	echo "# $name: acknowledged=$ack indeterminate=$indet total=$total peek=$peek"
	echo "# $name: statuses $(load_statuses "$name"), longest $(load_max_time "$name") s"
	[ "$ack" -le "$total" ] && [ "$total" -le $((ack + indet)) ]
	ok $? "$name: acknowledged <= total <= acknowledged + indeterminate ($ack <= $total <= $((ack + indet)))"
	is "$peek" "$total" "$name: GET /count?peek reads the database's total"
}

# Every visitor new once (the window is a day): one row per visitor, and
# the uniques total is their number.  A visit half-written (a visitor row
# without its unique, or the reverse) breaks it.
fault_check_uniques() {	# NAME
	is "$(db_uniques)" "$(db_visitors)" "$1: sum of uniques equals the visitor rows"
}

now() { echo "$EPOCHREALTIME"; }

# lock_hold: a psql in the background takes footfall.counter_total in ACCESS
# EXCLUSIVE mode inside a transaction, so that record_visits (and
# read_counts) wait for it, and keeps it until lock_release (or until
# the test ends and its input closes).  Returns once the lock is held.
lock_held() {
	psql_admin -c "SELECT count(*) FROM pg_locks WHERE granted
	    AND relation = 'footfall.counter_total'::regclass AND mode = 'AccessExclusiveLock'"
}
lock_hold() {
	coproc LOCKER { psql_admin >/dev/null 2>&1; }
	echo "BEGIN; LOCK TABLE footfall.counter_total IN ACCESS EXCLUSIVE MODE;" >&"${LOCKER[1]}"
	for _ in $(seq 200); do [ "$(lock_held)" = 1 ] && return 0; sleep 0.05; done
	return 1
}
lock_release() {	# returns once the lock is gone
	local pid=$LOCKER_PID
	# \q, not end of input: the load's workers share the pipe.
	printf 'COMMIT;\n\\q\n' >&"${LOCKER[1]}"
	wait "$pid"
	for _ in $(seq 200); do [ "$(lock_held)" = 0 ] && return 0; sleep 0.05; done
	return 1
}
