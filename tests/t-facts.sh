#!/usr/bin/env bash
# Facts that come from tracking (issue 12), on real captures: who opened a
# flow (P2P cameras on high ports, TCP seen mid-stream), CS2/PPPP relays,
# one name per remote, first/last seen over several files, DNS counts
# against tshark, the connection's own name over a DNS name, and one
# address behind two MACs (a host in the middle).
set -u
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=detect_leaks=1

# j FILE DESC JQ-EXPR: ok when the expression is true on the report
j() {
	local file=$1 d=$2 e=$3
	if jq -e "$e" "$file" >/dev/null 2>&1; then ok "$d"; else
		not_ok "$d" "jq: $e"; fi
}
inspect() { # out.json files...
	local out=$1; shift
	"$ALFOIL" inspect --json --no-progress -o "$out" "$@" 2>"$work/err" || [ $? -eq 3 ]
}

# --- the connection's own name wins (a built capture: no real capture
# holds a Host that disagrees with the DNS name of its address) ----------
PYTHONPATH=$ROOT/tests/captures python3 - "$work/host.pcap" <<'EOF'
import sys
import pkt
c = pkt.Capture()
dev, rtr = '68:c6:3a:3a:1f:2b', '50:c7:bf:8a:3e:10'
c.udp(dev, rtr, '192.168.1.60', 40000, '192.168.1.1', 53, pkt.dns_query('de.ot.io.mi.com'))
c.udp(rtr, dev, '192.168.1.1', 53, '192.168.1.60', 40000, pkt.dns_answer('de.ot.io.mi.com', '3.120.177.22'))
c.tcp(dev, rtr, '192.168.1.60', 40001, '3.120.177.22', 80,
      b'GET /d.json HTTP/1.1\r\nHost: a1.tuyaeu.com\r\n\r\n', b'HTTP/1.1 200 OK\r\n\r\n')
c.write(sys.argv[1])
EOF
if [ -s "$work/host.pcap" ] && inspect "$work/host.json" "$work/host.pcap"; then
	sel='.devices[] | select(.id=="68:c6:3a:3a:1f:2b") | .destinations[] | select(.address=="3.120.177.22")'
	j "$work/host.json" "HTTP Host a1.tuyaeu.com wins over the DNS name de.ot.io.mi.com, both kept" \
		"[$sel | .domain == \"a1.tuyaeu.com\" and .domain_source == \"http-host\" and .names.dns == \"de.ot.io.mi.com\" and .names.http_host == \"a1.tuyaeu.com\"] | length == 1 and all"
	j "$work/host.json" "the cloud follows the winning name: Tuya, not Xiaomi" \
		"[$sel | .company] == [\"Tuya\"]"
else
	not_ok "built the Host/DNS capture" "$(cat "$work/err")"
fi

# --- DNS query counts equal tshark's --------------------------------------
# tshark_counts FILE: "MAC name count" lines of the queries sent to port 53
tshark_counts() {
	tshark -r "$1" -Y 'dns.flags.response == 0 && (udp.dstport == 53 || tcp.dstport == 53)' \
		-T fields -e eth.src -e dns.qry.name 2>/dev/null |
		awk -F'\t' '{ n[tolower($1) " " tolower($2)]++ } END { for (k in n) print k, n[k] }' | sort
}
ours_counts() {
	jq -r '.devices[] | .id as $id | .dns.queries[] | "\($id) \(.name) \(.count)"' "$1" | sort
}
dns_case() { # description pcap
	local d=$1 f=$2 name
	name=$(basename "$f")
	if ! command -v tshark >/dev/null; then skip "$d" "tshark is not installed"; return; fi
	if ! inspect "$work/$name.json" "$f"; then not_ok "$d" "$(cat "$work/err")"; return; fi
	tshark_counts "$f" >"$work/$name.ts"
	ours_counts "$work/$name.json" >"$work/$name.us"
	if [ -s "$work/$name.ts" ] && cmp -s "$work/$name.ts" "$work/$name.us"; then ok "$d"
	else not_ok "$d" "$(diff "$work/$name.ts" "$work/$name.us" | head -8)"; fi
}
example=$ROOT/examples/home.pcap
if [ -f "$example" ]; then
	dns_case "DNS query counts of the example equal tshark's (the camera asked 3 and 4 times)" "$example"
