#!/bin/sh
# answer_integrity.sh - the answer path: cross-site posts refused, the
# comment limit (text kept), every version kept, concurrent posts on one
# survey, token guessing throttled (429), hostile text escaped.
. "$TOP_SRCDIR/tests/integration/lib.sh"

P=$("$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
write_config "$WORK/npsd.conf" '[server]' "listen = 127.0.0.1:$P" "public_url = http://127.0.0.1:$P" \
    '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 0' 'cooldown = 0' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
post '{"type":"ticket.closed","ticket":{"id":"X-1","subject":"<script>alert(1)</script> & \"quotes\""},"requester":{"email":"x@example.net","name":"<img src=x onerror=alert(1)>"},"agent":{"id":"piet","name":"<b>Piet</b>"}}'
check "scheduled" 202 "$STATUS"
wait_for sh -c "ls '$WORK/mail/new/' | grep -q ."
mail=$(cat "$WORK/mail/new/"*)
T=$(printf '%s' "$mail" | grep -o '/s/[A-Za-z0-9_-]\{22\}' | head -n 1 | cut -c4-)

# hostile text is escaped in the mail's HTML and on the page
check_contains "the mail's HTML escapes the subject" "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" "$(printf '%s' "$mail" | "$PYTHON3" -c 'import sys,quopri; print(quopri.decodestring(sys.stdin.buffer.read()).decode())')"
page=$(curl -s -D "$WORK/headers" "$BASE/s/$T?score=5")
check_contains "the page escapes the subject" "&lt;script&gt;alert(1)&lt;/script&gt;" "$page"
check_contains "and the agent's name" "&lt;b&gt;Piet&lt;/b&gt;" "$page"
if printf '%s' "$page" | grep -q "<script"; then not_ok "no raw script tag on the page"; else ok "no raw script tag on the page"; fi
headers=$(cat "$WORK/headers")
check_contains "CSP without inline script" "Content-Security-Policy: default-src 'none'" "$headers"
check_contains "CSP frame-ancestors" "frame-ancestors 'none'" "$headers"
check_contains "nosniff" "X-Content-Type-Options: nosniff" "$headers"
check_contains "no referrer" "Referrer-Policy: no-referrer" "$headers"
check_contains "no caching" "Cache-Control: no-store" "$headers"

# cross-site posts
check "a cross-site POST is 403" 403 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Origin: https://evil.example' -d score=0 "$BASE/s/$T")"
check "a POST a browser marks cross-site is 403" 403 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Sec-Fetch-Site: cross-site' -H "Origin: http://127.0.0.1:$P" -d score=0 "$BASE/s/$T")"
check "a cross-site unsubscribe is 403" 403 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Origin: null' -d List-Unsubscribe=One-Click "$BASE/u/$T")"
check "and nothing was stored" "0 0" "$(sql "SELECT count(*) FROM answers") $(sql "SELECT count(*) FROM suppressions")"
check "a same-origin POST with Origin: null (no-referrer) is accepted" 303 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Sec-Fetch-Site: same-origin' -H 'Origin: null' -d score=6 "$BASE/s/$T")"
check "a same-site POST is accepted" 303 "$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: http://127.0.0.1:$P" -d score=6 "$BASE/s/$T")"

# comment limit: 2,000 characters, the typed text kept
long=$(head -c 2001 /dev/zero | tr '\0' 'w')
body=$(curl -s -w '\n%{http_code}' -d score=7 --data-urlencode "comment=$long" "$BASE/s/$T")
check "2,001 characters are refused" 400 "$(printf '%s' "$body" | tail -n 1)"
check_contains "with the message shown" 'class="error shown"' "$body"
check_contains "and the text kept in the form" "$long</textarea>" "$body"
check_contains "and the score kept" 'value="7" required checked' "$body"
accents=$(/usr/bin/python3 -c 'print("é" * 2000)')
check "2,000 characters of two bytes each are accepted" 303 "$(curl -s -o /dev/null -w '%{http_code}' -d score=7 --data-urlencode "comment=$accents" "$BASE/s/$T")"

# every version is kept; the latest counts
curl -s -o /dev/null -d score=9 --data-urlencode 'comment=Final answer' "$BASE/s/$T"
check "every answer sent is kept in order" "6 6 7 9" "$(sql "SELECT group_concat(score, ' ') FROM (SELECT score FROM answer_versions ORDER BY id) AS t")"
check "the answer is the latest" "9|Final answer" "$(sql "SELECT score || '|' || comment FROM answers")"

# twenty concurrent posts on one survey: no 500, one consistent answer
curls=
for i in $(seq 0 19); do
	curl -s -o /dev/null -w '%{http_code}\n' -d "score=$((i % 11))" "$BASE/s/$T" >> "$WORK/codes" &
	curls="$curls $!"
done
wait $curls
check "twenty concurrent posts all end in 303" "20" "$(grep -c '^303$' "$WORK/codes")"
check "one answer row" 1 "$(sql "SELECT count(*) FROM answers")"
check "which is the last version written" "$(sql "SELECT score FROM answer_versions ORDER BY id DESC LIMIT 1")" "$(sql "SELECT score FROM answers")"
check "and every version is kept" 24 "$(sql "SELECT count(*) FROM answer_versions")"

