#!/usr/bin/env bash
# Live rules for real (alfoil watch --enforce), in namespaces this test
# makes: a router (alfoil watching its LAN ports, nft through libnftables),
# a camera, a phone and a new device on three LAN ports, and a "cloud" on
# the WAN side (documentation ranges only) with dnsmasq as its DNS server.
#
#   - the cloud's name moves from 192.0.2.10 to 198.51.100.10 while watch
#     runs: the camera reaches the new address within one retry, an
#     unrelated host stays blocked, the old address ages out after its TTL
#     plus the grace;
#   - a device never seen before (the guard, 'new = local-only') reaches
#     the phone but not the WAN, until alfoil device MAC --policy allow;
#   - dnsmasq as the router's resolver with the nftset= lines of alfoil
#     enforce --dnsmasq-nftset: the same without alfoil's own filling.
set -u
. "$(dirname "$0")/lib.sh"
need_netns "live enforcement in network namespaces"
for t in nft dnsmasq dig; do
	if ! command -v $t >/dev/null; then
		skip "live enforcement in network namespaces" "needs $t (scripts/setup.sh installs it)"
		tap_end; exit 0
	fi
done
p=afl$$
R=$p-r D=$p-d P=$p-p N=$p-n C=$p-c
DMAC=68:c6:3a:00:00:02 NMAC=02:5e:11:00:00:07
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
	for x in "${pids[@]}"; do kill "$x" 2>/dev/null; done
	wait 2>/dev/null
	for n in $R $D $P $N $C; do ip netns del "$n" 2>/dev/null; done
	[ -n "${KEEP:-}" ] && echo "# kept $work" || rm -rf "$work"
}
trap cleanup EXIT
ok_setup=1
for n in $R $D $P $N $C; do ip netns add "$n" && ip -n "$n" link set lo up || ok_setup=0; done
veth_link $R rd 192.168.10.1/24 $D eth0 192.168.10.2/24 || ok_setup=0
ip -n $D link set eth0 address $DMAC || ok_setup=0
veth_link $R rp 192.168.20.1/24 $P eth0 192.168.20.2/24 || ok_setup=0
veth_link $R rn 192.168.30.1/24 $N eth0 192.168.30.2/24 || ok_setup=0
ip -n $N link set eth0 address $NMAC || ok_setup=0
veth_link $R rc 203.0.113.1/24 $C eth0 203.0.113.53/24 || ok_setup=0
for a in 192.0.2.10/24 198.51.100.10/24 198.51.100.20/24; do ip -n $C addr add $a dev eth0 || ok_setup=0; done
for n in $D $P $N; do ip -n $n route add default via "$(ip -n $n -4 -o addr show eth0 | awk '{print $4}' | sed 's|\.[0-9]*/24|.1|')" || ok_setup=0; done
ip -n $C route add default via 203.0.113.1 || ok_setup=0
ip -n $R route add 192.0.2.0/24 via 203.0.113.53 && ip -n $R route add 198.51.100.0/24 via 203.0.113.53 || ok_setup=0
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1 || ok_setup=0
# IPv6 for the new device and the cloud (2001:db8::/32): the guard holds it too
ip -n $R addr add 2001:db8:30::1/64 dev rn nodad && ip -n $N addr add 2001:db8:30::2/64 dev eth0 nodad &&
	ip -n $R addr add 2001:db8:113::1/64 dev rc nodad && ip -n $C addr add 2001:db8:113::53/64 dev eth0 nodad &&
	ip -n $N -6 route add default via 2001:db8:30::1 && ip -n $C -6 route add default via 2001:db8:113::1 &&
	ip netns exec $R sysctl -qw net.ipv6.conf.all.forwarding=1 || ok_setup=0
check "namespaces: router, camera, phone, new device, cloud; forwarding on (IPv4, IPv6)" test $ok_setup = 1

