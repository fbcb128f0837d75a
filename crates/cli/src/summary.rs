//! The per-target summary `run` and `merge` print on standard output.

use std::io::Write;

use standpoint_pipeline::checkpoint::State;

/// Prints `standpoint_pipeline::report::summary_text` on standard output.
pub fn print_summary(state: &State) -> std::io::Result<()> {
    let text = standpoint_pipeline::report::summary_text(state);
    std::io::stdout().lock().write_all(text.as_bytes())
}
