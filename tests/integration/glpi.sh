#!/bin/sh
# glpi.sh - GLPI end to end on the real daemon, with tests/glpi_api.py as
# GLPI's REST API: bodies as GLPI 11 sends them (no Content-Type, default
# payload and contrib/glpi/body.json.tmpl's output) answered at once, the
# requester's address looked up off the HTTP thread and the mail sent to
# it; queued retries with an old X-GLPI-timestamp; reopens (also of a
# close still waiting for its address) and a late retry after a reopen;
# the API's errors (404, 500 then recovery, 500 for good, slowness past
# api_timeout, an expired session) and no_address in npsctl survey show.
. "$TOP_SRCDIR/tests/integration/lib.sh"

FIX=$TOP_SRCDIR/tests/fixtures/glpi
KEY=npsd-test-secret-0123456789
USER_TOKEN=npsd-test-user-token-0123456789abcdef0123
API_PID=

# start_api [glpi_api.py switches...]: (re)starts the stand-in API on the
# same port each time, so npsd's api_url stays right
start_api() {
	[ -n "$API_PID" ] && { kill "$API_PID" 2>/dev/null; wait "$API_PID" 2>/dev/null; }
	rm -f "$WORK/api.port"
	"$PYTHON3" "$TOP_SRCDIR/tests/glpi_api.py" --port-file "$WORK/api.port" \
	    --port "${API_PORT:-0}" --log "$WORK/api.log" --user-token "$USER_TOKEN" \
	    --data "$WORK/api-data.json" --lifetime 300 "$@" 2>>"$WORK/api.err" &
	API_PID=$!
	for _ in $(seq 1 100); do
		[ -s "$WORK/api.port" ] && { API_PORT=$(cat "$WORK/api.port"); return 0; }
		sleep 0.1
	done
	echo "glpi_api.py did not start"
	exit 1
}
stop_api() { kill "$API_PID" 2>/dev/null; wait "$API_PID" 2>/dev/null; API_PID=; }
trap 'stop_api; cleanup' EXIT

# tickets 3001-3007: requested by user 48 (two addresses, nl_NL)
printf '{"tickets": {%s}}\n' "$(for t in 3001 3002 3003 3004 3005 3006 3007; do
	printf '"%s": [{"users_id": 48, "type": 1, "alternative_email": ""}],' "$t"; done |
	sed 's/,$//')" > "$WORK/api-data.json"
# the first request waits 1.5 s (under api_timeout), so that the first
# close is still seen waiting for its address
start_api --delay 1.5 --delay-count 1
printf '%s\n' "$USER_TOKEN" > "$WORK/glpi-user-token"
write_config "$WORK/npsd.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 0' 'cooldown = 0' \
    '[source.glpi]' "secret = $KEY" "api_url = http://127.0.0.1:$API_PORT/apirest.php/" \
    'user_token_file = glpi-user-token' 'api_timeout = 2s' 'lookup_attempts = 3' \
    'lookup_backoff = 1s'
start_npsd "$WORK/npsd.conf"

