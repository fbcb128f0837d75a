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
    /// The model failed while loading or predicting.
    #[error("model error: {0}")]
    Model(String),
    /// A manifest could not be parsed or written.
    #[error("manifest {path}: {source}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
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
