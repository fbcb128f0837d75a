//! Corpus readers: JSONL, CSV, a directory of .txt files, a single .txt file, or standard input
//! (JSONL); gzip is detected by its magic bytes. Every record, good or bad, is one item in input
//! order, so positions are stable across runs (resume, shards). A bad record is an
//! `Err(`[`Bad`]`)` naming its file, line and id with a typed [`ReadError`]; reading goes on.
//!
//! ```
//! use standpoint_pipeline::read::{Fields, Format, Reader, ReadError};
//!
//! let dir = std::env::temp_dir().join(format!("standpoint-read-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("corpus.jsonl");
//! std::fs::write(&path, "{\"id\": \"a\", \"text\": \"Talks resumed.\", \"source\": \"Wire\"}\n{\"id\": \"b\"}\n").unwrap();
//!
//! let items: Vec<_> = Reader::new(vec![path], Format::Auto, Fields::default(), 1 << 20).collect();
//! let doc = items[0].as_ref().unwrap();
//! assert_eq!((doc.id.as_str(), doc.meta["source"].as_str()), ("a", "Wire"));
//! let bad = items[1].as_ref().unwrap_err();
//! assert_eq!((bad.line, bad.id.as_deref()), (2, Some("b")));
//! assert!(matches!(bad.error, ReadError::MissingField { .. }));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use crate::hash::{fnv1a_extend, FNV_OFFSET};

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// By extension: .jsonl/.ndjson/.json (JSONL), .csv, .txt, a directory of .txt files;
    /// a trailing .gz is looked through. Standard input is JSONL.
    Auto,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// Each file is one document.
    Txt,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::Auto, Format::Jsonl, Format::Csv, Format::Txt];

    /// The format's name, as state.json and run.json record it.
    ///
    /// ```
    /// use standpoint_pipeline::read::Format;
    /// assert_eq!(Format::Jsonl.name(), "jsonl");
    /// assert_eq!(Format::from_name("csv"), Some(Format::Csv));
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Txt => "txt",
        }
    }

    /// The format with this [`name`](Format::name).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Field names of records (JSONL keys, CSV columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    /// The document id (default `id`); a record without one gets `FILE:LINE`.
    pub id: String,
    /// The document text (default `text`).
    pub text: String,
}

impl Default for Fields {
    fn default() -> Fields {
        Fields {
            id: "id".into(),
            text: "text".into(),
        }
    }
}

/// A document read from the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// The file it came from, as given (`-` for standard input).
    pub file: String,
    /// Its 1-based line (0 for whole-file documents).
    pub line: u64,
    /// Its id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// Every other field with a value (strings, numbers and booleans as text); for .txt files
    /// `file` = the id.
    pub meta: BTreeMap<String, String>,
}

/// A record that cannot be used: where it is and what is wrong.
#[derive(Debug)]
pub struct Bad {
    /// The file, as given.
    pub file: String,
    /// The 1-based line of the record (0 for a whole file or folder entry).
    pub line: u64,
    /// The record's id, when it could be read.
    pub id: Option<String>,
    /// What is wrong.
    pub error: ReadError,
}

impl std::fmt::Display for Bad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        write!(f, ": {}", self.error)
    }
}

/// Why a record could not be used. The messages are the ones `errors.jsonl` records.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file or folder entry could not be opened or read.
    #[error("cannot read: {0}")]
    Open(io::Error),
    /// Reading failed part way (the rest of this input is skipped).
    #[error("read error: {0}")]
    Read(io::Error),
    /// A record is not valid UTF-8.
    #[error("invalid UTF-8 at byte {byte}")]
    Utf8 {
        /// Offset of the first invalid byte in the record.
        byte: usize,
    },
    /// A text file is not valid UTF-8.
    #[error("invalid UTF-8 at byte {byte} (line {line})")]
    Utf8InFile {
        /// Offset of the first invalid byte in the file.
        byte: usize,
        /// Its 1-based line.
        line: usize,
    },
    /// A CSV field is not valid UTF-8.
    #[error("column {column:?}: invalid UTF-8 at byte {byte}")]
    ColumnUtf8 {
        /// The column.
        column: String,
        /// Offset of the first invalid byte in the field.
        byte: usize,
    },
    /// The CSV header row is not UTF-8 (the file is skipped).
    #[error("header is not UTF-8")]
    HeaderUtf8,
    /// The CSV header row is malformed (the file is skipped).
    #[error("header: {0}")]
    Header(Box<ReadError>),
    /// A JSONL line is not JSON.
    #[error("malformed JSON: {0}")]
    Json(serde_json::Error),
    /// A JSONL line is JSON but not an object.
    #[error("not a JSON object")]
    NotObject,
    /// The document was read but who says what in it could not be found (a tagger failed).
    #[error("attribution failed: {0}")]
    Attribution(String),
    /// The id field is neither a string nor a number.
    #[error("field {field:?} is not a string or number")]
    IdType {
        /// The id field's name.
        field: String,
    },
    /// A JSONL record names a field twice, or a CSV header a column twice: which one is meant
    /// cannot be told.
    #[error("{what} {name:?} appears twice")]
    Duplicate {
        /// "field" or "column".
        what: &'static str,
        /// The name.
        name: String,
    },
    /// The text field is not a string.
    #[error("field {field:?} is not a string")]
    TextType {
        /// The text field's name.
        field: String,
    },
    /// A JSONL record has no text field.
    #[error("missing field {field:?}")]
    MissingField {
        /// The text field's name.
        field: String,
    },
    /// A CSV file has no text column.
    #[error("missing column {column:?}")]
    MissingColumn {
        /// The text column's name.
        column: String,
    },
    /// A CSV row has more or fewer fields than the header.
    #[error("malformed CSV: {fields} fields, the header has {header}")]
    FieldCount {
        /// Fields in the row.
        fields: usize,
        /// Fields in the header.
        header: usize,
    },
    /// A closing quote is followed by something other than a comma or a line end.
    #[error(
        "malformed CSV: a closing quote on line {line} is followed by {after:?}, not a comma \
         or a line end (a quote left open?)"
    )]
    QuoteFollowed {
        /// The line of the quote.
        line: u64,
        /// What follows it (up to 12 bytes).
        after: String,
    },
    /// A quoted field runs on past the record size limit.
    #[error(
        "malformed CSV: a quoted field opened on line {line} runs past {limit} bytes (a quote \
         left open?)"
    )]
    QuoteTooLong {
        /// The line where the quote opened.
        line: u64,
        /// The limit in bytes.
        limit: usize,
    },
    /// A quote is never closed.
    #[error("malformed CSV: the quote opened on line {line} is never closed")]
    QuoteOpen {
        /// The line where the quote opened.
        line: u64,
    },
    /// A file in an input folder is of no format standpoint reads.
    #[error(
        "not read: not a .jsonl, .ndjson, .json, .csv or .txt file (optionally .gz); give it as \
         an input with --format to read it"
    )]
    Unsupported,
    /// The document's text is empty or only whitespace.
    #[error("empty document")]
    Empty,
    /// The document's text is larger than the limit.
    #[error("document of {bytes} bytes exceeds --max-doc-bytes {max}")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// A line is so long that it was skipped unread.
    #[error("record longer than {limit} bytes (--max-doc-bytes {max})")]
    TooLong {
        /// Bytes kept of a line.
        limit: u64,
        /// The document size limit.
        max: usize,
    },
}

