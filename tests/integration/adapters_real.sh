#!/bin/sh
# adapters_real.sh - owns one test per row of issue 12 on the real daemon,
# with fixtures in each system's own format (tests/fixtures/*/README.md
# cites the source of each): every authentic close is surveyed (the mail
# to the right address, the agent right or absent, never root@localhost
# or "-") or recorded with a reason and a 200; resolve, reopen, resolve
# surveys once, after the last resolve; a true repeat is a duplicate.
. "$TOP_SRCDIR/tests/integration/lib.sh"

FIX=$TOP_SRCDIR/tests/fixtures
KEY=npsd-test-secret-0123456789

write_config "$WORK/npsd.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 4s' 'cooldown = 0' \
    '[source.zendesk]' "secret = $KEY" \
    '[source.freshdesk]' "secret = $KEY" \
    '[source.jira]' "secret = $KEY" \
    '[source.zammad]' "secret = $KEY" \
    '[source.znuny]' "secret = $KEY"
start_npsd "$WORK/npsd.conf"

hmac_b64() { openssl dgst "-$1" -hmac "$2" -binary | base64; }
hmac_hex() { openssl dgst "-$1" -hmac "$2" -r | cut -d' ' -f1; }

# hook SOURCE FILE [DELIVERY]: posts FILE as SOURCE sends it; sets STATUS
# and RESPONSE. Freshdesk and Znuny send no delivery id of their own.
hook() {
	src=$1 file=$2 delivery=${3:-d-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')}
	set -- -s -o "$WORK/response" -w '%{http_code}' -H 'Content-Type: application/json' \
	    --data-binary @"$file"
	case $src in
	zendesk)
		ts=$(date -u +%Y-%m-%dT%H:%M:%SZ)
		sig=$( { printf %s "$ts"; cat "$file"; } | hmac_b64 sha256 "$KEY")
		set -- "$@" -H "X-Zendesk-Webhook-Signature: $sig" \
		    -H "X-Zendesk-Webhook-Signature-Timestamp: $ts" \
		    -H "X-Zendesk-Webhook-Invocation-Id: $delivery" ;;
	freshdesk)
		set -- "$@" -H "Authorization: Bearer $KEY" ;;
	jira)
		set -- "$@" -H "X-Hub-Signature: sha256=$(hmac_hex sha256 "$KEY" < "$file")" \
		    -H "X-Atlassian-Webhook-Identifier: $delivery" ;;
	zammad)
		set -- "$@" -H "X-Hub-Signature: sha1=$(hmac_hex sha1 "$KEY" < "$file")" \
		    -H "X-Zammad-Trigger: npsd" -H "X-Zammad-Delivery: $delivery" ;;
	znuny)
		set -- "$@" -u "znuny:$KEY" ;;
	esac
	STATUS=$(curl "$@" "$BASE/hooks/$src")
	RESPONSE=$(cat "$WORK/response")
}

survey_of() { sql "SELECT requester_email || '|' || agent_id || '|' || agent_name || '|' || state FROM surveys WHERE source = '$1' AND ticket_id = '$2' AND state <> 'cancelled'"; }
skipped() {
	check "$1: $3 is answered 200" 200 "$STATUS"
	check "$1: skipped no_address" "skipped no_address" "$(json_field "$RESPONSE" status) $(json_field "$RESPONSE" reason)"
	check "$1: the close is recorded for volume" 1 "$(sql "SELECT count(*) FROM closings WHERE source = '$1' AND ticket_id = '$2'")"
	check "$1: no survey" 0 "$(sql "SELECT count(*) FROM surveys WHERE source = '$1' AND ticket_id = '$2'")"
}
# resolve_reopen_resolve SOURCE TICKET CLOSE REOPEN CLOSE-AGAIN
resolve_reopen_resolve() {
	hook "$1" "$3" "$1-rrr-1"; first=$STATUS
	hook "$1" "$4" "$1-rrr-2"; reopen=$(json_field "$RESPONSE" status)
	hook "$1" "$5" "$1-rrr-3"; again=$STATUS
	check "$1: resolve, reopen, resolve: 202, cancelled, 202" "202 cancelled 202" "$first $reopen $again"
	hook "$1" "$5" "$1-rrr-3"
	check "$1: the last resolve once more is a duplicate" duplicate "$(json_field "$RESPONSE" status)"
	check "$1: one live survey, of the second close" "cancelled:1 scheduled:2" "$(sql "SELECT group_concat(state || ':' || close_seq, ' ') FROM (SELECT state, close_seq FROM surveys WHERE source = '$1' AND ticket_id = '$2' ORDER BY id) AS t")"
}

