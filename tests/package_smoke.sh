#!/bin/sh
# package_smoke.sh DEB - installs the npsd package with apt and tries it
# through the installed files only (no source tree): the service user, the
# state directory, the generated config, the enabled unit; then the unit's
# own ExecStart command run as the service user from /, a signed event
# (npsctl send-test-event), the mail in the default maildir, an answer as
# a browser sends it, npsctl report; then remove (data kept) and purge
# (data gone). Run as root on a machine where the package may be
# installed; it is purged at the end whatever happens.
set -u
deb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp "${TMPDIR:-/tmp}/npsd-smoke.XXXXXX")
PASSED=0
FAILED=0
PID=

ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: expected [$2], got [$3]"; fi; }
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2> /dev/null
	apt-get purge -y -q npsd > /dev/null 2>&1
	rm -f "$log"
}
trap cleanup EXIT

apt-get install -y -q "$deb" > "$log" 2>&1 || { cat "$log"; exit 1; }
unit=/lib/systemd/system/npsd.service
check "npsd is installed" yes "$([ -x /usr/sbin/npsd ] && [ -x /usr/bin/npsctl ] && echo yes)"
check "the service user exists" yes "$(getent passwd npsd > /dev/null && echo yes)"
check "the state directory belongs to it" "npsd:npsd 750" "$(stat -c '%U:%G %a' /var/lib/npsd)"
check "the config is root:npsd 0640" "root:npsd 640" "$(stat -c '%U:%G %a' /etc/npsd/npsd.conf)"
check "with a fresh webhook secret" 1 "$(grep -c '^secret *= *whsec_' /etc/npsd/npsd.conf)"
check "the unit is installed" "notify 3 45" \
    "$(sed -n 's/^Type=//p' $unit) $(sed -n 's/^RestartPreventExitStatus=//p' $unit) $(sed -n 's/^TimeoutStopSec=//p' $unit)"
check "and enabled" yes "$([ -L /etc/systemd/system/multi-user.target.wants/npsd.service ] && echo yes)"
check "man pages name the installed paths" yes \
    "$(zcat /usr/share/man/man8/npsd.8.gz | grep -q '/etc/npsd/npsd.conf' && echo yes)"
check "npsd --version" "npsd" "$(/usr/sbin/npsd --version | cut -d' ' -f1)"

# the test's own settings, appended as an operator would edit the file
cat >> /etc/npsd/npsd.conf <<'CONF'
[server]
listen = 127.0.0.1:0
public_url = http://127.0.0.1:1
[survey]
delay = 0
CONF
exec_start=$(sed -n 's/^ExecStart=//p' $unit)
check "ExecStart uses the installed paths" "/usr/sbin/npsd -f -c /etc/npsd/npsd.conf" "$exec_start"
user=$(sed -n 's/^User=//p' $unit)
as_user() { setpriv --reuid="$user" --regid="$user" --init-groups "$@"; }
out=$(cd / && as_user /usr/sbin/npsd -n -c /etc/npsd/npsd.conf 2>&1)
check "npsd -n as the service user" "npsd: configuration OK" "$out"

: > "$log"
(cd / && exec setpriv --reuid="$user" --regid="$user" --init-groups sh -c "exec $exec_start") >> "$log" 2>&1 &
PID=$!
port=
for _ in $(seq 1 100); do
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
	[ -n "$port" ] && break
	kill -0 "$PID" 2> /dev/null || break
	sleep 0.1
done
[ -n "$port" ] || { cat "$log"; not_ok "npsd did not start"; exit 1; }
ok "the unit's ExecStart runs as $user from /"
check "it uses the state directory" yes "$(grep -q 'database /var/lib/npsd/npsd.db' "$log" && echo yes)"
check "every log line has its level" 0 "$(grep -cv '^<[0-7]>' "$log")"
base=http://127.0.0.1:$port

out=$(cd / && npsctl send-test-event --url "$base/hooks/generic" --to smoke@example.net 2>&1); rc=$?
check "a signed event (npsctl send-test-event) is accepted" 0 "$rc"
mail=
for _ in $(seq 1 100); do
	mail=$(ls /var/lib/npsd/mail/new/* 2> /dev/null | head -n 1)
	[ -n "$mail" ] && break
	sleep 0.1
done
check "the survey mail is in /var/lib/npsd/mail/new" yes "$([ -n "$mail" ] && echo yes)"
check "owned by the service user" "$user" "$(stat -c %U "$mail" 2> /dev/null)"
token=$(grep -o '/s/[A-Za-z0-9_-]\{22\}' "$mail" | head -n 1 | cut -c4-)
stamp=$(curl -s "$base/s/$token?score=9" | sed -n 's/.*name="r" value="\([^"]*\)".*/\1/p')
check "the answer page opens (templates from /usr/share/npsd)" yes "$([ -n "$stamp" ] && echo yes)"
sleep 2.1
code=$(curl -s -o /dev/null -w '%{http_code}' -d "r=$stamp" -d score=9 -d 'comment=smoke' "$base/s/$token")
check "the answer is taken" 303 "$code"
report=$(cd / && npsctl report --by none --format json 2>&1)
check "npsctl report counts it" yes \
    "$(printf %s "$report" | grep -q '"responses": *1' && printf %s "$report" | grep -q '"promoters": *1' && echo yes)"
out=$(cd / && as_user /usr/sbin/npsd -f -c /etc/npsd/npsd.conf 2>&1); rc=$?
check "a second npsd on the database is refused" "1 yes" "$rc $(printf %s "$out" | grep -q "pid $PID" && echo yes)"

kill -TERM "$PID"
wait "$PID"; rc=$?
PID=
check "SIGTERM stops it with 0" 0 "$rc"

apt-get remove -y -q npsd > /dev/null 2>&1
check "remove keeps the config and the database" yes \
    "$([ -f /etc/npsd/npsd.conf ] && [ -f /var/lib/npsd/npsd.db ] && echo yes)"
apt-get purge -y -q npsd > /dev/null 2>&1
check "purge deletes them" no "$([ -e /etc/npsd/npsd.conf ] || [ -e /var/lib/npsd ] && echo yes || echo no)"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
