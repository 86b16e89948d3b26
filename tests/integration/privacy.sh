#!/bin/sh
# privacy.sh - a person's rights on the real daemon: npsctl export lists
# what npsd holds about a requester; npsctl forget erases it (no table,
# nor the database or WAL file, holds their address, name or comment text
# afterwards) while reports give the same numbers and a new close for them
# is skipped as suppressed; npsctl agent forget erases a departed agent's
# name and address and keeps their scores under the id.
. "$TOP_SRCDIR/tests/integration/lib.sh"

write_config "$WORK/npsd.conf" \
    '[mail]' "transport = maildir:$WORK/mail" 'privacy_notice = How we keep your answer:' \
    'privacy_url = https://example.org/privacy' \
    '[survey]' 'delay = 0' 'cooldown = 0' \
    '[alerts]' 'detractors = yes' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
ctl() { "$NPSCTL" -c "$WORK/npsd.conf" "$@"; }

# the survey link's token in the mail to ADDRESS about TICKET
token_for() {
	"$PYTHON3" - "$WORK/mail/new" "$1" "$2" <<'PY'
import email, email.policy, glob, re, sys
for f in sorted(glob.glob(sys.argv[1] + "/*")):
    m = email.message_from_bytes(open(f, "rb").read(), policy=email.policy.default)
    if sys.argv[2] in m["To"] and sys.argv[3] in m["Subject"] + m.get_body(("plain",)).get_content():
        t = re.search(r"/s/([A-Za-z0-9_-]{22})", m.get_body(("plain",)).get_content())
        if t:
            print(t.group(1))
            break
PY
}

post "$(closed_event PRIV-1 anna@example.net en 'Anna Verhoeven')"
check "scheduled" 202 "$STATUS"
post "$(closed_event PRIV-2 Anna@Example.net en 'Anna Verhoeven')"
check "scheduled" 202 "$STATUS"
post "$(closed_event PRIV-3 bob@example.net en 'Bob Jansen')"
check "scheduled" 202 "$STATUS"
wait_until_eq 3 sh -c "ls '$WORK/mail/new' | wc -l"
ctl team add-manager servicedesk lead@example.org > /dev/null
mail=$(cat "$WORK/mail/new/"* | "$PYTHON3" -c 'import sys,quopri; print(quopri.decodestring(sys.stdin.buffer.read()).decode())')
check_contains "the survey mail's footer carries the privacy notice" "How we keep your answer:" "$mail"
check_contains "and its link" "https://example.org/privacy" "$mail"
write_config "$WORK/bad.conf" '[mail]' 'privacy_url = ftp://example.org/privacy'
check "a privacy_url that is not http(s) is a configuration error" 3 \
    "$("$NPSD" -n -c "$WORK/bad.conf" > /dev/null 2>&1; echo $?)"
A1=$(token_for anna@example.net PRIV-1)
A2=$(token_for Anna@Example.net PRIV-2)
B1=$(token_for bob@example.net PRIV-3)
check "Anna's first answer" 303 "$(answer "$A1" 3 'Anna-secret-comment-one')"
check "and her changed mind" 303 "$(answer "$A1" 4 'Anna-secret-comment-two')"
check "Anna's second survey" 303 "$(answer "$A2" 9 'Anna-praise-three')"
check "Bob's answer" 303 "$(answer "$B1" 10 'Bob-keeps-this')"
wait_until_eq 1 sql "SELECT count(*) FROM outbox WHERE kind = 'alert' AND state = 'sent'"
check "the detractor alert went to the team lead" 0 "$?"
sid=$(sql "SELECT public_id FROM surveys WHERE ticket_id = 'PRIV-1'")
ctl followup done "$sid" --note 'Called Anna Verhoeven back' > /dev/null
check "the follow-up is done" 1 "$(sql "SELECT count(*) FROM followups WHERE note IS NOT NULL")"

export_json=$(ctl export anna@example.net)
check "export exits 0" 0 "$?"
for needle in anna@example.net 'Anna Verhoeven' Anna-secret-comment-one Anna-secret-comment-two \
    Anna-praise-three 'Called Anna Verhoeven back' PRIV-1 PRIV-2; do
	check_contains "export lists $needle" "$needle" "$export_json"
done
case $export_json in
*Bob*) not_ok "export holds another person's data" ;;
*) ok "export holds nobody else's data" ;;
esac
check "export is JSON with both surveys" 2 \
    "$(printf '%s' "$export_json" | "$PYTHON3" -c 'import json,sys; print(len(json.load(sys.stdin)["surveys"]))')"

before_team=$(ctl report --by team --format json)
before_agent=$(ctl report --by agent --format json)
out=$(ctl forget anna@example.net)
check "forget exits 0" 0 "$?"
echo "$out" | sed 's/^/# /'
check_contains "forget says what it erased" "comments erased" "$out"
case $out in *anna*) not_ok "forget prints the address" ;; *) ok "forget does not print the address" ;; esac

# every text column of every table, and the files themselves
dump=$(db_dump)
for needle in anna@example.net 'Anna Verhoeven' Anna-secret Anna-praise 'Called Anna'; do
	check "no table holds \"$needle\"" 0 "$(printf '%s' "$dump" | grep -ci "$needle")"
	if sqlite_part "the SQLite file and its WAL"; then
		check "nor the database or WAL file" 0 \
		    "$(cat "$WORK"/npsd.db "$WORK"/npsd.db-wal 2>/dev/null | grep -aci "$needle")"
	fi
done
check "reports by team give the same numbers" "$before_team" "$(ctl report --by team --format json)"
check "reports by agent give the same numbers" "$before_agent" "$(ctl report --by agent --format json)"
check "her scores are kept" "3" "$(sql "SELECT count(*) FROM answers")"
check "Bob's comment is untouched" "Bob-keeps-this" "$(sql "SELECT a.comment FROM answers a JOIN surveys s ON s.id = a.survey WHERE s.ticket_id = 'PRIV-3'")"
check "her links lead nowhere" 404 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$A1?score=9")"
check "Bob's still work" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$B1?score=9")"
post "$(closed_event PRIV-4 anna@example.net)"
check_contains "a new close for her is skipped as suppressed" '"reason":"suppressed"' "$RESPONSE"
check "forget of an invalid address is a usage error" 2 "$(ctl forget not-an-address > /dev/null 2>&1; echo $?)"

# a departed agent
ctl agent forget piet > "$WORK/agent.out"
check "agent forget exits 0" 0 "$?"
check "the agent's name and address are gone" "|" "$(sql "SELECT name || '|' || email FROM agents WHERE id = 'piet'")"
check "from every survey too" 0 "$(sql "SELECT count(*) FROM surveys WHERE agent_name <> '' OR agent_email <> ''")"
check "their scores stay under the id" "$before_agent" "$(ctl report --by agent --format json | sed 's/"label": "[^"]*"/"label": "Piet Jansen"/')"
check "an unknown agent is an error" 1 "$(ctl agent forget nobody > /dev/null 2>&1; echo $?)"
stop_npsd
check "SIGTERM exits 0" 0 "$?"

finish
