#!/usr/bin/env python3
"""Sentence-level speaker precision and recall of a `standpoint run` against PolNeAR gold (issue 26).

    python3 scripts/speaker_score.py RUN_DIR [--gold ../shared/data/attribution/polnear/dev.jsonl] [--json OUT] [--errors N]

RUN_DIR is a finished run over the gold articles (`standpoint run GOLD.jsonl --target ... --out RUN_DIR`):
its sentences.jsonl gives each sentence's byte span and speaker.

A sentence is *countable* when an annotated content span overlaps it and that attribution's source names
someone: its source text holds a capitalised word that is not a pronoun or a determiner ("he", "The").
The run's speaker for it is *right* when it names the same person or body: the speaker's last word equals
the source's last word or last capitalised word (case and a final 's ignored; the source read without
parenthesised asides and before its first comma), for any of the overlapping attributions. A sentence whose gold sources are all unnamed (pronouns, "a source") is neither countable
nor counted against precision.

  precision = right / countable sentences given a speaker
  recall    = right / countable sentences
  outside   = sentences overlapping no content span that get a speaker anyway / sentences overlapping none
"""
import argparse, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_GOLD = os.path.join(HERE, '..', '..', 'shared', 'data', 'attribution', 'polnear', 'dev.jsonl')
UNNAMED = {
    'i', 'me', 'we', 'us', 'you', 'he', 'him', 'she', 'her', 'it', 'they', 'them', 'his', 'its', 'their',
    'our', 'my', 'your', 'the', 'a', 'an', 'this', 'that', 'these', 'those', 'some', 'many', 'most', 'one',
    'who', 'which', 'both', 'all', 'several', 'other', 'others', 'another', 'each',
}
WORD = re.compile(r"[A-Za-z][A-Za-z.\-]*")


def spans(x):
    if x is None:
        return []
    if isinstance(x, dict):
        x = [x]
    return [(int(s['start']), int(s['end'])) for s in x if int(s['end']) > int(s['start'])]


def norm(w):
    w = w.strip(".-").lower()
    if w.endswith("'s") or w.endswith("\u2019s"):
        w = w[:-2]
    return w


def words(s):
    return [w for w in WORD.findall(s.replace("\u2019s", "").replace("'s", ""))]


ORG_HEADS = {
    'academy', 'agency', 'alliance', 'association', 'bank', 'board', 'bureau', 'center', 'centre',
    'chamber', 'church', 'coalition', 'college', 'commission', 'committee', 'conference', 'council',
    'court', 'department', 'federation', 'foundation', 'institute', 'league', 'ministry', 'office',
    'organization', 'organisation', 'school', 'society', 'union', 'university', 'services', 'affairs',
}


def head_names(head):
    """Last word and last capitalised word of one noun phrase, or an empty set."""
    ws = words(head)
    caps = [w for w in ws if w[0].isupper() and norm(w) not in UNNAMED]
    return {norm(ws[-1]), norm(caps[-1])} if caps else set()


def source_names(text, strict=False):
    """The names a gold source answers to, or None: its last word and its last capitalised word.
    Parenthesised asides and appositions after a comma are left out first: "Rep. G.K. Butterfield
    (D-N.C.), head of the Congressional Black Caucus" answers to Butterfield. Unless `strict`
    (the measure as first written), also the words before its first "of" ("Rep. Elijah Cummings of
    Maryland" answers to Cummings, "the Department of Veterans Affairs" to Department, its head
    word) and each conjunct of a coordination ("Obama and Clinton", "France and Germany"; not an
    organisation's name such as "Securities and Exchange Commission")."""
    text = re.sub(r"\([^)]*\)", " ", text)
    head = text.split(",")[0]
    names = head_names(head) if words(head) else head_names(text)
    if not names:
        return None
    if strict:
        return names
    before_of = re.split(r"\s(?:of|from)\s", head)[0]
    names |= head_names(before_of)
    last = norm((words(head) or [''])[-1])
    if last not in ORG_HEADS:
        for part in re.split(r"\s(?:and|&)\s", head):
            names |= head_names(part)
    return names


def speaker_names(s):
    ws = words(s or "")
    return {norm(ws[-1])} if ws else set()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('run')
    ap.add_argument('--gold', default=DEFAULT_GOLD)
    ap.add_argument('--json')
    ap.add_argument('--errors', type=int, default=0, help='print N wrong and N missed sentences')
    ap.add_argument('--strict', action='store_true',
                    help="the measure as first written: no \"of\" phrase cut, no conjuncts")
    a = ap.parse_args()
    gold = {}
    for line in open(a.gold, encoding='utf-8'):
        if line.strip():
            d = json.loads(line)
            gold[d['id']] = d
    sentences = {}
    for line in open(os.path.join(a.run, 'sentences.jsonl'), encoding='utf-8'):
        if line.strip():
            s = json.loads(line)
            sentences.setdefault(s['doc'], []).append(s)
    missing = [i for i in gold if i not in sentences]
    if missing:
        sys.exit(f"{len(missing)} gold articles are not in {a.run} (first: {missing[0]}); run over {a.gold}")
    countable = given = right = outside = outside_given = 0
    wrong, missed = [], []
    for doc_id, d in gold.items():
        text = d['text'].encode('utf-8')
        atts = []
        for att in d['attributions']:
            c = spans(att['content'])
            if not c:
                continue
            src = b' '.join(text[s:e] for s, e in sorted(spans(att['source']))).decode('utf-8', 'replace')
            atts.append((c, source_names(src, a.strict), src))
        for s in sentences[doc_id]:
            a0, b0 = s['start'], s['end']
            over = [(names, src) for c, names, src in atts if any(min(b0, e) > max(a0, st) for st, e in c)]
            spk = s.get('speaker')
            if not over:
                outside += 1
                outside_given += spk is not None
                continue
            named = [(n, src) for n, src in over if n]
            if not named:
                continue
            countable += 1
            if spk is None:
                missed.append((doc_id, s['text'], [src for _, src in named]))
                continue
            given += 1
            if any(speaker_names(spk) & n for n, _ in named):
                right += 1
            else:
                wrong.append((doc_id, s['text'], spk, [src for _, src in named]))
    res = {
        'articles': len(gold),
        'countable': countable,
        'given': given,
        'right': right,
        'precision': round(100 * right / given, 2) if given else None,
        'recall': round(100 * right / countable, 2) if countable else None,
        'outside_sentences': outside,
        'outside_with_speaker': outside_given,
        'outside_share': round(100 * outside_given / outside, 2) if outside else None,
    }
    print(f"speaker precision {res['precision']} recall {res['recall']} "
          f"[{right} right of {given} given, {countable} countable] | "
          f"outside content with a speaker {res['outside_share']}% ({outside_given} of {outside})")
    for w in wrong[:a.errors]:
        print(f"WRONG {w[0]}: {w[2]!r} for gold {w[3]}: {w[1][:120]}")
    for m in missed[:a.errors]:
        print(f"MISSED {m[0]}: gold {m[2]}: {m[1][:120]}")
    if a.json:
        json.dump(res, open(a.json, 'w'), indent=1)


if __name__ == '__main__':
    main()
