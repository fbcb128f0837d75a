#!/usr/bin/env python3
"""Writes tests/data/stance_checks.jsonl: the behavioural stance suite (CheckList-style minimum
functionality tests, Ribeiro et al., ACL 2020), written for this project.

Every case is a (sentence, target) pair with an expectation: `label` (the prediction must be this
label) or `not` (the prediction must not be this label, e.g. difficulty must not read as
AGAINST). Cases are grouped by `capability`:

- support / oppose: explicit support or opposition in the first person or by an organisation.
- neutral: the target is mentioned, no side is taken.
- negation: "We do not oppose X" (not AGAINST), "We will never accept X" (AGAINST), ...
- hedge: hedged support or doubt ("cautiously in favour", "serious doubts").
- difficulty: X being hard, slow or far away is not opposition to X.
- reported_speech: support or opposition attributed to a named or described speaker.
- target_swap: a clear support/opposition sentence about one target, asked about an unrelated
  target: NONE.

The sentences are templates filled with about 40 news-style targets; each template is applied to
a deterministic stride of the targets it suits, so every capability has 100-200 cases. Nothing in
here may be used for training or for choosing models: it is a test.

    python3 scripts/make_stance_checks.py > tests/data/stance_checks.jsonl
"""
import json
import sys

# (target, kind, plural). Kinds: deal (something negotiated and reached), policy (something
# adopted, passed or built), person.
TARGETS = [
    ("a ceasefire", "deal", False),
    ("concessions", "policy", True),
    ("a summit between the two leaders", "deal", False),
    ("the new tariff", "policy", False),
    ("a peace deal", "deal", False),
    ("the trade agreement", "deal", False),
    ("a carbon tax", "policy", False),
    ("raising the minimum wage", "policy", False),
    ("the border wall", "policy", False),
    ("the vaccine mandate", "policy", False),
    ("sanctions on Russia", "policy", True),
    ("the stimulus package", "policy", False),
    ("the pension reform", "policy", False),
    ("rent control", "policy", False),
    ("a wealth tax", "policy", False),
    ("stricter gun control", "policy", False),
    ("the death penalty", "policy", False),
    ("the ban on plastic bags", "policy", False),
    ("the airport expansion", "policy", False),
    ("the new pipeline", "policy", False),
    ("nuclear power", "policy", False),
    ("the bank bailout", "policy", False),
    ("lowering the voting age", "policy", False),
    ("a four-day work week", "policy", False),
    ("the merger", "deal", False),
    ("the climate accord", "deal", False),
    ("a two-state solution", "deal", False),
    ("the prisoner exchange", "deal", False),
    ("the nuclear deal with Iran", "deal", False),
    ("the teachers' strike", "policy", False),
    ("the lockdown", "policy", False),
    ("the night curfew", "policy", False),
    ("independence for Scotland", "policy", False),
    ("the new coal mine", "policy", False),
    ("free public transport", "policy", False),
    ("the Olympic bid", "policy", False),
    ("Hillary Clinton", "person", False),
    ("the prime minister", "person", False),
    ("the union leader", "person", False),
    ("the new party chairman", "person", False),
]

ANY = ("deal", "policy", "person")
THINGS = ("deal", "policy")

