#!/bin/sh
# secrets.sh - owns the test of secrets kept in files on the real daemon:
# [source.*] secret_file and [server] metrics_token_file (first line,
# trimmed; relative to the configuration's directory, or to
# $CREDENTIALS_DIRECTORY when systemd sets it), -n and start-up refusing
# an unreadable one (exit 3, naming section and key), SIGHUP re-reading
# them (a broken one refuses the reload and keeps the running secret),
# and /metrics behind its bearer token with npsd_build_info.
. "$TOP_SRCDIR/tests/integration/lib.sh"

OTHER_B64=c2Vjb25kLXNlY3JldC1mb3ItdGVzdHMtMDEyMzQ1Ng==
METRICS_TOKEN=metrics-0123456789abcdef

mkdir -p "$WORK/etc" "$WORK/credentials"
printf '  %s  \n' "$SECRET" > "$WORK/etc/generic.secret"
printf '%s\n' "$METRICS_TOKEN" > "$WORK/etc/metrics.token"
write_config "$WORK/etc/npsd.conf" \
    '[server]' 'metrics_token_file = metrics.token' \
    '[source.generic]' 'secret_file = generic.secret'

# -n: each unusable secret named by section and key, all at once, exit 3
write_config "$WORK/etc/bad.conf" \
    '[server]' 'metrics_token_file = missing.token' \
    '[source.generic]' 'secret_file = missing.secret' \
    '[source.zendesk]' 'secret = 0123456789abcdef0123' 'secret_file = generic.secret'
out=$("$NPSD" -n -c "$WORK/etc/bad.conf" 2>&1)
check "-n: an unreadable secret file is exit 3" 3 "$?"
check_contains "-n names [source.generic] secret_file" \
    "[source.generic] secret_file = \"$WORK/etc/missing.secret\": No such file or directory" "$out"
check_contains "-n names [server] metrics_token_file" "[server] metrics_token_file" "$out"
check_contains "-n refuses secret and secret_file together" \
    "[source.zendesk] secret_file: give secret or secret_file, not both" "$out"
: > "$WORK/etc/empty.secret"
write_config "$WORK/etc/empty.conf" '[source.generic]' 'secret_file = empty.secret'
out=$("$NPSD" -n -c "$WORK/etc/empty.conf" 2>&1)
check "-n: an empty secret file is exit 3" 3 "$?"
check_contains "-n says it is empty" "is empty" "$out"
"$NPSD" -f -c "$WORK/etc/bad.conf" > "$WORK/bad.out" 2>&1
check "start-up with an unreadable secret file: exit 3" 3 "$?"
check_contains "start-up names it" "[source.generic] secret_file" "$(cat "$WORK/bad.out")"
check "-n: the good configuration" 0 "$("$NPSD" -n -c "$WORK/etc/npsd.conf" > /dev/null 2>&1; echo $?)"
check "the secret is not in -n's output" 0 "$("$NPSD" -n -c "$WORK/etc/bad.conf" 2>&1 | grep -c "$SECRET_B64")"

# With systemd's credentials: the relative name is looked up there, not
# next to the configuration.
printf 'whsec_%s\n' "$OTHER_B64" > "$WORK/credentials/generic.secret"
cp "$WORK/etc/metrics.token" "$WORK/credentials/metrics.token"
out=$(CREDENTIALS_DIRECTORY=$WORK/credentials "$NPSD" -n -c "$WORK/etc/bad.conf" 2>&1)
check_contains "-n under CREDENTIALS_DIRECTORY looks there" \
    "[source.generic] secret_file = \"$WORK/credentials/missing.secret\"" "$out"

export CREDENTIALS_DIRECTORY="$WORK/credentials"
start_npsd "$WORK/etc/npsd.conf"
unset CREDENTIALS_DIRECTORY
post "$(closed_event T-1 jan@example.net)"
check "the config directory's secret is not used under CREDENTIALS_DIRECTORY" 401 "$STATUS"
SECRET_HEX=$(printf %s "$OTHER_B64" | base64 -d | od -An -tx1 | tr -d ' \n')
post "$(closed_event T-1 jan@example.net)"
check "the credential's secret is" 202 "$STATUS"
stop_npsd
SECRET_HEX=$(printf %s "$SECRET_B64" | base64 -d | od -An -tx1 | tr -d ' \n')

# Without: next to the configuration; the blanks around the line trimmed.
start_npsd "$WORK/etc/npsd.conf"
post "$(closed_event T-2 piet@example.net)"
check "secret_file: a signed event is accepted" 202 "$STATUS"

# /metrics behind its token
code() { curl -s -o "$WORK/metrics" -w '%{http_code}' "$@" "$BASE/metrics"; }
check "metrics without the token: 401" 401 "$(code)"
check "metrics with another token: 401" 401 "$(code -H 'Authorization: Bearer metrics-0123456789abcdeX')"
check "metrics with a prefix of the token: 401" 401 "$(code -H 'Authorization: Bearer metrics-0123')"
check "metrics with the token: 200" 200 "$(code -H "Authorization: Bearer $METRICS_TOKEN")"
version=$("$NPSD" -V 2>/dev/null | sed -n 's/^npsd //p')
check_contains "npsd_build_info names the version" "npsd_build_info{version=\"$version\"} 1" "$(cat "$WORK/metrics")"
check "healthz needs no token" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")"

# SIGHUP re-reads the files: the new secret and token apply at once
NEW_B64=dGhpcmQtc2VjcmV0LWZvci10aGUtcmVsb2FkLXRlc3Q=
printf 'whsec_%s\n' "$NEW_B64" > "$WORK/etc/generic.secret"
printf '%s\n' "metrics-reloaded-0123456789" > "$WORK/etc/metrics.token"
reloads=$(grep -c 'reloaded:' "$WORK/npsd.log")
kill -HUP "$NPSD_PID"
wait_until_ge $((reloads + 1)) grep -c 'reloaded:' "$WORK/npsd.log"
post "$(closed_event T-3 kees@example.net)"
check "after SIGHUP the old secret is refused" 401 "$STATUS"
SECRET_HEX=$(printf %s "$NEW_B64" | base64 -d | od -An -tx1 | tr -d ' \n')
post "$(closed_event T-3 kees@example.net)"
check "after SIGHUP the new secret is accepted" 202 "$STATUS"
check "after SIGHUP the old metrics token is refused" 401 "$(code -H "Authorization: Bearer $METRICS_TOKEN")"
check "after SIGHUP the new metrics token is accepted" 200 \
    "$(code -H 'Authorization: Bearer metrics-reloaded-0123456789')"

# A secret file that went away: the reload is refused, nothing changes
mv "$WORK/etc/generic.secret" "$WORK/etc/generic.secret.gone"
kill -HUP "$NPSD_PID"
wait_for grep -q 'reload refused.*\[source.generic\] secret_file' "$WORK/npsd.log"
check "a reload with an unreadable secret file is refused" 1 \
    "$(grep -c 'reload refused.*\[source.generic\] secret_file' "$WORK/npsd.log")"
post "$(closed_event T-4 anna@example.net)"
check "and the running secret still works" 202 "$STATUS"
check "the metrics token too" 200 "$(code -H 'Authorization: Bearer metrics-reloaded-0123456789')"
check "no secret in the log" 0 "$(grep -c "$NEW_B64\|$SECRET_B64\|metrics-reloaded" "$WORK/npsd.log")"

stop_npsd
check "npsd stops cleanly" 0 "$?"
finish
