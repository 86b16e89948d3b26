#!/bin/sh
# reports_api.sh - each role gets exactly its view, by CLI and API: agent,
# team lead (manager token) and IT manager (admin token); 401 and 403 with
# no data; pagination; strict parameters; category volume; CSV formula
# injection; and a detractor answer reaching the team lead by mail, then
# its follow-up recorded.
. "$TOP_SRCDIR/tests/integration/lib.sh"

start_sink
write_config "$WORK/npsd.conf" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
    'from = IT Servicedesk <servicedesk@example.org>' \
    '[survey]' 'delay = 0' \
    '[alerts]' 'detractors = yes' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
CTL="$NPSCTL -c $WORK/npsd.conf"

check "add-manager for a team no event has named is an error" 1 \
    "$($CTL team add-manager sd Lead@Example.org > /dev/null 2>&1; echo $?)"
check "and creates nothing" "" "$(sql "SELECT team_id FROM team_managers")"
check "team add-manager --create" 0 "$($CTL team add-manager --create sd Lead@Example.org > /dev/null; echo $?)"
check_contains "team list shows the manager, lower-cased" "lead@example.org" "$($CTL team list)"
check "a bad manager address is a usage error" 2 "$($CTL team add-manager sd 'not an address' 2>/dev/null; echo $?)"
check "removing someone who is not a manager fails" 1 "$($CTL team remove-manager sd other@example.org 2>/dev/null; echo $?)"
$CTL team add-manager sd other@example.org > /dev/null
check "remove-manager" 0 "$($CTL team remove-manager sd other@example.org > /dev/null; echo $?)"
check "only the lead manages sd" "lead@example.org" "$(sql "SELECT group_concat(email) FROM team_managers WHERE team_id = 'sd'")"

# ev TICKET REQUESTER AGENT AGENT_NAME TEAM TEAM_NAME CATEGORY
ev() {
	printf '{"type":"ticket.closed","ticket":{"id":"%s","subject":"Subject of %s","category":"%s"},"requester":{"email":"%s","name":"Requester %s"},"agent":{"id":"%s","name":"%s","self_score":7},"team":{"id":"%s","name":"%s"}}' \
	    "$1" "$1" "$7" "$2" "$1" "$3" "$4" "$5" "$6"
}
post "$(ev T-1 r1@example.net piet 'Piet Jansen' sd Servicedesk Hardware)"
post "$(ev T-2 r2@example.net piet 'Piet Jansen' sd Servicedesk '=HYPERLINK(\"http://x.example\",\"x\")')"
post "$(ev T-3 r3@example.net kees 'Kees Bakker' net Network Network)"
post "$(ev T-4 r4@example.net kees 'Kees Bakker' net Network Network)"
wait_until_eq 4 sink_count
check "four survey mails" 4 "$(sink_count)"

# ticket -> token, from the mails as delivered
"$PYTHON3" - "$WORK/sink" > "$WORK/tokens" <<'PY'
import email, email.policy, glob, re, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_bytes(open(f, "rb").read(), policy=email.policy.default)
    t = m.get_body(("plain",)).get_content()
    tok = re.search(r"/s/([A-Za-z0-9_-]{22})\?score=0", t)
    tic = re.search(r"ticket (T-\d)", t)
    if tok and tic:
        print(tic.group(1), tok.group(1))
PY
token_of() { sed -n "s/^$1 //p" "$WORK/tokens"; }
check "tokens of all four mails" 4 "$(wc -l < "$WORK/tokens")"

# Three people answer at once (T-4 never does); T-1 is a detractor.
answer "$(token_of T-2)" 10 > "$WORK/a2" &
p2=$!
answer "$(token_of T-3)" 9 'Quick and friendly' > "$WORK/a3" &
p3=$!
t0=$(date +%s)
answer "$(token_of T-1)" 3 "=cmd|' /C calc'!A0 still broken" > "$WORK/a1"
wait "$p2" "$p3"
check "the answers are stored" "303 303 303" "$(cat "$WORK/a1") $(cat "$WORK/a2") $(cat "$WORK/a3")"

