#!/usr/bin/env bash
# live-bench.sh - how fast alfoil keeps up with a live interface.
#
# Replays the benchmark capture (bench/out/bench.pcap, built by
# bench/run-bench.sh) with tcpreplay over a veth pair between two network
# namespaces made here, into `alfoil inspect -i` (the release build), at
# rising rates and at full speed (--topspeed), and reports for each what
# tcpreplay sent, what alfoil analysed and what the kernel dropped
# (libpcap's statistics). The rate at which drops begin is the first rate
# that loses more than 0.1%. A single tcpreplay tops out below what alfoil
# takes on a small machine, so the last run has two senders at full speed
# at once, then three ("top x2", "top x3": sent and achieved are their
# sums), and last one sender and alfoil pinned to the same CPU (a
# one-core router's case). Nothing has an address, IPv6 is off: the
# replayed frames never leave the namespaces. Needs root.
#
#   BENCH_PCAP=FILE      replay this capture instead
#   LIVE_RATES="..."     frames/s to try (default 100000 200000 400000 800000)
# Writes bench/out/live.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
pcap=${BENCH_PCAP:-$out/bench.pcap}
rates=${LIVE_RATES:-100000 200000 400000 800000}
[ "$(id -u)" -eq 0 ] || { echo "live-bench: needs root (network namespaces)" >&2; exit 1; }
command -v tcpreplay >/dev/null || { echo "live-bench: tcpreplay missing (scripts/setup.sh)" >&2; exit 1; }
[ -s "$pcap" ] || { echo "live-bench: $pcap missing: run 'make bench' first" >&2; exit 1; }
[ -x ./alfoil ] || { echo "live-bench: build alfoil first (make)" >&2; exit 1; }

S=alfoil-lb$$-s R=alfoil-lb$$-r
cap=
cleanup() {
	[ -n "$cap" ] && kill "$cap" 2>/dev/null
	ip netns del "$S" 2>/dev/null || true
	ip netns del "$R" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$S"
ip netns add "$R"
ip link add ls$$ netns "$S" type veth peer name lr$$ netns "$R"
ip netns exec "$S" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip netns exec "$R" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
# the captures hold a few frames larger than 1500 bytes (offloaded)
ip -n "$S" link set ls$$ mtu 65535 up
ip -n "$R" link set lr$$ mtu 65535 up

md=$out/live.md
{
	echo "Live capture: $pcap replayed by tcpreplay over a veth pair into alfoil inspect -i, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs"
	echo
	echo "| asked frames/s | sent | achieved frames/s | analysed | dropped by kernel | dropped % |"
	echo "|---|---|---|---|---|---|"
} >"$md"
first_drop=
for rate in $rates top top2 top3 onecpu; do
	pin=()
	[ "$rate" = onecpu ] && pin=(taskset -c 0)
	ip netns exec "$R" "${pin[@]}" ./alfoil inspect -i lr$$ --json --no-progress -q -o "$out/live-$rate.json" &
	cap=$!
	sleep 1
	case $rate in
	top*) opt=(--topspeed) senders=${rate#top} senders=${senders:-1} ;;
	onecpu) opt=(--topspeed) senders=1 ;;
	*) opt=(--pps "$rate") senders=1 ;;
	esac
	others=()
	for k in $(seq 2 "$senders"); do
		ip netns exec "$S" tcpreplay -q -K -i ls$$ "${opt[@]}" "$pcap" >"$out/live-$rate.replay$k" 2>&1 &
		others+=($!)
	done
	ip netns exec "$S" "${pin[@]}" tcpreplay -q -K -i ls$$ "${opt[@]}" "$pcap" >"$out/live-$rate.replay" 2>&1 || true
	for k in $(seq 2 "$senders"); do
		wait "${others[$((k - 2))]}" || true
		cat "$out/live-$rate.replay$k" >>"$out/live-$rate.replay"
	done
	sleep 2
	kill -INT "$cap"
	wait "$cap" || true
	cap=
	sent=$(awk '/Successful packets:/ {n += $3} END {print n}' "$out/live-$rate.replay")
	achieved=$(sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' "$out/live-$rate.replay" | awk '{n += $1} END {print n}')
	analysed=$(jq '.capture.packets' "$out/live-$rate.json")
	dropped=$(jq '.capture.inputs[0].dropped // 0' "$out/live-$rate.json")
	pct=$(awk -v d="$dropped" -v s="$sent" 'BEGIN { printf "%.2f", s ? 100 * d / s : 0 }')
	label=$rate
	[ "$senders" -gt 1 ] && label="top x$senders"
	[ "$rate" = onecpu ] && label="top, sender and alfoil on one CPU"
	printf '| %s | %s | %.0f | %s | %s | %s |\n' "$label" "$sent" "$achieved" "$analysed" "$dropped" "$pct" >>"$md"
	echo "live-bench: $rate: sent $sent at ${achieved} frames/s, analysed $analysed, dropped $dropped ($pct%)"
	if [ -z "$first_drop" ] && [ "$rate" != onecpu ] && awk -v p="$pct" 'BEGIN { exit !(p > 0.1) }'; then
		first_drop="$rate (achieved ${achieved} frames/s)"
	fi
done
echo >>"$md"
echo "Drops begin (over 0.1% lost) at: ${first_drop:-none of the rates tried}" >>"$md"
echo
cat "$md"
