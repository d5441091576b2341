#!/usr/bin/env bash
# compare-outputs.sh BASE NEW [CAPTURE...] - are two alfoil binaries'
# reports byte-identical?
#
# Runs `BASE inspect` and `NEW inspect` over the bundled example (built by
# build/rel/mkexample, else examples/home.pcap), the bench capture when it
# is there (BENCH, default /work/bench.pcap) and every capture under
# ../shared/captures (SHARED_CAPTURES), or only over the CAPTUREs given: the
# text report, and the JSON and HTML of one run (--json -o F --html F),
# each with its exit status. Fields that depend on the machine or the day
# are masked first (tests/tools/mask-report.sh: version, data set dates and
# paths, memory figure); every other byte must be the same. Lists each
# output that differs with the start of its diff and ends with a count:
#
#   compare-outputs: N captures, M outputs compared, K differ
#
# Exit 0 when nothing differs, 1 when something does, 2 on a usage error.
# JOBS (default: the number of CPUs) runs in parallel; KEEP=DIR keeps the
# outputs (DIR/base, DIR/new); DIFF_LINES (default 20) lines of each diff.
set -u
if [ $# -lt 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
	echo "usage: $0 BASE NEW [CAPTURE...] (two alfoil binaries)" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
base=$(realpath "$1") new=$(realpath "$2")
shift 2
mask=$root/tests/tools/mask-report.sh
jobs=${JOBS:-$(nproc)}
lines=${DIFF_LINES:-20}
start=$(date +%s.%N)

if [ -n "${KEEP:-}" ]; then
	work=$KEEP
	rm -rf "$work/base" "$work/new" "$work/list"
	mkdir -p "$work"
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/base" "$work/new"

list=$work/list
if [ $# -gt 0 ]; then
	for f in "$@"; do realpath "$f"; done >"$list"
else
	: >"$list"
	if [ -x "$root/build/rel/mkexample" ]; then
		"$root/build/rel/mkexample" "$work/example.pcap" >/dev/null 2>&1 && echo "$work/example.pcap" >>"$list"
	elif [ -f "$root/examples/home.pcap" ]; then
		echo "$root/examples/home.pcap" >>"$list"
	else
		echo "compare-outputs: no example (make example)" >&2
	fi
	bench=${BENCH:-/work/bench.pcap}
	[ -f "$bench" ] && echo "$bench" >>"$list"
	shared=${SHARED_CAPTURES:-$root/../shared/captures}
	if [ -d "$shared" ]; then
		find "$(realpath "$shared")" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort >>"$list"
	else
		echo "compare-outputs: $shared is absent: only the example and the bench capture" >&2
	fi
fi

# one capture, both binaries: N FILE -> {base,new}/N.{txt,json,html,rc}
run_one() {
	local n=$1 f=$2 side bin d
	for side in base new; do
		bin=$CMP_BASE
		[ $side = new ] && bin=$CMP_NEW
		d=$CMP_WORK/$side/$n
		"$bin" inspect --no-progress -q "$f" >"$d.txt" 2>/dev/null
		echo "text $?" >"$d.rc"
		"$bin" inspect --no-progress -q --json -o "$d.json" --html "$d.html" "$f" 2>/dev/null
		echo "json+html $?" >>"$d.rc"
	done
}
export -f run_one
export CMP_BASE=$base CMP_NEW=$new CMP_WORK=$work
nl -ba -w1 -s$'\t' "$list" | tr '\t' '\n' | xargs -d '\n' -n 2 -P "$jobs" bash -c 'run_one "$@"' _

captures=0 compared=0 differ=0
while IFS=$'\t' read -r n f; do
	captures=$((captures + 1))
	for ext in rc txt json html; do
		b=$work/base/$n.$ext w=$work/new/$n.$ext
		[ -e "$b" ] || [ -e "$w" ] || continue
		compared=$((compared + 1))
		if [ $ext = rc ]; then
			cmp -s "$b" "$w" && continue
		elif cmp -s <("$mask" "$b" 2>/dev/null) <("$mask" "$w" 2>/dev/null); then
			continue
		fi
		differ=$((differ + 1))
		echo "differs: $f (${ext/rc/exit status})"
		diff -u --label "base $ext" --label "new $ext" <("$mask" "$b" 2>/dev/null) <("$mask" "$w" 2>/dev/null) |
			head -n "$lines" | sed 's/^/    /'
	done
done < <(nl -ba -w1 -s$'\t' "$list")

secs=$(echo "$(date +%s.%N) - $start" | bc)
printf 'compare-outputs: %d captures, %d outputs compared, %d differ (%.0f s)\n' "$captures" "$compared" "$differ" "$secs"
[ "$differ" -eq 0 ]
