#!/usr/bin/env bash
# Names from packets with C1 controls and bidi overrides never reach a report
# raw; a non-UTF-8 file name keeps its JSON entry; --fail-on wins over a bad
# input; NAT64/6to4/Teredo destinations get the IPv4 address's country.
exec python3 "$(dirname "$0")/captures/hostile_text.py"
