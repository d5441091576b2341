#!/usr/bin/env bash
# A capture replayed for real into `alfoil inspect -i`: a veth pair between
# two network namespaces made here, tcpreplay sending the bundled example
# on one end, alfoil listening on the other. Nothing has an address and
# IPv6 is off on both ends, so the replayed frames are all that crosses the
# link, and they never leave the namespaces.
#
# Checked: every frame tcpreplay sent is either analysed or counted as
# dropped by the kernel (libpcap's statistics, in the report); at a gentle
# rate none is dropped and the live report finds the same devices as the
# report on the file. At full speed the drop count is printed, not judged:
# how fast a machine is belongs in the benchmark (bench/live-bench.sh).
set -u
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "replay into a live capture" "needs root (network namespaces)"
	tap_end; exit 0
fi
if ! command -v tcpreplay >/dev/null; then
	skip "replay into a live capture" "tcpreplay is not installed (scripts/setup.sh)"
	tap_end; exit 0
fi
PCAP=$ROOT/examples/home.pcap
S=alfoil-r$$-s R=alfoil-r$$-r
work=$(mktemp -d)
cleanup() {
	[ -n "${cap:-}" ] && kill "$cap" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	ip netns del "$R" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$S" && ip netns add "$R" &&
	ip link add rs$$ netns "$S" type veth peer name rr$$ netns "$R" &&
	ip netns exec "$S" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
	ip netns exec "$R" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
	ip -n "$S" link set rs$$ mtu 9000 up && ip -n "$R" link set rr$$ mtu 9000 up
check "namespaces and veth pair made, IPv6 off" test $? -eq 0

# Replay at a rate; sets sent, analysed, dropped (and the report in $work/$1.json).
replay() {
	local name=$1; shift
	ip netns exec "$R" "$ALFOIL" inspect -i rr$$ --json --no-progress -o "$work/$name.json" \
		2>"$work/$name.err" &
	cap=$!
	sleep 1 # the capture is open
	ip netns exec "$S" tcpreplay -i rs$$ "$@" "$PCAP" >"$work/$name.replay" 2>&1
	sleep 1 # the last frames are through
	kill -INT "$cap"
	wait "$cap"
	rc=$?
	cap=
	sent=$(awk '/Successful packets:/ {print $3}' "$work/$name.replay")
	analysed=$(jq '.capture.packets' "$work/$name.json" 2>/dev/null)
	dropped=$(jq '.capture.inputs[0].dropped // 0' "$work/$name.json" 2>/dev/null)
}

replay gentle --pps 4000
check "gentle: alfoil exits 0 after Ctrl-C" test "$rc" -eq 0
check "gentle: tcpreplay sent every frame of the example ($sent)" test "${sent:-0}" -eq "$(tcpdump -nr "$PCAP" 2>/dev/null | wc -l)"
if [ "${dropped:-x}" = 0 ]; then
	check "gentle: all $sent frames analysed, none dropped" test "${analysed:-0}" -eq "$sent"
	"$ALFOIL" inspect --json --no-progress -q -o "$work/file.json" "$PCAP"
	live=$(jq -c '[.devices[].mac] | sort' "$work/gentle.json")
	file=$(jq -c '[.devices[].mac] | sort' "$work/file.json")
	check "gentle: the live report finds the devices the file report finds" test "$live" = "$file"
else
	not_ok "gentle: no frame dropped at 4000 frames/s" "dropped=$dropped analysed=$analysed sent=$sent"
fi

replay top --topspeed
check "full speed: alfoil exits 0 after Ctrl-C" test "$rc" -eq 0
check "full speed: sent = analysed + dropped ($sent = $analysed + $dropped)" \
	test "${sent:-0}" -gt 0 -a "$sent" -eq "$((${analysed:-0} + ${dropped:-0}))"
rate=$(sed -n "s/.*Rated: .*, \([0-9.]*\) pps.*/\1/p" "$work/top.replay" | head -1)
echo "# full speed: $sent frames at $rate frames/s, $dropped dropped by the kernel"
tap_end
