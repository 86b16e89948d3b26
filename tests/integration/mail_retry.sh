#!/bin/sh
# mail_retry.sh - 4xx is retried with backoff under one Message-ID, 5xx
# fails at once, and STARTTLS required never falls back to cleartext.
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

finish
