#!/bin/sh
# rate_limit.sh - owns the end-to-end check of the unknown-token limit:
# clients that alternate (127.0.0.1 and 127.0.0.2, and a pair that shared
# a slot in the old hashed table) each get 429 after the limit, and a
# third client is not held back by them.
. "$TOP_SRCDIR/tests/integration/lib.sh"

write_config "$WORK/npsd.conf" '[mail]' "transport = maildir:$WORK/mail" \
    '[source.generic]' "secret = $SECRET"
start_npsd "$WORK/npsd.conf"

LIMIT=20	# NPSD_UNKNOWN_TOKEN_LIMIT
UNKNOWN=AAAAAAAAAAAAAAAAAAAAZZ

# guess FROM: one unknown-token request from that loopback address
guess() {
	curl -s -o /dev/null -w '%{http_code}' --interface "$1" "$BASE/s/$UNKNOWN?score=9"
}

# alternate A B: LIMIT guesses from each, interleaved; prints the codes
alternate() {
	codes=
	i=0
	while [ "$i" -lt "$LIMIT" ]; do
		codes="$codes $(guess "$1") $(guess "$2")"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	printf '%s\n' $codes | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}'
}

check "127.0.0.1 and 127.0.0.2 alternating: every guess inside the limit is 404" \
    "404:$((2 * LIMIT)) " "$(alternate 127.0.0.1 127.0.0.2)"
check "then 127.0.0.1 gets 429" 429 "$(guess 127.0.0.1)"
check "and 127.0.0.2 gets 429" 429 "$(guess 127.0.0.2)"
check "a third client is not held back by them" 404 "$(guess 127.0.0.5)"

# 127.0.0.3 and 127.0.10.189 shared one slot of the old 4096-slot table,
# where each reset the other's count
check "a pair that collided in the old table: every guess inside the limit is 404" \
    "404:$((2 * LIMIT)) " "$(alternate 127.0.0.3 127.0.10.189)"
check "then 127.0.0.3 gets 429" 429 "$(guess 127.0.0.3)"
check "and 127.0.10.189 gets 429" 429 "$(guess 127.0.10.189)"
curl -s -D "$WORK/h429" -o /dev/null --interface 127.0.10.189 "$BASE/s/$UNKNOWN"
check_contains "with Retry-After" "Retry-After:" "$(cat "$WORK/h429")"
check "127.0.0.1 is still held back" 429 "$(guess 127.0.0.1)"
stop_npsd
check "npsd stops cleanly" 0 "$?"

finish
