#!/bin/sh
# browser_answer.sh - the answer page in a real browser (Debian's chromium,
# driven by playwright-core, JavaScript off, phone-sized): the score link,
# a changed score, a comment, the thank-you page; then the database.
. "$TOP_SRCDIR/tests/integration/lib.sh"

browser_dir=$TOP_SRCDIR/tests/browser
if [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
	# a tree without the npm install (e.g. make distcheck): install a copy
	mkdir -p "$WORK/browser"
	cp "$browser_dir/package.json" "$browser_dir/package-lock.json" "$browser_dir/answer_page.mjs" "$WORK/browser/"
	(cd "$WORK/browser" && npm ci --no-audit --no-fund --silent) || { not_ok "npm ci playwright-core"; finish; }
	browser_dir=$WORK/browser
fi

# the browser's form posts carry an Origin, which must be public_url's
P=$("$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
write_config "$WORK/npsd.conf" '[server]' "listen = 127.0.0.1:$P" "public_url = http://127.0.0.1:$P" \
    '[mail]' "transport = maildir:$WORK/mail" \
    '[survey]' 'delay = 0' '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
post "$(closed_event INC-77 lies@example.net nl 'Lies Bakker')"
check "scheduled" 202 "$STATUS"
wait_for sh -c "ls '$WORK/mail/new/' | grep -q ."
token=$(cat "$WORK/mail/new/"* | grep -o '/s/[A-Za-z0-9_-]\{22\}' | head -n 1 | cut -c4-)
check "a token in the mail" 22 "${#token}"

shots=${SCREENSHOT_DIR:-$WORK}
node "$browser_dir/answer_page.mjs" "$BASE" "$token" "$shots" > "$WORK/browser.out" 2>&1
rc=$?
cat "$WORK/browser.out"
check "the browser run passed" 0 "$rc"
check "the browser's answer is stored" "10|Snel opgelost, dank je wel! <b>ok</b>" "$(sql "SELECT score, comment FROM answers")"
check "and counts (not flagged)" 0 "$(sql "SELECT flagged FROM answers")"
stop_npsd
check "SIGTERM exits 0" 0 "$?"
finish
