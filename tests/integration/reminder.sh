#!/bin/sh
# reminder.sh - exactly one reminder, after [survey] reminder, only for
# surveys still unanswered, not opted out and not expired; its own link
# works and so does the first one.
. "$TOP_SRCDIR/tests/integration/lib.sh"

start_sink
write_config "$WORK/npsd.conf" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
    '[survey]' 'delay = 0' 'cooldown = 0' 'reminder = 6s' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"

for who in waits answers optsout expires; do
	post "$(closed_event "T-$who" "$who@example.net")"
	check "T-$who scheduled" 202 "$STATUS"
done
wait_until_ge 4 sink_count
check "four surveys mailed" 4 "$(ls "$WORK/sink"/*.eml | wc -l)"
token_of() { grep -l "^To: .*$1@example.net" "$WORK/sink"/*.eml | head -n 1 | xargs grep -o '/s/[A-Za-z0-9_-]\{22\}' | head -n 1 | cut -c4-; }
curl -s -o /dev/null -d score=8 "$BASE/s/$(token_of answers)"
curl -s -o /dev/null -d List-Unsubscribe=One-Click "$BASE/u/$(token_of optsout)"
sql "UPDATE surveys SET expires_at = $(date +%s) WHERE ticket_id = 'T-expires'"
first_sent=$(sql "SELECT sent_at FROM surveys WHERE ticket_id = 'T-waits'")

# just before the reminder is due: nothing yet
while [ "$(date +%s)" -lt $((first_sent + 4)) ]; do sleep 0.2; done
check "no reminder before [survey] reminder has passed" 4 "$(ls "$WORK/sink"/*.eml | wc -l)"

wait_until_ge 5 sink_count
check "after it, one reminder" 5 "$(ls "$WORK/sink"/*.eml | wc -l)"
last=$(ls "$WORK/sink"/*.eml | tail -n 1)
check_contains "to the one who did not answer" "waits@example.net" "$(grep '^To:' "$last")"
check_contains "saying it is a reminder" "Reminder" "$(grep '^Subject:' "$last")"
check_contains "with its own Message-ID" ".reminder@example.org" "$(grep '^Message-ID:' "$last")"
new_token=$(grep -o '/s/[A-Za-z0-9_-]\{22\}' "$last" | head -n 1 | cut -c4-)
old_token=$(token_of waits)
check "the reminder carries a new link" 1 "$([ -n "$new_token" ] && [ "$new_token" != "$old_token" ] && echo 1)"
check "the reminder's link works" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$new_token?score=9")"
check "the first link still works" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$old_token?score=9")"
curl -s -o /dev/null -d score=9 "$BASE/s/$new_token"
check "an answer through the reminder counts for the survey" "9|answered" "$(sql "SELECT a.score || '|' || s.state FROM answers a JOIN surveys s ON s.id = a.survey WHERE s.ticket_id = 'T-waits'")"

sleep 3
check "never a second reminder, none for answered, opted-out or expired" 5 "$(ls "$WORK/sink"/*.eml | wc -l)"
check "the opted-out survey is marked as getting none" 0 "$(sql "SELECT reminded_at FROM surveys WHERE ticket_id = 'T-optsout'")"
stop_npsd
check "SIGTERM exits 0" 0 "$?"
finish
