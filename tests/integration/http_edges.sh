#!/bin/sh
# http_edges.sh - HTTP edge cases from the real daemon: Content-Length with
# chunked (400, closed), unknown Transfer-Encoding (501 at once), Allow on
# every 405, HEAD wherever GET works, %00 in the target (400), malformed
# forms (400, not 413), and 503 with Retry-After while another process
# holds the database's write lock.
. "$TOP_SRCDIR/tests/integration/lib.sh"

P=$("$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
write_config "$WORK/npsd.conf" '[server]' "listen = 127.0.0.1:$P" "public_url = http://127.0.0.1:$P" \
    'threads = 16' '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 0' 'cooldown = 0' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"

# raw REQUEST_FILE: sends the bytes as they are, prints what comes back
# (then <EOF> when the server closed, <TIMEOUT> after 3 s) and the seconds
raw() {
	"$PYTHON3" - "$P" "$1" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(3)
s.sendall(open(sys.argv[2], "rb").read())
out, t0 = b"", time.monotonic()
try:
    while True:
        d = s.recv(65536)
        if not d:
            out += b"<EOF>"
            break
        out += d
except socket.timeout:
    out += b"<TIMEOUT>"
print(out.decode("latin-1").replace("\r", ""))
print("seconds=%d" % round(time.monotonic() - t0))
PY
}

# Content-Length and Transfer-Encoding together: 400 and the connection
# closed, so the pipelined request after it is never answered.
body='{"type":"ticket.reopened","ticket":{"id":"X"}}'
printf 'POST /hooks/generic HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' \
    ${#body} "$body" > "$WORK/req"
out=$(raw "$WORK/req")
check_contains "CL and TE together is 400" "HTTP/1.1 400" "$out"
check_contains "and says Connection: close" "Connection: close" "$out"
check_contains "and closes the connection" "<EOF>" "$out"
check "the pipelined request is not answered" 1 "$(printf '%s' "$out" | grep -c '^HTTP/1.1')"

printf 'POST /hooks/generic HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\nabc' > "$WORK/req"
out=$(raw "$WORK/req")
check_contains "an unknown Transfer-Encoding is 501" "HTTP/1.1 501" "$out"
check_contains "answered at once and closed" "<EOF>
seconds=0" "$out"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n' > "$WORK/req"
check_contains "gzip, chunked is 501 too" "HTTP/1.1 501" "$(raw "$WORK/req")"
printf 'POST /hooks/generic HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd' > "$WORK/req"
check_contains "two different Content-Lengths are 400" "HTTP/1.1 400" "$(raw "$WORK/req")"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' > "$WORK/req"
check "plain pipelining still works" 2 "$(raw "$WORK/req" | grep -c '^HTTP/1.1 200')"

# a survey, its token, and a sign-in link for its agent
post "$(closed_event INC-1 jan@example.net)"
check "a close is scheduled" 202 "$STATUS"
wait_for sh -c "ls '$WORK/mail/new/' | grep -q ."
T=$(cat "$WORK/mail/new/"* | grep -o '/s/[A-Za-z0-9_-]\{22\}' | head -n 1 | cut -c4-)
check "the survey link has a token" 22 "${#T}"

# 405 always names what is allowed; HEAD goes wherever GET does
for spec in "DELETE /healthz" "PUT /s/$T" "GET /hooks/generic" "PATCH /login" "POST /metrics" \
    "DELETE /" "OPTIONS /api/v1/nps" "PUT /teams/x" "POST /healthz"; do
	set -- $spec
	code=$(curl -s -o /dev/null -D "$WORK/headers" -w '%{http_code}' -X "$1" "$BASE$2")
	allow=$(sed -n 's/^Allow: \(.*\)\r$/\1/p' "$WORK/headers")
	check "$1 $2 is 405 with Allow" "405 yes" "$code $([ -n "$allow" ] && echo yes)"
done
check "Allow on /s/ lists GET, HEAD and POST" "GET, HEAD, POST" \
    "$(curl -s -o /dev/null -D - -X PUT "$BASE/s/$T" | sed -n 's/^Allow: \(.*\)\r$/\1/p')"
for path in /healthz /metrics /login "/s/$T" "/s/$T?score=7" "/u/$T" /me / /teams/x \
    /api/v1/nps /api/v1/responses /login/AAAAAAAAAAAAAAAAAAAAAA; do
	get=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")
	head=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -I "$BASE$path")
	check "HEAD $path answers as GET does, without a body" "$get 0" "$head"
done

# %00 in the request target
for path in '/healthz%00.html' '/s/%00' "/s/$T%00" '/healthz?x=%00'; do
	check "$path is 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")"
done

