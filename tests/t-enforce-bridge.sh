#!/usr/bin/env bash
# The LAN rules for real: a router namespace whose LAN is a Linux bridge
# with four device ports (a camera, a phone that runs its app, a NAS, a hub
# of the camera's maker), alfoil watch --enforce --bridge on it: the
# camera's MUD local rules hold what the bridge forwards between devices
# (table bridge alfoil), and quarantine (alfoil device --policy, picked up
# by the running daemon) cuts it from all of them, an open connection
# included. Nothing leaves the namespaces.
set -u
. "$(dirname "$0")/lib.sh"
need_netns "the bridge table in network namespaces"
if ! command -v nft >/dev/null || ! command -v jq >/dev/null; then
	skip "the bridge table in network namespaces" "needs nft and jq (scripts/setup.sh installs them)"
	tap_end; exit 0
fi
p=afb$$
R=$p-r CAM=$p-c PH=$p-p NAS=$p-n HUB=$p-h
CMAC=68:c6:3a:00:00:02 PMAC=02:00:00:00:aa:01 NMAC=02:00:00:00:bb:01 HMAC=68:c6:3a:00:00:09
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
	for x in "${pids[@]}"; do kill "$x" 2>/dev/null; done
	wait 2>/dev/null
	for n in $R $CAM $PH $NAS $HUB; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
ok_setup=1
for n in $R $CAM $PH $NAS $HUB; do ip netns add "$n" && ip -n "$n" link set lo up || ok_setup=0; done
ip -n $R link add br0 type bridge && ip -n $R addr add 192.168.50.1/24 dev br0 && ip -n $R link set br0 up || ok_setup=0
port() { # ns port-name mac addr
	ip link add "$2" netns $R type veth peer name eth0 netns "$1" &&
	ip -n $R link set "$2" master br0 && ip -n $R link set "$2" up &&
	ip -n "$1" link set eth0 address "$3" && ip -n "$1" addr add "$4/24" dev eth0 && ip -n "$1" link set eth0 up
}
port $CAM pc $CMAC 192.168.50.2 || ok_setup=0
port $PH pp $PMAC 192.168.50.3 || ok_setup=0
port $NAS pn $NMAC 192.168.50.4 || ok_setup=0
port $HUB ph $HMAC 192.168.50.5 || ok_setup=0
check "namespaces: a router whose LAN is a bridge of four ports (camera, phone, NAS, hub)" test $ok_setup = 1

peer=$ROOT/tests/live/netpeer.py
ip netns exec $CAM python3 "$peer" ticker 192.168.50.2 8554 & pids+=($!)
ip netns exec $PH python3 "$peer" serve 192.168.50.3 8000 9000 & pids+=($!)
ip netns exec $NAS python3 "$peer" serve 192.168.50.4 8000 9000 & pids+=($!)
ip netns exec $HUB python3 "$peer" serve 192.168.50.5 8000 9000 & pids+=($!)
ip netns exec $R python3 "$peer" serve 192.168.50.1 8081 "" & pids+=($!)
listening() { ip netns exec "$1" ss -Hln "$2" | awk '{print $4}' | grep -qxF "$3"; }
for w in "$CAM -t 192.168.50.2:8554" "$PH -t 192.168.50.3:8000" "$NAS -t 192.168.50.4:8000" \
	"$HUB -u 192.168.50.5:9000" "$NAS -u 192.168.50.4:9000" "$R -t 192.168.50.1:8081"; do
	for _ in $(seq 100); do listening $w && break; sleep 0.1; done
done
probe() { ip netns exec "$1" python3 "$peer" probe "$2" | awk '{print $2}'; }
# lines from the camera's stream (its RTSP-like port) in SECONDS
stream() { # ns seconds
	ip netns exec "$1" python3 "$peer" hold 192.168.50.2 8554 "$2" 2>/dev/null | wc -l
}
check "without rules the NAS gets the camera's stream" test "$(stream $NAS 0.3)" -gt 0

mkdir -p "$work/profiles"
cp "$ROOT/tests/data/mud/cam-controller.json" "$work/profiles/68-c6-3a-00-00-02.json"
printf 'controller = %s\n' "$PMAC" >"$work/policies"
db=$work/a.db
ip netns exec $R "$ALFOIL" watch -i br0 --db "$db" --commit-interval 1 --enforce --bridge \
	--profiles "$work/profiles" --policies "$work/policies" --learning 0 --user nobody \
	2>"$work/watch.log" & wpid=$!; pids+=($wpid)
