#!/usr/bin/env bash
# Zeek DHCP traces against Zeek's baselines.
exec python3 "$(dirname "$0")/captures/zeek_dhcp.py"
