//! Reading a run folder: run.json, groups.json, the first documents of documents.jsonl and the
//! first skipped records of errors.jsonl; from state.json when the run has not finished. What
//! is missing or unreadable becomes a note in the report, not a failure, whenever something
//! can still be shown.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use standpoint_aggregate::{DecisionRule, GroupSummary, Summary};
use standpoint_pipeline::checkpoint::State;

use crate::Error;

/// What run.json records (the parts a report shows).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Manifest {
    /// standpoint's version.
    pub version: String,
    /// Input files and folders.
    pub inputs: Vec<String>,
    /// Targets, in order.
    pub targets: Vec<String>,
    /// The model's manifest.
    pub model: String,
    /// The classifier's name.
    pub classifier: String,
    /// Groupings (`all`, `source`, `date:month`, `source+date:month`, ...).
    pub groupings: Vec<String>,
    /// Evidence sentences kept per side.
    pub evidence_per_side: usize,
    /// The decision rule.
    pub decision_rule: Option<DecisionRule>,
    /// The shard (`K/N`), if any.
    pub shard: Option<String>,
    /// Record counts.
    pub counts: Counts,
    /// Timings.
    pub timings: Option<Timings>,
    /// Whether the run finished.
    pub complete: bool,
}

/// Record counts of a run.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct Counts {
    /// Input records read.
    pub input_records: u64,
    /// Documents classified.
    pub documents: u64,
    /// Their sentences.
    pub sentences: u64,
    /// Bad records skipped.
    pub errors: u64,
    /// Documents whose id an earlier one had.
    pub duplicate_ids: u64,
    /// Records left to other shards.
    pub other_shards: u64,
}

/// Timings of a run.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct Timings {
    /// Processing seconds.
    pub seconds: f64,
    /// Documents per second.
    pub documents_per_second: f64,
    /// Sentences per second.
    pub sentences_per_second: f64,
}

/// One document of documents.jsonl (the parts a report shows).
#[derive(Debug, Clone, Deserialize)]
pub struct DocRow {
    /// Position in the input.
    pub seq: u64,
    /// Document id.
    pub doc: String,
    /// Metadata (source, date, ...).
    #[serde(default)]
    pub meta: BTreeMap<String, String>,
    /// Sentences.
    pub sentences: u64,
    /// Summary per target.
    pub stance: BTreeMap<String, Summary>,
}

/// One skipped record of errors.jsonl.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorRow {
    /// The file it came from.
    pub file: String,
    /// Its line (0 for a whole file).
    #[serde(default)]
    pub line: u64,
    /// Its id, when one was read.
    #[serde(default)]
    pub id: Option<String>,
    /// What was wrong.
    pub error: String,
}

/// How much of a large run folder a report reads.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Documents read for the document table.
    pub documents: usize,
    /// Skipped records listed.
    pub errors: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            documents: 1000,
            errors: 20,
        }
    }
}

/// Records read from the start of a JSONL file.
#[derive(Debug, Clone)]
pub struct Lines<T> {
    /// The records read, in file order.
    pub rows: Vec<T>,
    /// Whether the file goes on after them (the rest is not read: a report's cost does not
    /// grow with the corpus).
    pub more: bool,
}

