#!/usr/bin/env bash
# The bundled example (examples/home.pcap, made by tools/mkexample.c): the
# generator is deterministic, and alfoil finds every device of the story
# with its maker, names and cloud destinations (docs/example.md).
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
example=$ROOT/examples/home.pcap
gen=$ROOT/build/rel/mkexample

if [ ! -f "$example" ] || [ ! -x "$gen" ]; then
	not_ok "example built" "run 'make example' first ($example, $gen)"
	tap_end
	exit 1
fi
"$gen" "$work/again.pcap" >/dev/null 2>&1
check "the generator is deterministic (a second run writes the same bytes)" cmp "$example" "$work/again.pcap"

"$ALFOIL" inspect --json --no-progress -o "$work/r.json" "$example" 2>"$work/err"
rc=$?
check "inspect --json exits 0" test $rc -eq 0
"$ALFOIL" inspect --no-progress "$example" >"$work/r.txt" 2>&1
check "text report: 7 devices, 6 talking to the internet" grep -q '^7 devices; 6 talk to the internet' "$work/r.txt"

j() { jq -e "$1" "$work/r.json" >/dev/null 2>&1; }
dev() { echo ".devices[] | select(.mac == \"$1\")"; }
has_dest() { # mac domain port app
	j "[$(dev "$1") | .destinations[] | select(.domain == \"$2\" and .port == $3 and .app == \"$4\" and .scope == \"internet\")] | length == 1"
}
t() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d" "$(jq -c "$(dev "${MAC:-x}") // empty" "$work/r.json" | head -c 600)"; fi; }

