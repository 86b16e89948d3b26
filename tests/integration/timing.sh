#!/bin/sh
# timing.sh - the delay after close and the expiry, each on both sides of
# its boundary, and resurvey_after_reopen off and on.
. "$TOP_SRCDIR/tests/integration/lib.sh"

write_config "$WORK/npsd.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 4s' 'cooldown = 0' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
mails() { ls "$WORK/mail/new" 2>/dev/null | wc -l; }

# --- delay
post "$(closed_event T-1 a@example.net)"
accepted=$(date +%s)
check "scheduled" 202 "$STATUS"
while [ "$(date +%s)" -lt $((accepted + 2)) ]; do sleep 0.2; done
check "not mailed before the delay has passed" 0 "$(mails)"
wait_until_ge 1 mails
check "mailed once it has" 1 "$(mails)"
sent=$(sql "SELECT sent_at - closed_at FROM surveys WHERE ticket_id = 'T-1'")
check "not earlier than the delay after the close" 1 "$([ "$sent" -ge 4 ] && echo 1)"

# --- a reopen inside the delay cancels; the next close starts a fresh delay
post "$(closed_event T-2 b@example.net)"
post "$(reopened_event T-2)"
check "a reopen inside the delay cancels" cancelled "$(json_field "$RESPONSE" status)"
post "$(closed_event T-2 b@example.net)"
check "the next close is scheduled again" 202 "$STATUS"
wait_until_eq 1 sql "SELECT count(*) FROM surveys WHERE ticket_id = 'T-2' AND state = 'sent'"
check "and only that survey is mailed" "cancelled sent" "$(sql "SELECT group_concat(state, ' ') FROM (SELECT state FROM surveys WHERE ticket_id = 'T-2' ORDER BY id) AS t")"

# --- after a survey was mailed, reopen + close is not surveyed again ...
post "$(reopened_event T-1)"
check "a reopen after mailing is ignored" ignored "$(json_field "$RESPONSE" status)"
post "$(closed_event T-1 a@example.net)"
check "closing it again is not surveyed again" already_surveyed "$(json_field "$RESPONSE" reason)"

# --- expiry
token=$(cat "$WORK/mail/new/"* | grep -o '/s/[A-Za-z0-9_-]\{22\}' | head -n 1 | cut -c4-)
sid=$(sql "SELECT survey FROM tokens WHERE hash = '$(printf %s "$token" | sha256sum | cut -d' ' -f1)'")
sql "UPDATE surveys SET expires_at = $(date +%s) + 3 WHERE id = $sid"
check "a second before expiry the page answers" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$token?score=7")"
sql "UPDATE surveys SET expires_at = $(date +%s) WHERE id = $sid"
check "at expiry it is closed (410)" 410 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$token?score=7")"
stop_npsd

# --- ... unless resurvey_after_reopen = yes
write_config "$WORK/again.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 0' 'cooldown = 0' 'resurvey_after_reopen = yes' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/again.conf"
post "$(reopened_event T-2)"
post "$(closed_event T-2 b@example.net)"
check "with resurvey_after_reopen = yes it is surveyed again" 202 "$STATUS"
stop_npsd
finish
