//! The speakers of a finished run (`standpoint speakers RUN_DIR`): one entry per speaker key,
//! read from the run's sentences.jsonl, with the names folded into the key, the roles the
//! documents gave, and how many sentences and documents the speaker has.
//!
//! The key is the one groups.json uses: a one-word name ("Dvorak") joins the one fuller name
//! that ends with it ("Marek Dvorak") when exactly one does, across the whole run
//! ([`standpoint_aggregate::speaker_aliases`]); two "Dvorak"s with different first names keep
//! the surname alone apart. It is a function of the set of names, so a merged run and the same
//! run made in one piece list the same speakers.
//!
//! ```
//! use standpoint_pipeline::speakers::Speakers;
//! let lines = r#"{"seq":0,"doc":"a","text":"…","speaker":"Marek Dvorak","role":"opposition leader","attribution":"direct"}
//! {"seq":1,"doc":"b","text":"…","speaker":"Dvorak","attribution":"indirect"}
//! {"seq":1,"doc":"b","text":"…","speaker":null,"attribution":"none"}
//! "#;
//! let mut speakers = Speakers::default();
//! for line in lines.lines() {
//!     speakers.add_line(line).unwrap();
//! }
//! let table = speakers.table();
//! assert_eq!(table.len(), 1);
//! assert_eq!(table[0].key, "Marek Dvorak");
//! assert_eq!((table[0].sentences, table[0].documents, table[0].direct), (2, 2, 1));
//! assert_eq!(table[0].aliases, [("Dvorak".to_string(), 1)]);
//! assert_eq!(table[0].roles, [("opposition leader".to_string(), 1)]);
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// What the table needs of a sentences.jsonl line.
#[derive(Deserialize)]
struct Line {
    seq: u64,
    /// Required (every sentence line has it), not read.
    #[serde(rename = "text")]
    _text: serde::de::IgnoredAny,
    speaker: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    attribution: Option<String>,
}

/// One name as the run found it.
#[derive(Default)]
struct Seen {
    sentences: u64,
    direct: u64,
    documents: BTreeSet<u64>,
    roles: BTreeMap<String, u64>,
}

/// Speakers gathered from sentence lines ([`Speakers::add_line`]); [`Speakers::table`] folds
/// them into keys.
#[derive(Default)]
pub struct Speakers {
    names: BTreeMap<String, Seen>,
}

/// One speaker key of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpeakerEntry {
    /// The key and display name (the fullest name seen).
    pub key: String,
    /// Other names folded into the key, with their sentence counts.
    pub aliases: Vec<(String, u64)>,
    /// Roles the documents gave the speaker, most frequent first, with their sentence counts.
    pub roles: Vec<(String, u64)>,
    /// Sentences attributed to the speaker.
    pub sentences: u64,
    /// Of those, direct quotes.
    pub direct: u64,
    /// Documents with at least one of them.
    pub documents: u64,
}

/// A sentences.jsonl line that is not a sentence record.
#[derive(Debug, thiserror::Error)]
#[error("not a sentence record: {0}")]
pub struct BadLine(pub serde_json::Error);

impl Speakers {
    /// Adds one sentences.jsonl line; sentences without a speaker are skipped.
    pub fn add_line(&mut self, line: &str) -> std::result::Result<(), BadLine> {
        let l: Line = serde_json::from_str(line).map_err(BadLine)?;
        let Some(name) = l.speaker.filter(|s| !s.trim().is_empty()) else {
            return Ok(());
        };
        let seen = self.names.entry(name).or_default();
        seen.sentences += 1;
        seen.direct += u64::from(l.attribution.as_deref() == Some("direct"));
        // A run's seq numbers its input records: one per document.
        seen.documents.insert(l.seq);
        if let Some(role) = l.role.filter(|r| !r.trim().is_empty()) {
            *seen.roles.entry(role).or_default() += 1;
        }
        Ok(())
    }

    /// The speaker keys, most sentences first (then by key).
    pub fn table(&self) -> Vec<SpeakerEntry> {
        let aliases = standpoint_aggregate::speaker_aliases(self.names.keys().map(String::as_str));
        let mut keys: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for name in self.names.keys() {
            let key = aliases.get(name).map_or(name.as_str(), String::as_str);
            keys.entry(key).or_default().push(name);
        }
        let mut out: Vec<SpeakerEntry> = keys
            .into_iter()
            .map(|(key, names)| {
                let mut e = SpeakerEntry {
                    key: key.to_string(),
                    aliases: Vec::new(),
                    roles: Vec::new(),
                    sentences: 0,
                    direct: 0,
                    documents: 0,
                };
                let mut docs = BTreeSet::new();
                let mut roles: BTreeMap<&str, u64> = BTreeMap::new();
                for name in names {
                    let seen = &self.names[name];
                    e.sentences += seen.sentences;
                    e.direct += seen.direct;
                    docs.extend(seen.documents.iter().copied());
                    for (r, n) in &seen.roles {
                        *roles.entry(r).or_default() += n;
                    }
                    if name != key {
                        e.aliases.push((name.to_string(), seen.sentences));
                    }
                }
                e.documents = docs.len() as u64;
                e.roles = roles.into_iter().map(|(r, n)| (r.to_string(), n)).collect();
                e.roles
                    .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                e
            })
            .collect();
        out.sort_by(|a, b| {
            b.sentences
                .cmp(&a.sentences)
                .then_with(|| a.key.cmp(&b.key))
        });
        out
    }

