#!/usr/bin/env bash
# Containment that holds, for real: a router namespace with the real nft
# (and unbound), a device and a phone on the LAN side, a cloud on the WAN
# side (documentation ranges), forwarding on, a port forward (DNAT) from the
# WAN to the device. Checked: an open connection is cut within a second of
# --apply; the port forward and other hosts are held off in local-only and
# quarantine while the phone keeps local control in local-only; the fw4
# snippet loads inside a `table inet fw4 { include ... }` and holds; the
# default policy spares the phone; unbound views block the device's cloud
# name for the device only; hostile report entries are skipped, the rest held.
set -u
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v nft >/dev/null || ! ip netns add "alfoil-probe-$$" 2>/dev/null; then
	skip "held enforcement in network namespaces" "needs root, ip netns and nft (scripts/setup.sh installs nftables)"
	tap_end; exit 0
fi
ip netns del "alfoil-probe-$$"
p=ah$$
R=$p-r D=$p-d P=$p-p C=$p-c
DMAC=68:c6:3a:00:00:02 PMAC=02:00:5e:00:00:20
DID=d68c63a000002
work=$(mktemp -d)
pids=()
cleanup() {
	for x in "${pids[@]}"; do kill "$x" 2>/dev/null; done
	for n in $R $D $P $C; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
ok_setup=1
for n in $R $D $P $C; do ip netns add "$n" && ip -n "$n" link set lo up || ok_setup=0; done
veth_link $R rd 192.168.10.1/24 $D eth0 192.168.10.2/24 || ok_setup=0
veth_link $R rp 192.168.20.1/24 $P eth0 192.168.20.2/24 || ok_setup=0
veth_link $R rc 203.0.113.1/24 $C eth0 203.0.113.10/24 || ok_setup=0
ip -n $D link set eth0 address $DMAC && ip -n $P link set eth0 address $PMAC || ok_setup=0
ip -n $D route add default via 192.168.10.1 && ip -n $P route add default via 192.168.20.1 &&
	ip -n $C route add default via 203.0.113.1 || ok_setup=0
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1 || ok_setup=0
# the router's own port forward: WAN tcp/8443 -> the device's tcp/8000
ip netns exec $R nft -f - <<'NFT' || ok_setup=0
table ip portfw {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "rc" tcp dport 8443 dnat to 192.168.10.2:8000
		iifname "rc" udp dport 8444 dnat to 192.168.10.2:9000
	}
}
NFT
check "namespaces: router (with a port forward), device, phone, cloud; forwarding on" test $ok_setup = 1

peer=$ROOT/tests/live/netpeer.py
ip netns exec $D python3 "$peer" serve 192.168.10.2 8000 9000 & pids+=($!)
ip netns exec $P python3 "$peer" serve 192.168.20.2 8000 "" & pids+=($!)
ip netns exec $C python3 "$peer" serve 203.0.113.10 8080 "" & pids+=($!)
ip netns exec $C python3 "$peer" ticker 203.0.113.10 7000 & pids+=($!)
ip netns exec $P python3 "$peer" ticker 192.168.20.2 7001 & pids+=($!)
listening() { ip netns exec "$1" ss -Hln "$2" | awk '{print $4}' | grep -qxF "$3"; }
for w in "$D -t 192.168.10.2:8000" "$D -u 192.168.10.2:9000" "$P -t 192.168.20.2:8000" \
	"$C -t 203.0.113.10:8080" "$C -t 203.0.113.10:7000" "$P -t 192.168.20.2:7001"; do
	for _ in $(seq 100); do listening $w && break; sleep 0.1; done
done

