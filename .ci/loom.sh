#!/usr/bin/env bash
# Model checks with loom (bounded preemptions) of the slot protocol and of the dispatch
# snapshots' read sections, in their own target directory so that `--cfg telemetry_loom`
# does not invalidate the ordinary build.
set -euo pipefail
cd "$(dirname "$0")/.."
RUSTFLAGS="--cfg telemetry_loom" LOOM_MAX_PREEMPTIONS=3 \
  cargo test --release --target-dir target/loom -p telemetry-runtime \
  --test loom_slot --test loom_snapshot
