#!/usr/bin/env bash
# The example queries of docs/store.md, each run with the sqlite3 shell on
# a history made from examples/home.pcap (test_store's capture test, kept
# with STORE_TEST_DB): every one runs without an error and gives rows.
set -u
. "$(dirname "$0")/lib.sh"

unit=$ROOT/build/san/tests/test_store
if ! command -v sqlite3 >/dev/null; then
	skip "the example queries of docs/store.md" "no sqlite3 shell (scripts/setup.sh installs it)"
	tap_end; exit 0
fi
if [ ! -x "$unit" ] || [ ! -r "$ROOT/examples/home.pcap" ]; then
	skip "the example queries of docs/store.md" "build/san/tests/test_store or examples/home.pcap missing (make check builds them)"
	tap_end; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/h.db
if ! out=$(cd "$ROOT" && STORE_TESTS=test_capture_sums STORE_TEST_DB=$db "$unit" 2>&1) || [ ! -s "$db" ]; then
	not_ok "a history of examples/home.pcap to query" "$out"
	tap_end; exit 1
fi
ok "a history of examples/home.pcap to query"

# the ```sql blocks, one file each
awk -v dir="$work" '/^```sql$/ { n++; f = sprintf("%s/q%02d.sql", dir, n); on = 1; next }
	/^```$/ { on = 0; next } on { print > f }' "$ROOT/docs/store.md"
n=0
for q in "$work"/q*.sql; do
	[ -e "$q" ] || continue
	n=$((n + 1))
	what=$(head -c 70 "$q" | tr '\n' ' ')
	if out=$(sqlite3 -bail -readonly "$db" <"$q" 2>&1) && [ -n "$out" ] && ! grep -q '^Error' <<<"$out"; then
		ok "docs/store.md query $n gives rows: $what"
	else
		not_ok "docs/store.md query $n gives rows: $what" "$out"
	fi
done
if [ "$n" -ge 6 ]; then ok "docs/store.md has its example queries ($n)"
else not_ok "docs/store.md has its example queries" "found $n"; fi

# the check of a whole file says so
check "integrity_check of the history is ok" test "$(sqlite3 -readonly "$db" 'PRAGMA integrity_check')" = ok
tap_end
