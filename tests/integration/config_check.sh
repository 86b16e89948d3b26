#!/bin/sh
# config_check.sh - npsd -n and the exit codes of npsd and npsctl.
. "$TOP_SRCDIR/tests/integration/lib.sh"

write_config "$WORK/good.conf" '[source.generic]' "secret = $SECRET"
out=$("$NPSD" -n -c "$WORK/good.conf" 2>&1); rc=$?
check "npsd -n accepts a good config" 0 "$rc"

write_config "$WORK/bad.conf" '[server]' 'threads = many'
out=$("$NPSD" -n -c "$WORK/bad.conf" 2>&1); rc=$?
check "npsd -n exits 3 on a bad value" 3 "$rc"
check_contains "the message names section and key" "[server] threads" "$out"

write_config "$WORK/bad2.conf" '[survey]' 'cooldown = 30 days'
out=$("$NPSD" -n -c "$WORK/bad2.conf" 2>&1); rc=$?
check "a bad duration exits 3" 3 "$rc"
check_contains "and names [survey] cooldown" "[survey] cooldown" "$out"

write_config "$WORK/bad3.conf" '[survey]' "templates = $WORK/nowhere"
out=$("$NPSD" -n -c "$WORK/bad3.conf" 2>&1); rc=$?
check "missing templates exit 3" 3 "$rc"
check_contains "and name [survey] templates" "[survey] templates" "$out"

out=$("$NPSD" -n -c "$WORK/does-not-exist.conf" 2>&1); rc=$?
check "a missing config file exits 3" 3 "$rc"

out=$("$NPSD" -x 2>&1); rc=$?
check "an unknown option exits 2" 2 "$rc"

out=$("$NPSCTL" -c "$WORK/good.conf" report --by nobody 2>&1); rc=$?
check "npsctl report --by nobody exits 2" 2 "$rc"
check_contains "with a message" "--by" "$out"
out=$("$NPSCTL" -c "$WORK/good.conf" report --since 2026-13-01 2>&1); rc=$?
check "npsctl report with a bad date exits 2" 2 "$rc"
out=$("$NPSCTL" -c "$WORK/good.conf" report --last 30d --since 2026-01-01 2>&1); rc=$?
check "--last with --since exits 2" 2 "$rc"
out=$("$NPSCTL" -c "$WORK/good.conf" frobnicate 2>&1); rc=$?
check "an unknown npsctl command exits 2" 2 "$rc"
out=$("$NPSCTL" -c "$WORK/bad.conf" report 2>&1); rc=$?
check "npsctl with a bad config exits 3" 3 "$rc"
out=$("$NPSCTL" -c "$WORK/good.conf" report 2>&1); rc=$?
check "npsctl report before the database exists exits 1" 1 "$rc"

finish
