//! Labelled stance data: JSONL records `{"id","text","target","label"}`.

use std::path::Path;

use serde::Deserialize;

use crate::{Error, Label};

/// One labelled example.
///
/// ```
/// use standpoint_stance::{data::Example, Label};
/// let e = Example { id: "1".into(), text: "Stop the war".into(), target: "a ceasefire".into(),
///                   label: Label::Favor, seen: None, context: String::new(),
///                   source_label: None };
/// assert_eq!(e.label, Label::Favor);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Record id.
    pub id: String,
    /// The text.
    pub text: String,
    /// The target the stance is toward.
    pub target: String,
    /// The gold label.
    pub label: Label,
    /// VAST's `seen` flag (0 = zero-shot topic), when present.
    pub seen: Option<i64>,
    /// Text before `text` that a context-reading model may read (field `context`; `""` when
    /// absent). The label is the stance of `text` alone.
    pub context: String,
    /// The source data set's own label when it had more classes than three (ARC's
    /// `arc_stance`, FNC-1's `fnc_label`: "discuss", "unrelated", ...).
    pub source_label: Option<String>,
}

#[derive(Deserialize)]
struct Raw {
    id: Option<serde_json::Value>,
    text: Option<String>,
    target: Option<String>,
    label: Option<String>,
    seen: Option<i64>,
    context: Option<String>,
    arc_stance: Option<String>,
    fnc_label: Option<String>,
}

/// Reads a labelled JSONL file. Bad rows (malformed JSON, missing fields, unknown labels) are
/// returned as errors naming the file and line, next to the good examples; nothing is mapped
/// silently.
///
/// ```
/// let dir = std::env::temp_dir().join("standpoint-doc-data");
/// std::fs::create_dir_all(&dir).unwrap();
/// let f = dir.join("d.jsonl");
/// std::fs::write(&f, "{\"id\":\"a\",\"text\":\"t\",\"target\":\"x\",\"label\":\"FAVOR\"}\n{\"id\":\"b\",\"text\":\"t\",\"target\":\"x\",\"label\":\"maybe\"}\n").unwrap();
/// let (good, bad) = standpoint_stance::data::read_jsonl(&f).unwrap();
/// assert_eq!((good.len(), bad.len()), (1, 1));
/// assert!(bad[0].to_string().contains("d.jsonl:2"));
/// ```
pub fn read_jsonl(path: &Path) -> Result<(Vec<Example>, Vec<Error>), Error> {
    read_records(path, |raw: Raw, id| {
        let (Some(text), Some(target), Some(label)) = (raw.text, raw.target, raw.label) else {
            return Err(format!("id {id}: missing text, target or label"));
        };
        let label = label
            .parse::<Label>()
            .map_err(|e| format!("id {id}: {e}"))?;
        Ok(Example {
            id,
            text,
            target,
            label,
            seen: raw.seen,
            context: raw.context.unwrap_or_default(),
            source_label: raw.arc_stance.or(raw.fnc_label),
        })
    })
}

/// Records with an optional `id` field: a string, another JSON value (written as JSON), or
/// absent (`line{N}`).
pub(crate) trait WithId {
    /// Takes the id value out of the record.
    fn take_id(&mut self) -> Option<serde_json::Value>;
}

impl WithId for Raw {
    fn take_id(&mut self) -> Option<serde_json::Value> {
        self.id.take()
    }
}

/// Reads a JSONL file of `R` records, converting each with `convert(record, id)`; lines that
/// are not valid JSON for `R`, or that `convert` refuses, come back as errors naming the file
/// and line. Blank lines are skipped.
pub(crate) fn read_records<R: serde::de::DeserializeOwned + WithId, T>(
    path: &Path,
    mut convert: impl FnMut(R, String) -> Result<T, String>,
) -> Result<(Vec<T>, Vec<Error>), Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |message: String| Error::Record {
            file: path.to_path_buf(),
            line: n + 1,
            message,
        };
        let mut raw: R = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                bad.push(err(format!("malformed JSON: {e}")));
                continue;
            }
        };
        let id = match raw.take_id() {
            Some(serde_json::Value::String(s)) => s,
            Some(v) => v.to_string(),
            None => format!("line{}", n + 1),
        };
        match convert(raw, id) {
            Ok(t) => good.push(t),
            Err(m) => bad.push(err(m)),
        }
    }
    Ok((good, bad))
}

/// Whether `text` mentions `target`: the whole target, or every word of it longer than three
/// letters, occurs in the text (case-insensitively). Used to find *hard* NONE examples, texts
/// that name the target without taking a side.
///
/// ```
/// use standpoint_stance::data::mentions_target;
/// assert!(mentions_target("Talks on a Ceasefire resume.", "a ceasefire"));
/// assert!(mentions_target("The tariff is new.", "the new tariff"));
/// assert!(!mentions_target("Talks resume.", "a ceasefire"));
/// assert!(!mentions_target("Anything.", "a"));
/// ```
pub fn mentions_target(text: &str, target: &str) -> bool {
    let text = text.to_lowercase();
    let target = target.trim().to_lowercase();
    if target.chars().count() > 3 && text.contains(&target) {
        return true;
    }
    let words: Vec<&str> = target
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 3)
        .collect();
    !words.is_empty() && words.iter().all(|w| text.contains(w))
}
