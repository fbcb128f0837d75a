#!/usr/bin/env bash
# The whole test suite, from a fresh machine: format and lint gates, then every test.
# Segmentation quality gates (golden rules, pragmatic_segmenter spec, UD GUM dev) run inside
# `cargo test`, reading ../shared/data in place (override with STANDPOINT_SHARED_DATA).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test"
cargo test --workspace
echo "== all tests passed"
