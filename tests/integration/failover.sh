#!/bin/sh
# failover.sh - owns the active-active test: two npsd on one PostgreSQL
# database behind one address (Debian's nginx, round robin, a failed
# instance skipped). 2,000 signed closes are posted through it from 8
# threads, each resent with the same webhook-id until acknowledged, as a
# ticket system does; halfway, one instance is killed with SIGKILL and
# started again. Then: every acknowledged close is stored once, every
# survey is mailed, each under one Message-ID (counted at the SMTP
# server), none twice unless the kill cut a delivery; 200 people answer
# through the same address while the other instance is killed and
# restarted, and every acknowledged answer is stored. PostgreSQL only: a
# SQLite file has one npsd.
. "$TOP_SRCDIR/tests/integration/lib.sh"

if [ "$BACKEND" != postgresql ]; then
	echo "ok - skipped on SQLite: several npsd share a PostgreSQL database, a SQLite file has one"
	echo "0 passed, 0 failed, 1 skipped"
	exit 77
fi
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
if [ ! -x "$NGINX" ]; then
	echo "nginx is not installed (apt-get install nginx-light); skipped"
	exit 77
fi
CLOSES=${FAILOVER_CLOSES:-2000}
ANSWERS=${FAILOVER_ANSWERS:-200}
pg() { sql "$1"; }

PID_A= PID_B= NGINX_PID=
stop_all() {
	for p in $PID_A $PID_B; do kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	# TERM: nginx's master stops its workers too
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
}
trap 'stop_all; cleanup' EXIT

free_port() {
	"$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_sink
PORT_A=$(free_port)
PORT_B=$(free_port)
PROXY_PORT=$(free_port)
for n in A B; do
	eval port=\$PORT_$n
	cat > "$WORK/$n.conf" <<CONF
[server]
listen = 127.0.0.1:$port
public_url = http://npsd.test:$PROXY_PORT
threads = 4
[database]
url = $PG_DB_URL
password_file = $NPSD_TEST_PG_PASSWORD_FILE
[mail]
transport = smtp://127.0.0.1:$SMTP_PORT
starttls = none
timeout = 5s
[survey]
templates = $TOP_SRCDIR/etc/templates
delay = 0
cooldown = 0
[source.generic]
secret = $SECRET
CONF
done

# start_instance A|B: starts it and waits until it listens
start_instance() {
	log=$WORK/$1.log
	touch "$log"
	starts=$(grep -c "listening on" "$log")
	"$NPSD" -f -c "$WORK/$1.conf" >> "$log" 2>&1 &
	eval PID_$1=$!
	for _ in $(seq 1 200); do
		[ "$(grep -c 'listening on' "$log")" -gt "$starts" ] && return 0
		sleep 0.1
	done
	echo "npsd $1 did not start:"; cat "$log"
	exit 1
}
start_instance A
start_instance B

mkdir -p "$WORK/nginx/tmp"
cat > "$WORK/nginx/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path $WORK/nginx/tmp/body;
	proxy_temp_path $WORK/nginx/tmp/proxy;
	fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
	uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
	scgi_temp_path $WORK/nginx/tmp/scgi;
	upstream npsd {
		server 127.0.0.1:$PORT_A max_fails=1 fail_timeout=2s;
		server 127.0.0.1:$PORT_B max_fails=1 fail_timeout=2s;
	}
	server {
		listen 127.0.0.1:$PROXY_PORT;
		location / {
			proxy_pass http://npsd;
			proxy_next_upstream error timeout http_502 http_503 non_idempotent;
			proxy_set_header Host \$host;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
		}
	}
}
CONF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>> "$WORK/nginx/stderr" &
NGINX_PID=$!
BASE=http://127.0.0.1:$PROXY_PORT
wait_for curl -sf -o /dev/null "$BASE/healthz" ||
    { echo "nginx did not start:"; cat "$WORK/nginx/stderr" "$WORK/nginx/error.log"; exit 1; }

T0=$(date +%s)
# the closes, with instance A killed halfway and started again
echo 0 > "$WORK/closes.progress"
"$PYTHON3" "$TOP_SRCDIR/tests/failover_load.py" closes --base "$BASE" \
    --secret-b64 "$SECRET_B64" --count "$CLOSES" --threads 8 \
    --acks "$WORK/closes.acks" --progress "$WORK/closes.progress" > "$WORK/closes.out" 2>&1 &