/// One input record: a document, or what is wrong with it.
pub type Item = Result<Doc, Bad>;

/// Opens a file (or stdin for "-"), decompressing gzip transparently.
fn open(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path)?)
    };
    let mut r = BufReader::with_capacity(1 << 16, raw);
    let gz = r.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(r)))
    } else {
        Box::new(r)
    })
}

fn format_of(path: &Path, requested: Format) -> Format {
    if requested != Format::Auto {
        return requested;
    }
    if path.as_os_str() == "-" {
        return Format::Jsonl;
    }
    if path.is_dir() {
        return Format::Txt;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".csv") {
        Format::Csv
    } else if name.ends_with(".txt") {
        Format::Txt
    } else {
        Format::Jsonl
    }
}

fn meta_value(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Checks the text of a document: not empty, not enormous.
fn check_text(text: &str, max_bytes: usize) -> Result<(), ReadError> {
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    if text.len() > max_bytes {
        return Err(ReadError::TooLarge {
            bytes: text.len(),
            max: max_bytes,
        });
    }
    Ok(())
}

/// Reads all inputs in order, yielding one item per record.
///
/// Inputs are files (JSONL, CSV, .txt; gzip or not), folders of .txt files (walked in sorted
/// path order; the id is the path relative to the folder) or `-` for JSONL on standard input.
pub struct Reader {
    inputs: Vec<PathBuf>,
    format: Format,
    fields: Fields,
    max_bytes: usize,
    next_input: usize,
    current: Option<Box<dyn Iterator<Item = Item> + Send>>,
}

impl Reader {
    /// A reader over `inputs` in order; documents over `max_bytes` are bad records.
    pub fn new(inputs: Vec<PathBuf>, format: Format, fields: Fields, max_bytes: usize) -> Reader {
        Reader {
            inputs,
            format,
            fields,
            max_bytes,
            next_input: 0,
            current: None,
        }
    }

    fn open_next(&mut self) -> Option<Box<dyn Iterator<Item = Item> + Send>> {
        let path = self.inputs.get(self.next_input)?.clone();
        self.next_input += 1;
        let name = path.display().to_string();
        let unreadable = |e: io::Error| -> Box<dyn Iterator<Item = Item> + Send> {
            Box::new(std::iter::once(Err(Bad {
                file: name.clone(),
                line: 0,
                id: None,
                error: ReadError::Open(e),
            })))
        };
        let max = self.max_bytes;
        Some(match format_of(&path, self.format) {
            _ if path.is_dir() => match folder_files(&path) {
                Ok((files, errors)) => {
                    let errors = errors.into_iter().map(|(p, e)| {
                        Err(Bad {
                            file: p.display().to_string(),
                            line: 0,
                            id: None,
                            error: ReadError::Open(e),
                        })
                    });
                    let (requested, fields) = (self.format, self.fields.clone());
                    let files = files
                        .into_iter()
                        .flat_map(move |f| folder_file(&path, &f, requested, fields.clone(), max));
                    Box::new(errors.chain(files))
                }
                Err(e) => unreadable(e),
            },
            Format::Txt => {
                let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
                Box::new(std::iter::once(read_txt(&base, &path, max)))
            }
            format @ (Format::Csv | Format::Jsonl | Format::Auto) => match open(&path) {
                Ok(r) => read_stream(name, r, format, self.fields.clone(), max),
                Err(e) => unreadable(e),
            },
        })
    }
}

impl Iterator for Reader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(it) = &mut self.current {
                if let Some(item) = it.next() {
                    return Some(item);
                }
            }
            self.current = Some(self.open_next()?);
        }
    }
}