check "7 devices" j '.devices | length == 7'
MAC=50:c7:bf:8a:3e:10
t "router: TP-Link (CN), the gateway" j "$(dev $MAC) | .maker.name == \"TP-LINK TECHNOLOGIES CO.,LTD.\" and (.roles | index(\"gateway\"))"
MAC=f8:24:41:c2:8e:17
t "bulb: Yeelink maker" j "$(dev $MAC) | .maker.name == \"Yeelink\""
t "bulb: DHCP host name and miIO id" j "$(dev $MAC) | ([.names[].name] | index(\"yeelink-light-color1_miio123456789\") and index(\"123456789\"))"
t "bulb: TLS to de.ot.io.mi.com" has_dest $MAC de.ot.io.mi.com 443 tls
t "bulb: miIO over UDP 8053 to its cloud" has_dest $MAC de.ot.io.mi.com 8053 miio
MAC=78:11:dc:5b:a0:e4
t "gateway: Xiaomi, announces _miio._udp" j "$(dev $MAC) | .maker.name == \"XIAOMI Electronics,CO.,LTD\" and ([.evidence[] | select(.kind == \"mdns-service\") | .value] | index(\"_miio._udp\"))"
t "gateway: TLS to ot.io.mi.com" has_dest $MAC ot.io.mi.com 443 tls
t "gateway: NTP in cleartext" j "[$(dev $MAC) | .destinations[] | select(.app == \"ntp\" and .encrypted == \"no\")] | length >= 1"
MAC=94:f8:27:6d:12:c9
t "camera: Imilab maker, DHCP host name" j "$(dev $MAC) | (.maker.name | startswith(\"Shanghai Imilab\")) and ([.names[].name] | index(\"chuangmi-camera-ipc019_miio317265904\"))"
t "camera: uploads over 3 MB to cn-v1.camera.io.mi.com" j "[$(dev $MAC) | .destinations[] | select(.domain == \"cn-v1.camera.io.mi.com\" and .bytes_up > 3000000)] | length == 1"
t "camera: biggest destination first" j "$(dev $MAC) | .destinations[0].domain == \"cn-v1.camera.io.mi.com\""
t "camera: business.smartcamera.api.io.mi.com" has_dest $MAC business.smartcamera.api.io.mi.com 443 tls
MAC=68:c6:3a:3a:1f:2b
t "plug: Espressif module, Tuya gwId from encrypted discovery" j "$(dev $MAC) | .maker.name == \"Espressif Inc.\" and ([.names[].name] | index(\"8001306468c63a3a1f2b\"))"
t "plug: a1.tuyaeu.com over TLS" has_dest $MAC a1.tuyaeu.com 443 tls
t "plug: m2.tuyaeu.com MQTT over TLS (name through a CNAME chain)" has_dest $MAC m2.tuyaeu.com 8883 tls
MAC=5e:a1:3c:77:09:d4
t "phone: randomised MAC, Pixel-7" j "$(dev $MAC) | .maker.randomized_mac and ([.names[].name] | index(\"Pixel-7\"))"
t "phone: DNS over TLS to dns.google" has_dest $MAC dns.google 853 tls
t "phone: cleartext connectivity check" j "[$(dev $MAC) | .destinations[] | select(.domain == \"connectivitycheck.gstatic.com\" and .encrypted == \"no\")] | length == 1"
MAC=34:f6:4b:91:6e:2a
t "laptop: Intel, DESKTOP-4KX9Q2, MSFT 5.0" j "$(dev $MAC) | .maker.name == \"Intel Corporate\" and ([.names[].name] | index(\"DESKTOP-4KX9Q2\")) and ([.evidence[].value] | index(\"MSFT 5.0\"))"
t "laptop: YouTube over IPv6" j "[$(dev $MAC) | .destinations[] | select(.domain == \"www.youtube.com\" and (.address | contains(\":\")))] | length == 1"
t "laptop: its own global IPv6 address is not an internet destination of the router" j "[.devices[] | .destinations[] | select(.address == \"2a02:8108:1a80:3c00:b5e1:9f27:6c0a:d34e\" and .scope == \"internet\")] | length == 0"
# Who is behind each destination (needs the IP data scripts/setup.sh fetches)
MAC=
if [ -s "$ROOT/data/country.mmdb" ] && [ -s "$ROOT/data/asn.bin" ]; then
	t "home country DE, from the laptop's own IPv6 prefix" j '.home_country == "DE" and .home_country_source == "own-address"'
	t "4 devices send data abroad" j '.devices_abroad == 4'
	t "most data abroad goes to CN: the camera and the gateway, Xiaomi" j '.countries[0] | .country == "CN" and .devices == 2 and (.organisations | index("Xiaomi")) and (.top_devices[0] == "94:f8:27:6d:12:c9")'
	t "camera's upload: CN, an Alibaba network, Xiaomi's camera cloud, abroad" j "[$(dev 94:f8:27:6d:12:c9) | .destinations[] | select(.domain == \"cn-v1.camera.io.mi.com\")][0] | .country == \"CN\" and .abroad and (.org | test(\"Alibaba\")) and .company == \"Xiaomi\" and .service == \"Mi Home camera cloud\""
	t "the bulb's cloud is Xiaomi's, in DE: not abroad" j "[$(dev f8:24:41:c2:8e:17) | .destinations[] | select(.port == 443)][0] | .country == \"DE\" and (.abroad | not) and .company == \"Xiaomi\" and .asn == 16509"
	t "the plug's clouds are Tuya's" j "[$(dev 68:c6:3a:3a:1f:2b) | .destinations[] | select(.scope == \"internet\") | .company] | unique == [\"Tuya\"]"
	check "text: the headline says who sends data abroad" grep -q '^4 devices send data abroad (home DE): CN (2 devices, 3.6 MB up)' "$work/r.txt"
	check "text: an inventory first, one line per device: the camera by name, kind, brand, clouds, countries, bytes up, worst finding" \
		sh -c "grep -qE '^  chuangmi-camera-ipc019 \(192\.168\.1\.103\) +camera +Xiaomi +Xiaomi +CN, SG +3\.6 MB  medium: Xiaomi camera uploaded 3\.6 MB abroad' '$work/r.txt' && [ \$(grep -n '^inventory:' '$work/r.txt' | cut -d: -f1) -lt \$(grep -n '^findings' '$work/r.txt' | cut -d: -f1) ] && [ \$(sed -n '/^inventory:/,/^\$/p' '$work/r.txt' | grep -c '^  [^ ]') = 8 ]"
	t "upload-abroad: the camera's 3.5 MB to CN is a finding by default" j '[.findings[] | select(.detector == "upload-abroad")] | length == 1 and .[0].device == "94:f8:27:6d:12:c9" and .[0].severity == "medium" and (.[0].evidence | test("MB to CN cn-v1.camera.io.mi.com"))'
	check "findings name the device by its name and address" grep -q '^  medium   chuangmi-camera-ipc019 (192.168.1.103): Xiaomi camera uploaded 3.6 MB abroad  \[upload-abroad\]' "$work/r.txt"
	check "the country view names the devices too" grep -q '^      devices: chuangmi-camera-ipc019 (192.168.1.103), lumi-gateway-v3 (192.168.1.102)$' "$work/r.txt"
	printf 'abroad_upload_bytes = 5000000\n' >"$work/up.conf"
	"$ALFOIL" inspect --json --no-progress --config "$work/up.conf" -o "$work/up.json" "$example" 2>/dev/null
	check "abroad_upload_bytes (share/findings.conf) sets the threshold: 5 MB, no finding" jq -e '[.findings[] | select(.detector == "upload-abroad")] == []' "$work/up.json"
	t "the gateway's NTP (pool.ntp.org, US) is infrastructure: folded, not abroad in the country view" j "[$(dev 78:11:dc:5b:a0:e4) | .destinations[] | select(.port == 123) | [.infrastructure, .folded]] == [[\"NTP\", true]] and ([.countries[] | select(.country == \"US\") | .devices] == [2]) and ([$(dev 78:11:dc:5b:a0:e4) | .infrastructure[] | .label] == [\"NTP\"])"
	check "text: the gateway's NTP is one infrastructure line, not a destination row" sh -c "sed -n '/^lumi-gateway-v3/,/^\$/p' '$work/r.txt' | grep -q '^  infrastructure: NTP to 1 server in 1 country, 180 B' && ! sed -n '/^lumi-gateway-v3/,/^\$/p' '$work/r.txt' | grep -q 'udp/123'"
	t "JSON header: every data set with name and date" j '[.data_sets[] | .name] == ["oui", "country", "asn", "clouds", "signatures", "infrastructure"] and ([.data_sets[] | select(.loaded) | .date | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")] | all)'
	check "text header: the data sets with their dates" grep -qE '^  data: oui [0-9-]{10}.*, country [0-9-]{10}, asn [0-9-]{10}, clouds [0-9-]{10}, signatures [0-9-]{10}, infrastructure [0-9-]{10}$' "$work/r.txt"
	"$ALFOIL" inspect --by-country --no-progress "$example" >"$work/c.txt" 2>&1
	check "--by-country: the country view without the device list" sh -c "grep -q '^by country (home DE):' '$work/c.txt' && ! grep -q 'internet destinations' '$work/c.txt'"
	"$ALFOIL" inspect --json --home-country cn --no-progress "$example" >"$work/cn.json" 2>/dev/null
	check "--home-country CN: the camera's upload is no longer abroad" jq -e '.home_country == "CN" and .home_country_source == "user" and ([.devices[].destinations[] | select(.domain == "cn-v1.camera.io.mi.com") | .abroad] == [false])' "$work/cn.json"
else
	skip "country and ASN of destinations" "IP data not installed (scripts/setup.sh fetches it into data/)"
fi
"$ALFOIL" inspect --json --data-dir /nonexistent --no-progress "$example" >"$work/nd.json" 2>"$work/nd.err"
check "without IP data: still a report, one clear warning" sh -c "[ \$(grep -c 'no country or ASN data' '$work/nd.err') = 1 ] && jq -e '.warnings | length == 1' '$work/nd.json' >/dev/null"
tap_end
