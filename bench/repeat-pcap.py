#!/usr/bin/env python3
"""Repeat a classic pcap capture N times, each repeat shifted in time to
start after the one before; addresses are left as they are, so it is the
same traffic from the same devices, N times as long. For the memory
benchmark (docs/benchmark.md): peak memory should not grow with N.

usage: repeat-pcap.py IN.pcap N OUT.pcap
"""
import struct, sys

def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    data = open(src, 'rb').read()
    if len(data) < 24 or struct.unpack_from('<I', data)[0] != 0xa1b2c3d4:
        sys.exit(f'{src}: not a little-endian microsecond pcap')
    recs, off = [], 24
    while off + 16 <= len(data):
        ts, tu, cl, ol = struct.unpack_from('<IIII', data, off)
        if off + 16 + cl > len(data):
            break
        recs.append((ts, data[off + 4: off + 16 + cl]))
        off += 16 + cl
    if not recs:
        sys.exit(f'{src}: no packets')
    span = recs[-1][0] - recs[0][0] + 1
    with open(out, 'wb') as o:
        o.write(data[:24])
        for k in range(n):
            shift = k * span
            for ts, rest in recs:
                o.write(struct.pack('<I', ts + shift))
                o.write(rest)
    print(f'{out}: {len(recs) * n} packets, {src} x {n}')

if __name__ == '__main__':
    main()