# a mail scanner: every link and the honeypot within a second of delivery
post "$(closed_event SCAN-1 scanned@example.net)"
wait_until_ge 2 sh -c "ls '$WORK/mail/new' | wc -l"
T2=$(grep -l 'scanned@example.net' "$WORK/mail/new/"* | xargs cat | grep -o '/s/[A-Za-z0-9_-]\{22\}' | head -n 1 | cut -c4-)
check_contains "the HTML mail carries the invisible honeypot link" "/s/$T2/h" "$(grep -l 'scanned@example.net' "$WORK/mail/new/"* | xargs cat | "$PYTHON3" -c 'import sys,quopri; print(quopri.decodestring(sys.stdin.buffer.read()).decode())')"
scans=
for s in 0 1 2 3 4 5 6 7 8 9 10; do curl -s -o /dev/null "$BASE/s/$T2?score=$s" & scans="$scans $!"; done
curl -s -o /dev/null "$BASE/s/$T2/h"
wait $scans
sid2=$(sql "SELECT id FROM surveys WHERE ticket_id = 'SCAN-1'")
check "the scanner's fetches recorded no answer" 0 "$(sql "SELECT count(*) FROM answers WHERE survey = $sid2")"
check "but every view is logged, the honeypot too" "11 1" "$(sql "SELECT count(*) FROM page_views WHERE survey = $sid2 AND kind = 'page'") $(sql "SELECT count(*) FROM page_views WHERE survey = $sid2 AND kind = 'honeypot'")"
sleep 2.5	# the person opens the mail after the scanner is done
check "later the person answers" 303 "$(answer "$T2" 9 'Thanks')"
check "one answer, not flagged" "1 0" "$(sql "SELECT count(*) FROM answers WHERE survey = $sid2") $(sql "SELECT flagged FROM answers WHERE survey = $sid2")"
stamp=$(curl -s "$BASE/s/$T2?score=2" | sed -n 's/.*name="r" value="\([^"]*\)".*/\1/p')
sleep 0.3
curl -s -o /dev/null -d "r=$stamp" -d score=2 "$BASE/s/$T2"
check "a POST 300 ms after its page is flagged too_fast" "1|too_fast" "$(sql "SELECT flagged || '|' || flag_rule FROM answers WHERE survey = $sid2")"
burst=$(curl -s "$BASE/s/$T2?score=2" | sed -n 's/.*name="r" value="\([^"]*\)".*/\1/p')
curl -s -o /dev/null "$BASE/s/$T2?score=3"
curl -s -o /dev/null "$BASE/s/$T2?score=4"
sleep 2.1
curl -s -o /dev/null -d "r=$burst" -d score=2 "$BASE/s/$T2"
check "a form rendered amid views of three scores is flagged scan_burst" "1|scan_burst" "$(sql "SELECT flagged || '|' || flag_rule FROM answers WHERE survey = $sid2")"
curl -s -o /dev/null -d score=2 "$BASE/s/$T2"
check "a POST without the form is flagged no_form" "1|no_form" "$(sql "SELECT flagged || '|' || flag_rule FROM answers WHERE survey = $sid2")"
curl -s -o /dev/null -d "r=1.00000000000000000000000000000000" -d score=2 "$BASE/s/$T2"
check "a forged render time counts as no form" "1|no_form" "$(sql "SELECT flagged || '|' || flag_rule FROM answers WHERE survey = $sid2")"
json=$("$NPSCTL" -c "$WORK/npsd.conf" report --by none --format json)
check "reports leave flagged answers out and count them" "$(sql "SELECT count(*) FROM answers WHERE flagged = 1")" "$(json_field "$json" groups.0.flagged)"
check "two flagged: the form-less posts above and this one" 2 "$(json_field "$json" groups.0.flagged)"
check "and no response counted" 0 "$(json_field "$json" groups.0.responses)"
out=$("$NPSCTL" -c "$WORK/npsd.conf" answers --flagged)
check_contains "npsctl answers --flagged lists it with its rule" "no_form" "$out"
"$NPSCTL" -c "$WORK/npsd.conf" answers unflag "$(sql "SELECT public_id FROM surveys WHERE id = $sid2")" > /dev/null
check "an operator can unflag it" "0|unflagged" "$(sql "SELECT flagged || '|' || flag_rule FROM answers WHERE survey = $sid2")"


# token guessing: after 20 unknown tokens a client gets 429 for unknown ones
for i in $(seq 1 20); do
	curl -s -o /dev/null "$BASE/s/AAAAAAAAAAAAAAAAAAAA$(printf %02d "$i")"
done
curl -s -D "$WORK/h429" -o /dev/null "$BASE/s/AAAAAAAAAAAAAAAAAAAAZZ"
check_contains "the 21st unknown token is 429" " 429" "$(head -n 1 "$WORK/h429")"
check_contains "with Retry-After" "Retry-After:" "$(cat "$WORK/h429")"
check "that client's real link still opens (a valid token is never refused)" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$T")"
check "another client is not held back" 404 "$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "http://127.0.0.1:$P/s/AAAAAAAAAAAAAAAAAAAAZZ")"
check "another client's real link opens" 200 "$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "http://127.0.0.1:$P/s/$T")"
check "webhooks are not throttled by it" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")"

stop_npsd
check "SIGTERM exits 0" 0 "$?"
finish
