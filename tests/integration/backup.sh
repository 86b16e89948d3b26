#!/bin/sh
# backup.sh - npsctl backup copies the database while npsd takes webhooks;
# the copy passes SQLite's integrity check, is readable by its owner only,
# never overwrites a file; restored in place of the database, npsd starts
# on it and the links mailed before the backup still work. On PostgreSQL
# it refuses, naming pg_dump, and writes nothing.
. "$TOP_SRCDIR/tests/integration/lib.sh"

if [ "$BACKEND" = postgresql ]; then
	write_config "$WORK/npsd.conf"
	out=$("$NPSCTL" -c "$WORK/npsd.conf" backup "$WORK/copy.db" 2>&1)
	check "npsctl backup refuses a PostgreSQL database" 1 "$?"
	check_contains "and names pg_dump" "pg_dump" "$out"
	check "and writes nothing" "" "$(ls "$WORK" | grep copy)"
	finish
fi

write_config "$WORK/npsd.conf" \
    '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 0' 'cooldown = 0' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
post "$(closed_event BAK-1 before@example.net)"
check "scheduled" 202 "$STATUS"
wait_for sh -c "ls '$WORK/mail/new/' | grep -q ."
T=$(cat "$WORK/mail/new/"* | grep -o '/s/[A-Za-z0-9_-]\{22\}' | head -n 1 | cut -c4-)
check "the answer is stored" 303 "$(answer "$T" 9 'Before the backup')"

# webhooks keep arriving while the copy is made
(
	for i in $(seq 1 60); do
		post "$(closed_event "LOAD-$i" "load$i@example.net")"
		[ "$STATUS" = 202 ] || echo "LOAD-$i: $STATUS" >> "$WORK/load-errors"
	done
) &
LOADER=$!
sleep 0.5
out=$("$NPSCTL" -c "$WORK/npsd.conf" backup "$WORK/copy.db")
check "npsctl backup succeeds under load" 0 "$?"
check_contains "and says what it wrote" "checked" "$out"
echo "# $out"
wait "$LOADER"
check "no webhook failed meanwhile" "" "$(cat "$WORK/load-errors" 2>/dev/null)"
check "the copy passes SQLite's integrity check" ok "$(sqlite3 "$WORK/copy.db" 'PRAGMA integrity_check')"
check "the copy is readable by its owner only" 600 "$(stat -c %a "$WORK/copy.db")"
check "no temporary file is left" "" "$(ls "$WORK"/copy.db.part 2>/dev/null)"
check "it holds the answer" 9 "$(sqlite3 "$WORK/copy.db" 'SELECT score FROM answers')"
"$NPSCTL" -c "$WORK/npsd.conf" backup "$WORK/copy.db" > /dev/null 2>&1
check "backup never overwrites a file" 1 "$?"
"$NPSCTL" -c "$WORK/npsd.conf" backup "$WORK/no/such/dir/copy.db" > /dev/null 2>&1
check "an unwritable place is an error" 1 "$?"
"$NPSCTL" -c "$WORK/npsd.conf" backup > /dev/null 2>&1
check "no file named is a usage error" 2 "$?"
stop_npsd

# restore: stop, put the copy in place of the database (no -wal, -shm), start
mv "$WORK/npsd.db" "$WORK/broken.db"
rm -f "$WORK/npsd.db-wal" "$WORK/npsd.db-shm"
cp "$WORK/copy.db" "$WORK/npsd.db"
start_npsd "$WORK/npsd.conf"
check "after the restore a link mailed before the backup works" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$T?score=9")"
check_contains "the report counts the restored answer" '"promoters": 1' \
    "$("$NPSCTL" -c "$WORK/npsd.conf" report --by none --format json)"
stop_npsd
check "SIGTERM exits 0" 0 "$?"

finish