# capability -> list of (template, kinds, expectation). {t} is the target, {T} the target with a
# capital letter, {is}/{was}/{has} agree with it. Expectation: ("label", L) or ("not", L).
FAVOR, AGAINST, NONE = "FAVOR", "AGAINST", "NONE"
CAPABILITIES = {
    "support": [
        ("We support {t}.", ANY, ("label", FAVOR)),
        ("The government strongly backs {t}.", ANY, ("label", FAVOR)),
        ("I am in favour of {t}.", ANY, ("label", FAVOR)),
        ("{T} {is} exactly what this country needs.", ANY, ("label", FAVOR)),
        ("Our party will vote for {t}.", THINGS, ("label", FAVOR)),
        ("{T} deserves our full support.", ANY, ("label", FAVOR)),
        ("The union welcomed {t} as a long overdue step.", THINGS, ("label", FAVOR)),
        ("We urge both sides to agree to {t} without delay.", ("deal",), ("label", FAVOR)),
        ("The editorial board endorses {t}.", ANY, ("label", FAVOR)),
        ("Business leaders praised {t}.", ANY, ("label", FAVOR)),
    ],
    "oppose": [
        ("We oppose {t}.", ANY, ("label", AGAINST)),
        ("The government firmly rejects {t}.", ANY, ("label", AGAINST)),
        ("I am against {t}.", ANY, ("label", AGAINST)),
        ("{T} would be a disaster for this country.", ANY, ("label", AGAINST)),
        ("Our party will vote against {t}.", THINGS, ("label", AGAINST)),
        ("{T} must be stopped.", THINGS, ("label", AGAINST)),
        ("The union condemned {t} as a betrayal of working people.", ANY, ("label", AGAINST)),
        ("There is no justification whatsoever for {t}.", THINGS, ("label", AGAINST)),
        ("The editorial board urges readers to reject {t}.", ANY, ("label", AGAINST)),
        ("Business leaders attacked {t} as reckless.", ANY, ("label", AGAINST)),
    ],
    "neutral": [
        ("Reporters asked about {t} at Tuesday's briefing.", ANY, ("label", NONE)),
        ("The committee will discuss {t} next week.", ANY, ("label", NONE)),
        ("{T} {was} on the agenda of Monday's meeting.", ANY, ("label", NONE)),
        ("A poll on {t} will be published on Friday.", ANY, ("label", NONE)),
        ("Officials declined to comment on {t}.", ANY, ("label", NONE)),
        ("Parliament is expected to debate {t} in March.", THINGS, ("label", NONE)),
        ("The report sets out the main arguments for and against {t}.", THINGS, ("label", NONE)),
        ("The minister will give a speech about {t} on Thursday.", ANY, ("label", NONE)),
        ("Our correspondent explains what {t} would mean in practice.", THINGS, ("label", NONE)),
    ],
    "negation": [
        ("We do not oppose {t}.", ANY, ("not", AGAINST)),
        ("We have no objection to {t}.", ANY, ("not", AGAINST)),
        ("Nobody in our party is against {t}.", ANY, ("not", AGAINST)),
        ("It is not true that we oppose {t}.", ANY, ("not", AGAINST)),
        ("We do not support {t}.", ANY, ("not", FAVOR)),
        ("The minister has never backed {t}.", ANY, ("not", FAVOR)),
        ("I cannot support {t}.", ANY, ("not", FAVOR)),
        ("We will never accept {t}.", ANY, ("label", AGAINST)),
        ("Under no circumstances will we agree to {t}.", THINGS, ("label", AGAINST)),
    ],
    "hedge": [
        ("I am cautiously in favour of {t}.", ANY, ("label", FAVOR)),
        ("We are inclined to support {t}, though the details matter.", ANY, ("label", FAVOR)),
        ("On balance, {t} is probably the right choice.", ANY, ("label", FAVOR)),
        ("We could perhaps support {t} under the right conditions.", ANY, ("not", AGAINST)),
        ("{T} may well be worth trying.", THINGS, ("not", AGAINST)),
        ("We have serious doubts about {t}.", ANY, ("not", FAVOR)),
        ("Some of us remain sceptical about {t}.", ANY, ("not", FAVOR)),
        ("{T} is probably a mistake, though we are open to persuasion.", ANY, ("label", AGAINST)),
    ],
    "difficulty": [
        ("{T} will be hard to reach.", ("deal",), ("not", AGAINST)),
        ("Negotiators admit that {t} is still far away.", ("deal",), ("not", AGAINST)),
        ("Reaching agreement on {t} could take months.", ("deal",), ("not", AGAINST)),
        ("Officials warned that the road to {t} will be long.", ("deal",), ("not", AGAINST)),
        ("Neither side expects {t} soon.", ("deal",), ("not", AGAINST)),
        ("Getting {t} through parliament will be very difficult.", ("policy",), ("not", AGAINST)),
        ("{T} faces a tough vote in the senate next month.", ("policy",), ("not", AGAINST)),
        ("Implementing {t} will take years, officials say.", ("policy",), ("not", AGAINST)),
        ("The campaign for {t} has struggled to raise money.", THINGS, ("not", AGAINST)),
        ("Analysts say {t} is unlikely to happen this year.", THINGS, ("not", AGAINST)),
    ],
    "reported_speech": [
        ("She said she backs {t}.", ANY, ("label", FAVOR)),
        ("The senator told reporters he supports {t}.", ANY, ("label", FAVOR)),
        ("According to the minister, {t} {is} the right choice.", ANY, ("label", FAVOR)),
        ("\"We are proud to stand behind {t},\" the spokeswoman said.", ANY, ("label", FAVOR)),
        ("He said he opposes {t}.", ANY, ("label", AGAINST)),
        ("The spokeswoman said her party would fight {t} at every step.", ANY, ("label", AGAINST)),
        ("\"{T} is a terrible idea,\" the mayor told the crowd.", ANY, ("label", AGAINST)),
        ("The governor said she would veto {t}.", ("policy",), ("label", AGAINST)),
    ],
}

# Target swaps: an explicit sentence about one target, asked about another of a different
# domain. The expected label is NONE.
SWAP_TEMPLATES = [
    "We support {t}.",
    "We oppose {t}.",
    "The government strongly backs {t}.",
    "The union condemned {t} as a betrayal of working people.",
    "She said she backs {t}.",
    "He said he opposes {t}.",
    "{T} {is} exactly what this country needs.",
    "{T} would be a disaster for this country.",
]

STRIDE = 3  # each template takes every third suitable target, starting at its own offset


def fill(template, target, plural):
    cap = target[0].upper() + target[1:]
    return (
        template.replace("{t}", target)
        .replace("{T}", cap)
        .replace("{is}", "are" if plural else "is")
        .replace("{was}", "were" if plural else "was")
        .replace("{has}", "have" if plural else "has")
    )


def main():
    out = []
    for cap, templates in CAPABILITIES.items():
        for ti, (template, kinds, (how, label)) in enumerate(templates):
            suitable = [t for t in TARGETS if t[1] in kinds]
            for k, (target, _, plural) in enumerate(suitable):
                if (k + ti) % STRIDE:
                    continue
                case = {
                    "id": f"{cap}-{ti:02d}-{k:02d}",
                    "capability": cap,
                    "text": fill(template, target, plural),
                    "target": target,
                }
                case[how] = label
                out.append(case)
    # Swaps: the target of case k is paired with the target 20 places on (a different domain in
    # this list: deals and economic policies against social policies and persons).
    n = len(TARGETS)
    for ti, template in enumerate(SWAP_TEMPLATES):
        for k, (target, _, plural) in enumerate(TARGETS):
            if (k + ti) % STRIDE:
                continue
            other = TARGETS[(k + 20) % n][0]
            out.append(
                {
                    "id": f"target_swap-{ti:02d}-{k:02d}",
                    "capability": "target_swap",
                    "text": fill(template, target, plural),
                    "target": other,
                    "label": NONE,
                }
            )
    for case in out:
        sys.stdout.write(json.dumps(case, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
