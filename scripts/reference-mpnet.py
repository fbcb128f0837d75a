#!/usr/bin/env python3
"""Reference vectors for the native MPNet forward pass (crates/stance/tests/mpnet_model.rs).

Run once, by hand, in a venv with the PyPI wheels torch==2.4.0 and transformers==4.44.2
(not part of the test command): it encodes the test's texts with Hugging Face's own MPNetModel,
mean-pools and normalises as sentence-transformers' all-mpnet-base-v2 does, and writes
crates/stance/tests/data/reference_mpnet.json. Texts are read from that file's "texts" and
"pairs" so that the test and the reference cannot drift apart.

    python scripts/reference-mpnet.py .deps/models/all-mpnet-base-v2
"""
import json
import sys

import torch
from transformers import AutoTokenizer, MPNetModel

model_dir = sys.argv[1]
path = "crates/stance/tests/data/reference_mpnet.json"
spec = json.load(open(path))
tok = AutoTokenizer.from_pretrained(model_dir)
model = MPNetModel.from_pretrained(model_dir, add_pooling_layer=False).eval()


def embed(enc):
    with torch.no_grad():
        out = model(**enc).last_hidden_state
    m = enc["attention_mask"].unsqueeze(-1).float()
    v = (out * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(v, p=2, dim=1)


texts, pairs = spec["texts"], spec["pairs"]
vectors = [embed(tok(t, return_tensors="pt", truncation=True, max_length=384))[0].tolist() for t in texts]
pair_vectors, pair_ids = [], []
for target, sentence in pairs:
    enc = tok(target, sentence, return_tensors="pt", truncation="longest_first", max_length=128)
    pair_ids.append(enc["input_ids"][0].tolist())
    pair_vectors.append(embed(enc)[0].tolist())
spec.update(vectors=vectors, pair_vectors=pair_vectors, pair_ids=pair_ids,
            made_with=f"transformers MPNetModel {__import__('transformers').__version__}, torch {torch.__version__}")
json.dump(spec, open(path, "w"))
print(f"wrote {path}: {len(vectors)} texts, {len(pair_vectors)} pairs")
