#!/bin/sh
# fatigue.sh - who is surveyed: cooldown and the 30-day cap on each side of
# their boundary, deterministic sampling, exclusions, the suppression list
# and npsctl suppress, and npsctl survey show with every reason.
. "$TOP_SRCDIR/tests/integration/lib.sh"

n=0
# close EMAIL [CATEGORY] [TEAM]: a close of a fresh ticket
close() {
	n=$((n + 1))
	post "{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"T-$n\",\"category\":\"${2:-Hardware}\"},\"requester\":{\"email\":\"$1\"},\"agent\":{\"id\":\"piet\"},\"team\":{\"id\":\"${3:-servicedesk}\"}}"
}
result() { printf '%s %s' "$STATUS" "$(json_field "$RESPONSE" reason)"; }
now() { date +%s; }

# --- cooldown (default 30d), pending surveys count too
write_config "$WORK/npsd.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 30m' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
close jan@example.net
check "the first close is scheduled" "202 None" "$(result)"
close JAN@example.net
check "a second close while the first waits is cooldown" "200 cooldown" "$(result)"
sql "UPDATE surveys SET state = 'sent', sent_at = $(now) - 30*86400 + 5 WHERE ticket_id = 'T-1'"
close jan@example.net
check "mailed 30 days minus 5 s ago: still cooldown" "200 cooldown" "$(result)"
sql "UPDATE surveys SET sent_at = $(now) - 30*86400 - 1 WHERE ticket_id = 'T-1'"
close jan@example.net
check "mailed 30 days and 1 s ago: surveyed again" "202 None" "$(result)"
close kees@example.net
check "another requester is not affected" "202 None" "$(result)"
out=$("$NPSCTL" -c "$WORK/npsd.conf" survey show T-2)
check_contains "survey show gives the reason" "skipped (cooldown)" "$out"
out=$("$NPSCTL" -c "$WORK/npsd.conf" survey show T-4)
check_contains "survey show lists the survey and its state" "scheduled" "$out"
check_contains "with its send time" "send at" "$out"
"$NPSCTL" -c "$WORK/npsd.conf" survey show NO-SUCH-TICKET > /dev/null 2>&1
check "survey show of an unknown ticket exits 1" 1 "$?"
stop_npsd

# --- the cooldown also holds when two surveys became due together
write_config "$WORK/due.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 0' '[source.generic]' "secret = $SECRET"
sql "INSERT INTO surveys (public_id, ticket, close_seq, source, ticket_id, closed_at, requester_email, language, agent_id, state, created_at, send_at) SELECT 'svy_twin' || id, ticket, close_seq + 100, source, ticket_id || '-twin', closed_at, requester_email, language, agent_id, 'scheduled', created_at, 0 FROM surveys WHERE ticket_id = 'T-5'"
sql "UPDATE surveys SET send_at = 0 WHERE ticket_id = 'T-5'"
start_npsd "$WORK/due.conf"
wait_until_eq 2 sql "SELECT count(*) FROM surveys WHERE ticket_id LIKE 'T-5%' AND state != 'scheduled'"
check "of two due surveys for one person, one is mailed" "cancelled:cooldown sent:" "$(sql "SELECT group_concat(state || ':' || coalesce(reason, ''), ' ') FROM (SELECT state, reason FROM surveys WHERE ticket_id LIKE 'T-5%' ORDER BY state) AS t")"
stop_npsd

# --- the 30-day cap, with the cooldown off
write_config "$WORK/cap.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 30m' 'cooldown = 0' 'max_per_30d = 2' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/cap.conf"
close ria@example.net
close ria@example.net
check "a second survey within the cap" "202 None" "$(result)"
close ria@example.net
check "the third in 30 days is capped" "200 capped" "$(result)"
sql "UPDATE surveys SET state = 'sent', sent_at = $(now) - 30*86400 + 5 WHERE requester_email = 'ria@example.net' AND state = 'scheduled' AND id = (SELECT min(id) FROM surveys WHERE requester_email = 'ria@example.net')"
close ria@example.net
check "one of them mailed 30 days minus 5 s ago: still capped" "200 capped" "$(result)"
sql "UPDATE surveys SET sent_at = $(now) - 30*86400 - 1 WHERE requester_email = 'ria@example.net' AND sent_at IS NOT NULL"
close ria@example.net
check "mailed 30 days and 1 s ago: room again" "202 None" "$(result)"
stop_npsd

# --- sampling and exclusions
write_config "$WORK/rules.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 30m' 'cooldown = 0' 'sample = 50' \
    'exclude = @example\.org$, ^(noreply|test)[0-9]{0,3}@' 'exclude_categories = Security, HR' \
    'exclude_teams = management' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/rules.conf"
in=0 out_=0 first_out=
for i in $(seq 1 40); do
	close "user$i@example.net"
	case "$(json_field "$RESPONSE" status)" in
	scheduled) in=$((in + 1)) ;;
	skipped) out_=$((out_ + 1)); [ -n "$first_out" ] || first_out=T-$n ;;
	esac
