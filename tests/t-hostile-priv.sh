#!/usr/bin/env bash
# A hostile LAN's bytes are parsed without root: `alfoil inspect -i` on a
# veth end in namespaces made here opens the interface and its output files
# as root, then runs as nobody with no capability and no-new-privs, read
# from /proc/PID/status while it captures; SIGHUP ends the capture and the
# report (JSON and HTML, in a directory only root may write) is still
# written, with the maker from the IEEE data loaded before the drop.
# --user root keeps root (with a warning); --user of no one fails at once;
# --duration ends on a link where nothing is sent.
# Only the namespaces' own addresses (10.213.11.0/24) are ever targets.
set -u
. "$(dirname "$0")/lib.sh"

need_netns "privilege drop during live capture"
NOBODY=$(id -u nobody 2>/dev/null)
if [ -z "$NOBODY" ]; then
	skip "privilege drop during live capture" "no user nobody on this system"
	tap_end; exit 0
fi

A=alfoil-p$$-a B=alfoil-p$$-b
MAC_B=44:65:0d:aa:bb:cd # an Amazon MA-L prefix: the maker must show
work=$(mktemp -d)       # 0700, root's: nobody could not create files in it
cleanup() {
	[ -n "${srv:-}" ] && kill "$srv" 2>/dev/null
	[ -n "${cap:-}" ] && kill "$cap" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

veth_pair "$A" "$B" pa$$ pb$$ 02:00:5e:10:00:11 $MAC_B 10.213.11
check "namespaces and veth pair made" test $? -eq 0

# status PID FIELD: a line of /proc/PID/status, tabs made spaces
status() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null | tr '\t' ' ' | sed 's/ *$//'; }
# wait_dropped PID: until the capture has given up root (no-new-privs is
# the drop's last step), said it stays root, or ended; 20 s at most. What
# is asserted afterwards does not depend on how long it took.
wait_dropped() {
	for _ in $(seq 200); do
		[ -d "/proc/$1" ] || return 0
		[ "$(status "$1" NoNewPrivs)" = 1 ] && return 0
		grep -q "staying root" "$work/err" 2>/dev/null && return 0
		sleep 0.1
	done
}

ip netns exec "$A" python3 "$ROOT/tests/live/peer.py" server 10.213.11.1 &
srv=$!
# `ip netns exec` execs the command: $! is alfoil itself
ip netns exec "$A" "$ALFOIL" inspect -i pa$$ --json --no-progress \
	-o "$work/live.json" --html "$work/live.html" 2>"$work/err" &
cap=$!
wait_dropped $cap
check "the process read is alfoil" test "$(readlink -f /proc/$cap/exe)" = "$(readlink -f "$ALFOIL")"
st_uid=$(status $cap Uid) st_gid=$(status $cap Gid) st_groups=$(status $cap Groups)
for f in CapEff CapPrm CapInh CapAmb CapBnd NoNewPrivs; do eval "st_$f=\$(status $cap $f)"; done
if [ "$st_uid" = "$NOBODY $NOBODY $NOBODY $NOBODY" ]; then ok "Uid: nobody ($st_uid), real, effective, saved and fs"
else not_ok "Uid: nobody ($NOBODY) four times" "Uid: $st_uid"; fi
if [ -n "$st_gid" ] && ! echo " $st_gid " | grep -q " 0 "; then ok "Gid not 0 ($st_gid)"
else not_ok "Gid not 0" "Gid: $st_gid"; fi
if ! echo " $st_groups " | grep -q " 0 "; then ok "no supplementary group 0 (Groups: $st_groups)"
else not_ok "no supplementary group 0" "Groups: $st_groups"; fi
for f in CapEff CapPrm CapInh CapAmb; do
	eval "v=\$st_$f"
	if [ "$v" = 0000000000000000 ]; then ok "$f 0000000000000000"
	else not_ok "$f 0000000000000000" "$f: $v"; fi