peer=$ROOT/tests/live/netpeer.py
ip netns exec $P python3 "$peer" serve 192.168.20.2 8000 "" & pids+=($!)
for a in 192.0.2.10 198.51.100.10 198.51.100.20 2001:db8:113::53; do ip netns exec $C python3 "$peer" serve $a 8080 "" & pids+=($!); done
# the cloud's DNS server: dnsmasq, its answer for cloud.example from a
# hosts file it reads again on SIGHUP; TTL 2 s
echo "192.0.2.10 cloud.example" >"$work/cloud-hosts"
ip netns exec $C dnsmasq --keep-in-foreground --no-resolv --no-hosts --addn-hosts="$work/cloud-hosts" \
	--local-ttl=2 --listen-address=203.0.113.53 --bind-interfaces --port=53 --user=root \
	--pid-file="$work/cloud-dns.pid" --log-facility=- 2>"$work/cloud-dns.log" & pids+=($!)
listening() { ip netns exec "$1" ss -Hln "$2" | awk '{print $4}' | grep -qxF "$3"; }
for w in "$P -t 192.168.20.2:8000" "$C -t 192.0.2.10:8080" "$C -t 198.51.100.10:8080" \
	"$C -t 198.51.100.20:8080" "$C -u 203.0.113.53:53" "$C -t [2001:db8:113::53]:8080"; do
	for _ in $(seq 100); do listening $w && break; sleep 0.1; done
done
probe() { # ns kind:addr:port -> ok|fail
	ip netns exec "$1" python3 "$peer" probe "$2" | awk '{print $2}'
}
# the device's way: resolve, then connect; one retry (a TCP SYN's is 1 s)
resolve() { ip netns exec "$1" dig +short +tries=1 +time=2 @"$2" cloud.example A | head -1; }
reach() { # ns addr: ok when the first or the second try connects
	local r; r=$(probe "$1" "tcp:$2:8080"); [ "$r" = ok ] || { sleep 0.5; r=$(probe "$1" "tcp:$2:8080"); }
	echo "$r"
}
check "without rules the camera resolves cloud.example to 192.0.2.10" test "$(resolve $D 203.0.113.53)" = 192.0.2.10
v6ok=fail
for _ in 1 2 3 4; do v6ok=$(probe $N 'tcp:[2001:db8:113::53]:8080'); [ "$v6ok" = ok ] && break; sleep 0.5; done
check "without rules the new device reaches the WAN over IPv6 (neighbour discovery done)" test "$v6ok" = ok

mkdir -p "$work/profiles"
cp "$ROOT/tests/data/mud/cam-cloud-dns.json" "$work/profiles/68-c6-3a-00-00-02.json"
# the guard is on; the phone is known from before (its MAC line); the new device is not
PMAC=$(ip -n $P link show eth0 | awk '/ether/ {print $2}')
printf '%s = allow\nnew = local-only\n' "$PMAC" >"$work/policies"
db=$work/a.db
ip netns exec $R "$ALFOIL" watch -i rd -i rn -i rp --db "$db" --commit-interval 1 --enforce \
	--profiles "$work/profiles" --policies "$work/policies" --enforce-grace 2s --learning 0 \
	--user nobody 2>"$work/watch.log" & wpid=$!; pids+=($wpid)
for _ in $(seq 100); do ip netns exec $R nft list table inet alfoil >/dev/null 2>&1 && break; sleep 0.1; done
for _ in $(seq 50); do grep -q "running as" "$work/watch.log" && break; sleep 0.1; done
check "watch --enforce loaded table inet alfoil, the camera's name set in it" \
	sh -c "ip netns exec $R nft list set inet alfoil d68c63a000002_g0_n4 >/dev/null"
check "it kept CAP_NET_ADMIN only, as nobody" grep -q "capabilities: CAP_NET_ADMIN only" "$work/watch.log"
check "the set holds nothing before an answer" \
	sh -c "! ip netns exec $R nft list set inet alfoil d68c63a000002_g0_n4 | grep -q 192.0.2.10"
check "before any answer the camera does not reach 192.0.2.10" test "$(probe $D tcp:192.0.2.10:8080)" = fail

# 1. the answer: the address in the set, the camera in
a1=$(resolve $D 203.0.113.53)
check "the camera resolves cloud.example (192.0.2.10) through the rules (DNS allowed)" test "$a1" = 192.0.2.10
for _ in $(seq 40); do ip netns exec $R nft list set inet alfoil d68c63a000002_g0_n4 | grep -q 192.0.2.10 && break; sleep 0.05; done
check "192.0.2.10 is in the name set, with a timeout" \
	sh -c "ip netns exec $R nft list set inet alfoil d68c63a000002_g0_n4 | grep -q '192.0.2.10 timeout'"
