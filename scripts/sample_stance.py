"""Samples stance-bearing sentences of a run for reading by hand: N random sentences read as
FAVOR or AGAINST toward TARGET (seeded), each with its document, speaker, label and
probability, numbered for a verdict column; and the run's strongest evidence for the target.

    python3 scripts/sample_stance.py out/polnear "Hillary Clinton" 50 13
"""
import json
import random
import sys

run, target, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rows = []
with open(f"{run}/sentences.jsonl", encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        s = r["stance"].get(target)
        if s and s["label"] in ("FAVOR", "AGAINST"):
            rows.append((r, s))
print(f"{len(rows)} stance-bearing sentences toward {target!r}; {min(n, len(rows))} sampled (seed {seed})\n")
random.Random(seed).shuffle(rows)
print("| # | document | speaker | reading | p | sentence |")
print("|---|---|---|---|---|---|")
for k, (r, s) in enumerate(rows[:n], 1):
    text = r["text"].replace("|", "\\|").replace("\n", " ")
    p = s[s["label"].lower()]
    print(f"| {k} | {r['doc']} | {r.get('speaker') or ''} | {s['label']} | {p:.2f} | {text} |")
groups = json.load(open(f"{run}/groups.json", encoding="utf-8"))
print("\nStrongest evidence (the report's: the corpus summary, grouping 'all'):")
for g in groups:
    if g["grouping"] == "all" and g["target"] == target:
        for side in ("favor", "against"):
            for e in g["summary"][f"{side}_evidence"]:
                print(f"- {side.upper()} {e['score'] / 1e6:.2f} {e['doc']} ({e.get('speaker') or ''}): {e['text']}")
