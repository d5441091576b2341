#!/usr/bin/env bash
# `alfoil watch` on a full disk, for real: the database on a tmpfs made
# here (3 MiB), filled with a file but for 96 KiB. A stream (a FIFO whose
# writer stays) is read into it: every commit fails with "database or disk
# is full", is logged and tried again backing off, and the run goes on;
# once the filler is gone, SIGTERM's last commit writes everything (every
# byte of the file, as inspect counts it) and the file is whole
# (integrity_check). Then a backfill (-r FILE) whose every commit fails:
# exit 1, said, the file still whole, and run again with room it reads the
# file from the start (its position was never committed) and counts each
# packet once. Needs root (mount); the tmpfs is unmounted at exit.
set -u
. "$(dirname "$0")/lib.sh"

need_captures "watch on a full disk"
A=$CAPTURES/iot-sentinel/HueBridge/Setup-A-1-STA.pcap
if [ ! -r "$A" ]; then
	skip "watch on a full disk" "$A is absent"
	tap_end; exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v sqlite3 >/dev/null; then
	skip "watch on a full disk" "needs root (to mount a tmpfs) and the sqlite3 shell"
	tap_end; exit 0
fi
work=$(mktemp -d)
m=$work/m
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
	[ -n "${feeder:-}" ] && kill "$feeder" 2>/dev/null
	wait 2>/dev/null
	mountpoint -q "$m" && { umount "$m" 2>/dev/null || umount -l "$m"; }
	rm -rf "$work"
}
trap cleanup EXIT
mkdir "$m"
if ! mount -t tmpfs -o size=3m tmpfs "$m"; then
	skip "watch on a full disk" "mount -t tmpfs failed (a container without CAP_SYS_ADMIN?)"
	tap_end; exit 0
fi
W() { "$ALFOIL" watch --config /dev/null "$@"; }
q() { sqlite3 -batch -noheader "$1" "$2" 2>&1; }
tot() { q "$1" "SELECT device || ' ' || SUM(bytes_out) || ' ' || SUM(bytes_in) FROM device_hours GROUP BY device" | sort; }
"$ALFOIL" inspect --json "$A" >"$work/a.json" 2>/dev/null
want=$(jq -r '.devices[] | "\(.id) \(.bytes_out) \(.bytes_in)"' "$work/a.json" | sort)

# all but 96 KiB of the tmpfs taken
fill() {
	local free
	free=$(df -k --output=avail "$m" | tail -1)
	dd if=/dev/zero of="$m/filler" bs=4k count=$(((free - 96) / 4)) 2>/dev/null
}

# --- a stream: commits fail, the run goes on, the last one writes it all ---
head -c 24 "$A" >"$work/empty.pcap"
W -r "$work/empty.pcap" --db "$m/h.db" 2>/dev/null # the schema, while there is room
fill
check "the tmpfs is full but for 96 KiB" test "$(df -k --output=avail "$m" | tail -1)" -le 100
mkfifo "$work/fifo"
{ cat "$A"; sleep 120; } >"$work/fifo" &
feeder=$!
"$ALFOIL" watch --config /dev/null -r "$work/fifo" --db "$m/h.db" 2>"$work/s.err" &
pid=$!
for _ in $(seq 50); do grep -q "commit failed (3 in a row)" "$work/s.err" && break; sleep 0.2; done
if grep -q "warn: commit failed (1 in a row): $m/h.db: .*database or disk is full; trying again in 10 s of packet time" \
	"$work/s.err" && grep -q "warn: commit failed (2 in a row): .*full; trying again in 20 s" "$work/s.err"; then
	ok "disk full: each failed commit logged (the error named), the next tried later, backing off"
else not_ok "disk full: each failed commit logged (the error named), the next tried later, backing off" \
	"$(cat "$work/s.err")"; fi
check "and watch is still running" kill -0 $pid
rm -f "$m/filler"
kill -TERM $pid
wait $pid
rc=$?
pid=
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null; feeder=
if [ $rc -eq 0 ]; then ok "room again, SIGTERM: exit 0"; else not_ok "room again, SIGTERM: exit 0 (rc $rc)" "$(cat "$work/s.err")"; fi
check "the last commit wrote everything the failed ones had not" test "$(tot "$m/h.db")" = "$want"
check "integrity_check ok" test "$(q "$m/h.db" 'PRAGMA integrity_check')" = ok
check "one new-device event per device, no more" \
	test "$(q "$m/h.db" "SELECT COUNT(*) FROM events WHERE kind = 'new-device'")" = "$(jq '.devices | length' "$work/a.json")"

# --- a backfill whose every commit fails: exit 1, then run again ---
rm -f "$m"/b.db*
W -r "$work/empty.pcap" --db "$m/b.db" 2>/dev/null
fill
W -r "$A" --db "$m/b.db" 2>"$work/b.err"
rc=$?
check "a backfill on a full disk: exit 1 ($(tail -1 "$work/b.err" | cut -c1-100))" test $rc -eq 1
check "said: the last commit failed, the database named" grep -q "error: the last commit failed: .* not in $m/b.db" "$work/b.err"
check "the file is whole all the same" test "$(q "$m/b.db" 'PRAGMA integrity_check')" = ok
check "nothing of it committed (its position neither)" test "$(q "$m/b.db" 'SELECT COUNT(*) FROM inputs')" = 0
rm -f "$m/filler"
W -r "$A" --db "$m/b.db" 2>"$work/b2.err"
check "run again with room: exit 0" test $? -eq 0
check "read from the start, each packet once: inspect's bytes" test "$(tot "$m/b.db")" = "$want"
tap_end