done
# the bounding set can only be emptied with CAP_SETPCAP (bit 8), which a
# container may withhold from root
if [ $(( 0x$(status $$ CapBnd) >> 8 & 1 )) -eq 1 ]; then
	if [ "$st_CapBnd" = 0000000000000000 ]; then ok "CapBnd 0000000000000000"
	else not_ok "CapBnd 0000000000000000" "CapBnd: $st_CapBnd"; fi
else
	skip "CapBnd 0000000000000000" "this test runs without CAP_SETPCAP"
fi
if [ "$st_NoNewPrivs" = 1 ]; then ok "NoNewPrivs 1"
else not_ok "NoNewPrivs 1" "NoNewPrivs: $st_NoNewPrivs"; fi

out=$(ip netns exec "$B" python3 "$ROOT/tests/live/peer.py" client 10.213.11.1 $MAC_B pb$$ 2>&1)
check "client: DNS answered and TCP echo over the veth ($out)" test "$out" = "pong 10.213.11.1"
# the client's packets are in the kernel's capture buffer by now; SIGHUP
# (a closed terminal) must end the capture like Ctrl-C, with the report
kill -HUP $cap 2>/dev/null
wait $cap
rc=$?
cap=
if [ $rc -eq 0 ]; then ok "SIGHUP: alfoil exits 0"
else not_ok "SIGHUP: alfoil exits 0" "rc=$rc $(cat "$work/err")"; fi
j() { [ -s "$work/live.json" ] && jq -e "$1" "$work/live.json" >/dev/null 2>&1; } # jq -e passes an empty file
dev=".devices[] | select(.mac == \"$MAC_B\")"
t() { if j "$2"; then ok "$1"; else not_ok "$1" "$(head -c 600 "$work/live.json" 2>&1; cat "$work/err")"; fi; }
t "after SIGHUP the JSON report is written, the interface its input" \
	".capture.inputs[0].type == \"interface\" and .capture.packets > 5"
t "client device found by its MAC, maker Amazon (IEEE data read before the drop)" \
	"$dev | .maker.name | test(\"Amazon\")"
t "DNS query live.example.com seen (packets parsed as nobody)" \
	"$dev | .dns.queries | map(.name) | index(\"live.example.com\")"
if grep -q "$MAC_B" "$work/live.html" 2>/dev/null; then ok "the HTML page is written too (opened before the drop)"
else not_ok "the HTML page is written too (opened before the drop)" "$(ls -la "$work")"; fi

# --user root: nothing dropped, and said so
ip netns exec "$A" "$ALFOIL" inspect -i pa$$ --user root --json --no-progress -q \
	-o "$work/root.json" 2>"$work/err" &
cap=$!
wait_dropped $cap
u=$(status $cap Uid)
kill -TERM $cap 2>/dev/null
wait $cap
rc=$?
cap=
if [ "$u" = "0 0 0 0" ] && grep -q "staying root" "$work/err"; then ok "--user root stays root and warns (even with -q)"
else not_ok "--user root stays root and warns (even with -q)" "Uid: $u; $(cat "$work/err")"; fi
check "--user root: SIGTERM, exit 0, the report written" test $rc -eq 0 -a -s "$work/root.json"

