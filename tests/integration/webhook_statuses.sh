#!/bin/sh
# webhook_statuses.sh - every status of SPEC section 3 from the real daemon,
# and nothing stored when a request is refused.
. "$TOP_SRCDIR/tests/integration/lib.sh"

write_config "$WORK/npsd.conf" '[server]' 'max_body = 2048' \
    '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 30m' \
    '[source.generic]' "secret = whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=, $SECRET"
start_npsd "$WORK/npsd.conf"

check "healthz answers" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")"

post "$(closed_event INC-1 jan@example.net)" msg_first
check "a valid close is scheduled (202)" 202 "$STATUS"
check "status scheduled" scheduled "$(json_field "$RESPONSE" status)"
check_contains "the survey id is given" '"survey":"svy_' "$RESPONSE"
check_contains "send_at is RFC 3339" '"send_at":"20' "$RESPONSE"

post "$(closed_event INC-1 jan@example.net)" msg_first
check "the same delivery again is a duplicate (200)" 200 "$STATUS"
check "status duplicate" duplicate "$(json_field "$RESPONSE" status)"

post "$(closed_event INC-1 jan@example.net)" msg_second
check "the same close under a new delivery id is skipped" 200 "$STATUS"
check "reason already_surveyed" already_surveyed "$(json_field "$RESPONSE" reason)"

post '{"type":"ticket.closed","ticket":{"id":"INC-9"},"requester":{"email":"piet@example.org"},"agent":{"id":"piet","email":"piet@example.org"}}'
check "an agent's own ticket is skipped" self "$(json_field "$RESPONSE" reason)"

post "$(reopened_event INC-1)"
check "a reopen before sending cancels" cancelled "$(json_field "$RESPONSE" status)"
check "the survey is cancelled in the database" cancelled "$(sql "SELECT state FROM surveys WHERE ticket_id = 'INC-1'")"
post "$(reopened_event INC-404)"
check "a reopen of an unknown ticket is ignored" ignored "$(json_field "$RESPONSE" status)"
post "$(closed_event INC-1 jan@example.net)"
check "closing again after the reopen is a new close" 202 "$STATUS"
check "with its own survey" 2 "$(sql "SELECT count(*) FROM surveys WHERE ticket_id = 'INC-1'")"

deliveries=$(sql "SELECT count(*) FROM deliveries")
surveys=$(sql "SELECT count(*) FROM surveys")

# 401: wrong secret, stale timestamp, missing headers
printf '%s' "$(closed_event INC-2 jan@example.net)" > "$WORK/body.json"
ts=$(date +%s)
STATUS=$(curl -s -o "$WORK/response" -w '%{http_code}' -H 'Content-Type: application/json' \
    -H 'webhook-id: msg_x' -H "webhook-timestamp: $ts" \
    -H 'webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' \
    --data-binary @"$WORK/body.json" "$BASE/hooks/generic")
check "a wrong signature is 401" 401 "$STATUS"
check "error bad_signature" bad_signature "$(json_field "$(cat "$WORK/response")" error)"
post "$(closed_event INC-2 jan@example.net)" msg_old $(( $(date +%s) - 400 ))
check "a timestamp 400 s old is 401" 401 "$STATUS"
check_contains "and says why" "5 minutes" "$RESPONSE"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$WORK/body.json" "$BASE/hooks/generic")
check "no signature headers is 401" 401 "$STATUS"

post '{"type":"ticket.closed",' 
check "broken JSON is 400" 400 "$STATUS"
check "error invalid_json" invalid_json "$(json_field "$RESPONSE" error)"
check_contains "the message says where" "line 1" "$RESPONSE"
printf '{"type":"ticket.closed","ticket":{"id":"\377"}}' > "$WORK/bad-utf8.json"
post "$(cat "$WORK/bad-utf8.json")"
check "invalid UTF-8 is 400" 400 "$STATUS"

post '{"type":"ticket.closed","ticket":{"id":"INC-3"},"agent":{"id":"piet"}}'
check "a missing requester is 422" 422 "$STATUS"
check "naming requester.email" requester.email "$(json_field "$RESPONSE" field)"
post '{"type":"ticket.closed","ticket":{"id":"INC-3"},"requester":{"email":"jan@example.net","name":"a\u0000b"},"agent":{"id":"piet"}}'
check "NUL in a name is refused" 400 "$STATUS"

big=$(head -c 3000 /dev/zero | tr '\0' x)
post "{\"type\":\"ticket.closed\",\"pad\":\"$big\"}"
check "a body over max_body is 413" 413 "$STATUS"
check "error too_large" too_large "$(json_field "$RESPONSE" error)"

