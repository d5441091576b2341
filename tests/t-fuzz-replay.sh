#!/usr/bin/env bash
# Replay the saved fuzz crashes (tests/crashes/<target>/) and a sample of
# real-capture seeds through every fuzz target's replay driver, under the
# sanitizer build: a crash or sanitizer report fails the test.
set -u
. "$(dirname "$0")/lib.sh"
build=$(dirname "$ALFOIL")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

targets="dns dns_tcp mdns dhcp dhcp6 ssdp ntp miio tuya http tls ndp pppp packet mud capture policy report report_load reasm"
for t in $targets; do
	bin=$build/fuzz/replay_$t
	if [ ! -x "$bin" ]; then
		not_ok "replay_$t built" "missing $bin (make check builds it)"
		continue
	fi
	files=()
	if [ -d "$ROOT/tests/crashes/$t" ]; then
		while IFS= read -r -d '' f; do files+=("$f"); done \
			< <(find "$ROOT/tests/crashes/$t" -type f ! -name '.*' -print0)
	fi
	ncrash=${#files[@]}
	if [ "$t" = mud ]; then # hand-written MUD files are seeds even without a corpus
		files+=("$ROOT"/tests/data/mud/*.json)
	fi
	if [ "$t" = policy ] || [ "$t" = report ] || [ "$t" = report_load ]; then # hand-written seeds, hostile ones among them
		files+=("$ROOT"/tests/data/${t%_load}/*)
	fi
	if [ "$t" = capture ]; then # the example, whole and cut short
		head -c 30000 "$ROOT/examples/home.pcap" >"$work/home-cut.pcap"
		files+=("$ROOT/examples/home.pcap" "$work/home-cut.pcap")
	fi
	if [ -d "$ROOT/fuzz/corpus/$t" ]; then
		while IFS= read -r -d '' f; do files+=("$f"); done \
			< <(find "$ROOT/fuzz/corpus/$t" -type f -print0 | head -z -n 200)
	fi
	# always at least the empty input and some noise
	: >"$work/empty"
	head -c 1500 /dev/urandom >"$work/noise"
	files+=("$work/empty" "$work/noise")
	if out=$("$bin" "${files[@]}" 2>&1); then
		ok "fuzz_$t: ${#files[@]} inputs replayed ($ncrash saved crashes)"
	else
		not_ok "fuzz_$t: ${#files[@]} inputs replayed ($ncrash saved crashes)" "$(printf '%s\n' "$out" | tail -20)"
	fi
done
tap_end
