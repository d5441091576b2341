#!/usr/bin/env bash
# `alfoil watch -r`: real captures into a database made here, read back
# with the sqlite3 shell. Checked: the devices and their bytes (device_hours,
# and dest_hours summed per device) equal what `inspect --json` says of the
# same files; two files in two runs into one database give the totals of
# one run over both; the same file twice gives no second 'new device' (the
# history is read back at start) and twice the bytes; SIGTERM on a run that
# waits for input commits what was read and exits 0; SIGUSR1 writes the
# report file (inspect's JSON schema); SIGHUP reads the config file again
# (a mistake in it is logged and the run goes on); the config file: keys
# as long options, the flag beats the file, errors name FILE:LINE and the
# key with a suggestion; a --config that is not there is an error.
set -u
. "$(dirname "$0")/lib.sh"

need_captures "watch -r over real captures"
if ! command -v sqlite3 >/dev/null; then
	skip "watch -r" "no sqlite3 shell (scripts/setup.sh)"
	tap_end; exit 0
fi
A=$CAPTURES/iot-sentinel/HueBridge/Setup-A-1-STA.pcap
B=$CAPTURES/iot-sentinel/EdimaxPlug1101W/Setup-A-1-STA.pcap
for f in "$A" "$B"; do
	if [ ! -r "$f" ]; then
		skip "watch -r over real captures" "$f is absent"
		tap_end; exit 0
	fi
done
work=$(mktemp -d)
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
	[ -n "${feeder:-}" ] && kill "$feeder" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
W() { "$ALFOIL" watch --config /dev/null "$@"; }
q() { sqlite3 -batch -noheader "$1" "$2" 2>&1; }

