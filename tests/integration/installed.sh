#!/bin/sh
# installed.sh - the installed tree: configure --prefix=$WORK/prefix, make
# install, then the installed npsd and npsctl run from / on their
# compiled-in defaults only (no -c): the configuration in
# PREFIX/etc/npsd/npsd.conf, the templates in PREFIX/share/npsd, the
# database and maildir in PREFIX/var/lib/npsd. Also: the unit, the
# sysusers/tmpfiles snippets and the man pages name those paths, and a
# second make install keeps an edited configuration.
. "$TOP_SRCDIR/tests/integration/lib.sh"
sqlite_only "the installed defaults keep the database as a SQLite file in the state directory"

builddir=$(cd "$(dirname "$NPSD")/.." && pwd)
prefix=$WORK/prefix
mkdir -p "$WORK/build"
# a clean copy of the sources (the tree may be configured in place)
if ! make -s -C "$builddir" distdir distdir="$WORK/src" > "$WORK/build.log" 2>&1 ||
    ! (cd "$WORK/build" && "$WORK/src/configure" --quiet --prefix="$prefix" &&
       make -s -j"$(nproc)" && make -s install) >> "$WORK/build.log" 2>&1; then
	tail -n 30 "$WORK/build.log"
	not_ok "configure --prefix && make install"
	finish
fi
ok "configure --prefix=\$WORK/prefix && make install"

for f in sbin/npsd bin/npsctl etc/npsd/npsd.conf share/npsd/npsd.conf \
    share/npsd/templates/en/mail.txt share/npsd/templates/nl/survey.html \
    lib/systemd/system/npsd.service lib/sysusers.d/npsd.conf lib/tmpfiles.d/npsd.conf \
    share/man/man8/npsd.8 share/man/man8/npsctl.8 share/man/man5/npsd.conf.5; do
	check "installed: $f" yes "$([ -f "$prefix/$f" ] && echo yes)"
done
check "the state directory exists" yes "$([ -d "$prefix/var/lib/npsd" ] && echo yes)"
unit=$prefix/lib/systemd/system/npsd.service
check "the unit starts the installed npsd on the installed config" \
    "$prefix/sbin/npsd -f -c $prefix/etc/npsd/npsd.conf" "$(sed -n 's/^ExecStart=//p' "$unit")"
check "Type=notify, RestartPreventExitStatus=3, TimeoutStopSec=45" "notify 3 45" \
    "$(sed -n 's/^Type=//p' "$unit") $(sed -n 's/^RestartPreventExitStatus=//p' "$unit") $(sed -n 's/^TimeoutStopSec=//p' "$unit")"
check "the unit may write the state directory" "-$prefix/var/lib/npsd" "$(sed -n 's/^ReadWritePaths=//p' "$unit")"
check "no @placeholder@ is left in what was installed" 0 \
    "$(grep -l '@[a-zA-Z_]*@' "$unit" "$prefix"/lib/*.d/npsd.conf "$prefix"/share/man/man*/* \
       "$prefix/etc/npsd/npsd.conf" | wc -l)"
check_contains "tmpfiles makes the configured state directory" "d $prefix/var/lib/npsd 0750 npsd npsd" \
    "$(cat "$prefix/lib/tmpfiles.d/npsd.conf")"
check_contains "npsd(8) names the configured config file" "$prefix/etc/npsd/npsd.conf" \
    "$(cat "$prefix/share/man/man8/npsd.8")"
check_contains "and the database" "$prefix/var/lib/npsd/npsd.db" "$(cat "$prefix/share/man/man8/npsd.8")"
check_contains "npsd.conf(5) the templates" "$prefix/share/npsd/templates" \
    "$(cat "$prefix/share/man/man5/npsd.conf.5")"
check_contains "npsd -h names the compiled-in config file" "$prefix/etc/npsd/npsd.conf" \
    "$("$prefix/sbin/npsd" -h)"

# as an operator would: edit the installed config, install again
cat >> "$prefix/etc/npsd/npsd.conf" <<CONF
[server]
listen = 127.0.0.1:0
public_url = http://127.0.0.1:1
[survey]
delay = 0
[source.generic]
secret = $SECRET
CONF
cp "$prefix/etc/npsd/npsd.conf" "$WORK/edited.conf"
(cd "$WORK/build" && make -s install) >> "$WORK/build.log" 2>&1
check "make install again keeps the edited config" yes \
    "$(cmp -s "$WORK/edited.conf" "$prefix/etc/npsd/npsd.conf" && echo yes)"

out=$(cd / && "$prefix/sbin/npsd" -n 2>&1); rc=$?
check "from /, npsd -n with no -c reads the installed config" "0 npsd: configuration OK" "$rc $out"
log=$WORK/npsd.log
(cd / && exec "$prefix/sbin/npsd" -f) > "$log" 2>&1 &
NPSD_PID=$!
wait_for grep -q "listening on" "$log" || { cat "$log"; not_ok "the installed npsd starts"; finish; }
PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
BASE=http://127.0.0.1:$PORT
check_contains "it uses the state directory's database" "database $prefix/var/lib/npsd/npsd.db" \
    "$(grep 'listening on' "$log")"
post "$(closed_event INC-1 jan@example.net)"
check "a signed event is accepted" 202 "$STATUS"
wait_until_ge 1 sh -c "ls '$prefix/var/lib/npsd/mail/new' 2>/dev/null | wc -l"
check "the mail goes to the state directory's maildir" 1 "$(ls "$prefix/var/lib/npsd/mail/new" | wc -l)"
check "nothing was written in / or the build directory" "no no" \
    "$([ -e /var/npsd.db ] || [ -e /npsd.db ] && echo yes || echo no) $([ -e "$WORK/build/var" ] && echo yes || echo no)"
token=$(grep -o '/s/[A-Za-z0-9_-]\{22\}' "$prefix"/var/lib/npsd/mail/new/* | head -n 1 | sed 's|.*/s/||')
check "the answer page renders from the installed templates" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/s/$token?score=9")"
out=$(cd / && "$prefix/bin/npsctl" report --by none --format json 2>&1); rc=$?
check "npsctl from / with no -c reads the same database" "0 yes" \
    "$rc $(printf %s "$out" | grep -q '"sent": *1' && echo yes)"
stop_npsd; rc=$?
check "SIGTERM exits 0" 0 "$rc"

(cd "$WORK/build" && make -s uninstall) >> "$WORK/build.log" 2>&1
check "make uninstall keeps the edited config" yes "$([ -f "$prefix/etc/npsd/npsd.conf" ] && echo yes)"
check "and removes the programs" no "$([ -e "$prefix/sbin/npsd" ] && echo yes || echo no)"
finish
