#!/bin/sh
# slow_clients.sh - the server outlives slow and idle clients: slowloris
# from 10 addresses (under and over the per-address cap), 10,000 idle
# connections, a body at one byte a second; /healthz and a signed webhook
# from another address answered within 2 s throughout; the header and body
# deadlines and the per-address cap hold. Clients: slow_clients.py.
. "$TOP_SRCDIR/tests/integration/lib.sh"

write_config "$WORK/npsd.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
CLIENT="$TOP_SRCDIR/tests/integration/slow_clients.py"
attack() { "$PYTHON3" "$CLIENT" --port "$PORT" --secret-b64 "$SECRET_B64" "$@"; }
field() { json_field "$(cat "$WORK/$1")" "$2"; }

# probes_ok NAME RESULT: every probe answered 200 within 2 s
probes_ok() {
	for kind in healthz webhook; do
		n=$(field "$2" $kind.count)
		check "$1: every $kind probe answered" "$n" "$(field "$2" $kind.ok)"
		ms=$(field "$2" $kind.max_ms)
		if [ "$n" -gt 0 ] && [ "$ms" -lt 2000 ]; then
			ok "$1: $kind within 2 s (slowest ${ms} ms of $n)"
		else
			not_ok "$1: $kind: $n probes, slowest ${ms} ms"
		fi
	done
}

check "healthz before" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")"

# 1. Slowloris under the caps (10 addresses x 30), a body at 1 byte/s, and
# 200 idle connections from one address, side by side.
attack --mode slowloris --addresses 10 --per-address 30 --warmup 1 --duration 11.5 \
    > "$WORK/slowloris" &
a=$!
attack --mode slowbody --addresses 1 --first-address 30 --per-address 3 --warmup 1 \
    --duration 11.5 --no-probes > "$WORK/slowbody" &
b=$!
attack --mode idle --addresses 1 --first-address 20 --per-address 200 --once --warmup 2 \
    --duration 0.5 --no-probes > "$WORK/cap" &
c=$!
wait $a $b $c
probes_ok "slowloris under the caps" slowloris
life=$(field slowloris max_lifetime_s)
check "slowloris connections are closed at the header deadline (10 s)" yes \
    "$(awk -v l="$life" 'BEGIN { print (l >= 9.5 && l < 11.5) ? "yes" : "no (" l " s)" }')"
check "every slowloris connection was closed by the server" 300 "$(field slowloris closed_by_server)"
life=$(field slowbody max_lifetime_s)
check "a body at 1 byte/s is cut off after about 10 s" yes \
    "$(awk -v l="$life" 'BEGIN { print (l >= 9.5 && l < 11.5) ? "yes" : "no (" l " s)" }')"
check "all three slow bodies" 3 "$(field slowbody closed_by_server)"
check "one address keeps at most 64 of 200 connections" 64 "$(field cap open_after_warmup)"

# 2. Slowloris over the per-address cap (10 addresses x 100, reconnecting).
attack --mode slowloris --addresses 10 --per-address 100 --warmup 2 --duration 5 \
    > "$WORK/churn"
probes_ok "slowloris over the caps" churn

# 3. 10,000 idle connections from 10 addresses, reopened as they are closed.
attack --mode idle --addresses 10 --per-address 1000 --warmup 3 --duration 5 > "$WORK/idle" &
a=$!
sleep 5
fds=$(ls "/proc/$NPSD_PID/fd" | wc -l)
wait $a
probes_ok "10,000 idle connections" idle
check "the attack opened 10,000 connections" yes \
    "$([ "$(field idle opened)" -ge 10000 ] && echo yes)"
check "npsd's descriptors stay under the cap during it" yes \
    "$([ "$fds" -lt 700 ] && echo yes || echo "no ($fds)")"

lines=$(wc -l < "$WORK/npsd.log")
check "the log is not flooded" yes "$([ "$lines" -lt 100 ] && echo yes || echo "no ($lines lines)")"
check "healthz after" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")"
stop_npsd
check "SIGTERM after the attacks exits 0" 0 "$?"
check "no sanitizer report in the log" 0 "$(grep -c -e 'runtime error' -e 'Sanitizer' "$WORK/npsd.log")"

finish
