#!/usr/bin/env bash
# run-tests.sh [BUILD_DIR] [TEST...] - run every test (or only the TESTs
# named: tests/t-X.sh scripts, BUILD_DIR/tests/test_X programs) and print
# "N passed, N failed".
#
# Unit tests are cmocka programs (TAP output); capture and end-to-end tests are
# scripts in tests/*.sh that print TAP lines ("ok N - ...", "not ok N - ...",
# "ok N - ... # SKIP reason"). The last line of output is the total.
set -u
build=build/san
if [ $# -gt 0 ] && [ -d "$1" ]; then
	build=$(realpath "$1")
	shift
fi
only=()
for t in "$@"; do
	[ -e "$t" ] || { echo "run-tests.sh: $t: no such test" >&2; exit 2; }
	only+=("$(realpath "$t")")
done
cd "$(dirname "$0")/.."
export ALFOIL=${ALFOIL:-$build/alfoil}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# A skipped test is "ok N - ... # SKIP why" from the scripts (tests/lib.sh)
# and "not ok N # SKIP name" from cmocka: both count as skipped, neither as
# passed or failed.
SKIP_RE='^(not )?ok [0-9]+[^#]*# [Ss][Kk][Ii][Pp]'
skipped=()

count() { # count TAP lines of "$log" for the test named $1, exit status $2
	local p f s line
	p=$(grep -cE '^ok [0-9]+' "$log")
	f=$(grep -cE '^not ok [0-9]+' "$log")
	s=$(grep -cE "$SKIP_RE" "$log")
	p=$((p - $(grep -cE '^ok [0-9]+[^#]*# [Ss][Kk][Ii][Pp]' "$log")))
	f=$((f - $(grep -cE '^not ok [0-9]+[^#]*# [Ss][Kk][Ii][Pp]' "$log")))
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	while IFS= read -r line; do
		line=${line#*# [Ss][Kk][Ii][Pp]}
		skipped+=("$1:${line}")
	done < <(grep -E "$SKIP_RE" "$log")
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		# crashed or exited non-zero without a failing line: one failure
		fail=$((fail + 1))
		echo "not ok - $1 exited with status $2"
	fi
}

wanted() { # is $1 among the tests asked for (all when none were named)?
	local w
	[ ${#only[@]} -eq 0 ] && return 0
	for w in "${only[@]}"; do
		[ "$w" = "$(realpath "$1")" ] && return 0
	done
	return 1
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	wanted "$t" || continue
	name=$(basename "$t")
	echo "# $name"
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	count "$name" "$rc"
done

for t in tests/t-*.sh; do
	[ -f "$t" ] || continue
	wanted "$t" || continue
	name=$(basename "$t")
	echo "# $name"
	bash "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	count "$name" "$rc"
done

echo "# skipped: $skip"
for line in "${skipped[@]}"; do
	printf '#   %s\n' "$line"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
