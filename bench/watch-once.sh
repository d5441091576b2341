#!/bin/sh
# watch-once.sh DB PCAP - one `alfoil watch -r` of the bench capture into a
# new database (run-bench.sh times it beside inspect): retention long
# enough for a capture that spans years (packet time is the clock).
rm -f "$1" "$1-wal" "$1-shm"
exec ./alfoil watch --log-level warn --keep-days 36500 --keep-names 36500 --db "$1" -r "$2"