# --- one file: devices and bytes as inspect counts them ---
W -r "$A" --db "$work/a.db" 2>"$work/a.err"
rc=$?
check "watch -r FILE --db: exit 0 ($(tail -1 "$work/a.err"))" test $rc -eq 0
"$ALFOIL" inspect --json "$A" >"$work/a.json" 2>/dev/null
check "integrity_check ok" test "$(q "$work/a.db" 'PRAGMA integrity_check')" = ok
check "PRAGMA user_version 5" test "$(q "$work/a.db" 'PRAGMA user_version')" = 5
want=$(jq -r '.devices[].id' "$work/a.json" | sort)
got=$(q "$work/a.db" 'SELECT id FROM devices ORDER BY id' | sort)
if [ -n "$want" ] && [ "$want" = "$got" ]; then ok "the devices are inspect's ($(echo "$got" | wc -l))"
else not_ok "the devices are inspect's" "inspect: $want; db: $got"; fi
want=$(jq -r '.devices[] | "\(.id) \(.bytes_out) \(.bytes_in) \(.packets_out) \(.packets_in)"' "$work/a.json" | sort)
got=$(q "$work/a.db" "SELECT device || ' ' || SUM(bytes_out) || ' ' || SUM(bytes_in) || ' ' || SUM(pkts_out) || ' ' ||
	SUM(pkts_in) FROM device_hours GROUP BY device" | sort)
if [ "$want" = "$got" ]; then ok "device_hours sums: each device's bytes and packets out and in as inspect's"
else not_ok "device_hours sums: each device's bytes and packets out and in as inspect's" "inspect:
$want
db:
$got"; fi
want=$(jq -r '.devices[] | "\(.id) \([.destinations[].bytes_up] | add // 0) \([.destinations[].bytes_down] | add // 0) \([.destinations[].flows] | add // 0)"' "$work/a.json" | sort)
got=$(q "$work/a.db" "SELECT d.id || ' ' || IFNULL(SUM(h.bytes_up), 0) || ' ' || IFNULL(SUM(h.bytes_down), 0) || ' ' ||
	IFNULL(SUM(h.flows), 0) FROM devices d LEFT JOIN dest_hours h ON h.device = d.id GROUP BY d.id" | sort)
if [ "$want" = "$got" ]; then ok "dest_hours sums per device: bytes up, down and flows as inspect's destinations"
else not_ok "dest_hours sums per device: bytes up, down and flows as inspect's destinations" "inspect:
$want
db:
$got"; fi
n=$(jq '.devices | length' "$work/a.json")
check "one 'new device' info line per device ($n)" test "$(grep -c ': info: new device ' "$work/a.err")" -eq "$n"
check "one new-device event per device" test "$(q "$work/a.db" "SELECT COUNT(*) FROM events WHERE kind = 'new-device'")" -eq "$n"
if grep -q "new device 00:17:88:24:76:ff (Philips Lighting BV)" "$work/a.err"; then ok "the new device line names the maker"
else not_ok "the new device line names the maker" "$(grep 'new device' "$work/a.err")"; fi
steps=$(grep -o '[0-9]* steps, [0-9]* commits' "$work/a.err" | tail -1)
check "-r: a step per hour of packet time, a commit per 10 s of the wall clock (2 minutes: $steps)" \
	test "$steps" = "1 steps, 1 commits"
W -r "$A" --db "$work/a10.db" --dest-idle 10s 2>"$work/a10.err"
steps=$(grep -o '[0-9]* steps, [0-9]* commits' "$work/a10.err" | tail -1)
check "-r --dest-idle 10s: a step every 10 s of packet time, before a destination goes ($steps)" \
	test "${steps%% *}" -ge 11 -a "${steps%% *}" -le 13
check "the steps of a run of seconds: one commit ($steps)" test "${steps#*, }" = "1 commits"
# ALFOIL_TIMES=1 (make bench): where the time went, the worker's phases
# adding up to no more than the whole run
rm -f "$work/t.db"*
times=$(ALFOIL_TIMES=1 W -r "$A" --db "$work/t.db" --dest-idle 10s 2>&1 | grep ': times (ms): ')
if echo "$times" | awk -F'[ ,;]+' '{ for (i = 1; i <= NF; i++) v[$i] = $(i + 1); all = v["all"]
	w = v["report"] + v["findings"] + v["steps"] + v["commits"]
	exit !(all > 0 && v["report"] > 0 && v["steps"] > 0 && w <= all && v["worker"] <= all) }'
then ok "ALFOIL_TIMES=1: the run's phases, the worker's within the whole ($times)"
else not_ok "ALFOIL_TIMES=1: the run's phases, the worker's within the whole" "$times"; fi
want=$(jq -r '.devices[] | "\(.id) \(.bytes_out) \(.bytes_in)"' "$work/a.json" | sort)
got=$(q "$work/a10.db" "SELECT device || ' ' || SUM(bytes_out) || ' ' || SUM(bytes_in) FROM device_hours GROUP BY device" | sort)
check "and the same bytes per device as inspect" test "$want" = "$got"

check "names: every resolution with its TTL" test "$(q "$work/a.db" 'SELECT COUNT(*) FROM names WHERE ttl IS NULL')" = 0
# the answer in the capture (tshark: dns.resp.ttl 2424 for this A record)
check "names: the TTL of the answer (www.ecdinterface.philips.com 162.13.31.14: 2424 s)" \
	test "$(q "$work/a.db" "SELECT ttl FROM names WHERE name = 'www.ecdinterface.philips.com' AND addr = '162.13.31.14'")" = 2424

# --- the same file again into the same database ---
W -r "$A" --db "$work/a.db" 2>"$work/a2.err"
check "a second run into the database: exit 0" test $? -eq 0
check "no 'new device' the second time (known from the database)" test "$(grep -c ': info: new device ' "$work/a2.err")" -eq 0
check "the second run read the devices back ('$n devices known')" grep -q "$n devices known" "$work/a2.err"
check "still one new-device event per device" test "$(q "$work/a.db" "SELECT COUNT(*) FROM events WHERE kind = 'new-device'")" -eq "$n"
want=$(jq -r '.devices[] | "\(.id) \(.bytes_out) \(.bytes_in)"' "$work/a.json" | sort)
got=$(q "$work/a.db" "SELECT device || ' ' || SUM(bytes_out) || ' ' || SUM(bytes_in) FROM device_hours GROUP BY device" | sort)
if [ "$want" = "$got" ]; then ok "the file again: skipped (the database has it), each device's bytes as once"
else not_ok "the file again: skipped (the database has it), each device's bytes as once" "want:
$want
db:
$got"; fi
pk=$(jq '.capture.packets' "$work/a.json")
check "the second run says it skipped the file's $pk packets" grep -q "info: $pk packets skipped: read before" "$work/a2.err"
check "the inputs table: the file's fingerprint and its $pk packets" \
	test "$(q "$work/a.db" "SELECT length(fingerprint) || ' ' || packets || ' ' || (name = '$A') FROM inputs")" = "16 $pk 1"
# a file that grew since (the first half read, then all of it): the second
# run reads what was added, the totals are one run's
head -c 100000 "$A" >"$work/half.pcap"
W -r "$work/half.pcap" --db "$work/grow.db" 2>/dev/null
cp "$A" "$work/half.pcap"
W -r "$work/half.pcap" --db "$work/grow.db" 2>"$work/grow.err"
got=$(q "$work/grow.db" "SELECT device || ' ' || SUM(bytes_out) || ' ' || SUM(bytes_in) FROM device_hours GROUP BY device" | sort)
check "a file that grew: its new packets only, the totals of one run" test "$want" = "$got"
check "and its position is the whole file's ($pk packets)" test "$(q "$work/grow.db" "SELECT packets FROM inputs")" = "$pk"


# --- two files in two runs = one run over both ---
W -r "$A" "$B" --db "$work/ab.db" 2>"$work/ab.err"
check "watch -r A B: exit 0" test $? -eq 0
W -r "$A" --db "$work/two.db" 2>/dev/null && W -r "$B" --db "$work/two.db" 2>/dev/null
check "watch -r A; watch -r B: exit 0" test $? -eq 0
# hours and the days older hours were rolled up into (--rollup-after 7: B
# is older than A by weeks, and it is the engine's time that ages them)
tot() { q "$1" "SELECT device || ' ' || SUM(bytes_out) || ' ' || SUM(bytes_in) || ' ' || SUM(pkts_out) FROM
	(SELECT device, bytes_out, bytes_in, pkts_out FROM device_hours UNION ALL
	 SELECT device, bytes_out, bytes_in, pkts_out FROM device_days) GROUP BY device ORDER BY device"; }
# each destination too, but for the DHCP broadcast: its flow (0.0.0.0:68 ->
# 255.255.255.255:67, no address to tell the devices apart) is the first
# device's while it is not idle, and one run goes on from A's flow into B
# where two runs start afresh (the tracker's, inspect A B says the same)
dtot() { q "$1" "SELECT device || ' ' || addr || ' ' || proto || ' ' || port || ' ' || SUM(bytes_up) || ' ' || SUM(bytes_down)
	FROM (SELECT device, addr, proto, port, inbound, bytes_up, bytes_down FROM dest_hours UNION ALL
	      SELECT device, addr, proto, port, inbound, bytes_up, bytes_down FROM dest_days)
	WHERE addr <> '255.255.255.255' GROUP BY device, addr, proto, port, inbound ORDER BY 1"; }
if [ -n "$(tot "$work/ab.db")" ] && [ "$(tot "$work/ab.db")" = "$(tot "$work/two.db")" ]; then
	ok "two runs give each device the totals of one run over both"
else not_ok "two runs give each device the totals of one run over both" "one: $(tot "$work/ab.db")
two: $(tot "$work/two.db")"; fi
# B (June) then A (September) in one run: packet time jumps by months,
# and nothing idle may be forgotten before the commit that follows (-r
# expires nothing by default)
W -r "$B" "$A" --db "$work/ba.db" 2>/dev/null
if [ "$(tot "$work/ba.db")" = "$(tot "$work/two.db")" ]; then ok "packet time jumping months forward between files loses nothing"
else not_ok "packet time jumping months forward between files loses nothing" "one: $(tot "$work/ba.db")
two: $(tot "$work/two.db")"; fi
if [ "$(dtot "$work/ab.db")" = "$(dtot "$work/two.db")" ]; then ok "and each destination its totals"
else not_ok "and each destination its totals" "$(diff <(dtot "$work/ab.db") <(dtot "$work/two.db") | head -20)"; fi

# --- signals on a run that waits for input (a FIFO kept open) ---
mkfifo "$work/fifo"
{ cat "$A"; sleep 120; } >"$work/fifo" &
feeder=$!
"$ALFOIL" watch --config /dev/null -r "$work/fifo" --db "$work/sig.db" --report-file "$work/now.json" --log-level debug 2>"$work/sig.err" &
pid=$!
# until the engine has taken what it will (no commit for a second)
last=-1
for _ in $(seq 30); do
	c=$(grep -c "commit " "$work/sig.err")
	[ "$c" -gt 0 ] && [ "$c" = "$last" ] && break
	last=$c
	sleep 1
done
kill -USR1 $pid
kill -HUP $pid
sleep 1
t0=$(date +%s)
kill -TERM $pid
wait $pid
rc=$?
t1=$(date +%s)
pid=
check "SIGTERM while waiting for packets (the writer still there): exit 0 ($(grep -c 'commit ' "$work/sig.err") commits)" test $rc -eq 0
check "and at once, not when the writer goes ($((t1 - t0)) s)" test $((t1 - t0)) -le 3
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null; feeder=
want=$(jq -r '.devices[] | "\(.id) \(.bytes_out) \(.bytes_in)"' "$work/a.json" | sort)
got=$(q "$work/sig.db" "SELECT device || ' ' || SUM(bytes_out) || ' ' || SUM(bytes_in) FROM device_hours GROUP BY device" | sort)
check "a FIFO is read as it comes: every byte of the file in the database, the writer still there" test "$want" = "$got"
check "a FIFO: a commit every 10 s of packet time, as live (a 2-minute file: $(grep -c 'debug: commit ' "$work/sig.err"))" \
	test "$(grep -c 'debug: commit ' "$work/sig.err")" -ge 10
gzip -c "$A" | W -r - --db "$work/gz.db" 2>"$work/gz.err"
got=$(q "$work/gz.db" "SELECT device || ' ' || SUM(bytes_out) || ' ' || SUM(bytes_in) FROM device_hours GROUP BY device" | sort)
check "gzip on standard input: decompressed as it comes, inspect's bytes" test "$want" = "$got"
pk=$(jq '.capture.packets' "$work/a.json")
gzpk=$({ head -c 50000 "$A" | gzip -c; tail -c +50001 "$A" | gzip -c; echo garbage; } | "$ALFOIL" inspect --json - 2>/dev/null |
	jq '.capture.packets')
check "standard input: gzip members one after the other, then bytes that are not gzip (ignored, as in a file): $pk packets" \
	test "$gzpk" = "$pk"
head -c 30000 "$A" | gzip -c | head -c 9000 | W -r - --db "$work/gzcut.db" 2>"$work/gzcut.err"
check "gzip cut short on standard input: exit 3, said, what came before kept" \
	test $? -eq 3 -a -n "$(grep 'standard input: packet .*compressed data cut short' "$work/gzcut.err")" -a \
	"$(q "$work/gzcut.db" 'SELECT COUNT(*) > 0 FROM device_hours')" = 1
want=$(jq -r '.devices[].id' "$work/a.json" | sort)
check "the last commit is in the database (every device of the file)" test "$(q "$work/sig.db" 'SELECT id FROM devices ORDER BY id' | sort)" = "$want"
# what the engine had tracked at SIGTERM is the final snapshot's report,
# which SIGUSR1 (sent before, no snapshot since: no packet moved the
# clock) wrote: the database holds all of it (all of the file: a stream's
# packets are handed on as they come).
got=$(q "$work/sig.db" "SELECT device || ' ' || SUM(bytes_out) || ' ' || SUM(bytes_in) FROM device_hours GROUP BY device" | sort)
want=$(jq -r '.devices[] | "\(.id) \(.bytes_out) \(.bytes_in)"' "$work/now.json" 2>/dev/null | sort)
if [ -n "$got" ] && [ "$got" = "$want" ]; then ok "the last commit holds every byte tracked at SIGTERM (the report's)"
else not_ok "the last commit holds every byte tracked at SIGTERM (the report's)" "db:
$got
report:
$want"; fi
if jq -e --arg s "$(jq -r .schema "$work/a.json")" '.schema == $s and (.devices | length) > 0' "$work/now.json" >/dev/null 2>&1; then
	ok "SIGUSR1: the report file is written, inspect's schema, with the devices"
else not_ok "SIGUSR1: the report file is written, inspect's schema, with the devices" "$(ls -la "$work"; cat "$work/sig.err")"; fi
check "SIGUSR1 is logged" grep -q "info: report of [0-9]* devices written to $work/now.json" "$work/sig.err"
check "SIGHUP: the config and rules read again, logged" grep -q "info: SIGHUP: .* read again" "$work/sig.err"
check "no temporary report file left" test -z "$(ls "$work" | grep '\.tmp$')"

# SIGHUP with a mistake in the config file: logged, the run goes on
printf 'log-level = info\n' >"$work/c.conf"
{ cat "$A"; sleep 120; } >"$work/fifo" &
feeder=$!
"$ALFOIL" watch -r "$work/fifo" --db "$work/sig2.db" --config "$work/c.conf" 2>"$work/sig2.err" &
pid=$!
for _ in $(seq 100); do grep -q "new device" "$work/sig2.err" && break; sleep 0.1; done
printf 'log-level = info\ncomit-interval = 5\n' >"$work/c.conf"
kill -HUP $pid
sleep 0.5
kill -TERM $pid
wait $pid
rc=$?
pid=
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null; feeder=
check "SIGHUP with a bad config: the run goes on, exit 0 at SIGTERM" test $rc -eq 0
if grep -q "error: SIGHUP: $work/c.conf:2: unknown key 'comit-interval'; did you mean 'commit-interval'?; the settings stay" "$work/sig2.err"; then
	ok "and the mistake is logged with FILE:LINE, the key and a suggestion"
else not_ok "and the mistake is logged with FILE:LINE, the key and a suggestion" "$(cat "$work/sig2.err")"; fi

# --- a commit that fails: the database locked by another writer for longer
# than the busy timeout (5 s); logged, tried again with backoff, and once
# the lock is gone every delta is written (none of the failed ones lost) ---
W -r "$B" --db "$work/lock.db" 2>/dev/null
if command -v python3 >/dev/null; then
	python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(12)
c.execute("COMMIT")' "$work/lock.db" >"$work/lock.out" &
	locker=$!
	for _ in $(seq 50); do grep -q locked "$work/lock.out" && break; sleep 0.1; done
	W -r "$A" --db "$work/lock.db" --dest-idle 10s 2>"$work/lock.err"
	rc=$?
	wait $locker
	check "the database locked: watch survives, exit 0" test $rc -eq 0
	if grep -q "warn: commit failed (1 in a row): .*locked.*; trying again in 10 s of packet time" "$work/lock.err" &&
		grep -q "warn: commit failed (2 in a row): .*; trying again in 20 s of packet time" "$work/lock.err"; then
		ok "each failed commit is logged, the next try backing off"
	else not_ok "each failed commit is logged, the next try backing off" "$(cat "$work/lock.err")"; fi
	# B then A (the lock) against A and B in one run (no lock), hours and
	# the days they were rolled up into (B is older than A by weeks)
	want=$(tot "$work/ab.db")
	got=$(tot "$work/lock.db")
	if [ "$want" = "$got" ]; then ok "after the lock, the deltas of the failed commits are written too"
	else not_ok "after the lock, the deltas of the failed commits are written too" "want:
$want
db:
$got"; fi
else
	skip "a locked database" "no python3 to hold the lock"
fi

# --- the config file ---
printf '# watch\nread = %s\ndb = %s\ncommit-interval = 30   # seconds\nlog-level = warn\n' "$A" "$work/file.db" >"$work/w.conf"
"$ALFOIL" watch --config "$work/w.conf" 2>"$work/w.err"
check "inputs and db from the config file: exit 0" test $? -eq 0
check "the file's db used" test "$(q "$work/file.db" 'SELECT COUNT(*) FROM devices')" -eq "$n"
check "log-level = warn: no info lines" test "$(grep -c ': info: ' "$work/w.err")" -eq 0
"$ALFOIL" watch --config "$work/w.conf" --db "$work/flag.db" --log-level info 2>"$work/w2.err"
check "the flag beats the file: --db" test "$(q "$work/flag.db" 'SELECT COUNT(*) FROM devices')" -eq "$n"
check "the flag beats the file: --log-level" grep -q ": info: " "$work/w2.err"
"$ALFOIL" watch --config "$work/w.conf" -r "$B" --db "$work/flagr.db" 2>/dev/null
got=$(q "$work/flagr.db" "SELECT COUNT(*) FROM devices WHERE id = '00:17:88:24:76:ff'")
check "-r on the command line replaces the file's inputs" test "$got" = 0

bad() { # bad DESCRIPTION TEXT EXPECTED
	printf '%b' "$2" >"$work/bad.conf"
	out=$("$ALFOIL" watch --config "$work/bad.conf" -r "$A" --db "$work/bad.db" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && printf '%s' "$out" | grep -qF -- "$3" && [ ! -e "$work/bad.db" ]; then ok "$1"
	else not_ok "$1" "rc=$rc: $out"; fi
}
bad "a mistyped key: FILE:LINE, did you mean, exit 1, nothing made" 'db = x\ncommit-intervall = 5\n' \
	"alfoil watch: $work/bad.conf:2: unknown key 'commit-intervall'; did you mean 'commit-interval'?"
bad "a bad value: FILE:LINE: KEY: why" 'commit-interval = often\n' \
	"$work/bad.conf:1: commit-interval: 'often' is not a number from 1 to 86400"
bad "a line that is not key = value" '\n\ninterface eth0\n' "$work/bad.conf:3: not 'key = value'"
bad "config inside a config file is refused" 'config = /etc/x\n' "'config' cannot be set in a config file"
bad "a yes/no key with another value" 'enforce = maybe\n' "$work/bad.conf:1: enforce: 'maybe' is not yes or no"
bad "log-level checked" 'log-level = loud\n' "$work/bad.conf:1: log-level: 'loud' is not error, warn, info or debug"
out=$("$ALFOIL" watch --config "$work/none.conf" -r "$A" --db "$work/none.db" 2>&1)
rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -qF "$work/none.conf: No such file or directory"; then ok "a --config that is not there: exit 1, named"
else not_ok "a --config that is not there: exit 1, named" "rc=$rc: $out"; fi
out=$("$ALFOIL" watch --config /dev/null --db "$work/x.db" 2>&1)
check "no input: exit 1, says -i or -r" test $? -eq 1 -a -n "$(echo "$out" | grep -- '-i IFACE')"
out=$("$ALFOIL" watch --config /dev/null -r "$A" --commit-intervl 5 2>&1)
check "a mistyped flag: did you mean" test -n "$(echo "$out" | grep "did you mean '--commit-interval'")"
out=$("$ALFOIL" watch --config /dev/null -r "$A" --db /nonexistent/dir/a.db 2>&1)
check "a database that cannot be made: exit 1, the path named" test $? -eq 1 -a -n "$(echo "$out" | grep /nonexistent/dir/a.db)"
help=$("$ALFOIL" watch --help)
check "--help: exit 0, every option, the signals and the config file" test $? -eq 0 -a \
	-n "$(echo "$help" | grep -- '--commit-interval SEC')" -a -n "$(echo "$help" | grep SIGUSR1)" -a \
	-n "$(echo "$help" | grep 'key = value')"
check "alfoil help watch" test "$("$ALFOIL" help watch | head -1)" = "$(echo "$help" | head -1)"
tap_end
