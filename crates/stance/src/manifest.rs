//! Model manifests: which classifier, which encoder, which head, which labels. JSON, tagged by
//! `kind`; they round-trip through serde.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::baseline::Majority;
use crate::{Error, Label};

/// A classifier manifest.
///
/// ```
/// use standpoint_stance::manifest::Manifest;
/// let m: Manifest = serde_json::from_str(r#"{"kind":"lexical"}"#).unwrap();
/// assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"kind":"lexical"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Manifest {
    /// Frozen sentence encoder + trained head (the default model).
    EncoderHead(EncoderHeadManifest),
    /// Majority class per target.
    Majority(Majority),
    /// Lexical cue baseline.
    Lexical,
}

/// The frozen encoder + head model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncoderHeadManifest {
    /// The sentence encoder.
    pub encoder: EncoderSpec,
    /// Head weights (safetensors), relative to the manifest's folder.
    pub head_file: String,
    /// Hidden width of the head.
    pub hidden: usize,
    /// Output labels in the head's order.
    pub labels: Vec<Label>,
    /// How the head was trained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingRecord>,
    /// Dev-set scores measured after training (name -> metric -> value).
    #[serde(default)]
    pub dev: BTreeMap<String, BTreeMap<String, f64>>,
}

/// Which encoder a head was trained on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncoderSpec {
    /// Model name, e.g. "all-MiniLM-L6-v2".
    pub name: String,
    /// Where it comes from (a PyPI requirement; never a model hub).
    pub source: String,
    /// Embedding dimension.
    pub dim: usize,
    /// Maximum tokens per input.
    pub max_length: usize,
}

/// The record of a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecord {
    /// Training files and how many examples each gave.
    pub data: Vec<(String, usize)>,
    /// Random seed.
    pub seed: u64,
    /// Epochs.
    pub epochs: usize,
    /// Learning rate.
    pub learning_rate: f64,
    /// Weight decay.
    pub weight_decay: f64,
    /// Batch size.
    pub batch_size: usize,
}

impl Manifest {
    /// Reads a manifest file.
    pub fn load(path: &Path) -> Result<Manifest, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|source| Error::Manifest {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Writes a manifest file (pretty JSON).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let text = serde_json::to_string_pretty(self).map_err(|source| Error::Manifest {
            path: path.to_path_buf(),
            source,
        })?;
        std::fs::write(path, text + "\n").map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}
