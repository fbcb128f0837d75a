use std::path::PathBuf;

/// Errors of the stance crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A label string is not FAVOR, AGAINST or NONE.
    #[error("unknown stance label {0:?} (expected FAVOR, AGAINST or NONE)")]
    UnknownLabel(String),
    /// A labelled data record could not be used.
    #[error("{file}:{line}: {message}")]
    Record {
        /// The data file.
        file: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A model file or directory is missing or unusable.
    #[error("model not usable at {path}: {message}")]
    ModelFiles {
        /// The file or directory.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A classifier returned a different number of results than asked for.
    #[error(transparent)]
    CountMismatch(#[from] standpoint_types::CountMismatch),
    /// Ensembles nest more than 4 deep (a cycle?).
    #[error("{}: ensembles nested more than 4 deep (a cycle?)", path.display())]
    EnsembleDepth {
        /// The manifest where the limit was reached.
        path: PathBuf,
    },
    /// An ensemble's member could not be loaded.
    #[error("ensemble member of {}", path.display())]
    EnsembleMember {
        /// The ensemble's manifest.
        path: PathBuf,
        /// Why the member failed.
        #[source]
        source: Box<Error>,
    },
    /// The manifest describes a model kind that needs the crate's `model` feature (libtorch).
    #[error("{}: this model kind needs standpoint-stance's `model` feature", path.display())]
    NeedsModelFeature {
        /// The manifest.
        path: PathBuf,
    },
    /// A model's JSON file (config.json, modules.json, ...) does not parse.
    #[error("{}: cannot parse", path.display())]
    ConfigParse {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A weights file (safetensors) cannot be read; `hint` says how to fix it.
    #[cfg(feature = "model")]
    #[error("{}: cannot read weights; {hint}", path.display())]
    Weights {
        /// The file.
        path: PathBuf,
        /// How to fix it.
        hint: &'static str,
        /// The libtorch error.
        #[source]
        source: tch::TchError,
    },
    /// A tokenizer.json cannot be read or configured.
    #[cfg(feature = "model")]
    #[error("{}: cannot {action} the tokenizer", path.display())]
    TokenizerFile {
        /// The file.
        path: PathBuf,
        /// "read", or "truncate to N tokens with".
        action: String,
        /// The tokenizers crate's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A caller's event handler (e.g. fine-tuning's per-epoch callback) failed.
    #[error(transparent)]
    Callback(Box<dyn std::error::Error + Send + Sync>),
    /// The model runtime panicked (a libtorch or rust-bert call rejected its input); the
    /// panic was caught at this crate's boundary.
    #[error("the model failed while {during}: {message}")]
    Panicked {
        /// What was being done.
        during: &'static str,
        /// The panic's message.
        message: String,
    },
    /// A labelled file or suite without one usable row.
    #[error("{}: no usable labelled rows", path.display())]
    NoUsableRows {
        /// The file.
        path: PathBuf,
    },
    /// `majority` without a train.jsonl beside the data files.
    #[error("majority: no train.jsonl beside the data files; use majority:TRAIN.jsonl")]
    NoTrainBeside,
    /// Training was asked to run on no examples.
    #[error("no training examples")]
    NoTrainingExamples,
    /// int8 inference cannot run here (no FBGEMM kernels for this CPU, a layer that cannot be
    /// quantised).
    #[error("int8 inference is not available: {reason}")]
    Int8 {
        /// Why.
        reason: String,
    },
    /// Too few labels to adapt a model with cross-fitting.
    #[error("{labels} labels for {folds} folds: label more sentences (a few hundred is usual)")]
    TooFewLabels {
        /// Labels given.
        labels: usize,
        /// Folds asked for.
        folds: usize,
    },
    /// The training loss stopped being a finite number.
    #[error("loss became {loss} at epoch {epoch}, step {step}; lower the learning rate")]
    Diverged {
        /// The loss.
        loss: f64,
        /// The epoch (1-based).
        epoch: usize,
        /// The step within it (1-based).
        step: usize,
    },
    /// An ensemble without members.
    #[error("an ensemble needs at least one member")]
    EnsembleEmpty,
    /// An ensemble weight that is negative, NaN or infinite.
    #[error("ensemble weight {weight} of {member} is not a finite non-negative number")]
    EnsembleWeight {
        /// The member's name.
        member: String,
        /// Its weight.
        weight: f32,
    },
    /// Ensemble weights that sum to zero.
    #[error("ensemble weights sum to zero")]
    EnsembleWeightsZero,
    /// The model produced NaN or infinite probabilities.
    #[error("the model produced NaN or infinite probabilities (damaged weights?)")]
    NonFiniteOutput,
    /// The model's output has an unexpected shape.
    #[error("model gave outputs of shape {got:?}, expected {expected:?}")]
    OutputShape {
        /// The shape it gave.
        got: Vec<i64>,
        /// The shape expected.
        expected: Vec<i64>,
    },
    /// LoRA adapters for another number of layers than the encoder has.
    #[error("adapters for {adapters} layers, encoder has {layers}")]
    AdapterLayers {
        /// Layers the adapters cover.
        adapters: usize,
        /// Layers of the encoder.
        layers: usize,
    },
    /// A LoRA update whose shape does not fit its weight.
    #[error("adapter update of shape {update:?} for a weight of shape {weight:?}")]
    AdapterShape {
        /// The update's shape.
        update: Vec<i64>,
        /// The weight's shape.
        weight: Vec<i64>,
    },
    /// A manifest could not be parsed or written.
    #[error("manifest {path}: {source}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A training checkpoint that cannot be used (missing, from another run, cut or edited).
    #[error("checkpoint {}: {message}", path.display())]
    Checkpoint {
        /// The checkpoint folder or file.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// An I/O error on a file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An error from rust-bert.
    #[cfg(feature = "model")]
    #[error(transparent)]
    RustBert(#[from] rust_bert::RustBertError),
    /// The tokenizer failed on an input.
    #[cfg(feature = "model")]
    #[error("tokenizer: {0}")]
    Tokenizer(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// An error from tch (libtorch).
    #[cfg(feature = "model")]
    #[error(transparent)]
    Tch(#[from] tch::TchError),
}

impl From<standpoint_types::ParseLabelError> for Error {
    fn from(e: standpoint_types::ParseLabelError) -> Error {
        Error::UnknownLabel(e.0)
    }
}

/// Runs `f`, turning a panic inside it (libtorch and rust-bert panic on some bad inputs and
/// weights) into [`Error::Panicked`], so that no panic crosses this crate's public functions.
#[cfg(feature = "model")]
pub(crate) fn guard<T>(
    during: &'static str,
    f: impl FnOnce() -> Result<T, Error>,
) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        let message = message
            .split("Exception raised from")
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        Err(Error::Panicked { during, message })
    })
}
