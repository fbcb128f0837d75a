//! `standpoint run`: corpus in, sentence / document / group stance out, streaming, parallel,
//! resumable and shardable.
//!
//! A reader thread reads records in input order, keeps this shard's documents, segments each
//! chunk of documents in a rayon pool and hands the chunk over a bounded channel; the main
//! thread classifies every sentence of a chunk against all targets (the model batches by
//! length), writes the chunk's lines, folds document tallies into the group aggregates and then
//! checkpoints: output lengths, input position and aggregates go to `state.json` atomically.
//! A restarted run truncates the outputs to the checkpoint and reads on from there, so nothing
//! is lost or written twice.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use standpoint_aggregate::{Aggregates, DecisionRule, GroupBy, Observation, Summary, Tally};
use standpoint_segment::{Segmenter, Sentence};
use standpoint_stance::Probs;

use crate::args::RunArgs;
use crate::classify_cmd::StanceOut;
use crate::input::{fingerprint, Bad, Doc, Fields, Item, Reader};
use crate::model_setup::{load_classifier, manifest_path, set_threads};
use crate::Outcome;

pub const STATE_VERSION: u32 = 1;

/// Line-oriented outputs, appended chunk by chunk.
pub const LINE_FILES: [&str; 4] = [
    "sentences.jsonl",
    "documents.jsonl",
    "documents.csv",
    "errors.jsonl",
];

const DOC_CSV_HEADER: &str =
    "seq,doc,target,sentences,favor,against,none,mean_favor,mean_against,mean_none,net,decision\n";

/// 64-bit FNV-1a: a stable hash for shard assignment (the same on every machine and version).
pub fn fnv1a(s: &str) -> u64 {
    fnv1a_extend(FNV_OFFSET, s.as_bytes())
}

/// FNV-1a's starting value.
pub const FNV_OFFSET: u64 = 0xcbf29ce484222325;

/// Continues an FNV-1a hash `h` over `bytes` (start from [`FNV_OFFSET`]).
pub fn fnv1a_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// `K/N`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 2/8")?;
        let k: u64 = k.trim().parse().map_err(|_| "K is not a number")?;
        let n: u64 = n.trim().parse().map_err(|_| "N is not a number")?;
        if n == 0 || k == 0 || k > n {
            return Err("need 1 <= K <= N".into());
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    fn owns(&self, key: &str) -> bool {
        fnv1a(key) % self.n == self.k - 1
    }
}

/// What a run is: everything that changes its output. Resuming requires the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSpec {
    pub inputs: Vec<PathBuf>,
    pub format: String,
    pub id_field: String,
    pub text_field: String,
    pub targets: Vec<String>,
    pub model: PathBuf,
    pub groupings: Vec<GroupBy>,
    pub evidence: usize,
    pub rule: DecisionRule,
    pub chunk_docs: usize,
    pub max_doc_bytes: usize,
}

/// Checkpoint and final state of an output folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    pub spec: RunSpec,
    pub shard: Option<Shard>,
    /// Input items consumed (every record of every shard, good or bad).
    pub items_done: u64,
    /// Byte length of each line file at the checkpoint.
    pub lengths: BTreeMap<String, u64>,
    /// FNV-1a hash of the last (up to) 4 KiB before each line file's checkpoint length: a
    /// resume checks it, so a file edited or replaced after a kill is refused, not appended to.
    #[serde(default)]
    pub tails: BTreeMap<String, u64>,
    pub aggregates: Aggregates,
    pub documents: u64,
    pub sentences: u64,
    pub errors: u64,
    pub other_shards: u64,
    /// Processing seconds summed over all sessions of the run.
    pub seconds: f64,
    pub complete: bool,
    /// Fingerprints of the inputs when the run started (`input::fingerprint`), checked on
    /// resume: records are found again by their position, so a changed input cannot be resumed.
    #[serde(default)]
    pub fingerprints: Vec<Option<String>>,
    /// Documents whose id an earlier document already had (both are kept and reported).
    #[serde(default)]
    pub duplicate_ids: u64,
}

impl State {
    pub fn load(dir: &Path) -> Result<Option<State>> {
        let p = dir.join("state.json");
        if !p.exists() {
            return Ok(None);
        }
        let text =
            std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
        Ok(Some(
            serde_json::from_str(&text).with_context(|| format!("parsing {}", p.display()))?,
        ))
    }

