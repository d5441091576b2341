#!/usr/bin/env bash
# Bad input and bad arguments: clear messages, right exit status, and what
# was read before an error is still reported.
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
example=$ROOT/examples/home.pcap

# pcap writer for hand-made files: global header + records (python3)
mkpcap() { # out linktype hexpacket...
	python3 - "$@" <<'PY'
import struct, sys
out, lt, pkts = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
with open(out, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, lt))
    for i, h in enumerate(pkts):
        b = bytes.fromhex(h)
        f.write(struct.pack('<IIII', 1793520000 + i, 0, len(b), len(b)))
        f.write(b)
PY
}

# 1. a file that does not exist
"$ALFOIL" inspect "$work/nope.pcap" >"$work/out" 2>"$work/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "$work/nope.pcap" "$work/err"; then ok "missing file: exit 1, message names it"
else not_ok "missing file: exit 1, message names it" "rc=$rc $(cat "$work/err")"; fi

# 2. not a capture at all
head -c 4000 /dev/urandom >"$work/garbage.pcap"
"$ALFOIL" inspect "$work/garbage.pcap" >"$work/out" 2>"$work/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "garbage.pcap" "$work/err"; then ok "garbage file: exit 1, message names it"
else not_ok "garbage file: exit 1, message names it" "rc=$rc $(cat "$work/err")"; fi

# 3. a truncated capture: error names file and packet, report still made
if [ -f "$example" ]; then
	size=$(stat -c %s "$example")
	head -c $((size / 2 + 7)) "$example" >"$work/trunc.pcap"
	"$ALFOIL" inspect --json -o "$work/trunc.json" "$work/trunc.pcap" 2>"$work/err"
	rc=$?
	ndev=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["devices"]))' "$work/trunc.json" 2>/dev/null || echo 0)
	if [ $rc -eq 3 ] && grep -q -E "trunc.pcap: packet [0-9]+" "$work/err" && [ "$ndev" -gt 0 ]; then
		ok "truncated file: exit 3, names file and packet, $ndev devices still reported"
	else
		not_ok "truncated file: exit 3, names file and packet, devices still reported" "rc=$rc ndev=$ndev $(cat "$work/err")"
	fi
	err_json=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["capture"]["inputs"][0]["error"])' "$work/trunc.json" 2>/dev/null)
	case $err_json in *packet*) ok "truncated file: the JSON report carries the error" ;;
	*) not_ok "truncated file: the JSON report carries the error" "$err_json" ;; esac

	# 4. a good file and a bad one in one run
	"$ALFOIL" inspect --json -o "$work/two.json" "$example" "$work/garbage.pcap" 2>"$work/err"
	rc=$?
	ndev=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["devices"]))' "$work/two.json" 2>/dev/null || echo 0)
	if [ $rc -eq 3 ] && [ "$ndev" -ge 6 ]; then ok "good + bad file: exit 3, the good file's $ndev devices reported"
	else not_ok "good + bad file: exit 3, the good file's devices reported" "rc=$rc ndev=$ndev"; fi
else
	skip "truncated file" "examples/home.pcap not built"
	skip "truncated file JSON" "examples/home.pcap not built"
	skip "good + bad file" "examples/home.pcap not built"
fi

# 5. a link type alfoil does not decode (USER0 = 147): counted, said once
mkpcap "$work/user0.pcap" 147 00112233445566778899 aabbccddeeff
"$ALFOIL" inspect --json -o "$work/u.json" "$work/user0.pcap" 2>"$work/err"
rc=$?
pk=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["capture"]["packets"])' "$work/u.json" 2>/dev/null)
if [ $rc -eq 0 ] && grep -q "not decoded" "$work/err" && [ "$pk" = 2 ]; then ok "unknown link type: said clearly, packets counted"
else not_ok "unknown link type: said clearly, packets counted" "rc=$rc pk=$pk $(cat "$work/err")"; fi

