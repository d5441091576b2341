#!/usr/bin/env bash
# Files that are not what they seem: a FIFO as the capture or as a rule
# file is read once (it used to be opened a second time by path, which
# waits for ever for a writer that has gone), and an output that names an
# input (-o or --html; through a symbolic or a hard link, standard input,
# a --baseline, a path not there yet) is refused before anything is
# truncated (nor a profile in --profiles). Every alfoil run here is under `timeout`: a hang fails a
# check, it does not stop the test.
set -u
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
writer=
cleanup() {
	[ -n "$writer" ] && kill "$writer" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
T=60 # seconds before a run counts as hung (the runs take well under one)

PYTHONPATH=$ROOT/tests/captures python3 - "$work/small.pcap" <<'EOF'
import sys
import pkt
c = pkt.Capture()
dev, rtr = '68:c6:3a:3a:1f:2b', '50:c7:bf:8a:3e:10'
c.udp(dev, rtr, '192.168.1.60', 40000, '192.168.1.1', 53, pkt.dns_query('evil.example'))
c.udp(rtr, dev, '192.168.1.1', 53, '192.168.1.60', 40000, pkt.dns_answer('evil.example', '203.0.113.9'))
c.tcp(dev, rtr, '192.168.1.60', 40001, '203.0.113.9', 443, b'x' * 100, b'y' * 100)
c.write(sys.argv[1])
EOF
check "built a small capture" test -s "$work/small.pcap"
gzip -c "$work/small.pcap" >"$work/small.pcap.gz"
mkfifo "$work/fifo" "$work/rules"

# feed FIFO FILE: one writer, which writes FILE and is gone
feed() { cat "$2" >"$1" & writer=$!; }
packets() { [ -s "$1" ] && jq -r '.capture.packets' "$1" 2>/dev/null; }

feed "$work/fifo" "$work/small.pcap"
timeout $T "$ALFOIL" inspect --json --no-progress -o "$work/f.json" "$work/fifo" 2>"$work/err"
rc=$?
wait "$writer" 2>/dev/null; writer=
n=$(packets "$work/f.json")
if [ $rc -eq 0 ] && [ "$n" = 7 ]; then ok "a FIFO capture is read once, to its end (7 packets)"
else not_ok "a FIFO capture is read once, to its end (7 packets)" "rc=$rc (124: hung) packets=$n $(cat "$work/err")"; fi

feed "$work/fifo" "$work/small.pcap.gz"
timeout $T "$ALFOIL" inspect --json --no-progress -o "$work/g.json" "$work/fifo" 2>"$work/err"
rc=$?
wait "$writer" 2>/dev/null; writer=
n=$(packets "$work/g.json")
if [ $rc -eq 0 ] && [ "$n" = 7 ]; then ok "a gzip stream through a FIFO is read (7 packets)"
else not_ok "a gzip stream through a FIFO is read (7 packets)" "rc=$rc packets=$n $(cat "$work/err")"; fi

echo evil.example >"$work/block.txt"
feed "$work/rules" "$work/block.txt"
timeout $T "$ALFOIL" inspect --json --no-progress -o "$work/b.json" --blocklist "$work/rules" \
	"$work/small.pcap" 2>"$work/err"
rc=$?
wait "$writer" 2>/dev/null; writer=
if [ $rc -eq 0 ] && jq -e '[.findings[] | select(.detector == "blocklisted")] | length == 1' "$work/b.json" >/dev/null 2>&1
then ok "a FIFO as --blocklist is read once: the blocklisted finding is there"
else not_ok "a FIFO as --blocklist is read once: the blocklisted finding is there" "rc=$rc $(cat "$work/err")"; fi

# refused: exit 1, a message that says so, and the input as it was
sum() { md5sum <"$1" | cut -d' ' -f1; }
orig=$(sum "$work/small.pcap")
refused() { # description, then the alfoil inspect arguments
	local d=$1; shift
	(cd "$work" && timeout $T "$ALFOIL" inspect --no-progress "$@" </dev/null >/dev/null 2>"$work/err")
	local rc=$?
	if [ $rc -eq 1 ] && grep -q "refusing to write over it\|the same file" "$work/err" &&
		[ "$(sum "$work/small.pcap")" = "$orig" ]; then ok "$d"
	else not_ok "$d" "rc=$rc, input $( [ -e "$work/small.pcap" ] && echo there || echo GONE): $(cat "$work/err")"
		cp "$work/keep.pcap" "$work/small.pcap" # for the next check
	fi
}
cp "$work/small.pcap" "$work/keep.pcap"
ln -s small.pcap "$work/link.pcap"
ln "$work/small.pcap" "$work/hard.pcap"
refused "-o naming the input is refused, the capture kept" -o small.pcap small.pcap
refused "-o through a symbolic link to the input is refused" -o link.pcap small.pcap
refused "-o as a hard link of the input is refused" -o hard.pcap small.pcap
refused "--html naming the input is refused" --html ./small.pcap small.pcap
(cd "$work" && timeout $T "$ALFOIL" inspect --no-progress -o "$work/small.pcap" - <"$work/small.pcap" \
	>/dev/null 2>"$work/err")
rc=$?
if [ $rc -eq 1 ] && grep -q "standard input" "$work/err" && [ "$(sum "$work/small.pcap")" = "$orig" ]; then
	ok "-o naming the file that is standard input is refused, the capture kept"
else not_ok "-o naming the file that is standard input is refused, the capture kept" "rc=$rc $(cat "$work/err")"
	cp "$work/keep.pcap" "$work/small.pcap"; fi
"$ALFOIL" inspect --json --no-progress -q -o "$work/base.json" "$work/small.pcap"
bsum=$(sum "$work/base.json")
(cd "$work" && timeout $T "$ALFOIL" inspect --no-progress --json --baseline base.json -o ./base.json small.pcap \
	>/dev/null 2>"$work/err")
rc=$?
if [ $rc -eq 1 ] && grep -q "baseline" "$work/err" && [ "$(sum "$work/base.json")" = "$bsum" ]; then
	ok "-o naming the --baseline is refused, the baseline kept"
else not_ok "-o naming the --baseline is refused, the baseline kept" "rc=$rc $(cat "$work/err")"; fi
(cd "$work" && timeout $T "$ALFOIL" inspect --no-progress -o ./later.pcap later.pcap >/dev/null 2>"$work/err")
rc=$?
if [ $rc -eq 1 ] && grep -q "refusing" "$work/err" && [ ! -e "$work/later.pcap" ]; then
	ok "-o naming an input not there yet (another spelling) is refused, nothing created"
else not_ok "-o naming an input not there yet (another spelling) is refused, nothing created" "rc=$rc $(cat "$work/err")"; fi
(cd "$work" && timeout $T "$ALFOIL" inspect --no-progress -o r.txt --html ./r.txt small.pcap >/dev/null 2>"$work/err")
rc=$?
if [ $rc -eq 1 ] && grep -q "the same file" "$work/err"; then ok "-o and --html naming one file are refused"
else not_ok "-o and --html naming one file are refused" "rc=$rc $(cat "$work/err")"; fi
mkdir "$work/prof"
"$ALFOIL" profile learn -o "$work/prof" "$work/small.pcap" >/dev/null 2>&1
psum=$(cat "$work/prof"/*.json 2>/dev/null | md5sum)
(cd "$work" && timeout $T "$ALFOIL" inspect --no-progress --json --profiles prof \
	-o prof/68-c6-3a-3a-1f-2b.json small.pcap >/dev/null 2>"$work/err")
rc=$?
if [ $rc -eq 1 ] && grep -q "profiles directory" "$work/err" && [ -s "$work/prof/68-c6-3a-3a-1f-2b.json" ] &&
	[ "$(cat "$work/prof"/*.json | md5sum)" = "$psum" ]; then
	ok "-o into the --profiles directory is refused, the profile kept"
else not_ok "-o into the --profiles directory is refused, the profile kept" "rc=$rc $(ls "$work/prof") $(cat "$work/err")"; fi
# no report (the input is missing): the output goes, but only a regular
# file alfoil made; a device node at -o (a private /dev/null) stays
if [ "$(id -u)" -eq 0 ] && mknod -m 666 "$work/null" c 1 3 2>/dev/null; then
	timeout $T "$ALFOIL" inspect --no-progress -o "$work/null" "$work/nothere.pcap" >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 1 ] && [ -c "$work/null" ]; then ok "no input read: a device node given as -o is not removed"
	else not_ok "no input read: a device node given as -o is not removed" "rc=$rc $(ls -la "$work/null" 2>&1)"; fi
else
	skip "no input read: a device node given as -o is not removed" "needs root (mknod)"
fi
timeout $T "$ALFOIL" inspect --no-progress -o "$work/made.txt" "$work/nothere.pcap" >/dev/null 2>&1
check "no input read: the regular file made for -o is removed" test ! -e "$work/made.txt"
# not refused: a different file, /dev/null, standard output
check "-o another file is written" timeout $T "$ALFOIL" inspect -q --no-progress -o "$work/other.txt" "$work/small.pcap"
check "-o /dev/null is not mistaken for an input" timeout $T "$ALFOIL" inspect -q --no-progress -o /dev/null "$work/small.pcap"
check "-o - with standard input read is fine" sh -c "timeout $T '$ALFOIL' inspect -q --no-progress -o - - <'$work/small.pcap' >/dev/null"
tap_end
