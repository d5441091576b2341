#!/usr/bin/env python3
"""asn-compile.py - turn @ip-location-db/asn's CSVs into alfoil's compact
ASN file (read by src/intel/asn.c with one mmap and binary searches).

usage: asn-compile.py ASN-IPV4-NUM.csv ASN-IPV6-NUM.csv OUT.bin

Format, all integers little-endian:
  header  "ALFASN01" | u32 n4 | u32 n6 | u32 norgs | u32 strbytes
  v4      n4 x { u32 first, u32 last, u32 org }        sorted by first
  v6      n6 x { u8 first[16], u8 last[16], u32 org }  sorted by first (big-endian bytes)
  orgs    norgs x { u32 asn, u32 name_offset }
  strings strbytes of NUL-terminated UTF-8 names
"""
import csv
import struct
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    v4_path, v6_path, out = sys.argv[1:]
    orgs, names, strings = {}, {}, bytearray()

    def org_index(asn, name):
        key = (asn, name)
        if key not in orgs:
            if name not in names:
                names[name] = len(strings)
                strings.extend(name.encode('utf-8', 'replace') + b'\0')
            orgs[key] = (len(orgs), asn, names[name])
        return orgs[key][0]

    def rows(path):
        with open(path, newline='', encoding='utf-8', errors='replace') as f:
            for r in csv.reader(f):
                if len(r) >= 3 and r[0].isdigit() and r[1].isdigit() and r[2].isdigit():
                    yield int(r[0]), int(r[1]), int(r[2]), (r[3] if len(r) > 3 else '').strip()

    v4 = sorted((a, b, org_index(asn, n)) for a, b, asn, n in rows(v4_path) if a <= b < 2**32)
    v6 = sorted((a, b, org_index(asn, n)) for a, b, asn, n in rows(v6_path) if a <= b < 2**128)
    with open(out + '.tmp', 'wb') as f:
        f.write(b'ALFASN01' + struct.pack('<IIII', len(v4), len(v6), len(orgs), len(strings)))
        for a, b, o in v4:
            f.write(struct.pack('<III', a, b, o))
        for a, b, o in v6:
            f.write(a.to_bytes(16, 'big') + b.to_bytes(16, 'big') + struct.pack('<I', o))
        for idx, asn, off in sorted(orgs.values()):
            f.write(struct.pack('<II', asn, off))
        f.write(strings)
    import os
    os.replace(out + '.tmp', out)
    print(f'asn-compile: {len(v4)} IPv4 and {len(v6)} IPv6 ranges, {len(orgs)} networks -> {out}')


main()