# The team lead hears about the detractor within a minute.
alerts() { grep -l '^To: lead@example.org' "$WORK/sink"/*.eml 2>/dev/null | wc -l; }
wait_until_eq 1 alerts
t1=$(date +%s)
check "one alert mail to the team lead" 1 "$(alerts)"
check "it arrived within a minute of the answer" 1 "$([ $((t1 - t0)) -le 60 ] && echo 1)"
echo "# alert arrived $((t1 - t0)) s after the answer was sent"
"$PYTHON3" - "$(grep -l '^To: lead@example.org' "$WORK/sink"/*.eml)" > "$WORK/alert.txt" <<'PY'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
t = m.get_body(("plain",)).get_content()
print("subject", m["Subject"])
print("type", m.get_content_type())
print("unsubscribe", m["List-Unsubscribe"])
for what in ("T-1", "Subject of T-1", "Piet Jansen", "Score:     3", "r1@example.net",
             "Requester T-1", "still broken", "Hardware", "npsctl followup done svy_"):
    print("has", what, what in t)
PY
check_contains "the alert's subject names score and ticket" "score 3 on ticket T-1" "$(sed -n 's/^subject //p' "$WORK/alert.txt")"
check "the alert is plain text" text/plain "$(sed -n 's/^type //p' "$WORK/alert.txt")"
check "the alert has no unsubscribe link" None "$(sed -n 's/^unsubscribe //p' "$WORK/alert.txt")"
check "the alert carries ticket, agent, score, comment, requester" 0 "$(grep -c ' False$' "$WORK/alert.txt")"
check "promoters raise no alert" 1 "$(sql "SELECT count(*) FROM followups")"

svy=$(sql "SELECT public_id FROM surveys WHERE ticket_id = 'T-1'")
check_contains "followup list shows it" "T-1" "$($CTL followup list)"
check_contains "followup list --team sd shows it" "r1@example.net" "$($CTL followup list --team sd)"
check_contains "followup list --team net does not" "nobody is waiting" "$($CTL followup list --team net)"
check "followup done" 0 "$($CTL followup done "$svy" --note 'Called back, printer replaced' > /dev/null; echo $?)"
check_contains "nobody is waiting any more" "nobody is waiting" "$($CTL followup list)"
check_contains "--all shows it done with the note" "Called back, printer replaced" "$($CTL followup list --all)"
check "done twice is an error" 1 "$($CTL followup done "$svy" 2>/dev/null; echo $?)"

# Tokens, one per role.
AGENT=$($CTL token create --role agent --agent piet 2>/dev/null)
LEAD=$($CTL token create --role manager --team sd --label 'Team lead, sd board' 2>/dev/null)
check_contains "token list shows the label" "Team lead, sd board" "$($CTL token list)"
check "a label with a control character is a usage error" 2 \
    "$($CTL token create --role admin --label "$(printf 'a\tb')" > /dev/null 2>&1; echo $?)"
ADMIN=$($CTL token create --role admin 2>/dev/null)
check "tokens are shown once and stored hashed" 0 "$(sql "SELECT count(*) FROM api_tokens WHERE hash IN ('$AGENT', '$LEAD', '$ADMIN')")"
check "a manager token needs a team" 2 "$($CTL token create --role manager 2>/dev/null; echo $?)"

get() { # TOKEN PATH -> sets STATUS and RESPONSE
	STATUS=$(curl -s -o "$WORK/response" -w '%{http_code}' ${1:+-H "Authorization: Bearer $1"} "$BASE$2")
	RESPONSE=$(cat "$WORK/response")
}
keys() { "$PYTHON3" -c 'import json,sys; print(",".join(g["key"] for g in json.loads(sys.argv[1])["groups"]))' "$1"; }
resp() { "$PYTHON3" -c 'import json,sys; r=json.loads(sys.argv[1])["responses"]; print(",".join(sorted(x[sys.argv[2]] for x in r)))' "$1" "$2"; }

get "" /api/v1/nps
check "no token: 401" 401 "$STATUS"
check_contains "401 says how" "Bearer" "$RESPONSE"
get npsd_AAAAAAAAAAAAAAAAAAAAAA /api/v1/nps
check "an unknown token: 401" 401 "$STATUS"

# The agent sees that agent only.
get "$AGENT" "/api/v1/nps?by=agent"
check "agent: 200" 200 "$STATUS"
check "agent: only their own row" piet "$(keys "$RESPONSE")"
get "$AGENT" "/api/v1/nps?by=team"
check "agent by team: their own answers only (1 promoter, 1 detractor)" "sd 1 1" \
    "$(json_field "$RESPONSE" groups.0.key) $(json_field "$RESPONSE" groups.0.promoters) $(json_field "$RESPONSE" groups.0.detractors)"
get "$AGENT" "/api/v1/nps?agent=kees"
check "agent asking for another agent: 403" 403 "$STATUS"
check "403 carries no data" 0 "$(printf %s "$RESPONSE" | grep -c -e groups -e kees)"
get "$AGENT" "/api/v1/nps?team=net"
check "agent asking for a team: 403" 403 "$STATUS"
get "$AGENT" "/api/v1/responses"
check "agent responses: own tickets only" "T-1,T-2" "$(resp "$RESPONSE" ticket_id)"
check "agent responses: no requester addresses" 0 "$(printf %s "$RESPONSE" | grep -c -e requester -e '@example.net')"
get "$AGENT" "/api/v1/responses?agent=kees"
check "agent asking for another agent's responses: 403" 403 "$STATUS"

# The team lead sees the team only.
get "$LEAD" "/api/v1/nps?by=team"
check "lead: only their team" sd "$(keys "$RESPONSE")"
get "$LEAD" "/api/v1/nps?by=agent"
check "lead by agent: the team's agents" piet "$(keys "$RESPONSE")"
check "lead by agent: labelled" "Piet Jansen" "$(json_field "$RESPONSE" groups.0.label)"
check "lead: the self-assessment gap" "7.0 6.5 0.5" \
    "$(json_field "$RESPONSE" groups.0.self_avg) $(json_field "$RESPONSE" groups.0.customer_avg) $(json_field "$RESPONSE" groups.0.gap)"
get "$LEAD" "/api/v1/nps?team=net"
check "lead asking for another team: 403" 403 "$STATUS"
check "403 carries no data" 0 "$(printf %s "$RESPONSE" | grep -c groups)"
get "$LEAD" "/api/v1/nps?team=sd,net"
check "lead asking for their team and another: 403" 403 "$STATUS"
get "$LEAD" "/api/v1/nps?by=agent&agent=kees"
check "lead asking for an agent of another team: no rows" "" "$(keys "$RESPONSE")"
get "$LEAD" "/api/v1/responses"
check "lead responses: the team's tickets" "T-1,T-2" "$(resp "$RESPONSE" ticket_id)"
check "lead responses: requester addresses" "r1@example.net,r2@example.net" "$(resp "$RESPONSE" requester_email)"

# The IT manager (admin) sees everything, and the API gives what npsctl gives.
since=$(date -u -d '-2 days' +%Y-%m-%d); until=$(date -u -d '+1 day' +%Y-%m-%d)
get "$ADMIN" "/api/v1/nps?by=team&since=$since&until=$until"
check "admin: every team" "net,sd" "$(keys "$RESPONSE")"
cli=$($CTL report --by team --since "$since" --until "$until" --format json)
check "the API's JSON is npsctl's JSON" True "$("$PYTHON3" -c 'import json,sys; print(json.loads(sys.argv[1]) == json.loads(sys.argv[2]))' "$RESPONSE" "$cli")"
get "$ADMIN" "/api/v1/nps?by=category"
check "category volume: closed and sent next to NPS" "Network:2:2:1" "$("$PYTHON3" -c '
import json,sys
for g in json.loads(sys.argv[1])["groups"]:
    if g["key"] == "Network": print("%s:%d:%d:%d" % (g["key"], g["closed"], g["sent"], g["responses"]))' "$RESPONSE")"

# Pagination: one per page, newest first, every answer exactly once.
seen=""; cursor=""; pages=0
while :; do
	get "$ADMIN" "/api/v1/responses?limit=1${cursor:+&cursor=$cursor}"
	[ "$STATUS" = 200 ] || break
	seen="$seen$(resp "$RESPONSE" ticket_id) "
	pages=$((pages + 1))
	cursor=$(json_field "$RESPONSE" next)
	[ "$cursor" = None ] && break
	[ $pages -gt 5 ] && break
done
check "three pages of one" 3 "$pages"
check "each answer once" "T-1 T-2 T-3" "$(printf %s "$seen" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//;s/^ //')"
get "$ADMIN" "/api/v1/responses?comments=only"
check "comments=only" "T-1,T-3" "$(resp "$RESPONSE" ticket_id)"

# Strict parameters.
get "$ADMIN" "/api/v1/nps?by=planet"; check "a bad by: 400" 400 "$STATUS"
get "$ADMIN" "/api/v1/nps?since=2026-13-01"; check "a bad date: 400" 400 "$STATUS"
get "$ADMIN" "/api/v1/nps?colour=red"; check "an unknown parameter: 400" 400 "$STATUS"
check_contains "the 400 names it" colour "$RESPONSE"
get "$ADMIN" "/api/v1/nps?team=sd&team=net"; check "a repeated parameter: 400" 400 "$STATUS"
get "$ADMIN" "/api/v1/nps?last=30d&since=2026-01-01"; check "last with since: 400" 400 "$STATUS"
get "$ADMIN" "/api/v1/responses?limit=5000"; check "a limit over 1000: 400" 400 "$STATUS"
get "$ADMIN" "/api/v1/responses?cursor=1-x"; check "a forged cursor: 400" 400 "$STATUS"
get "$ADMIN" "/api/v1/nps?since=2000-01-01&interval=week"; check "too many buckets: 400" 400 "$STATUS"
check "POST is not allowed" 405 "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/nps")"

# Revoked and expired tokens stop working at once.
id=$($CTL token list | awk '$2 == "agent" { print $1 }')
$CTL token revoke "$id" > /dev/null
get "$AGENT" /api/v1/nps
check "a revoked token: 401" 401 "$STATUS"
check_contains "token list shows it revoked" revoked "$($CTL token list)"
sql "UPDATE api_tokens SET expires_at = strftime('%s', 'now') - 1 WHERE role = 'manager'"
get "$LEAD" /api/v1/nps
check "an expired token: 401" 401 "$STATUS"

# Formula injection: a category and a comment that a spreadsheet would run.
csv=$($CTL report --by category --format csv)
check_contains "report CSV: the category is neutralised" "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"x\"\")\"" "$csv"
csv=$($CTL comments --format csv)
check_contains "comments CSV: the comment is neutralised" "\"'=cmd|' /C calc'!A0 still broken\"" "$csv"
check_contains "comments --team net" "Quick and friendly" "$($CTL comments --team net)"
check "comments --team net leaves out sd" 0 "$($CTL comments --team net | grep -c 'still broken')"
check_contains "comments CSV carries the requester" "comment,requester_email,requester_name" "$csv"
csv=$($CTL answers --format csv --category '=HYPERLINK("http://x.example","x")')
check_contains "answers CSV: a team lead's columns" \
    "survey,source,ticket,subject,closed,answered,agent,team,category,score,comment,flagged,flag_rule,requester_email,requester_name" "$csv"
check_contains "answers CSV: the category cell is neutralised" "\"'=HYPERLINK(" "$csv"
check_contains "answers CSV: the comment cell is neutralised" "\"'=cmd|' /C calc'!A0 still broken\"" \
    "$($CTL answers --format csv)"
check "answers JSON lists every answer of the period" \
    "$(sql "SELECT count(*) FROM answers")" \
    "$($CTL answers --format json | "$PYTHON3" -c 'import json,sys; print(len(json.load(sys.stdin)["answers"]))')"
check "answers --team net lists only net's" "net" \
    "$($CTL answers --team net --format json | "$PYTHON3" -c 'import json,sys; print(",".join(sorted({a["team"] for a in json.load(sys.stdin)["answers"]})))')"

# A series shows its empty buckets: last month had no answers, but is a row.
first_of_last_month=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m-%d)
json=$($CTL report --by team --team sd --interval month --since "$first_of_last_month" --format json)
check "two months, two rows, the empty one included" "2 0 2" "$("$PYTHON3" -c '
import json,sys
g = json.loads(sys.argv[1])["groups"]
print(len(g), g[0]["responses"], g[1]["responses"])' "$json")"

# GET /metrics (SPEC section 7): counts, no personal data.
metrics=$(curl -s "$BASE/metrics")
check_contains "metrics: events by source and outcome" 'npsd_events_total{source="generic",outcome="scheduled"} 4' "$metrics"
check_contains "metrics: surveys by state" 'npsd_surveys{state="answered"} 3' "$metrics"
check_contains "metrics: the alert among the mail" 'npsd_mail_messages{kind="alert",state="sent"} 1' "$metrics"
check_contains "metrics: mail attempts" 'npsd_mail_attempts_total{outcome="sent"} 5' "$metrics"
check_contains "metrics: queue depth" 'npsd_mail_queue_depth 0' "$metrics"
check "metrics: no addresses" 0 "$(printf %s "$metrics" | grep -c '@')"

# Guessing tokens: after 20 unknown ones a minute, 429 with Retry-After;
# a valid token from the same client is still answered.
for _ in $(seq 1 22); do get npsd_BBBBBBBBBBBBBBBBBBBBBB /api/v1/nps; done
check "token guessing is throttled" 429 "$STATUS"
check_contains "with Retry-After" "Retry-After" "$(curl -s -D - -o /dev/null -H "Authorization: Bearer npsd_BBBBBBBBBBBBBBBBBBBBBB" "$BASE/api/v1/nps")"
get "$ADMIN" /api/v1/nps
check "a valid token from the throttled client is not refused" 200 "$STATUS"

finish
