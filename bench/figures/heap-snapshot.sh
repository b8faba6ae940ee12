#!/bin/bash
# The heap-snapshot figure of docs/heap-snapshots.md: bash bench/figures/heap-snapshot.sh [objects] [runs]
# Writes a sample snapshot of OBJECTS records to /tmp/gcsim-figures (kept for the next time), then
# reads it once and builds and fully marks it at threads 1 and 2, RUNS times each.
set -e
cd "$(dirname "$0")/../.."
objects=${1:-5000000}
file=/tmp/gcsim-figures/sample-$objects.heapsnapshot
mkdir -p /tmp/gcsim-figures
[ -f "$file" ] || npx tsx src/cli/main.ts sample-snapshot --objects "$objects" --out "$file"
node --expose-gc --import tsx bench/figures/heap-snapshot.ts "$file" "${2:-3}"
