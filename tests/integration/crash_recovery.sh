#!/bin/sh
# crash_recovery.sh - kill -9 with mail queued loses nothing: every
# accepted webhook and every queued mail is there after a restart.
. "$TOP_SRCDIR/tests/integration/lib.sh"

# An SMTP port with nobody listening yet: mail queues and is retried.
SMTP_PORT=$("$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
write_config "$WORK/npsd.conf" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
    'max_attempts = 20' 'retry_min = 1s' \
    '[survey]' 'delay = 0' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"

accepted=0
for i in 1 2 3 4 5; do
	post "$(closed_event "INC-$i" "user$i@example.net")"
	[ "$STATUS" = 202 ] && accepted=$((accepted + 1))
done
check "five closes accepted" 5 "$accepted"
# a row being retried at that moment is 'sending': it counts as waiting
wait_until_eq 5 sql "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending') AND attempts > 0"
check "five mails waiting and failing to connect" 5 \
    "$(sql "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')")"

kill -9 "$NPSD_PID"
wait "$NPSD_PID" 2>/dev/null
NPSD_PID=

check "every accepted event survived kill -9" 5 "$(sql "SELECT count(*) FROM surveys")"
check "and every waiting mail" 5 "$(sql "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')")"
# the failed attempts earned a backoff of up to minutes on a slow machine;
# bring the next attempt forward instead of waiting for it
sql "UPDATE outbox SET next_attempt_at = 0"
start_sink --port "$SMTP_PORT"
start_npsd "$WORK/npsd.conf"
wait_until_ge 5 sink_count
check "all five mails are delivered after the restart" 5 "$(ls "$WORK/sink"/*.eml | wc -l)"
wait_until_eq 5 sql "SELECT count(*) FROM surveys WHERE state = 'sent'"
check "all five surveys are sent" 5 "$(sql "SELECT count(*) FROM surveys WHERE state = 'sent'")"
check "to five different people" 5 "$(grep -h '^To:' "$WORK/sink"/*.eml | sort -u | wc -l)"
stop_npsd
check "SIGTERM exits 0" 0 "$?"

finish