# Znuny: a sender in no customer backend ("CustomerUser": {}) is surveyed
# at Ticket.CustomerUserID; a never-assigned ticket (owner 1,
# root@localhost) is surveyed without an agent
hook znuny "$FIX/znuny/unknown-customer.json"
check "znuny: CustomerUser {} is scheduled" 202 "$STATUS"
check "znuny: at CustomerUserID" "s.dekker@example.net|j.bakker|Jeroen Bakker|scheduled" "$(survey_of znuny 2026112210000018)"
hook znuny "$FIX/znuny/unassigned.json"
check "znuny: owner root@localhost is scheduled" 202 "$STATUS"
check "znuny: with no agent, never root@localhost" "k.vos@example.net|||scheduled" "$(survey_of znuny 2026112210000017)"
hook znuny "$FIX/znuny/no-email.json"
skipped znuny 2026112210000016 "a CustomerUserID that is no address"
resolve_reopen_resolve znuny 2026112210000015 "$FIX/znuny/closed.json" "$FIX/znuny/reopened.json" "$FIX/znuny/closed-again.json"

# Zammad: closing without an owner gives owner 1 (login "-"), article {}
hook zammad "$FIX/zammad/unassigned.json" zammad-job-1
check "zammad: owner 1 and article {} are scheduled" 202 "$STATUS"
check "zammad: with no agent, never -" "anna@example.net|||scheduled" "$(survey_of zammad 10082)"
hook zammad "$FIX/zammad/unassigned.json" zammad-job-1
check "zammad: Zammad's retry of the same job is a duplicate" duplicate "$(json_field "$RESPONSE" status)"
hook zammad "$FIX/zammad/no-email.json"
skipped zammad 10083 "a customer without address"
resolve_reopen_resolve zammad 10081 "$FIX/zammad/closed.json" "$FIX/zammad/reopened.json" "$FIX/zammad/closed.json"

# Jira Cloud: emailAddress left out by profile visibility
hook jira "$FIX/jira/hidden-email.json"
skipped jira ITSD-418 "a hidden reporter address"
hook jira "$FIX/jira/unassigned.json"
check "jira: an unassigned issue is scheduled without an agent" "lotte.jansen@example.net|||scheduled" "$(survey_of jira ITSD-419)"
resolve_reopen_resolve jira ITSD-417 "$FIX/jira/done.json" "$FIX/jira/reopened.json" "$FIX/jira/done.json"

# Freshdesk: no delivery id and no placeholder that changes between
# resolves; the same body three times is resolve, reopen, resolve
resolve_reopen_resolve freshdesk 1089 "$FIX/freshdesk/resolved.json" "$FIX/freshdesk/reopened.json" "$FIX/freshdesk/resolved.json"
hook freshdesk "$FIX/freshdesk/no-email.json"
skipped freshdesk 1091 "no requester address"

# Zendesk: placeholders pasted unescaped (quote, backslash, newline)
hook zendesk "$FIX/zendesk/unescaped.json"
check "zendesk: an unescaped quote, backslash and newline is scheduled" 202 "$STATUS"
check "zendesk: subject and name as written, the line break a space" 'Printer "HP-4" on 3rd floor, path \\srv\scan second line|Piet "PJ" de Wit|nl' "$(sql "SELECT subject || '|' || requester_name || '|' || language FROM surveys WHERE source = 'zendesk' AND ticket_id = '35439'")"
resolve_reopen_resolve zendesk 35436 "$FIX/zendesk/solved.json" "$FIX/zendesk/reopened.json" "$FIX/zendesk/solved.json"

# the mail goes to the right address: one per live survey, none for the
# cancelled closes or the unsurveyable ones
live=$(sql "SELECT count(*) FROM surveys WHERE state IN ('scheduled', 'sent')")
mail_count() { ls "$WORK/mail/new" 2>/dev/null | wc -l; }
wait_until_eq "$live" mail_count
check "every live survey is mailed" "$live" "$(mail_count)"
for to in s.dekker@example.net:1 k.vos@example.net:1 m.peters@example.net:1 anna@example.net:1 \
    emily@example.net:1 lotte.jansen@example.net:2 sanne@example.net:1 piet.de.wit@example.net:1 \
    anouk.dekker@example.net:1; do
	check "survey mail to ${to%:*}" "${to#*:}" "$(grep -l "^To:.*[ <]${to%:*}" "$WORK"/mail/new/* 2>/dev/null | wc -l)"
done
check "no mail names root@localhost or the '-' user" 0 "$(grep -l 'root@localhost\|closed by -\.' "$WORK"/mail/new/* 2>/dev/null | wc -l)"
check "no mail says \"closed by .\" for a close without agent" 0 \
    "$(grep -l 'closed by \.\|gesloten door \.' "$WORK"/mail/new/* 2>/dev/null | wc -l)"
$NPSCTL -c "$WORK/npsd.conf" survey show --source zammad 10083 > "$WORK/show" 2>&1
check_contains "survey show explains a no_address close" "no_address: ticket.customer.email is empty" "$(cat "$WORK/show")"
check_contains "/metrics counts skipped closes" 'outcome="skipped"' "$(curl -s "$BASE/metrics")"

stop_npsd
check "SIGTERM exits 0" 0 "$?"
finish
