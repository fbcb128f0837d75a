//! Targets as users give them: one by one or in a file, trimmed, deduplicated, never empty.
//!
//! ```
//! use standpoint_pipeline::targets::{parse_target, read_targets};
//! assert_eq!(parse_target("  a ceasefire ").unwrap(), "a ceasefire");
//! assert!(parse_target("\u{200B} ").is_err());
//! let t = read_targets(&["x".into(), "y".into(), "x".into()], None).unwrap();
//! assert_eq!(t, ["x", "y"]);
//! ```

use std::path::Path;

use crate::error::{Error, Result};

/// A target with nothing visible in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("target {0:?} is empty (nothing visible after trimming)")]
pub struct EmptyTarget(pub String);

/// A target as given: trimmed; refused when nothing visible is left (empty, whitespace or
/// zero-width characters only).
pub fn parse_target(s: &str) -> std::result::Result<String, EmptyTarget> {
    let t = s.trim();
    let visible = t.chars().any(|c| {
        !c.is_whitespace() && !matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
    });
    if visible {
        Ok(t.to_string())
    } else {
        Err(EmptyTarget(s.to_string()))
    }
}

/// The targets given, then those of `file` (one per line; blank lines and `#` comments
/// skipped), each once in first-seen order. No targets at all is [`Error::NoTargets`]; an empty
/// target in the file is an error naming its line.
pub fn read_targets(given: &[String], file: Option<&Path>) -> Result<Vec<String>> {
    let mut targets = given.to_vec();
    if let Some(p) = file {
        let text = std::fs::read_to_string(p).map_err(Error::io("reading targets file", p))?;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let t = parse_target(line).map_err(|source| Error::BadTarget {
                path: p.to_path_buf(),
                line: n + 1,
                source,
            })?;
            targets.push(t);
        }
    }
    let mut seen = std::collections::HashSet::new();
    targets.retain(|t| seen.insert(t.clone()));
    if targets.is_empty() {
        return Err(Error::NoTargets);
    }
    Ok(targets)
}
