#!/bin/sh
# daemon.sh - npsd's daemon conventions on the real daemon: -V/--version
# and -h/--help for npsd and npsctl, npsctl help and COMMAND --help and the
# nearest command; without -f the starting process returns only once npsd
# listens (0) or with its error (non-zero, message on stderr); -p PIDFILE;
# under -f every log line starts with its syslog level; readiness, reload
# and stop reported to $NOTIFY_SOCKET (a path and an abstract name).
. "$TOP_SRCDIR/tests/integration/lib.sh"

# a port nothing listens on now
free_port() {
	"$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

out=$("$NPSD" -V); rc=$?
check "npsd -V exits 0" 0 "$rc"
check_contains "and prints the version on stdout" "npsd 0." "$out"
out=$("$NPSD" --version 2>/dev/null); check_contains "npsd --version too" "npsd 0." "$out"
out=$("$NPSD" -h); rc=$?
check "npsd -h exits 0" 0 "$rc"
check_contains "and prints the usage on stdout" "-p, --pidfile" "$out"
out=$("$NPSD" --help 2>/dev/null); rc=$?
check "npsd --help exits 0 with the usage on stdout" "0 yes" "$rc $(printf %s "$out" | grep -q usage && echo yes)"
out=$("$NPSD" --frobnicate 2>&1 >/dev/null); rc=$?
check "an unknown npsd option still exits 2" 2 "$rc"

out=$("$NPSCTL" -V); rc=$?
check "npsctl -V exits 0 with the version" "0 yes" "$rc $(printf %s "$out" | grep -q '0\.' && echo yes)"
out=$("$NPSCTL" --version); check_contains "npsctl --version too" "npsd" "$out"
out=$("$NPSCTL" --help); rc=$?
check "npsctl --help exits 0" 0 "$rc"
check_contains "listing every command" "send-test-event" "$out"
out=$("$NPSCTL" -h); check_contains "npsctl -h too" "usage: npsctl" "$out"
out=$("$NPSCTL" help); rc=$?
check "npsctl help exits 0" "0 yes" "$rc $(printf %s "$out" | grep -q 'backup FILE' && echo yes)"
out=$("$NPSCTL" help report); rc=$?
check "npsctl help report exits 0" 0 "$rc"
check_contains "with report's usage" "usage: npsctl report [--by agent" "$out"
out2=$("$NPSCTL" report --help); rc=$?
check "npsctl report --help prints the same, exit 0" "0 $out" "$rc $out2"
out=$("$NPSCTL" mail -h); check_contains "npsctl mail -h: mail's usage" "mail retry ID" "$out"
out=$("$NPSCTL" survey show --help); check_contains "npsctl survey show --help" "survey show TICKET" "$out"
out=$("$NPSCTL" reprot 2>&1); rc=$?
check "an unknown command exits 2" 2 "$rc"
check_contains "naming the nearest one" 'did you mean "report"' "$out"
out=$("$NPSCTL" sned-test-event 2>&1); check_contains "a swap is near too" 'did you mean "send-test-event"' "$out"
out=$("$NPSCTL" supp 2>&1); check_contains "so is a prefix" 'did you mean "suppress"' "$out"
out=$("$NPSCTL" xyzzy 2>&1); rc=$?
check "nothing near: no suggestion, exit 2" "2 no" "$rc $(printf %s "$out" | grep -q 'did you mean' && echo yes || echo no)"
out=$("$NPSCTL" help xyzzy 2>&1); rc=$?
check "npsctl help UNKNOWN exits 2" 2 "$rc"

# Detaching: the parent returns once the child listens.
PORT=$(free_port)
write_config "$WORK/bg.conf" '[server]' "listen = 127.0.0.1:$PORT" "public_url = http://127.0.0.1:$PORT" \
    '[source.generic]' "secret = $SECRET"
out=$("$NPSD" -c "$WORK/bg.conf" -p "$WORK/npsd.pid" 2>&1); rc=$?
check "npsd without -f returns 0 once it listens" 0 "$rc"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
check "and answers at once (no waiting after the parent returned)" 200 "$code"
pid=$(cat "$WORK/npsd.pid" 2>/dev/null)
check "-p writes the daemon's pid" yes "$(kill -0 "$pid" 2>/dev/null && echo yes)"
if sqlite_part "the lock file beside the SQLite file"; then
	check "the pid file holds the pid of the process listening" "$pid" \
	    "$(cat "$WORK/npsd.db.lock" | tr -d '\n')"
fi

# a second daemon on the same port (another database): its error comes back
write_config "$WORK/clash.conf" '[server]' "listen = 127.0.0.1:$PORT" "public_url = http://127.0.0.1:$PORT" \
    '[database]' "path = $WORK/other.db" '[source.generic]' "secret = $SECRET"
out=$("$NPSD" -c "$WORK/clash.conf" 2>&1); rc=$?
check "without -f, a port in use makes the starting process exit non-zero" 1 "$rc"
check_contains "with the daemon's error on stderr" "[server] listen" "$out"
out=$("$NPSD" -c "$WORK/clash.conf" -p "$WORK/clash.pid" 2>&1)
check "a failed start leaves no pid file" no "$([ -e "$WORK/clash.pid" ] && echo yes || echo no)"

kill -TERM "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "SIGTERM stops the detached daemon" no "$(kill -0 "$pid" 2>/dev/null && echo yes || echo no)"
check "and it removes its pid file" no "$([ -e "$WORK/npsd.pid" ] && echo yes || echo no)"

# Foreground logging with levels, and sd_notify to a socket path.
"$PYTHON3" "$TOP_SRCDIR/tests/integration/sd_notify.py" "$WORK/notify.sock" "$WORK/notify.out" 6 30 &
NOTIFY_PID=$!
wait_for test -e "$WORK/notify.out.ready"
write_config "$WORK/fg.conf" '[source.generic]' "secret = $SECRET"
NOTIFY_SOCKET=$WORK/notify.sock
export NOTIFY_SOCKET
start_npsd "$WORK/fg.conf"
unset NOTIFY_SOCKET
wait_for grep -q READY=1 "$WORK/notify.out"
check_contains "READY=1 reaches \$NOTIFY_SOCKET once npsd listens" "READY=1" "$(cat "$WORK/notify.out")"
kill -HUP "$NPSD_PID"
wait_until_ge 3 sh -c "wc -l < '$WORK/notify.out'"
check "SIGHUP reports RELOADING=1, then READY=1" "RELOADING=1 READY=1" \
    "$(sed -n '2p;3p' "$WORK/notify.out" | tr '\n' ' ' | sed 's/ $//')"
write_config "$WORK/fg.conf" '[server]' 'threads = many'
kill -HUP "$NPSD_PID"
wait_until_ge 5 sh -c "wc -l < '$WORK/notify.out'"
stop_npsd; rc=$?
check "npsd -f stops with 0" 0 "$rc"
wait "$NOTIFY_PID" 2>/dev/null
check "and says STOPPING=1 first" "STOPPING=1" "$(sed -n '6p' "$WORK/notify.out")"
bad=$(grep -cv '^<[0-7]>' "$WORK/npsd.log")
check "under -f every log line starts with its syslog level" 0 "$bad"
check_contains "information is <6>" "<6>" "$(grep 'listening on' "$WORK/npsd.log")"
check_contains "a refused reload is a warning, <4>" "<4>" "$(grep 'reload refused' "$WORK/npsd.log")"
out=$("$NPSD" -f -c "$WORK/fg.conf" 2>&1); rc=$?
check "a configuration error at start under -f: exit 3, every line an error, <3>" "3 0" \
    "$rc $(printf '%s\n' "$out" | grep -cv '^<3>')"
out=$("$NPSD" -n -c "$WORK/fg.conf" 2>&1)
check "-n prints its findings without a level" 0 "$(printf '%s\n' "$out" | grep -c '^<')"

# an abstract notification socket ("@name")
abstract="@npsd-test-$$-$(date +%s)"
"$PYTHON3" "$TOP_SRCDIR/tests/integration/sd_notify.py" "$abstract" "$WORK/abstract.out" 1 30 &
NOTIFY_PID=$!
wait_for test -e "$WORK/abstract.out.ready"
write_config "$WORK/fg.conf" '[source.generic]' "secret = $SECRET"
NOTIFY_SOCKET=$abstract
export NOTIFY_SOCKET
start_npsd "$WORK/fg.conf"
unset NOTIFY_SOCKET
wait "$NOTIFY_PID"
check_contains "READY=1 reaches an abstract socket too" "READY=1" "$(cat "$WORK/abstract.out")"
stop_npsd
finish
