//! A report people look at: one self-contained HTML page from a run folder of `standpoint run`
//! (or `standpoint merge`). For each target: the split of documents and sentences, net share
//! per group (source, speaker, ...) as dots with 95% interval whiskers, net share over time
//! (per source with a crossed grouping such as `source+date:month`) as lines with interval
//! bands, and the strongest evidence on each side with speaker, document, source and date.
//! Then a sortable document table (capped), the skipped records and the run manifest.
//!
//! The page is built from groups.json, run.json and the first lines of documents.jsonl and
//! errors.jsonl, so its cost grows with the number of groups and the caps, not with the corpus.
//! Charts are SVG written through a small typed layer ([`svg`]); the page fetches nothing.
//!
//! ```no_run
//! use standpoint_report::{write_report, Limits, Options};
//! let out = std::path::Path::new("out/demo/report.html");
//! let run = write_report(std::path::Path::new("out/demo"), out, Limits::default(), &Options::default())?;
//! println!("{} groups, notes: {:?}", run.groups.len(), run.notes);
//! # Ok::<(), standpoint_report::Error>(())
//! ```
#![deny(missing_docs)]

use std::io::Write as _;
use std::path::{Path, PathBuf};

pub mod charts;
mod html;
pub mod load;
pub mod svg;

pub use html::{render, Options};
pub use load::{Limits, RunFolder};

/// Errors of the report crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Nothing in the folder can be shown.
    #[error("{dir}: cannot make a report: {reason}")]
    NotARun {
        /// The folder.
        dir: PathBuf,
        /// Why.
        reason: String,
    },
    /// A file could not be read.
    #[error("{action} {path}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// `--out` names one of the run's own files.
    #[error(
        "{} is one of the run's own files; write the report elsewhere (default: report.html in \
         the run folder)",
        path.display()
    )]
    RunFile {
        /// The file.
        path: PathBuf,
    },
    /// The report could not be written.
    #[error(transparent)]
    Write(#[from] standpoint_pipeline::Error),
}

/// Reads the run folder `dir` and writes its report to `out` atomically (a temporary file
/// renamed into place, so a failed write leaves no half page). Returns what was read, whose
/// `notes` say what was missing.
pub fn write_report(
    dir: &Path,
    out: &Path,
    limits: Limits,
    opts: &Options,
) -> Result<RunFolder, Error> {
    if is_run_file(dir, out) {
        return Err(Error::RunFile {
            path: out.to_path_buf(),
        });
    }
    let run = RunFolder::load(dir, limits)?;
    let page = render(&run, opts);
    standpoint_pipeline::checkpoint::replace_file(out, |f| f.write_all(page.as_bytes()))?;
    Ok(run)
}

/// Whether `out` is one of the files a run keeps in `dir` (its state, line files, summaries):
/// a report written there would destroy the run.
///
/// ```
/// use standpoint_report::is_run_file;
/// let dir = std::env::temp_dir();
/// assert!(is_run_file(&dir, &dir.join("state.json")));
/// assert!(is_run_file(&dir, &dir.join("./groups.json")));
/// assert!(!is_run_file(&dir, &dir.join("report.html")));
/// ```
pub fn is_run_file(dir: &Path, out: &Path) -> bool {
    let own = standpoint_pipeline::checkpoint::LINE_FILES.iter().chain(&[
        "state.json",
        "groups.json",
        "groups.csv",
        "run.json",
    ]);
    let Some(name) = out.file_name() else {
        return false;
    };
    if !own.into_iter().any(|f| name == *f) {
        return false;
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match (std::fs::canonicalize(parent), std::fs::canonicalize(dir)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
