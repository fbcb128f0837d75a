//! Resumable, shardable runs into an output folder.
//!
//! A reader thread reads records in input order, keeps this shard's documents, segments each
//! chunk of documents in a rayon pool and hands the chunk over a bounded channel; the calling
//! thread classifies every sentence of a chunk against all targets, appends the chunk's lines,
//! folds document tallies into the group aggregates and then checkpoints: output lengths, tail
//! hashes, input position and aggregates go to `state.json` atomically. A restarted run
//! truncates the outputs to the checkpoint and reads on from there, so nothing is lost or
//! written twice; inputs or outputs changed in between are refused.
//!
//! ```
//! use standpoint_aggregate::GroupBy;
//! use standpoint_pipeline::checkpoint::RunSpec;
//! use standpoint_pipeline::run::{NoEvents, Opened, RunDir, RunOptions};
//! use standpoint_pipeline::Pipeline;
//! use standpoint_types::{CountMismatch, Probs, StanceClassifier};
//!
//! struct Undecided;
//! impl StanceClassifier for Undecided {
//!     type Error = CountMismatch;
//!     fn name(&self) -> &str { "undecided" }
//!     fn predict(&self, s: &[&str], t: &[&str]) -> Result<Vec<Probs>, CountMismatch> {
//!         Ok(vec![Probs::new(1.0, 1.0, 1.0); s.len() * t.len()])
//!     }
//! }
//!
//! let tmp = std::env::temp_dir().join(format!("standpoint-run-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&tmp).unwrap();
//! let corpus = tmp.join("in.jsonl");
//! std::fs::write(&corpus, "{\"id\": \"a\", \"text\": \"One. Two.\"}\n").unwrap();
//! let spec = RunSpec {
//!     inputs: vec![corpus], format: "auto".into(), id_field: "id".into(),
//!     text_field: "text".into(), targets: vec!["x".into()], model: "undecided".into(),
//!     groupings: vec![GroupBy::All], evidence: 3, rule: Default::default(),
//!     chunk_docs: 64, max_doc_bytes: 1 << 20, attribution: Vec::new(), combine: false, model_fingerprint: None,
//!     precision: None,
//! };
//! let Opened::Ready(dir) = RunDir::open(&tmp.join("out"), spec.clone(), None, false).unwrap() else {
//!     unreachable!()
//! };
//! let pipeline = Pipeline::new(Undecided, spec.targets.clone());
//! let state = dir.execute(&pipeline, &RunOptions::default(), &mut NoEvents).unwrap();
//! assert_eq!((state.documents, state.sentences, state.complete), (1, 2, true));
//! // Run again: the folder is complete, nothing is redone.
//! assert!(matches!(RunDir::open(&tmp.join("out"), spec, None, false).unwrap(), Opened::Complete(_)));
//! # std::fs::remove_dir_all(&tmp).unwrap();
//! ```

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use rayon::prelude::*;
use standpoint_aggregate::Tally;

use crate::checkpoint::{
    check_checkpointed, tail_hash, written_ids, RunSpec, State, LINE_FILES, STATE_VERSION,
};
use crate::error::{Error, Result};
use crate::hash::fnv1a;
use crate::lock::{lock_output, OutputLock};
use crate::read::{Bad, Doc, Fields, Format, Item, Reader};
use crate::shard::Shard;
use crate::sink::{write_final, Lines, Provenance, Sink, DOC_CSV_HEADER};
use crate::{Pipeline, Segmented, Splitter, StanceClassifier};

/// `standpoint run`'s defaults, shared by the command line and the Python package so that the
/// same call makes the same run folder.
pub mod defaults {
    /// Groupings besides "all".
    pub const GROUP_BY: [&str; 4] = ["source", "date:month", "source+date:month", "speaker"];
    /// Evidence sentences kept per side for each document and group.
    pub const EVIDENCE: usize = 3;
    /// Documents per chunk (the unit of checkpointing).
    pub const CHUNK_DOCS: usize = 64;
    /// Sentences per classifier call.
    pub const BATCH_SENTENCES: usize = 1024;
    /// Documents larger than this are reported and skipped.
    pub const MAX_DOC_BYTES: usize = 1_000_000;
}

