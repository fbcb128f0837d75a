#!/usr/bin/env bash
# The main job on the embedded example corpus: set up libtorch and the encoder on first use,
# build, segment the example wire stories and classify each sentence's stance toward targets.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
cargo build --release --quiet -p standpoint-cli
for f in tests/data/corpus/*.txt; do
  echo "== $f"
  ./target/release/standpoint classify --segment --target "a ceasefire" --target "concessions" "$f" |
    python3 scripts/show_stance.py
done