for _ in $(seq 100); do ip netns exec $R nft list table bridge alfoil >/dev/null 2>&1 && break; sleep 0.1; done
check "watch --enforce --bridge loaded table bridge alfoil" ip netns exec $R nft list chain bridge alfoil bd68c63a000002
check "and inet alfoil, and no other table" \
	sh -c "[ \"\$(ip netns exec $R nft list tables | sort | tr '\n' ' ')\" = 'table bridge alfoil table inet alfoil ' ]"
check "the phone (its controller) gets the camera's stream" test "$(stream $PH 0.5)" -gt 0
check "the NAS does not" test "$(stream $NAS 0.5)" = 0
check "the camera reaches the phone's app port (tcp 8000)" test "$(probe $CAM tcp:192.168.50.3:8000)" = ok
check "the camera does not reach the NAS (tcp 8000)" test "$(probe $CAM tcp:192.168.50.4:8000)" = fail
check "the camera reaches its maker's hub (udp 9000, same-manufacturer)" test "$(probe $CAM udp:192.168.50.5:9000)" = ok
check "but not the NAS on the same port" test "$(probe $CAM udp:192.168.50.4:9000)" = fail
check "devices without a policy are left alone (NAS to phone)" test "$(probe $NAS tcp:192.168.50.3:8000)" = ok
check "the router itself still answers the camera (its bridge address; not forwarded)" \
	test "$(probe $CAM tcp:192.168.50.1:8081)" = ok

# quarantine from the command line, while the phone watches the stream
ip netns exec $PH python3 "$peer" hold 192.168.50.2 8554 7 >"$work/ticks" 2>/dev/null & hold=$!
sleep 1.5
check "alfoil device --policy quarantine" "$ALFOIL" device $CMAC --policy quarantine --db "$db"
for _ in $(seq 80); do
	ip netns exec $R nft list chain bridge alfoil forward 2>/dev/null | grep -Eq "ether saddr $CMAC counter packets [0-9]+ bytes [0-9]+ drop" && break
	sleep 0.05
done
t_q=$(date +%s.%N)
check "the running daemon loaded it within seconds" \
	sh -c "ip netns exec $R nft list chain bridge alfoil forward | grep -Eq 'ether saddr $CMAC counter packets [0-9]+ bytes [0-9]+ drop'"
wait $hold
before=$(awk -v t="$t_q" '$1 < t - 0.3' "$work/ticks" | wc -l)
after=$(awk -v t="$t_q" '$1 > t + 0.3' "$work/ticks" | wc -l)
check "the open stream flowed before quarantine ($before lines)" test "$before" -gt 5
check "and was cut by it: no line after ($after)" test "$after" = 0
check "quarantined: the phone gets no stream" test "$(stream $PH 0.5)" = 0
check "quarantined: the camera does not reach the phone" test "$(probe $CAM tcp:192.168.50.3:8000)" = fail
check "quarantined: nor the hub" test "$(probe $CAM udp:192.168.50.5:9000)" = fail
check "the others still reach each other (NAS to phone)" test "$(probe $NAS tcp:192.168.50.3:8000)" = ok
for _ in $(seq 50); do
	"$ALFOIL" events --db "$db" --json --all 2>/dev/null |
		jq -s -e "any(.[]; .type == \"policy-changed\" and .device.mac == \"$CMAC\" and .evidence.to == \"quarantine\")" \
			>/dev/null && break
	sleep 0.2
done
check "the change is an event: policy-changed profile->quarantine" \
	sh -c "'$ALFOIL' events --db '$db' --json --all | jq -s -e 'any(.[]; .type == \"policy-changed\" and .subject == \"profile->quarantine\")' >/dev/null"
check "alfoil device --policy none: back to its profile" "$ALFOIL" device $CMAC --policy none --db "$db"
for _ in $(seq 80); do
	ip netns exec $R nft list chain bridge alfoil forward 2>/dev/null | grep -q "jump bd68c63a000002" && break
	sleep 0.05
done
check "the phone gets the stream again" test "$(stream $PH 0.5)" -gt 0
kill -TERM $wpid; wait $wpid
check "watch stopped cleanly" test $? = 0
check "alfoil enforce --remove takes both tables away" ip netns exec $R "$ALFOIL" enforce --remove
check "no table left" test -z "$(ip netns exec $R nft list tables)"
check "watch logged no error" sh -c "! grep ': error: ' '$work/watch.log'"
tap_end
