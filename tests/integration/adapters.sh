#!/bin/sh
# adapters.sh - every ticket-system adapter against the real daemon: its
# own authentication (right and wrong), the mapping of a realistic close to
# one survey with the right agent and team, replayed deliveries, reopens,
# unassigned closes surveyed without an agent, and closes without a usable
# address recorded, counted and answered 200 skipped no_address. GLPI's
# address comes from its API (tests/glpi_api.py here; glpi.sh goes further).
. "$TOP_SRCDIR/tests/integration/lib.sh"

FIX=$TOP_SRCDIR/tests/fixtures
KEY=npsd-test-secret-0123456789
GLPI_USER_TOKEN=npsd-test-user-token-0123456789abcdef0123

"$PYTHON3" "$TOP_SRCDIR/tests/glpi_api.py" --port-file "$WORK/api.port" \
    --user-token "$GLPI_USER_TOKEN" --lifetime 300 &
API_PID=$!
trap 'kill "$API_PID" 2>/dev/null; cleanup' EXIT
wait_for test -s "$WORK/api.port"
printf '%s\n' "$GLPI_USER_TOKEN" > "$WORK/glpi-token"

write_config "$WORK/npsd.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 30m' 'cooldown = 0' \
    '[source.zendesk]' "secret = $KEY" \
    '[source.freshdesk]' "secret = $KEY" \
    '[source.jira]' "secret = $KEY" 'team_field = customfield_10050' \
    '[source.zammad]' "secret = $KEY" \
    '[source.glpi]' "secret = $KEY" "api_url = http://127.0.0.1:$(cat "$WORK/api.port")/apirest.php" \
    "user_token_file = $WORK/glpi-token" \
    '[source.znuny]' "secret = $KEY"
start_npsd "$WORK/npsd.conf"

hmac_b64() { openssl dgst "-$1" -hmac "$2" -binary | base64; }
hmac_hex() { openssl dgst "-$1" -hmac "$2" -r | cut -d' ' -f1; }

# hook SOURCE FILE [DELIVERY] [SECRET]: posts FILE as SOURCE would; sets
# STATUS and RESPONSE
hook() {
	src=$1 file=$2 delivery=${3:-d-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')} key=${4:-$KEY}
	set -- -s -o "$WORK/response" -w '%{http_code}' -H 'Content-Type: application/json' \
	    --data-binary @"$file"
	case $src in
	zendesk)
		ts=$(date -u +%Y-%m-%dT%H:%M:%SZ)
		sig=$( { printf %s "$ts"; cat "$file"; } | hmac_b64 sha256 "$key")
		set -- "$@" -H "X-Zendesk-Webhook-Signature: $sig" \
		    -H "X-Zendesk-Webhook-Signature-Timestamp: $ts" \
		    -H "X-Zendesk-Webhook-Invocation-Id: $delivery" ;;
	freshdesk)
		set -- "$@" -H "Authorization: Bearer $key" ;;
	jira)
		set -- "$@" -H "X-Hub-Signature: sha256=$(hmac_hex sha256 "$key" < "$file")" \
		    -H "X-Atlassian-Webhook-Identifier: $delivery" ;;
	zammad)
		set -- "$@" -H "X-Hub-Signature: sha1=$(hmac_hex sha1 "$key" < "$file")" \
		    -H "X-Zammad-Delivery: $delivery" ;;
	glpi)
		ts=${GLPI_TS:-$(date +%s)}
		sig=$( { cat "$file"; printf %s "$ts"; } | hmac_hex sha256 "$key")
		set -- "$@" -H "X-GLPI-signature: $sig" -H "X-GLPI-timestamp: $ts" ;;
	znuny)
		set -- "$@" -u "znuny:$key" ;;
	esac
	STATUS=$(curl "$@" "$BASE/hooks/$src")
	RESPONSE=$(cat "$WORK/response")
}

