#!/usr/bin/env bash
# A hostile LAN host against DNS and DHCP attribution (issue 13): unsolicited
# DNS answers, name-cache flooding, DHCP from the wrong MAC, mDNS.
exec python3 "$(dirname "$0")/captures/hostile_dns.py"
