#!/usr/bin/env bash
# Enforcement for real: a router namespace with the ruleset `alfoil enforce`
# makes, loaded with the real nft; a device and a phone on the LAN side, a
# cloud and an "elsewhere" server on the WAN side (documentation ranges),
# veth links, forwarding on; then real TCP connections, UDP echoes and DNS
# queries from the device, in each policy. Nothing leaves the namespaces.
set -u
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v nft >/dev/null || ! ip netns add "alfoil-probe-$$" 2>/dev/null; then
	skip "enforcement in network namespaces" "needs root, ip netns and nft (scripts/setup.sh installs nftables)"
	tap_end; exit 0
fi
ip netns del "alfoil-probe-$$"
p=af$$
R=$p-r D=$p-d P=$p-p C=$p-c E=$p-e
DMAC=68:c6:3a:00:00:02
work=$(mktemp -d)
pids=()
cleanup() {
	for x in "${pids[@]}"; do kill "$x" 2>/dev/null; done
	for n in $R $D $P $C $E; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
ok_setup=1
for n in $R $D $P $C $E; do ip netns add "$n" && ip -n "$n" link set lo up || ok_setup=0; done
veth_link $R rd 192.168.10.1/24 $D eth0 192.168.10.2/24 || ok_setup=0
ip -n $D link set eth0 address $DMAC || ok_setup=0
veth_link $R rp 192.168.20.1/24 $P eth0 192.168.20.2/24 || ok_setup=0
veth_link $R rc 203.0.113.1/24 $C eth0 203.0.113.10/24 || ok_setup=0
veth_link $R re 198.51.100.1/24 $E eth0 198.51.100.20/24 || ok_setup=0
ip -n $D route add default via 192.168.10.1 && ip -n $P route add default via 192.168.20.1 &&
	ip -n $C route add default via 203.0.113.1 && ip -n $E route add default via 198.51.100.1 || ok_setup=0
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1 || ok_setup=0
# IPv6 too (documentation prefix 2001:db8::/32), without duplicate address detection's wait
v6() { # ns if addr
	ip -n "$1" addr add "$3" dev "$2" nodad
}
v6 $R rd 2001:db8:10::1/64 && v6 $D eth0 2001:db8:10::2/64 && v6 $R rp 2001:db8:20::1/64 &&
	v6 $P eth0 2001:db8:20::2/64 && v6 $R rc 2001:db8:113::1/64 && v6 $C eth0 2001:db8:113::10/64 &&
	v6 $R re 2001:db8:100::1/64 && v6 $E eth0 2001:db8:100::20/64 || ok_setup=0
ip -n $D -6 route add default via 2001:db8:10::1 && ip -n $P -6 route add default via 2001:db8:20::1 &&
	ip -n $C -6 route add default via 2001:db8:113::1 && ip -n $E -6 route add default via 2001:db8:100::1 ||
	ok_setup=0
ip netns exec $R sysctl -qw net.ipv6.conf.all.forwarding=1 || ok_setup=0
check "namespaces: router, device, phone, cloud, elsewhere; IPv4 and IPv6; forwarding on" test $ok_setup = 1

peer=$ROOT/tests/live/netpeer.py
ip netns exec $P python3 "$peer" serve 192.168.20.2 8000 9000,9150,9300 & pids+=($!)
ip netns exec $C python3 "$peer" serve 203.0.113.10 8080 9000 & pids+=($!)
ip netns exec $E python3 "$peer" serve 198.51.100.20 8080 9000 & pids+=($!)
ip netns exec $P python3 "$peer" serve 2001:db8:20::2 8000 9000 & pids+=($!)
ip netns exec $C python3 "$peer" serve 2001:db8:113::10 8080 "" & pids+=($!)
ip netns exec $E python3 "$peer" serve 2001:db8:100::20 8080 "" & pids+=($!)
ip netns exec $R python3 "$peer" serve 192.168.10.1 8081 "" & pids+=($!)
ip netns exec $R python3 "$peer" dns 192.168.10.1 & pids+=($!)
# every server listening before the first probe (a fixed sleep was not
# always enough on a loaded machine): up to 10 s
listening() { # ns -t|-u addr:port
	ip netns exec "$1" ss -Hln "$2" | awk '{print $4}' | grep -qxF "$3"
}
for w in "$P -t 192.168.20.2:8000" "$P -u 192.168.20.2:9000" "$P -u 192.168.20.2:9150" \
	"$P -u 192.168.20.2:9300" "$C -t 203.0.113.10:8080" "$C -u 203.0.113.10:9000" \
	"$E -t 198.51.100.20:8080" "$E -u 198.51.100.20:9000" "$P -t [2001:db8:20::2]:8000" \
	"$P -u [2001:db8:20::2]:9000" "$C -t [2001:db8:113::10]:8080" "$E -t [2001:db8:100::20]:8080" \
	"$R -t 192.168.10.1:8081" "$R -u 192.168.10.1:53"; do
	for _ in $(seq 100); do listening $w && break; sleep 0.1; done
done

# the device's profile, RFC 8520 JSON written by hand (not by alfoil),
# tests/data/mud/plug-v4-v6.json:
# IPv4: its cloud by name on TCP 8080, the LAN on TCP 8000, UDP 9000 and
# UDP 9100-9200; IPv6: the cloud on TCP 8080 and the LAN on TCP 8000 only
mkdir -p "$work/profiles"
cp "$ROOT/tests/data/mud/plug-v4-v6.json" "$work/profiles/68-c6-3a-00-00-02.json"

probe() { ip netns exec $D python3 "$peer" probe "$@" 2>&1; }
targets="tcp:192.168.20.2:8000 udp:192.168.20.2:9000 tcp:203.0.113.10:8080 udp:203.0.113.10:9000 tcp:198.51.100.20:8080 dns:192.168.10.1:53 tcp:192.168.10.1:8081
udp:192.168.20.2:9150 udp:192.168.20.2:9300
tcp:[2001:db8:20::2]:8000 udp:[2001:db8:20::2]:9000 tcp:[2001:db8:113::10]:8080 tcp:[2001:db8:100::20]:8080"
expect() { # policy "ok|fail ..." (one per target)
	local pol=$1; shift
	local want=($1) got i=0
	got=$(probe $targets)
	for t in $targets; do
		local g
		g=$(printf '%s\n' "$got" | awk -v t="$t" '$1 == t {print $2}')
		if [ "$g" = "${want[$i]}" ]; then ok "$pol: $t ${want[$i]}"
		else not_ok "$pol: $t ${want[$i]}" "got '$g'"; fi
		i=$((i + 1))
	done
}
apply() { # policy
	printf '%s = %s\n' $DMAC "$1" >"$work/policies"
	ip netns exec $R "$ALFOIL" enforce --profiles "$work/profiles" --policies "$work/policies" \
		--resolve cloud.example=203.0.113.10 --resolve cloud.example=2001:db8:113::10 \
		--lan "192.168.0.0/16, 2001:db8:10::/64, 2001:db8:20::/64" --apply 2>"$work/err"
}
all_ok="ok ok ok ok ok ok ok  ok ok  ok ok ok ok"

# the first packets over a fresh link wait on neighbour discovery (IPv6's
# link-local addresses are still tentative for a second or so), and one
# first IPv6 connection failed that way in CI: before any rule, wait up to
# 10 s until every target answers once
for _ in $(seq 10); do
	[ "$(probe $targets | awk '$2 != "ok"' | wc -l)" = 0 ] && break
	sleep 1
done
expect "no rules yet" "$all_ok"
apply profile; check "enforce --apply (profile) loads into the router" test $? = 0
check "the router has the table inet alfoil, and no other" sh -c "[ \"\$(ip netns exec $R nft list tables)\" = 'table inet alfoil' ]"
#                  v4: phone cloud  elsewhere router  | range in/out | v6: phone tcp, udp (v4-only rule), cloud, elsewhere
expect profile    "ok ok ok fail fail ok ok  ok fail  ok fail ok fail"
apply local-only; check "enforce --apply (local-only)" test $? = 0
expect local-only "ok ok fail fail fail ok ok  ok ok  ok ok fail fail"
apply quarantine; check "enforce --apply (quarantine)" test $? = 0
expect quarantine "fail fail fail fail fail ok fail  fail fail  fail fail fail fail"
apply allow; check "enforce --apply (allow)" test $? = 0
expect allow "$all_ok"
# another table of the router's own is never touched
ip netns exec $R nft add table ip mine && ip netns exec $R nft add chain ip mine c
apply quarantine
ip netns exec $R "$ALFOIL" enforce --remove 2>>"$work/err"
check "enforce --remove deletes inet alfoil and leaves other tables" \
	sh -c "[ \"\$(ip netns exec $R nft list tables)\" = 'table ip mine' ]"
expect "after --remove" "$all_ok"

# enforce on captures directly (the engine's records): the same ruleset as
# from the saved report of the same capture, and the router's nft takes it
ex=$ROOT/examples/home.pcap
"$ALFOIL" profile learn -o "$work/ex-prof" "$ex" >/dev/null 2>&1
"$ALFOIL" inspect --json -q --no-progress -o "$work/ex.json" "$ex"
"$ALFOIL" enforce --profiles "$work/ex-prof" --report "$work/ex.json" >"$work/ex-rep.nft" 2>/dev/null
"$ALFOIL" enforce --profiles "$work/ex-prof" "$ex" >"$work/ex-cap.nft" 2>/dev/null
check "enforce on the capture: the ruleset of its saved report, byte for byte" \
	sh -c "cmp '$work/ex-rep.nft' '$work/ex-cap.nft' && grep -q 'ether saddr' '$work/ex-cap.nft'"
check "the ruleset made from the capture loads (nft -c in the router)" ip netns exec $R nft -c -f "$work/ex-cap.nft"
tap_end