mkdir -p "$work/profiles"
cp "$ROOT/tests/data/mud/plug-v4-v6.json" "$work/profiles/68-c6-3a-00-00-02.json"
# an inspect --json report in the shape alfoil writes (docs/json-schema.md):
# the device (a plug) with its address and the names it looked up, the
# phone, and hostile entries that must be skipped without disarming them
cat >"$work/report.json" <<JSON
{"devices": [
 {"mac": "$DMAC", "ipv4": ["192.168.10.2"], "ipv6": [], "roles": [], "identity": {"kind": "plug"},
  "dns": {"queries": [{"name": "cloud.example", "count": 3}, {"name": "x.example\" always_transparent\nlocal-zone: \"y", "count": 1},
                      {"name": "bad_name.example", "count": 1}],
          "answers": [{"name": "cloud.example", "address": "203.0.113.10"}, {"name": "cloud.example;drop", "address": "203.0.113.11"}]}},
 {"mac": "$PMAC", "ipv4": ["192.168.20.2"], "ipv6": [], "roles": [], "identity": {"kind": "phone"},
  "dns": {"queries": [{"name": "cloud.example", "count": 1}], "answers": []}},
 {"mac": "68:c6:3a:00:00:02 accept; ether saddr 00:00:00:00:00:00", "ipv4": ["192.168.10.9"], "roles": [],
  "identity": {"kind": "plug"}, "dns": {"queries": [], "answers": []}},
 {"mac": "02:00:5e:00:00:31", "ipv4": ["192.168.10.31; accept", "192.168.10.31"], "roles": [], "identity": {"kind": null},
  "dns": {"queries": [], "answers": []}}
]}
JSON
apply() { # policy-file-text [extra options]
	printf '%s\n' "$1" >"$work/policies"; shift
	ip netns exec $R "$ALFOIL" enforce --profiles "$work/profiles" --policies "$work/policies" \
		--report "$work/report.json" --lan "192.168.0.0/16" --apply "$@" 2>"$work/err"
}
probe() { ip netns exec "$1" python3 "$peer" probe "$2" 2>&1 | awk '{print $2}'; }
is() { # description ns target ok|fail
	local g; g=$(probe "$2" "$3")
	if [ "$g" = "$4" ]; then ok "$1: $3 from $2 $4"; else not_ok "$1: $3 from $2 $4" "got '$g'"; fi
}

# --- open connections are cut -------------------------------------------
# hold a connection from the device to a ticker (a line every 50 ms), apply
# while it runs, and look at when the last line arrived
cut_test() { # policy target expect(cut|kept)
	ip netns exec $R nft delete table inet alfoil 2>/dev/null
	: >"$work/hold"
	ip netns exec $D python3 "$peer" hold "${2%:*}" "${2##*:}" 6 >"$work/hold" & local h=$!
	# the connection carries data before the rules come (up to 5 s on a loaded machine)
	for _ in $(seq 50); do [ "$(wc -l <"$work/hold")" -ge 12 ] && break; sleep 0.1; done
	apply "$DMAC = $1"; local rc=$?
	local t1; t1=$(date +%s.%N)
	wait $h
	local before after
	before=$(awk -v t="$t1" '$1 < t - 0.3' "$work/hold" | wc -l)
	after=$(awk -v t="$t1" '$1 > t + 1.0' "$work/hold" | wc -l)
	if [ $rc != 0 ]; then not_ok "$1: apply" "$(cat "$work/err")"
	elif [ "$3" = cut ] && [ "$before" -ge 5 ] && [ "$after" = 0 ]; then ok "$1: the open connection to $2 is cut within 1 s ($before lines before)"
	elif [ "$3" = kept ] && [ "$before" -ge 5 ] && [ "$after" -gt 3 ]; then ok "$1: the open connection to $2 keeps working ($after lines after)"
	else not_ok "$1: open connection to $2 $3" "lines before $before, more than 1 s after $after"; fi
}
cut_test quarantine 203.0.113.10:7000 cut
cut_test local-only 203.0.113.10:7000 cut
cut_test local-only 192.168.20.2:7001 kept
cut_test quarantine 192.168.20.2:7001 cut

# --- traffic to the device: the port forward and other hosts ------------
apply "$DMAC = allow"
is "allow" $C tcp:203.0.113.1:8443 ok
is "allow" $P tcp:192.168.10.2:8000 ok
apply "$DMAC = local-only"; check "apply local-only" test $? = 0
is "local-only" $C tcp:203.0.113.1:8443 fail
is "local-only" $C udp:203.0.113.1:8444 fail
is "local-only (local control)" $P tcp:192.168.10.2:8000 ok
check "local-only: the WAN's packets to the device are dropped on the way in (the _to chain counted them)" \
	sh -c "ip netns exec $R nft list chain inet alfoil ${DID}_to | grep -Eq 'counter packets [1-9]'"
