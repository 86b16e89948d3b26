#!/bin/sh
# config_check.sh - npsd -n and the exit codes of npsd and npsctl; long
# lines; the files -n checks (start-up fails the same way, exit 3); SIGHUP
# that keeps everything when the new file fails a check of -n.
. "$TOP_SRCDIR/tests/integration/lib.sh"

write_config "$WORK/good.conf" '[source.generic]' "secret = $SECRET"
out=$("$NPSD" -n -c "$WORK/good.conf" 2>&1); rc=$?
check "npsd -n accepts a good config" 0 "$rc"

write_config "$WORK/bad.conf" '[server]' 'threads = many'
out=$("$NPSD" -n -c "$WORK/bad.conf" 2>&1); rc=$?
check "npsd -n exits 3 on a bad value" 3 "$rc"
check_contains "the message names section and key" "[server] threads" "$out"

write_config "$WORK/bad2.conf" '[survey]' 'cooldown = 30 days'
out=$("$NPSD" -n -c "$WORK/bad2.conf" 2>&1); rc=$?
check "a bad duration exits 3" 3 "$rc"
check_contains "and names [survey] cooldown" "[survey] cooldown" "$out"

write_config "$WORK/bad3.conf" '[survey]' "templates = $WORK/nowhere"
out=$("$NPSD" -n -c "$WORK/bad3.conf" 2>&1); rc=$?
check "missing templates exit 3" 3 "$rc"
check_contains "and name [survey] templates" "[survey] templates" "$out"

out=$("$NPSD" -n -c "$WORK/does-not-exist.conf" 2>&1); rc=$?
check "a missing config file exits 3" 3 "$rc"

out=$("$NPSD" -x 2>&1); rc=$?
check "an unknown option exits 2" 2 "$rc"

out=$("$NPSCTL" -c "$WORK/good.conf" report --by nobody 2>&1); rc=$?
check "npsctl report --by nobody exits 2" 2 "$rc"
check_contains "with a message" "--by" "$out"
out=$("$NPSCTL" -c "$WORK/good.conf" report --since 2026-13-01 2>&1); rc=$?
check "npsctl report with a bad date exits 2" 2 "$rc"
out=$("$NPSCTL" -c "$WORK/good.conf" report --last 30d --since 2026-01-01 2>&1); rc=$?
check "--last with --since exits 2" 2 "$rc"
out=$("$NPSCTL" -c "$WORK/good.conf" frobnicate 2>&1); rc=$?
check "an unknown npsctl command exits 2" 2 "$rc"
out=$("$NPSCTL" -c "$WORK/bad.conf" report 2>&1); rc=$?
check "npsctl with a bad config exits 3" 3 "$rc"
out=$("$NPSCTL" -c "$WORK/good.conf" report 2>&1); rc=$?
check "npsctl report before the database exists exits 1" 1 "$rc"

# The files the daemon needs: -n and start-up both exit 3, naming the key.
write_config "$WORK/pw.conf" '[mail]' 'transport = smtp://127.0.0.1:25' 'starttls = none' \
    'username = npsd' "password_file = $WORK/no-such-password" '[source.generic]' "secret = $SECRET"
out=$("$NPSD" -n -c "$WORK/pw.conf" 2>&1); rc=$?
check "npsd -n exits 3 when the SMTP password file is missing" 3 "$rc"
check_contains "and names [mail] password_file" "[mail] password_file" "$out"
out=$(timeout 10 "$NPSD" -f -c "$WORK/pw.conf" 2>&1); rc=$?
check "npsd itself exits 3 at start-up for the same cause" 3 "$rc"
check_contains "with the same message" "[mail] password_file" "$out"
printf '' > "$WORK/no-such-password"
out=$("$NPSD" -n -c "$WORK/pw.conf" 2>&1); rc=$?
check "an empty password file exits 3" 3 "$rc"
check_contains "and says the password is empty" "is empty" "$out"
printf 's3cret\n' > "$WORK/no-such-password"
out=$("$NPSD" -n -c "$WORK/pw.conf" 2>&1); rc=$?
check "a readable password file passes" 0 "$rc"