/// What happens during a run, for whoever drives it (the CLI prints these). Every method has
/// an empty default.
pub trait Events {
    /// A bad record was skipped.
    fn skipped(&mut self, _bad: &Bad) {}
    /// A document reuses an earlier document's id (both are kept).
    fn duplicate_id(&mut self, _doc: &Doc) {}
    /// A chunk was written and checkpointed.
    fn checkpoint(&mut self, _state: &State) {}
    /// Asked after every checkpoint: `true` stops the run there ([`Error::Stopped`]), resumable
    /// (an interrupt in an embedding program, such as Ctrl-C in Python).
    fn stop_requested(&mut self) -> bool {
        false
    }
}

/// Ignores every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoEvents;

impl Events for NoEvents {}

/// How a run executes (none of it changes the output).
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Threads that segment chunks (at least 1).
    pub segment_threads: usize,
    /// Classifier threads, recorded in run.json.
    pub classifier_threads: usize,
    /// Stop at the first bad record (what was written before it is kept).
    pub strict: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            segment_threads: 1,
            classifier_threads: 1,
            strict: false,
        }
    }
}

/// An output folder, locked, with its state checked and ready to run.
#[derive(Debug)]
pub struct RunDir {
    dir: PathBuf,
    state: State,
    _lock: OutputLock,
}

/// What [`RunDir::open`] found.
#[derive(Debug)]
pub enum Opened {
    /// A new run or a resumable one.
    Ready(RunDir),
    /// The folder holds this run, complete: nothing to do.
    Complete(State),
}

impl RunDir {
    /// Locks `dir` (creating it) and checks it against `spec`: the inputs must exist and lie
    /// outside it; a folder holding another run is refused unless `fresh`; a resumable run's
    /// inputs must not have changed since it started.
    pub fn open(dir: &Path, spec: RunSpec, shard: Option<Shard>, fresh: bool) -> Result<Opened> {
        // Inputs that do not exist are a mistake in the command, not a bad record.
        for input in &spec.inputs {
            if input.as_os_str() == "-" {
                continue;
            }
            if std::fs::symlink_metadata(input).is_err() {
                return Err(Error::InputMissing {
                    path: input.clone(),
                });
            }
            if crate::read::kind_of(input) == crate::read::InputKind::Device {
                return Err(Error::InputDevice {
                    path: input.clone(),
                });
            }
        }
        crate::safe::check_output_file(&dir.join(crate::lock::LOCK_FILE), &spec.inputs)?;
        // Held until the run is dropped: a second run or merge on this folder is refused.
        let lock = lock_output(dir)?;
        // An input inside the output folder could be one of the files this run truncates.
        let out_real = std::fs::canonicalize(dir).map_err(Error::io("resolving", dir))?;
        for input in &spec.inputs {
            if let Ok(real) = std::fs::canonicalize(input) {
                if real.starts_with(&out_real) {
                    return Err(Error::InputInsideOutput {
                        input: input.clone(),
                        out: dir.to_path_buf(),
                    });
                }
            }
        }
        for name in LINE_FILES.iter().chain(&FINAL_FILES).chain(&["state.json"]) {
            crate::safe::check_output_file(&dir.join(name), &spec.inputs)?;
        }
        let previous = if fresh { None } else { State::load(dir)? };
        if previous.is_none() {
            if fresh {
                // The summaries and page of the run being replaced must not outlive it.
                for name in FINAL_FILES {
                    let p = dir.join(name);
                    if p.is_file() {
                        std::fs::remove_file(&p).map_err(Error::io("removing", &p))?;
                    }
                }
            } else if let Some(name) = foreign_output(dir)? {
                return Err(Error::ForeignFiles {
                    path: dir.join(name),
                });
            }
        }
        let state = match previous {
            Some(mut s) => {
                let mut differ: Vec<&str> = s.spec.differences(&spec);
                if s.version != STATE_VERSION {
                    differ.push("state version");
                }
                if s.shard != shard {
                    differ.push("shard");
                }
                if !differ.is_empty() {
                    return Err(Error::DifferentRun {
                        dir: dir.to_path_buf(),
                        what: differ.join(", "),
                    });
                }
                // Harmless differences (checkpoint spacing, spelling of paths) take the new
                // settings.
                s.spec.chunk_docs = spec.chunk_docs;
                s
            }
            None => State::new(spec, shard),
        };
        if state.complete {
            return Ok(Opened::Complete(state));
        }
        if state.items_done > 0 {
            if let Some(input) = state.spec.inputs.iter().find(|p| crate::read::is_stream(p)) {
                return Err(Error::StreamResume {
                    dir: dir.to_path_buf(),
                    input: input.clone(),
                });
            }
            for (input, old) in state.spec.inputs.iter().zip(&state.fingerprints) {
                if old.is_some() && crate::read::fingerprint(input) != *old {
                    return Err(Error::InputChanged {
                        input: input.clone(),
                    });
                }
            }
        }
        Ok(Opened::Ready(RunDir {
            dir: dir.to_path_buf(),
            state,
            _lock: lock,
        }))
    }

