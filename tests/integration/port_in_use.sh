#!/bin/sh
# port_in_use.sh - a second npsd whose port is taken exits 1 at once with
# the reason, and frees what it had set up (under --enable-sanitizers,
# LeakSanitizer would report anything left at that exit).
. "$TOP_SRCDIR/tests/integration/lib.sh"

write_config "$WORK/npsd.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
mkdir "$WORK/second"
{
	printf '[server]\nlisten = 127.0.0.1:%s\npublic_url = http://127.0.0.1:%s\n' "$PORT" "$PORT"
	database_lines "$WORK/second/npsd.db"
	printf '[survey]\ntemplates = %s/etc/templates\n' "$TOP_SRCDIR"
	printf '[mail]\ntransport = maildir:%s/second/mail\n' "$WORK"
	printf '[source.generic]\nsecret = %s\n' "$SECRET"
} > "$WORK/second.conf"
timeout 20 "$NPSD" -f -c "$WORK/second.conf" > "$WORK/second.log" 2>&1
check "a second npsd on a taken port exits 1" 1 "$?"
check_contains "and says why" "in use" "$(cat "$WORK/second.log")"
check "with no sanitizer or leak report" 0 \
    "$(grep -c -e 'Sanitizer' -e 'runtime error' -e 'leak' "$WORK/second.log")"
check "the first keeps serving" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")"
stop_npsd
check "SIGTERM exits 0" 0 "$?"

finish