# malformed form bodies are 400, never 413
form() { curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "$2" "$BASE$1"; }
check "a raw = in a form value is 400" 400 "$(form "/s/$T" 'score=7&comment=a=b')"
check "a bad %-escape is 400" 400 "$(form "/s/$T" 'score=7&comment=%zz')"
check "a cut-off %-escape is 400" 400 "$(form "/s/$T" 'score=7&comment=ab%4')"
check "a control character is 400" 400 "$(form "/s/$T" "$(printf 'score=7&comment=a\001b')")"
check "a bad unsubscribe form is 400" 400 "$(form "/u/$T" 'List-Unsubscribe=One=Click')"
check "a bad sign-in form is 400" 400 "$(form /login 'email=a%x@example.org')"
check "and nothing was stored" "0 0" "$(sql "SELECT count(*) FROM answers") $(sql "SELECT count(*) FROM suppressions")"
check "a large form is still 413" 413 "$(form "/s/$T" "score=7&comment=$(head -c 70000 /dev/zero | tr '\0' x)")"

# Sign-in links for the agent: one to use now (a session), one for later.
login_link() {
	n=$(grep -l "/login/" "$WORK/mail/new/"* 2>/dev/null | wc -l)
	curl -s -o /dev/null -d "email=piet@example.org" "$BASE/login"
	wait_until_ge $((n + 1)) sh -c "grep -l /login/ '$WORK/mail/new/'* 2>/dev/null | wc -l"
	grep -ho '/login/[A-Za-z0-9_-]\{22\}' $(grep -l "/login/" "$WORK/mail/new/"*) | cut -c8- |
	    while read -r l; do grep -q -F -e "$l" "$WORK/used" || echo "$l"; done |
	    head -n 1 | tee -a "$WORK/used"
}
touch "$WORK/used"
L1=$(login_link)
L2=$(login_link)
cookie=$(curl -s -D - -o /dev/null -X POST -H 'Content-Type: application/x-www-form-urlencoded' \
    "$BASE/login/$L1" | sed -n 's/^Set-Cookie: \(__Host-npsd=[^;]*\);.*/\1/p')
csrf=$(curl -s -H "Cookie: $cookie" "$BASE/me" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
check "a session for the busy-database checks" "yes yes" \
    "$([ -n "$cookie" ] && echo yes) $([ -n "$csrf" ] && echo yes)"

# Another process holds the write lock until every request below was
# answered (at most 30 s; two requests on one server thread wait in turn).
hold_write_lock "$WORK/locked" "$WORK/release"
busy() {	# NAME CURL-ARGS...: in the background, status and headers to $WORK/busy.NAME
	name=$1
	shift
	curl -s -m 20 -o /dev/null -D "$WORK/busy.$name" "$@" &
	BUSY_PIDS="$BUSY_PIDS $!"
}
BUSY_PIDS=
printf '%s' "$(closed_event INC-2 jan@example.net)" > "$WORK/body.json"
ts=$(date +%s)
busy hook -H 'Content-Type: application/json' -H 'webhook-id: msg_busy' -H "webhook-timestamp: $ts" \
    -H "webhook-signature: $(sign msg_busy "$ts" "$WORK/body.json")" --data-binary @"$WORK/body.json" \
    "$BASE/hooks/generic"
busy answer -d score=7 "$BASE/s/$T"
busy unsubscribe -d List-Unsubscribe=One-Click "$BASE/u/$T"
busy login -d email=someone@example.org "$BASE/login"
busy link -X POST -H 'Content-Type: application/x-www-form-urlencoded' "$BASE/login/$L2"
busy logout -H "Cookie: $cookie" -d "csrf=$csrf" "$BASE/logout"
busy healthz "$BASE/healthz"
busy page "$BASE/s/$T?score=3"
wait $BUSY_PIDS
touch "$WORK/release"
wait $LOCK_PID
for name in hook answer unsubscribe login link logout; do
	h=$(tr -d '\r' < "$WORK/busy.$name")
	check_contains "$name while the database is locked is 503" "HTTP/1.1 503" "$h"
	check_contains "$name's 503 carries Retry-After" "Retry-After: " "$h"
done
h=$(tr -d '\r' < "$WORK/busy.healthz")
case "$h" in
"HTTP/1.1 200"*) ok "healthz still answers 200 (reads go on)" ;;
"HTTP/1.1 503"*) check_contains "healthz says the mailer cannot write, with Retry-After" "Retry-After: " "$h" ;;
*) not_ok "healthz did not answer: [$h]" ;;
esac
check_contains "the answer page still answers" "HTTP/1.1 200" "$(cat "$WORK/busy.page")"
check "nothing was stored while locked" "0 0" "$(sql "SELECT count(*) FROM answers") $(sql "SELECT count(*) FROM suppressions")"
check "after the lock the answer is stored" 303 "$(curl -s -o /dev/null -w '%{http_code}' -d score=7 "$BASE/s/$T")"
stop_npsd
check "SIGTERM exits 0" 0 "$?"
check "no sanitizer report in the log" 0 "$(grep -c -e 'runtime error' -e 'Sanitizer' "$WORK/npsd.log")"

finish
