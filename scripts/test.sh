#!/usr/bin/env bash
# The whole test suite, from a fresh machine: sets up libtorch and the default encoder on first
# use, then the format and lint gates, the model-free crates without libtorch, and every test.
# Segmentation quality gates (golden rules, pragmatic_segmenter spec, UD GUM dev) run inside
# `cargo test`, reading ../shared/data in place (override with STANDPOINT_SHARED_DATA).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
echo "== model-free crates build and test without libtorch"
(unset LIBTORCH; cargo test -p standpoint-types -p standpoint-segment -p standpoint-attribute -p standpoint-aggregate -p standpoint-validate -p standpoint-pipeline -p standpoint-report -p standpoint-stance --no-default-features --quiet)
echo "== setup (libtorch + encoder, first run only)"
source scripts/env.sh
echo "== the larger encoder all-mpnet-base-v2 (first run only)"
bash scripts/setup-mpnet.sh
echo "== ppi-python agrees with the stored reference values (installs it on first run)"
bash scripts/check-ppi.sh
echo "== chromium for the report's browser test (first run only)"
source scripts/setup-chromium.sh
echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test"
cargo test --workspace
echo "== the Python package (scripts/test-python.sh: a fresh venv, maturin, pytest)"
STANDPOINT_BIN="$PWD/target/debug/standpoint" bash scripts/test-python.sh
echo "== every crate packages for crates.io and builds from its package (cargo package --workspace)"
# The Python extension (publish = false) is shipped as a wheel, not a crate. Cargo treats the
# packaged crates like registry crates: it unpacks them once per version (into its registry
# folder) and never rebuilds them, so a later run after an API change would verify against the
# first run's copies. Those copies and their builds go first (no standpoint crate comes from
# crates.io); the check builds in its own target folder so that the workspace's stay intact.
pkg_target="$PWD/target/package-check"
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/standpoint-*-[0-9]* \
  "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/standpoint-*-[0-9]*.crate \
  "$pkg_target"/debug/.fingerprint/standpoint-* "$pkg_target"/debug/build/standpoint-* \
  "$pkg_target"/debug/deps/*standpoint_*
CARGO_TARGET_DIR="$pkg_target" cargo package --workspace --exclude standpoint-python --allow-dirty --quiet
echo "== Slurm end to end (scripts/slurm-e2e.sh; installs slurm-wlm and munge when missing)"
set +e
bash scripts/slurm-e2e.sh
status=$?
set -e
case $status in
  0) ;;
  77) echo "(the Slurm end-to-end test was skipped: see the reason above)" ;;
  *) echo "the Slurm end-to-end test failed"; exit "$status" ;;
esac
echo "== all tests passed"