    /// Writes atomically (temporary file, fsync, rename).
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
    let result = (|| -> io::Result<()> {
        let mut w = BufWriter::new(File::create(&tmp)?);
        write(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing {}", path.display()));
    }
    Ok(())
}

struct Outputs {
    dir: PathBuf,
    files: Vec<(BufWriter<File>, u64)>,
}

/// FNV-1a hashes of the `doc` ids in a documents.jsonl file (empty when there is none).
fn written_ids(path: &Path) -> Result<std::collections::HashSet<u64>> {
    #[derive(Deserialize)]
    struct Id {
        doc: String,
    }
    let mut ids = std::collections::HashSet::new();
    let Ok(f) = File::open(path) else {
        return Ok(ids);
    };
    for line in io::BufRead::lines(io::BufReader::new(f)) {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        let id: Id = serde_json::from_str(&line)
            .with_context(|| format!("{}: a line without a doc id", path.display()))?;
        ids.insert(fnv1a(&id.doc));
    }
    Ok(ids)
}

/// FNV-1a hash of the last (up to) 4 KiB of `path` before byte `len`.
pub fn tail_hash(path: &Path, len: u64) -> io::Result<u64> {
    let mut f = File::open(path)?;
    let start = len.saturating_sub(4096);
    io::Seek::seek(&mut f, io::SeekFrom::Start(start))?;
    let mut buf = vec![0u8; (len - start) as usize];
    io::Read::read_exact(&mut f, &mut buf)?;
    Ok(fnv1a_extend(FNV_OFFSET, &buf))
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
        bail!(
            "{} is {have} bytes, shorter than the {len} its checkpoint recorded (cut or deleted \
             after the run stopped); resuming would lose records: use --fresh to start over",
            path.display()
        );
    }
    if let Some(want) = tail {
        let got = tail_hash(path, len).with_context(|| format!("reading {}", path.display()))?;
        if got != want {
            bail!(
                "{} was changed after the run stopped (its last checkpointed bytes differ); \
                 resuming would mix old and new records: use --fresh",
                path.display()
            );
        }
    }
    Ok(have)
}

impl Outputs {
    fn open(dir: &Path, state: &State) -> Result<Outputs> {
        let mut files = Vec::new();
        for name in LINE_FILES {
            let p = dir.join(name);
            let len = state.lengths.get(name).copied().unwrap_or(0);
            // What the checkpoint vouches for must still be there, unchanged: a file cut short,
            // deleted or edited since would make the resumed output lose or garble records.
            check_checkpointed(&p, len, state.tails.get(name).copied())?;
            let f = OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(false)
                .open(&p)
                .with_context(|| format!("opening {}", p.display()))?;
            // Drop anything written after the last checkpoint.
            f.set_len(len)?;
            let mut w = BufWriter::with_capacity(1 << 16, f);
            io::Seek::seek(&mut w, io::SeekFrom::Start(len))?;
            files.push((w, len));
        }
        let mut out = Outputs {
            dir: dir.to_path_buf(),
            files,
        };
        if out.files[2].1 == 0 {
            out.write(2, DOC_CSV_HEADER.as_bytes())?;
        }
        Ok(out)
    }

    /// Appends to line file `i`; an error (disk full, ...) names the file. What was written
    /// after the last checkpoint is cut off again by the next resume.
    fn write(&mut self, i: usize, bytes: &[u8]) -> Result<()> {
        let (w, n) = &mut self.files[i];
        w.write_all(bytes)
            .with_context(|| format!("writing {}", self.dir.join(LINE_FILES[i]).display()))?;
        *n += bytes.len() as u64;
        Ok(())
    }