    /// Reads a run folder's sentences.jsonl. Lines that are not sentence records are passed
    /// to `on_bad` with the file and their line number (1-based) and skipped.
    pub fn read_run(dir: &Path, on_bad: &mut dyn FnMut(&Path, u64, BadLine)) -> Result<Speakers> {
        let path = dir.join("sentences.jsonl");
        let file = std::fs::File::open(&path).map_err(Error::io("reading", &path))?;
        let mut speakers = Speakers::default();
        let mut reader = std::io::BufReader::new(file);
        let mut buf = Vec::new();
        let mut n = 0u64;
        loop {
            buf.clear();
            if reader
                .read_until(b'\n', &mut buf)
                .map_err(Error::io("reading", &path))?
                == 0
            {
                break;
            }
            n += 1;
            let text = String::from_utf8_lossy(&buf);
            let line = text.trim_end_matches(['\n', '\r']);
            if line.trim().is_empty() {
                continue;
            }
            if let Err(bad) = speakers.add_line(line) {
                on_bad(&path, n, bad);
            }
        }
        Ok(speakers)
    }
}

/// The table `standpoint speakers` prints: one tab-separated line per key, after a header;
/// aliases and roles as "name (sentences)" lists.
///
/// ```
/// use standpoint_pipeline::speakers::{table_text, SpeakerEntry};
/// let e = SpeakerEntry { key: "Marek Dvorak".into(), aliases: vec![("Dvorak".into(), 2)],
///     roles: vec![], sentences: 5, direct: 4, documents: 2 };
/// assert_eq!(table_text(&[e]).lines().nth(1), Some("5\t4\t2\tMarek Dvorak\tDvorak (2)\t"));
/// ```
pub fn table_text(table: &[SpeakerEntry]) -> String {
    let list = |v: &[(String, u64)]| {
        v.iter()
            .map(|(n, c)| format!("{n} ({c})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut t = String::from("sentences\tdirect\tdocuments\tspeaker\taliases\troles\n");
    for e in table {
        t += &format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            e.sentences,
            e.direct,
            e.documents,
            e.key,
            list(&e.aliases),
            list(&e.roles)
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(seq: u64, speaker: Option<&str>, role: Option<&str>) -> String {
        serde_json::json!({"seq": seq, "doc": format!("d{seq}"), "speaker": speaker,
            "role": role, "attribution": "indirect", "text": "…", "stance": {}})
        .to_string()
    }

    #[test]
    fn two_people_with_one_surname_stay_apart_and_roles_add_up() {
        let mut s = Speakers::default();
        for l in [
            line(0, Some("Anna Brik"), Some("mayor")),
            line(1, Some("Karl Brik"), None),
            line(2, Some("Brik"), None),
            line(3, Some("Marco Rubio"), Some("Secretary of State")),
            line(4, Some("Rubio"), Some("Secretary of State")),
            line(4, Some("Rubio"), Some("US Secretary of State")),
            line(5, None, None),
        ] {
            s.add_line(&l).unwrap();
        }
        let t = s.table();
        let keys: Vec<&str> = t.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["Marco Rubio", "Anna Brik", "Brik", "Karl Brik"]);
        assert_eq!(t[0].sentences, 3);
        assert_eq!(t[0].documents, 2);
        assert_eq!(t[0].aliases, [("Rubio".to_string(), 2)]);
        assert_eq!(
            t[0].roles,
            [
                ("Secretary of State".to_string(), 2),
                ("US Secretary of State".to_string(), 1)
            ]
        );
        assert!(s.add_line("{\"seq\":1}").is_err());
        assert!(s.add_line("not json").is_err());
    }

    #[test]
    fn a_run_folder_is_read_and_bad_lines_are_named() {
        let dir = std::env::temp_dir().join(format!("sp-speakers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = format!(
            "{}\n{{broken\n{}\n",
            line(0, Some("Marek Dvorak"), None),
            line(1, Some("Dvorak"), None)
        );
        std::fs::write(dir.join("sentences.jsonl"), text).unwrap();
        let mut bad = Vec::new();
        let s = Speakers::read_run(&dir, &mut |p, n, e| {
            assert!(p.ends_with("sentences.jsonl"));
            bad.push((n, e.to_string()))
        })
        .unwrap();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, 2);
        assert_eq!(s.table()[0].sentences, 2);
        std::fs::remove_dir_all(&dir).unwrap();
        match Speakers::read_run(&dir, &mut |_, _, _| {}) {
            Err(Error::Io { path, .. }) => assert!(path.ends_with("sentences.jsonl")),
            other => panic!("{:?}", other.map(|s| s.table())),
        }
    }
}
