//! The parts of the `standpoint` command line that need no model runtime: argument
//! definitions, the model-free commands (`segment`, `attribute`, `merge`), the run summary, error printing
//! and exit codes. Both binaries use it: `standpoint` (starts in milliseconds; hands the
//! commands that load a model to `standpoint-model`) and `standpoint-model` (links libtorch).

use std::io;
use std::process::ExitCode;

/// Writes a diagnostic line to standard error. Unlike `eprintln!` it never panics: when stderr
/// is closed or full the message is dropped and the command goes on (its results still reach
/// the output files and its exit code).
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            $crate::printable(&format!($($arg)*))
        );
    }};
}

/// `text` safe for a terminal: control characters other than newline and tab (ESC, which
/// starts terminal commands such as setting the window title; NUL; DEL; C1 controls) are shown
/// as `\u{..}` escapes, so a record id or file name from the input cannot drive the terminal.
///
/// ```
/// assert_eq!(standpoint_cli::printable("id\u{1b}]0;owned\u{7}"), "id\\u{1b}]0;owned\\u{7}");
/// assert_eq!(standpoint_cli::printable("a\tb\n"), "a\tb\n");
/// ```
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

pub mod args;
pub mod commands;
pub mod validate_cmd;

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was processed.
    Clean,
    /// Some inputs or records were reported and skipped.
    Skipped,
}

impl Outcome {
    /// `Skipped` when `skipped`, else `Clean`.
    pub fn skipped_if(skipped: bool) -> Outcome {
        if skipped {
            Outcome::Skipped
        } else {
            Outcome::Clean
        }
    }

    /// 0 when clean, 1 when something was skipped.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Skipped => ExitCode::from(1),
        }
    }
}

/// The exit code for a command's result, printing the error (each cause once) when it failed;
/// a closed standard output (`| head`) is not a failure.
pub fn finish(result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            warn!("standpoint: error: {}", error_chain(&err));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each once, joined by ": ". A cause whose text the message before
/// it already contains is left out (libraries often repeat their source in their own message),
/// and libtorch's C++ stack traces ("Exception raised from ...") are cut off.
pub fn error_chain(err: &anyhow::Error) -> String {
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

/// Prints a run's per-target summary (`standpoint_pipeline::report`) on standard output, with
/// control characters escaped. A closed standard output (`| head`) is not an error: the
/// summary is extra, the run's results are in its files, and its exit code must still say
/// whether records were skipped.
pub fn print_summary(state: &standpoint_pipeline::checkpoint::State) -> io::Result<()> {
    print_note(&standpoint_pipeline::report::summary_text(state))
}

/// Prints an informational `text` (a summary, a path written) on standard output, control
/// characters escaped; a closed standard output is not an error (see [`print_summary`]).
pub fn print_note(text: &str) -> io::Result<()> {
    match io::Write::write_all(&mut io::stdout().lock(), printable(text).as_bytes()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
