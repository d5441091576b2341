#!/usr/bin/env bash
# run-bench.sh - alfoil against the floor and its peers, in one run.
#
# Builds (once) the big capture from ../shared/captures with
# ../shared/bench/make-bench-pcap.py, then times, interleaved, BENCH_RUNS
# times each (default 3):
#   floor      build/rel/pcapread: a bare libpcap read loop
#   alfoil     ./alfoil inspect --json (the full report) -o /dev/null
#   alfoil-watch  ./alfoil watch -r into a new database (bench/watch-once.sh)
#   ndpiReader ndpiReader -q -i (Debian libndpi-bin)
#   tshark     tshark -q -z conv,ip (Debian tshark)
# with /usr/bin/time: wall, user+sys CPU and peak RSS. Prints a table of the
# medians and ratios, and writes bench/out/results.{md,tsv}; then one more
# alfoil run with ALFOIL_TIMES=1 says how its time splits between reading
# and tracking, the report, the findings and writing the JSON.
#
# Then memory (BENCH_MEMORY=0 leaves it out), alfoil alone, medians of
# BENCH_RUNS runs:
#   same traffic  the real captures merged once, and the same repeated 10
#                 times (bench/repeat-pcap.py): peak RSS and alfoil's own
#                 count of its tables should be the same for both;
#   flood         build/rel/mkflood: 2 M packets, every one a new flow,
#                 most from a new MAC, random DNS names: caps hold, what
#                 was evicted or refused is reported, and the time per
#                 packet is set against the big capture's.
# Appended to bench/out/results.md.
#
#   BENCH_PCAP=FILE   use this capture instead of building one
#   BENCH_RUNS=N      runs per tool (default 3)
#   BENCH_BASE=FILE   also an earlier alfoil binary (alfoil-base), with this
#                     tree's data and rule files: a regression shows in one run
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
[ -x build/rel/pcapread ] && [ -x ./alfoil ] && [ -x build/rel/mkflood ] || { echo "bench: run 'make bench' (builds alfoil, pcapread and mkflood)" >&2; exit 1; }

tools=(floor alfoil)
# watch -r: the same engine with the store (its defaults: a step per hour of
# packet time, a commit per 10 s of the wall clock or 16,384 rows; retention long enough
# for a capture of years), when there is watch
./alfoil watch --help >/dev/null 2>&1 && tools+=(alfoil-watch)
if [ -n "${BENCH_BASE:-}" ]; then
	[ -x "$BENCH_BASE" ] || { echo "bench: BENCH_BASE=$BENCH_BASE is not an executable" >&2; exit 1; }
	tools+=(alfoil-base)
fi
command -v ndpiReader >/dev/null && tools+=(ndpiReader) || echo "bench: ndpiReader not installed (scripts/setup.sh --bench); skipped"
command -v tshark >/dev/null && tools+=(tshark) || echo "bench: tshark not installed (scripts/setup.sh --bench); skipped"

cmd_of() {
	case $1 in
	floor) echo "build/rel/pcapread $pcap" ;;
	alfoil) echo "./alfoil inspect --json --no-progress -o /dev/null $pcap" ;;
	alfoil-base) echo "$BENCH_BASE inspect --json --no-progress --data-dir data --clouds share/clouds.tsv --signatures share/signatures.tsv -o /dev/null $pcap" ;;
	alfoil-watch) echo "bench/watch-once.sh $out/watch.db $pcap" ;;
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
for t in ['floor', 'alfoil', 'alfoil-watch', 'alfoil-base', 'ndpiReader', 'tshark']:
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
if 'alfoil-watch' in med:
    a, b = med['alfoil'], med['alfoil-watch']
    md += ['', f'watch -r (the store: a step per hour of packet time, a commit per 10 s or 16,384 rows) vs inspect: {b[0] / a[0]:.2f}x its wall '
           f'time, {b[1] / a[1]:.2f}x its cpu time, peak memory {b[2] / a[2]:.2f}x']
if 'alfoil-base' in med:
    a, b = med['alfoil'], med['alfoil-base']
    md += ['', f'alfoil vs the earlier binary: {a[0] / b[0]:.2f}x its wall time, {a[1] / b[1]:.2f}x its cpu time']
text = '\n'.join(md) + '\n'
open(f'{out}/results.md', 'w').write(text)
with open(f'{out}/results.tsv', 'w') as f:
    f.write('\t'.join(hdr) + '\n')
    for l in lines:
        f.write('\t'.join(l) + '\n')
