#!/bin/sh
# survey_loop.sh - the whole loop over real SMTP: webhook in, survey mail
# out, answer page, answer, report; unsubscribe; expiry; clean SIGTERM;
# no token, address or comment in the log.
. "$TOP_SRCDIR/tests/integration/lib.sh"

start_sink
write_config "$WORK/npsd.conf" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
    'from = IT Servicedesk <servicedesk@example.org>' \
    '[survey]' 'delay = 0' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"

post "$(closed_event INC-1042 jan@example.net nl 'Jöhn Dœ')"
check "the close is scheduled" 202 "$STATUS"
wait_for test -s "$WORK/sink/0001.eml"
check "the survey mail reached the SMTP server" 0 "$?"

# Read the message as a mail client would.
"$PYTHON3" - "$WORK/sink/0001.eml" > "$WORK/mail.txt" <<'PY'
import email, email.policy, re, sys
raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
print("crlf_only", b"\n" not in raw.replace(b"\r\n", b""))
print("longest_line", max(len(l) for l in raw.split(b"\r\n")))
print("to", msg["To"])
print("subject", msg["Subject"])
print("type", msg.get_content_type())
print("parts", ",".join(p.get_content_type() for p in msg.iter_parts()))
print("list_unsubscribe", msg["List-Unsubscribe"])
print("list_unsubscribe_post", msg["List-Unsubscribe-Post"])
print("message_id", msg["Message-ID"])
print("date", bool(msg["Date"]))
text = msg.get_body(("plain",)).get_content()
html = msg.get_body(("html",)).get_content()
links = re.findall(r"/s/([A-Za-z0-9_-]{22})\?score=(\d+)", text)
print("text_links", len(links), ",".join(s for _, s in links))
print("html_links", len(re.findall(r"/s/[A-Za-z0-9_-]{22}\?score=\d+", html)))
print("token", links[0][0])
print("agent_named", "Piet Jansen" in text)
print("ticket_named", "INC-1042" in text and "Printer on 3rd floor jams" in text)
PY
field() { sed -n "s/^$1 //p" "$WORK/mail.txt"; }
check "CRLF line ends only" True "$(field crlf_only)"
check "no line over 78 characters" 1 "$([ "$(field longest_line)" -le 78 ] && echo 1)"
check "multipart/alternative" multipart/alternative "$(field type)"
check "text/plain first, then HTML" "text/plain,text/html" "$(field parts)"
check "the non-ASCII name decodes" "Jöhn Dœ <jan@example.net>" "$(field to)"
check_contains "the subject is Dutch" "Hoe hebben we het gedaan" "$(field subject)"
check "eleven score links in the text" "11 0,1,2,3,4,5,6,7,8,9,10" "$(field text_links)"
check "eleven score links in the HTML" 11 "$(field html_links)"
check_contains "List-Unsubscribe points at /u/" "/u/" "$(field list_unsubscribe)"
check "List-Unsubscribe-Post is one-click" "List-Unsubscribe=One-Click" "$(field list_unsubscribe_post)"
check "the agent is named" True "$(field agent_named)"
check "the ticket is named" True "$(field ticket_named)"
TOKEN=$(field token)

check "the survey is sent" sent "$(sql "SELECT state FROM surveys WHERE ticket_id = 'INC-1042'")"
token_hash=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
check "the token's hash is stored" 1 "$(sql "SELECT count(*) FROM tokens WHERE hash = '$token_hash'")"
check "the token itself is stored nowhere" "0 0" "$(sql "SELECT count(*) FROM tokens WHERE hash = '$TOKEN'") $(sql "SELECT count(*) FROM surveys WHERE public_id = '$TOKEN' OR token_hash = '$TOKEN'")" 

check "the delivered message is blanked in the outbox" 0 "$(sql "SELECT length(message) FROM outbox")"

# GET and HEAD show the page and never record.
page=$(curl -s -w '\n%{http_code}' "$BASE/s/$TOKEN?score=9")
check "GET shows the answer page" 200 "$(printf '%s' "$page" | tail -n 1)"
check_contains "with 9 pre-selected" 'value="9" required checked' "$page"
check_contains "in Dutch" "Verstuur mijn antwoord" "$page"
check "HEAD answers 200" 200 "$(curl -s -I -o /dev/null -w '%{http_code}' "$BASE/s/$TOKEN?score=0")"
check "GET and HEAD recorded nothing" 0 "$(sql "SELECT count(*) FROM answers")"
check "a score of 11 is 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$TOKEN?score=11")"
check "a score of abc is 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$TOKEN?score=abc")"
check "an unknown token is 404" 404 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/AAAAAAAAAAAAAAAAAAAAAA?score=9")"
check "a malformed token is 404" 404 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/..%2F..%2Fetc?score=9")"

# POST records, then replaces while open.
headers=$(curl -s -D - -o /dev/null --data-urlencode score=6 \
    --data-urlencode 'comment=Printer still jams <script>alert(1)</script>' "$BASE/s/$TOKEN")
