#!/bin/sh
# instance.sh - one npsd per database: a second npsd on the same database
# (even through another config file and another port) exits 1 naming the
# pid that holds it, in the foreground and detached; npsctl keeps working
# alongside; the lock goes with the process (kill -9 leaves nothing that
# blocks the next start).
. "$TOP_SRCDIR/tests/integration/lib.sh"
sqlite_only "one npsd per database is SQLite's file lock; several npsd share one PostgreSQL"

write_config "$WORK/npsd.conf" '[survey]' 'delay = 0' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
first=$NPSD_PID
post "$(closed_event INC-1 jan@example.net)"
check "the first npsd takes events" 202 "$STATUS"

mkdir -p "$WORK/elsewhere"
{
	printf '[server]\nlisten = 127.0.0.1:0\n'
	printf '[database]\npath = ../npsd.db\n'	# the same file, by another name
	printf '[mail]\ntransport = maildir:%s/mail2\n' "$WORK"
	printf '[survey]\ntemplates = %s/etc/templates\n' "$TOP_SRCDIR"
	printf '[source.generic]\nsecret = %s\n' "$SECRET"
} > "$WORK/elsewhere/second.conf"
out=$(timeout 20 "$NPSD" -f -c "$WORK/elsewhere/second.conf" 2>&1); rc=$?
check "a second npsd on the same database exits 1" 1 "$rc"
check_contains "naming the pid that holds it" "pid $first" "$out"
check_contains "and the database" "npsd.db is in use" "$out"
out=$(timeout 20 "$NPSD" -c "$WORK/elsewhere/second.conf" 2>&1); rc=$?
check "detached, the starting process says the same: exit 1" 1 "$rc"
check_contains "with the pid on stderr" "pid $first" "$out"
check "the first npsd still answers" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")"
check "its mail was written once" 1 "$(wait_until_ge 1 sh -c "ls '$WORK/mail/new' | wc -l"; ls "$WORK/mail/new" | wc -l)"
check "the second wrote no mail" no "$([ -d "$WORK/mail2/new" ] && echo yes || echo no)"

out=$("$NPSCTL" -c "$WORK/npsd.conf" report --by team --format json 2>&1); rc=$?
check "npsctl report works while npsd runs" 0 "$rc"
check "and reads its database" yes "$(printf %s "$out" | grep -q '"sent": *1' && echo yes)"
out=$("$NPSCTL" -c "$WORK/npsd.conf" survey show INC-1 2>&1); rc=$?
check "npsctl survey show too" 0 "$rc"
out=$("$NPSCTL" -c "$WORK/npsd.conf" suppress add nobody@example.net 2>&1); rc=$?
check "and a write: npsctl suppress add" 0 "$rc"

kill -9 "$NPSD_PID"
wait "$NPSD_PID" 2>/dev/null
NPSD_PID=
start_npsd "$WORK/elsewhere/second.conf"
check "after kill -9 the lock is gone: the next npsd starts" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")"
check "and the lock file names it" "$NPSD_PID" "$(tr -d '\n' < "$WORK/npsd.db.lock")"
out=$(timeout 20 "$NPSD" -f -c "$WORK/npsd.conf" 2>&1); rc=$?
check "now the first config is the one refused" "1 yes" \
    "$rc $(printf %s "$out" | grep -q "pid $NPSD_PID" && echo yes)"
stop_npsd; rc=$?
check "SIGTERM exits 0" 0 "$rc"
finish
