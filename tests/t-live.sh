#!/usr/bin/env bash
# Live capture for real: two network namespaces made here, a veth pair
# between them, DHCP, DNS and TCP traffic from one to the other, and
# `alfoil inspect -i` listening on the veth end. Only the namespaces'
# own addresses (10.213.7.0/24) are ever targets; nothing leaves them.
set -u
. "$(dirname "$0")/lib.sh"

need_netns "live capture on a veth pair"

A=alfoil-t$$-a B=alfoil-t$$-b
MAC_B=44:65:0d:aa:bb:cc # an Amazon MA-L prefix: the maker must show
work=$(mktemp -d)
cleanup() {
	[ -n "${srv:-}" ] && kill "$srv" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

veth_pair "$A" "$B" va$$ vb$$ 02:00:5e:10:00:01 $MAC_B 10.213.7
check "namespaces and veth pair made" test $? -eq 0

ip netns exec "$A" python3 "$ROOT/tests/live/peer.py" server 10.213.7.1 &
srv=$!
ip netns exec "$A" "$ALFOIL" inspect -i va$$ --duration 6 --json --no-progress \
	-o "$work/live.json" 2>"$work/err" &
cap=$!
sleep 1.5 # the capture is open
out=$(ip netns exec "$B" python3 "$ROOT/tests/live/peer.py" client 10.213.7.1 $MAC_B vb$$ 2>&1)
check "client: DNS answered and TCP echo over the veth ($out)" test "$out" = "pong 10.213.7.1"
wait $cap
rc=$?
if [ $rc -eq 0 ]; then ok "alfoil inspect -i exits 0 after --duration"
else not_ok "alfoil inspect -i exits 0 after --duration" "rc=$rc $(cat "$work/err")"; fi

j() { jq -e "$1" "$work/live.json" >/dev/null 2>&1; }
dev=".devices[] | select(.mac == \"$MAC_B\")"
t() { if j "$2"; then ok "$1"; else not_ok "$1" "$(jq -c "$dev" "$work/live.json" 2>&1 | head -c 800)"; fi; }
t "the input is the interface, packets counted" ".capture.inputs[0].type == \"interface\" and .capture.packets > 5"
t "client device found by its MAC, maker Amazon" "$dev | .maker.name | test(\"Amazon\")"
t "DHCP host name alfoil-live-test" "$dev | [.names[] | select(.source == \"dhcp-hostname\") | .name] | index(\"alfoil-live-test\")"
t "DHCP vendor class alfoil-vc 1.0" "$dev | [.evidence[] | select(.kind == \"dhcp-vendor-class\") | .value] | index(\"alfoil-vc 1.0\")"
t "DNS query live.example.com, answered" "$dev | (.dns.queries | map(.name) | index(\"live.example.com\")) and (.dns.answers | map(.name) | index(\"live.example.com\"))"
t "TCP 8443 destination named live.example.com (from its own DNS answer)" "$dev | [.destinations[] | select(.port == 8443 and .proto == \"tcp\" and .domain == \"live.example.com\")] | length == 1"

ip netns exec "$A" "$ALFOIL" inspect -i nosuch$$ --duration 1 >"$work/o" 2>"$work/e"
rc=$?
if [ $rc -ne 0 ] && grep -q "nosuch$$" "$work/e"; then ok "a missing interface: exit $rc, message names it"
else not_ok "a missing interface: exit $rc, message names it" "$(cat "$work/e")"; fi
tap_end
