//! What estimates need from a run folder (`standpoint run --out DIR`), read in streaming
//! passes so that a corpus of millions of sentences costs a few bytes per sentence: each
//! sentence's key (document position `seq`, sentence `index`), its predicted label toward one
//! target, and the value of a grouping field (`source`, `date`, `speaker`, ...).

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;

/// A stance label: the project's own ([`standpoint_types::Label`]).
pub use standpoint_types::Label;

/// Reads a hand label as people write it: what [`Label`]'s `FromStr` takes (`FAVOR`,
/// `AGAINST`, `NONE`, any case) and the shorthands `F` / `for` / `pro`, `A` / `con`, `N` /
/// `neutral`; `None` for anything else.
///
/// ```
/// use standpoint_validate::run::{parse_label, Label};
/// assert_eq!(parse_label(" f "), Some(Label::Favor));
/// assert_eq!(parse_label("against"), Some(Label::Against));
/// assert_eq!(parse_label("maybe"), None);
/// ```
pub fn parse_label(s: &str) -> Option<Label> {
    if let Ok(l) = s.parse() {
        return Some(l);
    }
    match s.trim().to_ascii_uppercase().as_str() {
        "F" | "FOR" | "PRO" => Some(Label::Favor),
        "A" | "CON" => Some(Label::Against),
        "N" | "NEUTRAL" => Some(Label::None),
        _ => None,
    }
}

/// One sentence of a run, as an estimate needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// The document's input position (unique even when ids repeat).
    pub seq: u64,
    /// The document's id.
    pub doc: String,
    /// The sentence's index in its document.
    pub index: u32,
    /// The classifier's label toward the target.
    pub predicted: Label,
    /// The grouping's value (`None` without a grouping).
    pub group: Option<String>,
    /// The stratifying field's value (`None` without one).
    pub stratum: Option<String>,
}

#[derive(Deserialize)]
struct SentenceLine {
    seq: u64,
    #[serde(default)]
    doc: String,
    index: u32,
    #[serde(default)]
    speaker: Option<String>,
    stance: HashMap<String, StanceLine>,
}

#[derive(Deserialize)]
struct StanceLine {
    label: Label,
}

#[derive(Deserialize)]
struct DocLine {
    seq: u64,
    #[serde(default)]
    meta: std::collections::BTreeMap<String, String>,
}

