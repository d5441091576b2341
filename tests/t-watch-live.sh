#!/usr/bin/env bash
# `alfoil watch -i` for real: a veth pair between two network namespaces
# made here, a real capture replayed into one end with tcpreplay, watch on
# the other as root. Nothing has an address and IPv6 is off on both ends,
# so the replayed frames are all that crosses the link, and they never
# leave the namespaces.
#
# Checked: after the start the process runs as nobody with no capability
# (/proc/PID/status: Uid, CapEff, CapPrm, NoNewPrivs); with --keep-net-raw
# and --enforce CAP_NET_RAW and CAP_NET_ADMIN alone, and the interface
# deleted and made again is opened again (as nobody) and counted; the commits arrive every --commit-interval of
# the wall clock; SIGUSR1 writes the report file; the crash test: kill -9
# once the file was replayed and two intervals passed, then PRAGMA
# integrity_check is ok and every device's bytes are in the database (none
# older than the commit interval lost); restarted on the same database
# and replayed again, no device committed before the kill is logged as new
# again, and SIGTERM ends it with exit 0 and its last commit.
set -u
. "$(dirname "$0")/lib.sh"

need_netns "watch -i in namespaces"
need_captures "watch -i with a real capture replayed"
for t in tcpreplay sqlite3; do
	if ! command -v $t >/dev/null; then
		skip "watch -i with a capture replayed" "$t is not installed (scripts/setup.sh)"
		tap_end; exit 0
	fi
done
NOBODY=$(id -u nobody 2>/dev/null)
if [ -z "$NOBODY" ]; then
	skip "watch -i" "no user nobody on this system"
	tap_end; exit 0
fi
PCAP=$CAPTURES/iot-sentinel/HueBridge/Setup-A-1-STA.pcap
if [ ! -r "$PCAP" ]; then
	skip "watch -i with a capture replayed" "$PCAP is absent"
	tap_end; exit 0
