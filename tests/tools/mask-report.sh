#!/bin/sh
# mask-report.sh [FILE...] - an alfoil inspect report (text, JSON or HTML)
# on standard output with the fields that depend on the machine or the day
# masked, so that two reports of the same packets compare equal:
#   - the program's version (JSON "version")
#   - the data sets' versions, dates, paths and fallbacks (JSON data_sets[],
#     the text and HTML "data: ..." line): the dates of the clouds,
#     signatures and infrastructure rules are their files' dates
#   - the tracker's memory figure (JSON capture.memory_bytes)
#   - the directory alfoil runs from, in paths to its data/ and share/
# Nothing else is touched: every packet-derived byte stays.
exec sed -E \
	-e 's/^  "version": "[^"]*"/  "version": "(masked)"/' \
	-e 's/^(      "(version|date|path|fallback)"): "[^"]*"/\1: "(masked)"/' \
	-e 's/^(    "memory_bytes"): [0-9]+/\1: 0/' \
	-e 's/^  data: .*/  data: (masked)/' \
	-e 's/(id="data-sets">)[^<]*</\1data: (masked)</' \
	-e 's#(/[A-Za-z0-9._+-]+)+/(data|share)/#ROOT/\2/#g' \
	"$@"