LOAD_PID=$!
wait_until_ge $((CLOSES / 2)) cat "$WORK/closes.progress"
kill -9 "$PID_A"
wait "$PID_A" 2>/dev/null
killed_at=$(cat "$WORK/closes.progress")
sleep 1
start_instance A
wait "$LOAD_PID"
cat "$WORK/closes.out"
check "instance A was killed midway through the closes" 1 \
    "$([ "$killed_at" -lt "$CLOSES" ] && echo 1 || echo "0 (at $killed_at)")"
check "every close was acknowledged" "$CLOSES" "$(wc -l < "$WORK/closes.acks")"
check "each acknowledged close is stored once" "$CLOSES" \
    "$(pg "SELECT count(*) FROM deliveries WHERE source = 'generic' AND delivery_id LIKE 'msg_failover_%'")"
check "one ticket per close" "$CLOSES" "$(pg "SELECT count(*) FROM tickets WHERE ticket_id LIKE 'FO-%'")"
check "one survey per close" "$CLOSES" "$(pg "SELECT count(*) FROM surveys WHERE ticket_id LIKE 'FO-%'")"
check "no ticket has two surveys" 0 \
    "$(pg "SELECT count(*) FROM (SELECT ticket FROM surveys GROUP BY ticket HAVING count(*) > 1) t")"

echo "# closes done after $(($(date +%s) - T0)) s"
# every survey mailed: wait for the mailers (a row the killed instance
# held waits for its lease to expire)
sent() { pg "SELECT count(*) FROM surveys WHERE ticket_id LIKE 'FO-%' AND state = 'sent'"; }
for _ in $(seq 1 1200); do
	[ "$(sent)" -ge "$CLOSES" ] && break
	sleep 0.25
done
check "every survey is mailed" "$CLOSES" "$(sent)"
echo "# every survey mailed after $(($(date +%s) - T0)) s"
"$PYTHON3" - "$WORK/sink" > "$WORK/mids" <<'PY'
import email, glob, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_bytes(open(f, "rb").read())
    print(m["Message-ID"], m["To"])
PY
delivered=$(wc -l < "$WORK/mids")
distinct=$(cut -d' ' -f1 "$WORK/mids" | sort -u | wc -l)
recipients=$(cut -d' ' -f2- "$WORK/mids" | sort -u | wc -l)
check "each survey reached the SMTP server under one Message-ID" "$CLOSES $CLOSES" \
    "$distinct $recipients"
extra=$((delivered - distinct))
echo "# $delivered messages at the server, $distinct Message-IDs, $extra repeated"
check "a repeated message only where the kill cut a delivery (at most 1)" 1 \
    "$([ "$extra" -le 1 ] && echo 1 || echo "0 ($extra repeats)")"
check "no mail failed" 0 "$(pg "SELECT count(*) FROM outbox WHERE state = 'failed'")"

# answers through the same address, instance B killed and started again
"$PYTHON3" - "$WORK/sink" "$ANSWERS" > "$WORK/tokens" <<'PY'
import email, email.policy, glob, re, sys
seen = set()
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_bytes(open(f, "rb").read(), policy=email.policy.default)
    t = re.search(r"/s/([A-Za-z0-9_-]{22})", m.get_body(("plain",)).get_content())
    if t and t.group(1) not in seen and len(seen) < int(sys.argv[2]):
        seen.add(t.group(1))
        print(t.group(1))
PY
echo 0 > "$WORK/answers.progress"
"$PYTHON3" "$TOP_SRCDIR/tests/failover_load.py" answers --base "$BASE" \
    --tokens "$WORK/tokens" --threads 16 \
    --acks "$WORK/answers.acks" --progress "$WORK/answers.progress" > "$WORK/answers.out" 2>&1 &
LOAD_PID=$!
wait_until_ge $((ANSWERS / 3)) cat "$WORK/answers.progress"
kill -9 "$PID_B"
wait "$PID_B" 2>/dev/null
sleep 1
start_instance B
wait "$LOAD_PID"
cat "$WORK/answers.out"
check "every answer was acknowledged" "$ANSWERS" "$(wc -l < "$WORK/answers.acks")"
check "every acknowledged answer is stored" "$ANSWERS" \
    "$(pg "SELECT count(*) FROM answers a JOIN surveys s ON s.id = a.survey WHERE s.ticket_id LIKE 'FO-%'")"
check "both instances are healthy after their restarts" "200 200" \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT_A/healthz") $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT_B/healthz")"
finish
