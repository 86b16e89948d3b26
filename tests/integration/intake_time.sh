#!/bin/sh
# intake_time.sh - owns the end-to-end checks of the rule for a close's
# time: a closed_at far ahead is clamped to the time received (and logged
# without the address), one inside the clock skew is kept, one older than
# [survey] expire is recorded, counted and skipped "stale"; the clamped
# survey is mailed on time, so the cooldown it starts ends on time.
. "$TOP_SRCDIR/tests/integration/lib.sh"

SKEW=300	# NPSD_CLOCK_SKEW
now() { date +%s; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# close TICKET EMAIL CLOSED_AT: a signed close carrying that closed_at
close() {
	post "{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"$1\",\"closed_at\":\"$3\"},\"requester\":{\"email\":\"$2\"},\"agent\":{\"id\":\"piet\"},\"team\":{\"id\":\"servicedesk\"}}"
}
result() { printf '%s %s' "$STATUS" "$(json_field "$RESPONSE" status)"; }
closings() { sql "SELECT count(*) FROM closings WHERE ticket_id = '$1'"; }

write_config "$WORK/npsd.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 30m' 'expire = 14d' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"

# --- far in the future: clamped to the time received
close FUT-1 far@example.net 2099-01-01T00:00:00Z
check "a close in 2099 is scheduled" "202 scheduled" "$(result)"
check "closed_at is the time received" 0 \
    "$(sql "SELECT closed_at - created_at FROM surveys WHERE ticket_id = 'FUT-1'")"
check "send_at is the delay after the time received" 1800 \
    "$(sql "SELECT send_at - created_at FROM surveys WHERE ticket_id = 'FUT-1'")"
check "the answer's send_at is this year, not 2099" "$(date -u +%Y)" \
    "$(json_field "$RESPONSE" send_at | cut -c1-4)"
check "the close counts in volume at the time received" 1 \
    "$(sql "SELECT count(*) FROM closings WHERE ticket_id = 'FUT-1' AND closed_at <= $(now)")"
check_contains "the clamp is logged" "clamped to it" "$(cat "$WORK/npsd.log")"
check "the log line carries no address" 0 "$(grep -c 'far@example.net' "$WORK/npsd.log")"

ahead=$(( $(now) + SKEW + 120 ))
close FUT-2 soon@example.net "$(iso "$ahead")"
check "a close 7 minutes ahead is scheduled" "202 scheduled" "$(result)"
check "and clamped too" 0 "$(sql "SELECT closed_at - created_at FROM surveys WHERE ticket_id = 'FUT-2'")"

# --- inside the clock skew: kept as sent
skewed=$(( $(now) + 120 ))
close SKEW-1 skew@example.net "$(iso "$skewed")"
check "a close 2 minutes ahead is scheduled" "202 scheduled" "$(result)"
check "its closed_at is kept" "$skewed" "$(sql "SELECT closed_at FROM surveys WHERE ticket_id = 'SKEW-1'")"
check "send_at follows it" 1800 "$(sql "SELECT send_at - closed_at FROM surveys WHERE ticket_id = 'SKEW-1'")"

# --- older than expire: recorded, counted, not surveyed
old=$(( $(now) - 15 * 86400 ))
close OLD-1 old@example.net "$(iso "$old")"
check "a close 15 days old is answered 200" 200 "$STATUS"
check "status skipped" skipped "$(json_field "$RESPONSE" status)"
check "reason stale" stale "$(json_field "$RESPONSE" reason)"
check "no survey for it" 0 "$(sql "SELECT count(*) FROM surveys WHERE ticket_id = 'OLD-1'")"
check "it counts in volume at its own time" "$old" "$(sql "SELECT closed_at FROM closings WHERE ticket_id = 'OLD-1'")"
check "the delivery records the reason" "skipped stale" \
    "$(sql "SELECT outcome || ' ' || reason FROM deliveries WHERE ticket_id = 'OLD-1'")"
out=$("$NPSCTL" -c "$WORK/npsd.conf" survey show OLD-1)
check_contains "survey show gives the reason" "stale" "$out"
close OLD-1 old@example.net "$(iso "$old")"
check "the same close again is not a second one" "200 already_surveyed" \
    "$STATUS $(json_field "$RESPONSE" reason)"
check "nor counted twice" 1 "$(closings OLD-1)"
post "$(reopened_event OLD-1)"
check "a reopen of the stale close is taken" 200 "$STATUS"
close OLD-1 old@example.net "$(iso "$(now)")"
check "closing it again now is surveyed" "202 scheduled" "$(result)"
check "and counted again" 2 "$(closings OLD-1)"

edge=$(( $(now) - 14 * 86400 + 60 ))
close EDGE-1 edge@example.net "$(iso "$edge")"
check "a close a minute inside expire is scheduled" "202 scheduled" "$(result)"
check "to be sent at once, not in the past" 1 \
    "$(sql "SELECT send_at >= created_at AND send_at <= created_at + 1 FROM surveys WHERE ticket_id = 'EDGE-1'")"

close STALE-2 old@example.net 1970-01-01T00:00:00Z
check "a close in 1970 is stale" "200 stale" "$STATUS $(json_field "$RESPONSE" reason)"
stop_npsd
check "npsd stops cleanly" 0 "$?"

# --- the clamped survey is mailed now, so its cooldown ends on time
write_config "$WORK/send.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 0s' 'cooldown = 30d' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/send.conf"
close FUT-3 later@example.net 2099-01-01T00:00:00Z
check "a close in 2099 with no delay is scheduled" "202 scheduled" "$(result)"
sent_state() { sql "SELECT state FROM surveys WHERE ticket_id = 'FUT-3'"; }
wait_until_eq sent sent_state
check "and mailed at once" sent "$(sent_state)"
check "sent at the time received" 1 \
    "$(sql "SELECT sent_at >= created_at AND sent_at <= $(now) FROM surveys WHERE ticket_id = 'FUT-3'")"
close FUT-4 later@example.net "$(iso "$(now)")"
check "a later close for that address is cooldown, as for any mailed survey" \
    "200 cooldown" "$STATUS $(json_field "$RESPONSE" reason)"
sql "UPDATE surveys SET sent_at = sent_at - 30 * 86400 - 1 WHERE ticket_id = 'FUT-3'"
close FUT-5 later@example.net "$(iso "$(now)")"
check "30 days after that mail it is surveyed again" "202 scheduled" "$(result)"
stop_npsd
check "npsd stops cleanly again" 0 "$?"

finish