fi
S=alfoil-w$$-s R=alfoil-w$$-r
work=$(mktemp -d)
state=$work/state
cleanup() {
	[ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	ip netns del "$R" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir "$state" && chown nobody "$state" && chmod 755 "$work"

ip netns add "$S" && ip netns add "$R" &&
	ip link add ws$$ netns "$S" type veth peer name wr$$ netns "$R" &&
	ip netns exec "$S" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
	ip netns exec "$R" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
	ip -n "$S" link set ws$$ mtu 9000 up && ip -n "$R" link set wr$$ mtu 9000 up
check "namespaces and veth pair made, IPv6 off" test $? -eq 0

status() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null | tr '\t' ' ' | sed 's/ *$//'; }
wait_dropped() {
	for _ in $(seq 200); do
		[ -d "/proc/$1" ] || return 0
		[ "$(status "$1" NoNewPrivs)" = 1 ] && return 0
		sleep 0.1
	done
}
q() { sqlite3 -batch -noheader "$state/live.db" "$1" 2>&1; }
# wait_for CMD...: until it succeeds, 20 s at most
wait_for() { for _ in $(seq 200); do "$@" && return 0; sleep 0.1; done; return 1; }
start() { # start LOG [options]: watch on wr$$ in the background, $pid
	local log=$1; shift
	ip netns exec "$R" "$ALFOIL" watch --config /dev/null -i wr$$ --db "$state/live.db" --user nobody \
		--commit-interval 1 --report-file "$state/now.json" --log-level debug "$@" 2>"$work/$log" &
	pid=$!
	wait_dropped $pid
}
replay() { ip netns exec "$S" tcpreplay -i ws$$ --pps 2000 "$PCAP" >"$work/replay.out" 2>&1; }

"$ALFOIL" inspect --json "$PCAP" >"$work/file.json" 2>/dev/null
start run1.err
check "the process read is alfoil" test "$(readlink -f /proc/$pid/exe)" = "$(readlink -f "$ALFOIL")"
u=$(status $pid Uid) e=$(status $pid CapEff) p=$(status $pid CapPrm) n=$(status $pid NoNewPrivs)
check "after the start: Uid nobody ($u)" test "$u" = "$NOBODY $NOBODY $NOBODY $NOBODY"
check "CapEff and CapPrm 0 ($e, $p), NoNewPrivs 1" test "$e$p" = 00000000000000000000000000000000 -a "$n" = 1
check "the drop is logged" grep -q "info: wr$$ open; running as nobody (uid $NOBODY), capabilities: none" "$work/run1.err"
replay
check "tcpreplay sent the capture ($(awk '/Successful packets:/ {print $3}' "$work/replay.out") packets)" \
	grep -q "Successful packets" "$work/replay.out"
ndev=$(jq '.devices | length' "$work/file.json")
has_all() { [ "$(q 'SELECT COUNT(*) FROM devices')" -ge "$ndev" ]; }
wait_for has_all
check "a commit within seconds has every device of the capture ($ndev)" has_all
kill -USR1 $pid
wait_for test -s "$state/now.json"
if jq -e '(.devices | length) >= '"$ndev"' and .capture.inputs[0].type == "interface"' "$state/now.json" >/dev/null 2>&1; then
	ok "SIGUSR1: the report file written by nobody, the interface its input"
else not_ok "SIGUSR1: the report file written by nobody, the interface its input" "$(ls -la "$state"; tail -5 "$work/run1.err")"; fi
sleep 2.5 # two commit intervals: everything replayed is committed
kill -9 $pid
wait $pid 2>/dev/null
pid=
check "kill -9: PRAGMA integrity_check ok" test "$(q 'PRAGMA integrity_check')" = ok
want=$(jq -r '.devices[] | "\(.id) \(.bytes_out)"' "$work/file.json" | sort)
got=$(q "SELECT device || ' ' || SUM(bytes_out) FROM device_hours GROUP BY device" | sort)
dropped=$(grep -o '[0-9]* dropped by the kernel' "$work/run1.err" | tail -1)
if [ "$want" = "$got" ]; then ok "nothing committed was lost: every device's bytes out as in the file"
else not_ok "nothing committed was lost: every device's bytes out as in the file" "file:
$want
db:
$got"; fi
before=$(q 'SELECT id FROM devices')
nlines=$(grep -c "info: new device" "$work/run1.err")
check "the first run logged each device new once ($nlines)" test "$nlines" -eq "$(echo "$before" | wc -l)"

start run2.err
check "restarted on the same database: $(echo "$before" | wc -l) devices known" \
	grep -q "$(echo "$before" | wc -l) devices known" "$work/run2.err"
replay
sleep 2.5
kill -TERM $pid
wait $pid
rc=$?
pid=
check "SIGTERM: exit 0" test $rc -eq 0
again=
for d in $before; do grep -q "new device $d" "$work/run2.err" && again="$again $d"; done
check "no second 'new device' for devices committed before the kill" test -z "$again"
check "still one new-device event per device" test "$(q "SELECT COUNT(*) FROM events WHERE kind = 'new-device'")" -eq \
	"$(echo "$before" | wc -l)"
want=$(jq -r '.devices[] | "\(.id) \(2 * .bytes_out)"' "$work/file.json" | sort)
got=$(q "SELECT device || ' ' || SUM(bytes_out) FROM device_hours GROUP BY device" | sort)
if [ "$want" = "$got" ]; then ok "the second replay added to the same rows: twice the bytes"
else not_ok "the second replay added to the same rows: twice the bytes" "want:
$want
db:
$got"; fi
check "capture counters recorded" test "$(q 'SELECT COUNT(*) FROM capture_stats')" -ge 1

# the interface deleted and made again while watch runs (as nobody): with
# --keep-net-raw (bit 13) it is opened again and its traffic counted;
# --enforce keeps CAP_NET_ADMIN (bit 12) too, nothing else
start run3.err --enforce --keep-net-raw
e=$(status $pid CapEff) p=$(status $pid CapPrm) u=$(status $pid Uid)
check "--enforce: CapEff and CapPrm CAP_NET_RAW and CAP_NET_ADMIN ($e), Uid nobody" \
	test "$e $p" = "0000000000003000 0000000000003000" -a "$u" = "$NOBODY $NOBODY $NOBODY $NOBODY"
b0=$(q "SELECT SUM(bytes_out) FROM device_hours")
ip -n "$S" link del ws$$
sleep 1
ip link add ws$$ netns "$S" type veth peer name wr$$ netns "$R" &&
	ip -n "$S" link set ws$$ mtu 9000 up && ip -n "$R" link set wr$$ mtu 9000 up
reopened() { grep -q "wr$$: capturing again" "$work/run3.err"; }
wait_for reopened
check "the interface deleted and made again: opened again (logged), watch still running" \
	test -d /proc/$pid -a -n "$(grep "wr$$: capturing again" "$work/run3.err")"
replay
grown() { [ "$(q "SELECT SUM(bytes_out) FROM device_hours")" -gt "$b0" ]; }
wait_for grown
check "and its traffic is counted again (bytes out $b0 -> $(q "SELECT SUM(bytes_out) FROM device_hours"))" grown
kill -TERM $pid
wait $pid
rc=$?
pid=
check "SIGTERM after the reopen: exit 0" test $rc -eq 0
check "an interface-down event for wr$$, said once ($(q "SELECT kind, subject, state, severity FROM events WHERE kind = 'interface-down'"))" \
	test "$(q "SELECT COUNT(*) FROM events WHERE kind = 'interface-down' AND subject = 'wr$$' AND state = 'new'")" = 1
# drops: a capture buffer of 1 MiB and the capture replayed at top speed,
# 200 times over (the sanitizer build is slow to read): when libpcap
# counted drops, a capture-drops event says so
ip netns exec "$R" "$ALFOIL" watch --config /dev/null -i wr$$ --db "$state/drops.db" --user nobody \
	--commit-interval 1 --buffer-size 1 --report-file "$state/d.json" 2>"$work/drops.err" &
pid=$!
wait_dropped $pid
sleep 0.5
ip netns exec "$S" tcpreplay -i ws$$ --topspeed --loop 200 "$PCAP" >"$work/replay2.out" 2>&1
sleep 2.5
kill -TERM $pid
wait $pid
pid=
dq() { sqlite3 -batch -noheader "$state/drops.db" "$1" 2>&1; }
nd=$(dq "SELECT ifnull(max(dropped + if_dropped), 0) FROM capture_stats")
if [ "${nd:-0}" -gt 0 ] 2>/dev/null; then
	check "libpcap counted $nd drops: a capture-drops event for wr$$ ($(dq "SELECT kind, subject, count FROM events WHERE kind = 'capture-drops'"))" \
		test "$(dq "SELECT COUNT(*) FROM events WHERE kind = 'capture-drops' AND subject = 'wr$$'")" = 1
else
	skip "a capture-drops event when libpcap counts drops" "no drops this time (1 MiB buffer, top speed)"
fi
tap_end
