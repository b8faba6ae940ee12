#!/bin/bash
# Interleaves cold and warmed-up runs, one process each: bash bench/figures/warmup.sh [repetitions]
cd "$(dirname "$0")/../.."
for rep in $(seq 1 "${1:-3}"); do
  for w in string-tick splay gcbench fragmenter; do
    for t in 1 2; do
      for mode in off on; do npx tsx bench/figures/warmup.ts "$w" "$t" "$mode"; done
    done
  done
done
