#!/usr/bin/env bash
# The data alfoil reads, and of when: --version lists every data set with
# its date; the current IEEE registry from npm (data/ieee, scripts/setup.sh
# install_oui) names a 2024 maker that Debian's 2022 copy does not know;
# infrastructure (NTP) no longer makes a plug "send data abroad" to ten
# countries.
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$ALFOIL" --version >"$work/v" 2>&1
for ds in oui clouds signatures infrastructure; do
	check "--version: $ds with its date ($(grep -E "^  $ds " "$work/v" | head -1 | tr -s ' ' | cut -c1-60))" \
		grep -qE "^  $ds +[0-9]{4}-[0-9]{2}-[0-9]{2}  " "$work/v"
done
if [ -s "$ROOT/data/country.mmdb" ]; then
	check "--version: the country and ASN databases, dated from their package versions" \
		sh -c "grep -qE '^  country +2[0-9]{3}-[0-9]{2}-[0-9]{2}  @ip-location-db' '$work/v' && grep -qE '^  asn +2[0-9]{3}-[0-9]{2}-[0-9]{2}  @ip-location-db' '$work/v'"
else
	skip "--version: country and ASN dates" "IP data not installed (scripts/setup.sh)"
fi

cam=$ROOT/../shared/captures/xiaomi/nku-lifecycle/xiaobai_Y2camera_setup.pcap
if [ ! -s "$ROOT/data/ieee/oui.csv" ]; then
	skip "78:df:72 (Xiaobai camera, 2024) resolves to its maker" "no data/ieee/oui.csv: scripts/setup.sh fetches the npm registry"
elif [ ! -s "$cam" ]; then
	skip "78:df:72 (Xiaobai camera, 2024) resolves to its maker" "shared capture $cam absent"
else
	check "--version: oui is the npm registry, Debian's the fallback" \
		sh -c "grep -qE '^  oui +[0-9-]{10}  oui-data ' '$work/v' && grep -q 'fallback: Debian ieee-data' '$work/v'"
	"$ALFOIL" inspect --json --no-progress "$cam" >"$work/cam.json" 2>/dev/null
	check "78:df:72 (Xiaobai camera, 2024): Shanghai Imilab, CN, from the npm registry" \
		jq -e '[.devices[] | select(.mac == "78:df:72:24:69:4d") | .maker | [.name, .country, .registry]] == [["Shanghai Imilab Technology Co.Ltd", "CN", "MA-L"]]' "$work/cam.json"
	"$ALFOIL" inspect --json --no-progress --ieee-dir /usr/share/ieee-data "$cam" >"$work/deb.json" 2>/dev/null
	if [ -s /usr/share/ieee-data/oui.csv ]; then
		check "--ieee-dir still works: Debian's 2022 registry alone does not know 78:df:72" \
			jq -e '[.devices[] | select(.mac == "78:df:72:24:69:4d") | .maker.name // null] == [null] and ([.devices[] | select(.mac == "78:df:72:24:69:4d")] | length == 1)' "$work/deb.json"
	else
		skip "--ieee-dir with Debian's registry" "ieee-data not installed"
	fi
fi

plug=$ROOT/../shared/captures/iot-sentinel/TP-LinkPlugHS100
if ! ls "$plug"/*.pcap >/dev/null 2>&1; then
	skip "NTP folded: the TP-Link plug" "shared captures $plug absent"
elif [ ! -s "$ROOT/data/country.mmdb" ]; then
	skip "NTP folded: the TP-Link plug" "IP data not installed (scripts/setup.sh)"
else
	"$ALFOIL" inspect --json --no-progress --home-country FI "$plug"/*.pcap >"$work/plug.json" 2>/dev/null
	"$ALFOIL" inspect --no-progress --home-country FI "$plug"/*.pcap >"$work/plug.txt" 2>/dev/null
	check "TP-Link plug, home FI: only its cloud's country counts abroad ($(jq -c '[.countries[] | select(.home | not) | .country]' "$work/plug.json"))" \
		jq -e '[.countries[] | select(.home | not) | .country] == ["IE"] and .devices_abroad == 1' "$work/plug.json"
	check "its NTP to many countries is still in the JSON, marked folded" \
		jq -e '[.devices[].destinations[] | select(.port == 123 and .infrastructure == "NTP" and .folded and .abroad)] | length >= 9' "$work/plug.json"
	check "text: one infrastructure line for it ($(grep -m1 'infrastructure: NTP' "$work/plug.txt" | sed 's/^ *//'))" \
		grep -qE '^  infrastructure: NTP to [0-9]+ servers in [0-9]+ countries, ' "$work/plug.txt"
	printf 'infra_bytes = 0\n' >"$work/nofold.conf"
	"$ALFOIL" inspect --json --no-progress --home-country FI --config "$work/nofold.conf" "$plug"/*.pcap >"$work/nofold.json" 2>/dev/null
	check "infra_bytes = 0 (share/findings.conf) folds nothing: the NTP countries are back" \
		jq -e '[.countries[] | select(.home | not)] | length >= 9' "$work/nofold.json"
fi
tap_end
