#!/bin/sh
# store_boundary.sh - owns the rule of the storage layer (doc/internals.md):
# no SQL, no SQLite or libpq call and no database header outside
# src/store*.c, and no statement but store_survey_transition's that
# writes a survey's state. Fails naming each line that breaks it.
set -u
: "${TOP_SRCDIR:?set by make check}"
cd "$TOP_SRCDIR/src" || exit 1
outside=$(ls ./*.c ./*.h | grep -v '^\./store')
failed=0

# report TITLE LINES: prints the offending lines, counts a failure
report() {
	if [ -n "$2" ]; then
		echo "not ok - $1:"
		printf '%s\n' "$2" | sed 's/^/    /'
		failed=$((failed + 1))
	else
		echo "ok - $1"
	fi
}

report "no SQL statement outside src/store*.c" "$(grep -nE \
    '"[^"]*\b(SELECT .* FROM|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE (TABLE|INDEX)|ALTER TABLE|DROP TABLE|PRAGMA [a-z_]+|VACUUM|BEGIN IMMEDIATE|ON CONFLICT)\b' \
    $outside)"
report "no SQLite or libpq call outside src/store*.c" "$(grep -nE \
    '\bsqlite3_[a-z_0-9]+|\bSQLITE_[A-Z]+|\bPQ[a-z]+[A-Za-z]*\(|<sqlite3\.h>|<libpq-fe\.h>|\bdb_(open|close|thread|store|begin|commit|rollback|exec|prepare|cached|done)\b' \
    $outside)"
report "no statement sets a survey's state but store_survey_transition" "$(grep -nP \
    'UPDATE surveys SET (?:(?!WHERE)[^"])*\bstate\s*=' ./*.c | grep -v '^\./store_transition\.c:')"
report "the survey states are named in survey_state.c alone among the C files that write them" "$(grep -nE \
    "state *= *'(scheduled|sent|answered|expired|cancelled|failed)'" $outside |
    grep -v '^\./survey_state\.c:')"
echo "$((4 - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