    /// The state the run starts from (`items_done > 0` for a resume).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Runs to the end of the inputs, checkpointing after every chunk, then writes the group
    /// files and run.json; returns the final state.
    pub fn execute<C: StanceClassifier>(
        self,
        pipeline: &Pipeline<C>,
        options: &RunOptions,
        events: &mut impl Events,
    ) -> Result<State> {
        let RunDir {
            dir,
            mut state,
            _lock,
        } = self;
        let mut outputs = Outputs::open(&dir, &state)?;
        // Ids of the documents already written (64-bit hashes), to report repeated ids.
        let mut seen_ids = written_ids(&dir.join("documents.jsonl"))?;
        // A fresh state has no checkpoint yet: record the empty outputs.
        (state.lengths, state.tails) = outputs.sync()?;
        state.save(&dir)?;

        let splitter = pipeline.splitter().clone();
        let (rx, producer) = spawn_reader(&state, splitter, options.segment_threads.max(1));
        let targets: Vec<&str> = pipeline.targets().iter().map(String::as_str).collect();
        let started = Instant::now();
        let seconds_before = state.seconds;
        let mut lines = Lines::default();
        let mut strict_failure: Option<String> = None;
        for chunk in rx {
            let chunk = chunk?;
            let mut processed = 0u64;
            let mut docs = Vec::new();
            // Results and bad records go out in input order: bad records wait for the
            // documents before them to be classified.
            let mut order: Vec<(u64, Option<Bad>)> = Vec::new();
            for (offset, entry) in chunk.entries.into_iter().enumerate() {
                let seq = chunk.first_seq + offset as u64;
                processed += 1;
                match entry {
                    Entry::Foreign => state.other_shards += 1,
                    Entry::Bad(b) => {
                        let stop = options.strict;
                        if stop {
                            strict_failure = Some(format!("{}:{}: {}", b.file, b.line, b.error));
                        }
                        order.push((seq, Some(b)));
                        if stop {
                            break;
                        }
                    }
                    Entry::Doc(d) => {
                        docs.push(d);
                        order.push((seq, None));
                    }
                }
            }
            let mut results = pipeline.classify(docs)?.into_iter();
            for (seq, slot) in order {
                if let Some(b) = slot {
                    state.errors += 1;
                    events.skipped(&b);
                    lines.skipped(seq, &b)?;
                    continue;
                }
                let Some(r) = results.next() else {
                    return Err(Error::ClassifierCount {
                        got: 0,
                        sentences: 0,
                        targets: pipeline.targets().len(),
                    });
                };
                if !seen_ids.insert(fnv1a(&r.doc.id)) {
                    state.duplicate_ids += 1;
                    events.duplicate_id(&r.doc);
                }
                lines.document(pipeline.targets(), &r)?;
                let speakers: Vec<(&str, &[Tally])> = r
                    .speakers
                    .iter()
                    .map(|(name, tallies, _)| (name.as_str(), tallies.as_slice()))
                    .collect();
                state.aggregates.add_document_with_speakers(
                    &r.doc.meta,
                    &targets,
                    &r.tallies,
                    &speakers,
                );
                state.documents += 1;
                state.sentences += r.sentences.len() as u64;
            }
            let bufs = lines.take();
            for (i, b) in bufs.iter().enumerate() {
                outputs.write(i, b)?;
            }
            state.items_done = chunk.first_seq + processed;
            (state.lengths, state.tails) = outputs.sync()?;
            state.seconds = seconds_before + started.elapsed().as_secs_f64();
            state.save(&dir)?;
            if strict_failure.is_some() {
                break;
            }
            events.checkpoint(&state);
            if events.stop_requested() {
                return Err(Error::Stopped {
                    items_done: state.items_done,
                });
            }
        }
        if let Some(f) = strict_failure {
            return Err(Error::Strict(f));
        }
        // The reader thread ends when its input does; a panic there is a bug worth surfacing.
        producer.join().map_err(|_| Error::ReaderPanicked)?;
        state.complete = true;
        state.seconds = seconds_before + started.elapsed().as_secs_f64();
        let how = Provenance {
            classifier: pipeline.classifier().name(),
            threads: options.classifier_threads,
            segment_threads: options.segment_threads.max(1),
        };
        state.seconds += write_final(&dir, &state, how)?;
        state.save(&dir)?;
        Ok(state)
    }
}

