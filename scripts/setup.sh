#!/usr/bin/env bash
# setup.sh - install what alfoil needs to build, test, run and benchmark on
# Debian.
#
# Idempotent and quick when everything is there: only missing packages are
# installed (apt-get update runs only then). Run as root, or as a user with
# sudo. Nothing but Debian packages is fetched.
#
#   scripts/setup.sh            build + test dependencies, and the IP data
#   scripts/setup.sh --runtime  only what running alfoil needs (the shared
#                               libraries, ieee-data, nftables), and the data
#   scripts/setup.sh --bench    also the benchmark peers (ndpiReader, tshark)
#   scripts/setup.sh --no-data  packages only (npm is then not needed)
#   scripts/setup.sh --list     print the packages it would want, and stop
#
# The IP data (country and ASN/organisation of every address) comes from the
# npm registry with `npm pack`, nothing else: @ip-location-db's
# geo-whois-asn-country-mmdb (country, CC BY 4.0 NRO) and asn (CC BY 4.0
# RouteViews, DB-IP, NRO), stored under data/ (or $ALFOIL_DATA_DIR); the ASN
# CSVs are compiled once into data/asn.bin. The IEEE registry (MAC -> maker)
# comes the same way, from the npm package oui-data (BSD-2-Clause, MA-L,
# MA-M and MA-S), compiled into data/ieee/ (install_oui); Debian's ieee-data
# (older) stays the fallback and supplies the countries oui-data lacks.
set -euo pipefail

# The packages, by what they are for. Running needs only runtime_pkgs (the
# -dev packages of build_pkgs pull the same libraries in).
runtime_pkgs=(
	libpcap0.8 libjansson4 libnettle8 libmaxminddb0 zlib1g  # the shared libraries
	libsqlite3-0 sqlite3             # the watch history (src/store/) and the shell to query it (docs/store.md)
	libpsl5 publicsuffix             # registrable domains: what a new-destination event is about
	libcurl4                         # watch --webhook
	ieee-data                        # MAC -> maker registry (MA-L, MA-M, MA-S)
	nftables libnftables1            # alfoil enforce --apply; watch --enforce (libnftables)
)
build_pkgs=(
	gcc make pkg-config
	libpcap-dev libjansson-dev nettle-dev libmaxminddb-dev zlib1g-dev
	libsqlite3-dev                   # src/store/
	libpsl-dev                       # src/store/ (events)
	libcurl4-openssl-dev             # src/output/webhook.c
	libnftables-dev                  # src/enforce/live.c (watch --enforce)
)
test_pkgs=(
	libcmocka-dev                    # unit tests
	python3 jq iproute2 tcpdump      # capture and live tests
	tcpreplay                        # live replay test and benchmark
	clang libclang-rt-14-dev         # libFuzzer targets (make fuzz)
	time                             # /usr/bin/time for benchmarks
	chromium                         # renders the HTML report in its test
	nftables                         # the enforcement test
	ieee-data                        # makers in the capture tests
	unbound sqlite3                  # per-device DNS blocks (unbound views, Pi-hole groups), tested for real
	dnsmasq-base bind9-dnsutils      # the dnsmasq blocklist checked and run on loopback (dnsmasq --test, dig)
	tshark                           # the DNS counts and first packets alfoil must agree with (t-facts)
	systemd                          # systemd-analyze verify of the installed unit (t-install)
)
data_pkgs=(
	npm                              # fetches the IP data (npm pack)
	python3                          # compiles the ASN CSVs (asn-compile.py)
)
bench_pkgs=(libndpi-bin tshark)

want_data=1 runtime_only=0 bench=0 list=0
for a in "$@"; do
	case $a in
	--runtime) runtime_only=1 ;;
	--bench) bench=1 ;;
	--no-data) want_data=0 ;;
	--list) list=1 ;;
	*) echo "setup: unknown option $a (--runtime, --bench, --no-data, --list)" >&2; exit 1 ;;
	esac
done
if [ $runtime_only -eq 1 ]; then
	packages=("${runtime_pkgs[@]}")
else
	packages=("${build_pkgs[@]}" "${test_pkgs[@]}" "${runtime_pkgs[@]}")
fi
[ $bench -eq 1 ] && packages+=("${bench_pkgs[@]}")
[ $want_data -eq 1 ] && packages+=("${data_pkgs[@]}")
# each once, in order
declare -A seen_pkg=()
uniq=()
for p in "${packages[@]}"; do
	[ -n "${seen_pkg[$p]:-}" ] || uniq+=("$p")
	seen_pkg[$p]=1
done
packages=("${uniq[@]}")
if [ $list -eq 1 ]; then
	printf '%s\n' "${packages[@]}"
	exit 0
fi

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done

# npm may come with Node.js from elsewhere (the machine image): fine as is.
if command -v npm >/dev/null; then
	keep=()
	for p in "${missing[@]}"; do [ "$p" = npm ] || keep+=("$p"); done
	missing=("${keep[@]+"${keep[@]}"}")
fi

