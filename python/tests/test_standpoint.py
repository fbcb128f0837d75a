"""The Python package against the command-line tool on the same texts (issue 27).

Run by scripts/test-python.sh (part of the test command), which builds the package into a fresh
virtual environment and points STANDPOINT_BIN at the `standpoint` binary.
"""
import json
import os
import pathlib
import subprocess

import pytest

import standpoint

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("STANDPOINT_SHARED_DATA", ROOT.parent / "shared" / "data"))
RUBIO = SHARED / "examples" / "rubio-interview.txt"
BIN = os.environ.get("STANDPOINT_BIN", str(ROOT / "target" / "release" / "standpoint"))


def cli(*args, stdin=None):
    out = subprocess.run([BIN, *args], input=stdin, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def test_offsets_are_bytes_and_characters():
    text = "\u201cNein,\u201d sagte M\u00fcller. Der Waffenstillstand h\u00e4lt. \U0001F600 Ende."
    raw = text.encode("utf-8")
    sentences = standpoint.segment(text)
    assert [s.index for s in sentences] == list(range(len(sentences)))
    assert len(sentences) >= 3
    for s in sentences:
        assert text[s.char_start:s.char_end] == s.text
        assert raw[s.start:s.end].decode("utf-8") == s.text
    assert sentences[-1].char_end <= len(text) < sentences[-1].end


def test_segment_agrees_with_the_cli():
    text = RUBIO.read_text(encoding="utf-8")
    mine = [(s.start, s.end, s.paragraph, s.text) for s in standpoint.segment(text)]
    theirs = [json.loads(l) for l in cli("segment", "--format", "jsonl", str(RUBIO)).splitlines()]
    assert mine == [(r["start"], r["end"], r["paragraph"], r["text"]) for r in theirs]


def test_attribute_agrees_with_the_cli_and_names_rubio():
    text = RUBIO.read_text(encoding="utf-8")
    found = standpoint.attribute(text)
    doc = json.loads(cli("attribute", str(RUBIO)).splitlines()[0])
    assert len(found) == len(doc["quotes"]) > 0
    for a, q in zip(found, doc["quotes"]):
        assert [(c.start, c.end) for c in a.content] == [(c["start"], c["end"]) for c in q["content"]]
        assert [(c.start, c.end) for c in a.cue] == [(c["start"], c["end"]) for c in q["cue"]]
        assert (a.speaker, a.role, a.direct) == (q["speaker"], q["role"], q["direct"])
        for c in a.content:
            assert text[c.char_start:c.char_end] == c.text
    assert {a.speaker for a in found} == {"Marco Rubio"}


def test_empty_and_odd_input():
    assert standpoint.segment("") == []
    assert standpoint.attribute("") == []
    assert standpoint.attribute("\u201c\u201c\u201d") is not None
    with pytest.raises(TypeError):
        standpoint.segment(None)
    with pytest.raises(TypeError):
        standpoint.segment(b"bytes are not text")


def test_objects_are_read_only_and_printable():
    s = standpoint.segment("One. Two.")[0]
    with pytest.raises(AttributeError):
        s.text = "changed"
    assert "One." in repr(s)
    assert standpoint.__version__