printf '%s' "$(closed_event INC-2 jan@example.net)" > "$WORK/body.json"
STATUS=$(curl -s -o "$WORK/response" -w '%{http_code}' -H 'Content-Type: text/plain' \
    --data-binary @"$WORK/body.json" "$BASE/hooks/generic")
check "text/plain is 415" 415 "$STATUS"
check "error unsupported_media_type" unsupported_media_type "$(json_field "$(cat "$WORK/response")" error)"

STATUS=$(curl -s -o "$WORK/response" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$WORK/body.json" "$BASE/hooks/zendesk")
check "an unconfigured source is 404" 404 "$STATUS"
check "error unknown_source" unknown_source "$(json_field "$(cat "$WORK/response")" error)"
check "GET on a hook is 405" 405 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/hooks/generic")"

check "refused requests stored no delivery" "$deliveries" "$(sql "SELECT count(*) FROM deliveries")"
check "refused requests stored no survey" "$surveys" "$(sql "SELECT count(*) FROM surveys")"

# optional parts never refuse a close (SPEC section 3)
post '{"type":"ticket.closed","ticket":{"id":"INC-13","subject":"Hi\r\nBcc: x@example.com"},"requester":{"email":"wim@example.net"},"agent":{"id":"piet"}}'
check "CR LF in the subject is taken as a space, not refused" 202 "$STATUS"
check "the subject keeps its words on one line" "Hi Bcc: x@example.com" "$(sql "SELECT subject FROM surveys WHERE ticket_id = 'INC-13'")"
post '{"type":"ticket.closed","ticket":{"id":"INC-14"},"requester":{"email":"marieke@example.net","language":"Nederlands"},"agent":{"id":"piet","email":"not an address"},"team":{"name":"Servicedesk"}}'
check "a language name and a bad agent address do not refuse a close" 202 "$STATUS"
check "Nederlands is nl, the bad address dropped, the team named" "nl||Servicedesk" "$(sql "SELECT language || '|' || agent_email || '|' || team_id FROM surveys WHERE ticket_id = 'INC-14'")"
post '{"type":"ticket.closed","ticket":{"id":"INC-15"},"requester":{"email":"kees@example.net","language":"Dutch"},"agent":{"id":"piet"}}'
check "Dutch is nl" nl "$(sql "SELECT language FROM surveys WHERE ticket_id = 'INC-15'")"
post '{"type":"ticket.closed","ticket":{"id":"INC-16"},"requester":{"email":"sanne@example.net","language":"Klingon"},"agent":{"id":"piet"}}'
check "an unknown language is the default" "" "$(sql "SELECT language FROM surveys WHERE ticket_id = 'INC-16'")"
check_contains "the log names what was dropped" "dropped agent.email" "$(cat "$WORK/npsd.log")"
check "and no address" "" "$(grep 'dropped' "$WORK/npsd.log" | grep -o '[a-z]*@example.net' || true)"

# 503 + Retry-After while another process holds the write lock
hold_write_lock "$WORK/locked" "$WORK/release"
printf '%s' "$(closed_event INC-5 locked@example.net)" > "$WORK/body.json"
ts=$(date +%s)
sig=$(sign msg_locked "$ts" "$WORK/body.json")
curl -s -D "$WORK/headers" -o "$WORK/response" -H 'Content-Type: application/json' \
    -H 'webhook-id: msg_locked' -H "webhook-timestamp: $ts" -H "webhook-signature: $sig" \
    --data-binary @"$WORK/body.json" "$BASE/hooks/generic" > /dev/null
check_contains "a locked database is 503" " 503" "$(head -n 1 "$WORK/headers")"
check_contains "with Retry-After" "Retry-After:" "$(cat "$WORK/headers")"
check "error unavailable" unavailable "$(json_field "$(cat "$WORK/response")" error)"
touch "$WORK/release"
wait "$LOCK_PID"
post "$(closed_event INC-5 locked@example.net)" msg_locked
check "the same delivery succeeds once the lock is gone" 202 "$STATUS"

# a source configured without a secret refuses everything
stop_npsd
write_config "$WORK/nosecret.conf" '[mail]' "transport = maildir:$WORK/mail" '[source.generic]' 'secret ='
start_npsd "$WORK/nosecret.conf"
post "$(closed_event INC-6 jan@example.net)"
check "no secret configured is 401" 401 "$STATUS"
check_contains "and says so" "no secret" "$RESPONSE"
stop_npsd
check "SIGTERM exits 0" 0 "$?"

finish
