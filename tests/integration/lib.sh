# lib.sh - shared helpers for the integration tests: a scratch directory,
# the real npsd and a real SMTP sink on loopback, signed webhook posts,
# assertions that count, and cleanup. Sourced, not run.
#
# The database: a SQLite file in the scratch directory, or, when
# NPSD_TEST_PG_URL (a base URL, postgresql://npsd@127.0.0.1:PORT, as
# tests/pg_cluster start prints) and NPSD_TEST_PG_PASSWORD_FILE are set, a
# fresh PostgreSQL database of this test's own, dropped at the end.
# write_config names it, sql() queries it (psql prints as sqlite3 does),
# reset_db empties it; a test that only makes sense on SQLite says so with
# sqlite_only, a part of one with sqlite_part.

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
PG_DB=

if [ -n "${NPSD_TEST_PG_URL:-}" ]; then
	BACKEND=postgresql
	: "${NPSD_TEST_PG_PASSWORD_FILE:?NPSD_TEST_PG_URL needs NPSD_TEST_PG_PASSWORD_FILE}"
	PG_URL=${NPSD_TEST_PG_URL%/}
	PG_PASSWORD=$(cat "$NPSD_TEST_PG_PASSWORD_FILE") || exit 1
	# this test's database: its name, the scratch directory's suffix
	PG_DB=$(printf 'npsd_%s_%s_%s' "$(basename "$0" .sh)" "$$" "${WORK##*.}" |
	    tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' _ | cut -c 1-63)
	PG_DB_URL=$PG_URL/$PG_DB
else
	BACKEND=sqlite
fi

# pg_psql URL ARGS...: psql as the tests' user, no ~/.psqlrc, stop at the
# first error
pg_psql() {
	pg_target=$1
	shift
	PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 -d "$pg_target" "$@"
}

# Test-only stand-ins for the SQLite functions the tests' queries use
# (group_concat, strftime('%s', 'now')), in a schema of their own that only
# sql() puts on its search path: npsd itself never sees them.
PG_TEST_FUNCTIONS='
CREATE SCHEMA npsd_test;
CREATE FUNCTION npsd_test.group_concat_step(acc text, v anyelement, sep text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN v IS NULL THEN acc
    WHEN acc IS NULL THEN v::text ELSE acc || sep || v::text END $$;
CREATE FUNCTION npsd_test.group_concat_step(acc text, v anyelement) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT npsd_test.group_concat_step(acc, v, $s$,$s$) $$;
CREATE AGGREGATE npsd_test.group_concat(anyelement, text)
    (SFUNC = npsd_test.group_concat_step, STYPE = text);
CREATE AGGREGATE npsd_test.group_concat(anyelement)
    (SFUNC = npsd_test.group_concat_step, STYPE = text);
CREATE FUNCTION npsd_test.strftime(fmt text, t text) RETURNS bigint
    LANGUAGE sql STABLE AS $$ SELECT CASE WHEN fmt = $s$%s$s$ AND t = $s$now$s$
    THEN floor(extract(epoch FROM now()))::bigint END $$;
'

pg_create() {
	pg_psql "$PG_URL/postgres" -c "CREATE DATABASE $PG_DB" &&
	    pg_psql "$PG_DB_URL" -c "$PG_TEST_FUNCTIONS"
}

pg_drop() {
	pg_psql "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
}

# reset_db: an empty database again (npsd stopped): the SQLite file and its
# -wal, -shm and lock files go; a PostgreSQL database is made anew
reset_db() {
	if [ "$BACKEND" = postgresql ]; then
		pg_drop && pg_create || { echo "cannot make the database $PG_DB anew"; exit 1; }
	else
		rm -f "$WORK"/npsd.db*
	fi
}

cleanup() {
	[ -n "$NPSD_PID" ] && kill -9 "$NPSD_PID" 2>/dev/null
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
	wait 2>/dev/null
	if [ "$FAILED" -eq 0 ]; then
		rm -rf "$WORK"
		[ -n "$PG_DB" ] && pg_drop
	else
		echo "kept $WORK for inspection"
		[ -n "$PG_DB" ] && echo "kept the database $PG_DB_URL"
	fi
}
trap cleanup EXIT

if [ "$BACKEND" = postgresql ] && ! pg_create; then
	echo "cannot create the database $PG_DB at $PG_URL"
	PG_DB=
	exit 1
fi

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

# sqlite_only REASON: this test is about SQLite only (its file, its
# tools); on PostgreSQL it is skipped, saying why
sqlite_only() {
	[ "$BACKEND" = sqlite ] && return 0
	echo "ok - skipped on PostgreSQL: $*"
	echo "0 passed, 0 failed, 1 skipped"
	exit 77
}

# sqlite_part REASON: true on SQLite; on PostgreSQL says the part is
# skipped and why, and is false: `if sqlite_part "why"; then ... fi`
sqlite_part() {
	[ "$BACKEND" = sqlite ] && return 0
	echo "ok - skipped on PostgreSQL: $*"
	return 1
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
		database_lines "$WORK/npsd.db"
		printf '[mail]\ntransport = maildir:%s/mail\n' "$WORK"
		printf '[survey]\ntemplates = %s/etc/templates\n' "$TOP_SRCDIR"
		for line in "$@"; do printf '%s\n' "$line"; done
	} > "$file"
}

# database_lines SQLITE_PATH: the [database] section of a config, for
# this test's database: the SQLite file SQLITE_PATH, or on PostgreSQL the
# test's database (SQLITE_PATH unused)
database_lines() {
	if [ "$BACKEND" = postgresql ]; then
		printf '[database]\nurl = %s\npassword_file = %s\n' "$PG_DB_URL" \
		    "$NPSD_TEST_PG_PASSWORD_FILE"
	else
		printf '[database]\npath = %s\n' "$1"
	fi
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

# sql QUERY: runs QUERY on the test's database and prints the rows as the
# sqlite3 shell does: fields joined by '|', NULL empty, no header; on
# PostgreSQL booleans print as 1 and 0 (a field that is just t or f)
sql() {
	if [ "$BACKEND" = sqlite ]; then
		sqlite3 -cmd '.timeout 5000' "$WORK/npsd.db" "$1"
		return
	fi
	sql_out=$(PGOPTIONS='-c search_path=public,npsd_test' pg_psql "$PG_DB_URL" -A -t -F '|' -c "$1")
	sql_rc=$?
	[ -n "$sql_out" ] && printf '%s\n' "$sql_out" |
	    awk 'BEGIN { FS = OFS = "|" } { for (i = 1; i <= NF; i++) if ($i == "t") $i = 1; else if ($i == "f") $i = 0; print }'
	return $sql_rc
}

# db_dump: every row of every table of the test's database, as SQL text
db_dump() {
	if [ "$BACKEND" = postgresql ]; then
		PGPASSWORD=$PG_PASSWORD pg_dump --no-password --data-only -d "$PG_DB_URL"
	else
		sqlite3 -cmd '.timeout 5000' "$WORK/npsd.db" .dump
	fi
}

# hold_write_lock READY RELEASE: in the background (LOCK_PID), another
# process takes the database's write lock, touches READY once it holds it,
# and lets go when RELEASE exists (or after 30 s). Writers then wait and
# fail after npsd's busy timeout; readers go on. SQLite: BEGIN IMMEDIATE;
# PostgreSQL: every table locked IN EXCLUSIVE MODE (reads allowed).
hold_write_lock() {
	rm -f "$1" "$2"
	if [ "$BACKEND" = postgresql ]; then
		tables=$(sql "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables WHERE schemaname = 'public'")
		{
			printf 'BEGIN;\nLOCK TABLE %s IN EXCLUSIVE MODE;\n' "$tables"
			printf '\\! touch %s\n' "$1"
			for _ in $(seq 1 300); do [ -e "$2" ] && break; sleep 0.1; done
			printf 'ROLLBACK;\n'
		} | pg_psql "$PG_DB_URL" > /dev/null &
	else
		"$PYTHON3" - "$WORK/npsd.db" "$1" "$2" <<'PY' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
for _ in range(300):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.1)
c.execute("ROLLBACK")
PY
	fi
	LOCK_PID=$!
	wait_for test -e "$1" || { not_ok "another process could not take the write lock"; return 1; }
}

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
