#!/bin/bash
# Interleaves cold, warmed-up and V8 runs, one process each: bash bench/figures/warmup.sh [repetitions]
# WARMUP_MODES="on hot v8" picks the modes (default: off on v8; see bench/figures/warmup.ts).
cd "$(dirname "$0")/../.."
for rep in $(seq 1 "${1:-3}"); do
  for w in string-tick splay gcbench fragmenter; do
    for t in 1 2; do
      for mode in ${WARMUP_MODES:-off on v8}; do npx tsx bench/figures/warmup.ts "$w" "$t" "$mode"; done
    done
  done
done
