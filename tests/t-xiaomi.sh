#!/usr/bin/env bash
# Real Xiaomi traffic: miIO devices, mDNS names, *.io.mi.com destinations.
exec python3 "$(dirname "$0")/captures/xiaomi.py"
