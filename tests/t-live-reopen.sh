#!/usr/bin/env bash
# Live robustness for real (the engine as `alfoil watch` runs it, through
# tests/tools/live-engine.c): network namespaces made here, veth pairs
# between them, UDP datagrams sent from one end to the other (port 9,
# discard) and the engine listening on the other end(s):
#
#   1. two interfaces captured at once, traffic on both seen; without
#      persist one deleted mid-run ends alone, the other goes on;
#   2. persist: an interface taken down and up is logged (the capture stays
#      open), one deleted and made again is logged as lost, opened again
#      and its traffic seen after; counters summed over both opens;
#   3. persist: an interface absent at the start is waited for (backoff
#      1 s, 2 s, ... in the log), opened when it appears and read; with
#      every interface absent the tick still runs; without persist an
#      absent interface is an error;
#   4. the drop counters' callback: every interval, received = what
#      tcpreplay sent (IPv6 off: nothing else crosses) = packets + dropped.
#
# Only the namespaces' own addresses (10.213.9.0/24, 10.213.10.0/24,
# 10.213.11.0/24) are ever targets; the namespaces go at exit.
set -u
. "$(dirname "$0")/lib.sh"

need_netns "live interfaces reopened"
LE=${LIVE_ENGINE:-$(dirname "$ALFOIL")/live-engine}
if [ ! -x "$LE" ]; then
	not_ok "tests/tools/live-engine is built" "$LE is missing: make build/san/live-engine"
	tap_end; exit 1
fi

A=alfoil-l$$-a B=alfoil-l$$-b
work=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$A" && ip netns add "$B" &&
	ip -n "$A" link set lo up && ip -n "$B" link set lo up &&
	ip netns exec "$A" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 &&
	ip netns exec "$B" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
check "namespaces made, IPv6 off" test $? -eq 0

# link IFA IFB NET: a veth IFA (in A, NET.1/24) - IFB (in B, NET.2/24), up
link() {
	ip link add "$1" netns "$A" type veth peer name "$2" netns "$B" &&
		ip -n "$A" addr add "$3.1/24" dev "$1" && ip -n "$B" addr add "$3.2/24" dev "$2" &&
		ip -n "$A" link set "$1" up && ip -n "$B" link set "$2" up
}
# send N ADDR: N UDP datagrams from B to ADDR port 9, 20 ms apart
send() {
	ip netns exec "$B" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"alfoil-reopen-test", (sys.argv[2], 9))
    time.sleep(0.02)
