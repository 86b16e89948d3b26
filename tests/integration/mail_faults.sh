#!/bin/sh
# mail_faults.sh - a database that cannot record a delivery never turns
# into a mail storm: a held write lock, a full disk and a read-only file
# each let a survey reach the SMTP server once; kill -9 during delivery
# loses nothing and every extra copy has the first copy's Message-ID;
# SIGTERM while the SMTP server stalls exits 0 in bounded time.
. "$TOP_SRCDIR/tests/integration/lib.sh"

# messages the sink was handed (DATA), and distinct Message-IDs among them
attempts() { [ -f "$WORK/sink/attempts.log" ] && wc -l < "$WORK/sink/attempts.log" || echo 0; }
distinct_ids() { sort -u "$WORK/sink/attempts.log" | wc -l; }
metric() { curl -s "$BASE/metrics" | sed -n "s/^$1 //p"; }

mail_config() {
	write_config "$WORK/npsd.conf" \
	    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
	    'max_attempts = 20' 'retry_min = 1s' "$@" \
	    '[survey]' 'delay = 0' 'cooldown = 0' \
	    '[source.generic]' "secret = $SECRET"
}

# --- a write lock held by another process while a delivery is in flight
start_sink --data-delay 2
mail_config
start_npsd "$WORK/npsd.conf"
post "$(closed_event LOCK-1 lock@example.net)"
check "scheduled" 202 "$STATUS"
wait_until_eq 1 attempts
hold_write_lock "$WORK/locked" "$WORK/release"
sleep 8	# the reply came, the busy timeout (5 s) ran out: recording is failing
check "while it cannot record, the mailer says so in /metrics" 0 \
    "$(metric npsd_mailer_storage_writable)"
check "and /healthz answers 503" 503 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")"
touch "$WORK/release"
wait "$LOCK_PID"
wait_until_eq sent sql "SELECT state FROM surveys WHERE ticket_id = 'LOCK-1'"
check "once the lock is gone the delivery is recorded" sent \
    "$(sql "SELECT state FROM outbox WHERE survey = (SELECT id FROM surveys WHERE ticket_id = 'LOCK-1')")"
sleep 2
check "the survey reached the SMTP server once" 1 "$(attempts)"
check "and /metrics says the mailer can write again" 1 "$(metric npsd_mailer_storage_writable)"
check "and /healthz is 200 again" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")"
if [ "$BACKEND" = postgresql ]; then cause="lock timeout"; else cause="database is locked"; fi
check_contains "the log names the cause" "$cause" "$(cat "$WORK/npsd.log")"
stop_npsd
check "SIGTERM exits 0" 0 "$?"
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null; SINK_PID=

# --- the disk under the database fills up while deliveries are in flight
if sqlite_part "a full disk under the SQLite file"; then
	if mkdir -p "$WORK/small" && mount -t tmpfs -o size=3m tmpfs "$WORK/small" 2>/dev/null; then
		rm -rf "$WORK/sink"
		start_sink --data-delay 2
		mail_config
		sed -i "s|^path = .*|path = $WORK/small/npsd.db|" "$WORK/npsd.conf"
		start_npsd "$WORK/npsd.conf"
		post "$(closed_event FULL-1 full1@example.net)"
		check "scheduled" 202 "$STATUS"
		post "$(closed_event FULL-2 full2@example.net)"
		check "scheduled" 202 "$STATUS"
		wait_until_eq 1 attempts
		dd if=/dev/zero of="$WORK/small/filler" bs=64k 2>/dev/null
		wait_for grep -q 'database cannot be written' "$WORK/npsd.log"
		check "the full disk is noticed" 0 "$?"
		sleep 6
		check "while the disk is full nothing is sent again and nothing new" 1 "$(attempts)"
		check "a webhook is refused with 503, not lost after a 2xx" 503 \
		    "$(post "$(closed_event FULL-3 full3@example.net)"; echo "$STATUS")"
		rm -f "$WORK/small/filler"
		wait_until_eq 2 sqlite3 -cmd '.timeout 5000' "$WORK/small/npsd.db" \
		    "SELECT count(*) FROM outbox WHERE state = 'sent'"
		check "with space back both mails are recorded sent" 0 "$?"
		sleep 2
		check "each survey reached the SMTP server once" 2 "$(attempts)"
		check "under two Message-IDs" 2 "$(distinct_ids)"
		stop_npsd
		check "SIGTERM exits 0" 0 "$?"
		umount "$WORK/small"
		kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null; SINK_PID=
	else
		echo "# skip: cannot mount a tmpfs here (not root?), the disk-full case did not run"
	fi
fi