if sqlite_part "the SQLite file's directory"; then
	write_config "$WORK/db.conf" '[database]' "path = $WORK/missing-dir/npsd.db" \
	    '[source.generic]' "secret = $SECRET"
	out=$("$NPSD" -n -c "$WORK/db.conf" 2>&1); rc=$?
	check "npsd -n exits 3 when the database's directory is missing" 3 "$rc"
	check_contains "and names [database] path" "[database] path" "$out"
	out=$(timeout 10 "$NPSD" -f -c "$WORK/db.conf" 2>&1); rc=$?
	check "so does start-up" 3 "$rc"
else
	write_config "$WORK/db.conf" '[database]' "password_file = $WORK/missing-dir/password" \
	    '[source.generic]' "secret = $SECRET"
	out=$("$NPSD" -n -c "$WORK/db.conf" 2>&1); rc=$?
	check "npsd -n exits 3 when the database's password file is missing" 3 "$rc"
	check_contains "and names [database] password_file" "[database] password_file" "$out"
	out=$(timeout 10 "$NPSD" -f -c "$WORK/db.conf" 2>&1); rc=$?
	check "so does start-up" 3 "$rc"
fi

: > "$WORK/a-file"
write_config "$WORK/md.conf" '[mail]' "transport = maildir:$WORK/a-file/mail" \
    '[source.generic]' "secret = $SECRET"
out=$("$NPSD" -n -c "$WORK/md.conf" 2>&1); rc=$?
check "npsd -n exits 3 when the maildir cannot be created" 3 "$rc"
check_contains "and names [mail] transport" "[mail] transport" "$out"
write_config "$WORK/md2.conf" '[mail]' "transport = maildir:$WORK/new/deeper/mail" \
    '[source.generic]' "secret = $SECRET"
out=$("$NPSD" -n -c "$WORK/md2.conf" 2>&1); rc=$?
check "a maildir whose parents can be made passes" 0 "$rc"

if [ "$(id -u)" -ne 0 ]; then
	printf 's3cret\n' > "$WORK/pw-unreadable"; chmod 000 "$WORK/pw-unreadable"
	write_config "$WORK/pw2.conf" '[mail]' 'transport = smtps://mail.example.org' \
	    "password_file = $WORK/pw-unreadable" '[source.generic]' "secret = $SECRET"
	out=$("$NPSD" -n -c "$WORK/pw2.conf" 2>&1); rc=$?
	check "an unreadable password file exits 3" 3 "$rc"
	check_contains "naming the key" "[mail] password_file" "$out"
fi

# Long lines: eight rotated secrets and a long exclusion list on one line each.
secrets= last_hex=
for i in 1 2 3 4 5 6 7 8; do
	key=$(head -c 127 /dev/urandom | base64 -w0)
	secrets="${secrets:+$secrets, }whsec_$key"
	last_hex=$(printf %s "$key" | base64 -d | od -An -tx1 | tr -d ' \n')
done
patterns=
for i in $(seq 10 41); do
	patterns="${patterns:+$patterns, }^(noreply|no-reply|donotreply|do-not-reply|mailer-daemon|bounce|bounces|postmaster)[+.-]?[a-z0-9]{0,20}@(mail|smtp|mx)$i\\.example\\.org\$"
done
write_config "$WORK/long.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' "exclude = $patterns" '[source.generic]' "secret = $secrets"
longest=$(awk '{ if (length($0) > n) n = length($0) } END { print n }' "$WORK/long.conf")
echo "# longest lines: $longest bytes (exclude), $(grep -c . "$WORK/long.conf") lines"
check "the exclude line is over 4000 bytes" 1 "$([ "$longest" -gt 4000 ] && echo 1)"
out=$("$NPSD" -n -c "$WORK/long.conf" 2>&1); rc=$?
check "npsd -n accepts eight secrets and a long exclude list" 0 "$rc"
start_npsd "$WORK/long.conf"
first_hex=$SECRET_HEX
SECRET_HEX=$last_hex
post "$(closed_event LONG-1 long1@example.net)"
check "a webhook signed with the eighth secret is scheduled" 202 "$STATUS"
post "$(closed_event LONG-2 noreply@mx23.example.org)"
check "the 14th exclusion pattern applies" excluded "$(json_field "$RESPONSE" reason)"
SECRET_HEX=$first_hex
stop_npsd; check "npsd stops" 0 "$?"

{ printf '[survey]\nexclude = '; head -c 70000 /dev/zero | tr '\0' 'x'; printf '\n'; } > "$WORK/huge.conf"
out=$("$NPSD" -n -c "$WORK/huge.conf" 2>&1); rc=$?
check "a line over 64 KiB exits 3" 3 "$rc"
check_contains "naming the line" "line 2: longer than 65536 bytes" "$out"