/// A run folder, read.
#[derive(Debug, Clone)]
pub struct RunFolder {
    /// The folder.
    pub dir: PathBuf,
    /// run.json (or, for an unfinished run, what state.json says).
    pub manifest: Manifest,
    /// Every group's summary (groups.json, or the last checkpoint's aggregates).
    pub groups: Vec<GroupSummary>,
    /// The first documents.
    pub documents: Lines<DocRow>,
    /// The first skipped records.
    pub errors: Lines<ErrorRow>,
    /// What is missing, unreadable or unfinished, in words.
    pub notes: Vec<String>,
    /// Whether the run has not finished (the report shows its last checkpoint).
    pub partial: bool,
    /// Corrected estimates from a hand-labelled sample (`run --labels`: estimates.json), empty
    /// without one.
    pub estimates: Vec<standpoint_validate::estimate::Report>,
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl RunFolder {
    /// Reads a run folder.
    ///
    /// A finished run is read from run.json and groups.json. A run that has not finished (killed,
    /// or still running) is read from its last checkpoint (state.json), with a note saying so;
    /// so is a finished run whose groups.json is missing or damaged. A missing or damaged
    /// documents.jsonl or errors.jsonl leaves its table out, with a note. Fails only when
    /// nothing can be shown: no folder, or neither run.json nor state.json readable.
    pub fn load(dir: &Path, limits: Limits) -> Result<RunFolder, Error> {
        if !dir.is_dir() {
            return Err(Error::NotARun {
                dir: dir.to_path_buf(),
                reason: if dir.exists() {
                    "not a folder".into()
                } else {
                    "no such folder".into()
                },
            });
        }
        let mut notes = Vec::new();
        let running = standpoint_pipeline::lock::is_locked(dir);
        if running {
            notes.push(
                "A run or merge is writing to this folder now: this report shows its last \
                 checkpoint; make it again when the run has finished."
                    .to_string(),
            );
        }
        let run_json = dir.join("run.json");
        let manifest: Option<Manifest> = match std::fs::read_to_string(&run_json) {
            Ok(text) => match serde_json::from_str(&text) {
                Ok(m) => Some(m),
                Err(e) => {
                    notes.push(format!("run.json is unreadable ({e})."));
                    None
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(Error::Io {
                    action: "reading",
                    path: run_json,
                    source: e,
                })
            }
        };
        let finished = manifest.as_ref().is_some_and(|m| m.complete) && !running;
        let groups = if finished {
            match read_groups(&dir.join("groups.json")) {
                Ok(g) => Some(g),
                Err(why) => {
                    notes.push(format!(
                        "groups.json {why}: the groups come from state.json."
                    ));
                    None
                }
            }
        } else {
            None
        };
        let (manifest, groups, partial) = match (manifest, groups) {
            (Some(m), Some(g)) => (m, g, false),
            (m, _) => {
                let state = State::load(dir).map_err(|e| Error::NotARun {
                    dir: dir.to_path_buf(),
                    reason: format!("state.json is unreadable: {e}"),
                })?;
                let Some(state) = state else {
                    return Err(Error::NotARun {
                        dir: dir.to_path_buf(),
                        reason: match m {
                            Some(_) => "groups.json and state.json are both missing or \
                                        unreadable"
                                .into(),
                            None => "no run.json or state.json: not a standpoint run folder, or \
                                     a run that has not written its first checkpoint yet"
                                .into(),
                        },
                    });
                };
                if !state.complete && !running {
                    notes.push(format!(
                        "This run has not finished: the report shows its last checkpoint \
                         ({} documents). Run the same `standpoint run` command again to resume it.",
                        state.documents
                    ));
                }
                let from_state = from_state(&state);
                let manifest = match m {
                    Some(mut m) => {
                        m.complete = state.complete && !running;
                        m
                    }
                    None => from_state.0,
                };
                (manifest, from_state.1, true)
            }
        };
        let documents = read_lines(&dir.join("documents.jsonl"), limits.documents, &mut notes);
        let errors = read_lines(&dir.join("errors.jsonl"), limits.errors, &mut notes);
        let estimates = match std::fs::read_to_string(dir.join("estimates.json")) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
                notes.push(format!("estimates.json is unreadable ({e}); left out."));
                Vec::new()
            }),
            Err(_) => Vec::new(),
        };
        Ok(RunFolder {
            dir: dir.to_path_buf(),
            manifest,
            groups,
            documents,
            errors,
            notes,
            partial,
            estimates,
        })
    }

    /// The groups of one grouping toward one target, in file order.
    pub fn groups_of<'a>(
        &'a self,
        grouping: &'a str,
        target: &'a str,
    ) -> impl Iterator<Item = &'a GroupSummary> + 'a {
        self.groups
            .iter()
            .filter(move |g| g.grouping == grouping && g.target == target)
    }
}

fn read_groups(path: &Path) -> Result<Vec<GroupSummary>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("is missing".into()),
        Err(e) => return Err(format!("cannot be read ({e})")),
    };
    serde_json::from_str(&text).map_err(|e| format!("is unreadable ({e})"))
}

/// Manifest and groups from a checkpoint, as run.json and groups.json would have them.
fn from_state(state: &State) -> (Manifest, Vec<GroupSummary>) {
    let groups = state.aggregates.summaries();
    let spec = &state.spec;
    let manifest = Manifest {
        version: String::new(),
        inputs: spec
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        targets: spec.targets.clone(),
        model: spec.model.display().to_string(),
        classifier: String::new(),
        groupings: spec.groupings.iter().map(|g| g.name()).collect(),
        evidence_per_side: spec.evidence,
        decision_rule: Some(*state.aggregates.rule()),
        shard: state.shard.map(|s| s.to_string()),
        counts: Counts {
            input_records: state.items_done,
            documents: state.documents,
            sentences: state.sentences,
            errors: state.errors,
            duplicate_ids: state.duplicate_ids,
            other_shards: state.other_shards,
        },
        timings: None,
        complete: state.complete,
    };
    (manifest, groups)
}

/// The first `cap` records of a JSONL file. A missing file, an unreadable line or a last line
/// cut short (no newline: a run killed mid-write) ends the records with a note.
fn read_lines<T: serde::de::DeserializeOwned>(
    path: &Path,
    cap: usize,
    notes: &mut Vec<String>,
) -> Lines<T> {
    let name = file_name(path);
    let mut out = Lines {
        rows: Vec::new(),
        more: false,
    };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            notes.push(if e.kind() == std::io::ErrorKind::NotFound {
                format!("{name} is missing.")
            } else {
                format!("{name} cannot be read ({e}).")
            });
            return out;
        }
    };
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        match reader.by_ref().read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                notes.push(format!("{name} cannot be read after line {n} ({e})."));
                break;
            }
        }
        n += 1;
        if out.rows.len() >= cap {
            out.more = true;
            break;
        }
        if line.last() != Some(&b'\n') {
            notes.push(format!(
                "{name} ends with a cut line (line {n}, no newline; a run killed while \
                 writing?): it is left out."
            ));
            break;
        }
        match serde_json::from_slice::<T>(&line) {
            Ok(r) => out.rows.push(r),
            Err(e) => {
                notes.push(format!("{name} line {n}: {e}; the table stops before it."));
                out.more = true;
                break;
            }
        }
    }
    out
}
