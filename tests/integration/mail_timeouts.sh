#!/bin/sh
# mail_timeouts.sh - SMTP timeouts per reply (RFC 5321 4.5.3.2): a final
# reply 70 s after the message is waited for (one copy, links alive); a
# reply that never comes within [mail] timeout is an unknown outcome,
# sent again under the same Message-ID on a fresh connection, and never
# turns the survey failed.
. "$TOP_SRCDIR/tests/integration/lib.sh"

attempts() { [ -f "$WORK/sink/attempts.log" ] && wc -l < "$WORK/sink/attempts.log" || echo 0; }
distinct_ids() { sort -u "$WORK/sink/attempts.log" | wc -l; }
link_status() {
	token=$(survey_token_for "$1")
	[ -n "$token" ] || { echo "no link in the mail"; return; }
	curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$token?score=9"
}

mail_config() {
	write_config "$WORK/npsd.conf" \
	    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
	    'retry_min = 1s' "$@" \
	    '[survey]' 'delay = 0' 'cooldown = 0' \
	    '[source.generic]' "secret = $SECRET"
}

# --- the final reply to DATA after 70 s, with the default timeout (10m)
start_sink --data-delay 70
mail_config
start_npsd "$WORK/npsd.conf"
post "$(closed_event SLOW-1 slow@example.net)"
check "scheduled" 202 "$STATUS"
wait_until_eq 1 attempts
for _ in $(seq 1 90); do
	[ "$(sql "SELECT state FROM outbox")" = sent ] && break
	sleep 1
done
check "a 70 s final reply is waited for: the mail is sent" sent "$(sql "SELECT state FROM outbox")"
check "one copy" 1 "$(attempts)"
check "one attempt" 1 "$(sql "SELECT attempts FROM outbox")"
check "the survey is sent" sent "$(sql "SELECT state FROM surveys")"
check "its link works" 200 "$(link_status slow@example.net)"
stop_npsd
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null; SINK_PID=

# --- no final reply within [mail] timeout, once: unknown, sent again
rm -rf "$WORK/sink"; reset_db
start_sink --data-delay 6 --data-delay-count 1
mail_config 'timeout = 2s' 'max_attempts = 5'
start_npsd "$WORK/npsd.conf"
post "$(closed_event UNK-1 unknown@example.net)"
check "scheduled" 202 "$STATUS"
wait_until_eq sent sql "SELECT state FROM outbox"
check "after an unknown outcome the mail is sent again and recorded" sent "$(sql "SELECT state FROM outbox")"
check "two copies reached the server" 2 "$(attempts)"
check "under one Message-ID" 1 "$(distinct_ids)"
check "the survey is sent" sent "$(sql "SELECT state FROM surveys")"
check_contains "the log says the outcome was unknown" "unknown outcome" "$(cat "$WORK/npsd.log")"
case $(cat "$WORK/npsd.log") in
*"failed: 250"*) not_ok "a late reply on a reused connection was misread" ;;
*) ok "no late reply was read on a reused connection" ;;
esac
check "the link in the first copy works" 200 "$(link_status unknown@example.net)"
metrics=$(curl -s "$BASE/metrics")
check_contains "/metrics counts the unknown attempt" 'npsd_mail_attempts_total{outcome="unknown"} 1' "$metrics"
check_contains "and the sent one" 'npsd_mail_attempts_total{outcome="sent"} 1' "$metrics"
stop_npsd
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null; SINK_PID=

# --- never a final reply: the mail gives up, the survey is not failed
rm -rf "$WORK/sink"; reset_db
start_sink --data-delay 6
mail_config 'timeout = 2s' 'max_attempts = 2'
start_npsd "$WORK/npsd.conf"
post "$(closed_event UNK-2 never@example.net)"
wait_until_eq failed sql "SELECT state FROM outbox"
check "after max_attempts unknown outcomes the mail gives up" "failed|2" \
    "$(sql "SELECT state, attempts FROM outbox")"
check "but its survey may have been read: sent, not failed" sent "$(sql "SELECT state FROM surveys")"
check "and its links keep working" 200 "$(link_status never@example.net)"
stop_npsd

finish