# not root, but with capabilities (as `setcap cap_net_raw+ep` gives them):
# the ids stay, the capabilities go
if command -v setpriv >/dev/null && setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups test -x "$ALFOIL"; then
	pub=$(mktemp -d)
	chmod 755 "$pub" && mkdir "$pub/out" && chown "$NOBODY" "$pub/out"
	ip netns exec "$A" setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
		--inh-caps=+net_raw,+net_admin --ambient-caps=+net_raw,+net_admin \
		"$ALFOIL" inspect -i pa$$ --json --no-progress -o "$pub/out/caps.json" 2>"$work/err" &
	cap=$!
	wait_dropped $cap
	e=$(status $cap CapEff) p=$(status $cap CapPrm) a=$(status $cap CapAmb) n=$(status $cap NoNewPrivs)
	kill -HUP $cap 2>/dev/null
	wait $cap
	rc=$?
	cap=
	if [ "$e$p$a" = 000000000000000000000000000000000000000000000000 ] && [ "$n" = 1 ]; then
		ok "not root, with CAP_NET_RAW ambient: every capability gone, NoNewPrivs 1"
	else not_ok "not root, with CAP_NET_RAW ambient: every capability gone, NoNewPrivs 1" \
		"CapEff $e CapPrm $p CapAmb $a NoNewPrivs $n; $(cat "$work/err")"; fi
	if [ $rc -eq 0 ] && jq -e '.capture.inputs[0].type == "interface"' "$pub/out/caps.json" >/dev/null 2>&1; then
		ok "not root: SIGHUP, exit 0, the report written"
	else not_ok "not root: SIGHUP, exit 0, the report written" "rc=$rc $(cat "$work/err")"; fi
	rm -rf "$pub"
else
	skip "not root, with capabilities: they go" "no setpriv, or nobody cannot run $ALFOIL"
fi

# root without CAP_SETUID (gone from the bounding set): the drop cannot be
# done, and that is fatal, not a warning: exit 1, no report, no packet read
if command -v setpriv >/dev/null; then
	ip netns exec "$A" setpriv --bounding-set=-setuid "$ALFOIL" inspect -i pa$$ --duration 5 \
		-o "$work/fail.json" >/dev/null 2>"$work/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "dropping privileges failed: setresuid" "$work/err" && [ ! -e "$work/fail.json" ]; then
		ok "a drop that fails (no CAP_SETUID) is fatal: exit 1, says why, no report"
	else not_ok "a drop that fails (no CAP_SETUID) is fatal: exit 1, says why, no report" "rc=$rc $(cat "$work/err")"; fi
else
	skip "a drop that fails is fatal" "no setpriv"
fi

# a quiet link (IPv6 off, no address: not one frame): --duration still ends
# (libpcap's TPACKET_V3 wait had no timeout there), under `timeout` so that
# a hang fails the check instead of stopping the test
ip -n "$B" link add qa$$ type veth peer name qb$$ &&
	ip netns exec "$B" sysctl -qw net.ipv6.conf.qa$$.disable_ipv6=1 net.ipv6.conf.qb$$.disable_ipv6=1 &&
	ip -n "$B" link set qa$$ up && ip -n "$B" link set qb$$ up
timeout 60 ip netns exec "$B" "$ALFOIL" inspect -i qa$$ --duration 1 --json --no-progress -q \
	-o "$work/quiet.json" 2>"$work/err"
rc=$?
if [ $rc -eq 0 ] && jq -e '.capture.inputs[0].type == "interface"' "$work/quiet.json" >/dev/null 2>&1; then
	ok "--duration ends on a link where nothing is sent (exit 0, the report written)"
else not_ok "--duration ends on a link where nothing is sent (exit 0, the report written)" "rc=$rc (124: hung) $(cat "$work/err")"; fi

# a user that does not exist: refused before the capture, nothing written
ip netns exec "$A" "$ALFOIL" inspect -i pa$$ --user alfoil-no-such-user --duration 1 \
	-o "$work/none.json" >/dev/null 2>"$work/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "alfoil-no-such-user" "$work/err" && [ ! -e "$work/none.json" ]; then
	ok "--user of no one: exit 1 at once, the message names it, no output left"
else not_ok "--user of no one: exit 1 at once, the message names it, no output left" "rc=$rc $(cat "$work/err")"; fi
"$ALFOIL" inspect --user nobody "$ROOT/examples/home.pcap" >/dev/null 2>"$work/err"
rc=$?
if [ $rc -eq 1 ] && grep -q -- "--user" "$work/err"; then ok "--user with files is refused (exit 1, says why)"
else not_ok "--user with files is refused (exit 1, says why)" "rc=$rc $(cat "$work/err")"; fi
tap_end
