#!/usr/bin/env bash
# A generated month (tools/mkmonth.c): 30 devices over 30 days of packet
# time, phones on a new randomised MAC every day, destinations churning,
# one camera scanning the LAN on day 20.
#
#   - the generator: a day alone is byte for byte that day of the month
#   - each day's own report: lan-scan (and arp-sweep) for the scanner on
#     day 20, on no other day and for no other device
#   - days 1-3 against days 1-30 with --dest-idle 1d --device-idle 3d
#     --name-idle 1d (the engine's idle expiry): peak memory flat within
#     10 % (max RSS of the release binary, and the report's tracker memory),
#     nothing refused, devices, destinations and names expired (> 0), the
#     devices of a month bounded by what was seen in the last days, and no
#     ordinary device over scan_hosts from a month of slow accumulation (the
#     laptop opens two LAN devices' pages a day)
# The memory figures use the release build (./alfoil; ASan would measure
# itself); the per-day reports use $ALFOIL.
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gen=$ROOT/build/rel/mkmonth
rel=${ALFOIL_REL:-$ROOT/alfoil}
[ -x "$rel" ] || rel=$ALFOIL
export ASAN_OPTIONS=detect_leaks=1:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86
SCANNER=94:f8:27:5a:10:1b LAPTOP=34:f6:4b:5a:10:25

if [ ! -x "$gen" ]; then
	not_ok "build/rel/mkmonth built" "make build/rel/mkmonth (make check builds it)"
	tap_end
	exit 1
fi
"$gen" "$work/month.pcap" 2>"$work/gen.err"
check "the month generated" test -s "$work/month.pcap"
packets=$(grep -o '[0-9]* packets' "$work/gen.err" | cut -d' ' -f1)
check "a few hundred thousand packets at most ($packets)" test "${packets:-0}" -gt 100000 -a "${packets:-0}" -le 400000
"$gen" -d 1-3 "$work/d1-3.pcap" 2>/dev/null
"$gen" -d 20 "$work/d20.pcap" 2>/dev/null
if command -v editcap >/dev/null; then
	TZ=UTC editcap -F pcap -A "2026-11-20 00:00:00" -B "2026-11-21 00:00:00" "$work/month.pcap" "$work/slice20.pcap" 2>/dev/null
	check "-d 20 writes day 20 of the month byte for byte" cmp "$work/d20.pcap" "$work/slice20.pcap"
	TZ=UTC editcap -F pcap -B "2026-11-04 00:00:00" "$work/month.pcap" "$work/slice1-3.pcap" 2>/dev/null
	check "-d 1-3 writes days 1-3 of the month byte for byte" cmp "$work/d1-3.pcap" "$work/slice1-3.pcap"
else
	skip "-d N is day N of the month" "editcap is not installed"
fi

# --- every day on its own: the scan is seen on day 20, by the scanner only
day_report() { # N: mkmonth -d N | alfoil inspect --json -> dN.json
	"$MONTH_GEN" -d "$1" "$MONTH_WORK/d$1.pcap" 2>/dev/null &&
		"$ALFOIL" inspect --json --no-progress -q -o "$MONTH_WORK/d$1.json" "$MONTH_WORK/d$1.pcap" 2>"$MONTH_WORK/d$1.err"
	echo $? >"$MONTH_WORK/d$1.rc"
	rm -f "$MONTH_WORK/d$1.pcap"
}
export -f day_report
export MONTH_GEN=$gen MONTH_WORK=$work ALFOIL
seq 1 30 | xargs -P "$(nproc)" -I{} bash -c 'day_report {}'
bad=$(for d in $(seq 1 30); do [ "$(cat "$work/d$d.rc")" = 0 ] || echo "day $d: exit $(cat "$work/d$d.rc") $(head -c 200 "$work/d$d.err")"; done)
check "30 daily reports, each exit 0" test -z "$bad"
[ -n "$bad" ] && echo "$bad" | sed 's/^/#   /'
for det in lan-scan arp-sweep; do
	got=$(for d in $(seq 1 30); do
		jq -r --arg det "$det" --arg d "$d" '.findings[]? | select(.detector == $det) | "day \($d) \(.device)"' "$work/d$d.json" 2>/dev/null
	done)
	if [ "$got" = "day 20 $SCANNER" ]; then
		ok "$det: day 20 only, the scanning camera only"
	else
		not_ok "$det: day 20 only, the scanning camera only" "found: ${got:-nothing}"
	fi