else
	skip "DNS counts of the example" "examples/home.pcap is not built (make example)"
fi

if [ ! -d "$CAPTURES" ]; then
	skip "real-capture facts" "../shared/captures is absent: real-capture tests not run"
	tap_end
	exit $?
fi

xb=$CAPTURES/xiaomi/nku-lifecycle
dns_case "DNS query counts of the Xiaobai camera setup equal tshark's" "$xb/xiaobai_Y2camera_setup.pcap"

# --- Yi camera: CS2/PPPP to three relays on udp/32100 -----------------------
yi=$CAPTURES/moniotr-intl-iot/yi_camera_sample.pcap
if [ -f "$yi" ] && inspect "$work/yi.json" "$yi"; then
	cam='.devices[] | select(.id=="b0:d5:9d:b9:f0:b4")'
	j "$work/yi.json" "Yi camera: its three Alibaba relays are outgoing udp/32100, labelled cs2-pppp" \
		"[$cam | .destinations[] | select(.scope==\"internet\" and .proto==\"udp\") | \"\(.address) \(.port) \(.direction) \(.app)\"] | sort == [\"47.74.255.9 32100 outbound cs2-pppp\", \"47.88.59.209 32100 outbound cs2-pppp\", \"47.90.240.160 32100 outbound cs2-pppp\"]"
	j "$work/yi.json" "Yi camera: its temporary port udp/25508 is no inbound service" \
		"[$cam | .destinations[] | select(.port==25508 or .direction==\"inbound\" and .scope==\"internet\")] | length == 0"
	j "$work/yi.json" "Yi camera: a p2p-relay finding (medium) naming the relays" \
		"[.findings[] | select(.detector==\"p2p-relay\" and .device==\"b0:d5:9d:b9:f0:b4\" and .severity==\"medium\" and (.evidence | contains(\"47.88.59.209\")))] | length == 1"
else
	skip "Yi camera CS2/PPPP" "$yi is absent or unreadable"
fi

# --- Xiaobai Y2 camera: one relay destination, its domain, Xiaomi -----------
if [ -f "$xb/xiaobai_Y2camera_setup.pcap" ] && inspect "$work/xb.json" "$xb"/xiaobai_Y2camera_*.pcap; then
	rel='.devices[] | select(.id=="78:df:72:24:69:4d") | .destinations[] | select(.address=="110.43.39.65")'
	j "$work/xb.json" "Xiaobai camera: one udp/32100 destination for the relay 110.43.39.65, outgoing cs2-pppp" \
		"[$rel | select(.proto==\"udp\")] as \$u | ([\$u[] | select(.port==32100 and .direction==\"outbound\" and .app==\"cs2-pppp\")] | length == 1) and (\$u | length <= 3) and ([\$u[] | select(.direction==\"inbound\")] | length == 0)"
	j "$work/xb.json" "Xiaobai camera: every row of the relay carries its domain and Xiaomi" \
		"[$rel] | length > 0 and all(.domain == \"xiaomi8.p2psy2.io.mi.com\" and .company == \"Xiaomi\")"
	j "$work/xb.json" "Xiaobai camera: no internet UDP destination is filed inbound" \
		"[.devices[] | select(.id==\"78:df:72:24:69:4d\") | .destinations[] | select(.scope==\"internet\" and .direction==\"inbound\" and .proto==\"udp\")] | length == 0"
else
	skip "Xiaobai camera relay" "$xb is absent or unreadable"
fi

