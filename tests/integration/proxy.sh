#!/bin/sh
# proxy.sh - owns the test of npsd behind a real reverse proxy: Debian's
# nginx, configured as the README says, on loopback in front of npsd.
# Without trusted_proxies every client has the proxy's address, yet a
# valid token is never refused; after SIGHUP adds the proxy to
# [server] trusted_proxies, a token-guessing client (127.0.0.2) is
# throttled on its own, forged X-Forwarded-For or Forwarded included,
# while another client (127.0.0.3) answers a survey, signs in and calls
# the API, all through nginx; the log names the real client.
. "$TOP_SRCDIR/tests/integration/lib.sh"

NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
if [ ! -x "$NGINX" ]; then
	echo "nginx is not installed (apt-get install nginx-light); skipped"
	exit 77
fi
NGINX_PID=
stop_nginx() {
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	NGINX_PID=
}
trap 'stop_nginx; cleanup' EXIT

start_sink
write_config "$WORK/npsd.conf" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
    '[survey]' 'delay = 0' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
NPSD_BASE=$BASE
CTL="$NPSCTL -c $WORK/npsd.conf"

# nginx cannot pick a free port itself: ask the kernel for one, up to 5 times
free_port() {
	"$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
mkdir -p "$WORK/nginx/tmp"
for _ in 1 2 3 4 5; do
	PROXY_PORT=$(free_port)
	# the location block is the README's, word for word
	cat > "$WORK/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 256; }
http {
	access_log $WORK/nginx/access.log;
	client_body_temp_path $WORK/nginx/tmp/body;
	proxy_temp_path $WORK/nginx/tmp/proxy;
	fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
	uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
	scgi_temp_path $WORK/nginx/tmp/scgi;
	server {
		listen 127.0.0.1:$PROXY_PORT;
		location / {
			proxy_pass http://127.0.0.1:$PORT;
			proxy_set_header Host \$host;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto \$scheme;
			proxy_set_header Forwarded "";
		}
	}
}
EOF
	"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>> "$WORK/nginx/stderr" &
	NGINX_PID=$!
	for _ in $(seq 1 50); do
		curl -s -o /dev/null "http://127.0.0.1:$PROXY_PORT/healthz" && break
		kill -0 "$NGINX_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$NGINX_PID" 2>/dev/null && break
	wait "$NGINX_PID" 2>/dev/null
	NGINX_PID=
done
if [ -z "$NGINX_PID" ]; then
	echo "nginx did not start:"; cat "$WORK/nginx/stderr" "$WORK/nginx/error.log" 2>/dev/null
	exit 1
fi
BASE=http://127.0.0.1:$PROXY_PORT
check "npsd answers through nginx" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")"

LIMIT=20	# NPSD_UNKNOWN_TOKEN_LIMIT
UNKNOWN=AAAAAAAAAAAAAAAAAAAAZZ
# via FROM [curl options...]: a request through nginx from that loopback
# address; prints the status
via() {
	from=$1
	shift
	curl -s -o "$WORK/out" -w '%{http_code}' --interface "$from" "$@"
}
guesses() { # FROM N [curl options]: N unknown-token requests; prints the codes counted
	from=$1 n=$2
	shift 2
	codes=
	for _ in $(seq 1 "$n"); do codes="$codes $(via "$from" "$@" "$BASE/s/$UNKNOWN?score=9")"; done
	# shellcheck disable=SC2086
	printf '%s\n' $codes | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}'
}

# A survey for the person at 127.0.0.3, an admin who signs in, an API token;
# the webhook itself goes through nginx too.
post "$(closed_event T-1 jan@example.net)"
check "a signed webhook through nginx" 202 "$STATUS"
wait_until_eq 1 sink_count
TOKEN=$(survey_token_for jan@example.net)
$CTL admin add boss@example.org > /dev/null
API=$($CTL token create --role admin 2>/dev/null)

# 1. Not yet trusted: through nginx everyone is 127.0.0.1, so one guesser
# exhausts the proxy's budget, but valid tokens are never refused.
check "untrusted proxy: the guesser's $LIMIT guesses are 404" "404:$LIMIT " \
    "$(guesses 127.0.0.2 "$LIMIT")"
check "untrusted proxy: then even another client's unknown token gets 429" 429 \
    "$(via 127.0.0.3 "$BASE/s/$UNKNOWN")"
check "untrusted proxy: another client's valid survey link still opens" 200 \
    "$(via 127.0.0.3 "$BASE/s/$TOKEN?score=9")"
check "untrusted proxy: a valid API token is still answered" 200 \
    "$(via 127.0.0.3 -H "Authorization: Bearer $API" "$BASE/api/v1/nps")"
post "$(closed_event T-2 piet@example.net)"
check "untrusted proxy: a signed webhook is never throttled" 202 "$STATUS"
wait_until_eq 2 sink_count

