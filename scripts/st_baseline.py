"""Same-machine reference for `standpoint speed`: sentence-transformers throughput on the same
sentences (the first N distinct texts of a JSONL file), 2 threads, batch sizes 1/16/64, median of
3 timed runs after a warm-up. Needs a venv with torch==2.4.0 and sentence-transformers==3.0.1
(not part of the project's setup; see README "Encoder speed").

usage: python scripts/st_baseline.py MODEL_DIR DATA.jsonl [N]
"""
import json
import statistics
import sys
import time

import torch
from sentence_transformers import SentenceTransformer

model_dir, data = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
torch.set_num_threads(2)
seen, texts = set(), []
with open(data, encoding="utf-8") as f:
    for line in f:
        t = json.loads(line)["text"]
        if t not in seen:
            seen.add(t)
            texts.append(t)
        if len(texts) == n:
            break
model = SentenceTransformer(model_dir, device="cpu")
print(f"{len(texts)} sentences, torch {torch.__version__}, {torch.get_num_threads()} threads")
print("| batch | sentences/s (median) | min..max |")
print("|---|---|---|")
for bs in (1, 16, 64):
    model.encode(texts[:64], batch_size=bs)
    rates = []
    for _ in range(3):
        t = time.perf_counter()
        model.encode(texts, batch_size=bs)
        rates.append(len(texts) / (time.perf_counter() - t))
    print(f"| {bs} | {statistics.median(rates):.1f} | {min(rates):.1f}..{max(rates):.1f} |")
