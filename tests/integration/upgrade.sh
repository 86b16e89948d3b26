#!/bin/sh
# upgrade.sh - a database from before reminders existed (schema 1) is
# migrated at start without mailing a reminder for the surveys it already
# sent.
. "$TOP_SRCDIR/tests/integration/lib.sh"
sqlite_only "it starts from a schema-1 SQLite file"

now=$(date +%s)
sent=$((now - 5 * 86400))
{
	cat "$TOP_SRCDIR/sql/0001-initial.sql"
	echo "PRAGMA user_version = 1;"
	echo "INSERT INTO tickets VALUES (1, 'generic', 'OLD-1', 'closed', 1, $sent);"
	echo "INSERT INTO surveys (id, public_id, ticket, close_seq, source, ticket_id, closed_at,
	    requester_email, language, agent_id, state, created_at, send_at, queued, sent_at,
	    expires_at, token_hash) VALUES (1, 'srv_old1', 1, 1, 'generic', 'OLD-1', $sent,
	    'old@example.net', 'en', 'piet', 'sent', $sent, $sent, 1, $sent, $((now + 9 * 86400)),
	    '$(printf x | sha256sum | cut -c1-64)');"
	echo "INSERT INTO outbox (survey, recipient, message_id, message, state, attempts,
	    next_attempt_at, created_at, done_at) VALUES (1, 'old@example.net', '<old1@npsd>', '',
	    'sent', 1, $sent, $sent, $sent);"
} | sqlite3 "$WORK/npsd.db"
check "a schema 1 database" 1 "$(sql "PRAGMA user_version")"

write_config "$WORK/npsd.conf" \
    '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'reminder = 3d' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
sleep 3	# several passes of the mailer
check "migrated to the latest schema" "$(ls "$TOP_SRCDIR"/sql/[0-9]*.sql | wc -l)" \
    "$(sql "PRAGMA user_version")"
check "no reminder is queued for the survey sent before reminders existed" 0 \
    "$(sql "SELECT count(*) FROM outbox WHERE kind = 'reminder'")"
check "it is marked as getting none" 0 "$(sql "SELECT reminded_at FROM surveys WHERE id = 1")"
check "no mail was written" 0 "$(ls "$WORK/mail/new" 2>/dev/null | wc -l)"
check "its link still leads to the page" 1 "$(sql "SELECT count(*) FROM tokens WHERE survey = 1")"
stop_npsd
check "SIGTERM exits 0" 0 "$?"

finish
