#!/usr/bin/env bash
# Model check of the slot protocol with loom (bounded preemptions), in its own target
# directory so that `--cfg telemetry_loom` does not invalidate the ordinary build.
set -euo pipefail
cd "$(dirname "$0")/.."
RUSTFLAGS="--cfg telemetry_loom" LOOM_MAX_PREEMPTIONS=3 \
  cargo test --release --target-dir target/loom -p telemetry-runtime --test loom_slot