/// The records of one stream of CSV (`format` = [`Format::Csv`]) or JSONL (anything else),
/// named `name` in the items. The readers behind [`Reader`], for data that is not in a file.
///
/// ```
/// use standpoint_pipeline::read::{read_stream, Fields, Format};
/// let data = "id,text\na,\"One, two.\"\nb\n";
/// let items: Vec<_> = read_stream("mem".into(), Box::new(data.as_bytes()), Format::Csv,
///                                 Fields::default(), 1000).collect();
/// assert_eq!(items[0].as_ref().unwrap().text, "One, two.");
/// assert_eq!(items[1].as_ref().unwrap_err().line, 3);
/// ```
pub fn read_stream(
    name: String,
    reader: Box<dyn BufRead + Send>,
    format: Format,
    fields: Fields,
    max_bytes: usize,
) -> Box<dyn Iterator<Item = Item> + Send> {
    match format {
        Format::Csv => Box::new(CsvItems::new(name, reader, fields, max_bytes)),
        _ => Box::new(JsonlItems {
            file: name,
            reader,
            line: 0,
            fields,
            max_bytes,
            buf: Vec::new(),
        }),
    }
}

/// A folder entry that could not be read, and why.
pub type Unreadable = (PathBuf, io::Error);

/// Every regular file under a directory, recursively, in sorted path order, with the
/// entries that could not be read (each its own error, so one unreadable subfolder does not
/// hide the readable files). Symbolic links to files are followed; a linked folder is walked
/// only once (by its real path), so a link loop cannot repeat documents.
pub fn folder_files(dir: &Path) -> io::Result<(Vec<PathBuf>, Vec<Unreadable>)> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    seen.insert(std::fs::canonicalize(dir)?);
    // The top folder itself must be readable.
    let mut stack = vec![(dir.to_path_buf(), std::fs::read_dir(dir)?)];
    while let Some((d, entries)) = stack.pop() {
        let mut subdirs = Vec::new();
        // Sorted, so that which of two links to one folder is walked does not depend on the
        // file system's order.
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => paths.push(e.path()),
                Err(e) => errors.push((d.clone(), e)),
            }
        }
        paths.sort();
        for p in paths {
            // `metadata` follows links: a dangling link is an error for that entry only.
            let meta = match std::fs::metadata(&p) {
                Ok(m) => m,
                Err(e) => {
                    errors.push((p, e));
                    continue;
                }
            };
            if meta.is_dir() {
                match std::fs::canonicalize(&p) {
                    // Already walked: a loop or a second link to the same folder.
                    Ok(real) => {
                        if seen.insert(real) {
                            subdirs.push(p);
                        }
                    }
                    Err(e) => errors.push((p, e)),
                }
            } else {
                out.push(p);
            }
        }
        for p in subdirs {
            match std::fs::read_dir(&p) {
                Ok(entries) => stack.push((p, entries)),
                Err(e) => errors.push((p, e)),
            }
        }
    }
    out.sort();
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((out, errors))
}

/// The format of a file found in an input folder: by its extension (`.gz` aside) unless
/// `requested` names one; `None` for files of no format standpoint reads.
fn folder_format(path: &Path, requested: Format) -> Option<Format> {
    if requested != Format::Auto {
        return Some(requested);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "txt" => Some(Format::Txt),
        "csv" => Some(Format::Csv),
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        _ => None,
    }
}

/// The records of one file of an input folder (`base`): a .txt file is one document named by
/// its path under the folder; JSONL and CSV files give their records; other files one bad
/// record saying they were not read.
fn folder_file(
    base: &Path,
    path: &Path,
    requested: Format,
    fields: Fields,
    max: usize,
) -> Box<dyn Iterator<Item = Item> + Send> {
    let name = path.display().to_string();
    match folder_format(path, requested) {
        Some(Format::Txt) => Box::new(std::iter::once(read_txt(base, path, max))),
        Some(format) => match open(path) {
            Ok(r) => read_stream(name, r, format, fields, max),
            Err(e) => Box::new(std::iter::once(Err(Bad {
                file: name,
                line: 0,
                id: None,
                error: ReadError::Open(e),
            }))),
        },
        None => Box::new(std::iter::once(Err(Bad {
            file: name,
            line: 0,
            id: None,
            error: ReadError::Unsupported,
        }))),
    }
}

fn read_txt(base: &Path, path: &Path, max_bytes: usize) -> Item {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let id = rel.to_string_lossy().into_owned();
    let file = path.display().to_string();
    let bad = |error: ReadError| Bad {
        file: file.clone(),
        line: 0,
        id: Some(id.clone()),
        error,
    };
    let mut bytes = Vec::new();
    open(path)
        .and_then(|r| {
            r.take((max_bytes as u64).saturating_add(1))
                .read_to_end(&mut bytes)
        })
        .map_err(|e| bad(ReadError::Open(e)))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
        bad(ReadError::Utf8InFile { byte: at, line })
    })?;
    check_text(&text, max_bytes).map_err(bad)?;
    let mut meta = BTreeMap::new();
    meta.insert("file".to_string(), id.clone());
    Ok(Doc {
        file,
        line: 0,
        id,
        text,
        meta,
    })
}

/// One line read by [`read_capped_line`].
pub enum CappedLine {
    /// The input has ended.
    Eof,
    /// A whole line (with its line end, if any) is in the buffer.
    Line,
    /// The line was longer than the limit: the buffer holds its first `limit` bytes and the rest
    /// was skipped without being kept; `total` is the line's whole length in bytes.
    TooLong {
        /// The line's length in bytes.
        total: u64,
    },
}

/// Reads one line into `buf` (cleared first), keeping at most `limit` bytes of it in memory: the
/// rest of a longer line is read past in the reader's own buffer, so one enormous line cannot
/// exhaust memory.
pub fn read_capped_line(
    r: &mut (impl BufRead + ?Sized),
    buf: &mut Vec<u8>,
    limit: u64,
) -> io::Result<CappedLine> {
    buf.clear();
    let n = (&mut *r).take(limit).read_until(b'\n', buf)? as u64;
    if n == 0 {
        return Ok(CappedLine::Eof);
    }
    if buf.ends_with(b"\n") || n < limit {
        return Ok(CappedLine::Line);
    }
    let mut total = n;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        match chunk.iter().position(|&b| b == b'\n') {
            Some(k) => {
                r.consume(k + 1);
                total += k as u64 + 1;
                break;
            }
            None => {
                let k = chunk.len();
                r.consume(k);
                total += k as u64;
            }
        }
    }
    Ok(CappedLine::TooLong { total })
}