check_contains "POST answers 303" " 303" "$headers"
check_contains "to the thank-you page" "Location: /s/$TOKEN/thanks" "$headers"
check "the answer is stored" 6 "$(sql "SELECT score FROM answers")"
check_contains "the page escapes the stored comment" "Printer still jams &lt;script&gt;" "$(curl -s "$BASE/s/$TOKEN")"
check "the survey is answered" answered "$(sql "SELECT state FROM surveys WHERE ticket_id = 'INC-1042'")"
check "a person's second answer replaces the first" 303 "$(answer "$TOKEN" 9 'Fixed after all')"
check "a second POST replaces the answer" "9|Fixed after all|1" "$(sql "SELECT score, comment, (SELECT count(*) FROM answers) FROM answers")"
check "a person's answer is not flagged" 0 "$(sql "SELECT flagged FROM answers")"
check "POST without a score is 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode comment=x "$BASE/s/$TOKEN")"
check "POST with score 10x is 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' -d score=10x "$BASE/s/$TOKEN")"
long=$(head -c 4100 /dev/zero | tr '\0' a)
check "a comment over 4000 bytes is 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' -d score=5 -d "comment=$long" "$BASE/s/$TOKEN")"
check "invalid UTF-8 in a comment is 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' -d score=5 -d 'comment=%FF%FE' "$BASE/s/$TOKEN")"
check "a refused POST left the answer alone" 9 "$(sql "SELECT score FROM answers")"
thanks=$(curl -s "$BASE/s/$TOKEN/thanks")
check_contains "the thank-you page is Dutch" "Bedankt" "$thanks"
check_contains "the page shows the current comment" "Fixed after all</textarea>" "$(curl -s "$BASE/s/$TOKEN")"

# The report counts it.
json=$("$NPSCTL" -c "$WORK/npsd.conf" report --by team --format json)
check "report: one group" servicedesk "$(json_field "$json" groups.0.key)"
check "report: sent 1" 1 "$(json_field "$json" groups.0.sent)"
json=$("$NPSCTL" -c "$WORK/npsd.conf" report --by category --format json)
check "report by category: 1 closed, 1 sent" "1 1" "$(json_field "$json" groups.0.closed) $(json_field "$json" groups.0.sent)"
json=$("$NPSCTL" -c "$WORK/npsd.conf" report --by team --format json)
check "report: one promoter" 1 "$(json_field "$json" groups.0.promoters)"
check "report: nps 100" 100.0 "$(json_field "$json" groups.0.nps)"
check "report: low_sample" true "$(json_field "$json" groups.0.low_sample)"
check "report: response_rate 1" 1.0 "$(json_field "$json" groups.0.response_rate)"
check "report: self_avg from agent.self_score" 8.0 "$(json_field "$json" groups.0.self_avg)"
check "report: gap" -1.0 "$(json_field "$json" groups.0.gap)"
csv=$("$NPSCTL" -c "$WORK/npsd.conf" report --by agent --format csv)
check_contains "report: CSV" '"piet","Piet Jansen","",,1,1,1.000,1,0,0,100.0' "$csv"
table=$("$NPSCTL" -c "$WORK/npsd.conf" report --by none --interval month)
check_contains "report: table" "100.0*" "$table"

# One-click unsubscribe, then the address is never surveyed again.
check "the unsubscribe page shows" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/u/$TOKEN")"
check "one-click POST answers 200" 200 "$(curl -s -o /dev/null -w '%{http_code}' -d List-Unsubscribe=One-Click "$BASE/u/$TOKEN")"
check "the address is suppressed by hash" 1 "$(sql "SELECT count(*) FROM suppressions")"
post "$(closed_event INC-2000 JAN@example.net)"
check "a suppressed address is skipped" suppressed "$(json_field "$RESPONSE" reason)"

stop_npsd
check "SIGTERM exits 0" 0 "$?"
check_contains "and says it stopped" "stopped" "$(tail -n 1 "$WORK/npsd.log")"

# Expiry: a survey past [survey] expire answers 410.
write_config "$WORK/expire.conf" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
    '[survey]' 'delay = 0' 'expire = 1s' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/expire.conf"
post "$(closed_event INC-3000 kees@example.net)"
wait_for test -s "$WORK/sink/0002.eml"
token2=$(grep -o '/s/[A-Za-z0-9_-]\{22\}' "$WORK/sink/0002.eml" | head -n 1 | cut -c4-)
sleep 2
check "an expired survey's page is 410" 410 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$token2?score=5")"
check "an expired survey takes no answer" 410 "$(curl -s -o /dev/null -w '%{http_code}' -d score=5 "$BASE/s/$token2")"
wait_until_eq expired sql "SELECT state FROM surveys WHERE ticket_id = 'INC-3000'"
check "the survey is marked expired" expired "$(sql "SELECT state FROM surveys WHERE ticket_id = 'INC-3000'")"
stop_npsd

for secret in "$TOKEN" "$token2" jan@example.net kees@example.net "Fixed after all" "Printer still"; do
	if grep -qF "$secret" "$WORK/npsd.log"; then not_ok "the log contains [$secret]"; else ok "the log holds no [$secret]"; fi
done

finish
