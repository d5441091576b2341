#!/usr/bin/env bash
# The golden cases of tests/TESTLIST: the runner generates the captures
# (tools/mkexample.c, tools/mkmonth.c, tests/tools/golden-captures.py) under
# build/golden/captures/, runs `alfoil inspect --no-progress OPTIONS CAPTURE`
# from there for each case, masks what depends on the machine or the day
# (tests/tools/mask-report.sh) and compares the report with its file under
# tests/golden/; a difference is a failure and is shown.
#
#   UPDATE=1 bash tests/t-golden.sh     rewrite the expected files
#   GOLDEN_ONLY=REGEX                   only the cases whose name matches
#   GOLDEN_BUILD=DIR                    generate and run in DIR, not build/golden
set -u
. "$(dirname "$0")/lib.sh"
list=$ROOT/tests/TESTLIST
golden=$ROOT/tests/golden
mask=$ROOT/tests/tools/mask-report.sh
dir=${GOLDEN_BUILD:-$ROOT/build/golden}
caps=$dir/captures
export ASAN_OPTIONS=detect_leaks=1:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86

rm -rf "$dir" && mkdir -p "$caps" "$dir/out" || { not_ok "build/golden made"; tap_end; exit 1; }
gen=$ROOT/build/rel/mkexample
if [ -x "$gen" ]; then
	"$gen" "$caps/example.pcap" >/dev/null 2>&1
elif [ -f "$ROOT/examples/home.pcap" ]; then
	cp "$ROOT/examples/home.pcap" "$caps/example.pcap"
fi
check "the bundled example generated (build/rel/mkexample)" test -s "$caps/example.pcap"
mkdir -p "$caps/month"
[ -x "$ROOT/build/rel/mkmonth" ] && "$ROOT/build/rel/mkmonth" -d 20 "$caps/month/day20.pcap" 2>/dev/null
check "day 20 of the generated month (build/rel/mkmonth -d 20)" test -s "$caps/month/day20.pcap"
check "the test scripts' captures generated (tests/tools/golden-captures.py)" \
	python3 "$ROOT/tests/tools/golden-captures.py" "$caps"

have_data=0
[ -s "$ROOT/data/country.mmdb" ] && [ -s "$ROOT/data/asn.bin" ] && have_data=1

# one case: NAME CAPTURE EXPECTED OPTIONS... -> out/NAME.{out,err,rc}
run_case() {
	local name=$1 cap=$2 opts=$3
	local o=$GOLDEN_DIR/out/$name
	opts=${opts//\{root\}/$GOLDEN_ROOT}
	opts=${opts//\{html\}/$o.html}
	# shellcheck disable=SC2086 # options are split at spaces (TESTLIST)
	(cd "$GOLDEN_DIR/captures" && timeout 120 "$ALFOIL" inspect --no-progress $opts "$cap") >"$o.out" 2>"$o.err"
	echo $? >"$o.rc"
	# --html {html}: the page is the output compared
	if [[ $3 == *'{html}'* ]]; then
		mv "$o.html" "$o.out"
	fi
}
export -f run_case
export ALFOIL GOLDEN_DIR=$dir GOLDEN_ROOT=$ROOT

cases=$dir/cases
: >"$cases"
while read -r name cap expect opts; do
	case $name in '' | '#'*) continue ;; esac
	[ -n "${GOLDEN_ONLY:-}" ] && ! [[ $name =~ $GOLDEN_ONLY ]] && continue
	printf '%s\t%s\t%s\t%s\n' "$name" "$cap" "$expect" "$opts" >>"$cases"
done <"$list"
cut -f1,2,4 "$cases" | tr '\t' '\n' | xargs -d '\n' -n 3 -P "$(nproc)" bash -c 'run_case "$@"' _

updated=0
while IFS=$'\t' read -r name cap expect opts; do
	o=$dir/out/$name
	want=$golden/$expect
	if [ $have_data -eq 0 ] && [[ " $opts " != *" --data-dir "* ]]; then
		skip "$name" "IP data not installed (scripts/setup.sh fetches it into data/)"
		continue
	fi
	rc=$(cat "$o.rc" 2>/dev/null || echo none)
	if grep -q -E 'Sanitizer|runtime error' "$o.err"; then
		not_ok "$name" "$(grep -m3 -E 'Sanitizer|runtime error|#[0-9] ' "$o.err")"
		continue
	fi
	if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
		not_ok "$name" "alfoil inspect $opts $cap: exit $rc: $(head -c 400 "$o.err")"
		continue
	fi
	"$mask" "$o.out" >"$o.masked"
	if [ "${UPDATE:-0}" = 1 ]; then
		mkdir -p "$(dirname "$want")"
		if ! cmp -s "$o.masked" "$want"; then
			cp "$o.masked" "$want"
			updated=$((updated + 1))
		fi
		ok "$name (expected file written: tests/golden/$expect)"
	elif [ ! -f "$want" ]; then
		not_ok "$name" "no expected file tests/golden/$expect (UPDATE=1 writes it)"
	elif cmp -s "$o.masked" "$want"; then
		ok "$name"
	else
		not_ok "$name: $cap $opts differs from tests/golden/$expect" \
			"$(diff -u "$want" "$o.masked" --label "tests/golden/$expect" --label "alfoil inspect $opts $cap" | head -60)"
	fi
done <"$cases"
[ "${UPDATE:-0}" = 1 ] && echo "# UPDATE=1: $updated expected files changed"
tap_end