struct JsonlItems {
    file: String,
    reader: Box<dyn BufRead + Send>,
    line: u64,
    fields: Fields,
    max_bytes: usize,
    buf: Vec<u8>,
}

impl Iterator for JsonlItems {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            self.line += 1;
            // Read at most max_bytes * 2 + 1024 of a line; the rest of an enormous line is skipped.
            let limit = (self.max_bytes as u64)
                .saturating_mul(2)
                .saturating_add(1024);
            match read_capped_line(&mut self.reader, &mut self.buf, limit) {
                Ok(CappedLine::Eof) => return None,
                Ok(CappedLine::Line) => {}
                Ok(CappedLine::TooLong { .. }) => {
                    return Some(Err(self.bad(
                        None,
                        ReadError::TooLong {
                            limit,
                            max: self.max_bytes,
                        },
                    )))
                }
                Err(e) => {
                    let bad = Bad {
                        file: self.file.clone(),
                        line: self.line,
                        id: None,
                        error: ReadError::Read(e),
                    };
                    // A broken stream ends this input.
                    self.reader = Box::new(io::empty());
                    return Some(Err(bad));
                }
            }
            let raw = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            // A byte-order mark at the start of the file is not part of the first record.
            let raw = match self.line {
                1 => raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw),
                _ => raw,
            };
            if raw.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            return Some(self.parse(raw));
        }
    }
}

/// A JSONL line's top-level value: an object whose keys are all different, another value, or
/// an object that names a key twice (serde_json's own map keeps the last silently).
enum TopLevel {
    Object(serde_json::Map<String, serde_json::Value>),
    Other,
    Duplicate(String),
}

