#!/usr/bin/env bash
# IoT Sentinel devices: found by MAC, right maker, DHCP names, HTTP hosts.
exec python3 "$(dirname "$0")/captures/iot_sentinel.py"
