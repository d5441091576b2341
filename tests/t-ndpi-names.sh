#!/usr/bin/env bash
# nDPI's traces: server names and TLS fingerprints agree with ndpiReader's.
exec python3 "$(dirname "$0")/captures/ndpi_names.py"