# --- a read-only database file: npsd refuses to start, sends nothing
if sqlite_part "a read-only SQLite file"; then
	rm -rf "$WORK/sink"; reset_db
	DEAD_PORT=$("$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	SMTP_PORT=$DEAD_PORT
	mail_config
	start_npsd "$WORK/npsd.conf"
	post "$(closed_event RO-1 ro@example.net)"
	check "scheduled" 202 "$STATUS"
	wait_until_eq 1 sql "SELECT count(*) FROM outbox WHERE state = 'queued' AND attempts > 0"
	stop_npsd
	start_sink --port "$DEAD_PORT"
	if id nobody > /dev/null 2>&1 && command -v setpriv > /dev/null && [ "$(id -u)" = 0 ]; then
		sql "UPDATE outbox SET next_attempt_at = 0"
		chmod 755 "$WORK"
		chown nobody "$WORK" "$WORK"/npsd.db*
		chmod 444 "$WORK/npsd.db"
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$NPSD" -f -c "$WORK/npsd.conf" \
		    > "$WORK/ro.log" 2>&1
		check "as a user who may not write it, npsd refuses the database (exit 3)" 3 "$?"
		check_contains "and names the key" "[database] path" "$(cat "$WORK/ro.log")"
		check "nothing was sent" 0 "$(attempts)"
		chmod 644 "$WORK/npsd.db"
		log=$WORK/npsd.log
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$NPSD" -f -c "$WORK/npsd.conf" \
		    >> "$log" 2>&1 &
		NPSD_PID=$!
		wait_until_eq sent sql "SELECT state FROM surveys WHERE ticket_id = 'RO-1'"
		check "writable again, the survey goes out" 0 "$?"
		check "once" 1 "$(attempts)"
		stop_npsd
		chown root "$WORK"
		chmod 700 "$WORK"
	else
		echo "# skip: needs root, setpriv and the user nobody; the read-only case did not run"
	fi
	kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null; SINK_PID=
fi

# --- kill -9 five times while mail is being handed over
rm -rf "$WORK/sink"; reset_db
start_sink --data-delay 1
mail_config
start_npsd "$WORK/npsd.conf"
for i in 1 2 3 4 5 6 7 8; do
	post "$(closed_event "KILL-$i" "kill$i@example.net")"
done
check "eight closes scheduled" 8 "$(sql "SELECT count(*) FROM surveys WHERE state = 'scheduled'")"
for k in 1 2 3 4 5; do
	seen=$(attempts)
	wait_until_ge $((seen + 1)) attempts
	sleep 0.3	# the sink holds the message and has not answered yet
	kill -9 "$NPSD_PID"
	wait "$NPSD_PID" 2>/dev/null
	NPSD_PID=
	start_npsd "$WORK/npsd.conf"
done
wait_until_eq 8 sql "SELECT count(*) FROM surveys WHERE state = 'sent'"
check "after five kills all eight surveys are sent" 0 "$?"
check "eight mails in the outbox, none lost, none added" "8|8" \
    "$(sql "SELECT count(*), count(DISTINCT message_id) FROM outbox WHERE state = 'sent'")"
check "the SMTP server saw eight Message-IDs, no new one for a resend" 8 "$(distinct_ids)"
extra=$(( $(attempts) - 8 ))
[ "$extra" -ge 0 ] && [ "$extra" -le 5 ]
check "at most one extra copy per kill ($extra)" 0 "$?"
check_contains "the restart says why it sends again" "sending them again under the same Message-ID" \
    "$(cat "$WORK/npsd.log")"
interrupted=$(curl -s "$BASE/metrics" | sed -n 's/^npsd_mail_attempts_total{outcome="interrupted"} //p')
[ "${interrupted:-0}" -ge 1 ] && [ "${interrupted:-0}" -le 5 ]
check "/metrics counts the interrupted attempts ($interrupted)" 0 "$?"
stop_npsd
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null; SINK_PID=

# --- SIGTERM while the SMTP server stalls after EHLO
rm -rf "$WORK/sink"; reset_db
start_sink --mail-delay 120
mail_config 'stop_grace = 3s'
start_npsd "$WORK/npsd.conf"
post "$(closed_event STALL-1 stall@example.net)"
wait_for test -s "$WORK/sink/mail.log"
t0=$(date +%s)
stop_npsd
rc=$?
took=$(( $(date +%s) - t0 ))
check "SIGTERM during a stalled session exits 0" 0 "$rc"
[ "$took" -le 10 ]
check "within the grace and a little ($took s, limit 10)" 0 "$?"
check "the mail stays due for the next start" "queued|1" \
    "$(sql "SELECT state, next_attempt_at <= strftime('%s','now') FROM outbox")"
check "and its survey is not failed" scheduled "$(sql "SELECT state FROM surveys WHERE ticket_id = 'STALL-1'")"

finish
