//! What a run folder records about itself: the run's settings ([`RunSpec`]) and its
//! checkpoint ([`State`]: input position, output lengths and tail hashes, partial aggregates),
//! written atomically after every chunk, and the checks that make a resume safe.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use standpoint_aggregate::{Aggregates, DecisionRule, GroupBy};

use crate::error::{Error, Result};
use crate::hash::{fnv1a, fnv1a_extend, FNV_OFFSET};
use crate::shard::Shard;

/// Version of the state.json layout.
pub const STATE_VERSION: u32 = 1;

/// Line-oriented outputs, appended chunk by chunk.
pub const LINE_FILES: [&str; 4] = [
    "sentences.jsonl",
    "documents.jsonl",
    "documents.csv",
    "errors.jsonl",
];

/// What a run is: everything that changes its output. Resuming requires the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSpec {
    /// Input files and folders (`-` = standard input).
    pub inputs: Vec<PathBuf>,
    /// Input format name ([`Format::name`](crate::read::Format::name)).
    pub format: String,
    /// The id field.
    pub id_field: String,
    /// The text field.
    pub text_field: String,
    /// The targets, in order.
    pub targets: Vec<String>,
    /// The model's manifest.
    pub model: PathBuf,
    /// Groupings (always `all` first).
    pub groupings: Vec<GroupBy>,
    /// Evidence sentences kept per side.
    pub evidence: usize,
    /// The decision rule.
    pub rule: DecisionRule,
    /// Documents per chunk (and checkpoint).
    pub chunk_docs: usize,
    /// Documents larger than this are bad records.
    pub max_doc_bytes: usize,
    /// The attribution tagger folder(s) that found speakers; empty: the rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attribution: Vec<PathBuf>,
    /// With a tagger: keep its direct quotes and reporting attributions and let the rules find
    /// the rest (`standpoint_attribute::Attributor::combine`, `run --tagger … --combine`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub combine: bool,
    /// A hash of the model's contents (manifest, weights, encoder; taggers): the same path may
    /// hold another model after a retrain or an edit, and a run must not mix two.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_fingerprint: Option<String>,
    /// The precision the model's encoders ran in (`int8`); `None`: fp32.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<String>,
}

impl RunSpec {
    /// The settings in which `other` differs from this run in ways that change the output,
    /// by name (`targets`, `model contents`, ...); empty: the same run. `chunk_docs` is not
    /// among them (checkpoint spacing only), and inputs are compared by the files they name,
    /// so `./a.jsonl` and `a.jsonl` are the same input.
    ///
    /// ```
    /// # use standpoint_pipeline::checkpoint::RunSpec;
    /// # let spec = RunSpec { inputs: vec!["a.jsonl".into()], format: "auto".into(),
    /// #     id_field: "id".into(), text_field: "text".into(), targets: vec!["x".into()],
    /// #     model: "m.json".into(), groupings: vec![standpoint_aggregate::GroupBy::All],
    /// #     evidence: 3, rule: Default::default(), chunk_docs: 64, max_doc_bytes: 1 << 20,
    /// #     attribution: Vec::new(), combine: false, model_fingerprint: Some("1".into()),
    /// #     precision: None };
    /// let mut other = spec.clone();
    /// other.chunk_docs = 8;
    /// other.inputs = vec!["./a.jsonl".into()];
    /// assert!(spec.differences(&other).is_empty());
    /// other.model_fingerprint = Some("2".into());
    /// other.targets.push("y".into());
    /// assert_eq!(spec.differences(&other), ["targets", "model contents"]);
    /// let mut int8 = spec.clone();
    /// int8.precision = Some("int8".into());
    /// assert_eq!(spec.differences(&int8), ["precision"]);
    /// ```
    pub fn differences(&self, other: &RunSpec) -> Vec<&'static str> {
        let same_inputs = self.inputs.len() == other.inputs.len()
            && self
                .inputs
                .iter()
                .zip(&other.inputs)
                .all(|(a, b)| same_path(a, b));
        let same_taggers = self.attribution.len() == other.attribution.len()
            && self
                .attribution
                .iter()
                .zip(&other.attribution)
                .all(|(a, b)| same_path(a, b))
            && self.combine == other.combine;
        let checks = [
            (same_inputs, "inputs"),
            (self.format == other.format, "format"),
            (self.id_field == other.id_field, "id field"),
            (self.text_field == other.text_field, "text field"),
            (self.targets == other.targets, "targets"),
            (same_path(&self.model, &other.model), "model"),
            (
                self.model_fingerprint == other.model_fingerprint,
                "model contents",
            ),
            (self.groupings == other.groupings, "groupings"),
            (self.evidence == other.evidence, "evidence"),
            (self.rule == other.rule, "decision rule"),
            (self.max_doc_bytes == other.max_doc_bytes, "max doc bytes"),
            (same_taggers, "attribution"),
            (
                self.precision.as_deref().unwrap_or("fp32")
                    == other.precision.as_deref().unwrap_or("fp32"),
                "precision",
            ),
        ];
        checks
            .into_iter()
            .filter(|(same, _)| !same)
            .map(|(_, name)| name)
            .collect()
    }
}

