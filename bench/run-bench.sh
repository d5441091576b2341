#!/usr/bin/env bash
# run-bench.sh - alfoil against the floor and its peers, in one run.
#
# Builds (once) the big capture from ../shared/captures with
# ../shared/bench/make-bench-pcap.py, then times, interleaved, BENCH_RUNS
# times each (default 3):
#   floor      build/rel/pcapread: a bare libpcap read loop
#   alfoil     ./alfoil inspect --json (the full report) -o /dev/null
#   ndpiReader ndpiReader -q -i (Debian libndpi-bin)
#   tshark     tshark -q -z conv,ip (Debian tshark)
# with /usr/bin/time: wall, user+sys CPU and peak RSS. Prints a table of the
# medians and ratios, and writes bench/out/results.{md,tsv}.
#
#   BENCH_PCAP=FILE   use this capture instead of building one
#   BENCH_RUNS=N      runs per tool (default 3)
#   SHARED=DIR        the shared folder (default ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
shared=${SHARED:-../shared}
pcap=${BENCH_PCAP:-$out/bench.pcap}
runs=${BENCH_RUNS:-3}

if [ ! -s "$pcap" ]; then
	gen=$shared/bench/make-bench-pcap.py
	if [ ! -f "$gen" ]; then
		echo "bench: $gen not found (set SHARED=DIR or BENCH_PCAP=FILE)" >&2
		exit 1
	fi
	echo "bench: building $pcap with $gen (once; about 750 MB)"
	python3 "$gen" "$pcap"
fi
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
[ -x build/rel/pcapread ] && [ -x ./alfoil ] || { echo "bench: run 'make bench' (builds alfoil and pcapread)" >&2; exit 1; }

tools=(floor alfoil)
command -v ndpiReader >/dev/null && tools+=(ndpiReader) || echo "bench: ndpiReader not installed (scripts/setup.sh --bench); skipped"
command -v tshark >/dev/null && tools+=(tshark) || echo "bench: tshark not installed (scripts/setup.sh --bench); skipped"

cmd_of() {
	case $1 in
	floor) echo "build/rel/pcapread $pcap" ;;
	alfoil) echo "./alfoil inspect --json --no-progress -o /dev/null $pcap" ;;
	ndpiReader) echo "ndpiReader -q -i $pcap" ;;
	tshark) echo "tshark -q -z conv,ip -r $pcap" ;;
	esac
}

packets=$(build/rel/pcapread "$pcap" | awk '{print $2}')
size=$(stat -c %s "$pcap")
echo "bench: $pcap, $packets packets, $((size / 1000000)) MB; $runs runs each, interleaved"
raw=$out/raw.tsv
: >"$raw"
cat "$pcap" >/dev/null # page cache warm for everyone
for r in $(seq 1 "$runs"); do
	for t in "${tools[@]}"; do
		/usr/bin/time -f '%e %U %S %M' -o "$out/time.$t" $(cmd_of "$t") >/dev/null 2>"$out/err.$t" || {
			echo "bench: $t failed:" >&2; tail -5 "$out/err.$t" >&2; exit 1; }
		read -r wall user sys rss <"$out/time.$t"
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$r" "$wall" "$user" "$sys" "$rss" >>"$raw"
		awk -v r="$r" -v t="$t" -v w="$wall" -v c="$user + $sys" -v u="$user" -v s="$sys" -v m="$rss" \
			'BEGIN { printf "  run %d %-10s %6.2f s wall %6.2f s cpu %7.1f MiB\n", r, t, w, u + s, m / 1024 }'
	done
done

python3 - "$raw" "$packets" "$out" "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$pcap" <<'PY'
import statistics, sys
raw, packets, out, when, cpus, pcap = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
rows = {}
for line in open(raw):
    t, r, wall, user, sys_, rss = line.split('\t')
    rows.setdefault(t, []).append((float(wall), float(user) + float(sys_), int(rss)))
med = {t: (statistics.median(w for w, _, _ in v), statistics.median(c for _, c, _ in v),
           statistics.median(m for _, _, m in v)) for t, v in rows.items()}
floor = med['floor'][0]
hdr = ['tool', 'wall s (median)', 'cpu s (median)', 'packets/s', 'peak RSS MiB', 'wall / floor', 'alfoil speed-up']
lines = []
for t in ['floor', 'alfoil', 'ndpiReader', 'tshark']:
    if t not in med:
        continue
    w, c, m = med[t]
    lines.append([t, f'{w:.2f}', f'{c:.2f}', f'{packets / w:,.0f}', f'{m / 1024:.1f}', f'{w / floor:.2f}x',
                  '' if t in ('floor', 'alfoil') else f'{w / med["alfoil"][0]:.2f}x'])
md = [f'Benchmark {when}: {pcap}, {packets:,} packets, {cpus} CPUs, medians of {len(rows["floor"])} runs', '',
      '| ' + ' | '.join(hdr) + ' |', '|' + '---|' * len(hdr)]
md += ['| ' + ' | '.join(l) + ' |' for l in lines]
if 'ndpiReader' in med:
    a, n = med['alfoil'], med['ndpiReader']
    md += ['', f'alfoil vs ndpiReader: {n[0] / a[0]:.2f}x faster (wall), peak memory {a[2] / n[2]:.2f}x of ndpiReader\'s']
text = '\n'.join(md) + '\n'
open(f'{out}/results.md', 'w').write(text)
with open(f'{out}/results.tsv', 'w') as f:
    f.write('\t'.join(hdr) + '\n')
    for l in lines:
        f.write('\t'.join(l) + '\n')
print()
print(text)
PY