' "$1" "$2"
}
# wait_for PATTERN FILE [SECONDS]: until a line of FILE matches (egrep)
wait_for() {
	local i
	for ((i = 0; i < ${3:-20} * 10; i++)); do
		grep -qE "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# field FILE IFACE WORD: the number after WORD on the input line of IFACE
field() { awk -v i="$2" -v w="$3" '$1 == "input" && $2 == i { for (k = 3; k < NF; k++) if ($k == w) print $(k + 1) }' "$1"; }
# at FILE PATTERN IFACE: IFACE's packets on the first log line matching PATTERN
at() { grep -E "$2" "$1" | head -1 | tr ' ' '\n' | sed -n "s/^$3=//p"; }

# ---- 1. two interfaces at once --------------------------------------------
link va$$ vb$$ 10.213.9 && link wa$$ wb$$ 10.213.10
check "two veth pairs made" test $? -eq 0
out=$work/two
ip netns exec "$A" "$LE" -d 30 va$$ wa$$ >"$out" 2>"$out.err" &
le=$!; pids+=("$le")
sleep 1.5 # both open
send 30 10.213.9.1
send 30 10.213.10.1
ip -n "$A" link del wa$$ # without persist: that one ends, the other goes on
wait_for "log error .*wa$$" "$out" 10
send 30 10.213.9.1
kill -INT "$le"; wait "$le"; rc=$?
check "two interfaces: exit 0 after a stop" test "$rc" -eq 0
va=$(field "$out" va$$ packets) wa=$(field "$out" wa$$ packets)
total=$(awk '$1 == "total" {print $2}' "$out")
check "two interfaces: both read ($va on va, $wa on wa; 60 and 30 datagrams sent)" \
	test "${va:-0}" -ge 60 -a "${wa:-0}" -ge 30
check "two interfaces: one engine, the total is their sum ($total)" test "${total:-x}" = "$((va + wa))"
check "no persist: the deleted interface is an error, lost once, named in the log" \
	test "$(field "$out" wa$$ error)/$(field "$out" wa$$ losses)" = 1/1 -a -n "$(grep "^log error .*wa$$.*reporting what was read" "$out")"
check "no persist: the other interface went on after it (read after the loss)" \
	test "${va:-0}" -ge "$(( $(at "$out" "^log error" va$$) + 30 ))"
ip -n "$A" link del va$$ 2>/dev/null

# ---- 2. down, up, deleted and made again, with persist -------------------
link va$$ vb$$ 10.213.9
out=$work/reopen
ip netns exec "$A" "$LE" -p -s 1 -d 60 va$$ >"$out" 2>"$out.err" &
le=$!; pids+=("$le")
sleep 1.5
send 20 10.213.9.1
ip -n "$A" link set va$$ down
check "persist: down is logged (the capture stays open)" wait_for "^log warn .*va$$: the interface is down" "$out" 10
ip -n "$A" link set va$$ up
check "persist: up again is logged" wait_for "^log info .*va$$: the link is up again" "$out" 10
send 20 10.213.9.1
sleep 0.5
ip -n "$A" link del va$$
check "persist: the deleted interface is logged as lost" wait_for "^log warn .*va$$.*(disappeared|replaced).*opening it again in 1 s" "$out" 10
check "persist: its absence is logged while it is tried again" wait_for "^log warn .*va$$: .*not there yet.*trying again in" "$out" 10
link va$$ vb$$ 10.213.9
check "persist: opened again once it is back" wait_for "^log info .*va$$: capturing again \(open 2\)" "$out" 15
send 30 10.213.9.1
sleep 2.5 # a stats reading after the traffic
if kill -0 "$le" 2>/dev/null; then ok "persist: still running after the loss"; else not_ok "persist: still running after the loss" "$(cat "$out.err")"; fi
kill -TERM "$le"; wait "$le"; rc=$?
check "persist: exit 0 after SIGTERM" test "$rc" -eq 0
pk=$(field "$out" va$$ packets) back=$(at "$out" "capturing again" va$$) lost=$(at "$out" "disappeared|replaced" va$$)
check "persist: traffic before the loss seen ($lost packets: 40 datagrams sent)" test "${lost:-0}" -ge 40
check "persist: traffic after the reopen seen ($pk packets at the end, $back at the reopen, 30 sent after)" \
	test "${pk:-0}" -ge "$(( ${back:-999999} + 30 ))"
check "persist: two opens, one loss, not an error" \
	test "$(field "$out" va$$ opens)/$(field "$out" va$$ losses)/$(field "$out" va$$ error)" = 2/1/0
# the counters are per open in libpcap: summed over both here
before=$(awk -v i=va$$ '$1 == "log" && /disappeared|replaced/ {exit} $1 == "stats" && $3 == i {r = $4} END {print r}' "$out")
last=$(awk -v i=va$$ '$1 == "stats" && $3 == i {r = $4} END {print r}' "$out")
check "persist: received summed over the opens ($before before the loss, $last at the end, >= $pk read)" \
	test -n "$before" -a "${last:-0}" -ge "$(( before + 30 ))" -a "${last:-0}" -ge "${pk:-1}"

# ---- 3. absent at the start ----------------------------------------------
out=$work/absent
ip netns exec "$A" "$LE" -p -d 60 za$$ >"$out" 2>"$out.err" &
le=$!; pids+=("$le")
check "absent: logged as not there yet, first retry in 1 s" wait_for "^log warn .*za$$: .*not there yet.*trying again in 1 s" "$out" 10
check "absent: the next attempt waits 2 s (debug)" wait_for "^log debug .*za$$: .*trying again in 2 s" "$out" 10
link za$$ zb$$ 10.213.11
check "absent: opened once it appears" wait_for "^log info .*za$$: capturing \(open 1\)" "$out" 15
send 20 10.213.11.1
sleep 0.5
kill -TERM "$le"; wait "$le"; rc=$?
pk=$(field "$out" za$$ packets)
check "absent: exit 0, its traffic read ($pk packets, 20 datagrams sent)" test "$rc" -eq 0 -a "${pk:-0}" -ge 20
ip -n "$A" link del za$$

ip netns exec "$A" "$LE" -p -d 2 nosuch$$ >"$work/none" 2>&1
rc=$?
ticks=$(awk '$1 == "total" {print $6}' "$work/none")
check "every interface absent, persist: exit 0, the tick ran on ($ticks ticks in 2 s)" \
	test "$rc" -eq 0 -a "${ticks:-0}" -ge 10 -a "$(field "$work/none" nosuch$$ error)" = 1
ip netns exec "$A" "$LE" -d 2 nosuch$$ >"$work/none" 2>&1
rc=$?
check "absent without persist: exit 1, an error naming it" \
	test "$rc" -eq 1 -a -n "$(grep "^log error .*nosuch$$" "$work/none")"

# ---- 4. drop counters ------------------------------------------------------
if ! command -v tcpreplay >/dev/null; then
	skip "drop counters with tcpreplay" "tcpreplay is not installed (scripts/setup.sh)"
elif [ ! -f "$ROOT/examples/home.pcap" ]; then
	skip "drop counters with tcpreplay" "examples/home.pcap is absent (make examples/home.pcap)"
else
	ip link add ra$$ netns "$A" type veth peer name rb$$ netns "$B" &&
		ip -n "$A" link set ra$$ mtu 9000 up && ip -n "$B" link set rb$$ mtu 9000 up
	out=$work/stats
	ip netns exec "$A" "$LE" -p -s 1 -b 8 -d 60 ra$$ >"$out" 2>"$out.err" &
	le=$!; pids+=("$le")
	sleep 1.5
	ip netns exec "$B" tcpreplay -i rb$$ --pps 3000 "$ROOT/examples/home.pcap" >"$work/replay" 2>&1
	sent=$(awk '/Successful packets:/ {print $3}' "$work/replay")
	sleep 2.5
	kill -TERM "$le"; wait "$le"
	n=$(grep -c "^stats .* ra$$ " "$out")
	check "stats: the callback every second ($n calls)" test "$n" -ge 3
	check "stats: received never goes back" awk -v i=ra$$ \
		'$1 == "stats" && $3 == i { if ($4 < r) exit 1; r = $4 }' "$out"
	recv=$(field "$out" ra$$ received) drop=$(field "$out" ra$$ dropped) pk=$(field "$out" ra$$ packets)
	last=$(awk -v i=ra$$ '$1 == "stats" && $3 == i {r = $4} END {print r}' "$out")
	check "stats: the last call is the input's total ($last = $recv)" test "${last:-x}" = "${recv:-y}"
	check "stats: received = what tcpreplay sent ($recv = $sent)" test "${recv:-x}" = "${sent:-y}"
	check "stats: received = read + dropped ($recv = $pk + $drop)" test "${recv:-0}" -eq "$(( ${pk:-0} + ${drop:-0} ))"
fi
tap_end
