#!/usr/bin/env bash
# The events of alfoil watch and `alfoil events`, from a capture made here:
# said once, the learning period summed, the same capture twice says
# nothing again, text made safe, JSON Lines.
exec python3 "$(dirname "$0")/captures/events.py"
