"""A Markdown table of each classifier's reading of a labelled set, from `standpoint bench
--predictions`: one row per item (text, target, kind, gold), one column per classifier, and a
count of right readings per kind.

    standpoint bench --data tests/data/demo_clear.jsonl --classifier default ... --predictions P.jsonl
    python3 scripts/sentence_table.py tests/data/demo_clear.jsonl P.jsonl
"""
import collections
import json
import sys

items = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
preds = collections.defaultdict(dict)
order = []
for line in open(sys.argv[2]):
    p = json.loads(line)
    if p["classifier"] not in order:
        order.append(p["classifier"])
    preds[p["classifier"]][p["id"]] = p

short = {"FAVOR": "F", "AGAINST": "A", "NONE": "N"}
print("| sentence | target | kind | gold | " + " | ".join(order) + " |")
print("|---|---|---|---|" + "---|" * len(order))
right = collections.defaultdict(lambda: collections.Counter())
total = collections.Counter()
for it in items:
    total[it.get("kind", "all")] += 1
    cells = []
    for c in order:
        p = preds[c][it["id"]]
        ok = p["predicted"] == it["label"]
        if ok:
            right[c][it.get("kind", "all")] += 1
        mark = "" if ok else " ✗"
        cells.append("%s %.2f%s" % (short[p["predicted"]], p[p["predicted"].lower()], mark))
    text = it["text"].replace("|", "\\|")
    print("| %s | %s | %s | %s | %s |" % (text, it["target"], it.get("kind", ""), short[it["label"]], " | ".join(cells)))
print()
kinds = sorted(total)
print("| classifier | " + " | ".join("%s (%d)" % (k, total[k]) for k in kinds) + " | all (%d) |" % sum(total.values()))
print("|---|" + "---|" * (len(kinds) + 1))
for c in order:
    print("| %s | %s | %d |" % (c, " | ".join(str(right[c][k]) for k in kinds), sum(right[c].values())))
