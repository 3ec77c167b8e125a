# The checks that hold through any web server in front of footfall:
# counting, the read-only requests and CORS.  Sourced by e2e.test
# (nginx) and apache.test (Apache with mod_fcgid) once their server is
# up at $U, with allow_origin = https://good.example and an empty
# database.
jnum() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" <<<"$body"; }

# Counting.
req "$U/count"
is "$code" 200 "GET /count answers 200"
is "$body" '{"count":1,"total_visits":1,"unique_visitors":1,"is_new_visitor":true}' "first visit body"
hdr_has 'Content-Type: application/json'; ok $? "JSON content type"
hdr_has 'Cache-Control: no-store'; ok $? "counts are not cached"
hdr_has 'Vary: Origin'; ok $? "Vary: Origin on counts"
req "$U/count"
is "$body" '{"count":2,"total_visits":2,"unique_visitors":1,"is_new_visitor":false}' "second visit from the same address is not new"
req -X POST "$U/count"
is "$code:$(jnum count)" "200:3" "POST /count counts"
req --interface 127.0.0.2 "$U/count"
is "$(jnum count):$(jnum unique_visitors)" "4:2" "another address is a new visitor"
for _ in 1 2 3 4 5; do req "$U/count"; done
is "$(jnum count)" 9 "each GET adds exactly one"
is "$(db_total)" 9 "the database holds exactly the visits answered"

# Read-only ways.
req "$U/count?peek"
is "$body" '{"count":9,"total_visits":9,"unique_visitors":2}' "?peek reads without counting"
req -I "$U/count"
is "$code" 200 "HEAD /count answers 200"
is "$(grep -c "{" "$T/body")" 0 "HEAD has no body"
is "$(db_total)" 9 "neither peek nor HEAD counted"

# CORS.
req -H 'Origin: https://good.example' "$U/count"
hdr_has 'Access-Control-Allow-Origin: https://good.example'; ok $? "allowed origin is echoed"
hdr_has 'Vary: Origin'; ok $? "an allowed origin's answer varies on Origin"
is "$(jnum count)" 10 "allowed origin counts"
req -X OPTIONS -H 'Origin: https://good.example' -H 'Access-Control-Request-Method: GET' "$U/count"
is "$code" 204 "preflight answers 204"
hdr_has 'Access-Control-Allow-Origin: https://good.example'; ok $? "preflight echoes the origin"
hdr_has 'Access-Control-Allow-Methods: GET, HEAD, POST, OPTIONS'; ok $? "preflight lists the route's methods"
hdr_has 'Access-Control-Allow-Headers: Content-Type'; ok $? "preflight allows Content-Type"
hdr_has 'Access-Control-Max-Age: [0-9]*'; ok $? "preflight has Max-Age"
hdr_has 'Vary: Origin'; ok $? "preflight varies on Origin"
for o in 'https://evil.example' 'null' 'http://good.example' 'https://good.example:444' 'https://good.example/'; do
	req -X OPTIONS -H "Origin: $o" "$U/count"
	[ -z "$(hdr_get Access-Control-Allow-Origin)" ]; ok $? "preflight from '$o' gets no allow header"
	req -H "Origin: $o" "$U/count"
	is "$code:$body" '403:{"error":"origin not allowed"}' "GET from '$o' is refused"
	[ -z "$(hdr_get Access-Control-Allow-Origin)" ]; ok $? "GET from '$o' gets no allow header"
done
# Two Origin headers (Apache joins them into one "a, b" value): refused.
req -H 'Origin: https://good.example' -H 'Origin: https://good.example' "$U/count"
is "$code" 403 "a duplicated Origin is refused"
[ -z "$(hdr_get Access-Control-Allow-Origin)" ]; ok $? "a duplicated Origin gets no allow header"
is "$(db_total)" 10 "refused origins counted nothing"
