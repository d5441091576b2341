#!/usr/bin/env bash
# The command line: suggestions for slips, one message prefix, a file named
# once, the input kinds (directory, .gz, standard input), rule files that
# must exist, and the help that agrees with the parser and README.
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
example=$ROOT/examples/home.pcap

# the report without the list of inputs (their names differ by kind)
strip() { jq -S 'del(.capture.inputs)' "$1"; }

# 1. slips get the nearest name
"$ALFOIL" inspcet x.pcap >"$work/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "did you mean 'inspect'" "$work/out"; then ok "unknown command: did you mean"
else not_ok "unknown command: did you mean" "rc=$rc $(cat "$work/out")"; fi
"$ALFOIL" inspect --singatures x x.pcap >"$work/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "unknown option '--singatures'; did you mean '--signatures'" "$work/out"; then
	ok "unknown inspect option: did you mean"
else not_ok "unknown inspect option: did you mean" "rc=$rc $(cat "$work/out")"; fi
"$ALFOIL" profile learn --devcie x -o "$work/p" x.pcap >"$work/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "did you mean '--device'" "$work/out"; then ok "unknown profile option: did you mean"
else not_ok "unknown profile option: did you mean" "rc=$rc $(cat "$work/out")"; fi
"$ALFOIL" enforce --profile "$work" --aply >"$work/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "did you mean '--apply'" "$work/out"; then ok "unknown enforce option: did you mean"
else not_ok "unknown enforce option: did you mean" "rc=$rc $(cat "$work/out")"; fi
"$ALFOIL" profile chek x.pcap >"$work/out" 2>&1
if [ $? -eq 1 ] && grep -q "did you mean 'check'" "$work/out"; then ok "unknown profile subcommand: did you mean"
else not_ok "unknown profile subcommand: did you mean" "$(cat "$work/out")"; fi
"$ALFOIL" inspect --zzzzzzzz x.pcap >"$work/out" 2>&1
if [ $? -eq 1 ] && ! grep -q "did you mean" "$work/out"; then ok "nothing near: no suggestion"
else not_ok "nothing near: no suggestion" "$(cat "$work/out")"; fi

# 2. one prefix: every stderr line of an error run starts with it, and the
# sources print their messages through lib/cli (no hand-written prefixes)
bad=0
for args in "inspect --bogus" "inspect $work/nothere.pcap" "inspect --format xml x" "inspect -c abc x" \
	"profile learn x.pcap" "enforce" "inspect --top" "inspect --json=1 x"; do
	# shellcheck disable=SC2086
	"$ALFOIL" $args >/dev/null 2>"$work/err"
	cmd=${args%% *}
	[ "$cmd" = profile ] && cmd="profile learn"
	if grep -v -e "^alfoil $cmd: " -e "^Try 'alfoil $cmd --help'\.$" "$work/err" | grep -q .; then
		bad=1; echo "# $args: $(cat "$work/err")"
	fi
