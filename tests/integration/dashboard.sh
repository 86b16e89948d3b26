#!/bin/sh
# dashboard.sh - the dashboard over direct HTTP: passwordless sign-in (the
# same answer for unknown addresses, a link that a GET does not use up,
# one use, expiry, rate limit), the session cookie's attributes, every
# scope rule (agent, team lead, admin; 403 for another agent's or team's
# page), CSRF on follow-ups and sign-out, languages.
. "$TOP_SRCDIR/tests/integration/lib.sh"

start_sink
write_config "$WORK/npsd.conf" \
    '[mail]' "transport = smtp://127.0.0.1:$SMTP_PORT" 'starttls = none' \
    'from = IT Servicedesk <servicedesk@example.org>' \
    '[survey]' 'delay = 0' \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"
CTL="$NPSCTL -c $WORK/npsd.conf"

ev() { # TICKET REQUESTER AGENT AGENT_EMAIL TEAM
	printf '{"type":"ticket.closed","ticket":{"id":"%s","subject":"Subject of %s","category":"Hardware"},"requester":{"email":"%s","name":"Requester %s"},"agent":{"id":"%s","email":"%s","name":"Agent %s","self_score":8},"team":{"id":"%s","name":"Team %s"}}' \
	    "$1" "$1" "$2" "$1" "$3" "$4" "$3" "$5" "$5"
}
post "$(ev T-1 r1@example.net piet piet@example.org sd)"
post "$(ev T-2 r2@example.net kees kees@example.org net)"
wait_until_eq 2 sink_count
$CTL team add-manager sd lead@example.org > /dev/null
$CTL admin add Boss@Example.org > /dev/null
check_contains "admin list" "boss@example.org" "$($CTL admin list)"

# the newest sign-in link mailed to ADDRESS
link_for() {
	"$PYTHON3" - "$WORK/sink" "$1" <<'PY'
import email, email.policy, glob, os, re, sys
best = None
for f in sorted(glob.glob(sys.argv[1] + "/*.eml"), key=os.path.getmtime):
    m = email.message_from_bytes(open(f, "rb").read(), policy=email.policy.default)
    if m["To"] == sys.argv[2]:
        t = re.search(r"/login/([A-Za-z0-9_-]{22})", m.get_body(("plain",)).get_content())
        if t: best = t.group(1)
print(best or "")
PY
}
mails_to() { grep -l "^To: $1" "$WORK/sink"/*.eml 2>/dev/null | wc -l; }
# sign_in ADDRESS: asks for a link, waits for it, presses the button; prints the cookie
sign_in() {
	before=$(mails_to "$1")
	curl -s -o /dev/null -d "email=$1" "$BASE/login"
	wait_until_ge $((before + 1)) mails_to "$1" || return 1
	l=$(link_for "$1")
	curl -s -D - -o /dev/null -X POST -H 'Content-Type: application/x-www-form-urlencoded' \
	    "$BASE/login/$l" | sed -n 's/^Set-Cookie: \(__Host-npsd=[^;]*\);.*/\1/p'
}
code() { curl -s -o "$WORK/page" -w '%{http_code}' ${1:+-H "Cookie: $1"} "$BASE$2"; }

# Signed out: pages send you to /login.
check "signed out, / goes to /login" "303 $BASE/login" "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$BASE/")"
check "signed out, /me goes to /login" 303 "$(code "" /me)"
check "signed out, a team page goes to /login" 303 "$(code "" /teams/sd)"
check "the sign-in page" 200 "$(code "" /login)"

# Asking for a link: the same answer, known or not; mail only to the known.
known=$(curl -s -d email=piet@example.org "$BASE/login")
unknown=$(curl -s -d email=stranger@example.org "$BASE/login")
check "the same page for a known and an unknown address" "$known" "$unknown"
wait_until_ge 1 mails_to piet@example.org
sleep 1
check "a link is mailed to the known agent" 1 "$(mails_to piet@example.org)"
check "nothing is mailed to the unknown address" 0 "$(mails_to stranger@example.org)"
check "links are stored hashed" 0 "$(sql "SELECT count(*) FROM login_links WHERE hash = '$(link_for piet@example.org)'")"
check "a bad address is a 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' -d 'email=not an address' "$BASE/login")"