check "the camera reaches 192.0.2.10:8080 (within one retry)" test "$(reach $D 192.0.2.10)" = ok
check "an unrelated host (198.51.100.20) stays blocked" test "$(probe $D tcp:198.51.100.20:8080)" = fail

# 2. the cloud moves
echo "198.51.100.10 cloud.example" >"$work/cloud-hosts"
kill -HUP "$(cat "$work/cloud-dns.pid")"
sleep 0.3
a2=$(resolve $D 203.0.113.53)
check "the cloud's DNS now says 198.51.100.10" test "$a2" = 198.51.100.10
check "the camera reaches the new address within one retry" test "$(reach $D 198.51.100.10)" = ok
check "the unrelated host is still blocked" test "$(probe $D tcp:198.51.100.20:8080)" = fail
# 3. the old address ages out: TTL 2 s + grace 2 s (+1 s)
sleep 5.5
check "192.0.2.10 aged out of the set (TTL + grace)" \
	sh -c "! ip netns exec $R nft list set inet alfoil d68c63a000002_g0_n4 | grep -q 192.0.2.10"
check "and the camera no longer reaches it" test "$(probe $D tcp:192.0.2.10:8080)" = fail

# 4. the new device: held from its first packet, LAN yes, WAN no
check "the new device reaches the phone (LAN)" test "$(probe $N tcp:192.168.20.2:8000)" = ok
check "the new device does not reach the WAN" test "$(probe $N tcp:198.51.100.20:8080)" = fail
check "nor over IPv6 (the guard holds its LAN interfaces, both families)" \
	test "$(probe $N 'tcp:[2001:db8:113::53]:8080')" = fail
check "the guard's set does not hold its MAC" \
	sh -c "! ip netns exec $R nft list set inet alfoil known | grep -q $NMAC"
check "alfoil device --policy allow (the database watch writes)" \
	"$ALFOIL" device "$NMAC" --policy allow --db "$db"
for _ in $(seq 80); do ip netns exec $R nft list set inet alfoil known | grep -q $NMAC && break; sleep 0.1; done
check "the running daemon let it out within seconds (its MAC in the known set)" \
	sh -c "ip netns exec $R nft list set inet alfoil known | grep -q $NMAC"
check "alfoil device MAC shows the policy set" sh -c "'$ALFOIL' device $NMAC --db '$db' | grep -q '^policy: allow (alfoil device --policy, '"
check "the new device now reaches the WAN" test "$(probe $N tcp:198.51.100.20:8080)" = ok
check "and over IPv6" test "$(probe $N 'tcp:[2001:db8:113::53]:8080')" = ok
check "and the camera is still held to its profile" test "$(probe $D tcp:198.51.100.20:8080)" = fail
has_event() { # mac to: the policy-changed event in the database (jq 1.6's -e looks at the last input only: -s)
	"$ALFOIL" events --db "$db" --json --all 2>/dev/null |
		jq -s -e "any(.[]; .type == \"policy-changed\" and .device.mac == \"$1\" and .evidence.to == \"$2\")" >/dev/null
}
for _ in $(seq 50); do has_event $NMAC allow && break; sleep 0.2; done # the next commit writes it
check "the change is an event: policy-changed for the new device, to allow" has_event $NMAC allow
check "the guard held it first: an event new:local-only for it" has_event $NMAC new:local-only
check "the router's own interfaces are not new devices to the guard" \
	sh -c "! grep -q \"\$(ip -n $R link show rd | awk '/ether/ {print \$2}'): none -> new\" '$work/watch.log'"

# the table deleted under the daemon (someone's nft flush ruleset): loaded again
ip netns exec $R nft delete table inet alfoil
for _ in $(seq 60); do ip netns exec $R nft list set inet alfoil known >/dev/null 2>&1 && break; sleep 0.1; done
check "a table deleted under watch is loaded again within seconds" \
	sh -c "ip netns exec $R nft list set inet alfoil known | grep -q $NMAC"
