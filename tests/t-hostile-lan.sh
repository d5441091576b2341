#!/usr/bin/env bash
# A LAN host that lies about addresses and roles (captures built by
# tests/captures/hostile_lan.py; docs/internals.md "Global addresses owned
# by LAN devices", "The router", "Device admission"):
#   (a) one UDP frame from a LAN MAC with source 47.102.97.140 does not make
#       the camera's 456 kB upload there LAN traffic, nor the home country CN;
#   (b) the same with a few 240e:: sources over IPv6;
#   (c) one frame "from" 8.8.8.8:53 does not make its sender the router: it
#       keeps its kind and a kind: policy still applies in alfoil enforce;
#       the real router (many hosts both ways) still is one;
#   (d) 4,100 frames from made-up MACs do not push out a camera that comes
#       after them with DHCP and two-way traffic; what was dropped is said
#       in the JSON, text and HTML reports; the table stays at its cap;
#   (e) a real global IPv6 device (NDP) is still a LAN peer (lan-global).
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$ROOT/tests/captures/hostile_lan.py" "$work" || { not_ok "captures built"; tap_end; exit 1; }

CAM=94:f8:27:6d:12:c9 A=34:f6:4b:00:00:03 R=50:c7:bf:00:00:01 LAP=3c:22:fb:00:00:04 PH=a4:83:e7:00:00:05
for f in spoof4 spoof6 router flood flood-first honest spoof-peer; do
	"$ALFOIL" inspect --json --no-progress -q -o "$work/$f.json" "$work/$f.pcap" 2>"$work/$f.err" ||
		not_ok "$f: report made" "$(head -c 400 "$work/$f.err")"
done
j() { jq -e "$2" "$work/$1.json" >/dev/null; }
t() { check "$1" j "$2" "$3"; }
dev() { echo ".devices[] | select(.mac == \"$1\")"; }

# (a) spoofed IPv4 source
up="[$(dev $CAM) | .destinations[] | select(.address == \"47.102.97.140\" and .port == 443)]"
t "spoof4: the camera's upload to 47.102.97.140 is still internet" spoof4 "$up | length == 1 and .[0].scope == \"internet\""
t "spoof4: ... with country CN and 456 kB up" spoof4 "$up | .[0].country == \"CN\" and .[0].bytes_up > 450000"
t "spoof4: CN in the country view, with the camera" spoof4 '[.countries[] | select(.country == "CN") | .top_devices[]] | index("94:f8:27:6d:12:c9")'
t "spoof4: home country DE (the laptop's IPv6 prefix), not CN" spoof4 '.home_country == "DE" and .home_country_source == "own-address"'
t "spoof4: the refused claim is counted (capture.counters.lan_global_refused)" spoof4 '.capture.counters.lan_global_refused == 1'

# (b) spoofed IPv6 sources
up6="[$(dev $LAP) | .destinations[] | select(.address == \"240e:3b0:1::2\" and .port == 443)]"
t "spoof6: the laptop's upload to 240e:3b0:1::2 is still internet, CN" spoof6 "$up6 | length == 1 and .[0].scope == \"internet\" and .[0].country == \"CN\""
t "spoof6: home country DE, not CN" spoof6 '.home_country == "DE"'
t "spoof6: the 4 refused claims are counted" spoof6 '.capture.counters.lan_global_refused == 4'
t "spoof6: no destination anywhere is lan-global" spoof6 '[.devices[].destinations[] | select(.scope == "lan-global")] | length == 0'

# (c) one frame from 8.8.8.8:53 does not make a router
t "router: the attacker (one frame from 8.8.8.8:53) is not a gateway" router "$(dev $A) | (.roles | index(\"gateway\")) == null"
t "router: ... and keeps its kind (computer)" router "$(dev $A) | .identity.kind == \"computer\""
t "router: the real router (several hosts both ways through its MAC) is the gateway" router "$(dev $R) | (.roles | index(\"gateway\")) and .identity.kind == \"network\""
t "router: one gateway only" router '[.devices[] | select(.roles | index("gateway"))] | length == 1'
mkdir -p "$work/prof"
printf 'kind:computer = quarantine\n' >"$work/pol"
"$ALFOIL" enforce --profiles "$work/prof" --policies "$work/pol" --report "$work/router.json" --nft >"$work/r.nft" 2>"$work/r.err"
check "router: alfoil enforce made a ruleset" test -s "$work/r.nft"
check "router: the kind:computer policy quarantines the attacker too" grep -q "ether saddr $A jump .*# quarantine" "$work/r.nft"

"$ALFOIL" profile learn -o "$work/mud" "$work/router.pcap" >/dev/null 2>"$work/learn.err"
check "router: profile learn writes the attacker's profile (routers get none)" test -s "$work/mud/34-f6-4b-00-00-03.json"
check "router: ... and none for the real router" test ! -e "$work/mud/50-c7-bf-00-00-01.json"

