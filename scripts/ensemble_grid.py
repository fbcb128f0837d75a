#!/usr/bin/env python3
"""Scores weighted averages of two classifiers' probabilities on the dev sets, from the per-item
predictions `standpoint bench --predictions FILE` writes, to choose an ensemble weight on dev.

    standpoint bench --data ... --classifier A --classifier B --predictions preds.jsonl
    python3 scripts/ensemble_grid.py preds.jsonl A B [SHARED_DATA]

Prints, for w = 0, 0.05, ..., 1 (the weight on B), each set's metric: SemEval-2016 F_avg,
P-Stance F_macro (FAVOR/AGAINST argmax), NewsMTSC macro-F1, VAST zero-shot macro-F1 (rows with
seen = 0, read from the data file), Perspectrum accuracy (FAVOR/AGAINST argmax).
"""
import collections
import json
import os
import sys

LABELS = ["FAVOR", "AGAINST", "NONE"]


def f1s(gold, pred):
    out = {}
    for l in LABELS:
        tp = sum(1 for g, p in zip(gold, pred) if g == l and p == l)
        fp = sum(1 for g, p in zip(gold, pred) if g != l and p == l)
        fn = sum(1 for g, p in zip(gold, pred) if g == l and p != l)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[l] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return out


def argmax(p, no_none):
    if no_none:
        return "AGAINST" if p[1] > p[0] else "FAVOR"
    best = 0
    for i in (1, 2):
        if p[i] > p[best]:
            best = i
    return LABELS[best]


def main():
    preds, a, b = sys.argv[1], sys.argv[2], sys.argv[3]
    shared = sys.argv[4] if len(sys.argv) > 4 else "../shared/data"
    seen = {}
    with open(os.path.join(shared, "stance/vast/dev.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            seen[r["id"]] = r.get("seen")
    items = collections.defaultdict(dict)  # set -> id -> {classifier: probs, gold, target}
    with open(preds) as f:
        for line in f:
            r = json.loads(line)
            if r.get("set") == "checks" or r["classifier"] not in (a, b):
                continue
            it = items[r["set"]].setdefault(r["id"], {"gold": r["gold"], "target": r["target"]})
            it[r["classifier"]] = [r["favor"], r["against"], r["none"]]
    print("| w on " + b + " | " + " | ".join(sorted(items)) + " |")
    for k in range(21):
        w = k / 20
        row = []
        for name in sorted(items):
            rows = [v for v in items[name].values() if a in v and b in v]
            no_none = not any(v["gold"] == "NONE" for v in rows)
            mix = lambda v: [(1 - w) * x + w * y for x, y in zip(v[a], v[b])]
            gold = [v["gold"] for v in rows]
            pred = [argmax(mix(v), no_none) for v in rows]
            if "semeval" in name:
                f = f1s(gold, pred)
                score = (f["FAVOR"] + f["AGAINST"]) / 2
            elif "pstance" in name:
                by_t = collections.defaultdict(lambda: ([], []))
                for v, p in zip(rows, pred):
                    by_t[v["target"]][0].append(v["gold"])
                    by_t[v["target"]][1].append(p)
                per = []
                for g, p in by_t.values():
                    f = f1s(g, p)
                    per.append((f["FAVOR"] + f["AGAINST"]) / 2)
                score = sum(per) / len(per)
            elif "vast" in name:
                ids = [i for i, v in items[name].items() if a in v and b in v]
                zs = [(g, p) for i, g, p in zip(ids, gold, pred) if seen.get(i) == 0]
                f = f1s([g for g, _ in zs], [p for _, p in zs])
                score = sum(f.values()) / 3
            elif "perspectrum" in name:
                score = sum(1 for g, p in zip(gold, pred) if g == p) / len(gold)
            else:
                f = f1s(gold, pred)
                score = sum(f.values()) / 3
            row.append(f"{100 * score:.2f}")
        print(f"| {w:.2f} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
