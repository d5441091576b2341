#!/usr/bin/env bash
# A short libFuzzer run of every fuzz target (ASan+UBSan, built by
# `make check` with clang), seeded with the saved crashes, the hand-written
# MUD files and, when ../shared/captures is present, payloads cut from the
# real captures by build/rel/seeds. FUZZ_SMOKE_SECONDS each (default 2).
# A crash fails the test; its input is kept in build/fuzz/smoke-crashes/
# (add it to tests/crashes/<target>/ with the fix). New corpus entries go
# to a temporary folder: the run leaves nothing behind.
set -u
. "$(dirname "$0")/lib.sh"
secs=${FUZZ_SMOKE_SECONDS:-2}
fuzz=$ROOT/build/fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
targets="dns dns_tcp mdns dhcp dhcp6 ssdp ntp miio tuya http tls ndp pppp packet mud capture policy report report_load reasm"

if [ ! -x "$fuzz/fuzz_packet" ]; then
	skip "fuzz smoke run" "build/fuzz/ not built (needs clang: scripts/setup.sh installs it)"
	tap_end; exit 0
fi
seeded="no real-capture seeds"
if [ -d "$CAPTURES" ] && [ -x "$ROOT/build/rel/seeds" ]; then
	find "$CAPTURES" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.trace' \) \
		-print0 | xargs -0 "$ROOT/build/rel/seeds" "$work/seeds" >/dev/null 2>&1
	mkdir -p "$work/seeds/capture"
	find "$CAPTURES" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -size -24k |
		head -300 | while read -r f; do cp "$f" "$work/seeds/capture/$(echo "$f" | md5sum | cut -c1-16)"; done
	seeded="seeds from $CAPTURES"
fi
mkdir -p "$work/seeds/capture"
head -c 16384 "$ROOT/examples/home.pcap" >"$work/seeds/capture/home-head.pcap"
mkdir -p "$ROOT/build/fuzz/smoke-crashes"
for t in $targets; do
	mkdir -p "$work/new-$t"
	dirs=("$work/new-$t")
	[ -d "$work/seeds/$t" ] && dirs+=("$work/seeds/$t")
	[ -d "$ROOT/tests/crashes/$t" ] && dirs+=("$ROOT/tests/crashes/$t")
	[ "$t" = mud ] && dirs+=("$ROOT/tests/data/mud")
	[ "$t" = policy ] && dirs+=("$ROOT/tests/data/policy")
	[ "$t" = report ] || [ "$t" = report_load ] && dirs+=("$ROOT/tests/data/report")
	log=$work/$t.log
	if "$fuzz/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 \
		-artifact_prefix="$ROOT/build/fuzz/smoke-crashes/$t-" "${dirs[@]}" >"$log" 2>&1; then
		stats=$(awk '/^stat::number_of_executed_units/ {n=$2} /^stat::average_exec_per_sec/ {s=$2}
			/ cov: / {c=$0; sub(/.* cov: /, "", c); sub(/ .*/, "", c)}
			END {printf "%d runs, %d/s, coverage %s", n, s, c}' "$log")
		ok "fuzz_$t for ${secs}s: $stats"
	else
		not_ok "fuzz_$t for ${secs}s: no crash" "$(grep -A20 -m1 -E '^==[0-9]+==ERROR|runtime error|deadly signal' "$log" | head -30)"
	fi
done
echo "# $seeded"
tap_end
