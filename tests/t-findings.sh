#!/usr/bin/env bash
# Every detector fires on a capture made for it and stays quiet on a benign one.
exec python3 "$(dirname "$0")/captures/findings.py"
