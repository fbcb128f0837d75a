from typing import List, Optional

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
