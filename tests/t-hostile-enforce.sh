#!/usr/bin/env bash
# Hostile inputs to alfoil enforce and profile learn (issue 13): names from
# packets in the report (a.b/#, quotes, spaces, newlines, backslashes, '#',
# ';', non-ASCII), hostile report fields, MUD files with a bad entry, a
# malformed one and a prefix with a newline, policy files with the dash
# form, broadcast, multicast and zero MACs, a device MAC of ../../x. Built
# by tests/captures/hostile_enforce.py. The configs are checked by the real
# tools: dnsmasq --test, unbound-checkconf, sqlite3, nft -c, and a dnsmasq
# running on loopback in a namespace of the test's own (queried with dig).
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
ns=""
pids=()
cleanup() {
	for x in "${pids[@]}"; do kill "$x" 2>/dev/null; wait "$x" 2>/dev/null; done
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
python3 "$ROOT/tests/captures/hostile_enforce.py" "$work" || { not_ok "hostile inputs written"; tap_end; exit 1; }
D1=02:00:00:00:0d:01 D2=02:00:00:00:0d:02
: >"$work/empty-pol"
mkdir -p "$work/none"
# the report's devices, held local-only, with no profiles: their looked-up
# names are the blocklist
printf '%s = local-only\n%s = local-only\n' $D1 $D2 >"$work/pol-lo"
enf() { "$ALFOIL" enforce --profiles "$work/none" --policies "$work/pol-lo" --report "$work/report.json" "$@"; }

# --- 1. DNS configs from packet names -------------------------------------
enf --dnsmasq >"$work/dnsmasq.conf" 2>"$work/dnsmasq.err"
check "--dnsmasq from a report of hostile names: written (status 0)" test $? = 0
check "dnsmasq: the good name is blocked" grep -qx 'address=/cloud.example/0.0.0.0  # 02:00:00:00:0d:01 (local-only)' "$work/dnsmasq.conf"
check "dnsmasq: every address= line is one host name (no a.b/#, no quote, space, '#', ';')" \
	sh -c "! grep -v '^#' '$work/dnsmasq.conf' | grep -Ev '^address=/[a-z0-9.-]+/0\.0\.0\.0  # [0-9a-f:]{17} \([a-z-]+\)\$' | grep -q ."
check "dnsmasq: a warning names the device and the name a.b/#" grep -qF "dns.queries[0].name ($D1): \"a.b/#\" is not a host name" "$work/dnsmasq.err"
check "dnsmasq: the name with a newline is escaped in the warning (\\n), not printed raw" \
	sh -c "grep -qF '\"nl\\nx.example\" is not a host name' '$work/dnsmasq.err' && ! grep -qx 'x.example\" is not a host name.*' '$work/dnsmasq.err'"
check "dnsmasq: the quote is escaped in the warning" grep -qF '"x\"y.example" is not a host name' "$work/dnsmasq.err"
check "dnsmasq: the non-ASCII bytes are escaped" grep -qF '"caf\xc3\xa9.example"' "$work/dnsmasq.err"
if command -v dnsmasq >/dev/null; then
	check "dnsmasq --test accepts the file" sh -c "dnsmasq --test -C '$work/dnsmasq.conf' 2>&1 | grep -q 'syntax check OK'"
else
	skip "dnsmasq --test" "dnsmasq is not installed (scripts/setup.sh installs dnsmasq-base)"
fi

enf --unbound >"$work/views.conf" 2>"$work/unbound.err"
check "--unbound: written" test $? = 0
check "unbound: the device's view blocks the good name" grep -qF 'local-zone: "cloud.example." always_nxdomain' "$work/views.conf"
check "unbound: only checked names in local-zone lines" \
	sh -c "! grep 'local-zone' '$work/views.conf' | grep -Ev '^	local-zone: \"[a-z0-9.-]+\\.\" always_nxdomain\$' | grep -q ."
check "unbound: the hostile address of the report is not a client address" sh -c "! grep -q '192.168.1.11' '$work/views.conf'"
if command -v unbound-checkconf >/dev/null; then
	cat >"$work/unbound.conf" <<CONF
server:
	chroot: ""
	username: ""
	directory: "$work"
	pidfile: "$work/unbound.pid"
	use-syslog: no
	interface: 127.0.0.1
	port: 15354
	access-control: 192.168.0.0/16 allow
remote-control:
	control-enable: no
include: "$work/views.conf"
CONF
	check "unbound-checkconf accepts it" unbound-checkconf "$work/unbound.conf"
else
	skip "unbound-checkconf" "unbound is not installed (scripts/setup.sh installs it)"
fi

enf --hosts >"$work/hosts" 2>/dev/null
check "--hosts: each line is 0.0.0.0 and one host name" \
	sh -c "grep -q '^0.0.0.0 cloud.example ' '$work/hosts' && ! grep -v '^#' '$work/hosts' | grep -Ev '^0\.0\.0\.0 [a-z0-9.-]+  # ' | grep -q ."
enf --pihole >"$work/pihole.sql" 2>/dev/null
if command -v sqlite3 >/dev/null; then
	sqlite3 "$work/gravity.db" <"$ROOT/tests/data/pihole/gravity-min.sql"
	check "--pihole: the SQL runs on a gravity.db" sh -c "sqlite3 -bail '$work/gravity.db' <'$work/pihole.sql'"
	got=$(sqlite3 "$work/gravity.db" "SELECT group_concat(domain, ' ') FROM (SELECT domain FROM domainlist WHERE comment = 'alfoil: per device' ORDER BY 1)")
	check "Pi-hole: exactly the checked names are deny entries (got '$got')" test "$got" = "cam.example cloud.example"
else
	skip "Pi-hole SQL" "sqlite3 is not installed"
fi

# the same report into an nftables ruleset: nothing hostile reaches it
enf >"$work/report.nft" 2>"$work/report.err"
check "nft ruleset from the hostile report: written" test $? = 0
check "the hostile report addresses and MACs are not in the ruleset" \
	sh -c "! grep -Eq '192.168.1.11|192.168.1.12|203.0.113.11|; accept|accept; ether|00:00:00:00:00:00|ff:ff:ff:ff:ff:ff' '$work/report.nft'"
check "the device's own addresses are (IPv4 and IPv6)" \
	sh -c "grep -q 'elements = { 192.168.1.10 }' '$work/report.nft' && grep -q 'elements = { 2001:db8::10 }' '$work/report.nft'"
check "warnings name the hostile report fields" \
	sh -c "grep -qF 'ipv4[1] ($D1): \"192.168.1.11; accept\" is not an IPv4 address' '$work/report.err' &&
	       grep -qF 'mac: \"68:c6:3a:00:00:02 accept; ether saddr 00:00:00:00:00:00\" is not a MAC address' '$work/report.err' &&
	       grep -qF 'mac: \"ff:ff:ff:ff:ff:ff\" is a group address' '$work/report.err'"

# --- 2. profile learn writes only host names; one bad entry disarms nothing
"$ALFOIL" profile learn -o "$work/learnt" --report "$work/report.json" >"$work/learn.out" 2>"$work/learn.err"
check "profile learn from the hostile report: written (status 0)" test $? = 0
check "learn: no MUD file holds a name that is not a host name" python3 - "$work/learnt" <<'PY'
import glob, json, re, sys
ok = re.compile(r'^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$')
bad = []
def walk(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k.endswith('-dnsname') and not ok.match(v):
                bad.append(v)
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
files = glob.glob(sys.argv[1] + '/*.json')
for f in files:
    walk(json.load(open(f)))
sys.exit(1 if bad or len(files) != 2 else 0)
PY
check "learn: the camera keeps its good cloud name" grep -q '"ietf-acldns:dst-dnsname": "cam.example"' "$work/learnt/02-00-00-00-0d-02.json"
check "learn: the SNI with a space is named in a warning for its device" grep -qF "destinations[0].domain ($D2): \"sp ace.example\" is not a host name" "$work/learn.err"
"$ALFOIL" enforce --profiles "$work/learnt" --report "$work/report.json" >"$work/learnt.nft" 2>"$work/learnt.err"
check "enforce on the learnt profiles: written (status 0), not refused" test $? = 0
check "... both devices held by their profiles" \
	sh -c "grep -q 'ether saddr $D1 jump d020000000d01  # profile' '$work/learnt.nft' && grep -q 'ether saddr $D2 jump d020000000d02  # profile' '$work/learnt.nft'"
check "... the camera's cloud is allowed by its address" grep -q 'elements = { 198.51.100.20 }' "$work/learnt.nft"
"$ALFOIL" profile check --profiles "$work/learnt" --report "$work/report.json" >"$work/check.out" 2>"$work/check.err"
rc=$?
check "profile check: the hostile destination is named and not checked (status 3, got $rc), the rest is" \
	sh -c "[ $rc = 3 ] && grep -qF 'destinations[0].domain ($D2): \"sp ace.example\" is not a host name' '$work/check.err' &&
	       grep -q '2 devices checked against 2 profiles: 0 deviations' '$work/check.out'"

# MUD files: a bad ACE beside a good one, a malformed file, bad prefixes
"$ALFOIL" enforce --profiles "$work/mud" --report "$work/report.json" >"$work/mud.nft" 2>"$work/mud.err"
rc=$?
check "MUD dir with a malformed file: the ruleset is still written (status 3: a device not held; got $rc)" test $rc = 3
check "the malformed file is named in a warning" grep -qF "02-00-00-00-0d-03.json: line" "$work/mud.err"
check "... and its device is reported as not enforced" grep -qF "02:00:00:00:0d:03: NOT enforced" "$work/mud.err"
check "the good devices are held: 0d:01, 0d:02 (a bad ACE beside a good one), 0d:04" \
	sh -c "for m in 01 02 04; do grep -q \"ether saddr 02:00:00:00:0d:\$m jump d020000000d\$m  # profile\" '$work/mud.nft' || exit 1; done"
check "the bad ACE is named by its JSON path and left out; the good ACE's rule is there" \
	sh -c "grep -qF '02-00-00-00-0d-02.json: ietf-access-control-list:acls.acl[0].aces.ace[0].matches.ipv4.ietf-acldns:dst-dnsname: not a domain name' '$work/mud.err' &&
	       grep -q 'tcp dport 8443 return' '$work/mud.nft' && ! grep -q 'flush ruleset' '$work/mud.nft'"
check "prefixes \"192.0.2.0/\\n24\" and \"/+24\" refused by path; 198.51.100.0/24 kept" \
	sh -c "grep -qF 'ace[0].matches.ipv4.destination-ipv4-network: not an IPv4 prefix' '$work/mud.err' &&
	       grep -qF 'ace[1].matches.ipv4.destination-ipv4-network: not an IPv4 prefix' '$work/mud.err' &&
	       ! grep -q '192.0.2.0' '$work/mud.nft' && grep -q 'elements = { 198.51.100.0/24 }' '$work/mud.nft'"

# --- 3. policy-file MACs ----------------------------------------------------
"$ALFOIL" enforce --profiles "$work/none" --policies "$work/pol-dash.txt" >"$work/dash.nft" 2>"$work/dash.err"
check "policy MAC 02-00-00-00-0D-01 (dash, upper case): accepted (status 0)" test $? = 0
check "... and written as 02:00:00:00:0d:01" grep -q "ether saddr 02:00:00:00:0d:01 jump d020000000d01  # quarantine" "$work/dash.nft"
for c in "bcast:2: 'ff:ff:ff:ff:ff:ff' is a group address" "mcast:1: '01:00:5e:00:00:fb' is a group address" \
	"zero:1: '00:00:00:00:00:00' is all zero" "junk:1: want one policy"; do
	f=${c%%:*} want=${c#*:}
	"$ALFOIL" enforce --profiles "$work/none" --policies "$work/pol-$f.txt" >"$work/$f.nft" 2>"$work/$f.err"
	rc=$?
	if [ $rc = 1 ] && grep -qF "pol-$f.txt:$want" "$work/$f.err" && [ ! -s "$work/$f.nft" ]; then
		ok "policy file $f: refused (status 1), naming file:line ($want)"
	else
		not_ok "policy file $f: refused (status 1), naming file:line ($want)" "status $rc: $(cat "$work/$f.err")"
	fi
done

# --- 4. profile learn: no path from data --------------------------------------
mkdir -p "$work/trav/a/b"
(cd "$work/trav/a/b" && "$ALFOIL" profile learn -o out --report "$work/traversal.json" >"$work/trav.out" 2>"$work/trav.err")
check "learn with a device MAC ../../x: the good device's profile is written" test -f "$work/trav/a/b/out/02-00-00-00-0d-01.json"
check "... nothing is written outside -o" sh -c "[ \"\$(cd '$work/trav' && find . -type f | sort | tr '\n' ' ')\" = './a/b/out/02-00-00-00-0d-01.json ./a/b/out/02-00-00-00-0d-01.txt ' ]"
check "... the bad MACs are named (escaped) and refused" \
	sh -c "grep -qF 'mac: \"../../x\" is not a MAC address' '$work/trav.err' && grep -qF '\"02:00:00:00:0d:0a/../../y\"' '$work/trav.err'"
"$ALFOIL" profile learn -o "$work/trav2" --device ../../x --report "$work/traversal.json" >/dev/null 2>"$work/trav2.err"
rc=$?
check "learn --device ../../x: refused (status 1; got $rc), nothing written" \
	sh -c "[ $rc = 1 ] && [ ! -e '$work/trav2/02-00-00-00-0d-01.json' ] && grep -qF -- '--device' '$work/trav2.err'"

# --- the real tools that need root: nft -c, dnsmasq on loopback -----------------
if [ "$(id -u)" -ne 0 ] || ! command -v nft >/dev/null || ! ip netns add "afh$$" 2>/dev/null; then
	skip "nft -c and dnsmasq on loopback" "needs root, ip netns and nft (a namespace of the test's own)"
	tap_end; exit
fi
ns=afh$$
ip -n $ns link set lo up
for f in report learnt mud dash; do
	check "nft -c accepts the $f ruleset" ip netns exec $ns nft -c -f "$work/$f.nft"
done
if command -v dnsmasq >/dev/null && command -v dig >/dev/null; then
	# an upstream with an answer for a name nobody blocks, and the blocklist
	# in front of it: the unrelated names must still get their answers
	ip netns exec $ns dnsmasq -k --no-resolv --no-hosts --conf-file="$work/empty-pol" --listen-address=127.0.0.1 \
		--bind-interfaces --port=15354 --user=root --pid-file= --host-record=upstream.example,192.0.2.54 \
		2>"$work/up.log" & pids+=($!)
	ip netns exec $ns dnsmasq -k --no-resolv --no-hosts --conf-file="$work/dnsmasq.conf" --listen-address=127.0.0.1 \
		--bind-interfaces --port=15353 --user=root --pid-file= --server=127.0.0.1#15354 \
		--host-record=unrelated.example,192.0.2.53 2>"$work/dm.log" & pids+=($!)
	q() { ip netns exec $ns dig @127.0.0.1 -p "${2:-15353}" +short +time=1 +tries=3 "$1" A 2>/dev/null; }
	for _ in $(seq 100); do [ "$(q upstream.example 15354)" = 192.0.2.54 ] && [ -n "$(q unrelated.example)" ] && break; sleep 0.1; done
	got=$(q unrelated.example)
	check "dnsmasq with the blocklist: an unrelated local name still resolves (got '$got')" test "$got" = 192.0.2.53
	got=$(q upstream.example)
	check "dnsmasq with the blocklist: a name it forwards still gets the upstream's answer, not 0.0.0.0 (got '$got')" test "$got" = 192.0.2.54
	got=$(q cloud.example)
	check "dnsmasq with the blocklist: the blocked name gets 0.0.0.0 (got '$got')" test "$got" = 0.0.0.0
	got=$(q b)
	check "dnsmasq with the blocklist: 'b' (of a.b/#) is not blocked (got '$got')" test "$got" != 0.0.0.0
else
	skip "dnsmasq on loopback" "dnsmasq or dig is not installed (scripts/setup.sh installs dnsmasq-base and bind9-dnsutils)"
fi
tap_end