impl<'de> serde::Deserialize<'de> for TopLevel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = TopLevel;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<TopLevel, A::Error> {
                let mut map = serde_json::Map::new();
                let mut twice = None;
                while let Some(k) = m.next_key::<String>()? {
                    let v: serde_json::Value = m.next_value()?;
                    if map.contains_key(&k) {
                        twice.get_or_insert(k);
                    } else {
                        map.insert(k, v);
                    }
                }
                Ok(twice.map_or(TopLevel::Object(map), TopLevel::Duplicate))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> Result<TopLevel, A::Error> {
                while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(TopLevel::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }
            fn visit_unit<E>(self) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonlItems {
    fn bad(&self, id: Option<String>, error: ReadError) -> Bad {
        Bad {
            file: self.file.clone(),
            line: self.line,
            id,
            error,
        }
    }

    fn parse(&self, raw: &[u8]) -> Item {
        let s = std::str::from_utf8(raw).map_err(|e| {
            self.bad(
                None,
                ReadError::Utf8 {
                    byte: e.valid_up_to(),
                },
            )
        })?;
        let v: TopLevel =
            serde_json::from_str(s).map_err(|e| self.bad(None, ReadError::Json(e)))?;
        let obj = match v {
            TopLevel::Object(obj) => obj,
            TopLevel::Other => return Err(self.bad(None, ReadError::NotObject)),
            TopLevel::Duplicate(name) => {
                return Err(self.bad(
                    None,
                    ReadError::Duplicate {
                        what: "field",
                        name,
                    },
                ))
            }
        };
        let id = match obj.get(&self.fields.id) {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            // No id, or an empty one (as an empty CSV cell): the record's place names it.
            None | Some(serde_json::Value::Null) => format!("{}:{}", self.file, self.line),
            Some(serde_json::Value::String(_)) => format!("{}:{}", self.file, self.line),
            Some(_) => {
                return Err(self.bad(
                    None,
                    ReadError::IdType {
                        field: self.fields.id.clone(),
                    },
                ))
            }
        };
        let text = match obj.get(&self.fields.text) {
            Some(serde_json::Value::String(t)) => t.clone(),
            Some(_) => {
                return Err(self.bad(
                    Some(id),
                    ReadError::TextType {
                        field: self.fields.text.clone(),
                    },
                ))
            }
            None => {
                return Err(self.bad(
                    Some(id),
                    ReadError::MissingField {
                        field: self.fields.text.clone(),
                    },
                ))
            }
        };
        check_text(&text, self.max_bytes).map_err(|m| self.bad(Some(id.clone()), m))?;
        let meta = obj
            .iter()
            .filter(|(k, _)| **k != self.fields.id && **k != self.fields.text)
            .filter_map(|(k, v)| Some((k.clone(), meta_value(v)?)))
            .collect();
        Ok(Doc {
            file: self.file.clone(),
            line: self.line,
            id,
            text,
            meta,
        })
    }
}

/// A strict CSV reader (RFC 4180: comma-separated, `"`-quoted fields, `""` for a quote,
/// LF or CRLF line ends) that reports what lenient readers swallow: rows with more or fewer
/// fields than the header, a closing quote followed by anything but a comma or a line end, and
/// a quote left open to the end of the file. Line numbers are physical lines (CRLF counted
/// once). After a malformed record, reading resumes at the line after the record's first line,
/// so a stray quote costs one record, not the rest of the file.
struct CsvItems {
    file: String,
    reader: Box<dyn BufRead + Send>,
    /// Lines to parse again after a malformed record, before reading on: (line number, bytes).
    pending: std::collections::VecDeque<(u64, Vec<u8>)>,
    /// Number of the next line read from `reader`.
    next_line: u64,
    headers: Option<Vec<String>>,
    fields: Fields,
    max_bytes: usize,
    done: bool,
}

/// One parsed record: its first line and its raw fields, or a problem and the lines it used.
enum CsvRecord {
    Fields(u64, Vec<Vec<u8>>),
    Malformed {
        line: u64,
        error: ReadError,
        /// The record's lines after its first, to parse again.
        rest: Vec<(u64, Vec<u8>)>,
    },
}

impl CsvItems {
    fn new(file: String, r: Box<dyn BufRead + Send>, fields: Fields, max_bytes: usize) -> Self {
        CsvItems {
            file,
            reader: r,
            pending: std::collections::VecDeque::new(),
            next_line: 1,
            headers: None,
            fields,
            max_bytes,
            done: false,
        }
    }

    fn read_line(&mut self) -> io::Result<Option<(u64, Vec<u8>)>> {
        if let Some(l) = self.pending.pop_front() {
            return Ok(Some(l));
        }
        let mut buf = Vec::new();
        let limit = (self.max_bytes as u64)
            .saturating_mul(2)
            .saturating_add(1024);
        // A line longer than the limit is cut there; the parser then sees an over-long record.
        if let CappedLine::Eof = read_capped_line(&mut self.reader, &mut buf, limit)? {
            return Ok(None);
        }
        let n = self.next_line;
        if n == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        self.next_line += 1;
        Ok(Some((n, buf)))
    }

    /// The next record, `None` at the end of the input.
    fn record(&mut self) -> io::Result<Option<CsvRecord>> {
        #[derive(PartialEq)]
        enum St {
            Start,
            Unquoted,
            Quoted,
            QuoteInQuoted,
        }
        let limit = self.max_bytes.saturating_mul(2).saturating_add(1024);
        loop {
            let Some((first, line)) = self.read_line()? else {
                return Ok(None);
            };
            if line.iter().all(|&b| b == b'\n' || b == b'\r') {
                continue; // blank line
            }
            let mut used: Vec<(u64, Vec<u8>)> = Vec::new();
            let mut fields: Vec<Vec<u8>> = Vec::new();
            let mut cur: Vec<u8> = Vec::new();
            let mut st = St::Start;
            let mut size = 0usize;
            let mut bytes = line;
            let mut at = first;
            loop {
                size += bytes.len();
                let mut i = 0;
                let mut ended = false;
                while i < bytes.len() {
                    let b = bytes[i];
                    let line_end = b == b'\n' || (b == b'\r' && bytes.get(i + 1) == Some(&b'\n'));
                    match st {
                        St::Start | St::Unquoted if line_end => {
                            fields.push(std::mem::take(&mut cur));
                            ended = true;
                            break;
                        }
                        St::Start if b == b'"' => st = St::Quoted,
                        St::Start | St::Unquoted if b == b',' => {
                            fields.push(std::mem::take(&mut cur));
                            st = St::Start;
                        }
                        St::Start | St::Unquoted => {
                            cur.push(b);
                            st = St::Unquoted;
                        }
                        St::Quoted if b == b'"' => st = St::QuoteInQuoted,
                        St::Quoted => cur.push(b),
                        St::QuoteInQuoted if b == b'"' => {
                            cur.push(b'"');
                            st = St::Quoted;
                        }
                        St::QuoteInQuoted if b == b',' => {
                            fields.push(std::mem::take(&mut cur));
                            st = St::Start;
                        }
                        St::QuoteInQuoted if line_end => {
                            fields.push(std::mem::take(&mut cur));
                            ended = true;
                            break;
                        }
                        St::QuoteInQuoted => {
                            let shown = String::from_utf8_lossy(&bytes[i..bytes.len().min(i + 12)])
                                .trim_end()
                                .to_string();
                            return Ok(Some(CsvRecord::Malformed {
                                line: first,
                                error: ReadError::QuoteFollowed {
                                    line: at,
                                    after: shown,
                                },
                                rest: used,
                            }));
                        }
                    }
                    i += 1;
                }
                if ended {
                    return Ok(Some(CsvRecord::Fields(first, fields)));
                }
                if st != St::Quoted {
                    // The last line of the file without a line end.
                    fields.push(std::mem::take(&mut cur));
                    return Ok(Some(CsvRecord::Fields(first, fields)));
                }
                // Inside quotes at the end of a line: the field goes on on the next line.
                if size > limit {
                    return Ok(Some(CsvRecord::Malformed {
                        line: first,
                        error: ReadError::QuoteTooLong { line: first, limit },
                        rest: used,
                    }));
                }
                match self.read_line()? {
                    Some((n, next)) => {
                        used.push((n, next.clone()));
                        at = n;
                        bytes = next;
                    }
                    None => {
                        return Ok(Some(CsvRecord::Malformed {
                            line: first,
                            error: ReadError::QuoteOpen { line: first },
                            rest: used,
                        }))
                    }
                }
            }
        }
    }

    fn bad(&self, line: u64, id: Option<String>, error: ReadError) -> Bad {
        Bad {
            file: self.file.clone(),
            line,
            id,
            error,
        }
    }
}

impl Iterator for CsvItems {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        let record = match self.record() {
            Ok(Some(r)) => r,
            Ok(None) => return None,
            Err(e) => {
                self.done = true;
                let line = self.next_line;
                return Some(Err(self.bad(line, None, ReadError::Read(e))));
            }
        };
        let (line, raw) = match record {
            CsvRecord::Fields(line, raw) => (line, raw),
            CsvRecord::Malformed { line, error, rest } => {
                for l in rest.into_iter().rev() {
                    self.pending.push_front(l);
                }
                if self.headers.is_none() {
                    self.done = true;
                    return Some(Err(self.bad(
                        line,
                        None,
                        ReadError::Header(Box::new(error)),
                    )));
                }
                return Some(Err(self.bad(line, None, error)));
            }
        };
        let Some(headers) = self.headers.clone() else {
            match raw
                .into_iter()
                .map(String::from_utf8)
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(h) => {
                    let mut seen = std::collections::HashSet::new();
                    if let Some(twice) = h.iter().find(|c| !seen.insert(c.as_str())) {
                        self.done = true;
                        let error = ReadError::Duplicate {
                            what: "column",
                            name: twice.clone(),
                        };
                        return Some(Err(self.bad(
                            line,
                            None,
                            ReadError::Header(Box::new(error)),
                        )));
                    }
                    self.headers = Some(h);
                    return self.next();
                }
                Err(_) => {
                    self.done = true;
                    return Some(Err(self.bad(line, None, ReadError::HeaderUtf8)));
                }
            }
        };
        let mut values = BTreeMap::new();
        for (h, f) in headers.iter().zip(&raw) {
            match std::str::from_utf8(f) {
                Ok(s) => {
                    values.insert(h.clone(), s.to_string());
                }
                Err(e) => {
                    return Some(Err(self.bad(
                        line,
                        None,
                        ReadError::ColumnUtf8 {
                            column: h.clone(),
                            byte: e.valid_up_to(),
                        },
                    )))
                }
            }
        }
        let id = values
            .remove(&self.fields.id)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("{}:{line}", self.file));
        if raw.len() != headers.len() {
            return Some(Err(self.bad(
                line,
                Some(id),
                ReadError::FieldCount {
                    fields: raw.len(),
                    header: headers.len(),
                },
            )));
        }
        let Some(text) = values.remove(&self.fields.text) else {
            return Some(Err(self.bad(
                line,
                Some(id),
                ReadError::MissingColumn {
                    column: self.fields.text.clone(),
                },
            )));
        };
        if let Err(m) = check_text(&text, self.max_bytes) {
            return Some(Err(self.bad(line, Some(id), m)));
        }
        values.retain(|_, v| !v.is_empty());
        Some(Ok(Doc {
            file: self.file.clone(),
            line,
            id,
            text,
            meta: values,
        }))
    }
}

