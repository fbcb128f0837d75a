#!/usr/bin/env bash
# The main job on the embedded example corpus: build, then segment the example wire stories.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release --quiet -p standpoint-cli
for f in tests/data/corpus/*.txt; do
  echo "== $f"
  ./target/release/standpoint segment "$f"
done
