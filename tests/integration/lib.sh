# lib.sh - shared helpers for the integration tests: a scratch directory,
# the real npsd and a real SMTP sink on loopback, signed webhook posts,
# assertions that count, and cleanup. Sourced, not run.

set -u
: "${NPSD:?set by make check}" "${NPSCTL:?}" "${TOP_SRCDIR:?}"
PYTHON3=${PYTHON3:-/usr/bin/python3}
SECRET_B64=MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
SECRET="whsec_$SECRET_B64"
SECRET_HEX=$(printf %s "$SECRET_B64" | base64 -d | od -An -tx1 | tr -d ' \n')

WORK=$(mktemp -d "${TMPDIR:-/tmp}/npsd-test.XXXXXX")
PASSED=0
FAILED=0
NPSD_PID=
SINK_PID=

cleanup() {
	[ -n "$NPSD_PID" ] && kill -9 "$NPSD_PID" 2>/dev/null
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
	wait 2>/dev/null
	if [ "$FAILED" -eq 0 ]; then rm -rf "$WORK"; else echo "kept $WORK for inspection"; fi
}
trap cleanup EXIT

ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: expected [$2], got [$3]"; fi
}

# check_contains NAME NEEDLE HAYSTACK
check_contains() {
	case "$3" in
	*"$2"*) ok "$1" ;;
	*) not_ok "$1: [$2] not in [$(printf %s "$3" | head -c 400)]" ;;
	esac
}

finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
	exit $?
}

# write_config FILE [extra lines...]: a config for this test's directory
write_config() {
	file=$1
	shift
	{
		printf '[server]\nlisten = 127.0.0.1:0\npublic_url = http://127.0.0.1:1\nthreads = 4\n'
		printf '[database]\npath = %s/npsd.db\n' "$WORK"
		printf '[mail]\ntransport = maildir:%s/mail\n' "$WORK"
		printf '[survey]\ntemplates = %s/etc/templates\n' "$TOP_SRCDIR"
		for line in "$@"; do printf '%s\n' "$line"; done
	} > "$file"
}

# start_npsd CONFIG: starts the daemon, waits until it listens, sets PORT
start_npsd() {
	log=$WORK/npsd.log
	touch "$log"
	npsd_starts=$(grep -c "listening on" "$log")
	"$NPSD" -f -c "$1" >> "$log" 2>&1 &
	NPSD_PID=$!
	for _ in $(seq 1 200); do
		if [ "$(grep -c 'listening on' "$log")" -gt "$npsd_starts" ]; then
			PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | tail -n 1)
			BASE=http://127.0.0.1:$PORT
			return 0
		fi
		kill -0 "$NPSD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "npsd did not start:"; cat "$log"
	exit 1
}

stop_npsd() {
	kill -TERM "$NPSD_PID"
	wait "$NPSD_PID"
	rc=$?
	NPSD_PID=
	return $rc
}

# start_sink [--tempfail N] [--port P]: a real SMTP server; sets SMTP_PORT
start_sink() {
	rm -f "$WORK/sink.port"
	"$PYTHON3" "$TOP_SRCDIR/tests/smtp_sink.py" --dir "$WORK/sink" --port-file "$WORK/sink.port" "$@" &
	SINK_PID=$!
	for _ in $(seq 1 100); do
		[ -s "$WORK/sink.port" ] && { SMTP_PORT=$(cat "$WORK/sink.port"); return 0; }
		sleep 0.1
	done
	echo "smtp sink did not start"
	exit 1
}

# sign ID TIMESTAMP BODYFILE -> "v1,<base64>"
sign() {
	printf 'v1,%s' "$( { printf '%s.%s.' "$1" "$2"; cat "$3"; } |
	    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$SECRET_HEX" -binary | base64)"
}

# post BODY [WEBHOOK_ID] [TIMESTAMP]: signed POST to /hooks/generic;
# sets STATUS and RESPONSE
post() {
	printf '%s' "$1" > "$WORK/body.json"
	id=${2:-msg_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')}
	ts=${3:-$(date +%s)}
	sig=$(sign "$id" "$ts" "$WORK/body.json")
	STATUS=$(curl -s -o "$WORK/response" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' -H "webhook-id: $id" \
	    -H "webhook-timestamp: $ts" -H "webhook-signature: $sig" \
	    --data-binary @"$WORK/body.json" "$BASE/hooks/generic")
	RESPONSE=$(cat "$WORK/response")
}

# closed_event TICKET EMAIL [LANGUAGE] [NAME]
closed_event() {
	printf '{"type":"ticket.closed","ticket":{"id":"%s","subject":"Printer on 3rd floor jams","category":"Hardware"},"requester":{"email":"%s","name":"%s","language":"%s"},"agent":{"id":"piet","email":"piet@example.org","name":"Piet Jansen","self_score":8},"team":{"id":"servicedesk","name":"Servicedesk"}}' \
	    "$1" "$2" "${4:-Jan de Vries}" "${3:-en}"
}

reopened_event() {
	printf '{"type":"ticket.reopened","ticket":{"id":"%s"}}' "$1"
}

sql() { sqlite3 -cmd '.timeout 5000' "$WORK/npsd.db" "$1"; }

# wait_for COMMAND...: up to 60 s
wait_for() {
	for _ in $(seq 1 600); do
		if "$@"; then return 0; fi
		sleep 0.1
	done
	return 1
}

# wait_until_eq VALUE COMMAND...: until COMMAND prints VALUE (up to 60 s);
# the command runs anew each time
wait_until_eq() {
	want=$1
	shift
	for _ in $(seq 1 600); do
		[ "$("$@")" = "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_until_ge N COMMAND...: until COMMAND prints a number >= N
wait_until_ge() {
	want=$1
	shift
	for _ in $(seq 1 600); do
		[ "$("$@")" -ge "$want" ] 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# answer TOKEN SCORE [COMMENT]: as a person would: open the page, take a
# moment, send the form (with the signed render time it carries)
answer() {
	stamp=$(curl -s "$BASE/s/$1?score=$2" | sed -n 's/.*name="r" value="\([^"]*\)".*/\1/p')
	sleep 2.1
	curl -s -o /dev/null -w '%{http_code}' -d "r=$stamp" -d "score=$2" --data-urlencode "comment=${3:-}" "$BASE/s/$1"
}

# survey_token_for ADDRESS: the survey link's token in the mail the SMTP
# sink received for ADDRESS (parsed as a mail client would)
survey_token_for() {
	"$PYTHON3" - "$WORK/sink" "$1" <<'PY'
import email, email.policy, glob, re, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_bytes(open(f, "rb").read(), policy=email.policy.default)
    if sys.argv[2] in m["To"]:
        t = re.search(r"/s/([A-Za-z0-9_-]{22})", m.get_body(("plain",)).get_content())
        if t:
            print(t.group(1))
            break
PY
}

sink_count() { ls "$WORK/sink"/*.eml 2>/dev/null | wc -l; }

json_field() { "$PYTHON3" -c 'import json,sys; v=json.loads(sys.argv[1]); 
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v,list) else v.get(k)
print(v if not isinstance(v,bool) else str(v).lower())' "$1" "$2"; }
