"""Builds a benchmark corpus for `standpoint run` from the shared stance texts (not committed;
written where you say). Each document joins K consecutive texts of one dataset (SemEval-2016,
P-Stance, NewsMTSC, IBM claims, VAST) into one paragraph per text; its source is the dataset
and its date is spread over 2025 by document number.

usage: python3 scripts/make_corpus.py SHARED_DATA_DIR OUT.jsonl N_DOCS [K]
"""
import datetime
import itertools
import json
import sys

shared, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
k = int(sys.argv[4]) if len(sys.argv) > 4 else 4
files = [
    ("newsmtsc", "stance/newsmtsc/train.jsonl"),
    ("semeval2016", "stance/semeval2016_tweeteval/train.jsonl"),
    ("pstance", "stance/pstance/train.jsonl"),
    ("ibm_claims", "stance/ibm_claim_stance/train.jsonl"),
    ("vast", "stance/vast/dev.jsonl"),
]
pools = []
for name, rel in files:
    seen, texts = set(), []
    with open(f"{shared}/{rel}", encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)["text"].strip()
            if t and t not in seen:
                seen.add(t)
                texts.append(t)
    pools.append((name, texts))
cursors = {name: itertools.cycle(range(0, len(texts) - k, k)) for name, texts in pools}
start = datetime.date(2025, 1, 1)
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        name, texts = pools[i % len(pools)]
        j = next(cursors[name])
        doc = {
            "id": f"{name}-{i:07d}",
            "source": name,
            "date": (start + datetime.timedelta(days=i % 365)).isoformat(),
            "text": "\n\n".join(texts[j:j + k]),
        }
        f.write(json.dumps(doc, ensure_ascii=False) + "\n")