install_packages() {
	local sudo=""
	if [ ${#missing[@]} -eq 0 ]; then
		echo "setup: all ${#packages[@]} packages present"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null; then
			sudo="sudo"
		else
			echo "setup: need root to install: ${missing[*]}" >&2
			exit 1
		fi
	fi
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer no.
	echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections 2>/dev/null || true
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
	echo "setup: packages installed"
}

# The IP data: fetched once, kept until the versions asked for change.
GEO_PKG=@ip-location-db/geo-whois-asn-country-mmdb
ASN_PKG=@ip-location-db/asn
install_data() {
	local dir=${ALFOIL_DATA_DIR:-$(cd "$(dirname "$0")/.." && pwd)/data}
	mkdir -p "$dir"
	if [ -s "$dir/country.mmdb" ] && [ -s "$dir/asn.bin" ] && [ -s "$dir/VERSION" ]; then
		echo "setup: IP data present in $dir ($(tr '\n' ' ' <"$dir/VERSION"))"
		return 0
	fi
	local tmp
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	echo "setup: fetching IP data with npm pack ($GEO_PKG, $ASN_PKG)"
	(cd "$tmp" && npm pack --silent "$GEO_PKG" "$ASN_PKG" >/dev/null 2>npm.err) || {
		echo "setup: npm pack failed:" >&2; cat "$tmp/npm.err" >&2; return 1; }
	mkdir -p "$tmp/geo" "$tmp/asn"
	tar xzf "$tmp"/ip-location-db-geo-whois-asn-country-mmdb-*.tgz -C "$tmp/geo"
	tar xzf "$tmp"/ip-location-db-asn-*.tgz -C "$tmp/asn"
	cp "$tmp/geo/package/geo-whois-asn-country.mmdb" "$dir/country.mmdb"
	python3 "$(dirname "$0")/asn-compile.py" "$tmp/asn/package/asn-ipv4-num.csv" \
		"$tmp/asn/package/asn-ipv6-num.csv" "$dir/asn.bin"
	for f in "$tmp"/asn/package/*LICENSE "$tmp"/asn/package/MODIFICATIONS; do
		[ -f "$f" ] && cp "$f" "$dir/asn-$(basename "$f")"
	done
	for f in "$tmp"/geo/package/*LICENSE; do
		[ -f "$f" ] && cp "$f" "$dir/country-$(basename "$f")"
	done
	{
		echo "country: $GEO_PKG $(basename "$tmp"/ip-location-db-geo-whois-asn-country-mmdb-*.tgz .tgz | sed 's/.*-//')"
		echo "asn: $ASN_PKG $(basename "$tmp"/ip-location-db-asn-*.tgz .tgz | sed 's/.*-//')"
	} >"$dir/VERSION"
	echo "setup: IP data in $dir"
}

# The IEEE registry from npm, newer than Debian's ieee-data: compiled into
# data/ieee/{oui,mam,oui36}.csv; its version and date go to data/ieee/VERSION
# and the "oui:" line of data/VERSION.
OUI_PKG=oui-data
install_oui() {
	local dir=${ALFOIL_DATA_DIR:-$(cd "$(dirname "$0")/.." && pwd)/data}
	mkdir -p "$dir/ieee"
	if [ -s "$dir/ieee/oui.csv" ] && [ -s "$dir/ieee/VERSION" ]; then
		echo "setup: IEEE registry present in $dir/ieee ($(cat "$dir/ieee/VERSION"))"
		return 0
	fi
	local tmp ver date
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	echo "setup: fetching the IEEE registry with npm pack ($OUI_PKG)"
	(cd "$tmp" && npm pack --silent "$OUI_PKG" >/dev/null 2>npm.err) || {
		echo "setup: npm pack failed:" >&2; cat "$tmp/npm.err" >&2; return 1; }
	tar xzf "$tmp"/oui-data-*.tgz -C "$tmp"
	ver=$(basename "$tmp"/oui-data-*.tgz .tgz | sed 's/^oui-data-//')
	date=$(cd "$tmp" && npm view "$OUI_PKG@$ver" time --json 2>/dev/null |
		sed -n "s/^ *\"$ver\": \"\([0-9-]*\)T.*/\1/p")
	python3 "$(dirname "$0")/oui-compile.py" "$tmp/package/index.json" /usr/share/ieee-data "$dir/ieee"
	echo "$OUI_PKG $ver ${date:-date-unknown}" >"$dir/ieee/VERSION"
	echo "oui-data is BSD-2-Clause (c) silverwind, https://github.com/silverwind/oui-data;" \
		"the registry itself is the IEEE Registration Authority's public listing." >"$dir/ieee/LICENSE"
	if [ -f "$dir/VERSION" ]; then
		grep -v '^oui:' "$dir/VERSION" >"$tmp/v" || true
		cp "$tmp/v" "$dir/VERSION"
	fi
	echo "oui: $OUI_PKG $ver ${date:-date-unknown}" >>"$dir/VERSION"
	echo "setup: IEEE registry in $dir/ieee"
}

install_packages
if [ $want_data -eq 1 ] && ! install_data; then
	# alfoil runs without it (no countries or networks in the report), and
	# the tests that need it say they were skipped
	echo "setup: WARNING: the IP data could not be installed; see above" >&2
fi
if [ $want_data -eq 1 ] && ! install_oui; then
	echo "setup: WARNING: no IEEE registry from npm; Debian's ieee-data is used" >&2
fi
echo "setup: done"