enum Entry {
    Doc(Segmented),
    Bad(Bad),
    Foreign,
}

struct Chunk {
    first_seq: u64,
    entries: Vec<Entry>,
}

type Producer = (mpsc::Receiver<Result<Chunk>>, std::thread::JoinHandle<()>);

/// The reader thread: reads on from the checkpoint, keeps this shard's records and segments
/// each chunk in a pool of `threads`.
fn spawn_reader(state: &State, splitter: Splitter, threads: usize) -> Producer {
    let spec = &state.spec;
    let fields = Fields {
        id: spec.id_field.clone(),
        text: spec.text_field.clone(),
    };
    let format = Format::from_name(&spec.format).unwrap_or(Format::Auto);
    let reader = Reader::new(spec.inputs.clone(), format, fields, spec.max_doc_bytes);
    let skip = state.items_done;
    let shard = state.shard;
    let chunk_docs = spec.chunk_docs;
    let (tx, rx) = mpsc::sync_channel::<Result<Chunk>>(2);
    let producer = std::thread::spawn(move || {
        let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(p) => p,
            Err(e) => {
                let _ = tx.send(Err(Error::ThreadPool(e)));
                return;
            }
        };
        let mut items = reader.enumerate().skip(skip as usize).peekable();
        while items.peek().is_some() {
            let first_seq = items.peek().map_or(0, |(s, _)| *s as u64);
            let mut raw: Vec<(u64, Item, bool)> = Vec::new();
            let mut docs = 0;
            // A chunk ends after `chunk_docs` documents of this shard, or 4x as many records.
            while docs < chunk_docs && raw.len() < chunk_docs * 4 {
                let Some((seq, item)) = items.next() else {
                    break;
                };
                let key = match &item {
                    Ok(d) => d.id.clone(),
                    Err(b) => format!("{}:{}", b.file, b.line),
                };
                let mine = shard.is_none_or(|s| s.owns(&key));
                if mine && item.is_ok() {
                    docs += 1;
                }
                raw.push((seq as u64, item, mine));
            }
            let entries: Vec<Entry> = pool.install(|| {
                raw.into_par_iter()
                    .map(|(seq, item, mine)| match (item, mine) {
                        (_, false) => Entry::Foreign,
                        (Ok(doc), true) => match splitter.split(seq, doc) {
                            Ok(d) => Entry::Doc(d),
                            Err(bad) => Entry::Bad(bad),
                        },
                        (Err(bad), true) => Entry::Bad(bad),
                    })
                    .collect()
            });
            if tx.send(Ok(Chunk { first_seq, entries })).is_err() {
                return;
            }
        }
    });
    (rx, producer)
}

/// Files a run writes besides the line files and state.json (`report.html` is `report`'s
/// default page in the folder).
pub const FINAL_FILES: [&str; 5] = [
    "groups.json",
    "groups.csv",
    "run.json",
    "report.html",
    "estimates.json",
];

/// A line file with content in a folder that holds no run: the user's own file, which a new
/// run would overwrite. (Empty files, and a documents.csv holding only the header, are what a
/// run killed before its first checkpoint leaves.)
fn foreign_output(dir: &Path) -> Result<Option<&'static str>> {
    for name in LINE_FILES {
        let p = dir.join(name);
        let Ok(m) = std::fs::metadata(&p) else {
            continue;
        };
        if m.len() == 0 {
            continue;
        }
        if name == "documents.csv" && m.len() == DOC_CSV_HEADER.len() as u64 {
            let text = std::fs::read(&p).map_err(Error::io("reading", &p))?;
            if text == DOC_CSV_HEADER.as_bytes() {
                continue;
            }
        }
        return Ok(Some(name));
    }
    Ok(None)
}