# The link: GET shows a button and changes nothing (mail scanners fetch it).
l=$(link_for piet@example.org)
check "the link's page" 200 "$(code "" "/login/$l")"
check_contains "it shows a Sign in button" '<button>Sign in</button>' "$(cat "$WORK/page")"
check "a GET starts no session" 0 "$(sql "SELECT count(*) FROM sessions")"
check "and does not use the link up" 200 "$(code "" "/login/$l")"
curl -s -D "$WORK/headers" -o /dev/null -X POST -H 'Content-Type: application/x-www-form-urlencoded' "$BASE/login/$l"
cookie_line=$(grep -i '^Set-Cookie:' "$WORK/headers" | tr -d '\r')
check_contains "the POST sets the session cookie" "__Host-npsd=" "$cookie_line"
for attr in 'Path=/' 'Secure' 'HttpOnly' 'SameSite=Strict' 'Max-Age=28800'; do
	check_contains "the cookie has $attr" "$attr" "$cookie_line"
done
PIET=$(printf %s "$cookie_line" | sed -n 's/^Set-Cookie: \(__Host-npsd=[^;]*\);.*/\1/p')
check "sessions are stored hashed" 0 "$(sql "SELECT count(*) FROM sessions WHERE hash = '${PIET#__Host-npsd=}'")"
check "the link works once" 410 "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/x-www-form-urlencoded' "$BASE/login/$l")"
check "an unknown link" 410 "$(code "" /login/AAAAAAAAAAAAAAAAAAAAAA)"
curl -s -o /dev/null -d email=piet@example.org "$BASE/login"
wait_until_ge 2 mails_to piet@example.org
l2=$(link_for piet@example.org)
sql "UPDATE login_links SET expires_at = strftime('%s', 'now') - 1 WHERE used_at IS NULL"
check "an expired link" 410 "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/x-www-form-urlencoded' "$BASE/login/$l2")"

# The agent sees only their own page.
check "agent: /me" 200 "$(code "$PIET" /me)"
check_contains "agent: their own scores" "My scores" "$(cat "$WORK/page")"
check_contains "agent: the trend chart" '<svg viewBox="0 0 480 260"' "$(cat "$WORK/page")"
check_contains "agent: its table view" "<details><summary>Show as a table" "$(cat "$WORK/page")"
check_contains "agent: the self-assessment section" "Your own estimate" "$(cat "$WORK/page")"
check "agent: no requester addresses" 0 "$(grep -c '@example.net' "$WORK/page")"
check "agent: nothing of the other agent" 0 "$(grep -c -e kees -e T-2 "$WORK/page")"
check "agent: / goes to /me" "303 $BASE/me" "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H "Cookie: $PIET" "$BASE/")"
check "agent: their team's page is 403" 403 "$(code "$PIET" /teams/sd)"
check "agent: another team's page is 403" 403 "$(code "$PIET" /teams/net)"
check "403 pages carry no team data" 0 "$(grep -c -e 'Team net' -e T-2 "$WORK/page")"

# The team lead sees the team, not another.
LEAD=$(sign_in lead@example.org)
check "lead signed in" 1 "$([ -n "$LEAD" ] && echo 1)"
check "lead: their team" 200 "$(code "$LEAD" /teams/sd)"
check_contains "lead: the team's agents" "Agent piet" "$(cat "$WORK/page")"
check_contains "lead: categories with volume" "Hardware" "$(cat "$WORK/page")"
check "lead: another team is 403" 403 "$(code "$LEAD" /teams/net)"
check "lead: overview" 200 "$(code "$LEAD" /)"
check "lead: the overview shows only their team" "1 0" "$(grep -c 'href="/teams/sd' "$WORK/page") $(grep -c 'href="/teams/net' "$WORK/page")"
check "lead: no agent page of their own" 200 "$(code "$LEAD" /me)"
check_contains "lead: /me says so" "No tickets of yours" "$(cat "$WORK/page")"