# --- TP-Link plug: first seen over several files; no rule for its temporary port
tp=$CAPTURES/iot-sentinel/TP-LinkPlugHS100
if [ -d "$tp" ]; then
	inspect "$work/tp.json" "$tp"/*.pcap
	earliest=$(for f in "$tp"/*.pcap; do tshark -r "$f" -c 1 -T fields -e frame.time_epoch -Y 'eth.addr == 50:c7:bf:00:fc:a3' 2>/dev/null; done | sort -n | head -1)
	want=$(date -u -d "@${earliest%.*}" +%Y-%m-%dT%H:%M:%S 2>/dev/null)
	[ -n "$want" ] || want="(tshark found no packet: scripts/setup.sh installs tshark)"
	j "$work/tp.json" "TP-Link plug: first seen is its earliest packet over 20 files ($want)" \
		"[.devices[] | select(.id==\"50:c7:bf:00:fc:a3\") | .first_seen | startswith(\"$want\")] == [true]"
	j "$work/tp.json" "TP-Link plug: the capture's first_seen is the earliest packet too" \
		".capture.first_seen | startswith(\"$want\")"
	"$ALFOIL" inspect --no-progress "$tp"/*.pcap 2>/dev/null >"$work/tp.txt"
	head -1 "$work/tp.txt" >"$work/tp.head"
	check "text header: a date on both ends of a 22-day range" \
		grep -Eq '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} to [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC' "$work/tp.head"
	check "text: the plug's own seen line has a date on both ends too" \
		grep -Eq '^  seen 2016-08-22 11:35:21 to 2016-09-[0-9]{2} [0-9:]{8}, ' "$work/tp.txt"
	"$ALFOIL" profile learn --device 50:c7:bf:00:fc:a3 -o "$work/prof" "$tp"/*.pcap >/dev/null 2>&1
	if [ -f "$work/prof/50-c7-bf-00-fc-a3.txt" ]; then
		if grep -q 'tcp/38321\|from devs.tplinkcloud.com' "$work/prof/50-c7-bf-00-fc-a3.txt"; then
			not_ok "TP-Link profile: no rule lets the cloud open the plug's temporary port" \
				"$(grep 'tcp/38321\|from devs' "$work/prof/50-c7-bf-00-fc-a3.txt")"
		else ok "TP-Link profile: no rule lets the cloud open the plug's temporary port"; fi
		check "TP-Link profile: the plug reaches devs.tplinkcloud.com tcp/50443" \
			grep -q 'to devs.tplinkcloud.com tcp/50443' "$work/prof/50-c7-bf-00-fc-a3.txt"
	else
		not_ok "TP-Link profile learned" "no profile written"
	fi
else
	skip "TP-Link plug facts" "$tp is absent"
fi

# --- one address behind two MACs: the VMware host in the middle -----------
gw=$CAPTURES/xiaomi/controlxiaomidevices/gateway.pcapng
if [ -f "$gw" ] && inspect "$work/gw.json" "$gw"; then
	j "$work/gw.json" "Xiaomi gateway: its cloud flow and miIO id are its own, not the VMware host's" \
		"(.devices[] | select(.id==\"78:11:dc:f7:8a:75\") | ([.destinations[] | select(.address==\"27.109.124.86\" and .port==80 and .direction==\"outbound\")] | length == 1) and ([.names[] | select(.source==\"miio-device-id\")] | length == 1)) and (.devices[] | select(.id==\"00:0c:29:7a:f4:b4\") | ([.destinations[] | select(.address==\"27.109.124.86\")] | length == 0) and ([.names[] | select(.source==\"miio-device-id\")] | length == 0))"
	j "$work/gw.json" "the VMware host is reported as relaying the gateway (relays_for)" \
		"[.devices[] | select(.id==\"00:0c:29:7a:f4:b4\") | .relays_for[] | select(.address==\"192.168.9.155\" and .mac==\"78:11:dc:f7:8a:75\")] | length == 1"
	j "$work/gw.json" "a relay finding for the VMware host" \
		"[.findings[] | select(.detector==\"relay\" and .device==\"00:0c:29:7a:f4:b4\" and (.evidence | contains(\"192.168.9.155\")))] | length == 1"
	"$ALFOIL" inspect --no-progress "$gw" 2>/dev/null >"$work/gw.txt"
	check "text: the relay line on the VMware host" grep -q 'relays traffic of 192.168.9.155 78:11:dc:f7:8a:75' "$work/gw.txt"
else
	skip "relaying host" "$gw is absent or unreadable"
fi

tap_end
