import os
from typing import List, Optional, Sequence, Tuple, Union

import numpy

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