print()
print(text)
PY

# where alfoil's time goes: one more run, timing its phases (ALFOIL_TIMES)
phases=$(ALFOIL_TIMES=1 ./alfoil inspect --json --no-progress -q -o /dev/null "$pcap" 2>&1 | grep 'times (ms)' || true)
if [ -n "$phases" ]; then
	echo "$phases"
	printf '\nalfoil inspect, one more run: %s\n' "${phases#alfoil inspect: }" >>"$out/results.md"
fi
if [[ " ${tools[*]} " == *" alfoil-watch "* ]]; then
	phases=$(ALFOIL_TIMES=1 bench/watch-once.sh "$out/watch.db" "$pcap" 2>&1 | grep 'times (ms)' || true)
	if [ -n "$phases" ]; then
		echo "$phases"
		printf '\nalfoil watch -r, one more run: %s\n' "${phases#alfoil watch: }" >>"$out/results.md"
	fi
fi

[ "${BENCH_MEMORY:-1}" = 0 ] && exit 0

# ---- memory ------------------------------------------------------------------
once=$out/once.pcap ten=$out/ten.pcap flood=$out/flood.pcap
[ -s "$once" ] || python3 "$shared/bench/make-bench-pcap.py" --copies 1 "$once"
[ -s "$ten" ] || python3 bench/repeat-pcap.py "$once" 10 "$ten"
[ -s "$flood" ] || build/rel/mkflood -n 2000000 "$flood"
mraw=$out/memory.tsv
: >"$mraw"
for r in $(seq 1 "$runs"); do
	for input in once ten flood big; do
		case $input in once) f=$once ;; ten) f=$ten ;; flood) f=$flood ;; big) f=$pcap ;; esac
		/usr/bin/time -f '%e %U %S %M' -o "$out/time.mem" ./alfoil inspect --json --no-progress -q \
			-o "$out/mem-$input.json" "$f" 2>"$out/err.mem" || {
			echo "bench: alfoil failed on $f:" >&2; tail -5 "$out/err.mem" >&2; exit 1; }
		read -r wall user sys rss <"$out/time.mem"
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$input" "$r" "$wall" "$user" "$sys" "$rss" >>"$mraw"
		awk -v r="$r" -v t="$input" -v w="$wall" -v m="$rss" \
			'BEGIN { printf "  run %d memory %-6s %6.2f s wall %8.1f MiB peak\n", r, t, w, m / 1024 }'
	done
done
python3 - "$mraw" "$out" <<'PY'
import json, statistics, sys
raw, out = sys.argv[1], sys.argv[2]
rows = {}
for line in open(raw):
    t, r, wall, user, sys_, rss = line.split('\t')
    rows.setdefault(t, []).append((float(wall), int(rss)))
def med(t, i): return statistics.median(v[i] for v in rows[t])
info = {}
for t in rows:
    d = json.load(open(f'{out}/mem-{t}.json'))
    c = d['capture']
    info[t] = (c['packets'], c['memory_bytes'], c['counters'], len(d['devices']))
lines = ['', f'Memory: alfoil alone, medians of {len(rows["once"])} runs', '',
         '| input | packets | devices | wall s | ns / packet | peak RSS MiB | tables MiB (alfoil\'s count) |',
         '|---|---|---|---|---|---|---|']
names = {'once': 'real captures, once', 'ten': 'the same, 10 times over', 'flood': 'flood (mkflood, 2 M)',
         'big': 'bench capture (16 homes)'}
for t in ['once', 'ten', 'big', 'flood']:
    p, m, c, nd = info[t]
    w = med(t, 0)
    lines.append(f'| {names[t]} | {p:,} | {nd:,} | {w:.2f} | {w / p * 1e9:.0f} | {med(t, 1) / 1024:.1f} | {m / 2**20:.1f} |')
o, tn, fl, bg = (med(t, 1) for t in ('once', 'ten', 'flood', 'big'))
per = lambda t: med(t, 0) / info[t][0]
lines += ['', f'10x the same traffic: peak RSS {tn / o:.2f}x of once; tables {info["ten"][1] / info["once"][1]:.2f}x.',
          f'Flood: {per("flood") / per("big"):.2f}x the time per packet of the bench capture; '
          'evicted or refused: ' + ', '.join(f'{k} {v:,}' for k, v in info['flood'][2].items()
                                             if k.endswith(('evicted', 'refused')))]
text = '\n'.join(lines) + '\n'
open(f'{out}/results.md', 'a').write(text)
print(text)
PY
