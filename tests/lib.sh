# tests/lib.sh - helpers for the TAP test scripts (sourced).
#
#   ok "description"            a passing test
#   not_ok "description" [why]  a failing one
#   skip "description" "why"   a skipped one
#   check "description" cmd...  ok when cmd succeeds
#   tap_end                     exit non-zero when any test failed
#   need_netns "description"     skip the script unless root with ip netns
#   veth_pair A B IFA IFB MACA MACB NET
#                               namespaces A and B, a veth between them
#   veth_link NSA IFA ADDRA NSB IFB ADDRB
#                               a veth between two namespaces that exist,
#                               each end addressed (ADDR/len) and up

TAP_N=0
TAP_FAILED=0
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${ALFOIL_SHARED:-$ROOT/../shared}
CAPTURES=$SHARED/captures
ALFOIL=${ALFOIL:-$ROOT/build/san/alfoil}
case $ALFOIL in /*) ;; *) ALFOIL=$ROOT/$ALFOIL ;; esac

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() {
	TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }
check() {
	local d=$1; shift
	local out
	if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d" "$out"; fi
}
tap_end() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }

# Skip the whole script when the shared captures are absent.
need_captures() {
	if [ ! -d "$CAPTURES" ]; then
		skip "${1:-real captures}" "../shared/captures is absent: real-capture tests not run"
		tap_end
		exit 0
	fi
}

# Skip the whole script unless it runs as root and can make namespaces.
need_netns() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "$1" "needs root (network namespaces)"
		tap_end; exit 0
	fi
	if ! ip netns add "alfoil-probe-$$" 2>/dev/null; then
		skip "$1" "ip netns is not available here"
		tap_end; exit 0
	fi
	ip netns del "alfoil-probe-$$"
}

# veth_pair A B IFA IFB MACA MACB NET: namespaces A and B (the caller
# deletes them), a veth pair IFA (in A, MACA, NET.1/24) - IFB (in B, MACB,
# NET.2/24), both ends and loopback up; NET is three octets (10.213.7).
veth_pair() {
	ip netns add "$1" && ip netns add "$2" &&
		ip link add "$3" netns "$1" type veth peer name "$4" netns "$2" &&
		ip -n "$1" link set "$3" address "$5" &&
		ip -n "$2" link set "$4" address "$6" &&
		ip -n "$1" addr add "$7.1/24" dev "$3" &&
		ip -n "$2" addr add "$7.2/24" dev "$4" &&
		ip -n "$1" link set "$3" up && ip -n "$2" link set "$4" up &&
		ip -n "$1" link set lo up && ip -n "$2" link set lo up
}

# veth_link NSA IFA ADDRA NSB IFB ADDRB: a veth between two namespaces the
# caller made, IFA (in NSA, ADDRA as 192.168.10.1/24) - IFB (in NSB, ADDRB).
veth_link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" &&
	ip -n "$1" addr add "$3" dev "$2" && ip -n "$4" addr add "$6" dev "$5" &&
	ip -n "$1" link set "$2" up && ip -n "$4" link set "$5" up
}
