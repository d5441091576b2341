#!/usr/bin/env bash
# History equivalence: captures recorded into the store, report --db --json
# against inspect --json of the same files (tests/captures/history.py).
exec python3 "$(dirname "$0")/captures/history.py"
