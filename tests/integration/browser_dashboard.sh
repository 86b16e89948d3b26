#!/bin/sh
# browser_dashboard.sh - the dashboard in a real browser (Debian's
# chromium, driven by playwright-core, JavaScript off): an agent and a
# team lead sign in through the mailed link, see their own pages, are
# refused another team's, and the lead marks a follow-up done.
# Screenshots go to $SCREENSHOT_DIR.
. "$TOP_SRCDIR/tests/integration/lib.sh"

browser_dir=$TOP_SRCDIR/tests/browser
if [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
	mkdir -p "$WORK/browser"
	cp "$browser_dir/package.json" "$browser_dir/package-lock.json" "$browser_dir/dashboard.mjs" "$WORK/browser/"
	(cd "$WORK/browser" && npm ci --no-audit --no-fund --silent) || { not_ok "npm ci playwright-core"; finish; }
	browser_dir=$WORK/browser
fi

start_sink
P=$("$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
write_config "$WORK/npsd.conf" '[server]' "listen = 127.0.0.1:$P" "public_url = http://127.0.0.1:$P" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
    '[survey]' 'delay = 0' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
"$NPSCTL" -c "$WORK/npsd.conf" team add-manager --create servicedesk lead@example.org > /dev/null
post "$(closed_event INC-1 r1@example.net en)"
post "$(printf '{"type":"ticket.closed","ticket":{"id":"NET-1","subject":"VPN","category":"Network"},"requester":{"email":"r2@example.net"},"agent":{"id":"kees","email":"kees@example.org","name":"Kees"},"team":{"id":"net","name":"Network"}}')"
wait_until_eq 2 sink_count
token=$(survey_token_for r1@example.net)
check "a detractor answers" 303 "$(answer "$token" 4 'Nobody called me back')"

shots=${SCREENSHOT_DIR:-$WORK}
mkdir -p "$shots"
node "$browser_dir/dashboard.mjs" "$BASE" "$WORK/sink" "$shots" > "$WORK/browser.out" 2>&1
rc=$?
cat "$WORK/browser.out"
check "the browser run passed" 0 "$rc"
check "the follow-up is done, by the lead, with the note" "lead@example.org|Called, printer replaced" \
    "$(sql "SELECT done_by, note FROM followups WHERE done_at IS NOT NULL")"
for f in sign-in-agent agent-me agent-403 sign-in-lead lead-overview lead-team lead-team-done lead-403; do
	check "screenshot $f" 1 "$([ -s "$shots/dashboard-$f.png" ] && echo 1)"
done
stop_npsd
check "SIGTERM exits 0" 0 "$?"
finish