/// The same file: equal as written, or both resolving to one existing file (`-` only equals
/// itself).
fn same_path(a: &Path, b: &Path) -> bool {
    if a.as_os_str() == "-" || b.as_os_str() == "-" {
        return a == b;
    }
    fn plain(p: &Path) -> Vec<std::path::Component<'_>> {
        p.components()
            .filter(|c| *c != std::path::Component::CurDir)
            .collect()
    }
    if plain(a) == plain(b) {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Checkpoint and final state of an output folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    /// [`STATE_VERSION`].
    pub version: u32,
    /// The run's settings.
    pub spec: RunSpec,
    /// This folder's shard, if any.
    pub shard: Option<Shard>,
    /// Input items consumed (every record of every shard, good or bad).
    pub items_done: u64,
    /// Byte length of each line file at the checkpoint.
    pub lengths: BTreeMap<String, u64>,
    /// FNV-1a hash of the last (up to) 4 KiB before each line file's checkpoint length: a
    /// resume checks it, so a file edited or replaced after a kill is refused, not appended to.
    #[serde(default)]
    pub tails: BTreeMap<String, u64>,
    /// Group aggregates so far.
    pub aggregates: Aggregates,
    /// Documents written.
    pub documents: u64,
    /// Sentences written.
    pub sentences: u64,
    /// Bad records skipped.
    pub errors: u64,
    /// Records left to other shards.
    pub other_shards: u64,
    /// Processing seconds summed over all sessions of the run.
    pub seconds: f64,
    /// Whether the run has finished.
    pub complete: bool,
    /// Fingerprints of the inputs when the run started ([`fingerprint`](crate::read::fingerprint)),
    /// checked on resume: records are found again by their position, so a changed input cannot
    /// be resumed.
    #[serde(default)]
    pub fingerprints: Vec<Option<String>>,
    /// Documents whose id an earlier document already had (both are kept and reported).
    #[serde(default)]
    pub duplicate_ids: u64,
    /// A merge with `--partial`: the shards (`K/N`) that were not merged, whose documents are
    /// missing from the outputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_shards: Vec<String>,
}

impl State {
    /// A new run's state: nothing done yet.
    pub fn new(spec: RunSpec, shard: Option<Shard>) -> State {
        State {
            version: STATE_VERSION,
            aggregates: Aggregates::with_rule(spec.groupings.clone(), spec.evidence, spec.rule),
            fingerprints: spec
                .inputs
                .iter()
                .map(|p| crate::read::fingerprint(p))
                .collect(),
            spec,
            shard,
            items_done: 0,
            lengths: BTreeMap::new(),
            tails: BTreeMap::new(),
            documents: 0,
            sentences: 0,
            errors: 0,
            other_shards: 0,
            seconds: 0.0,
            complete: false,
            duplicate_ids: 0,
            missing_shards: Vec::new(),
        }
    }