# glpi FILE [TIMESTAMP] [curl args...]: posts FILE as GLPI does (no
# Content-Type; signature over body + timestamp); sets STATUS, RESPONSE
glpi() {
	file=$1 ts=${2:-$(date +%s)} key=${GLPI_KEY:-$KEY}
	shift
	[ $# -gt 0 ] && shift
	sig=$( { cat "$file"; printf %s "$ts"; } | openssl dgst -sha256 -hmac "$key" -r | cut -d' ' -f1)
	STATUS=$(curl -s -o "$WORK/response" -w '%{http_code}' -H 'Content-Type:' \
	    -H "X-GLPI-signature: $sig" -H "X-GLPI-timestamp: $ts" "$@" \
	    --data-binary @"$file" "$BASE/hooks/glpi")
	RESPONSE=$(cat "$WORK/response")
}
# as_ticket SRC ID: SRC's body for ticket ID (written to $WORK/t-ID-...)
as_ticket() {
	out=$WORK/t-$2-$(basename "$1")
	sed -e "s/\"id\": 2147,/\"id\": $2,/" -e "s/\"id\":2147,/\"id\":$2,/" \
	    -e "s/\"id\": 2151,/\"id\": $2,/" "$1" > "$out"
	printf %s "$out"
}
waiting() { sql "SELECT count(*) FROM address_lookups WHERE ticket_id = '$1'"; }
settled() { wait_until_eq 0 waiting "$1"; }
survey_of() { sql "SELECT agent_id || '|' || agent_name || '|' || team_id || '|' || team_name || '|' || category || '|' || language || '|' || requester_name || '|' || requester_email FROM surveys WHERE source = 'glpi' AND ticket_id = '$1'"; }
outcome_of() { sql "SELECT outcome || '|' || coalesce(reason, '') FROM deliveries WHERE source = 'glpi' AND ticket_id = '$1' ORDER BY received_at, delivery_id LIMIT 1"; }
detail_of() { sql "SELECT coalesce(detail, '') FROM deliveries WHERE source = 'glpi' AND ticket_id = '$1' ORDER BY received_at, delivery_id LIMIT 1"; }
mail_to() { grep -l "^To:.*$1" "$WORK/mail/new/"* 2>/dev/null | wc -l; }
api_calls() { grep -c "\"path\": \"/apirest.php/$1\"" "$WORK/api.log"; }

# --- a close in GLPI's default payload, first delivered two hours late --
OLD=$(( $(date +%s) - 7200 ))
glpi "$FIX/default-close.json" "$OLD"
check "default payload without Content-Type, 2 h old timestamp: 202" 202 "$STATUS"
check "answered scheduled" scheduled "$(json_field "$RESPONSE" status)"
SURVEY=$(json_field "$RESPONSE" survey)
check "no survey row yet: the close waits for its address" "1|0" \
    "$(waiting 2147)|$(sql "SELECT count(*) FROM surveys WHERE ticket_id = '2147'")"
settled 2147
check "the survey is the one the webhook named" "$SURVEY" \
    "$(sql "SELECT public_id FROM surveys WHERE ticket_id = '2147'")"
check "agent, team, category, language and requester from GLPI" \
    "ilse|Ilse de Wit|3|Servicedesk|Accounts|nl|Daan Müller|daan.mulder@example.net" \
    "$(survey_of 2147)"
wait_until_ge 1 mail_to daan.mulder@example.net
check "the mail goes to the API's default address" 1 "$(mail_to daan.mulder@example.net)"
check "not to the user's other address" 0 "$(mail_to d.muller@old.example.net)"
check "the API was asked with the user token, then the session" \
    "user_token $USER_TOKEN" \
    "$(sed -n 's/.*"authorization": "\([^"]*\)".*/\1/p' "$WORK/api.log" | head -n 1)"

glpi "$FIX/default-close.json" "$OLD"
check "GLPI's queued retry (same bytes, same old timestamp) is a duplicate" \
    "200|duplicate" "$STATUS|$(json_field "$RESPONSE" status)"
glpi "$FIX/default-closed.json" $((OLD + 420))
check "solved then closed is the same close" "200|skipped|already_surveyed" \
    "$STATUS|$(json_field "$RESPONSE" status)|$(json_field "$RESPONSE" reason)"
GLPI_KEY=wrong-secret-0123456789 glpi "$FIX/default-close.json" "$OLD"
check "a wrong signature is 401" 401 "$STATUS"
glpi "$FIX/default-close.json" "$OLD" -H 'Content-Type: text/plain'
check "a Content-Type other than JSON is 415" 415 "$STATUS"
glpi "$FIX/default-close.json" "12345678901234"
check "a timestamp of more than 12 digits is 401" 401 "$STATUS"

# --- the template's output, with a Content-Type and its parameters -----
T=$(as_ticket "$FIX/custom-close.json" 2148)
glpi "$T" "" -H 'Content-Type: application/json; charset=utf-8'
check "contrib/glpi/body.json.tmpl's output is scheduled" 202 "$STATUS"
settled 2148
check "and mapped like the default payload" \
    "ilse|Ilse de Wit|3|Servicedesk|Accounts|nl|Daan Müller|daan.mulder@example.net" \
    "$(survey_of 2148)"
wait_until_ge 2 mail_to daan.mulder@example.net
check "its mail goes to the API's address" 2 "$(mail_to daan.mulder@example.net)"

# --- a requester known only by address (alternative_email) -------------
glpi "$FIX/default-close-anonymous.json"
check "a requester known only by address: 202" 202 "$STATUS"
settled 2151
wait_until_ge 1 mail_to jan.devries@example.net
check "the mail goes to the ticket's alternative_email" 1 "$(mail_to jan.devries@example.net)"
check "no User call for an address-only requester" 0 "$(api_calls User/0/UserEmail)"

# --- no address: 404 and a requester without one, at once --------------
before=$(api_calls 'Ticket/9999/Ticket_User')
T=$(as_ticket "$FIX/default-close.json" 9999)
glpi "$T"
check "a ticket GLPI does not know: still 202 at once" 202 "$STATUS"
settled 9999
check "then no_address without a retry" "skipped|no_address|1" \
    "$(outcome_of 9999)|$(( $(api_calls 'Ticket/9999/Ticket_User') - before ))"
check_contains "the delivery names the call and GLPI's answer" \
    "Ticket/Ticket_User: HTTP 404 ERROR_ITEM_NOT_FOUND" "$(detail_of 9999)"
T=$(as_ticket "$FIX/default-close.json" 2152)
glpi "$T"
settled 2152
check "a requester without any address: no_address" "skipped|no_address" "$(outcome_of 2152)"
$NPSCTL -c "$WORK/npsd.conf" survey show --source glpi 9999 > "$WORK/show" 2>&1
check_contains "survey show says no_address and why" "skipped (no_address: GLPI Ticket/Ticket_User: HTTP 404" "$(cat "$WORK/show")"
check_contains "and shows the close recorded for volume" "Close recorded" "$(cat "$WORK/show")"
check "no survey for either" 0 "$(sql "SELECT count(*) FROM surveys WHERE ticket_id IN ('9999', '2152')")"
check_contains "/metrics counts them as skipped" 'source="glpi",outcome="skipped"' "$(curl -s "$BASE/metrics")"

# --- reopen: cancels a close waiting for its address ---------------------
start_api --delay 1.5
T=$(as_ticket "$FIX/default-close.json" 3001)
R=$(as_ticket "$FIX/default-reopen.json" 3001)
NOW=$(date +%s)
glpi "$T" "$NOW"
check "a close (slow API)" 202 "$STATUS"
check_contains "/metrics counts it as waiting for its address" "npsd_address_lookups_waiting 1" \
    "$(curl -s "$BASE/metrics")"
glpi "$R" $((NOW + 1))
check "a reopen while the address is looked up cancels" "200|cancelled" \
    "$STATUS|$(json_field "$RESPONSE" status)"
settled 3001
# the look-up in flight ends, finds the close gone and schedules nothing
wait_for grep -q "ticket 3001: reopened while its address was looked up" "$WORK/npsd.log"
check "the look-up in flight noticed the reopen" 0 "$?"
check "no survey for the reopened ticket" 0 "$(sql "SELECT count(*) FROM surveys WHERE ticket_id = '3001'")"
check_contains "the close's delivery says it was cancelled" "cancelled by a reopen" "$(detail_of 3001)"
glpi "$T" "$NOW"
check "the close's late retry after the reopen is a duplicate" duplicate "$(json_field "$RESPONSE" status)"

# --- out of order: the reopen arrives before the close it follows --------
T=$(as_ticket "$FIX/default-close.json" 3002)
R=$(as_ticket "$FIX/default-reopen.json" 3002)
glpi "$R" $((NOW + 60))
check "a reopen of a ticket never seen closed is ignored" ignored "$(json_field "$RESPONSE" status)"
glpi "$T" "$NOW"
check "the older close, retried late, is ignored as out of order" "200|ignored|out_of_order" \
    "$STATUS|$(json_field "$RESPONSE" status)|$(json_field "$RESPONSE" reason)"
check "and waits for nothing" "0|0" "$(waiting 3002)|$(sql "SELECT count(*) FROM surveys WHERE ticket_id = '3002'")"

# --- 500, then the API recovers: retried, then surveyed ------------------
start_api --fail 500 --fail-on Ticket_User --fail-count 2
glpi "$(as_ticket "$FIX/default-close.json" 3003)"
check "a close while GLPI answers 500" 202 "$STATUS"
wait_until_ge 1 sql "SELECT attempts FROM address_lookups WHERE ticket_id = '3003'"
check_contains "the delivery shows the failed try" "HTTP 500 (not JSON)" "$(detail_of 3003)"
settled 3003
check "after two 500s the third try finds the address" "scheduled|" "$(outcome_of 3003)"
check "the survey was scheduled" 1 "$(sql "SELECT count(*) FROM surveys WHERE ticket_id = '3003'")"
check "a new API process: the cached session was refused, npsd logged in again" 1 \
    "$(grep -c '"call": "initSession"' "$WORK/api.log" | awk '{print ($1 >= 2)}')"

# --- 500 for good: no_address after lookup_attempts tries ----------------
start_api --fail 500 --fail-on Ticket_User
glpi "$(as_ticket "$FIX/default-close.json" 3004)"
settled 3004
check "always 500: no_address after 3 tries" "skipped|no_address|2" \
    "$(outcome_of 3004)|$(grep -c 'ticket 3004: .*HTTP 500.*failed, next in' "$WORK/npsd.log")"
check_contains "gave up, says the delivery" "gave up after 3 tries" "$(detail_of 3004)"
$NPSCTL -c "$WORK/npsd.conf" survey show 3004 > "$WORK/show" 2>&1
check_contains "survey show names the call and the status" "no_address: GLPI Ticket/Ticket_User: HTTP 500" "$(cat "$WORK/show")"

# --- slower than api_timeout: retried ------------------------------------
start_api --delay 3 --delay-count 1
glpi "$(as_ticket "$FIX/default-close.json" 3005)"
settled 3005
check "a call past api_timeout is retried, then surveyed" "scheduled||1" \
    "$(outcome_of 3005)|$(sql "SELECT count(*) FROM surveys WHERE ticket_id = '3005'")"
check_contains "the log says it timed out" "no answer within [source.glpi] api_timeout" "$(cat "$WORK/npsd.log")"

# --- the session expires between calls: one new login, same look-up ------
start_api --session-uses 1
glpi "$(as_ticket "$FIX/default-close.json" 3006)"
settled 3006
check "an expired session mid-look-up: logged in again, surveyed" "scheduled||1" \
    "$(outcome_of 3006)|$(sql "SELECT count(*) FROM surveys WHERE ticket_id = '3006'")"
check "within one try (a new login per refused call)" 0 "$(grep -c 'ticket 3006: .*failed' "$WORK/npsd.log")"

# --- a wrong user token: retried (an operator can fix it), then no_address
printf 'wrong-token-0000000000000000000000000000\n' > "$WORK/glpi-user-token"
kill -HUP "$NPSD_PID"
wait_for grep -q "reloaded" "$WORK/npsd.log"
glpi "$(as_ticket "$FIX/default-close.json" 3007)"
settled 3007
check "a refused user token ends in no_address after the tries" "skipped|no_address" "$(outcome_of 3007)"
check_contains "naming GLPI's error" "initSession: HTTP 401 ERROR_GLPI_LOGIN_USER_TOKEN" "$(detail_of 3007)"

check "the log holds no token" 0 "$(grep -c -e "$USER_TOKEN" -e wrong-token "$WORK/npsd.log")"
check "the log holds no address" 0 "$(grep -c '@example.net' "$WORK/npsd.log")"

stop_npsd
check "SIGTERM exits 0" 0 "$?"
stop_api
finish