apply "$DMAC = quarantine"; check "apply quarantine" test $? = 0
is "quarantine" $C tcp:203.0.113.1:8443 fail
is "quarantine" $P tcp:192.168.10.2:8000 fail
is "quarantine" $D tcp:203.0.113.10:8080 fail
# hostile entries of the report were skipped, each with a warning, and the rest held
check "the report's malformed MAC was skipped with a warning naming it" grep -qF 'mac: "68:c6:3a:00:00:02 accept; ether saddr 00:00:00:00:00:00" is not a MAC address like aa:bb:cc:dd:ee:ff; the device left out' "$work/err"
check "no hostile text reached the ruleset" sh -c "! ip netns exec $R nft list table inet alfoil | grep -Eq 'always_transparent|192.168.10.31;|00:00:00:00:00:00'"
# the device's address set is also learnt from what it sends
printf '{"devices": []}\n' >"$work/empty.json"
printf '%s = local-only\n' $DMAC >"$work/policies"
ip netns exec $R "$ALFOIL" enforce --profiles "$work/profiles" --policies "$work/policies" --report "$work/empty.json" \
	--lan 192.168.0.0/16 --apply 2>"$work/err"
check "no address known: the device's set starts empty" \
	sh -c "! ip netns exec $R nft list set inet alfoil ${DID}_ip4 | grep -q 192.168.10.2"
probe $D tcp:192.168.20.2:8000 >/dev/null
check "... and learns 192.168.10.2 from its first packet" \
	sh -c "ip netns exec $R nft list set inet alfoil ${DID}_ip4 | grep -q 192.168.10.2"
is "local-only, address learnt" $C tcp:203.0.113.1:8443 fail

# --- the default is for appliances ---------------------------------------
apply "default = local-only"; check "apply default = local-only" test $? = 0
is "default local-only: the plug" $D tcp:203.0.113.10:8080 fail
is "default local-only: the phone (kind phone) is not held" $P tcp:203.0.113.10:8080 ok
check "the phone's exemption is said" grep -q "$PMAC is a phone: the default (local-only) is for appliances" "$work/err"
apply "kind:unknown = quarantine
kind:phone = local-only"
is "kind:phone = local-only" $P tcp:203.0.113.10:8080 fail
"$ALFOIL" enforce --profiles "$work/profiles" --policies "$work/policies" --report "$work/report.json" \
	--lan 192.168.0.0/16 >"$work/dry.nft" 2>/dev/null
check "kind:unknown names the device the report could not place" \
	grep -q 'ether saddr 02:00:5e:00:00:31 jump d02005e000031  # quarantine' "$work/dry.nft"
check "... and a plug, with a profile and no line, keeps its profile" \
	grep -q 'ether saddr 68:c6:3a:00:00:02 jump d68c63a000002  # profile' "$work/dry.nft"

# --- domain rules and no addresses: refused unless asked -----------------
ip netns exec $R nft delete table inet alfoil 2>/dev/null
printf '%s = profile\n' $DMAC >"$work/policies"
ip netns exec $R "$ALFOIL" enforce --profiles "$work/profiles" --policies "$work/policies" --apply 2>"$work/err"
rc=$?
check "profile by domain without --report/--resolve: --apply refused" test $rc != 0
check "... saying why" grep -Eq "refusing: the profiles allow [0-9]+ rules? by domain name, and no address is known" "$work/err"
check "... and nothing loaded" sh -c "! ip netns exec $R nft list table inet alfoil 2>/dev/null"
ip netns exec $R "$ALFOIL" enforce --profiles "$work/profiles" --policies "$work/policies" --apply --allow-empty 2>"$work/err"
check "--allow-empty applies it anyway" test $? = 0
is "allow-empty: the cloud by name stays blocked" $D tcp:203.0.113.10:8080 fail
is "allow-empty: the LAN rule works" $D tcp:192.168.20.2:8000 ok

# --- OpenWrt fw4: the snippet inside table inet fw4 ----------------------
ip netns exec $R nft delete table inet alfoil
printf '%s = quarantine\n' $DMAC >"$work/policies"
"$ALFOIL" enforce --profiles "$work/profiles" --policies "$work/policies" --report "$work/report.json" \
	--lan 192.168.0.0/16 --nft-format fw4 >"$work/50-alfoil.nft" 2>"$work/err"
