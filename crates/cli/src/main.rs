//! The `standpoint` binary: argument parsing, I/O, progress and exit codes. Everything
//! reusable lives in the library crates.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

/// Writes a diagnostic line to standard error. Unlike `eprintln!` it never panics: when stderr
/// is closed or full the message is dropped and the command goes on (its results still reach
/// the output files and its exit code).
macro_rules! warn {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod bench_cmd;
mod classify_cmd;
mod finetune_cmd;
mod input;
mod lock;
mod merge_cmd;
mod model_setup;
mod run_cmd;
mod segment_cmd;
mod speed_cmd;
mod train_cmd;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Segment(a) => segment_cmd::run(a),
        args::Command::Classify(a) => classify_cmd::run(a),
        args::Command::Train(a) => train_cmd::run(a),
        args::Command::Finetune(a) => finetune_cmd::run(a),
        args::Command::Speed(a) => speed_cmd::run(a),
        args::Command::Run(a) => run_cmd::run(a),
        args::Command::Merge(a) => merge_cmd::run(a),
        args::Command::Bench(a) => bench_cmd::run(a),
        args::Command::BenchWorker(a) => bench_cmd::worker(a),
    };
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(io::stderr(), "standpoint: error: {}", error_chain(&err));
            ExitCode::from(2)
        }
    }
}

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was processed.
    Clean,
    /// Some inputs or records were reported and skipped.
    Skipped,
}

impl Outcome {
    fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Skipped => ExitCode::from(1),
        }
    }
}

/// The error and its causes, each once, joined by ": ". A cause whose text the message before
/// it already contains is left out (libraries often repeat their source in their own message),
/// and libtorch's C++ stack traces ("Exception raised from ...") are cut off.
fn error_chain(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        let text = text
            .split("Exception raised from")
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if text.is_empty() || parts.last().is_some_and(|p| p.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
