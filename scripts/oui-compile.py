#!/usr/bin/env python3
"""oui-compile.py - the npm package oui-data (index.json: hex prefix ->
"organisation\\naddress lines\\ncountry name") into the CSV files of the IEEE
registry as Debian's ieee-data ships them (oui.csv MA-L, mam.csv MA-M,
oui36.csv MA-S: "Registry,Assignment,Organization Name,Organization Address"),
which alfoil's src/intel/oui.c reads.

oui-data names the country in full ("China"); the IEEE .txt files that
Debian ships end the address with the two-letter code. The code of a name is
learnt from the prefixes both hold (the most frequent pairing wins) and
written as the address's last word, so that the reader finds it.

usage: oui-compile.py index.json DEBIAN_IEEE_DIR OUTDIR
"""
import collections
import csv
import json
import os
import sys


def debian_countries(ddir):
    """prefix (upper hex) -> two-letter code, from oui.txt, mam.txt, oui36.txt"""
    out = {}
    for name, bits in (("oui.txt", 24), ("mam.txt", 28), ("oui36.txt", 36)):
        path = os.path.join(ddir, name)
        if not os.path.exists(path):
            continue
        oui = None
        prefix = None
        last = ""
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.rstrip("\r\n")
                if len(line) >= 8 and line[2] == "-" and line[5] == "-" and "(hex)" in line:
                    oui = line[0:2] + line[3:5] + line[6:8]
                elif oui and "(base 16)" in line and not line.startswith("\t"):
                    start = line.split()[0]
                    digits = bits // 4
                    prefix = (oui + start)[:digits] if bits > 24 else oui
                    prefix = prefix.upper()
                    last = ""
                elif prefix and line.startswith("\t"):
                    last = line.strip()
                elif prefix:
                    if len(last) == 2 and last.isupper():
                        out[prefix] = last
                    prefix = None
        if prefix and len(last) == 2 and last.isupper():
            out[prefix] = last
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, ddir, outdir = sys.argv[1:]
    with open(src, encoding="utf-8") as f:
        data = json.load(f)
    known = debian_countries(ddir)
    votes = collections.defaultdict(collections.Counter)
    for prefix, text in data.items():
        lines = text.split("\n")
        cc = known.get(prefix.upper())
        if cc and len(lines) > 1:
            votes[lines[-1].strip()][cc] += 1
    code = {name: c.most_common(1)[0][0] for name, c in votes.items()}
    regs = {6: ("MA-L", "oui.csv"), 7: ("MA-M", "mam.csv"), 9: ("MA-S", "oui36.csv")}
    rows = {k: [] for k in regs}
    for prefix, text in data.items():
        p = prefix.upper()
        if len(p) not in regs or any(ch not in "0123456789ABCDEF" for ch in p):
            continue
        lines = [s.strip() for s in text.split("\n") if s.strip()]
        if not lines:
            continue
        org, addr = lines[0], lines[1:]
        if addr and len(addr[-1]) == 2 and addr[-1].isupper():
            cc = addr[-1]
        else:
            cc = code.get(addr[-1], "") if addr else ""
            if not cc:
                cc = known.get(p, "")
        words = " ".join(addr)
        if cc:
            words = (words + " " + cc).strip()
        rows[len(p)].append((regs[len(p)][0], p, org, words))
    # Debian's rows for the prefixes oui-data lacks, merged here once, so
    # that alfoil reads one registry at start-up instead of two
    have = {k: {r[1] for r in v} for k, v in rows.items()}
    merged = 0
    for k, (reg, fname) in regs.items():
        path = os.path.join(ddir, fname)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            for r in csv.reader(f):
                if len(r) < 3 or not r[0].startswith("MA-"):
                    continue
                p = r[1].strip().upper()
                if len(p) != k or p in have[k] or any(ch not in "0123456789ABCDEF" for ch in p):
                    continue
                words = r[3].strip() if len(r) > 3 else ""
                cc = known.get(p, "")
                if cc and not words.endswith(" " + cc):
                    words = (words + " " + cc).strip()
                rows[k].append((reg, p, r[2].strip(), words))
                have[k].add(p)
                merged += 1
    os.makedirs(outdir, exist_ok=True)
    for k, (reg, fname) in regs.items():
        tmp = os.path.join(outdir, fname + ".tmp")
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["Registry", "Assignment", "Organization Name", "Organization Address"])
            for r in sorted(rows[k], key=lambda r: r[1]):
                w.writerow(r)
        os.replace(tmp, os.path.join(outdir, fname))
    # oui.c reads this directory alone when MERGED says Debian's rows are in it
    with open(os.path.join(outdir, "MERGED"), "w", encoding="utf-8") as f:
        f.write(f"{merged} assignments from {ddir}\n")
    n = sum(len(v) for v in rows.values())
    with_cc = sum(1 for v in rows.values() for r in v if len(r[3]) >= 2 and r[3][-2:].isupper())
    print(f"oui-compile: {n} assignments ({len(rows[6])} MA-L, {len(rows[7])} MA-M, "
          f"{len(rows[9])} MA-S; {merged} of them from Debian's copy), {with_cc} with a country")


if __name__ == "__main__":
    main()
