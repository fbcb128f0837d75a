use std::path::PathBuf;

/// Errors of the pipeline: a run, resume or merge that cannot go on. Bad *records* are not
/// errors: they are [`Bad`](crate::read::Bad) items, reported and skipped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file operation failed (`action` is "reading", "writing", "creating", ...).
    #[error("{action} {}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A state or output file is not the JSON this crate writes.
    #[error("parsing {}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A line of a documents.jsonl file has no document id.
    #[error("{}: a line without a doc id", path.display())]
    NoDocId {
        /// The file.
        path: PathBuf,
    },
    /// A merged line file has a line without its input position.
    #[error("{}: a line without a leading seq", path.display())]
    NoSeq {
        /// The file.
        path: PathBuf,
    },
    /// Another process holds the output folder.
    #[error(
        "{} is in use by another standpoint run or merge (it holds {}); wait for it to finish \
         or choose another --out",
        dir.display(),
        lock.display()
    )]
    Locked {
        /// The output folder.
        dir: PathBuf,
        /// Its lock file.
        lock: PathBuf,
    },
    /// An input is a device (`/dev/zero`, a terminal): it may never end.
    #[error(
        "input {} is a device, not a file; give files, folders, a pipe or - (standard input)",
        path.display()
    )]
    InputDevice {
        /// The input.
        path: PathBuf,
    },
    /// A resume of a run whose input was a stream: what was read cannot be found again.
    #[error(
        "{} cannot be resumed: its input {} is standard input or a pipe, which cannot be read \
         again from the checkpoint (other data would be taken for the records already done); \
         use --fresh to start over, or give a file",
        dir.display(),
        input.display()
    )]
    StreamResume {
        /// The output folder.
        dir: PathBuf,
        /// The input.
        input: PathBuf,
    },
    /// An output name is a link, device, pipe or an input: writing it could harm something else.
    #[error(
        "refusing to write {}: it {why}; remove it or choose another output",
        path.display()
    )]
    UnsafeOutput {
        /// The output file.
        path: PathBuf,
        /// What it is.
        why: String,
    },
    /// Output names in a folder that holds no run: the user's own files.
    #[error(
        "{} exists and no run is recorded in its folder (no state.json): a run would overwrite \
         it; choose another --out, or --fresh to replace it",
        path.display()
    )]
    ForeignFiles {
        /// The file.
        path: PathBuf,
    },
    /// A checkpoint whose numbers do not add up (edited or damaged).
    #[error(
        "{} does not add up ({why}); it was edited or damaged: use --fresh to start over",
        path.display()
    )]
    StateInconsistent {
        /// The state file.
        path: PathBuf,
        /// What does not add up.
        why: String,
    },
    /// An input does not exist.
    #[error("input {} does not exist", path.display())]
    InputMissing {
        /// The input.
        path: PathBuf,
    },
    /// An input lies inside the output folder, where the run truncates files.
    #[error(
        "input {} is inside the output folder {}; move it or choose another --out",
        input.display(),
        out.display()
    )]
    InputInsideOutput {
        /// The input.
        input: PathBuf,
        /// The output folder.
        out: PathBuf,
    },
    /// A targets file holds an empty target.
    #[error("{}:{line}", path.display())]
    BadTarget {
        /// The targets file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        #[source]
        source: crate::targets::EmptyTarget,
    },
    /// No targets were given.
    #[error("no targets: give --target T (repeatable) or --targets-file FILE")]
    NoTargets,
    /// The output folder holds a run with other settings.
    #[error(
        "{} holds a different run ({what} differ); use --fresh to start over or choose another \
         --out",
        dir.display()
    )]
    DifferentRun {
        /// The output folder.
        dir: PathBuf,
        /// The settings that differ, by name.
        what: String,
    },
    /// An input changed since the run started, so positions cannot be trusted.
    #[error(
        "input {} changed since this run started (size, time or content); the resume would \
         skip or repeat records: use --fresh to start over",
        input.display()
    )]
    InputChanged {
        /// The input.
        input: PathBuf,
    },
    /// A line file is shorter than its checkpoint recorded.
    #[error(
        "{} is {have} bytes, shorter than the {len} its checkpoint recorded (cut or deleted \
         after the run stopped); resuming would lose records: use --fresh to start over",
        path.display()
    )]
    CheckpointCut {
        /// The line file.
        path: PathBuf,
        /// Its length now.
        have: u64,
        /// Its length at the checkpoint.
        len: u64,
    },
    /// A line file's checkpointed bytes were changed.
    #[error(
        "{} was changed after the run stopped (its last checkpointed bytes differ); resuming \
         would mix old and new records: use --fresh",
        path.display()
    )]
    CheckpointChanged {
        /// The line file.
        path: PathBuf,
    },
    /// The classifier failed.
    #[error("classifier")]
    Classifier(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The classifier returned the wrong number of results.
    #[error("classifier returned {got} results for {sentences} sentences x {targets} targets")]
    ClassifierCount {
        /// Results returned.
        got: usize,
        /// Sentences asked about.
        sentences: usize,
        /// Targets asked about.
        targets: usize,
    },
    /// `strict` was set and a record was bad.
    #[error(
        "--strict: bad record {0} (outputs so far are kept; rerun without --strict to skip it)"
    )]
    Strict(String),
    /// The driver asked the run to stop ([`crate::run::Events::stop_requested`]); everything up
    /// to the last checkpoint is written and the same run resumes from there.
    #[error(
        "stopped after {items_done} input records; run again with the same settings to resume"
    )]
    Stopped {
        /// Input records done (the checkpoint).
        items_done: u64,
    },
    /// The reader thread panicked (a bug).
    #[error("the reader thread panicked")]
    ReaderPanicked,
    /// The segmentation thread pool could not be built.
    #[error("building the segmentation thread pool")]
    ThreadPool(#[source] rayon::ThreadPoolBuildError),
    /// A grouping is not valid.
    #[error(transparent)]
    GroupBy(#[from] standpoint_aggregate::Error),
    /// A CSV row could not be written.
    #[error("writing CSV")]
    Csv(#[source] csv::Error),
    /// Serialising an output line failed.
    #[error("serialising an output line")]
    Serialize(#[source] serde_json::Error),
    /// Merge: no shard folders.
    #[error("no shard folders given")]
    NoShards,
    /// Merge: a folder is not a run's output.
    #[error("{}: no state.json; is it a `standpoint run` output?", dir.display())]
    NotARun {
        /// The folder.
        dir: PathBuf,
    },
    /// Merge: a shard's run is not complete.
    #[error(
        "{}: the run is not complete; finish it (run it again) before merging",
        dir.display()
    )]
    Incomplete {
        /// The shard folder.
        dir: PathBuf,
    },
    /// Merge: a shard of another run.
    #[error(
        "{}: a different run than {} ({what} differ)",
        dir.display(),
        first.display()
    )]
    OtherRun {
        /// The shard folder.
        dir: PathBuf,
        /// The first shard folder.
        first: PathBuf,
        /// The settings that differ, by name.
        what: String,
    },
    /// Merge: a folder of an unsharded run.
    #[error("{}: not a shard (run with --shard K/N)", dir.display())]
    NotAShard {
        /// The folder.
        dir: PathBuf,
    },
    /// Merge: a shard repeated or of another count.
    #[error("{}: shard {k}/{n} does not fit the others", dir.display())]
    ShardMisfit {
        /// The folder.
        dir: PathBuf,
        /// Its K.
        k: u64,
        /// Its N.
        n: u64,
    },
    /// Merge: shards are missing.
    #[error("missing shards {}; pass them all, or --partial to merge what is there", missing.join(", "))]
    MissingShards {
        /// The missing shards as `K/N`.
        missing: Vec<String>,
    },
    /// Merge: a shard file differs in length from its checkpoint.
    #[error(
        "{}: {have} bytes, but its run recorded {want}; the shard folder was changed after the \
         run (re-run that shard with --fresh)",
        path.display()
    )]
    ShardChanged {
        /// The line file.
        path: PathBuf,
        /// Its length.
        have: u64,
        /// The recorded length.
        want: u64,
    },
    /// Merge: the output folder is one of the shards.
    #[error(
        "--out {} is one of the shard folders being merged; choose a new folder",
        out.display()
    )]
    OutIsShard {
        /// The output folder.
        out: PathBuf,
    },
    /// Merge: the output folder already holds a run.
    #[error("{} already holds a run or merge (state.json); choose a new folder", out.display())]
    OutNotEmpty {
        /// The output folder.
        out: PathBuf,
    },
}

impl Error {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }
}

/// The pipeline's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
