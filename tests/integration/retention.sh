#!/bin/sh
# retention.sh - [retention] personal_data: once it has passed, requesters'
# addresses and names and their comments (every version) are erased, old
# outbox rows forget their recipient, and follow-up notes go; scores stay
# and still count.
# Time is moved by rewriting stored timestamps across the boundary.
. "$TOP_SRCDIR/tests/integration/lib.sh"

start_sink
write_config "$WORK/npsd.conf" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
    '[survey]' 'delay = 0' '[retention]' 'personal_data = 30d' 'staff_data = 400d' \
    '[source.generic]' "secret = $SECRET"
write_config "$WORK/short.conf" '[retention]' 'personal_data = 12h'
"$NPSD" -n -c "$WORK/short.conf" > /dev/null 2>&1
check "personal_data under a day is a configuration error" 3 "$?"
write_config "$WORK/short.conf" '[retention]' 'staff_data = 12h'
"$NPSD" -n -c "$WORK/short.conf" > /dev/null 2>&1
check "staff_data under a day is a configuration error" 3 "$?"

start_npsd "$WORK/npsd.conf"
post "$(closed_event OLD-1 old@example.net)"
post "$(closed_event NEW-1 new@example.net)"
wait_until_eq 2 sink_count
check "old answered" 303 "$(answer "$(survey_token_for old@example.net)" 9 'Old comment')"
check "new answered" 303 "$(answer "$(survey_token_for new@example.net)" 3 'New comment')"
"$NPSCTL" -c "$WORK/npsd.conf" followup done "$(sql "SELECT public_id FROM surveys WHERE ticket_id = 'NEW-1'")" \
    --note 'Called her back' > /dev/null
check "the detractor's follow-up has its note" "Called her back" "$(sql "SELECT note FROM followups")"
stop_npsd

day=86400
# OLD-1 closed and answered 30 days and 60 s ago; NEW-1 30 days minus 60 s ago
sql "UPDATE surveys SET closed_at = closed_at - 30 * $day - 60 WHERE ticket_id = 'OLD-1';
     UPDATE answers SET answered_at = answered_at - 30 * $day - 60 WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'OLD-1');
     UPDATE answer_versions SET at = at - 30 * $day - 60 WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'OLD-1');
     UPDATE outbox SET created_at = created_at - 30 * $day - 60 WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'OLD-1');
     UPDATE surveys SET closed_at = closed_at - 30 * $day + 60 WHERE ticket_id = 'NEW-1';
     UPDATE answers SET answered_at = answered_at - 30 * $day + 60 WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'NEW-1');
     UPDATE answer_versions SET at = at - 30 * $day + 60 WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'NEW-1');
     UPDATE followups SET created_at = created_at - 30 * $day - 60, done_at = done_at - 30 * $day - 60;
     UPDATE agents SET seen_at = seen_at - 400 * $day - 60 WHERE id = 'piet';
     INSERT INTO agents (id, name, email, seen_at) VALUES
         ('kees', 'Kees Smit', 'kees@example.org', strftime('%s', 'now') - 399 * $day);
     INSERT INTO sessions (hash, email, created_at, expires_at) VALUES
         ('s1', 'piet@example.org', 0, strftime('%s', 'now') + 3600)"
start_npsd "$WORK/npsd.conf"
wait_until_eq "" sql "SELECT requester_email FROM surveys WHERE ticket_id = 'OLD-1'"
check "the old requester's address is erased" "" "$(sql "SELECT requester_email FROM surveys WHERE ticket_id = 'OLD-1'")"
check "and name" "" "$(sql "SELECT requester_name FROM surveys WHERE ticket_id = 'OLD-1'")"
check "the old comment is erased" "9|" "$(sql "SELECT a.score, a.comment FROM answers a JOIN surveys s ON s.id = a.survey WHERE s.ticket_id = 'OLD-1'")"
check "in every version" 0 "$(sql "SELECT count(*) FROM answer_versions WHERE comment = 'Old comment'")"
check "the old outbox row forgets its recipient" "" "$(sql "SELECT recipient FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'OLD-1')")"
check "the newer requester is kept" "new@example.net" "$(sql "SELECT requester_email FROM surveys WHERE ticket_id = 'NEW-1'")"
check "a follow-up note done longer ago is erased" "" "$(sql "SELECT note FROM followups")"
check "an agent unseen for staff_data loses name and address" "|" \
    "$(sql "SELECT name || '|' || email FROM agents WHERE id = 'piet'")"
check "in every survey too" 0 "$(sql "SELECT count(*) FROM surveys WHERE agent_name <> '' OR agent_email <> ''")"
check "and their sessions end" 0 "$(sql "SELECT count(*) FROM sessions WHERE email = 'piet@example.org'")"
check "an agent seen within staff_data keeps them" "Kees Smit|kees@example.org" \
    "$(sql "SELECT name || '|' || email FROM agents WHERE id = 'kees'")"
check "and the scores stay under the agent's id" 2 "$(sql "SELECT count(*) FROM answers WHERE agent_id = 'piet'")"
check "and the newer comment" "New comment" "$(sql "SELECT comment FROM answers a JOIN surveys s ON s.id = a.survey WHERE s.ticket_id = 'NEW-1'")"
json=$("$NPSCTL" -c "$WORK/npsd.conf" report --by none --last 60d --format json)
check "both scores still count" 2 "$(json_field "$json" groups.0.responses)"
check_contains "the sweep is logged without data" "personal data erased" "$(cat "$WORK/npsd.log")"
check "no address in the log" 0 "$(grep -c '@example.net' "$WORK/npsd.log")"
stop_npsd
check "SIGTERM exits 0" 0 "$?"
finish
