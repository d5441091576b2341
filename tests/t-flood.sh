#!/usr/bin/env bash
# Bounded memory, checked on alfoil's own count of its tables
# (capture.memory_bytes in the JSON report):
#   - a flood of new flows, spoofed MACs and random DNS names
#     (build/rel/mkflood) fills the tables to their caps and no further:
#     at most the caps' worth of devices, flows and destinations; every
#     made-up MAC is a device on probation, evicted (counted) for the
#     next with its destinations and name cache entries, so the memory is
#     the same for 100 000 packets as for 300 000; evictions and refusals
#     are reported (counters, and a warning on stderr);
#   - the same traffic three times over needs the memory it needs once.
# Peak RSS is a benchmark matter (make bench), not judged here.
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
MKFLOOD=$ROOT/build/rel/mkflood
[ -x "$MKFLOOD" ] || { not_ok "build/rel/mkflood built" "make check builds it"; tap_end; exit 1; }

caps=(--max-flows 2048 --max-devices 128 --max-dests 1024)
for n in 100000 300000; do
	"$MKFLOOD" -n $n "$work/f$n.pcap" 2>/dev/null
	"$ALFOIL" inspect --json --no-progress "${caps[@]}" -o "$work/f$n.json" "$work/f$n.pcap" 2>"$work/f$n.err"
	check "flood of $n packets: report made" test $? -eq 0
done
j() { jq -r "$2" "$work/$1.json"; }
m1=$(j f100000 .capture.memory_bytes) m3=$(j f300000 .capture.memory_bytes)
check "flood: table memory the same for 100k and 300k packets ($m1, $m3 bytes)" test "$m1" -eq "$m3"
check "flood: at most 128 devices kept ($(j f300000 '.devices | length'))" test "$(j f300000 '.devices | length')" -le 128
check "flood: flows evicted, counted" test "$(j f300000 '.capture.counters.flows_evicted // 0')" -gt 200000
check "flood: made-up MACs on probation evicted for the next, counted" \
	test "$(j f300000 '.capture.counters.devices_evicted // 0')" -gt 200000
check "flood: none refused (no made-up MAC showed evidence)" test "$(j f300000 '.capture.counters.devices_refused // 0')" -eq 0
check "flood: destinations kept within --max-dests" \
	test "$(j f300000 '[.devices[].destinations | length] | add')" -le 1024
check "flood: a warning names the limits reached" grep -q "limits reached:.*flows evicted.*--max-flows 2048" "$work/f300000.err"
check "flood: ... and the devices evicted" grep -q "limits reached:.* devices seen only briefly evicted for newcomers (--max-devices 128)" "$work/f300000.err"
check "flood: packets all counted ($(j f300000 .capture.packets))" test "$(j f300000 .capture.packets)" -eq 300000

python3 "$ROOT/bench/repeat-pcap.py" "$ROOT/examples/home.pcap" 3 "$work/home3.pcap" >/dev/null
"$ALFOIL" inspect --json --no-progress -q -o "$work/h1.json" "$ROOT/examples/home.pcap"
"$ALFOIL" inspect --json --no-progress -q -o "$work/h3.json" "$work/home3.pcap"
check "the example 3 times over: 3 times the packets" \
	test "$(j h3 .capture.packets)" -eq "$((3 * $(j h1 .capture.packets)))"
check "the example 3 times over: the same table memory ($(j h1 .capture.memory_bytes) bytes)" \
	test "$(j h3 .capture.memory_bytes)" -eq "$(j h1 .capture.memory_bytes)"
check "the example 3 times over: the same devices" test "$(j h3 '[.devices[].mac]')" = "$(j h1 '[.devices[].mac]')"
tap_end
