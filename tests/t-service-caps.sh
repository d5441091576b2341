#!/usr/bin/env bash
# The credentials dist/alfoil.service gives (User= not root, the ambient
# CAP_NET_RAW and CAP_NET_ADMIN, that bounding set, NoNewPrivileges), made
# with setpriv(1) since no systemd runs here: with them a live capture
# opens and sees traffic, and once it is open the process holds no
# capability (read from /proc/PID/status); without the ambient set the same
# user cannot open the interface. The capture is on a veth between two
# namespaces the test makes (192.0.2.0/24, TEST-NET-1), removed at exit.
set -u
. "$(dirname "$0")/lib.sh"
need_netns "the unit's credentials (setpriv, namespaces)"
if ! command -v setpriv >/dev/null 2>&1; then
	skip "the unit's credentials" "setpriv is not installed (Debian package util-linux)"
	tap_end; exit 0
fi
work=$(mktemp -d)
A=alfoil-svc-a-$$ B=alfoil-svc-b-$$
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
	ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
if ! veth_pair "$A" "$B" svc0 svc1 02:00:00:00:15:01 02:00:00:00:15:02 192.0.2; then
	not_ok "a veth pair between two namespaces"
	tap_end; exit 1
fi
# the unit's user: a system user of no privilege (nobody stands in for alfoil)
uid=$(id -u nobody) gid=$(id -g nobody)
chmod 0755 "$work"; mkdir -m 0750 "$work/state"; chown "$uid:$gid" "$work/state"
unit=(setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs
	--inh-caps=-all,+net_raw,+net_admin --ambient-caps=-all,+net_raw,+net_admin
	--bounding-set=-all,+net_raw,+net_admin)
# a few datagrams from B, ARP and IPv6 neighbour discovery with them
traffic() {
	local i
	for i in 1 2 3 4 5; do
		ip netns exec "$B" bash -c 'echo alfoil >/dev/udp/192.0.2.1/9' 2>/dev/null
		sleep 0.2
	done
}
status_of() { # status_of PID FIELD: the field of /proc/PID/status
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null
}

# 1. without the ambient capabilities: refused
ip netns exec "$A" setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs \
	--inh-caps=-all --bounding-set=-all,+net_raw,+net_admin -- \
	"$ALFOIL" inspect -i svc0 --duration 1 --no-progress -o "$work/state/none.txt" >"$work/none.out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q 'CAP_NET_RAW' "$work/none.out"; then
	ok "as a plain user without the ambient set the interface does not open"
else not_ok "as a plain user without the ambient set the interface does not open" \
	"status $rc: $(cat "$work/none.out")"; fi

# 2. with the unit's credentials: the capture opens, then no capability
ip netns exec "$A" "${unit[@]}" -- "$ALFOIL" inspect -i svc0 --duration 4 --json --no-progress \
	-o "$work/state/r.json" 2>"$work/inspect.err" &
pid=$!
# wait for the drop (setpriv execs alfoil in its own process: $pid is
# alfoil once the name says so, and ip netns exec's before)
caps=
for _ in $(seq 1 50); do
	sleep 0.1
	[ "$(status_of "$pid" Name)" = alfoil ] && [ "$(status_of "$pid" Uid)" = "$uid" ] || continue
	caps=$(status_of "$pid" CapEff)
	[ "$caps" = 0000000000000000 ] && break
done
traffic
prm=$(status_of "$pid" CapPrm) amb=$(status_of "$pid" CapAmb) nnp=$(status_of "$pid" NoNewPrivs)
if [ "$caps" = 0000000000000000 ] && [ "$prm" = 0000000000000000 ] && [ "$amb" = 0000000000000000 ] &&
	[ "$nnp" = 1 ]; then
	ok "with the unit's credentials, once the capture is open: CapEff, CapPrm, CapAmb 0, NoNewPrivs 1"
else
	not_ok "with the unit's credentials, once the capture is open: CapEff, CapPrm, CapAmb 0, NoNewPrivs 1" \
		"CapEff=$caps CapPrm=$prm CapAmb=$amb NoNewPrivs=$nnp; $(cat "$work/inspect.err")"
fi
wait "$pid"
rc=$?
pid=
check "inspect -i with the unit's credentials exits 0" test $rc -eq 0
n=$(jq '[.devices[] | select(.mac == "02:00:00:00:15:02")] | length' "$work/state/r.json" 2>/dev/null)
if [ "${n:-0}" -eq 1 ]; then ok "... and saw the other namespace's device (02:00:00:00:15:02)"
else not_ok "... and saw the other namespace's device (02:00:00:00:15:02)" "$(cat "$work/inspect.err")"; fi
check "... and its report belongs to the unit's user" test "$(stat -c %u "$work/state/r.json")" -eq "$uid"

# 3. alfoil watch the way the unit runs it (once watch is built in): its
# database in the state directory, the user's, no capability after the
# start, SIGTERM a clean exit 0
if "$ALFOIL" watch --help >/dev/null 2>&1; then
	: >"$work/empty.conf"; chmod 0644 "$work/empty.conf"
	ip netns exec "$A" "${unit[@]}" -- "$ALFOIL" watch -i svc0 --config "$work/empty.conf" \
		--db "$work/state/alfoil.db" --commit-interval 1 2>"$work/watch.err" &
	pid=$!
	caps=
	for _ in $(seq 1 50); do
		sleep 0.1
		[ "$(status_of "$pid" Name)" = alfoil ] && [ "$(status_of "$pid" Uid)" = "$uid" ] || continue
		caps=$(status_of "$pid" CapEff)
		[ "$caps" = 0000000000000000 ] && break
	done
	traffic
	sleep 1.5
	prm=$(status_of "$pid" CapPrm) amb=$(status_of "$pid" CapAmb)
	if [ "$caps" = 0000000000000000 ] && [ "$prm" = 0000000000000000 ] && [ "$amb" = 0000000000000000 ]; then
		ok "watch with the unit's credentials: no capability once running"
	else not_ok "watch with the unit's credentials: no capability once running" \
		"CapEff=$caps CapPrm=$prm CapAmb=$amb; $(head -20 "$work/watch.err")"; fi
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	pid=
	check "watch: SIGTERM, exit 0" test $rc -eq 0
	if [ -f "$work/state/alfoil.db" ] && [ "$(stat -c %u "$work/state/alfoil.db")" -eq "$uid" ]; then
		ok "watch: the database in the state directory, the unit's user's"
	else not_ok "watch: the database in the state directory, the unit's user's" "$(ls -ln "$work/state")"; fi
else
	skip "alfoil watch with the unit's credentials" "this alfoil has no watch command yet"
fi

tap_end