    /// Reads `dir/state.json`; `None` when there is none.
    pub fn load(dir: &Path) -> Result<Option<State>> {
        let p = dir.join("state.json");
        if !p.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&p).map_err(Error::io("reading", &p))?;
        let state: State = serde_json::from_str(&text).map_err(|source| Error::Json {
            path: p.clone(),
            source,
        })?;
        if let Some(why) = state.inconsistency() {
            return Err(Error::StateInconsistent { path: p, why });
        }
        Ok(Some(state))
    }

    /// What does not add up in a checkpoint (an edited or damaged state.json), or `None`: every
    /// input item is a document, a bad record or another shard's; every document is in the
    /// `all` group of every target; the line files' lengths are recorded once work was done.
    pub fn inconsistency(&self) -> Option<String> {
        let accounted = self.documents + self.errors + self.other_shards;
        if self.missing_shards.is_empty() && self.items_done != accounted {
            return Some(format!(
                "{} input items done, but {} documents + {} bad records + {} of other shards = \
                 {accounted}",
                self.items_done, self.documents, self.errors, self.other_shards
            ));
        }
        for target in &self.spec.targets {
            let in_all = self
                .aggregates
                .get("all", "all", target)
                .map_or(0, |g| g.documents.total());
            if in_all != self.documents {
                return Some(format!(
                    "{} documents, but the summary of {target:?} counts {in_all}",
                    self.documents
                ));
            }
        }
        if self.items_done > 0 {
            if let Some(f) = LINE_FILES.iter().find(|f| !self.lengths.contains_key(**f)) {
                return Some(format!("no checkpointed length of {f}"));
            }
        }
        None
    }

    /// Writes `dir/state.json` atomically (temporary file, fsync, rename).
    pub fn save(&self, dir: &Path) -> Result<()> {
        replace_file(&dir.join("state.json"), |f| {
            serde_json::to_writer(&mut *f, self)?;
            f.write_all(b"\n")
        })
    }
}

/// Writes `path` whole and atomically: into `path.tmp`, synced, then renamed over `path`. On
/// any failure (disk full, ...) the temporary file is removed, `path` keeps its old content, and
/// the error names `path`.
pub fn replace_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    // Never rename over a link, device or pipe, nor write through a planted temporary name.
    crate::safe::check_replaceable(path)?;
    let file = crate::safe::create_fresh(&tmp)?;
    let result = (|| -> io::Result<()> {
        let mut w = BufWriter::new(file);
        write(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io("writing", path)(e));
    }
    Ok(())
}

/// FNV-1a hashes of the `doc` ids in a documents.jsonl file (empty when there is none).
pub fn written_ids(path: &Path) -> Result<HashSet<u64>> {
    #[derive(Deserialize)]
    struct Id {
        doc: String,
    }
    let mut ids = HashSet::new();
    let Ok(f) = File::open(path) else {
        return Ok(ids);
    };
    for line in io::BufRead::lines(io::BufReader::new(f)) {
        let line = line.map_err(Error::io("reading", path))?;
        let id: Id = serde_json::from_str(&line).map_err(|_| Error::NoDocId {
            path: path.to_path_buf(),
        })?;
        ids.insert(fnv1a(&id.doc));
    }
    Ok(ids)
}

/// FNV-1a hash of the last (up to) 4 KiB of `path` before byte `len`.
pub fn tail_hash(path: &Path, len: u64) -> Result<u64> {
    (|| -> io::Result<u64> {
        let mut f = File::open(path)?;
        let start = len.saturating_sub(4096);
        io::Seek::seek(&mut f, io::SeekFrom::Start(start))?;
        let mut buf = vec![0u8; (len - start) as usize];
        io::Read::read_exact(&mut f, &mut buf)?;
        Ok(fnv1a_extend(FNV_OFFSET, &buf))
    })()
    .map_err(Error::io("reading", path))
}

