#!/usr/bin/env bash
# The Python package (issue 27): builds ./python with maturin into a fresh virtual environment
# (maturin, pytest and numpy from PyPI), then runs its pytest suite and the doctests of the package,
# which compare it with the `standpoint` binary (built here when missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
# libtorch (the native module links it) and the encoder the classifier tests read.
source scripts/env.sh
venv=$(mktemp -d "${TMPDIR:-/tmp}/standpoint-pyvenv.XXXXXX")
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet "maturin>=1.7,<2" "pytest>=7" "pandas>=1.5" "polars>=0.20"
# The wheel shares the workspace's target folder, so a second run compiles little.
start=$(date +%s)
CARGO_TARGET_DIR="$root/target" "$venv/bin/pip" install --quiet ./python
echo "built and installed the package in $(( $(date +%s) - start )) s"
bin="${STANDPOINT_BIN:-$root/target/release/standpoint}"
if [ ! -x "$bin" ]; then
  cargo build --release -p standpoint-cli --bin standpoint
fi
cd "$venv"   # import the installed package, not the source folder
STANDPOINT_BIN="$bin" "$venv/bin/python" -m pytest -q "$root/python/tests"
"$venv/bin/python" -c "import doctest, standpoint
r = doctest.testmod(standpoint)
assert r.attempted > 0 and r.failed == 0, r
print(f'doctests: {r.attempted} passed')"
