"""standpoint: who argues for what in news text.

Model-free parts (this release of the package):

>>> import standpoint
>>> [s.text for s in standpoint.segment("A ceasefire now. Talks resume.")]
['A ceasefire now.', 'Talks resume.']
>>> a = standpoint.attribute("\u201cWe will not back down,\u201d Rubio said.")[0]
>>> (a.speaker, a.direct)
('Rubio', True)

Offsets come both ways: ``start``/``end`` are byte offsets into the UTF-8 text (what the
command-line tool writes), ``char_start``/``char_end`` are Python string indices, so
``text[s.char_start:s.char_end] == s.text``.
"""
from ._standpoint import Attribution, Sentence, Span, __version__, attribute, segment

__all__ = ["Attribution", "Sentence", "Span", "attribute", "segment", "__version__"]
