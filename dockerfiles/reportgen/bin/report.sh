#!/bin/sh
# Summarise a JSON list of build results with jq (the apt example).
set -eu
jq -r '"builds: \(length), failed: \([.[] | select(.ok | not)] | length)"' "$1"
