#!/bin/sh
# mail_retry.sh - 4xx is retried with backoff under one Message-ID, 5xx
# fails at once keeping the server's reply for the administrator (not the
# log), STARTTLS required never falls back to cleartext, and npsctl mail
# lists, retries and drops messages.
. "$TOP_SRCDIR/tests/integration/lib.sh"

start_sink --tempfail 2
write_config "$WORK/npsd.conf" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
    'max_attempts = 5' 'retry_min = 1s' \
    '[survey]' 'delay = 0' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"

post "$(closed_event INC-1 jan@example.net)"
check "scheduled" 202 "$STATUS"
wait_for test -s "$WORK/sink/0001.eml"
check "the mail arrives after two 451 answers" 0 "$?"
# the sink has the message before npsd has recorded the server's answer
wait_until_eq sent sql "SELECT state FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'INC-1')"
check "three attempts were made" 3 "$(sql "SELECT attempts FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'INC-1')")"
check "the outbox row is sent" sent "$(sql "SELECT state FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'INC-1')")"
check "every attempt carried the same Message-ID" 1 "$(sort -u "$WORK/sink/attempts.log" | wc -l)"
check "the SMTP server saw three attempts" 3 "$(wc -l < "$WORK/sink/attempts.log")"

post "$(closed_event INC-2 reject-me@example.net)"
check "scheduled" 202 "$STATUS"
wait_until_eq failed sql "SELECT state FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'INC-2')"
check "a 550 fails the mail at once" "failed|1" "$(sql "SELECT state, attempts FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'INC-2')")"
check "and the survey" failed "$(sql "SELECT state FROM surveys WHERE ticket_id = 'INC-2'")"
check_contains "the reply is recorded" "550" "$(sql "SELECT last_error FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'INC-2')")"
check_contains "with the server's own text" "5.1.1 <reject-me@example.net>: no such user" \
    "$(sql "SELECT last_error FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'INC-2')")"
case $(cat "$WORK/npsd.log") in
*reject-me*) not_ok "the log names the recipient" ;;
*) ok "the log does not name the recipient" ;;
esac
listed=$("$NPSCTL" -c "$WORK/npsd.conf" mail list --failed)
check_contains "mail list --failed shows the failed message" "no such user" "$listed"
check_contains "with its ticket" "INC-2" "$listed"
check "and not the sent one" 1 "$(printf '%s\n' "$listed" | grep -c 'INC-')"
check_contains "survey show shows the mail with the server's reply" \
    "last error: smtp: RCPT failed: 550 (reply 550); server said: 550 5.1.1" \
    "$("$NPSCTL" -c "$WORK/npsd.conf" survey show INC-2)"
stop_npsd

# The sink offers no STARTTLS: with starttls = required nothing is sent.
write_config "$WORK/tls.conf" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = required' \
    'max_attempts = 2' 'retry_min = 1s' \
    '[survey]' 'delay = 0' \
    '[source.generic]' "secret = $SECRET"
before=$(wc -l < "$WORK/sink/attempts.log")
start_npsd "$WORK/tls.conf"
post "$(closed_event INC-3 kees@example.net)"
wait_until_eq failed sql "SELECT state FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'INC-3')"
check "without STARTTLS the mail fails after max_attempts" "failed|2" "$(sql "SELECT state, attempts FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'INC-3')")"
check "and no message data was sent in clear" "$before" "$(wc -l < "$WORK/sink/attempts.log")"
stop_npsd

# npsctl mail retry: a message that failed while the server was down goes
# out once it is back; npsctl mail drop: a waiting message never does.
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null; SINK_PID=
rm -rf "$WORK/sink"
write_config "$WORK/retry.conf" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
    'max_attempts = 2' 'retry_min = 1s' \
    '[survey]' 'delay = 0' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/retry.conf"
post "$(closed_event INC-4 piet@example.net)"
wait_until_eq failed sql "SELECT state FROM surveys WHERE ticket_id = 'INC-4'"
check "with the server down the mail fails" failed "$(sql "SELECT state FROM surveys WHERE ticket_id = 'INC-4'")"
id4=$(sql "SELECT id FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'INC-4')")
check "mail retry of a message that is not there is an error" 1 \
    "$("$NPSCTL" -c "$WORK/retry.conf" mail retry 99999 > /dev/null 2>&1; echo $?)"
check "mail retry with a bad id is a usage error" 2 \
    "$("$NPSCTL" -c "$WORK/retry.conf" mail retry 12x > /dev/null 2>&1; echo $?)"
start_sink --port "$SMTP_PORT"
check_contains "mail retry queues it" "1 message queued" "$("$NPSCTL" -c "$WORK/retry.conf" mail retry "$id4")"
wait_until_eq sent sql "SELECT state FROM surveys WHERE ticket_id = 'INC-4'"
check "after the server recovers the retried mail is sent" "sent|sent" \
    "$(sql "SELECT o.state, s.state FROM outbox o JOIN surveys s ON s.id = o.survey WHERE o.id = $id4")"
check "and delivered once" 1 "$(grep -c . "$WORK/sink/attempts.log")"
token=$(survey_token_for piet@example.net)
check "its link works" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$token?score=8")"
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null; SINK_PID=
sed -i 's/^max_attempts = 2$/max_attempts = 20/' "$WORK/retry.conf"
stop_npsd
start_npsd "$WORK/retry.conf"
post "$(closed_event INC-5 drop@example.net)"
wait_until_eq 1 sql "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending') AND attempts > 0"
id5=$(sql "SELECT o.id FROM outbox o JOIN surveys s ON s.id = o.survey WHERE s.ticket_id = 'INC-5'")
check_contains "mail list --waiting shows it" "INC-5" "$("$NPSCTL" -c "$WORK/retry.conf" mail list --waiting)"
# a message the mailer is trying at this very moment cannot be dropped:
# try again, as an administrator would
for _ in $(seq 1 50); do
	dropped=$("$NPSCTL" -c "$WORK/retry.conf" mail drop "$id5" 2>/dev/null) && break
	sleep 0.1
done
check_contains "mail drop drops it" "dropped" "$dropped"
check "the message is cancelled and its text gone, the survey cancelled" "cancelled|0|cancelled|dropped" \
    "$(sql "SELECT o.state, length(o.message), s.state, s.reason FROM outbox o JOIN surveys s ON s.id = o.survey WHERE o.id = $id5")"
check "dropping it twice is an error" 1 \
    "$("$NPSCTL" -c "$WORK/retry.conf" mail drop "$id5" > /dev/null 2>&1; echo $?)"
check "mail list --format json is JSON" "cancelled" \
    "$("$NPSCTL" -c "$WORK/retry.conf" mail list --all --format json | "$PYTHON3" -c 'import json,sys; print([r["state"] for r in json.load(sys.stdin) if r["ticket"] == "INC-5"][0])')"
stop_npsd

finish