done
if [ $bad -eq 0 ]; then ok "one message prefix (alfoil COMMAND:) on every error line"
else not_ok "one message prefix (alfoil COMMAND:) on every error line"; fi
hand=$(grep -n 'fprintf(stderr, "alfoil' "$ROOT"/src/*.c)
if [ -z "$hand" ]; then ok "no hand-written message prefix in src/*.c"
else not_ok "no hand-written message prefix in src/*.c" "$hand"; fi

# 3. a missing file is named once
"$ALFOIL" inspect "$work/nothere.pcap" >/dev/null 2>"$work/err"
rc=$?
n=$(grep -o "nothere.pcap" "$work/err" | wc -l)
if [ $rc -eq 1 ] && [ "$n" -eq 1 ]; then ok "missing file: named once"
else not_ok "missing file: named once" "rc=$rc n=$n $(cat "$work/err")"; fi

# 4. rule files named but missing are errors naming them
for o in --signatures --clouds --config --blocklist --baseline; do
	"$ALFOIL" inspect $o /nonexistent-$$ "$work/nothere.pcap" >/dev/null 2>"$work/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q -- "$o /nonexistent-$$" "$work/err" && ! grep -q nothere "$work/err"; then
		ok "$o missing file: exit 1, file named"
	else not_ok "$o missing file: exit 1, file named" "rc=$rc $(cat "$work/err")"; fi
done

# 5. --format and --help list the same formats
fmts=$("$ALFOIL" inspect --help | sed -n '/--format FMT/,/--html/p' | awk 'NR>1 && $1 != "--html" {print $1}' | sort | tr '\n' ' ')
accepted=""
for f in text json html csv xml; do
	if "$ALFOIL" inspect --format $f -o /dev/null "$work/nothere.pcap" 2>&1 | grep -q "unknown format"; then :; else
		accepted="$accepted$f "; fi
done
accepted=$(echo $accepted | tr ' ' '\n' | sort | tr '\n' ' ')
if [ -n "$fmts" ] && [ "$fmts" = "$accepted" ]; then ok "--help lists exactly the formats --format takes ($fmts)"
else not_ok "--help lists exactly the formats --format takes" "help: $fmts accepted: $accepted"; fi

# 6. a man page for each command, the same on -h and via alfoil help
for c in "inspect" "profile" "profile learn" "profile check" "enforce"; do
	# shellcheck disable=SC2086
	"$ALFOIL" $c --help >"$work/h1" 2>&1; r1=$?
	# shellcheck disable=SC2086
	"$ALFOIL" $c -h >"$work/h2" 2>&1
	# shellcheck disable=SC2086
	"$ALFOIL" help $c >"$work/h3" 2>&1
	if [ $r1 -eq 0 ] && grep -q "^usage: alfoil $c" "$work/h1" && grep -q "^exit status:" "$work/h1" &&
	   grep -q "^examples:" "$work/h1" && grep -q -- "--help" "$work/h1" &&
	   cmp -s "$work/h1" "$work/h2" && cmp -s "$work/h1" "$work/h3"; then
		ok "alfoil $c --help: usage, options, exit status, examples; same on -h and help"
	else not_ok "alfoil $c --help: usage, options, exit status, examples; same on -h and help" "$(head -3 "$work/h1")"; fi
done

# 7. README's option table is the one of --help
help_opts=$("$ALFOIL" inspect --help | grep -E '^  (-[a-zA-Z], |    )--[a-z]' | cut -c1-25 |
	grep -oE -- '(^|[ ,])-{1,2}[a-z][a-z-]*' | tr -d ' ,' | sort -u)
readme_opts=$(sed -n '/^`alfoil inspect` options/,/^Exit status/p' "$ROOT/README.md" | grep '^| `' |
	cut -d'|' -f2 | grep -oE -- '`-{1,2}[a-z][a-z-]*' | tr -d '`' | sort -u)
if [ -n "$help_opts" ] && [ "$help_opts" = "$readme_opts" ]; then ok "README option table = inspect --help options"
else not_ok "README option table = inspect --help options" "$(diff <(echo "$help_opts") <(echo "$readme_opts"))"; fi

# 8. scripts/setup.sh: --runtime wants only what running needs
rt=$("$ROOT/scripts/setup.sh" --runtime --no-data --list 2>&1 | tr '\n' ' ')
all=$("$ROOT/scripts/setup.sh" --list 2>&1 | tr '\n' ' ')
has() { printf '%s\n' $1 | grep -qx -- "$2"; }
if has "$rt" libpcap0.8 && has "$rt" zlib1g && has "$rt" ieee-data && has "$rt" libjansson4 &&
   ! printf '%s\n' $rt | grep -q -e '-dev$' -e '^gcc$' -e '^npm$' -e '^clang$'; then
	ok "setup.sh --runtime: only the runtime packages ($rt)"
else not_ok "setup.sh --runtime: only the runtime packages" "$rt"; fi
if has "$all" zlib1g-dev && has "$all" libcmocka-dev && has "$all" npm && has "$all" gcc; then
	ok "setup.sh default: build, test and data packages, zlib1g-dev among them"
else not_ok "setup.sh default: build, test and data packages" "$all"; fi

if [ ! -f "$example" ]; then
	skip "input kinds" "examples/home.pcap not built"
	tap_end; exit
fi

# 9. a directory is the captures in it, one by one
"$ALFOIL" inspect --json -q -o "$work/plain.json" "$example" || true
mkdir -p "$work/dir/sub" "$work/dir/.hidden"
mkpart() { # out first count: a pcap of packets first..first+count-1 of the example
	python3 - "$example" "$@" <<'PY'
import struct, sys
src, out, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
d = open(src, 'rb').read()
hdr, off, i, recs = d[:24], 24, 0, []
while off + 16 <= len(d):
    n = struct.unpack('<I', d[off+8:off+12])[0]
    if first <= i < first + count:
        recs.append(d[off:off+16+n])
    off += 16 + n; i += 1
open(out, 'wb').write(hdr + b''.join(recs))
PY
}
mkpart "$work/dir/cap.pcap" 0 1500
mkpart "$work/dir/cap.pcap2" 1500 1500
mkpart "$work/dir/cap.pcap10" 3000 900
mkpart "$work/dir/sub/late.pcap" 3900 2000
gzip -c "$work/dir/cap.pcap10" >"$work/dir/cap.pcap10.gz" && rm "$work/dir/cap.pcap10"
echo "not a capture" >"$work/dir/notes.txt"
cp "$work/dir/cap.pcap" "$work/dir/.hidden/skip.pcap"
"$ALFOIL" inspect --json -q -o "$work/dir.json" "$work/dir"
rc=$?
"$ALFOIL" inspect --json -q -o "$work/each.json" "$work/dir/cap.pcap" "$work/dir/cap.pcap2" \
	"$work/dir/cap.pcap10.gz" "$work/dir/sub/late.pcap"
names=$(jq -r '[.capture.inputs[].name | sub(".*/dir/"; "")] | join(" ")' "$work/dir.json" 2>/dev/null)
if [ $rc -eq 0 ] && [ "$names" = "cap.pcap cap.pcap2 cap.pcap10.gz sub/late.pcap" ] &&
   diff <(strip "$work/dir.json") <(strip "$work/each.json") >/dev/null &&
   diff <(strip "$work/dir.json") <(strip "$work/plain.json") >/dev/null; then
	ok "directory = its captures one by one, in version order (= the whole file)"
else not_ok "directory = its captures one by one, in version order" "rc=$rc names=$names"; fi
mkdir -p "$work/empty"
"$ALFOIL" inspect -q "$work/empty" >/dev/null 2>"$work/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "$work/empty: no capture files" "$work/err"; then ok "empty directory: an error naming it"
else not_ok "empty directory: an error naming it" "rc=$rc $(cat "$work/err")"; fi

# 10. .gz read as it is; truncated .gz: exit 3, file and packet named
gzip -c "$example" >"$work/home.pcap.gz"
"$ALFOIL" inspect --json -q -o "$work/gz.json" "$work/home.pcap.gz"
rc=$?
if [ $rc -eq 0 ] && diff <(strip "$work/gz.json") <(strip "$work/plain.json") >/dev/null; then
	ok ".gz capture: the same report as the plain file"
else not_ok ".gz capture: the same report as the plain file" "rc=$rc"; fi
size=$(stat -c %s "$work/home.pcap.gz")
head -c $((size / 2)) "$work/home.pcap.gz" >"$work/cut.pcap.gz"
"$ALFOIL" inspect --json -o "$work/cut.json" "$work/cut.pcap.gz" 2>"$work/err"
rc=$?
nd=$(jq '.devices | length' "$work/cut.json" 2>/dev/null || echo 0)
if [ $rc -eq 3 ] && grep -q -E "cut.pcap.gz: packet [0-9]+: .*cut short" "$work/err" && [ "$nd" -gt 0 ]; then
	ok "truncated .gz: exit 3, file and packet named, $nd devices kept"
else not_ok "truncated .gz: exit 3, file and packet named, devices kept" "rc=$rc nd=$nd $(cat "$work/err")"; fi
if [ -n "${CAPTURES:-}" ] && f=$(find "$CAPTURES" -name '*.pcapng' -size -2M 2>/dev/null | sort | head -1) && [ -n "$f" ]; then
	gzip -c "$f" >"$work/ng.pcapng.gz"
	"$ALFOIL" inspect --json -q -o "$work/ng1.json" "$f"
	"$ALFOIL" inspect --json -q -o "$work/ng2.json" "$work/ng.pcapng.gz"
	if diff <(strip "$work/ng1.json") <(strip "$work/ng2.json") >/dev/null; then ok "pcapng.gz: the same report as the pcapng"
	else not_ok "pcapng.gz: the same report as the pcapng" "$f"; fi
else
	skip "pcapng.gz: the same report as the pcapng" "no shared pcapng capture"
fi

# 11. '-' is standard input, plain or compressed
"$ALFOIL" inspect --json -q -o "$work/stdin.json" - <"$example"
rc1=$?
cat "$work/home.pcap.gz" | "$ALFOIL" inspect --json -q -o "$work/stdin-gz.json" -
rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && diff <(strip "$work/stdin.json") <(strip "$work/plain.json") >/dev/null &&
   diff <(strip "$work/stdin-gz.json") <(strip "$work/plain.json") >/dev/null; then
	ok "cat x.pcap | alfoil inspect - (and x.pcap.gz) = the file"
else not_ok "cat x.pcap | alfoil inspect - (and x.pcap.gz) = the file" "rc=$rc1/$rc2"; fi
tap_end