/// Checks that a line file still holds what its checkpoint recorded: at least `len` bytes, the
/// last 4 KiB of which hash to `tail` (when recorded). Returns the file's length (0 when it is
/// missing). A file cut, deleted or edited since is an error naming it.
pub fn check_checkpointed(path: &Path, len: u64, tail: Option<u64>) -> Result<u64> {
    let have = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if len == 0 {
        return Ok(have);
    }
    if have < len {
        return Err(Error::CheckpointCut {
            path: path.to_path_buf(),
            have,
            len,
        });
    }
    if let Some(want) = tail {
        if tail_hash(path, len)? != want {
            return Err(Error::CheckpointChanged {
                path: path.to_path_buf(),
            });
        }
    }
    Ok(have)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("standpoint-ckpt-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    #[test]
    fn checkpointed_files_must_keep_their_recorded_bytes() {
        let dir = temp("check");
        let p = dir.join("lines.jsonl");
        std::fs::write(&p, b"{\"seq\":0}\n{\"seq\":1}\n").unwrap();
        let len = 10;
        let tail = tail_hash(&p, len).unwrap();
        // Longer than the checkpoint (written after it): fine, returns the length.
        assert_eq!(check_checkpointed(&p, len, Some(tail)).unwrap(), 20);
        // Edited inside the checkpointed part.
        std::fs::write(&p, b"{\"seq\":9}\n{\"seq\":1}\n").unwrap();
        assert!(matches!(
            check_checkpointed(&p, len, Some(tail)),
            Err(Error::CheckpointChanged { .. })
        ));
        // Cut short, or deleted.
        std::fs::write(&p, b"{\"seq\"").unwrap();
        assert!(matches!(
            check_checkpointed(&p, len, Some(tail)),
            Err(Error::CheckpointCut {
                have: 6,
                len: 10,
                ..
            })
        ));
        std::fs::remove_file(&p).unwrap();
        assert!(check_checkpointed(&p, len, Some(tail)).is_err());
        // Nothing checkpointed yet: anything goes.
        assert_eq!(check_checkpointed(&p, 0, None).unwrap(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn state_round_trips_and_a_failed_replace_keeps_the_old_file() {
        let dir = temp("state");
        let spec = RunSpec {
            inputs: vec!["-".into()],
            format: "jsonl".into(),
            id_field: "id".into(),
            text_field: "text".into(),
            targets: vec!["a ceasefire".into()],
            model: "m.json".into(),
            groupings: vec![GroupBy::All],
            evidence: 3,
            rule: DecisionRule::default(),
            chunk_docs: 64,
            max_doc_bytes: 1000,
            attribution: Vec::new(),
            combine: false,
            model_fingerprint: Some("0123456789abcdef".into()),
            precision: Some("int8".into()),
        };
        let mut state = State::new(spec, Some("2/4".parse().unwrap()));
        state.items_done = 17;
        state.other_shards = 17;
        state.lengths = LINE_FILES.iter().map(|f| (f.to_string(), 0)).collect();
        state.save(&dir).unwrap();
        let back = State::load(&dir).unwrap().unwrap();
        assert_eq!(
            (back.items_done, back.shard, back.spec),
            (17, state.shard, state.spec.clone())
        );
        // A write that fails half way leaves the previous state.json whole.
        let err = replace_file(&dir.join("state.json"), |f| {
            f.write_all(b"{\"broken")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("state.json"), "{err}");
        assert_eq!(State::load(&dir).unwrap().unwrap().items_done, 17);
        assert!(!dir.join("state.json.tmp").exists());
        // A damaged state.json is an error naming it, not a fresh start.
        std::fs::write(dir.join("state.json"), b"{").unwrap();
        assert!(matches!(State::load(&dir), Err(Error::Json { .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