# GLPI answers at once and finds the address afterwards
settle() { [ "$1" != glpi ] || wait_until_eq 0 sql "SELECT count(*) FROM address_lookups"; }
survey_of() { sql "SELECT agent_id || '|' || agent_name || '|' || team_id || '|' || team_name || '|' || category || '|' || language || '|' || requester_email || '|' || state FROM surveys WHERE source = '$1' AND ticket_id = '$2'"; }

# source, close, reopen, ticket, expected survey row
for row in \
    "zendesk|solved.json|reopened.json|35436|bram@helpdesk.example.org|Bram Visser|Second Line|Second Line|Incident|nl|anouk.dekker@example.net" \
    "freshdesk|resolved.json|reopened.json|1089|kees@helpdesk.example.org|Kees Smit|Hardware|Hardware|Incident|nl|sanne@example.net" \
    "jira|done.json|reopened.json|ITSD-417|5b10ac8d82e05b22cc7d4ef5|Fatima El Amrani|Workplace|Workplace|Incident||lotte.jansen@example.net" \
    "zammad|closed.json|reopened.json|10081|emma@chrispresso.example|Emma Taylor|3|Service Desk|||emily@example.net" \
    "glpi|default-close.json|default-reopen.json|2147|ilse|Ilse de Wit|3|Servicedesk|Accounts|nl|daan.mulder@example.net" \
    "znuny|closed.json|reopened.json|2026112210000015|j.bakker|Jeroen Bakker|Servicedesk::Tweede lijn|Servicedesk::Tweede lijn|Incident|nl|m.peters@example.net"
do
	IFS='|' read -r src close reopen ticket expect_rest <<ROW
$row
ROW
	expect=$(printf '%s' "$row" | cut -d'|' -f5-)
	before=$(sql "SELECT count(*) FROM surveys")
	GLPI_TS=$(date +%s)	# GLPI's delivery id includes it: a replay carries the same

	hook "$src" "$FIX/$src/$close" "" "wrong-secret-0123456789"
	check "$src: a wrong secret is 401" 401 "$STATUS"
	check "$src: and stores nothing" "$before" "$(sql "SELECT count(*) FROM surveys")"

	hook "$src" "$FIX/$src/$close" "delivery-$src-1"
	check "$src: a close is scheduled" 202 "$STATUS"
	settle "$src"
	check "$src: one survey, agent and team as at closing" "$expect|scheduled" "$(survey_of "$src" "$ticket")"

	hook "$src" "$FIX/$src/$close" "delivery-$src-1"
	check "$src: the same delivery again does nothing" duplicate "$(json_field "$RESPONSE" status)"
	check "$src: still one survey" 1 "$(sql "SELECT count(*) FROM surveys WHERE source = '$src' AND ticket_id = '$ticket'")"

	hook "$src" "$FIX/$src/$reopen" "delivery-$src-2"
	check "$src: a reopen before sending cancels" cancelled "$(json_field "$RESPONSE" status)"
	check "$src: the survey is cancelled" cancelled "$(sql "SELECT state FROM surveys WHERE source = '$src' AND ticket_id = '$ticket'")"
done

unset GLPI_TS
outcome_of() { sql "SELECT outcome || '|' || coalesce(reason, '') FROM deliveries WHERE source = '$1' AND ticket_id = '$2' ORDER BY received_at DESC LIMIT 1"; }
agent_of() { sql "SELECT agent_id FROM surveys WHERE source = '$1' AND ticket_id = '$2'"; }
closes_of() { sql "SELECT count(*) FROM closings WHERE source = '$1' AND ticket_id = '$2'"; }

# an unassigned close is surveyed without an agent; a close without a
# usable requester address is recorded, counted and answered 200
for row in "zendesk|unassigned.json|35437" "freshdesk|unassigned.json|1090" \
    "jira|unassigned.json|ITSD-419" "zammad|unassigned.json|10082" \
    "glpi|default-close-unassigned.json|2148" "znuny|unassigned.json|2026112210000017"; do
	IFS='|' read -r src file ticket <<ROW
