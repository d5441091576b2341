#!/usr/bin/env bash
# Every capture in ../shared/captures through `alfoil inspect --json` under
# ASan+UBSan: no crash, no hang (60 s each), no sanitizer report, valid
# JSON (checked with jq: python3 behind a version shim cost more per file
# than alfoil did), and an exit status of 0 or 3 (3: the file was bad,
# named in the message).
set -u
. "$(dirname "$0")/lib.sh"
need_captures "all captures run clean"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=detect_leaks=1:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86

find "$CAPTURES" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort >"$work/list"
total=$(wc -l <"$work/list")

run_one() { # file -> prints "STATUS<TAB>file<TAB>reason"
	local f=$1 out err rc
	out=$(mktemp) err=$(mktemp)
	timeout 60 "$ALFOIL" inspect --json --no-progress -o "$out" "$f" 2>"$err"
	rc=$?
	if grep -q -E 'Sanitizer|runtime error' "$err"; then
		printf 'FAIL\t%s\tsanitizer: %s\n' "$f" "$(grep -m1 -E 'Sanitizer|runtime error' "$err")"
	elif [ $rc -eq 124 ]; then
		printf 'FAIL\t%s\thang (timeout 60 s)\n' "$f"
	elif [ $rc -ne 0 ] && [ $rc -ne 3 ] && [ $rc -ne 1 ]; then
		printf 'FAIL\t%s\texit %d: %s\n' "$f" $rc "$(head -c 300 "$err")"
	elif [ $rc -eq 1 ] && ! grep -q "alfoil inspect: $f" "$err"; then
		printf 'FAIL\t%s\texit 1 without a message naming the file\n' "$f"
	elif [ $rc -ne 1 ] && { [ ! -s "$out" ] || ! jq empty "$out" 2>/dev/null; }; then
		printf 'FAIL\t%s\tinvalid JSON\n' "$f"
	else
		printf 'OK%d\t%s\t\n' $rc "$f"
	fi
	rm -f "$out" "$err"
}
export -f run_one
export ALFOIL
xargs -P "$(nproc)" -I{} bash -c 'run_one "$1"' _ {} <"$work/list" >"$work/results"

while IFS=$'\t' read -r status f why; do
	name=${f#"$CAPTURES"/}
	case $status in
	OK0) ok "$name" ;;
	OK3) ok "$name (bad input reported, exit 3)" ;;
	OK1) ok "$name (not readable, reported, exit 1)" ;;
	*) not_ok "$name" "$why" ;;
	esac
done < <(sort -t$'\t' -k2 "$work/results")
echo "# $total captures: $(grep -c '^OK0' "$work/results") clean, $(grep -c '^OK3' "$work/results") with bad input reported, $(grep -c '^OK1' "$work/results") unreadable, $(grep -c '^FAIL' "$work/results") failed"
tap_end