/// Number of records in the inputs, when it can be known cheaply: uncompressed JSONL (non-blank
/// lines) and CSV (lines minus the header) files, and folders of them and of .txt files. `None` for standard
/// input and gzip, where the progress bar shows a rate without an ETA.
pub fn count_records(inputs: &[PathBuf], format: Format) -> Option<u64> {
    let mut total = 0u64;
    for path in inputs {
        if path.as_os_str() == "-" || is_stream(path) {
            return None;
        }
        if path.is_dir() {
            let (files, errors) = folder_files(path).ok()?;
            total += errors.len() as u64;
            for f in &files {
                total += match folder_format(f, format) {
                    Some(Format::Txt) | None => 1,
                    Some(ff) => count_file(f, ff)?,
                };
            }
            continue;
        }
        total += match format_of(path, format) {
            Format::Txt => 1,
            f => count_file(path, f)?,
        };
    }
    Some(total)
}

/// Records in one uncompressed JSONL or CSV file (`None` for gzip or an unreadable file).
fn count_file(path: &Path, f: Format) -> Option<u64> {
    let mut file = File::open(path).ok()?;
    let mut buf = vec![0u8; 1 << 16];
    let n = file.read(&mut buf).ok()?;
    if buf[..n].starts_with(&[0x1f, 0x8b]) {
        return None;
    }
    let (mut lines, mut blank, mut last) = (0u64, 0u64, b'\n');
    let mut chunk = &buf[..n];
    loop {
        for &b in chunk {
            if b == b'\n' {
                lines += 1;
                if last == b'\n' {
                    blank += 1;
                }
            }
            last = b;
        }
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        chunk = &buf[..n];
    }
    if last != b'\n' {
        lines += 1;
    }
    let records = lines.saturating_sub(blank);
    Some(if f == Format::Csv {
        records.saturating_sub(1)
    } else {
        records
    })
}

/// Whether an input is a stream that can be read only once: `-` (standard input), a pipe or
/// FIFO (`run <(zcat corpus.jsonl.gz)` passes `/dev/fd/63`), or a socket. Streams are never
/// read ahead (for counting or fingerprinting), and a run that read one cannot be resumed.
///
/// ```
/// use standpoint_pipeline::read::is_stream;
/// assert!(is_stream("-".as_ref()));
/// assert!(!is_stream(std::env::temp_dir().as_ref()));
/// ```
pub fn is_stream(path: &Path) -> bool {
    path.as_os_str() == "-" || kind_of(path) == InputKind::Stream
}

/// What an input path is, following symlinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InputKind {
    File,
    Folder,
    Stream,
    Device,
    Missing,
}

pub(crate) fn kind_of(path: &Path) -> InputKind {
    use std::os::unix::fs::FileTypeExt;
    match std::fs::metadata(path) {
        Err(_) => InputKind::Missing,
        Ok(m) if m.is_file() => InputKind::File,
        Ok(m) if m.is_dir() => InputKind::Folder,
        Ok(m) if m.file_type().is_fifo() || m.file_type().is_socket() => InputKind::Stream,
        Ok(_) => InputKind::Device,
    }
}