    /// Flushes every file to disk; returns each file's length and tail hash.
    fn sync(&mut self) -> Result<(BTreeMap<String, u64>, BTreeMap<String, u64>)> {
        let mut lengths = BTreeMap::new();
        let mut tails = BTreeMap::new();
        for (name, (w, n)) in LINE_FILES.iter().zip(&mut self.files) {
            let p = self.dir.join(name);
            w.flush()
                .with_context(|| format!("writing {}", p.display()))?;
            w.get_ref()
                .sync_data()
                .with_context(|| format!("writing {}", p.display()))?;
            lengths.insert(name.to_string(), *n);
            tails.insert(
                name.to_string(),
                tail_hash(&p, *n).with_context(|| format!("reading {}", p.display()))?,
            );
        }
        Ok((lengths, tails))
    }
}

enum Entry {
    Doc(Doc, Vec<Sentence>),
    Bad(Bad),
    Foreign,
}

struct Chunk {
    first_seq: u64,
    entries: Vec<Entry>,
}

/// The sentence statistics columns shared by documents.csv and groups.csv: sentences, label
/// counts, mean probabilities, net.
fn sentence_columns(s: &Summary) -> [String; 8] {
    [
        s.sentences.to_string(),
        s.counts.favor.to_string(),
        s.counts.against.to_string(),
        s.counts.none.to_string(),
        format!("{:.4}", s.mean.favor),
        format!("{:.4}", s.mean.against),
        format!("{:.4}", s.mean.none),
        format!("{:.4}", s.net),
    ]
}

fn quantize(p: f32) -> f32 {
    (p * 10_000.0).round() / 10_000.0
}

fn quantized(p: Probs) -> Probs {
    Probs {
        favor: quantize(p.favor),
        against: quantize(p.against),
        none: quantize(p.none),
    }
}

#[derive(Serialize)]
struct SentenceLine<'a> {
    seq: u64,
    doc: &'a str,
    index: usize,
    start: usize,
    end: usize,
    text: &'a str,
    stance: BTreeMap<&'a str, StanceOut>,
}

#[derive(Serialize)]
struct DocLine<'a> {
    seq: u64,
    doc: &'a str,
    file: &'a str,
    line: u64,
    meta: &'a BTreeMap<String, String>,
    sentences: usize,
    stance: BTreeMap<&'a str, Summary>,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    seq: u64,
    file: &'a str,
    line: u64,
    id: Option<&'a str>,
    error: &'a str,
}

fn read_targets(a: &RunArgs) -> Result<Vec<String>> {
    let mut targets = a.targets.clone();
    if let Some(p) = &a.targets_file {
        let text = std::fs::read_to_string(p)
            .with_context(|| format!("reading targets file {}", p.display()))?;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let t = crate::args::parse_target(line)
                .map_err(|e| anyhow::anyhow!("{}:{}: {e}", p.display(), n + 1))?;
            targets.push(t);
        }
    }
    let mut seen = std::collections::HashSet::new();
    targets.retain(|t| seen.insert(t.clone()));
    if targets.is_empty() {
        bail!("no targets: give --target T (repeatable) or --targets-file FILE");
    }
    Ok(targets)
}

pub fn spec_of(a: &RunArgs) -> Result<RunSpec> {
    // Inputs that do not exist are a mistake in the command, not a bad record: refuse before
    // any work.
    for input in &a.inputs {
        if input.as_os_str() != "-" && std::fs::symlink_metadata(input).is_err() {
            bail!("input {} does not exist", input.display());
        }
    }
    let mut groupings = vec![GroupBy::All];
    for g in &a.group_by {
        let g = GroupBy::parse(g)?;
        if !groupings.contains(&g) {
            groupings.push(g);
        }
    }
    Ok(RunSpec {
        inputs: a.inputs.clone(),
        format: format!("{:?}", a.format).to_lowercase(),
        id_field: a.id_field.clone(),
        text_field: a.text_field.clone(),
        targets: read_targets(a)?,
        model: manifest_path(&a.model),
        groupings,
        evidence: a.evidence,
        rule: DecisionRule {
            margin: a.margin,
            min_stance_sentences: a.min_stance_sentences,
            z: 1.96,
        },
        chunk_docs: a.chunk_docs,
        max_doc_bytes: a.max_doc_bytes,
    })
}

