#!/usr/bin/env bash
# The runtime's `unsafe` code under Miri (nightly): the lock-free snapshots of dispatch
# and what they stand on, and the index read through them. One filter per module whose
# tests exercise `unsafe` code.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^miri'; then
  rustup component add --toolchain nightly miri rust-src
fi
filters=(
  snapshot::
  reclaim::
  barrier::
  registry::tests::the_index_
)
MIRIFLAGS="${MIRIFLAGS:-} -Zmiri-strict-provenance" \
  cargo +nightly miri test --target-dir target/miri -p telemetry-runtime --lib -- "${filters[@]}"