# SIGHUP: every check of -n; nothing changes when one fails.
write_config "$WORK/hup.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[source.generic]' "secret = $SECRET"
cp "$WORK/hup.conf" "$WORK/hup.good"
start_npsd "$WORK/hup.conf"
post "$(closed_event HUP-1 hup1@example.net)"
check "before any reload a signed webhook is scheduled" 202 "$STATUS"

# hup NEEDLE: sends SIGHUP and waits for one more log line holding NEEDLE
hup() {
	before=$(grep -c "$1" "$WORK/npsd.log")
	kill -HUP "$NPSD_PID"
	wait_until_ge $((before + 1)) grep -c "$1" "$WORK/npsd.log"
}

: > "$WORK/hup.conf"
hup "reload refused"; check "an emptied file is refused" 0 "$?"
check_contains "the log says why" "no section and no key" "$(tail -n 1 "$WORK/npsd.log")"
post "$(closed_event HUP-2 hup2@example.net)"
check "after it a signed webhook is still scheduled" 202 "$STATUS"

head -c "$(grep -b -o 'source.generic' "$WORK/hup.good" | cut -d: -f1)" "$WORK/hup.good" > "$WORK/hup.conf"
printf '[source.gen' >> "$WORK/hup.conf"
hup "reload refused"; check "a file cut off mid-line is refused" 0 "$?"
post "$(closed_event HUP-3 hup3@example.net)"
check "the webhook still works" 202 "$STATUS"

sed -n '1,/^\[source.generic\]/p' "$WORK/hup.good" > "$WORK/hup.conf"
hup "reload refused"; check "a file cut off after [source.generic] is refused" 0 "$?"
check_contains "naming the missing secret" "[source.generic] secret: missing" "$(tail -n 1 "$WORK/npsd.log")"
post "$(closed_event HUP-4 hup4@example.net)"
check "the webhook still works" 202 "$STATUS"

NEW_B64=c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=
NEW_HEX=$(printf %s "$NEW_B64" | base64 -d | od -An -tx1 | tr -d ' \n')
write_config "$WORK/hup.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' "templates = $WORK/no-templates" '[source.generic]' "secret = whsec_$NEW_B64"
hup "reload refused"; check "a new secret with missing templates is refused" 0 "$?"
check_contains "naming [survey] templates" "[survey] templates" "$(tail -n 1 "$WORK/npsd.log")"
post "$(closed_event HUP-5 hup5@example.net)"
check "and the old secret is kept" 202 "$STATUS"

write_config "$WORK/hup.conf" '[mail]' 'transport = smtp://127.0.0.1:25' 'starttls = none' "password_file = $WORK/no-such-file" \
    '[source.generic]' "secret = whsec_$NEW_B64"
hup "reload refused"; check "a missing password file is refused on reload too" 0 "$?"
check_contains "naming [mail] password_file" "[mail] password_file" "$(tail -n 1 "$WORK/npsd.log")"

write_config "$WORK/hup.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 10m' '[source.generic]' "secret = whsec_$NEW_B64"
hup "reloaded:"; check "a good file with a new secret is taken" 0 "$?"
check_contains "the changed key that needs a restart is named" "[survey] delay" "$(grep 'only a restart' "$WORK/npsd.log" | tail -n 1)"
post "$(closed_event HUP-6 hup6@example.net)"
check "the old secret is refused now" 401 "$STATUS"
SECRET_HEX=$NEW_HEX
post "$(closed_event HUP-7 hup7@example.net)"
check "the new secret is accepted" 202 "$STATUS"
SECRET_HEX=$first_hex
check "a survey scheduled after the reload still uses the running delay (30m)" 1 \
    "$(sql "SELECT send_at - closed_at BETWEEN 1790 AND 1810 FROM surveys WHERE ticket_id = 'HUP-7'")"

rm -f "$WORK/hup.conf"
hup "reload refused"; check "a deleted file is refused, not replaced by the defaults" 0 "$?"
SECRET_HEX=$NEW_HEX
post "$(closed_event HUP-8 hup8@example.net)"
check "the new secret still works" 202 "$STATUS"
SECRET_HEX=$first_hex
stop_npsd; check "npsd stops after the reloads" 0 "$?"

finish