check "and said" grep -q "table inet alfoil is gone" "$work/watch.log"

# 5. the latency, over 60 answers each with an address the set did not
# have (the cloud's answer changed before each query): watch says the
# percentiles when it stops
good=0
for i in $(seq 100 159); do
	echo "203.0.113.$i cloud.example" >"$work/cloud-hosts"
	kill -HUP "$(cat "$work/cloud-dns.pid")"
	sleep 0.05
	[ "$(resolve $D 203.0.113.53)" = "203.0.113.$i" ] && good=$((good + 1))
done
check "60 answers, each a new address ($good right)" test $good -ge 55
for _ in $(seq 40); do ip netns exec $R nft list set inet alfoil d68c63a000002_g0_n4 | grep -q '203.0.113.159 ' && break; sleep 0.05; done
check "the last of them is in the set" \
	sh -c "ip netns exec $R nft list set inet alfoil d68c63a000002_g0_n4 | grep -q '203.0.113.159 '"

kill -TERM $wpid; wait $wpid; wrc=$?
check "watch stops cleanly (SIGTERM)" test $wrc = 0
check "its rules stay loaded after it stopped (fail-safe)" ip netns exec $R nft list set inet alfoil d68c63a000002_g0_n4
check "and still hold the camera" test "$(probe $D tcp:198.51.100.20:8080)" = fail
lat=$(grep -o 'DNS answer to its set element: .*' "$work/watch.log")
check "watch said the latency of DNS answer -> set element, over 50 answers or more" \
	sh -c "echo '$lat' | grep -Eq '\(([5-9][0-9]|[0-9]{3,}) answers\)'"
echo "# $lat"
check "watch logged no error" sh -c "! grep -E ': error: ' '$work/watch.log'"

# 6. dnsmasq on the router fills the same sets (alfoil not running)
echo "198.51.100.10 cloud.example" >"$work/cloud-hosts"
kill -HUP "$(cat "$work/cloud-dns.pid")"
check "alfoil enforce --remove" ip netns exec $R "$ALFOIL" enforce --remove
check "the table is gone" sh -c "! ip netns exec $R nft list table inet alfoil 2>/dev/null"
"$ALFOIL" enforce --profiles "$work/profiles" --dnsmasq-nftset >"$work/nftset.conf" 2>"$work/err"
check "--dnsmasq-nftset writes the nftset= line of the camera's set" \
	grep -qx "nftset=/cloud.example/4#inet#alfoil#d68c63a000002_g0_n4" "$work/nftset.conf"
check "dnsmasq --test takes it" dnsmasq --test --conf-file="$work/nftset.conf"
check "enforce --dns-sets --apply loads the rules with empty name sets" \
	ip netns exec $R "$ALFOIL" enforce --profiles "$work/profiles" --dns-sets --apply
# the router's resolver: dnsmasq, forwarding to the cloud's
ip netns exec $R dnsmasq --keep-in-foreground --no-resolv --no-hosts --server=203.0.113.53 \
	--listen-address=192.168.10.1 --bind-interfaces --port=53 --user=root --conf-file="$work/nftset.conf" \
	--pid-file="$work/router-dns.pid" --log-facility=- 2>"$work/router-dns.log" & pids+=($!)
for _ in $(seq 100); do listening $R -u 192.168.10.1:53 && break; sleep 0.1; done
check "without an answer the camera does not reach 198.51.100.10" test "$(probe $D tcp:198.51.100.10:8080)" = fail
check "the camera resolves through the router's dnsmasq" test "$(resolve $D 192.168.10.1)" = 198.51.100.10
check "dnsmasq put the address in alfoil's set" \
	sh -c "ip netns exec $R nft list set inet alfoil d68c63a000002_g0_n4 | grep -q 198.51.100.10"
check "the camera reaches its cloud" test "$(reach $D 198.51.100.10)" = ok
check "the unrelated host stays blocked" test "$(probe $D tcp:198.51.100.20:8080)" = fail
check "no other table was made" sh -c "[ \"\$(ip netns exec $R nft list tables)\" = 'table inet alfoil' ]"
tap_end
