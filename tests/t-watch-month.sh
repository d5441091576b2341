#!/usr/bin/env bash
# The generated month (tools/mkmonth.c: 30 days of packet time, about 200
# devices, destinations churning) through `alfoil watch -r`, with the
# daemon's own lifetimes and retention:
#   - a step per hour of packet time (720), exit 0
#   - the rollup: hourly rows only for the last 7 days (--rollup-after),
#     the days before summed into device_days/dest_days, and the bytes of
#     hours plus days equal to inspect's of the month
#   - --keep-days 10: no daily row older than 10 days before the end
#   - --keep-names 5: no name or query unseen for longer than that
#   - figures: database size per device-day and peak memory (release
#     build), printed as notes
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gen=$ROOT/build/rel/mkmonth
rel=${ALFOIL_REL:-$ROOT/alfoil}
[ -x "$rel" ] || rel=$ALFOIL
if [ ! -x "$gen" ] || ! command -v sqlite3 >/dev/null; then
	not_ok "build/rel/mkmonth built, sqlite3 there" "make build/rel/mkmonth (make check builds it); scripts/setup.sh"
	tap_end
	exit 1
fi
q() { sqlite3 -batch -noheader "$1" "$2" 2>&1; }
H=3600000000
D=86400000000
"$gen" "$work/month.pcap" 2>/dev/null
"$rel" inspect --json "$work/month.pcap" >"$work/m.json" 2>/dev/null

/usr/bin/time -f '%M' -o "$work/rss" "$rel" watch --config /dev/null -r "$work/month.pcap" --db "$work/m.db" \
	2>"$work/m.err"
rc=$?
check "watch -r of the month: exit 0" test $rc -eq 0
check "a step per hour of packet time, a commit per 10 s of the wall clock ($(grep -o '[0-9]* steps, [0-9]* commits' "$work/m.err"))" \
	grep -q "720 steps, [1-9][0-9]* commits (0 failed)" "$work/m.err"
end=$(q "$work/m.db" "SELECT MAX(hour_us) FROM device_hours")
old=$(q "$work/m.db" "SELECT COUNT(*) FROM device_hours WHERE hour_us < $end - 7 * $D")
check "rollup: no hourly row older than 7 days before the end ($old)" test "$old" = 0
check "and the days before are in device_days ($(q "$work/m.db" 'SELECT COUNT(DISTINCT day_us) FROM device_days') days)" \
	test "$(q "$work/m.db" 'SELECT COUNT(DISTINCT day_us) FROM device_days')" -ge 20
want=$(jq '[.devices[] | .bytes_out + .bytes_in] | add' "$work/m.json")
got=$(q "$work/m.db" "SELECT (SELECT SUM(bytes_out + bytes_in) FROM device_hours) +
	(SELECT SUM(bytes_out + bytes_in) FROM device_days)")
check "hours plus days: inspect's bytes of the month ($want)" test "$want" = "$got"
want=$(jq '[.devices[].destinations[] | .bytes_up + .bytes_down] | add' "$work/m.json")
got=$(q "$work/m.db" "SELECT (SELECT SUM(bytes_up + bytes_down) FROM dest_hours) +
	(SELECT SUM(bytes_up + bytes_down) FROM dest_days)")
check "and per destination, summed ($want)" test "$want" = "$got"
check "integrity_check ok" test "$(q "$work/m.db" 'PRAGMA integrity_check')" = ok
# findings no record can make again (ARP windows, connection gaps): read
# back from the findings table, as the run's detectors made them
kept() { jq -S '[.findings[] | select(.detector == "arp-sweep" or .detector == "arp-storm" or .detector == "beacon")]' "$1"; }
"$rel" report --db "$work/m.db" --json -q >"$work/r.json" 2>/dev/null
check "report --db: the ARP sweep of the scanner, word for word inspect's" \
	test "$(kept "$work/m.json" | jq -c '[.[] | select(.detector == "arp-sweep")]')" = \
	"$(kept "$work/r.json" | jq -c '[.[] | select(.detector == "arp-sweep")]')" -a \
	"$(kept "$work/r.json" | jq '[.[] | select(.detector == "arp-sweep")] | length')" = 1
"$rel" watch --config /dev/null -r "$work/month.pcap" --db "$work/i.db" --dest-idle 0 --device-idle 0 --name-idle 0 \
	--keep-days 36500 --keep-names 36500 2>/dev/null
"$rel" report --db "$work/i.db" --json -q >"$work/ri.json" 2>/dev/null
n=$(kept "$work/m.json" | jq length)
if [ "$n" -gt 1 ] && [ "$(kept "$work/m.json")" = "$(kept "$work/ri.json")" ]; then
	ok "with inspect's lifetimes: its $n beacon and ARP findings, evidence and words, from the history"
else not_ok "with inspect's lifetimes: its $n beacon and ARP findings, evidence and words, from the history" \
	"$(diff <(kept "$work/m.json") <(kept "$work/ri.json") | head -20)"; fi
"$rel" report --db "$work/i.db" --json -q --since 2026-12-05 >"$work/late.json" 2>/dev/null
check "and none in a window after they were last found" test "$(kept "$work/late.json" | jq length)" = 0
size=$(stat -c %s "$work/m.db")
dd=$(q "$work/m.db" "SELECT (SELECT COUNT(*) FROM device_days) +
	(SELECT COUNT(*) FROM (SELECT DISTINCT device, hour_us / $D FROM device_hours))")
echo "# the month: $size bytes, $dd device-days, $((size / dd)) bytes per device-day; peak RSS $(cat "$work/rss") KiB"
check "under 64 KiB per device-day ($((size / dd)))" test $((size / dd)) -lt 65536

"$rel" watch --config /dev/null -r "$work/month.pcap" --db "$work/k.db" --keep-days 10 --keep-names 5 2>/dev/null
end=$(q "$work/k.db" "SELECT MAX(hour_us) FROM device_hours")
check "--keep-days 10: no daily row older than 10 days" \
	test "$(q "$work/k.db" "SELECT COUNT(*) FROM device_days WHERE day_us < $end - 11 * $D")" = 0
check "and the days within are kept" \
	test "$(q "$work/k.db" "SELECT COUNT(*) FROM device_days WHERE day_us >= $end - 9 * $D")" -gt 0
check "--keep-names 5: no name unseen for longer" \
	test "$(q "$work/k.db" "SELECT COUNT(*) FROM names WHERE last_us < $end - 6 * $D")" = 0
check "nor a query" test "$(q "$work/k.db" "SELECT COUNT(*) FROM queries WHERE last_us < $end - 6 * $D")" = 0
check "and recent names kept" test "$(q "$work/k.db" "SELECT COUNT(*) FROM names WHERE last_us >= $end - 2 * $D")" -gt 0
tap_end