/// A fingerprint of an input, to tell on resume whether it changed since the run started: for a
/// file its size, modification time and a hash of its first and last 64 KiB; for a folder the
/// path, size and modification time of every file in it. `None` for standard input (it cannot be checked) and for
/// inputs that cannot be read (they are reported as bad records).
pub fn fingerprint(path: &Path) -> Option<String> {
    if path.as_os_str() == "-"
        || kind_of(path) != InputKind::File && kind_of(path) != InputKind::Folder
    {
        return None;
    }
    let mut h = FNV_OFFSET;
    let mut eat = |bytes: &[u8]| h = fnv1a_extend(h, bytes);
    let files = if path.is_dir() {
        let (files, _) = folder_files(path).ok()?;
        files
    } else {
        vec![path.to_path_buf()]
    };
    for f in &files {
        let meta = std::fs::metadata(f).ok()?;
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        eat(f.to_string_lossy().as_bytes());
        eat(&meta.len().to_le_bytes());
        eat(&mtime.to_le_bytes());
        if files.len() > 1 {
            // A folder of many files: sizes and times only, so a resume costs one stat per file.
            continue;
        }
        let mut file = File::open(f).ok()?;
        let mut block = vec![0u8; 1 << 16];
        let n = read_full(&mut file, &mut block).ok()?;
        eat(&block[..n]);
        if meta.len() > block.len() as u64 {
            let start = meta.len().saturating_sub(block.len() as u64);
            io::Seek::seek(&mut file, io::SeekFrom::Start(start)).ok()?;
            let n = read_full(&mut file, &mut block).ok()?;
            eat(&block[..n]);
        }
    }
    Some(format!("{}:{h:016x}", files.len()))
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
fn read_full(f: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    struct Tmp(PathBuf);

    impl Tmp {
        fn new(name: &str) -> Tmp {
            let p =
                std::env::temp_dir().join(format!("standpoint-read-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).unwrap();
            Tmp(p)
        }
        fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
            let p = self.0.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, bytes).unwrap();
            p
        }
    }

    impl Drop for Tmp {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn read(paths: Vec<PathBuf>, max: usize) -> Vec<Item> {
        Reader::new(paths, Format::Auto, Fields::default(), max).collect()
    }

    #[test]
    fn jsonl_records_and_each_kind_of_bad_record() {
        let t = Tmp::new("jsonl");
        let p = t.write(
            "c.jsonl",
            b"\xEF\xBB\xBF{\"id\": 7, \"text\": \"Seven.\", \"n\": 1.5, \"ok\": true, \"x\": null}\n\
              \n\
              {\"id\": \"b\", \"text\": 3}\n\
              [1]\n\
              {\"id\": \"c\", \"text\": \"\\u00e9\xff\"}\n\
              {\"text\": \"no id\"}\n\
              {\"id\": \"big\", \"text\": \"0123456789012345\"}\n\
              {\"id\": {}, \"text\": \"x\"}\n",
        );
        let items = read(vec![p], 10);
        assert_eq!(items.len(), 7, "the blank line is not a record");
        let doc = items[0].as_ref().unwrap();
        assert_eq!(
            (doc.id.as_str(), doc.line),
            ("7", 1),
            "BOM stripped, number id"
        );
        assert_eq!(doc.meta.get("n").map(String::as_str), Some("1.5"));
        assert_eq!(doc.meta.get("ok").map(String::as_str), Some("true"));
        assert!(!doc.meta.contains_key("x"), "null values are left out");
        let err = |i: usize| items[i].as_ref().unwrap_err();
        assert!(matches!(err(1).error, ReadError::TextType { .. }));
        assert_eq!((err(1).line, err(1).id.as_deref()), (3, Some("b")));
        assert!(matches!(err(2).error, ReadError::NotObject));
        assert!(matches!(err(3).error, ReadError::Utf8 { .. }));
        // No id: FILE:LINE is the id.
        let noid = items[4].as_ref().unwrap();
        assert!(noid.id.ends_with("c.jsonl:6"), "{}", noid.id);
        assert!(matches!(
            err(5).error,
            ReadError::TooLarge { bytes: 16, max: 10 }
        ));
        assert!(matches!(err(6).error, ReadError::IdType { .. }));
        assert_eq!(
            err(6).to_string().split(": ").last(),
            Some("field \"id\" is not a string or number")
        );
    }

    /// Issue 23: a field named twice is a bad record (before: the last won silently, so
    /// `{"text":"We support x.","text":"We oppose x."}` read as the second); so is a CSV header
    /// naming a column twice; an empty id is no id (before: "not a string or number").
    #[test]
    fn duplicate_fields_and_columns_are_bad_and_an_empty_id_is_no_id() {
        let t = Tmp::new("dups");
        let p = t.write(
            "d.jsonl",
            b"{\"id\": \"a\", \"text\": \"We support x.\", \"text\": \"We oppose x.\"}\n\
              {\"id\": \"\", \"text\": \"Empty id.\", \"meta\": {\"k\": 1, \"k\": 2}}\n\
              [{\"a\": 1, \"a\": 2}]\n",
        );
        let items = read(vec![p], 1000);
        let e = items[0].as_ref().unwrap_err();
        assert!(matches!(&e.error, ReadError::Duplicate { what: "field", name } if name == "text"));
        assert_eq!(
            e.to_string().split(": ").last(),
            Some("field \"text\" appears twice")
        );
        let doc = items[1].as_ref().unwrap();
        assert!(doc.id.ends_with("d.jsonl:2"), "{}", doc.id);
        assert!(matches!(
            items[2].as_ref().unwrap_err().error,
            ReadError::NotObject
        ));
        let c = t.write("d.csv", b"id,text,text\na,One.,Two.\n");
        let items = read(vec![c], 1000);
        assert_eq!(items.len(), 1);
        let e = items[0].as_ref().unwrap_err();
        assert!(
            e.to_string()
                .contains("header: column \"text\" appears twice"),
            "{e}"
        );
    }

    #[test]
    fn an_enormous_line_is_skipped_without_being_kept() {
        let t = Tmp::new("long");
        let mut body = b"{\"id\": \"a\", \"text\": \"".to_vec();
        body.extend(std::iter::repeat_n(b'x', 100_000));
        body.extend(b"\"}\n{\"id\": \"b\", \"text\": \"After.\"}\n");
        let p = t.write("l.jsonl", &body);
        let items = read(vec![p], 100);
        assert!(matches!(
            items[0].as_ref().unwrap_err().error,
            ReadError::TooLong {
                limit: 1224,
                max: 100
            }
        ));
        assert_eq!(items[1].as_ref().unwrap().id, "b");
        assert_eq!(items[1].as_ref().unwrap().line, 2);
    }

    #[test]
    fn csv_quotes_ragged_rows_and_recovery() {
        let t = Tmp::new("csv");
        let p = t.write(
            "c.csv",
            b"id,text,source\r\n\
              a,\"Hello, \"\"world\"\".\nSecond line.\",Wire\r\n\
              b,short\r\n\
              c,\"closed\"x,Wire\n\
              d,Fine.,Desk\n\
              e,\"never closed,Desk\n",
        );
        let items = read(vec![p], 1000);
        let a = items[0].as_ref().unwrap();
        assert_eq!(a.text, "Hello, \"world\".\nSecond line.");
        assert_eq!(a.meta["source"], "Wire");
        let b = items[1].as_ref().unwrap_err();
        assert!(matches!(
            b.error,
            ReadError::FieldCount {
                fields: 2,
                header: 3
            }
        ));
        assert_eq!((b.line, b.id.as_deref()), (4, Some("b")));
        assert!(matches!(
            items[2].as_ref().unwrap_err().error,
            ReadError::QuoteFollowed { line: 5, .. }
        ));
        assert_eq!(items[3].as_ref().unwrap().id, "d");
        assert!(matches!(
            items[4].as_ref().unwrap_err().error,
            ReadError::QuoteOpen { line: 7 }
        ));
        assert_eq!(items.len(), 5);
    }

    #[test]
    fn txt_folders_gzip_and_unreadable_inputs() {
        let t = Tmp::new("txt");
        t.write("dir/b.txt", b"Second.");
        t.write("dir/a.txt", b"First.");
        t.write("dir/skip.md", b"Not text.");
        t.write("dir/sub/empty.txt", b"  \n");
        t.write(
            "dir/sub/more.jsonl",
            b"{\"id\": \"j1\", \"text\": \"J.\"}\n\n{\"id\": \"j2\", \"text\": \"K.\"}\n",
        );
        t.write("dir/sub/table.csv", b"id,text\nc1,C.\n");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"id\": \"z\", \"text\": \"Zipped.\"}\n")
            .unwrap();
        let gzp = t.write("z.jsonl.gz", &gz.finish().unwrap());
        let items = read(vec![t.0.join("dir"), gzp, t.0.join("missing.jsonl")], 1000);
        let ids: Vec<String> = items
            .iter()
            .map(|i| match i {
                Ok(d) => d.id.clone(),
                Err(b) => format!("bad:{}", b.error),
            })
            .collect();
        // Every file of the folder, in path order: .txt one document each, JSONL and CSV their
        // records, anything else reported as not read (never skipped without a word).
        assert_eq!(ids[..2], ["a.txt".to_string(), "b.txt".to_string()]);
        assert!(ids[2].starts_with("bad:not read"), "{ids:?}");
        assert_eq!(ids[3], "bad:empty document");
        assert_eq!(ids[4..7], ["j1", "j2", "c1"]);
        assert_eq!(ids[7], "z");
        assert!(ids[8].starts_with("bad:cannot read"), "{ids:?}");
        assert_eq!(ids.len(), 9);
        assert_eq!(count_records(&[t.0.join("dir")], Format::Auto), Some(7));
    }

    #[test]
    fn fingerprints_change_with_the_content() {
        let t = Tmp::new("fp");
        let p = t.write("c.jsonl", b"{\"id\": \"a\", \"text\": \"One.\"}\n");
        let before = fingerprint(&p);
        assert!(before.is_some());
        assert_eq!(fingerprint(&p), before);
        t.write("c.jsonl", b"{\"id\": \"a\", \"text\": \"Two.\"}\n");
        assert_ne!(fingerprint(&p), before);
        assert_eq!(fingerprint(Path::new("-")), None);
    }

    #[test]
    fn the_largest_size_limit_does_not_overflow() {
        let t = Tmp::new("max");
        let j = t.write("c.jsonl", b"{\"id\": \"a\", \"text\": \"One.\"}\n");
        let c = t.write("c.csv", b"id,text\na,One.\n");
        let x = t.write("c.txt", b"One.");
        for p in [j, c, x] {
            let items = read(vec![p.clone()], usize::MAX);
            assert!(items[0].is_ok(), "{}", p.display());
        }
    }

    #[test]
    fn capped_lines_report_their_whole_length() {
        let mut r = io::Cursor::new(b"short\nvery long line\nend".to_vec());
        let mut buf = Vec::new();
        assert!(matches!(
            read_capped_line(&mut r, &mut buf, 8).unwrap(),
            CappedLine::Line
        ));
        assert_eq!(buf, b"short\n");
        assert!(matches!(
            read_capped_line(&mut r, &mut buf, 8).unwrap(),
            CappedLine::TooLong { total: 15 }
        ));
        assert!(matches!(
            read_capped_line(&mut r, &mut buf, 8).unwrap(),
            CappedLine::Line
        ));
        assert_eq!(buf, b"end");
        assert!(matches!(
            read_capped_line(&mut r, &mut buf, 8).unwrap(),
            CappedLine::Eof
        ));
    }
}
