#!/usr/bin/env bash
# What each real device is: kind, brand, chip, confidence, evidence.
exec python3 "$(dirname "$0")/captures/identify.py"