# A detractor answer appears for the lead, who marks it done (CSRF-protected).
token=$(survey_token_for r1@example.net)
check "the first survey answered" 303 "$(answer "$token" 2 'Nobody called me back')"
svy=$(sql "SELECT public_id FROM surveys WHERE ticket_id = 'T-1'")
code "$LEAD" /teams/sd > /dev/null
check_contains "lead: the follow-up is listed" "Nobody called me back" "$(cat "$WORK/page")"
check_contains "lead: with the requester to call" "r1@example.net" "$(cat "$WORK/page")"
csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WORK/page" | head -n 1)
check "a CSRF value in the form" 64 "${#csrf}"
check "without the CSRF value: 403" 403 "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $LEAD" -d 'comment=x' "$BASE/teams/sd/followups/$svy")"
check "with another session's CSRF value: 403" 403 "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $PIET" -d "csrf=$csrf" "$BASE/teams/sd/followups/$svy")"
check "cross-site: 403" 403 "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $LEAD" -H 'Sec-Fetch-Site: cross-site' -d "csrf=$csrf" "$BASE/teams/sd/followups/$svy")"
check "still open" "" "$(sql "SELECT done_at FROM followups")"
check "mark done" 303 "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $LEAD" -d "csrf=$csrf" --data-urlencode 'comment=Called, fixed' "$BASE/teams/sd/followups/$svy")"
check "done, by whom, with the note" "lead@example.org|Called, fixed" "$(sql "SELECT done_by, note FROM followups WHERE done_at IS NOT NULL")"
check "a follow-up of another team: 403" 403 "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $LEAD" -d "csrf=$csrf" "$BASE/teams/net/followups/$svy")"

# The admin sees every team.
BOSS=$(sign_in boss@example.org)
check "admin: overview" 200 "$(code "$BOSS" /)"
check "admin: every team side by side" "1 1" "$(grep -c 'href="/teams/sd' "$WORK/page") $(grep -c 'href="/teams/net' "$WORK/page")"
check_contains "admin: not a ranking" "not a ranking" "$(cat "$WORK/page")"
check "admin: any team" "200 200" "$(code "$BOSS" /teams/sd) $(code "$BOSS" /teams/net)"
check "an unknown path under /teams" 404 "$(code "$BOSS" /teams/net/x)"

# Languages: Accept-Language, and the switch.
check_contains "Dutch from Accept-Language" "Mijn scores" "$(curl -s -H "Cookie: $PIET" -H 'Accept-Language: nl-NL,nl;q=0.9,en;q=0.8' "$BASE/me")"
check_contains "the switch to English" "My scores" "$(curl -s -H "Cookie: $PIET" -H 'Accept-Language: nl' "$BASE/me?lang=en")"
check_contains "pages carry a strict CSP" "default-src 'none'" "$(curl -s -D - -o /dev/null -H "Cookie: $PIET" "$BASE/me")"
check "no script on any page" 0 "$(curl -s -H "Cookie: $BOSS" "$BASE/teams/sd" | grep -c '<script')"

# Sign-out needs the CSRF value and ends the session.
check "sign-out without CSRF: 403" 403 "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $PIET" -X POST -H 'Content-Type: application/x-www-form-urlencoded' "$BASE/logout")"
pcsrf=$(curl -s -H "Cookie: $PIET" "$BASE/me" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
check "sign-out" 303 "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $PIET" -d "csrf=$pcsrf" "$BASE/logout")"
check "the session is gone" 303 "$(code "$PIET" /me)"
sql "UPDATE sessions SET expires_at = strftime('%s', 'now') - 1"
check "an expired session goes to /login" 303 "$(code "$LEAD" /teams/sd)"

# At most three links per address in 15 minutes (boss has had one).
for _ in 1 2 3; do curl -s -o /dev/null -d email=boss@example.org "$BASE/login"; done
check "no more than three sign-in links per address in 15 minutes" 3 "$(sql "SELECT count(*) FROM login_links WHERE email = 'boss@example.org'")"

# Too many sign-in attempts from one client: 429.
for _ in $(seq 1 25); do curl -s -o /dev/null -d email=someone@example.org "$BASE/login"; done
check "sign-in attempts are rate-limited" 429 "$(curl -s -o /dev/null -w '%{http_code}' -d email=someone@example.org "$BASE/login")"

stop_npsd
check "SIGTERM exits 0" 0 "$?"
finish
