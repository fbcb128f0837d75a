#!/usr/bin/env python3
"""Reference values for standpoint-validate's PPI++ estimator, from ppi-python itself.

    python3 -m venv /tmp/ppi && /tmp/ppi/bin/pip install ppi-python==0.2.3
    /tmp/ppi/bin/python scripts/reference-ppi.py [--check]

Writes crates/validate/tests/data/ppi_reference.json: 60 seeded random cases (binary and
ternary -1/0/+1 outcomes, classifiers from useless to nearly perfect, 5 to 400 labels, 1 to
3,000 unlabelled predictions) with ppi-python's power-tuned point estimate, its 90/95/99%
intervals, and the classical (lam=0) and classic-PPI (lam=1) intervals. The Rust test
(crates/validate/tests/ppi_python.rs) must reproduce them to 1e-9 (estimates) and 1e-6
(bounds). With --check the file is compared with a fresh computation instead of written (the
test command runs this, so a changed ppi-python or numpy is noticed).
"""
import json
import sys

import numpy as np
from ppi_py import ppi_mean_ci, ppi_mean_pointestimate

PATH = "crates/validate/tests/data/ppi_reference.json"


def cases():
    rng = np.random.default_rng(20261205)
    out = []
    for i in range(60):
        n = int(rng.choice([5, 12, 30, 80, 200, 400]))
        N = int(rng.choice([1, 10, 150, 1000, 3000]))
        ternary = i % 3 == 0
        acc = float(rng.choice([0.34, 0.6, 0.8, 0.95, 1.0]))
        def draw(k):
            y = rng.choice([-1, 0, 1], size=k) if ternary else (rng.random(k) < 0.3).astype(int)
            keep = rng.random(k) < acc
            noise = rng.choice([-1, 0, 1], size=k) if ternary else (rng.random(k) < 0.5).astype(int)
            return y, np.where(keep, y, noise)
        y, yhat = draw(n)
        _, yhat_u = draw(N)
        case = {"y": y.astype(float).tolist(), "yhat": yhat.astype(float).tolist(),
                "unlabelled": yhat_u.astype(float).tolist()}
        Y, Yh, Yu = (np.array(case[k]) for k in ("y", "yhat", "unlabelled"))
        case["point"] = float(np.asarray(ppi_mean_pointestimate(Y, Yh, Yu)).item())
        for level in (0.9, 0.95, 0.99):
            lo, hi = ppi_mean_ci(Y, Yh, Yu, alpha=1 - level)
            case[f"ci_{level}"] = [float(np.asarray(lo).item()), float(np.asarray(hi).item())]
        for lam in (0, 1):
            lo, hi = ppi_mean_ci(Y, Yh, Yu, alpha=0.05, lam=lam)
            case[f"ci_lam{lam}"] = [float(np.asarray(lo).item()), float(np.asarray(hi).item())]
        out.append(case)
    return out


def main():
    fresh = cases()
    if "--check" in sys.argv:
        stored = json.load(open(PATH))
        worst = 0.0
        for a, b in zip(stored, fresh):
            for k in a:
                x, y = np.array(a[k], dtype=float), np.array(b[k], dtype=float)
                worst = max(worst, float(np.max(np.abs(x - y))) if x.size else 0.0)
        if len(stored) != len(fresh) or worst > 1e-12:
            sys.exit(f"{PATH} differs from ppi-python now (worst difference {worst})")
        print(f"{PATH}: matches ppi-python (worst difference {worst})")
    else:
        json.dump(fresh, open(PATH, "w"))
        print(f"wrote {PATH}: {len(fresh)} cases")


main()