# 2. SIGHUP: nginx (which connects from 127.0.0.1) becomes a trusted proxy.
sed -i 's/^\[server\]$/[server]\ntrusted_proxies = 127.0.0.1, ::1/' "$WORK/npsd.conf"
kill -HUP "$NPSD_PID"
wait_for grep -q "1 trusted proxy\|2 trusted proxies" "$WORK/npsd.log"
check "the reload applies trusted_proxies" 1 "$(grep -c 'reloaded: .* 2 trusted proxies' "$WORK/npsd.log")"

check "trusted: the guesser's first $LIMIT guesses are 404" "404:$LIMIT " \
    "$(guesses 127.0.0.2 "$LIMIT")"
check "trusted: then the guesser gets 429" 429 "$(via 127.0.0.2 "$BASE/s/$UNKNOWN")"
check "trusted: with Retry-After" 1 \
    "$(curl -s -D - -o /dev/null --interface 127.0.0.2 "$BASE/s/$UNKNOWN" | grep -ci '^Retry-After:')"
check "trusted: a forged X-Forwarded-For does not get it out" "429:5 " \
    "$(guesses 127.0.0.2 5 -H 'X-Forwarded-For: 198.51.100.7')"
check "trusted: nor does a forged Forwarded (nginx drops it)" "429:5 " \
    "$(guesses 127.0.0.2 5 -H 'Forwarded: for=198.51.100.8')"
check "trusted: the API's unknown tokens count for the guesser too" 429 \
    "$(via 127.0.0.2 -H 'Authorization: Bearer npsd_BBBBBBBBBBBBBBBBBBBBBB' "$BASE/api/v1/nps")"
check "trusted: and sign-in link guesses" 429 "$(via 127.0.0.2 "$BASE/login/$UNKNOWN")"
check_contains "the log names the real client" "rate limit: client 127.0.0.2 " \
    "$(cat "$WORK/npsd.log")"

# Meanwhile the person at 127.0.0.3 gets everything done through nginx.
check "trusted: another client's unknown token is a plain 404" 404 \
    "$(via 127.0.0.3 "$BASE/s/$UNKNOWN")"
stamp=$(curl -s --interface 127.0.0.3 "$BASE/s/$TOKEN?score=9" | sed -n 's/.*name="r" value="\([^"]*\)".*/\1/p')
sleep 2.1
check "trusted: another client's valid answer is recorded" 303 \
    "$(via 127.0.0.3 -d "r=$stamp" -d score=9 --data-urlencode 'comment=Quick help' "$BASE/s/$TOKEN")"
check "trusted: the answer is stored" "9|Quick help" "$(sql "SELECT score || '|' || comment FROM answers")"
check "trusted: another client asks for a sign-in link" 200 \
    "$(via 127.0.0.3 -d email=boss@example.org "$BASE/login")"
wait_until_eq 3 sink_count
link=$("$PYTHON3" - "$WORK/sink" <<'PY'
import email, email.policy, glob, re, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_bytes(open(f, "rb").read(), policy=email.policy.default)
    t = re.search(r"/login/([A-Za-z0-9_-]{22})", m.get_body(("plain",)).get_content())
    if t: print(t.group(1))
PY
)
cookie=$(curl -s -D - -o /dev/null --interface 127.0.0.3 -X POST \
    -H 'Content-Type: application/x-www-form-urlencoded' "$BASE/login/$link" |
    sed -n 's/^Set-Cookie: \(__Host-npsd=[^;]*\);.*/\1/p')
check "trusted: another client signs in (a session cookie)" 1 "$(printf %s "$cookie" | grep -c '^__Host-npsd=')"
check "trusted: and sees the dashboard" 200 "$(via 127.0.0.3 -H "Cookie: $cookie" "$BASE/")"
check "trusted: another client's API call succeeds" 200 \
    "$(via 127.0.0.3 -H "Authorization: Bearer $API" "$BASE/api/v1/nps")"
check "trusted: the throttled guesser's own valid link is not refused" 200 \
    "$(via 127.0.0.2 "$BASE/s/$TOKEN?score=9")"
post "$(closed_event T-3 kees@example.net)"
check "trusted: a signed webhook through nginx" 202 "$STATUS"

# Straight to npsd, not through the proxy: X-Forwarded-For from an
# untrusted peer (127.0.0.4) is ignored; it is that peer's own budget.
BASE=$NPSD_BASE
check "direct: an untrusted peer's X-Forwarded-For is not believed" "404:$LIMIT 429:1 " \
    "$(guesses 127.0.0.4 $((LIMIT + 1)) -H 'X-Forwarded-For: 198.51.100.9')"

stop_nginx
stop_npsd
check "npsd stops cleanly" 0 "$?"
finish
