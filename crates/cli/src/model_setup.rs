//! Resolving model paths and the thread budget (the CLI owns both).

use std::path::PathBuf;

use anyhow::{Context, Result};
use standpoint_stance::manifest::Manifest;
use standpoint_stance::{
    EncoderHeadClassifier, NliClassifier, SequenceClassifier, StanceClassifier,
};

use crate::args::ModelArgs;

pub fn manifest_path(a: &ModelArgs) -> PathBuf {
    a.model
        .clone()
        .or_else(|| std::env::var_os("STANDPOINT_MODEL").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("models/default/manifest.json"))
}

pub fn encoder_dir(a: &ModelArgs) -> PathBuf {
    a.encoder
        .clone()
        .or_else(|| std::env::var_os("STANDPOINT_ENCODER_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(".deps/models/all-MiniLM-L6-v2"))
}

/// Sets torch's thread budget: intra-op threads = `--threads` (default: cores), one inter-op
/// thread, so that nothing oversubscribes the machine.
pub fn set_threads(a: &ModelArgs) -> usize {
    let n = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    tch::set_num_threads(n as i32);
    n
}

pub fn load_classifier(a: &ModelArgs) -> Result<Box<dyn StanceClassifier>> {
    let path = manifest_path(a);
    let manifest = Manifest::load(&path)
        .with_context(|| format!("loading model manifest {}", path.display()))?;
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    Ok(match manifest {
        Manifest::EncoderHead(m) => {
            Box::new(EncoderHeadClassifier::load(&m, &dir, &encoder_dir(a))?)
        }
        Manifest::ZeroShotNli(m) => Box::new(NliClassifier::load(&m, &dir)?),
        Manifest::SequenceClassifier(m) => Box::new(SequenceClassifier::load(&m, &dir)?),
        Manifest::Majority(m) => Box::new(m),
        Manifest::Lexical => Box::new(standpoint_stance::baseline::Lexical),
        other => anyhow::bail!("unsupported manifest kind: {other:?}"),
    })
}