/// The line files, open for appending from their checkpointed lengths.
struct Outputs {
    dir: PathBuf,
    files: Vec<(BufWriter<File>, u64)>,
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
                .map_err(Error::io("opening", &p))?;
            // Drop anything written after the last checkpoint.
            f.set_len(len).map_err(Error::io("truncating", &p))?;
            let mut w = BufWriter::with_capacity(1 << 16, f);
            io::Seek::seek(&mut w, io::SeekFrom::Start(len)).map_err(Error::io("seeking", &p))?;
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
            .map_err(Error::io("writing", self.dir.join(LINE_FILES[i])))?;
        *n += bytes.len() as u64;
        Ok(())
    }

    /// Flushes every file to disk; returns each file's length and tail hash.
    fn sync(&mut self) -> Result<(BTreeMap<String, u64>, BTreeMap<String, u64>)> {
        let mut lengths = BTreeMap::new();
        let mut tails = BTreeMap::new();
        for (name, (w, n)) in LINE_FILES.iter().zip(&mut self.files) {
            let p = self.dir.join(name);
            w.flush().map_err(Error::io("writing", &p))?;
            w.get_ref().sync_data().map_err(Error::io("writing", &p))?;
            lengths.insert(name.to_string(), *n);
            tails.insert(name.to_string(), tail_hash(&p, *n)?);
        }
        Ok((lengths, tails))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::RunSpec;
    use standpoint_types::{CountMismatch, Probs};

    struct Flat;
    impl StanceClassifier for Flat {
        type Error = CountMismatch;
        fn name(&self) -> &str {
            "flat"
        }
        fn predict(&self, s: &[&str], t: &[&str]) -> std::result::Result<Vec<Probs>, Self::Error> {
            Ok(vec![Probs::new(0.2, 0.3, 0.5); s.len() * t.len()])
        }
    }

    /// Stops after the first checkpoint it sees.
    struct StopAfterOne(u64);
    impl Events for StopAfterOne {
        fn stop_requested(&mut self) -> bool {
            self.0 += 1;
            self.0 == 1
        }
    }

    fn spec(input: &Path) -> RunSpec {
        RunSpec {
            inputs: vec![input.to_path_buf()],
            format: "jsonl".into(),
            id_field: "id".into(),
            text_field: "text".into(),
            targets: vec!["a ceasefire".into()],
            model: "flat.json".into(),
            groupings: standpoint_aggregate::groupings(&[]).unwrap(),
            evidence: 1,
            rule: standpoint_aggregate::DecisionRule::default(),
            chunk_docs: 2,
            max_doc_bytes: 10_000,
            attribution: Vec::new(),
            combine: false,
            model_fingerprint: None,
            precision: None,
        }
    }

    #[test]
    fn a_stop_request_leaves_a_resumable_run_that_finishes_like_one_run() {
        let root = std::env::temp_dir().join(format!("standpoint-stop-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let input = root.join("in.jsonl");
        let docs: String = (0..7)
            .map(|i| {
                format!("{{\"id\":\"d{i}\",\"text\":\"A ceasefire now, say {i}. Talks go on.\"}}\n")
            })
            .collect();
        std::fs::write(&input, docs).unwrap();
        let pipeline = Pipeline::new(Flat, vec!["a ceasefire".into()]);
        let options = RunOptions::default();
        let (stopped, whole) = (root.join("stopped"), root.join("whole"));

        let Opened::Ready(dir) = RunDir::open(&stopped, spec(&input), None, false).unwrap() else {
            panic!("a new folder is ready");
        };
        match dir.execute(&pipeline, &options, &mut StopAfterOne(0)) {
            Err(Error::Stopped { items_done }) => assert_eq!(items_done, 2),
            other => panic!("{other:?}"),
        }
        let Opened::Ready(dir) = RunDir::open(&stopped, spec(&input), None, false).unwrap() else {
            panic!("the stopped run resumes");
        };
        assert_eq!(dir.state().items_done, 2);
        let resumed = dir.execute(&pipeline, &options, &mut NoEvents).unwrap();

        let Opened::Ready(dir) = RunDir::open(&whole, spec(&input), None, false).unwrap() else {
            panic!("a new folder is ready");
        };
        let once = dir.execute(&pipeline, &options, &mut NoEvents).unwrap();
        assert_eq!((resumed.documents, resumed.sentences), (7, once.sentences));
        for f in ["sentences.jsonl", "documents.jsonl"] {
            assert_eq!(
                std::fs::read(stopped.join(f)).unwrap(),
                std::fs::read(whole.join(f)).unwrap(),
                "{f}"
            );
        }
        std::fs::remove_dir_all(&root).unwrap();
    }
}