pub fn run(a: RunArgs) -> Result<Outcome> {
    let spec = spec_of(&a)?;
    let out_dir = a.out.clone();
    // Held until the run returns: a second run or merge on this folder is refused.
    let _lock = crate::lock::lock_output(&out_dir)?;
    // An input inside the output folder could be one of the files this run truncates.
    let out_real = std::fs::canonicalize(&out_dir)
        .with_context(|| format!("resolving {}", out_dir.display()))?;
    for input in &spec.inputs {
        if let Ok(real) = std::fs::canonicalize(input) {
            if real.starts_with(&out_real) {
                bail!(
                    "input {} is inside the output folder {}; move it or choose another --out",
                    input.display(),
                    out_dir.display()
                );
            }
        }
    }
    let previous = if a.fresh {
        None
    } else {
        State::load(&out_dir)?
    };
    let mut state = match previous {
        Some(s) if s.version == STATE_VERSION && s.spec == spec && s.shard == a.shard => s,
        Some(_) => bail!(
            "{} holds a different run (other inputs, targets, model or settings); \
             use --fresh to start over or choose another --out",
            out_dir.display()
        ),
        None => State {
            version: STATE_VERSION,
            spec: spec.clone(),
            shard: a.shard,
            items_done: 0,
            lengths: BTreeMap::new(),
            tails: BTreeMap::new(),
            aggregates: Aggregates::with_rule(spec.groupings.clone(), spec.evidence, spec.rule),
            documents: 0,
            sentences: 0,
            errors: 0,
            other_shards: 0,
            seconds: 0.0,
            complete: false,
            fingerprints: spec.inputs.iter().map(|p| fingerprint(p)).collect(),
            duplicate_ids: 0,
        },
    };
    if state.complete {
        warn!(
            "standpoint: {} is already complete ({} documents); use --fresh to run again",
            out_dir.display(),
            state.documents
        );
        print_summary(&state)?;
        return Ok(if state.errors > 0 {
            Outcome::Skipped
        } else {
            Outcome::Clean
        });
    }
    if state.items_done > 0 && !state.fingerprints.is_empty() {
        for (input, old) in spec.inputs.iter().zip(&state.fingerprints) {
            if old.is_some() && fingerprint(input) != *old {
                bail!(
                    "input {} changed since this run started (size, time or content); the \
                     resume would skip or repeat records: use --fresh to start over",
                    input.display()
                );
            }
        }
    }
    if state.items_done > 0 {
        warn!(
            "standpoint: resuming after {} input records ({} documents done)",
            state.items_done, state.documents
        );
    }
    let torch_threads = set_threads(&a.model);
    let classifier = load_classifier(&a.model)?;
    let targets: Vec<&str> = spec.targets.iter().map(String::as_str).collect();
    let mut outputs = Outputs::open(&out_dir, &state)?;
    // Ids of the documents already written (64-bit hashes), to report repeated ids.
    let mut seen_ids = written_ids(&out_dir.join("documents.jsonl"))?;
    // A fresh state has no checkpoint yet: record the empty outputs.
    (state.lengths, state.tails) = outputs.sync()?;
    state.save(&out_dir)?;

    let fields = Fields {
        id: spec.id_field.clone(),
        text: spec.text_field.clone(),
    };
    let reader = Reader::new(spec.inputs.clone(), a.format, fields, spec.max_doc_bytes);
    let skip = state.items_done;
    let shard = state.shard;
    let chunk_docs = spec.chunk_docs;
    let seg_threads = a.segment_threads.max(1);
    let (tx, rx) = mpsc::sync_channel::<Result<Chunk>>(2);
    let producer = std::thread::spawn(move || {
        let pool = match rayon::ThreadPoolBuilder::new()
            .num_threads(seg_threads)
            .build()
        {
            Ok(p) => p,
            Err(e) => {
                let _ = tx.send(Err(e.into()));
                return;
            }
        };
        let segmenter = Segmenter::default();
        let mut items = reader.enumerate().skip(skip as usize).peekable();
        while items.peek().is_some() {
            let first_seq = items.peek().map_or(0, |(s, _)| *s as u64);
            let mut raw: Vec<Item> = Vec::new();
            let mut owned: Vec<bool> = Vec::new();
            let mut docs = 0;
            // A chunk ends after `chunk_docs` documents of this shard, or 4x as many records.
            while docs < chunk_docs && raw.len() < chunk_docs * 4 {
                let Some((_, item)) = items.next() else { break };
                let key = match &item {
                    Ok(d) => d.id.clone(),
                    Err(b) => format!("{}:{}", b.file, b.line),
                };
                let mine = shard.is_none_or(|s| s.owns(&key));
                if mine && item.is_ok() {
                    docs += 1;
                }
                owned.push(mine);
                raw.push(item);
            }
            let entries: Vec<Entry> = pool.install(|| {
                raw.into_par_iter()
                    .zip(owned)
                    .map(|(item, mine)| match (item, mine) {
                        (_, false) => Entry::Foreign,
                        (Ok(doc), true) => {
                            let s = segmenter.segment(&doc.text);
                            Entry::Doc(doc, s)
                        }
                        (Err(bad), true) => Entry::Bad(bad),
                    })
                    .collect()
            });
            if tx.send(Ok(Chunk { first_seq, entries })).is_err() {
                return;
            }
        }
    });

    let total = if a.no_progress {
        None
    } else {
        crate::input::count_records(&spec.inputs, a.format)
    };
    let progress = match (a.no_progress, total) {
        (true, _) => ProgressBar::hidden(),
        (false, Some(n)) => ProgressBar::new(n),
        (false, None) => ProgressBar::new_spinner(),
    };
    let template = if total.is_some() {
        "{bar:30} {pos}/{len} records [{elapsed_precise}<{eta_precise}] {msg}"
    } else {
        "{spinner} {pos} records [{elapsed_precise}] {msg}"
    };
    progress.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    progress.set_position(state.items_done);
    progress.reset_eta();
    let started = Instant::now();
    let seconds_before = state.seconds;
    let mut sentence_buf: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut doc_buf: Vec<u8> = Vec::with_capacity(1 << 18);
    let mut err_buf: Vec<u8> = Vec::new();
    let mut strict_failure: Option<String> = None;
    for chunk in rx {
        let chunk = chunk?;
        // Every sentence of the chunk, classified against all targets in one call sequence.
        let texts: Vec<&str> = chunk
            .entries
            .iter()
            .filter_map(|e| match e {
                Entry::Doc(d, s) => Some(s.iter().map(|s| s.text(&d.text))),
                _ => None,
            })
            .flatten()
            .collect();
        let mut probs: Vec<Probs> = Vec::with_capacity(texts.len() * targets.len());
        for batch in texts.chunks(a.batch_sentences.max(1)) {
            probs.extend(classifier.predict(batch, &targets)?);
        }
        anyhow::ensure!(
            probs.len() == texts.len() * targets.len(),
            "classifier returned {} results for {} sentences x {} targets",
            probs.len(),
            texts.len(),
            targets.len()
        );
        sentence_buf.clear();
        doc_buf.clear();
        err_buf.clear();
        let mut csv_rows = csv::Writer::from_writer(Vec::new());
        let mut p = 0;
        let mut processed = 0u64;
        for (offset, entry) in chunk.entries.iter().enumerate() {
            let seq = chunk.first_seq + offset as u64;
            processed += 1;
            match entry {
                Entry::Foreign => state.other_shards += 1,
                Entry::Bad(b) => {
                    state.errors += 1;
                    serde_json::to_writer(
                        &mut err_buf,
                        &ErrorLine {
                            seq,
                            file: &b.file,
                            line: b.line,
                            id: b.id.as_deref(),
                            error: &b.message,
                        },
                    )?;
                    err_buf.push(b'\n');
                    progress.suspend(|| {
                        warn!(
                            "standpoint: {}:{}{}: {}; skipped",
                            b.file,
                            b.line,
                            b.id.as_ref()
                                .map(|i| format!(" (id {i})"))
                                .unwrap_or_default(),
                            b.message
                        )
                    });
                    if a.strict {
                        strict_failure = Some(format!("{}:{}: {}", b.file, b.line, b.message));
                        break;
                    }
                }
                Entry::Doc(d, sentences) => {
                    if !seen_ids.insert(fnv1a(&d.id)) {
                        state.duplicate_ids += 1;
                        progress.suspend(|| {
                            warn!(
                                "standpoint: {}:{}: id {} was used by an earlier document; \
                                 both are kept (counted in run.json as duplicate_ids)",
                                d.file, d.line, d.id
                            )
                        });
                    }
                    let mut tallies: Vec<Tally> =
                        targets.iter().map(|_| Tally::new(spec.evidence)).collect();
                    for (i, s) in sentences.iter().enumerate() {
                        let text = s.text(&d.text);
                        let mut stance = BTreeMap::new();
                        for (j, t) in targets.iter().enumerate() {
                            let q = quantized(probs[p + i * targets.len() + j]);
                            stance.insert(*t, StanceOut::from(q));
                            tallies[j].add(&Observation {
                                seq,
                                doc: &d.id,
                                index: i as u32,
                                start: s.start,
                                end: s.end,
                                text,
                                probs: q,
                            });
                        }
                        serde_json::to_writer(
                            &mut sentence_buf,
                            &SentenceLine {
                                seq,
                                doc: &d.id,
                                index: i,
                                start: s.start,
                                end: s.end,
                                text,
                                stance,
                            },
                        )?;
                        sentence_buf.push(b'\n');
                    }
                    p += sentences.len() * targets.len();
                    let summaries: BTreeMap<&str, Summary> = targets
                        .iter()
                        .zip(&tallies)
                        .map(|(t, tally)| (*t, tally.summary(&spec.rule)))
                        .collect();
                    for (t, s) in &summaries {
                        let mut row = vec![seq.to_string(), d.id.clone(), t.to_string()];
                        row.extend(sentence_columns(s));
                        row.push(s.decision.as_str().to_string());
                        csv_rows.write_record(&row)?;
                    }
                    serde_json::to_writer(
                        &mut doc_buf,
                        &DocLine {
                            seq,
                            doc: &d.id,
                            file: &d.file,
                            line: d.line,
                            meta: &d.meta,
                            sentences: sentences.len(),
                            stance: summaries,
                        },
                    )?;
                    doc_buf.push(b'\n');
                    state
                        .aggregates
                        .add_document(&d.meta, targets.iter().copied().zip(tallies.iter()));
                    state.documents += 1;
                    state.sentences += sentences.len() as u64;
                }
            }
        }
        outputs.write(0, &sentence_buf)?;
        outputs.write(1, &doc_buf)?;
        outputs.write(
            2,
            &csv_rows.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
        )?;
        outputs.write(3, &err_buf)?;
        state.items_done = chunk.first_seq + processed;
        (state.lengths, state.tails) = outputs.sync()?;
        state.seconds = seconds_before + started.elapsed().as_secs_f64();
        state.save(&out_dir)?;
        if strict_failure.is_some() {
            break;
        }
        progress.set_message(format!(
            "{} sentences, {} errors",
            state.sentences, state.errors
        ));
    }
    progress.finish_and_clear();
    if let Some(f) = strict_failure {
        bail!(
            "--strict: bad record {f} (outputs so far are kept; rerun without --strict to skip it)"
        );
    }
    // The reader thread ends when its input does; a panic there is a bug worth surfacing.
    producer
        .join()
        .map_err(|_| anyhow::anyhow!("the reader thread panicked"))?;
    state.complete = true;
    state.seconds = seconds_before + started.elapsed().as_secs_f64();
    write_final(
        &out_dir,
        &state,
        classifier.name(),
        torch_threads,
        seg_threads,
    )?;
    state.save(&out_dir)?;
    print_summary(&state)?;
    Ok(if state.errors > 0 {
        Outcome::Skipped
    } else {
        Outcome::Clean
    })
}

