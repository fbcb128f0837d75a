#!/usr/bin/env bash
# Checks that the stored ppi-python reference values (crates/validate/tests/data/ppi_reference.json,
# which crates/validate/tests/ppi_python.rs reproduces) are what ppi-python computes today:
# installs ppi-python==0.2.3 from PyPI into .deps/ppi-venv on first use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps="${STANDPOINT_DEPS:-$root/.deps}"
venv="$deps/ppi-venv"
python="${PYTHON:-python3}"
if [ ! -f "$venv/.standpoint-ok" ]; then
  echo "[setup] installing ppi-python==0.2.3 from PyPI into $venv" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check ppi-python==0.2.3
  touch "$venv/.standpoint-ok"
fi
cd "$root"
"$venv/bin/python" scripts/reference-ppi.py --check
