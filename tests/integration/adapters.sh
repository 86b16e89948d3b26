#!/bin/sh
# adapters.sh - every ticket-system adapter against the real daemon: its
# own authentication (right and wrong), the mapping of a realistic close to
# one survey with the right agent and team, replayed deliveries, reopens,
# and the 422 for unassigned tickets or missing addresses.
. "$TOP_SRCDIR/tests/integration/lib.sh"

FIX=$TOP_SRCDIR/tests/fixtures
KEY=npsd-test-secret-0123456789

write_config "$WORK/npsd.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 30m' \
    '[source.zendesk]' "secret = $KEY" \
    '[source.freshdesk]' "secret = $KEY" \
    '[source.jira]' "secret = $KEY" 'team_field = customfield_10050' \
    '[source.zammad]' "secret = $KEY" \
    '[source.glpi]' "secret = $KEY" \
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

survey_of() { sql "SELECT agent_id || '|' || agent_name || '|' || team_id || '|' || team_name || '|' || category || '|' || language || '|' || requester_email || '|' || state FROM surveys WHERE source = '$1' AND ticket_id = '$2'"; }

# source, close, reopen, ticket, expected survey row
for row in \
    "zendesk|solved.json|reopened.json|35436|bram@helpdesk.example.org|Bram Visser|Second Line|Second Line|Incident|nl|anouk.dekker@example.net" \
    "freshdesk|resolved.json|reopened.json|1089|kees@helpdesk.example.org|Kees Smit|Hardware|Hardware|Incident|nl|sanne@example.net" \
    "jira|done.json|reopened.json|ITSD-417|5b10ac8d82e05b22cc7d4ef5|Fatima El Amrani|Workplace|Workplace|Incident||lotte.jansen@example.net" \
    "zammad|closed.json|reopened.json|10081|emma@chrispresso.example|Emma Taylor|3|Service Desk|||emily@example.net" \
    "glpi|solved.json|reopened.json|2147|7|Ilse de Wit|3|Servicedesk|Accounts > Nieuw|nl|daan.mulder@example.net" \
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
	check "$src: one survey, agent and team as at closing" "$expect|scheduled" "$(survey_of "$src" "$ticket")"

	hook "$src" "$FIX/$src/$close" "delivery-$src-1"
	check "$src: the same delivery again does nothing" duplicate "$(json_field "$RESPONSE" status)"
	check "$src: still one survey" 1 "$(sql "SELECT count(*) FROM surveys WHERE source = '$src' AND ticket_id = '$ticket'")"

	hook "$src" "$FIX/$src/$reopen" "delivery-$src-2"
	check "$src: a reopen before sending cancels" cancelled "$(json_field "$RESPONSE" status)"
	check "$src: the survey is cancelled" cancelled "$(sql "SELECT state FROM surveys WHERE source = '$src' AND ticket_id = '$ticket'")"
done

unset GLPI_TS
hook zendesk "$FIX/zendesk/unassigned.json"
check "zendesk: an unassigned ticket is 422" 422 "$STATUS"
check "zendesk: naming assignee.email" assignee.email "$(json_field "$RESPONSE" field)"
hook zendesk "$FIX/zendesk/no-email.json"
check "zendesk: no requester address is 422 naming it" requester.email "$(json_field "$RESPONSE" field)"
hook freshdesk "$FIX/freshdesk/unassigned.json"
check "freshdesk: an unassigned ticket is 422" agent.email "$(json_field "$RESPONSE" field)"
# the same body again is the same delivery (ticket, status, update time)
STATUS=$(curl -s -o "$WORK/response" -w '%{http_code}' -H 'Content-Type: application/json' \
    -u "x:$KEY" --data-binary @"$FIX/freshdesk/resolved.json" "$BASE/hooks/freshdesk")
check "freshdesk: Basic with the secret as password is accepted" 200 "$STATUS"
check "freshdesk: an identical body is a replayed delivery" duplicate "$(json_field "$(cat "$WORK/response")" status)"
hook jira "$FIX/jira/hidden-email.json"
check "jira: a hidden reporter address is 422" 422 "$STATUS"
check "jira: naming the field" issue.fields.reporter.emailAddress "$(json_field "$RESPONSE" field)"
check_contains "jira: pointing at the guide" "contrib/jira" "$RESPONSE"
hook jira "$FIX/jira/other-update.json"
check "jira: an update without a status change is ignored" ignored "$(json_field "$RESPONSE" status)"
hook jira "$FIX/jira/unassigned.json"
check "jira: an unassigned issue is 422" issue.fields.assignee "$(json_field "$RESPONSE" field)"
hook zammad "$FIX/zammad/unassigned.json"
check "zammad: the '-' owner is nobody (422)" ticket.owner "$(json_field "$RESPONSE" field)"
hook zammad "$FIX/zammad/no-email.json"
check "zammad: a customer without address is 422" ticket.customer.email "$(json_field "$RESPONSE" field)"
hook glpi "$FIX/glpi/unassigned.json"
check "glpi: technician 0 is nobody (422)" technician.id "$(json_field "$RESPONSE" field)"
GLPI_TS=$(( $(date +%s) - 7200 )) hook glpi "$FIX/glpi/solved.json"
check "glpi: a timestamp two hours old is 401" 401 "$STATUS"
hook znuny "$FIX/znuny/no-email.json"
check "znuny: a customer without address is 422" Ticket.CustomerUser.UserEmail "$(json_field "$RESPONSE" field)"
hook freshdesk "$FIX/freshdesk/no-email.json"
check "freshdesk: no requester address is 422" requester.email "$(json_field "$RESPONSE" field)"
hook glpi "$FIX/glpi/no-email.json"
check "glpi: no requester address is 422" requester.email "$(json_field "$RESPONSE" field)"
hook znuny "$FIX/znuny/unassigned.json"
check "znuny: a ticket without owner is 422" Ticket.Owner "$(json_field "$RESPONSE" field)"
for pair in "zammad|Émily Adams" "jira|Zoë Jansen" "glpi|Daan Müller" "znuny|Marieke Pëters" "zendesk|Anouk Dekker"; do
	src=${pair%%|*}
	check "$src: the requester's name survives as sent" "${pair#*|}" "$(sql "SELECT requester_name FROM surveys WHERE source = '$src' ORDER BY id LIMIT 1")"
done
check "refused deliveries stored nothing" 0 "$(sql "SELECT count(*) FROM surveys WHERE ticket_id IN ('35437', '35438', '1090', '1091', 'ITSD-418', 'ITSD-419', '10082', '10083', '2148', '2149', '2026112210000016', '2026112210000017')")"

# a close after the reopen is a new close with its own survey
hook zammad "$FIX/zammad/closed.json" delivery-zammad-3
check "zammad: closing again after the reopen schedules again" 202 "$STATUS"
check "zammad: two surveys for the ticket, one live" "cancelled scheduled" "$(sql "SELECT group_concat(state, ' ') FROM (SELECT state FROM surveys WHERE source = 'zammad' AND ticket_id = '10081' ORDER BY id)")"

stop_npsd
check "SIGTERM exits 0" 0 "$?"
finish