#[derive(Serialize)]
struct GroupRow<'a> {
    grouping: &'a str,
    group: &'a str,
    target: &'a str,
    documents: standpoint_aggregate::DecisionCounts,
    summary: Summary,
}

/// Writes groups.json, groups.csv and run.json from a complete state.
pub fn write_final(
    dir: &Path,
    state: &State,
    classifier: &str,
    torch_threads: usize,
    segment_threads: usize,
) -> Result<()> {
    let rule = *state.aggregates.rule();
    let rows: Vec<GroupRow> = state
        .aggregates
        .iter()
        .map(|(g, v, t, tally)| GroupRow {
            grouping: g,
            group: v,
            target: t,
            documents: tally.documents,
            summary: tally.sentences.summary(&rule),
        })
        .collect();
    replace_file(&dir.join("groups.json"), |f| {
        serde_json::to_writer_pretty(&mut *f, &rows)?;
        f.write_all(b"\n")
    })?;
    replace_file(&dir.join("groups.csv"), |f| {
        write_groups_csv(f, &rows).map_err(io::Error::other)
    })?;
    let secs = state.seconds.max(1e-9);
    let manifest = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "inputs": state.spec.inputs,
        "format": state.spec.format,
        "fields": {"id": state.spec.id_field, "text": state.spec.text_field},
        "targets": state.spec.targets,
        "model": state.spec.model,
        "classifier": classifier,
        "groupings": state.spec.groupings.iter().map(GroupBy::name).collect::<Vec<_>>(),
        "evidence_per_side": state.spec.evidence,
        "decision_rule": rule,
        "shard": state.shard.map(|s| format!("{}/{}", s.k, s.n)),
        "counts": {
            "input_records": state.items_done,
            "documents": state.documents,
            "sentences": state.sentences,
            "errors": state.errors,
            "duplicate_ids": state.duplicate_ids,
            "other_shards": state.other_shards,
        },
        "timings": {
            "seconds": state.seconds,
            "documents_per_second": state.documents as f64 / secs,
            "sentences_per_second": state.sentences as f64 / secs,
        },
        "threads": {"torch": torch_threads, "segmentation": segment_threads},
        "outputs": ["sentences.jsonl", "documents.jsonl", "documents.csv", "groups.json",
                    "groups.csv", "errors.jsonl", "run.json", "state.json"],
        "complete": state.complete,
    });
    replace_file(&dir.join("run.json"), |f| {
        serde_json::to_writer_pretty(&mut *f, &manifest)?;
        f.write_all(b"\n")
    })
}

