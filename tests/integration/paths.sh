#!/bin/sh
# paths.sh - where npsd and npsctl find their files: relative paths in a
# config file resolve against the file's directory, whatever the working
# directory; -n lists every problem start-up would hit, all at once.
. "$TOP_SRCDIR/tests/integration/lib.sh"

mkdir -p "$WORK/etc" "$WORK/state" "$WORK/other"
cp -R "$TOP_SRCDIR/etc/templates" "$WORK/tpl"
# the database: ../state/npsd.db, or on PostgreSQL the password file there
if [ "$BACKEND" = postgresql ]; then
	cp "$NPSD_TEST_PG_PASSWORD_FILE" "$WORK/state/db-password"
	database="$PG_DB_URL"
else
	database="$WORK/etc/../state/npsd.db"
fi
{
	printf '[server]\nlisten = 127.0.0.1:0\npublic_url = http://127.0.0.1:1\n'
	if [ "$BACKEND" = postgresql ]; then
		printf '[database]\nurl = %s\npassword_file = ../state/db-password\n' "$PG_DB_URL"
	else
		printf '[database]\npath = ../state/npsd.db\n'
	fi
	printf '[mail]\ntransport = maildir:../state/mail\n'
	printf '[survey]\ndelay = 0\ntemplates = ../tpl\n'
	printf '[source.generic]\nsecret = %s\n' "$SECRET"
} > "$WORK/etc/npsd.conf"

out=$(cd / && "$NPSD" -n -c "$WORK/etc/npsd.conf" 2>&1); rc=$?
check "from /, -n finds the files relative to the config file" 0 "$rc"
cd "$WORK/other"
start_npsd ../etc/npsd.conf	# a relative -c from yet another directory
cd /
check_contains "npsd says which database it uses" "database $database" \
    "$(grep 'listening on' "$WORK/npsd.log")"
post "$(closed_event INC-7 jan@example.net)"
check "an event is taken" 202 "$STATUS"
wait_until_ge 1 sh -c "ls '$WORK/state/mail/new' 2>/dev/null | wc -l"
if sqlite_part "the SQLite file's place"; then
	check "the database is next to the config's ../state" yes "$([ -f "$WORK/state/npsd.db" ] && echo yes)"
fi
check "the mail is in ../state/mail" 1 "$(ls "$WORK/state/mail/new" | wc -l)"
check "nothing was written in the working directories" "0 0" \
    "$(ls "$WORK/other" | wc -l) $(ls / | grep -c '^npsd\|^state')"
out=$(cd "$WORK/other" && "$NPSCTL" -c ../etc/npsd.conf report --format json --by none 2>&1); rc=$?
check "npsctl from another directory reads the same database" "0 yes" \
    "$rc $(printf %s "$out" | grep -q '"sent": *1' && echo yes)"
out=$(cd / && "$NPSCTL" -c "$WORK/etc/npsd.conf" survey show INC-7 2>&1)
check_contains "and from /" "INC-7" "$out"
# SIGHUP re-reads the file by the name given at start, relative or not
printf '[source.zendesk]\nsecret = zendesk-secret-0123456789\n' >> "$WORK/etc/npsd.conf"
kill -HUP "$NPSD_PID"
wait_for grep -q "reloaded: 2 sources" "$WORK/npsd.log"
check_contains "SIGHUP finds the file given as a relative -c" "reloaded: 2 sources" \
    "$(grep reloaded "$WORK/npsd.log")"
stop_npsd

# -n: everything wrong at once
: > "$WORK/a-file"
chmod 0500 "$WORK/state"
{
	printf '[server]\nlisten = 127.0.0.1:8181\npublic_url = http://localhost:9191\nthreads = many\n'
	printf '[database]\npath = %s/missing/npsd.db\n' "$WORK"
	printf '[mail]\ntransport = smtp://127.0.0.1:25\nstarttls = none\nusername = u\n'
	printf 'password_file = %s/no-password\n' "$WORK"
	printf '[survey]\ndelay = soon\ntemplates = %s/no-templates\n' "$WORK"
	printf '[nosuch]\nkey = 1\n'
	printf '[source.generic]\nsecret = %s\n' "$SECRET"
} > "$WORK/bad.conf"
out=$("$NPSD" -n -c "$WORK/bad.conf" 2>&1); rc=$?
check "-n with many problems exits 3" 3 "$rc"
for want in "line 4: [server] threads" "line 13: [survey] delay" "line 15: [nosuch]: unknown section" \
    "[database] path" "[mail] password_file" "[server] public_url" "[survey] templates"; do
	check_contains "-n names $want" "$want" "$out"
done
check "one problem a line, each naming the file" "$(printf '%s\n' "$out" | wc -l)" \
    "$(printf '%s\n' "$out" | grep -c "^npsd: $WORK/bad.conf: ")"
check "seven problems (or more), not one" yes "$([ "$(printf '%s\n' "$out" | wc -l)" -ge 7 ] && echo yes)"
out2=$(timeout 10 "$NPSD" -f -c "$WORK/bad.conf" 2>&1); rc=$?
check "start-up lists the same problems, as errors, and exits 3" "3 $(printf '%s\n' "$out" | wc -l)" \
    "$rc $(printf '%s\n' "$out2" | grep -c '^<3>npsd: ')"

{
	printf '[server]\nlisten = 127.0.0.1:0\n'
	printf '[database]\npath = %s/state/npsd.db\n' "$WORK"
	printf '[mail]\ntransport = maildir:%s/a-file/mail\n' "$WORK"
	printf '[survey]\ntemplates = %s/etc/templates\n' "$TOP_SRCDIR"
} > "$WORK/files.conf"
if [ "$(id -u)" = 0 ]; then
	# root may write anywhere: run the check as nobody, as the unit would
	chmod 0755 "$WORK"
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$NPSD" -n -c "$WORK/files.conf" 2>&1)
else
	out=$("$NPSD" -n -c "$WORK/files.conf" 2>&1)
fi
check_contains "-n: an unwritable database directory" "[database] path" "$out"
check_contains "and an uncreatable maildir, in the same run" "[mail] transport" "$out"
chmod 0700 "$WORK/state"
finish
