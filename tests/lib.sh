# tests/lib.sh - helpers for the TAP test scripts (sourced).
#
#   ok "description"            a passing test
#   not_ok "description" [why]  a failing one
#   skip "description" "why"   a skipped one
#   check "description" cmd...  ok when cmd succeeds
#   tap_end                     exit non-zero when any test failed

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
