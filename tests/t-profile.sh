#!/usr/bin/env bash
# MUD profiles: structure, round trip, deviations, invalid files.
exec python3 "$(dirname "$0")/captures/profile.py"
