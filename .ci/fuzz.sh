#!/usr/bin/env bash
# Runs each fuzz target of the catalogue (catalog/fuzz) for a bounded time,
# failing on a crash, a timeout or a leak. FUZZ_SECONDS sets the time per
# target (default 60). Needs the nightly toolchain; skipped without it.
# The saved corpus is only read: new inputs go to a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "== fuzz: SKIPPED, no nightly toolchain (install it with: rustup toolchain install nightly)"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "== cargo install cargo-fuzz"
  cargo +nightly install cargo-fuzz --locked
fi

cd catalog
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for target in $(cargo +nightly fuzz list); do
  echo "== cargo +nightly fuzz run $target (${seconds} s)"
  mkdir -p "$work/$target"
  # A single input taking over 10 s is a failure too: checks must stay linear.
  cargo +nightly fuzz run "$target" "$work/$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10
done
