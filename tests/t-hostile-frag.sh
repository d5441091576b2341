#!/usr/bin/env bash
# IP fragments from a hostile LAN (issue 13): IPv4 and IPv6 fragments are
# put back together before they are tracked, so what they carry is read
# and counted like any packet, within caps, with overlaps refused.
# Captures by tests/captures/hostile_frag.py:
#   (a) dns4     a DNS query and its answer in two IPv4 fragments each
#   (b) tls4     a TLS ClientHello in three IPv4 fragments
#   (c) upload   450 kB of UDP in fragments: every frame's bytes count
#   (d) dns6     the same as (a) over IPv6 (Fragment header)
#   (e) overlap  overlapping fragments refused, counted, not decoded
#   (f) timeout  fragments that never complete time out and give back memory
#   (g) flood    a flood of incomplete datagrams stays within the caps
# and, when ../shared/captures and tshark are there, real captures with
# fragments: as many datagrams reassembled as tshark reassembles.
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
DEV=a4:cf:12:00:00:0a

run() { # KIND: build the capture, inspect it as JSON
	python3 "$ROOT/tests/captures/hostile_frag.py" "$1" "$work/$1.pcap" >"$work/$1.expect" &&
		"$ALFOIL" inspect --json --no-progress -q -o "$work/$1.json" "$work/$1.pcap" 2>"$work/$1.err"
	check "$1: report made" test $? -eq 0
}
x() { jq -r "$2" "$work/$1.expect"; }   # what the builder says
j() { jq -r "$2" "$work/$1.json"; }     # what alfoil says
dev() { echo ".devices[] | select(.mac == \"$DEV\")"; }
ctr() { j "$1" ".capture.counters.$2 // 0"; }
dest() { # KIND ADDR FIELD: a field of the device's destination ADDR
	j "$1" "[$(dev) | .destinations[] | select(.address == \"$2\") | .$3] | first // empty"
}
queried() { # KIND NAME: the device asked for NAME
	test "$(j "$1" "[$(dev) | .dns.queries[]? | select(.name == \"$2\")] | length")" -ge 1
}

# (a) DNS over IPv4 fragments
run dns4
name=$(x dns4 .name) addr=$(x dns4 .addr)
check "dns4: the fragmented query's name is in the device's queries" queried dns4 "$name"
check "dns4: the destination takes its name from the fragmented answer ($(dest dns4 "$addr" domain))" \
	test "$(dest dns4 "$addr" domain)" = "$name"
check "dns4: 4 fragments seen, 2 datagrams reassembled" \
	test "$(ctr dns4 ipv4_fragments)/$(ctr dns4 frag_reassembled)" = 4/2
check "dns4: every frame counted ($(j dns4 .capture.packets))" \
	test "$(j dns4 .capture.packets)" -eq "$(x dns4 .packets)"

# (b) a ClientHello over IPv4 fragments
run tls4
addr=$(x tls4 .addr)
check "tls4: the SNI of a ClientHello in 3 fragments is read ($(dest tls4 "$addr" names.tls_sni))" \
	test "$(dest tls4 "$addr" names.tls_sni)" = "$(x tls4 .sni)"
check "tls4: one ClientHello counted" test "$(ctr tls4 tls_client_hellos)" -eq 1

# (c) a fragmented upload counts in full
run upload
addr=$(x upload .addr)
check "upload: $(x upload .bytes) bytes up to $addr counted ($(dest upload "$addr" bytes_up))" \
	test "$(dest upload "$addr" bytes_up)" = "$(x upload .bytes)"
check "upload: $(x upload .frames) frames up counted ($(dest upload "$addr" packets_up))" \
	test "$(dest upload "$addr" packets_up)" = "$(x upload .frames)"
check "upload: the device's bytes out hold them ($(j upload "$(dev) | .bytes_out"))" \
	test "$(j upload "$(dev) | .bytes_out")" -ge "$(x upload .bytes)"
check "upload: 15 datagrams reassembled" test "$(ctr upload frag_reassembled)" -eq 15

# (d) DNS over IPv6 fragments
run dns6
name=$(x dns6 .name) addr=$(x dns6 .addr)
check "dns6: the fragmented query's name is in the device's queries" queried dns6 "$name"
check "dns6: the IPv6 destination takes its name from the fragmented answer ($(dest dns6 "$addr" domain))" \
	test "$(dest dns6 "$addr" domain)" = "$name"
check "dns6: 4 IPv6 fragments seen, 2 datagrams reassembled" \
	test "$(ctr dns6 ipv6_fragments)/$(ctr dns6 frag_reassembled)" = 4/2

# (e) overlaps
run overlap
for n in $(x overlap '.refused[]'); do
	if [ "$(j overlap "$(dev) | .mac")" != "$DEV" ]; then not_ok "overlap: $n not read" "no device $DEV"
	elif queried overlap "$n"; then not_ok "overlap: $n not read" "the overlapping datagram was decoded"
	else ok "overlap: $n not read"; fi
done
check "overlap: 2 overlapping datagrams counted (IPv4 and IPv6)" test "$(ctr overlap frag_overlaps)" -eq 2
check "overlap: the frames of the refused IPv4 datagram and of the duplicate count to their flows ($(dest overlap 192.168.1.1 packets_up) frames, $(dest overlap 192.168.1.1 bytes_up) bytes)" \
	test "$(dest overlap 192.168.1.1 packets_up)/$(dest overlap 192.168.1.1 bytes_up)" = "$(x overlap .frames4)/$(x overlap .bytes4)"
check "overlap: an exact duplicate fragment is ignored, counted" test "$(ctr overlap frag_duplicates)" -eq 1
check "overlap: the datagram with a duplicate fragment is still read" queried overlap "$(x overlap .dup)"

# (f) timeouts give the memory back
run timeout
n=$(x timeout .n)
check "timeout: $((n + 1)) IPv4 datagrams timed out after 30 s ($(ctr timeout frag_timed_out))" \
	test "$(ctr timeout frag_timed_out)" -eq $((n + 1))
peak=$(ctr timeout frag_memory_peak)
check "timeout: their memory came back: the second $n fit, nothing dropped at a cap, at most $peak bytes held" \
	test "$(ctr timeout frag_memory_full)/$(ctr timeout frag_table_full)" = 0/0 -a "$peak" -gt 0 -a "$peak" -lt 3500000
check "timeout: $((n + 1)) still open at the end, counted" test "$(ctr timeout frag_unfinished)" -eq $((n + 1))
check "timeout: the unfinished datagrams' frames count to their flow ($(dest timeout "$(x timeout .addr)" packets_up))" \
	test "$(dest timeout "$(x timeout .addr)" packets_up)" -eq $((4 * n))
if queried timeout "$(x timeout .late4)"; then not_ok "timeout: an IPv4 fragment 31 s late is not joined"
else ok "timeout: an IPv4 fragment 31 s late is not joined"; fi
check "timeout: an IPv6 fragment 31 s late is (60 s)" queried timeout "$(x timeout .late6)"
check "timeout: a fragmented query afterwards is read" queried timeout "$(x timeout .after)"

# (g) a flood stays within the caps
run flood
peak=$(ctr flood frag_memory_peak)
check "flood: fragment memory stayed within the 4 MiB cap ($peak bytes)" test "$peak" -gt 0 -a "$peak" -le 4194304
check "flood: datagrams dropped at the memory cap, counted ($(ctr flood frag_memory_full))" \
	test "$(ctr flood frag_memory_full)" -gt 1000
check "flood: datagrams dropped at the datagrams-at-once cap, counted ($(ctr flood frag_table_full))" \
	test "$(ctr flood frag_table_full)" -gt 1000
check "flood: a device's fragmented query in the middle of it is read" queried flood "$(x flood .name)"
check "flood: every frame counted ($(j flood .capture.packets))" \
	test "$(j flood .capture.packets)" -eq "$(x flood .frames)"

# real captures with fragments, against tshark's reassembly
real="ndpi/pcap/dns_fragmented.pcap ndpi/pcap/dnscrypt-v1-and-resolver-pings.pcap
	ndpi/pcap/ip_fragmented_garbage.pcap zeek/ipv6-fragmented-dns.pcap zeek/dns-edns-ecs.pcap"
if [ ! -d "$CAPTURES" ] || ! command -v tshark >/dev/null; then
	skip "real captures with fragments reassembled as tshark does" "../shared/captures or tshark absent"
else
	for f in $real; do
		[ -f "$CAPTURES/$f" ] || { skip "$f" "not in ../shared/captures"; continue; }
		want=$(tshark -r "$CAPTURES/$f" -T fields -e ip.fragment.count -e ipv6.fragment.count 2>/dev/null |
			grep -c '[0-9]')
		got=$("$ALFOIL" inspect --json --no-progress -q "$CAPTURES/$f" | jq '.capture.counters.frag_reassembled // 0')
		check "$f: $want datagrams reassembled, as tshark does ($got)" test "$got" -eq "$want" -a "$want" -gt 0
	done
fi
tap_end