done
phones=$(for d in 1 2 3; do jq -r '.devices[] | select(.names | map(.name) | index("Pixel-7")) | "\(.mac) \(.maker.randomized_mac)"' "$work/d$d.json"; done | sort -u)
check "a phone: one randomised MAC a day, the same host name (days 1-3: $(echo "$phones" | wc -l) MACs)" \
	sh -c "[ \$(echo '$phones' | grep -c ' true\$') = 3 ]"

# --- a month against its first three days, with the engine's idle expiry
if ! "$rel" inspect --help 2>&1 | grep -q -- '--dest-idle'; then
	for what in "peak memory flat from day 3 to day 30 (max RSS, tracker memory)" "nothing refused over a month" \
		"devices, destinations and names expired" "devices of a month bounded by the last days'" \
		"no ordinary device over scan_hosts after a month"; do
		skip "$what" "needs inspect --dest-idle/--device-idle/--name-idle (engine lane) and the expiry counters (life lane)"
	done
	tap_end
	exit
fi
idle=(--dest-idle 1d --device-idle 3d --name-idle 1d)
rss() { # out.json pcap -> max RSS in kB, the highest of three runs (the
	# intel data loads on a thread while packets are read: the peak
	# depends on how the two overlap)
	local k
	for k in 1 2 3; do
		/usr/bin/time -f '%M' -o "$work/rss" "$rel" inspect --json --no-progress -q "${idle[@]}" -o "$1" "$2" \
			2>"$work/err" && cat "$work/rss"
	done | sort -n | tail -n 1
}
r3=$(rss "$work/m3.json" "$work/d1-3.pcap")
r30=$(rss "$work/m30.json" "$work/month.pcap")
check "inspect ${idle[*]} over days 1-3 and 1-30" test -n "$r3" -a -n "$r30"
flat() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > 0 && b <= a * 1.10) }'; }
check "max RSS flat: days 1-30 $r30 kB within 10 % of days 1-3 $r3 kB" flat "${r3:-0}" "${r30:-0}"
m3=$(jq '.capture.memory_bytes' "$work/m3.json" 2>/dev/null)
m30=$(jq '.capture.memory_bytes' "$work/m30.json" 2>/dev/null)
check "tracker memory flat: days 1-30 $m30 B within 10 % of days 1-3 $m3 B" flat "${m3:-0}" "${m30:-0}"
c() { jq -r ".capture.counters.$1 // 0" "$work/m30.json" 2>/dev/null || echo error; }
check "nothing refused: devices_refused $(c devices_refused), dests_refused $(c dests_refused)" \
	test "$(c devices_refused)" = 0 -a "$(c dests_refused)" = 0
if grep -rqF '"names_expired"' "$ROOT/src"; then # a counter of the report
	check "expired: devices $(c devices_expired), destinations $(c dests_expired), names $(c names_expired)" \
		test "$(c devices_expired)" -gt 0 -a "$(c dests_expired)" -gt 0 -a "$(c names_expired)" -gt 0
else
	skip "devices, destinations and names expired" \
		"the report has no devices_expired/dests_expired/names_expired counters yet (analyze/report.c fill_counters)"
fi
n30=$(jq '.devices | length' "$work/m30.json" 2>/dev/null)
# 24 devices on fixed MACs, 6 phones a day, idle for 3 days at most
check "devices of a month bounded by the last days' ($n30 <= 24 + 6 x 4)" test "${n30:-999}" -le 48
got=$(jq -r '[.findings[]? | select(.detector == "lan-scan") | .device] | join(" ")' "$work/m30.json")
check "no ordinary device over scan_hosts after a month (lan-scan: ${got:-none})" sh -c "! echo '$got' | grep -q '$LAPTOP'"
tap_end