$row
ROW
	hook "$src" "$FIX/$src/$file"
	check "$src: an unassigned close is scheduled" 202 "$STATUS"
	settle "$src"
	check "$src: surveyed" 1 "$(sql "SELECT count(*) FROM surveys WHERE source = '$src' AND ticket_id = '$ticket'")"
	check "$src: with no agent" "" "$(agent_of "$src" "$ticket")"
done
for row in "zendesk|no-email.json|35438" "freshdesk|no-email.json|1091" \
    "jira|hidden-email.json|ITSD-418" "zammad|no-email.json|10083" \
    "glpi|default-close-no-address.json|2152" "znuny|no-email.json|2026112210000016"; do
	IFS='|' read -r src file ticket <<ROW
$row
ROW
	hook "$src" "$FIX/$src/$file"
	if [ "$src" = glpi ]; then	# known only once GLPI's API was asked
		check "$src: a close is answered at once" 202 "$STATUS"
		settle "$src"
	else
		check "$src: a close without an address is 200" 200 "$STATUS"
		check "$src: answered skipped no_address" "skipped|no_address" "$(json_field "$RESPONSE" status)|$(json_field "$RESPONSE" reason)"
	fi
	check "$src: the delivery says why" "skipped|no_address" "$(outcome_of "$src" "$ticket")"
	check "$src: the close is counted in the volume" 1 "$(closes_of "$src" "$ticket")"
	check "$src: and no survey" 0 "$(sql "SELECT count(*) FROM surveys WHERE source = '$src' AND ticket_id = '$ticket'")"
done
$NPSCTL -c "$WORK/npsd.conf" survey show --source jira ITSD-418 > "$WORK/show" 2>&1
check_contains "survey show explains the hidden address" "no_address: issue.fields.reporter.emailAddress" "$(cat "$WORK/show")"
check_contains "and shows the recorded close" "Close recorded" "$(cat "$WORK/show")"
check_contains "/metrics counts it" 'source="jira",outcome="skipped"' "$(curl -s "$BASE/metrics")"

# the reopen's body again is the same delivery (ticket, status, close count)
STATUS=$(curl -s -o "$WORK/response" -w '%{http_code}' -H 'Content-Type: application/json' \
    -u "x:$KEY" --data-binary @"$FIX/freshdesk/reopened.json" "$BASE/hooks/freshdesk")
check "freshdesk: Basic with the secret as password is accepted" 200 "$STATUS"
check "freshdesk: an identical body is a replayed delivery" duplicate "$(json_field "$(cat "$WORK/response")" status)"
hook jira "$FIX/jira/other-update.json"
check "jira: an update without a status change is ignored" ignored "$(json_field "$RESPONSE" status)"
GLPI_TS=$(( $(date +%s) - 7200 ))
hook glpi "$FIX/glpi/default-close-anonymous.json"
check "glpi: a delivery queued two hours ago is accepted" 202 "$STATUS"
hook glpi "$FIX/glpi/default-close-anonymous.json"
check "glpi: its retry, with the same old timestamp, is a duplicate" duplicate "$(json_field "$RESPONSE" status)"
unset GLPI_TS
settle glpi
for pair in "zammad|Émily Adams" "jira|Zoë Jansen" "glpi|Daan Müller" "znuny|Marieke Pëters" "zendesk|Anouk Dekker"; do
	src=${pair%%|*}
	check "$src: the requester's name survives as sent" "${pair#*|}" "$(sql "SELECT requester_name FROM surveys WHERE source = '$src' ORDER BY id LIMIT 1")"
done

# a close after the reopen is a new close with its own survey
hook zammad "$FIX/zammad/closed.json" delivery-zammad-3
check "zammad: closing again after the reopen schedules again" 202 "$STATUS"
check "zammad: two surveys for the ticket, one live" "cancelled scheduled" "$(sql "SELECT group_concat(state, ' ') FROM (SELECT state FROM surveys WHERE source = 'zammad' AND ticket_id = '10081' ORDER BY id) AS t")"

stop_npsd
check "SIGTERM exits 0" 0 "$?"
finish
