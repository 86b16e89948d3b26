#!/bin/sh
# templates.sh - a custom template directory: every broken template is
# named in one run of -n (exit 3); a file missing from it falls back to
# the shipped one with a warning, and the daemon serves it.
. "$TOP_SRCDIR/tests/integration/lib.sh"

cp -r "$TOP_SRCDIR/etc/templates" "$WORK/custom"
chmod -R u+w "$WORK/custom"
rm "$WORK/custom/en/survey.html" "$WORK/custom/nl/login.txt"
printf 'Hello {{bogus}}\n' > "$WORK/custom/en/mail.txt"
printf 'Score {{nope}}\n' > "$WORK/custom/nl/alert.txt"
printf 'Two\nlines\n' > "$WORK/custom/en/mail-subject.txt"
write_config "$WORK/npsd.conf" '[survey]' "templates = $WORK/custom" 'delay = 0' \
    '[mail]' "transport = maildir:$WORK/mail" '[source.generic]' "secret = $SECRET"
out=$("$NPSD" -n -c "$WORK/npsd.conf" 2>&1); rc=$?
check "-n with broken templates exits 3" 3 "$rc"
check_contains "it names the first" "en/mail.txt: unknown placeholder {{bogus}}" "$out"
check_contains "and the second in the same run" "nl/alert.txt: unknown placeholder {{nope}}" "$out"
check_contains "and the third" "en/mail-subject.txt: must be a single line" "$out"
check "a missing file is not an error" 0 \
    "$(printf '%s\n' "$out" | grep 'survey.html' | grep -vc 'is missing; using the shipped')"

cp "$TOP_SRCDIR/etc/templates/en/mail.txt" "$TOP_SRCDIR/etc/templates/en/mail-subject.txt" "$WORK/custom/en/"
cp "$TOP_SRCDIR/etc/templates/nl/alert.txt" "$WORK/custom/nl/"
out=$("$NPSD" -n -c "$WORK/npsd.conf" 2>&1); rc=$?
check "with only files missing, -n passes" 0 "$rc"
check_contains "and warns about each missing file" "en/survey.html is missing; using the shipped en/survey.html" "$out"
check_contains "both of them" "nl/login.txt is missing; using the shipped nl/login.txt" "$out"

rm -r "$WORK/custom/nl"
out=$("$NPSD" -n -c "$WORK/npsd.conf" 2>&1); rc=$?
check "a missing language directory is an error" 3 "$rc"
check_contains "named as such" "custom/nl" "$out"
cp -r "$TOP_SRCDIR/etc/templates/nl" "$WORK/custom/nl"
rm "$WORK/custom/nl/login.txt"

printf '<p>Custom thanks</p>\n' > "$WORK/custom/en/thanks.html"
start_npsd "$WORK/npsd.conf"
post "$(closed_event TPL-1 jan@example.net)"
check "scheduled" 202 "$STATUS"
wait_for sh -c "ls '$WORK/mail/new/' | grep -q ."
T=$(cat "$WORK/mail/new/"* | grep -o '/s/[A-Za-z0-9_-]\{22\}' | head -n 1 | cut -c4-)
page=$(curl -s "$BASE/s/$T?score=9")
check_contains "the shipped survey page is served in place of the missing one" 'name="score"' "$page"
stop_npsd
check "SIGTERM exits 0" 0 "$?"

finish