check "--nft-format fw4 writes a snippet" grep -q "chain alfoil_forward" "$work/50-alfoil.nft"
# fw4's own table, much reduced: a forward chain of its own and the include
cat >"$work/fw4.nft" <<NFT
table inet fw4
delete table inet fw4
table inet fw4 {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
	}
	include "$work/50-alfoil.nft"
}
NFT
check "the snippet loads inside table inet fw4 { include ... } with the real nft" ip netns exec $R nft -f "$work/fw4.nft"
is "fw4 quarantine" $D tcp:203.0.113.10:8080 fail
is "fw4 quarantine: the port forward" $C tcp:203.0.113.1:8443 fail
is "fw4: the phone" $P tcp:203.0.113.10:8080 ok
check "fw4 reload (the table made again with the include) loads it again" ip netns exec $R nft -f "$work/fw4.nft"
is "fw4 after reload" $D tcp:203.0.113.10:8080 fail
check "--apply refuses the fw4 form (fw4 loads it)" sh -c "! ip netns exec $R $ALFOIL enforce --profiles $work/profiles --nft-format fw4 --apply 2>/dev/null"
ip netns exec $R nft delete table inet fw4

# --- per-device DNS blocks: unbound views --------------------------------
if command -v unbound >/dev/null && command -v unbound-checkconf >/dev/null; then
	printf '%s = local-only\n' $DMAC >"$work/policies"
	"$ALFOIL" enforce --profiles "$work/profiles" --policies "$work/policies" --report "$work/report.json" \
		--unbound >"$work/alfoil-unbound.conf" 2>"$work/err"
	check "--unbound writes a view for the device, by its address" \
		grep -q 'access-control-view: 192.168.10.2/32 "alfoil-68c63a000002"' "$work/alfoil-unbound.conf"
	check "hostile names of the report are not in it" sh -c "! grep -Eq 'always_transparent|bad_name' $work/alfoil-unbound.conf"
	cat >"$work/unbound.conf" <<CONF
server:
	chroot: ""
	username: ""
	directory: "$work"
	pidfile: "$work/unbound.pid"
	use-syslog: no
	logfile: "$work/unbound.log"
	do-daemonize: no
	do-ip6: no
	interface: 192.168.10.1
	interface: 192.168.20.1
	port: 53
	access-control: 192.168.0.0/16 allow
	module-config: "iterator"
	local-zone: "example." static
	local-data: "cloud.example. 60 IN A 203.0.113.10"
remote-control:
	control-enable: no
