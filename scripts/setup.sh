#!/usr/bin/env bash
# setup.sh - install what alfoil needs to build, test and benchmark on Debian.
#
# Idempotent and quick when everything is there: only missing packages are
# installed (apt-get update runs only then). Run as root, or as a user with
# sudo. Nothing but Debian packages is fetched.
#
#   scripts/setup.sh           build + test dependencies
#   scripts/setup.sh --bench   also the benchmark peers (ndpiReader, tshark)
set -euo pipefail

packages=(
	gcc make pkg-config              # build
	libpcap-dev libjansson-dev nettle-dev
	ieee-data                        # MAC -> maker registry (MA-L, MA-M, MA-S)
	libcmocka-dev                    # unit tests
	python3 jq iproute2 tcpdump      # capture and live tests
	clang libclang-rt-14-dev         # libFuzzer targets (make fuzz)
	time                             # /usr/bin/time for benchmarks
)
if [ "${1:-}" = "--bench" ]; then
	packages+=(libndpi-bin tshark)
fi

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "setup: all ${#packages[@]} packages present"
	exit 0
fi

sudo=""
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
echo "setup: done"
