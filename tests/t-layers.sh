#!/usr/bin/env bash
# Which folder of src/ may include which: the table of docs/internals.md
# ("The big picture"), checked against every #include "folder/file.h".
# An entry is a folder (any of its headers) or one header; a file of its
# own may have an exception (file:header).
set -u
. "$(dirname "$0")/lib.sh"

declare -A may=(
	[lib]=""
	[capture]="lib"
	[decode]="lib"
	[intel]="lib"
	[reasm]="decode lib"
	[track]="decode lib"
	[engine]="capture decode reasm track lib"
	[analyze]="track decode intel lib policy/mud.h"
	[policy]="lib"
	[output]="analyze intel lib"
	[store]="analyze output intel track lib"
	[enforce]="analyze policy lib"
)
# mud_learn.c makes a profile from the records; mud.h itself stays below analyze/
except="policy/mud_learn.c:analyze/report.h"

# violations SRC: every include of SRC's folders outside the table, one a line
violations() {
	local src=$1 d f inc dir ok a
	for d in "${!may[@]}"; do
		[ -d "$src/$d" ] || continue
		for f in "$src/$d"/*.[ch]; do
			[ -e "$f" ] || continue
			for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z_]*\/[A-Za-z0-9_.]*\)".*/\1/p' "$f"); do
				dir=${inc%%/*}
				[ "$dir" = "$d" ] && continue
				ok=0
				for a in ${may[$d]}; do
					if [ "$a" = "$dir" ] || [ "$a" = "$inc" ]; then ok=1; fi
				done
				for a in $except; do
					[ "$a" = "$d/${f##*/}:$inc" ] && ok=1
				done
				[ $ok = 1 ] || echo "${f#"$src"/} includes $inc"
			done
		done
	done
}

# the checker itself finds a violation, and lets the allowed pass
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/decode" "$work/policy" "$work/analyze"
printf '#include "lib/addr.h"\n#include "track/tracker.h"\n' >"$work/decode/x.c"
printf '#include "analyze/report.h"\n' >"$work/policy/mud_learn.c"
printf '#include "analyze/report.h"\n' >"$work/policy/mud.h"
printf '#include "policy/mud.h"\n#include "policy/other.h"\n' >"$work/analyze/y.c"
got=$(violations "$work" | sort | tr '\n' ';')
want="analyze/y.c includes policy/other.h;decode/x.c includes track/tracker.h;policy/mud.h includes analyze/report.h;"
if [ "$got" = "$want" ]; then ok "the checker finds the three includes outside the table of a made-up tree, and only those"
else not_ok "the checker finds the three includes outside the table of a made-up tree, and only those" "got: $got"; fi

# every folder of the build is in the table
layers=$(sed -n 's/^LAYERS *:= *//p' "$ROOT/Makefile")
missing=""
for d in $layers; do [ -n "${may[$d]+x}" ] || missing="$missing $d"; done
if [ -n "$layers" ] && [ -z "$missing" ]; then ok "every folder of the Makefile's LAYERS ($layers) has its row"
else not_ok "every folder of the Makefile's LAYERS has its row" "LAYERS '$layers', missing:$missing"; fi

# and src/ keeps to it
bad=$(violations "$ROOT/src")
n=$(grep -rhc '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]*/' "$ROOT/src" | awk '{s += $1} END {print s + 0}')
if [ -z "$bad" ] && [ "$n" -gt 100 ]; then ok "src/: all $n includes of another folder keep to the table"
else not_ok "src/: every include of another folder keeps to the table ($n seen)" "$bad"; fi
tap_end
