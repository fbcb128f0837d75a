"""Pretty-prints `standpoint classify` JSONL: one line per sentence, label and probabilities per target."""
import json
import sys

for line in sys.stdin:
    r = json.loads(line)
    tags = []
    for target, s in r["stance"].items():
        tags.append("%s: %-7s (F %.2f / A %.2f / N %.2f)" % (target, s["label"], s["favor"], s["against"], s["none"]))
    print("  ".join(tags), "|", r["text"][:80])