fn write_groups_csv(f: &mut BufWriter<File>, rows: &[GroupRow]) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(f);
    w.write_record([
        "grouping",
        "group",
        "target",
        "documents",
        "doc_favor",
        "doc_against",
        "doc_mixed",
        "doc_none",
        "sentences",
        "favor",
        "against",
        "none",
        "mean_favor",
        "mean_against",
        "mean_none",
        "net",
        "favor_share",
        "favor_share_low",
        "favor_share_high",
        "decision",
    ])?;
    for r in rows {
        let s = &r.summary;
        let share = |f: fn(&standpoint_aggregate::Interval) -> f64| {
            s.favor_share
                .as_ref()
                .map_or(String::new(), |i| format!("{:.4}", f(i)))
        };
        let mut row = vec![
            r.grouping.to_string(),
            r.group.to_string(),
            r.target.to_string(),
            r.documents.total().to_string(),
            r.documents.favor.to_string(),
            r.documents.against.to_string(),
            r.documents.mixed.to_string(),
            r.documents.none.to_string(),
        ];
        row.extend(sentence_columns(s));
        row.extend([
            share(|i| i.estimate),
            share(|i| i.low),
            share(|i| i.high),
            s.decision.as_str().to_string(),
        ]);
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

fn clip(s: &str, n: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= n {
        s
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// A readable per-target summary on stdout.
pub fn print_summary(state: &State) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let agg = &state.aggregates;
    let rule = *agg.rule();
    writeln!(
        out,
        "{} documents, {} sentences, {} skipped records{}{} in {:.1} s",
        state.documents,
        state.sentences,
        state.errors,
        if state.duplicate_ids > 0 {
            format!(", {} repeated document ids", state.duplicate_ids)
        } else {
            String::new()
        },
        if state.other_shards > 0 {
            format!(", {} left to other shards", state.other_shards)
        } else {
            String::new()
        },
        state.seconds
    )?;
    for target in &state.spec.targets {
        let Some(all) = agg.get("all", "all", target) else {
            continue;
        };
        let s = all.sentences.summary(&rule);
        let d = all.documents;
        writeln!(out)?;
        writeln!(out, "== {target}")?;
        writeln!(
            out,
            "   documents: {} favor, {} against, {} mixed, {} no stance",
            d.favor, d.against, d.mixed, d.none
        )?;
        let share = s
            .favor_share
            .map(|i| {
                format!(
                    "; favor share {:.0}% (95% CI {:.0}–{:.0}%)",
                    100.0 * i.estimate,
                    100.0 * i.low,
                    100.0 * i.high
                )
            })
            .unwrap_or_default();
        writeln!(
            out,
            "   sentences: {} favor, {} against, {} none; net {:+.2}{share}",
            s.counts.favor, s.counts.against, s.counts.none, s.net
        )?;
        for g in agg.groupings().iter().filter(|g| **g != GroupBy::All) {
            let name = g.name();
            let mut parts = Vec::new();
            for (gname, value, t, tally) in agg.iter() {
                if gname == name && t == target {
                    let gs = tally.sentences.summary(&rule);
                    if gs.counts.favor + gs.counts.against > 0 {
                        parts.push(format!("{value} {:+.2}", gs.net));
                    }
                }
            }
            if !parts.is_empty() {
                writeln!(out, "   net by {name}: {}", parts.join(", "))?;
            }
        }
        if let Some(e) = s.favor_evidence.first() {
            writeln!(out, "   + [{}] {}", e.doc, clip(&e.text, 110))?;
        }
        if let Some(e) = s.against_evidence.first() {
            writeln!(out, "   - [{}] {}", e.doc, clip(&e.text, 110))?;
        }
    }
    Ok(())
}
