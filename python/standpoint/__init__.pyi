import os
from typing import List, Optional, Sequence, Tuple, Union

import numpy
import pandas

__version__: str

class Span:
    """A span of a document: byte offsets (``start``, ``end``), character offsets
    (``char_start``, ``char_end``: ``text[char_start:char_end]``) and its text."""
    start: int
    end: int
    char_start: int
    char_end: int
    text: str

class Sentence:
    """One sentence: its position, byte and character offsets, paragraph and text."""
    index: int
    start: int
    end: int
    char_start: int
    char_end: int
    paragraph: int
    text: str

class Attribution:
    """A quote or reported speech: content span(s), cue(s), source mention, the speaker
    resolved within the document, the speaker's role, and whether it is a direct quote."""
    content: List[Span]
    cue: List[Span]
    source: Optional[Span]
    speaker: Optional[str]
    role: Optional[str]
    direct: bool

def segment(text: str) -> List[Sentence]:
    """Split a document into sentences."""

def attribute(text: str) -> List[Attribution]:
    """Find who said what: quotes, reported speech, cues, sources and speakers."""

LABELS: Tuple[str, str, str]

class ModelError(OSError):
    """A model, its manifest or its encoder could not be loaded, or the model failed."""

class InputError(ValueError):
    """Input the library refuses, with the command-line tool's message."""

class Classifier:
    """A stance classifier: "default", "cross", "ensemble" or a manifest path."""
    def __init__(
        self,
        model: Union[str, "os.PathLike[str]"] = "default",
        *,
        precision: Optional[str] = None,
        threads: Optional[int] = None,
        encoder: Optional[Union[str, "os.PathLike[str]"]] = None,
    ) -> None: ...
    @property
    def manifest(self) -> "os.PathLike[str]": ...
    @property
    def precision(self) -> str: ...
    @property
    def name(self) -> str: ...
    def predict(
        self, texts: Sequence[str], targets: Union[str, Sequence[str]]
    ) -> "numpy.ndarray": ...

class Run:
    """A run folder as ``standpoint run`` writes it, with its tables as pandas DataFrames."""
    out: "os.PathLike[str]"
    summary: dict
    warnings: List[str]
    @property
    def sentences(self) -> "pandas.DataFrame": ...
    @property
    def documents(self) -> "pandas.DataFrame": ...
    @property
    def groups(self) -> "pandas.DataFrame": ...
    def report(self, path: Optional[Union[str, "os.PathLike[str]"]] = None) -> "os.PathLike[str]": ...

def run(
    data: object,
    targets: Union[str, Sequence[str]],
    *,
    text: str = "text",
    id: str = "id",
    group_by: Optional[Sequence[str]] = None,
    model: Union[str, "os.PathLike[str]"] = "default",
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    threads: Optional[int] = None,
    precision: Optional[str] = None,
    encoder: Optional[Union[str, "os.PathLike[str]"]] = None,
    fresh: bool = False,
    progress: object = True,
) -> Run:
    """Segment, attribute, classify and summarise a corpus (``standpoint run``)."""

def sample(
    run: Union[Run, str, "os.PathLike[str]"],
    target: str,
    n: int,
    out: Union[str, "os.PathLike[str]"],
    *,
    seed: int = 1,
    stratify_by: Optional[str] = None,
    add: bool = False,
) -> dict:
    """Draw a run's sentences for hand labelling (``standpoint sample``)."""

def estimate(
    run: Union[Run, str, "os.PathLike[str]"],
    labels: Union[str, "os.PathLike[str]"],
    *,
    group_by: Optional[str] = None,
    level: float = 0.95,
) -> dict:
    """Corrected shares and net with valid intervals (``standpoint estimate --json``)."""
