//! The `standpoint` Python package's native module (`standpoint._standpoint`): segmentation
//! and attribution with byte *and* character offsets (Python slices strings by characters).
//! Built with maturin (`pip install ./python`); the Python layer is `python/standpoint/`.

use pyo3::prelude::*;

/// Character offset of every byte offset that starts a character (and of the end): byte
/// offsets from the Rust crates become Python string indices.
struct CharIndex {
    /// `chars[b]` = number of characters before byte `b` (valid at character starts).
    chars: Vec<usize>,
}

impl CharIndex {
    fn new(text: &str) -> CharIndex {
        let mut chars = vec![0; text.len() + 1];
        let mut n = 0;
        for (b, c) in text.char_indices() {
            for slot in &mut chars[b..b + c.len_utf8()] {
                *slot = n;
            }
            n += 1;
        }
        chars[text.len()] = n;
        CharIndex { chars }
    }

    fn at(&self, byte: usize) -> usize {
        self.chars[byte.min(self.chars.len() - 1)]
    }
}

/// A span of the document: `start`/`end` in bytes of its UTF-8 encoding, `char_start`/`char_end`
/// in characters (`text[char_start:char_end]` in Python), and its text.
#[pyclass(frozen, get_all, module = "standpoint")]
#[derive(Clone)]
struct Span {
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
    text: String,
}

#[pymethods]
impl Span {
    fn __repr__(&self) -> String {
        format!(
            "Span({}..{}, {:?})",
            self.char_start, self.char_end, self.text
        )
    }
}

impl Span {
    fn new(text: &str, index: &CharIndex, start: usize, end: usize) -> Span {
        Span {
            start,
            end,
            char_start: index.at(start),
            char_end: index.at(end),
            text: text.get(start..end).unwrap_or_default().to_string(),
        }
    }
}

/// One sentence: offsets as in `Span`, and the paragraph it belongs to (0-based).
#[pyclass(frozen, get_all, module = "standpoint")]
#[derive(Clone)]
struct Sentence {
    index: usize,
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
    paragraph: usize,
    text: String,
}

#[pymethods]
impl Sentence {
    fn __repr__(&self) -> String {
        format!(
            "Sentence({}, {}..{}, {:?})",
            self.index, self.char_start, self.char_end, self.text
        )
    }
}

/// One quote or piece of reported speech: its content span(s), cue(s), source mention, the
/// resolved speaker and role, and whether it is a direct quote.
#[pyclass(frozen, get_all, module = "standpoint")]
#[derive(Clone)]
struct Attribution {
    content: Vec<Span>,
    cue: Vec<Span>,
    source: Option<Span>,
    speaker: Option<String>,
    role: Option<String>,
    direct: bool,
}

#[pymethods]
impl Attribution {
    fn __repr__(&self) -> String {
        format!(
            "Attribution(speaker={:?}, direct={}, content={:?})",
            self.speaker,
            if self.direct { "True" } else { "False" },
            self.content
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
        )
    }
}

/// segment(text) -> list[Sentence]
///
/// Splits a document into sentences (the same segmenter as `standpoint segment`).
#[pyfunction]
fn segment(py: Python<'_>, text: &str) -> Vec<Sentence> {
    py.allow_threads(|| {
        let index = CharIndex::new(text);
        standpoint_segment::Segmenter::default()
            .sentences(text)
            .enumerate()
            .map(|(i, s)| Sentence {
                index: i,
                start: s.start,
                end: s.end,
                char_start: index.at(s.start),
                char_end: index.at(s.end),
                paragraph: s.paragraph,
                text: s.text(text).to_string(),
            })
            .collect()
    })
}

/// attribute(text) -> list[Attribution]
///
/// Finds who said what (the rules of `standpoint attribute`): quotes, reported speech, cues,
/// sources and speakers resolved within the document.
#[pyfunction]
fn attribute(py: Python<'_>, text: &str) -> Vec<Attribution> {
    py.allow_threads(|| {
        let index = CharIndex::new(text);
        let span = |s: &standpoint_attribute::Span| Span::new(text, &index, s.start, s.end);
        standpoint_attribute::Attributor::default()
            .attribute(text)
            .iter()
            .map(|a| Attribution {
                content: a.content.iter().map(span).collect(),
                cue: a.cue.iter().map(span).collect(),
                source: a.source.as_ref().map(span),
                speaker: a.speaker.clone(),
                role: a.role.clone(),
                direct: a.direct,
            })
            .collect()
    })
}

/// The native module.
#[pymodule]
fn _standpoint(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Span>()?;
    m.add_class::<Sentence>()?;
    m.add_class::<Attribution>()?;
    m.add_function(wrap_pyfunction!(segment, m)?)?;
    m.add_function(wrap_pyfunction!(attribute, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::CharIndex;

    #[test]
    fn byte_offsets_become_character_offsets() {
        let text = "“Ja,” sagte Müller.";
        let index = CharIndex::new(text);
        let b = text.find("sagte").unwrap();
        assert_eq!(index.at(b), text[..b].chars().count());
        assert_eq!(index.at(text.len()), text.chars().count());
        assert_eq!(index.at(0), 0);
    }
}
