#!/usr/bin/env bash
# Every capture in ../shared/captures through `alfoil inspect --json` under
# ASan+UBSan: no crash, no hang (60 s each), no sanitizer report, valid
# JSON (checked with jq: python3 behind a version shim cost more per file
# than alfoil did), and an exit status of 0 or 3 (3: the file was bad,
# named in the message).
#
# The captures go through build/san/inspect-many (tests/tools/inspect-many.c):
# the same path as `alfoil inspect --json -o F FILE` (parse, collect, write)
# for one file after another in one process, the intel data loaded once per
# process instead of once per file (that load was ~119 ms a file under ASan,
# reading the packets ~4 ms). One process per CPU, each over a slice of the
# list; a crash or a hang ends that process and is the failure of the file
# it was on; the rest of the slice goes on in a new one. A few files are
# also run through the alfoil binary itself, and their reports must be the
# same bytes.
set -u
. "$(dirname "$0")/lib.sh"
need_captures "all captures run clean"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=detect_leaks=1:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86
MANY=${INSPECT_MANY:-$(dirname "$ALFOIL")/inspect-many}
if [ ! -x "$MANY" ]; then
	not_ok "$MANY built" "make build/san/inspect-many (make check builds it)"
	tap_end
	exit 1
fi

find "$CAPTURES" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort >"$work/list"
total=$(wc -l <"$work/list")
mkdir -p "$work/out"

# run_slice FIRST LAST: files FIRST..LAST of the list -> done.FIRST
# ("N<TAB>STATUS<TAB>file" lines; STATUS "crash" when the process died on
# it) and slice.FIRST.err (what the process said after the last file: a
# leak report)
run_slice() {
	local first=$1 last=$2 at=$1 done_n rc
	: >"$W/done.$first"
	while [ "$at" -le "$last" ]; do
		sed -n "${at},${last}p" "$W/list" |
			"$MANY" "$W/out" "$at" >>"$W/done.$first" 2>>"$W/slice.$first.err"
		rc=$?
		done_n=$(tail -n 1 "$W/done.$first" | cut -f1)
		[ -n "$done_n" ] && [ "$done_n" -ge "$at" ] || done_n=$((at - 1))
		if [ "$done_n" -ge "$last" ]; then
			[ $rc -eq 0 ] || echo "exit $rc after the last file" >>"$W/slice.$first.err"
			break
		fi
		# a hang line names its file; else it died on file done_n + 1
		if ! tail -n 1 "$W/done.$first" | grep -q "^$done_n	hang	"; then
			done_n=$((done_n + 1))
			printf '%d\tcrash %d\t%s\n' $done_n $rc "$(sed -n "${done_n}p" "$W/list")" >>"$W/done.$first"
		fi
		at=$((done_n + 1))
	done
}
export -f run_slice
export W=$work MANY

jobs=$(nproc)
per=$(((total + jobs - 1) / jobs))
for ((a = 1; a <= total; a += per)); do
	b=$((a + per - 1))
	[ $b -gt "$total" ] && b=$total
	echo "$a $b"
done | xargs -P "$jobs" -L 1 bash -c 'run_slice "$@"' _
cat "$work"/done.* | sort -n >"$work/done"

# the reports are JSON: all at once, file by file only when that fails
valid=$work/valid
if ls "$work"/out/*.json >/dev/null 2>&1 && jq empty "$work"/out/*.json >/dev/null 2>&1; then
	ls "$work"/out/*.json >"$valid"
else
	for j in "$work"/out/*.json; do jq empty "$j" >/dev/null 2>&1 && echo "$j"; done >"$valid"
fi

results=$work/results
while IFS=$'\t' read -r n status f; do
	err=$work/out/$n.err out=$work/out/$n.json
	if grep -q -E 'Sanitizer|runtime error' "$err" 2>/dev/null; then
		printf 'FAIL\t%s\tsanitizer: %s\n' "$f" "$(grep -m1 -E 'Sanitizer|runtime error' "$err")"
	elif [ "$status" = hang ]; then
		printf 'FAIL\t%s\thang (timeout 60 s)\n' "$f"
	elif [[ $status == crash* ]]; then
		printf 'FAIL\t%s\t%s: %s\n' "$f" "$status" "$(tail -c 300 "$err" 2>/dev/null)"
	elif [ "$status" != 0 ] && [ "$status" != 3 ] && [ "$status" != 1 ]; then
		printf 'FAIL\t%s\texit %s: %s\n' "$f" "$status" "$(head -c 300 "$err")"
	elif [ "$status" = 1 ] && ! grep -q "alfoil inspect: $f" "$err"; then
		printf 'FAIL\t%s\texit 1 without a message naming the file\n' "$f"
	elif [ "$status" != 1 ] && { [ ! -s "$out" ] || ! grep -qxF "$out" "$valid"; }; then
		printf 'FAIL\t%s\tinvalid JSON\n' "$f"
	else
		printf 'OK%s\t%s\t\n' "$status" "$f"
	fi
done <"$work/done" >"$results"

# every file accounted for, once
missing=$(cut -f3 "$work/done" | sort | comm -23 <(sort "$work/list") -)
[ -n "$missing" ] && echo "$missing" | while IFS= read -r f; do printf 'FAIL\t%s\tnot run\n' "$f"; done >>"$results"

while IFS=$'\t' read -r status f why; do
	name=${f#"$CAPTURES"/}
	case $status in
	OK0) ok "$name" ;;
	OK3) ok "$name (bad input reported, exit 3)" ;;
	OK1) ok "$name (not readable, reported, exit 1)" ;;
	*) not_ok "$name" "$why" ;;
	esac
done < <(sort -t$'\t' -k2 "$results")

# after the last file: leaks and the like, per process
leaks=$(cat "$work"/slice.*.err 2>/dev/null | grep -m3 -E 'Sanitizer|exit [0-9]+ after')
check "no sanitizer report at the end of any process (leaks)" test -z "$leaks"
[ -n "$leaks" ] && echo "$leaks" | sed 's/^/#   /'

# the same bytes as the alfoil binary: the first clean, bad-input and
# unreadable files, and the largest one
pick() { grep -m1 -P "^[0-9]+\t$1\t" "$work/done" | cut -f1; }
largest=$(find "$CAPTURES" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -printf '%s\t%p\n' |
	sort -n | tail -n 1 | cut -f2-)
same=0 tried=0
for n in $( (pick 0; pick 3; pick 1; grep -nxF "$largest" "$work/list" | cut -d: -f1) | sort -un); do
	f=$(sed -n "${n}p" "$work/list")
	tried=$((tried + 1))
	"$ALFOIL" inspect --json --no-progress -o "$work/ref.json" "$f" 2>"$work/ref.err"
	if { [ ! -e "$work/out/$n.json" ] && [ ! -e "$work/ref.json" ]; } ||
		cmp -s "$work/ref.json" "$work/out/$n.json"; then
		cmp -s "$work/ref.err" "$work/out/$n.err" && same=$((same + 1))
	fi
	rm -f "$work/ref.json"
done
check "inspect-many writes what alfoil inspect --json writes, report and messages ($same of $tried files)" \
	test "$same" -eq "$tried" -a "$tried" -gt 0

echo "# $total captures: $(grep -c '^OK0' "$results") clean, $(grep -c '^OK3' "$results") with bad input reported, $(grep -c '^OK1' "$results") unreadable, $(grep -c '^FAIL' "$results") failed"
tap_end