# 5b. --count reached in the first file: the second is still listed with
# its link type and no packets
mkpcap "$work/two-a.pcap" 1 ffffffffffff0011223344550806 ffffffffffff0011223344550806
"$ALFOIL" inspect --json -q -c 1 -o "$work/c.json" "$work/two-a.pcap" "$work/two-a.pcap" 2>"$work/err"
rc=$?
got=$(jq -c '[.capture.inputs[] | [.linktype, .packets]]' "$work/c.json" 2>/dev/null)
if [ $rc -eq 0 ] && [ "$got" = '[["EN10MB",1],["EN10MB",0]]' ]; then ok "--count reached: later files listed with their link type"
else not_ok "--count reached: later files listed with their link type" "rc=$rc got=$got $(cat "$work/err")"; fi

# 6. an empty capture (header only)
mkpcap "$work/empty.pcap" 1
"$ALFOIL" inspect --json -o "$work/e.json" "$work/empty.pcap" 2>"$work/err"
rc=$?
nd=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["devices"]))' "$work/e.json" 2>/dev/null)
if [ $rc -eq 0 ] && [ "$nd" = 0 ]; then ok "empty capture: exit 0, no devices"
else not_ok "empty capture: exit 0, no devices" "rc=$rc nd=$nd"; fi

# 7. runt and garbage frames on Ethernet do not stop the run
mkpcap "$work/runt.pcap" 1 00 0011 ffffffffffff0011223344550800 ffffffffffff00112233445508004500
"$ALFOIL" inspect "$work/runt.pcap" >"$work/out" 2>"$work/err"
rc=$?
if [ $rc -eq 0 ] && grep -q "4 packets" "$work/out"; then ok "runt frames: decoded as far as they go"
else not_ok "runt frames: decoded as far as they go" "rc=$rc $(head -5 "$work/out") $(cat "$work/err")"; fi

# 8. arguments
"$ALFOIL" inspect --help >"$work/out" 2>&1
if [ $? -eq 0 ] && grep -q "usage: alfoil inspect" "$work/out"; then ok "--help"; else not_ok "--help"; fi
"$ALFOIL" --help >"$work/out" 2>&1
if [ $? -eq 0 ] && grep -q "inspect" "$work/out"; then ok "alfoil --help lists commands"; else not_ok "alfoil --help lists commands"; fi
"$ALFOIL" --version >"$work/out" 2>&1
if [ $? -eq 0 ] && grep -q "IEEE" "$work/out"; then ok "--version names the data"; else not_ok "--version names the data"; fi
"$ALFOIL" inspect >"$work/out" 2>&1
if [ $? -eq 1 ] && grep -q "no capture file" "$work/out"; then ok "no file: usage error"; else not_ok "no file: usage error" "$(cat "$work/out")"; fi
"$ALFOIL" inspect --count abc x.pcap >"$work/out" 2>&1
if [ $? -eq 1 ] && grep -q -- "--count" "$work/out"; then ok "bad --count named"; else not_ok "bad --count named" "$(cat "$work/out")"; fi
"$ALFOIL" inspect --bogus x.pcap >"$work/out" 2>&1
if [ $? -eq 1 ]; then ok "unknown option: exit 1"; else not_ok "unknown option: exit 1"; fi
"$ALFOIL" frobnicate >"$work/out" 2>&1
if [ $? -eq 1 ] && grep -q "unknown command" "$work/out"; then ok "unknown command"; else not_ok "unknown command"; fi
"$ALFOIL" inspect -f 'port ((( 53' "$work/empty.pcap" >"$work/out" 2>&1
if [ $? -eq 1 ] && grep -q "bad filter" "$work/out"; then ok "bad BPF filter: named"; else not_ok "bad BPF filter: named" "$(cat "$work/out")"; fi
"$ALFOIL" inspect -o /nonexistent-dir/x.json "$work/empty.pcap" >"$work/out" 2>&1
if [ $? -eq 1 ] && grep -q "/nonexistent-dir/x.json" "$work/out"; then ok "unwritable output: named"; else not_ok "unwritable output: named" "$(cat "$work/out")"; fi
"$ALFOIL" inspect --ieee-dir /nonexistent-ieee "$work/empty.pcap" >"$work/out" 2>"$work/err"
if [ $? -eq 0 ] && grep -q "IEEE registry" "$work/err"; then ok "missing maker data: warned once, still runs"
else not_ok "missing maker data: warned once, still runs" "$(cat "$work/err")"; fi
tap_end
