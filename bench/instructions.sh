#!/usr/bin/env bash
# Instructions per operation of every emission case, ours and the peers', counted with
# callgrind (repeatable on a noisy machine). Only the measured loop is counted (after a
# warm-up), so set-up, calibration and exit do not enter the result; the loop's own
# cost and the payload read are in every row, as the baselines show.
# Usage: bench/instructions.sh [case-prefix] [iterations]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p telemetry-bench --example instructions
bin=target/release/examples/instructions
iterations=${2:-200000}
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no \
    --toggle-collect='instructions::measured' "$bin" "$1" "$iterations" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
cases=$( ("$bin" 2>&1 || true) | sed -n "s/^  //p")
printf '%-18s %10s\n' case instr/op
for case in $cases; do
  [[ -n "${1:-}" && "$case" != "$1"* ]] && continue
  total=$(count "$case")
  python3 -c "print('%-18s %10.1f' % ('$case', $total / $iterations))"
done