fn open(path: &Path) -> Result<std::io::BufReader<std::fs::File>, Error> {
    std::fs::File::open(path)
        .map(std::io::BufReader::new)
        .map_err(|e| Error::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

/// The sentences of run folder `dir` toward `target`, with the group of `group_by` (a grouping
/// as `run --group-by` takes it: `source`, `date:month`, `source+date:week`, or `speaker` for the
/// sentence's own speaker, `(none)` for the reporter's voice, one-word names folded into the
/// fuller name as groups.json folds them ([`standpoint_aggregate::speaker_aliases`])). Errors name the file and line.
pub fn sentences(
    dir: &Path,
    target: &str,
    group_by: Option<&str>,
    stratify_by: Option<&str>,
) -> Result<Vec<Sentence>, Error> {
    let parse = |spec: &str| {
        standpoint_aggregate::GroupBy::parse(spec).map_err(|e| Error::Usage {
            message: format!("grouping {spec}: {e}"),
        })
    };
    let doc_fields: Vec<(usize, standpoint_aggregate::GroupBy)> = [group_by, stratify_by]
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            g.filter(|g| *g != "speaker" && *g != "label")
                .map(|g| (i, g))
        })
        .map(|(i, g)| parse(g).map(|p| (i, p)))
        .collect::<Result<_, _>>()?;
    // Document metadata first (only when a document field is asked for).
    let mut groups: HashMap<u64, [Option<String>; 2]> = HashMap::new();
    if !doc_fields.is_empty() {
        let path = dir.join("documents.jsonl");
        for (i, line) in open(&path)?.lines().enumerate() {
            let line = line.map_err(|e| Error::Io {
                path: path.clone(),
                message: e.to_string(),
            })?;
            let d: DocLine = serde_json::from_str(&line).map_err(|e| Error::Line {
                path: path.clone(),
                line: i + 1,
                message: e.to_string(),
            })?;
            let mut keys = [None, None];
            for (i, g) in &doc_fields {
                keys[*i] = Some(g.key(&d.meta));
            }
            groups.insert(d.seq, keys);
        }
    }
    let path = dir.join("sentences.jsonl");
    let mut out = Vec::new();
    for (i, line) in open(&path)?.lines().enumerate() {
        let line = line.map_err(|e| Error::Io {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let bad = |message: String| Error::Line {
            path: path.clone(),
            line: i + 1,
            message,
        };
        let s: SentenceLine = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        let Some(st) = s.stance.get(target) else {
            return Err(bad(format!(
                "no stance toward {target:?} (a target of another run?)"
            )));
        };
        let key = |i: usize, spec: Option<&str>| match spec {
            Some("speaker") => Some(s.speaker.clone().unwrap_or_else(|| "(none)".into())),
            Some("label") => Some(st.label.as_str().to_string()),
            Some(_) => groups.get(&s.seq).and_then(|k| k[i].clone()),
            None => None,
        };
        out.push(Sentence {
            seq: s.seq,
            doc: s.doc.clone(),
            index: s.index,
            predicted: st.label,
            group: key(0, group_by),
            stratum: key(1, stratify_by),
        });
    }
    // Speakers as groups.json names them: one-word aliases folded into the fuller name.
    let by_speaker = [group_by, stratify_by].map(|g| g == Some("speaker"));
    if by_speaker.iter().any(|b| *b) {
        let names: std::collections::BTreeSet<String> = out
            .iter()
            .flat_map(|s| {
                [(by_speaker[0], &s.group), (by_speaker[1], &s.stratum)]
                    .into_iter()
                    .filter(|(b, _)| *b)
                    .filter_map(|(_, k)| k.clone())
            })
            .collect();
        let aliases = standpoint_aggregate::speaker_aliases(names.iter().map(String::as_str));
        for s in &mut out {
            for (b, k) in [
                (by_speaker[0], &mut s.group),
                (by_speaker[1], &mut s.stratum),
            ] {
                if let (true, Some(name)) = (b, k.as_mut()) {
                    if let Some(full) = aliases.get(name.as_str()) {
                        *name = full.clone();
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Checks that run folder `dir` has finished: a sample of an unfinished run would miss the
/// sentences still to come, and its inclusion probabilities would be wrong.
pub fn check_complete(dir: &Path) -> Result<(), Error> {
    let path: PathBuf = dir.join("state.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
        path: path.clone(),
        message: format!("{e} (not a run folder?)"),
    })?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Line {
        path: path.clone(),
        line: 1,
        message: e.to_string(),
    })?;
    if v.get("complete").and_then(serde_json::Value::as_bool) != Some(true) {
        return Err(Error::Usage {
            message: format!(
                "{} has not finished: finish the run (the same command resumes it), then sample",
                dir.display()
            ),
        });
    }
    Ok(())
}

/// The folder's `state.json` `spec` hashed (FNV-1a, 16 hex digits): the same run gives the same
/// id, so a label file can say which run its sentences come from.
pub fn run_id(dir: &Path) -> Result<String, Error> {
    let path: PathBuf = dir.join("state.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Line {
        path: path.clone(),
        line: 1,
        message: e.to_string(),
    })?;
    let spec = v.get("spec").cloned().unwrap_or_default().to_string();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in spec.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    Ok(format!("{h:016x}"))
}

/// The keys ([`standpoint_types::sentence_key`]) of the (target, sentence) pairs the run's model
/// was adapted on (`standpoint train --from` records them in its manifest as
/// `adapted.sentence_keys`; ensemble members are looked into too), or `None` when it was not
/// adapted. When the run's model manifest cannot be read (moved, or named relative to another
/// folder), the check cannot be made: `None` and a note saying so.
pub fn trained_keys(
    dir: &Path,
) -> Result<(Option<std::collections::HashSet<String>>, Option<String>), Error> {
    let path = dir.join("run.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let run: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Io {
        path: path.clone(),
        message: format!("not a run's run.json ({e})"),
    })?;
    let Some(model) = run.get("model").and_then(|m| m.as_str()) else {
        return Ok((None, None));
    };
    let mut keys = std::collections::HashSet::new();
    let mut unread = None;
    let mut stack = vec![(PathBuf::from(model), 0)];
    while let Some((manifest, depth)) = stack.pop() {
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            unread = Some(manifest);
            continue;
        };
        let Ok(m) = serde_json::from_str::<serde_json::Value>(&text) else {
            unread = Some(manifest);
            continue;
        };
        if let Some(list) = m
            .pointer("/adapted/sentence_keys")
            .and_then(|k| k.as_array())
        {
            keys.extend(list.iter().filter_map(|k| k.as_str()).map(str::to_string));
        }
        if let (Some(members), true) = (m.get("members").and_then(|x| x.as_array()), depth < 4) {
            let base = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
            for member in members {
                if let Some(p) = member.get("model").and_then(|p| p.as_str()) {
                    stack.push((base.join(p), depth + 1));
                }
            }
        }
    }
    let note = unread.map(|p| {
        format!(
            "the run's model manifest {} could not be read here, so whether these labels \
             trained it (`standpoint train --from`) was not checked",
            p.display()
        )
    });
    Ok(((!keys.is_empty()).then_some(keys), note))
}