done
check "sample = 50 surveys some and skips some of 40" 1 "$([ "$in" -ge 10 ] && [ "$out_" -ge 10 ] && [ $((in + out_)) -eq 40 ] && echo 1)"
check "the skipped ones say sampled_out" "$out_" "$(sql "SELECT count(*) FROM deliveries WHERE reason = 'sampled_out'")"
post "$(reopened_event "$first_out")"
post "{\"type\":\"ticket.closed\",\"ticket\":{\"id\":\"$first_out\"},\"requester\":{\"email\":\"again@example.net\"},\"agent\":{\"id\":\"piet\"}}"
check "a sampled-out ticket is sampled out again on its next close" sampled_out "$(json_field "$RESPONSE" reason)"
stop_npsd
write_config "$WORK/rules2.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 30m' 'cooldown = 0' \
    'exclude = @example\.org$, ^(noreply|test)[0-9]{0,3}@' 'exclude_categories = Security, HR' \
    'exclude_teams = management' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/rules2.conf"
close boss@EXAMPLE.org
check "an address matching exclude is excluded" "200 excluded" "$(result)"
close test12@example.net
check "the second pattern (with {0,3}) works" "200 excluded" "$(result)"
close test1234@example.net
check "and only as written" "202 None" "$(result)"
close ann@example.net security
check "an excluded category (any case)" "200 excluded" "$(result)"
close ann@example.net Hardware Management
check "an excluded team" "200 excluded" "$(result)"
close ann@example.net Hardware servicedesk
check "the rest is surveyed" "202 None" "$(result)"

# --- suppression list
"$NPSCTL" -c "$WORK/rules2.conf" suppress add Piet.Post@Example.net > "$WORK/out"
check "suppress add" suppressed "$(cat "$WORK/out")"
close piet.post@example.net
check "a suppressed address (any case) is skipped" "200 suppressed" "$(result)"
"$NPSCTL" -c "$WORK/rules2.conf" suppress check piet.post@example.net > "$WORK/out"
check "suppress check says so" 0 "$?"
check_contains "with the reason" "suppressed (admin" "$(cat "$WORK/out")"
check_contains "suppress list shows only hashes" "admin" "$("$NPSCTL" -c "$WORK/rules2.conf" suppress list)"
if "$NPSCTL" -c "$WORK/rules2.conf" suppress list | grep -qi "piet"; then not_ok "suppress list shows an address"; else ok "suppress list shows no address"; fi
"$NPSCTL" -c "$WORK/rules2.conf" suppress remove piet.post@example.net > /dev/null
close piet.post@example.net
check "after suppress remove the address is surveyed" "202 None" "$(result)"
"$NPSCTL" -c "$WORK/rules2.conf" suppress check piet.post@example.net > /dev/null
check "suppress check of a free address exits 1" 1 "$?"
"$NPSCTL" -c "$WORK/rules2.conf" suppress add "not an address" > /dev/null 2>&1
check "suppress add with a bad address exits 2" 2 "$?"
close late@example.net
"$NPSCTL" -c "$WORK/rules2.conf" suppress add late@example.net > /dev/null
check "suppressing cancels a survey still waiting" "cancelled|suppressed" "$(sql "SELECT state || '|' || reason FROM surveys WHERE requester_email = 'late@example.net'")"
stop_npsd

# --- send window: a survey due outside it waits for the next opening
h=$(( ( $(date -u +%H | sed 's/^0//') + 2 ) % 24 ))
hh=$(printf %02d "$h")
write_config "$WORK/window.conf" '[mail]' "transport = maildir:$WORK/mail-window" \
    '[survey]' 'delay = 0' 'cooldown = 0' "send_window = $hh:00-$hh:30 Mon-Sun UTC" \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/window.conf"
close window@example.net
check "a close outside the window is scheduled" "202 None" "$(result)"
check_contains "for the next opening, $hh:00 UTC" "T$hh:00:00Z" "$(json_field "$RESPONSE" send_at)"
sleep 1.5
check "and nothing is mailed before it" 0 "$(ls "$WORK/mail-window/new" | wc -l)"
stop_npsd
write_config "$WORK/badwin.conf" '[survey]' 'send_window = 18:00-08:00'
out=$("$NPSD" -n -c "$WORK/badwin.conf" 2>&1); rc=$?
check "an overnight window is a config error" 3 "$rc"
check_contains "naming [survey] send_window" "[survey] send_window" "$out"

write_config "$WORK/badre.conf" '[survey]' 'exclude = ([unclosed'
out=$("$NPSD" -n -c "$WORK/badre.conf" 2>&1); rc=$?
check "an invalid exclude pattern is a config error" 3 "$rc"
check_contains "naming [survey] exclude" "[survey] exclude" "$out"

finish