include: "$work/alfoil-unbound.conf"
CONF
	check "unbound-checkconf accepts what alfoil wrote" unbound-checkconf "$work/unbound.conf"
	ip netns exec $R unbound -d -c "$work/unbound.conf" & pids+=($!)
	for _ in $(seq 100); do listening $R "-u" 192.168.20.1:53 && break; sleep 0.1; done
	check "unbound listens on the router's addresses only" \
		sh -c "ip netns exec $R ss -Hlnu | awk '{print \$4}' | grep -v -e '^192.168.10.1:53\$' -e '^192.168.20.1:53\$' | grep -c :53 | grep -qx 0"
	is "unbound view: the device cannot resolve its cloud" $D resolve:192.168.10.1:53 fail
	is "unbound view: the phone can" $P resolve:192.168.20.1:53 ok
	is "unbound view: the device still gets answers (NXDOMAIN)" $D dns:192.168.10.1:53 ok
	# quarantine keeps DNS to the router, and nothing else of it
	ip netns exec $R python3 "$peer" serve 192.168.10.1 8081 "" & pids+=($!)
	for _ in $(seq 100); do listening $R -t 192.168.10.1:8081 && break; sleep 0.1; done
	apply "$DMAC = quarantine"
	is "quarantine: DNS to the router keeps working" $D dns:192.168.10.1:53 ok
	is "quarantine: the router's other services do not" $D tcp:192.168.10.1:8081 fail
	ip netns exec $R nft delete table inet alfoil
	"$ALFOIL" enforce --profiles "$work/profiles" --policies "$work/policies" --report "$work/report.json" \
		--dnsmasq >"$work/dnsmasq.conf" 2>"$work/err"
	check "--dnsmasq says in the file that it blocks for every client" grep -q "EVERY client" "$work/dnsmasq.conf"
	check "... and on stderr" grep -q "for every client" "$work/err"
	# Pi-hole: the groups, clients and entries in a gravity.db (Pi-hole's tables)
	if command -v sqlite3 >/dev/null; then
		"$ALFOIL" enforce --profiles "$work/profiles" --policies "$work/policies" --report "$work/report.json" \
			--pihole >"$work/pihole.sql" 2>"$work/err"
		sqlite3 "$work/gravity.db" <"$ROOT/tests/data/pihole/gravity-min.sql"
		check "--pihole: the SQL runs on a gravity.db (twice: it replaces its own entries)" \
			sh -c "sqlite3 -bail $work/gravity.db <$work/pihole.sql && sqlite3 -bail $work/gravity.db <$work/pihole.sql"
		# what Pi-hole blocks for a client: exact deny entries of the groups
		# the client is in (by address or MAC); an unknown client is Default's
		blocked() { # client-ip client-mac
			sqlite3 "$work/gravity.db" "WITH g AS (SELECT cg.group_id FROM client_by_group cg JOIN client c ON c.id = cg.client_id
				WHERE c.ip IN ('$1', '$2') UNION SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM client WHERE ip IN ('$1', '$2')))
				SELECT group_concat(domain, ' ') FROM (SELECT DISTINCT l.domain FROM domainlist l
				JOIN domainlist_by_group lg ON lg.domainlist_id = l.id WHERE l.type = 1 AND l.enabled AND lg.group_id IN g ORDER BY 1);"
		}
		got=$(blocked 192.168.10.2 x)
		check "Pi-hole: the device (by address) gets its cloud blocked, and the household's own entry (got '$got')" \
			test "$got" = "ads.example cloud.example"
		got=$(blocked 192.168.10.99 68:C6:3A:00:00:02)
		check "Pi-hole: the device by MAC, at another address, too (got '$got')" test "$got" = "ads.example cloud.example"
		got=$(blocked 192.168.20.2 02:00:5E:00:00:20)
		check "Pi-hole: the phone only gets the household's own entry (got '$got')" test "$got" = "ads.example"
		check "Pi-hole: hostile names are not in the SQL" sh -c "! grep -Eq 'always_transparent|bad_name' $work/pihole.sql"
	else
		skip "Pi-hole groups per device" "sqlite3 is not installed"
	fi
else
	skip "per-device DNS blocks with unbound views" "unbound is not installed (scripts/setup.sh installs it)"
fi

# --- a real plug's profile: one rule per service -------------------------
hs=$CAPTURES/iot-sentinel/TP-LinkPlugHS100
if [ -f "$hs/_iotdevice-mac.txt" ]; then
	mac=$(tr -d ' \r\n' <"$hs/_iotdevice-mac.txt" | tr A-F a-f)
	"$ALFOIL" profile learn --device "$mac" -o "$work/hs" "$hs"/*.pcap >/dev/null 2>&1
	"$ALFOIL" inspect --json "$hs"/*.pcap >"$work/hs.json" 2>/dev/null
	"$ALFOIL" enforce --profiles "$work/hs" --report "$work/hs.json" >"$work/hs.nft" 2>"$work/err"
	check "HS100: its MUD file names the maker" grep -q '"mfg-name": "TP-LINK TECHNOLOGIES CO.,LTD."' "$work/hs/${mac//:/-}.json"
	ntp=$(grep -c 'udp dport 123 return' "$work/hs.nft")
	check "HS100: its 14 NTP servers are one set and one rule (got $ntp)" test "$ntp" = 1
	empty=$(awk '/^\tset d.*_g/ {s=1; e=0} /elements/ {e=1} /^\t}/ {if (s && !e) n++; s=0} END {print n+0}' "$work/hs.nft")
	check "HS100: no empty set of a service" test "$empty" = 0
	check "HS100: the ruleset loads" ip netns exec $R nft -c -f "$work/hs.nft"
else
	skip "a real plug's ruleset" "../shared/captures/iot-sentinel is absent"
fi
tap_end