# (d) crowding out
t "flood: the camera that came after 4,100 made-up MACs is in the report" flood "[$(dev $CAM)] | length == 1"
t "flood: ... with its upload (CN) and its DHCP name" flood "$(dev $CAM) | ([.destinations[] | select(.address == \"47.102.97.140\")] | length == 1) and .identity.kind == \"camera\""
t "flood: the router is kept" flood "[$(dev $R)] | length == 1"
t "flood: at most 4096 devices (--max-devices)" flood '(.devices | length) <= 4096'
t "flood: the evicted are counted (capture.counters.devices_evicted)" flood '.capture.counters.devices_evicted >= 5'
frames=$(python3 -c 'import struct,sys
b=open(sys.argv[1],"rb").read(); o=24; n=0
while o < len(b): o += 16 + struct.unpack_from("<I", b, o + 8)[0]; n += 1
print(n)' "$work/flood.pcap")
t "flood: every frame counted ($frames)" flood ".capture.packets == $frames"
"$ALFOIL" inspect --no-progress -q -o "$work/flood.txt" "$work/flood.pcap" 2>/dev/null
"$ALFOIL" inspect --format html --no-progress -q -o "$work/flood.html" "$work/flood.pcap" 2>/dev/null
n=$(jq .capture.counters.devices_evicted "$work/flood.json")
check "flood: the text report says $n devices were dropped" grep -q "^  ! $n devices seen only briefly .* were dropped to keep the device table within 4096" "$work/flood.txt"
check "flood: the HTML report says it too" grep -q "<p id=\"devices-dropped\">$n devices seen only briefly" "$work/flood.html"
t "flood-first: the camera before the flood is never evicted" flood-first "[$(dev $CAM)] | length == 1 and (.[0].destinations | length) >= 3"
t "flood-first: made-up MACs evicted instead" flood-first '.capture.counters.devices_evicted >= 5 and (.devices | length) <= 4096'

# (e) a real global IPv6 device
t "honest: the phone's traffic to the laptop's global address is lan-global" honest "[$(dev $PH) | .destinations[] | select(.address == \"2a02:8108:1a80:3c00:b5e1:9f27:6c0a:d34e\")] | length == 1 and all(.scope == \"lan-global\")"
t "honest: home country DE from own addresses" honest '.home_country == "DE" and .home_country_source == "own-address"'
t "honest: no claim refused" honest '(.capture.counters.lan_global_refused // 0) == 0'
# (f) a quarantine built from a report never takes addresses a device only
# sent from and another device has (addresses_unproven)
t "spoof-peer: the attacker's copy of the camera's address is unproven" spoof-peer "$(dev $A) | .addresses_unproven | index(\"192.168.1.103\") != null"
t "spoof-peer: the camera's own is not" spoof-peer "$(dev $CAM) | .addresses_unproven | index(\"192.168.1.103\") == null"
"$ALFOIL" enforce --profiles "$work/prof" --policies "$work/pol" --report "$work/spoof-peer.json" --nft >"$work/sp.nft" 2>"$work/sp.err"
check "spoof-peer: alfoil enforce made a ruleset" test -s "$work/sp.nft"
check "spoof-peer: the attacker is quarantined" grep -q "ether saddr $A jump .*# quarantine" "$work/sp.nft"
aset=$(awk -v m="d$(echo "$A" | tr -d :)_ip" 'index($0, "set " m) { on = 1 } on { print } on && /^\t}/ { on = 0 }' "$work/sp.nft")
check "spoof-peer: the attacker's address sets are in the ruleset" grep -q "type ipv6_addr" <<<"$aset"
check "spoof-peer: the camera's address is not in the attacker's set" sh -c "! grep -q '192\.168\.1\.103' <<EOF
$aset
EOF"
check "spoof-peer: nor the laptop's global IPv6 address" sh -c "! grep -q '2a02:8108:1a80:3c00:b5e1:9f27:6c0a:d34e' <<EOF
$aset
EOF"
check "spoof-peer: the attacker's own address is" grep -q "elements = { 192.168.1.60 }" <<<"$aset"
check "spoof-peer: enforce says why it left them out" grep -q "address 192.168.1.103 left out: the device only sent from it" "$work/sp.err"
if [ "$(id -u)" -eq 0 ] && command -v nft >/dev/null && ip netns add "alfoil-hl-$$" 2>/dev/null; then
	check "spoof-peer: nft accepts the ruleset (nft -c, in a namespace of its own)" ip netns exec "alfoil-hl-$$" nft -c -f "$work/sp.nft"
	ip netns del "alfoil-hl-$$"
else
	skip "spoof-peer: nft accepts the ruleset" "needs root, nft and ip netns"
fi
tap_end
