#!/usr/bin/env bash
# run-tests.sh BUILD_DIR - run every test and print "N passed, N failed".
#
# Unit tests are cmocka programs (TAP output); capture and end-to-end tests are
# scripts in tests/*.sh that print TAP lines ("ok N - ...", "not ok N - ...",
# "ok N - ... # SKIP reason"). The last line of output is the total.
set -u
cd "$(dirname "$0")/.."
build=${1:-build/san}
export ALFOIL=${ALFOIL:-$build/alfoil}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # count TAP lines of "$log" for the test named $1
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$log" | head -1)
	s=$(grep -cE '^ok [0-9]+.*# [Ss][Kk][Ii][Pp]' "$log" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$log" | head -1)
	p=$((p - s))
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		# crashed or exited non-zero without a failing line: one failure
		fail=$((fail + 1))
		echo "not ok - $1 exited with status $2"
	fi
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	echo "# $name"
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	count "$name" "$rc"
done

for t in tests/t-*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t")
	echo "# $name"
	bash "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	count "$name" "$rc"
done

echo "# skipped: $skip"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
