//! Resolving model paths and the thread budget (the CLI owns both).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use standpoint_stance::manifest::Manifest;
use standpoint_stance::BoxedClassifier;
use standpoint_stance::{
    CrossEncoder, EncoderHeadClassifier, Ensemble, NliClassifier, SequenceClassifier,
};

use standpoint_cli::args::ModelArgs;

/// Shipped models that `--model` (and `bench --classifier`) accept by name.
pub const NAMED_MODELS: &[&str] = &["default", "cross", "ensemble"];

/// `models/NAME/manifest.json` for a shipped model's name, otherwise the path itself.
pub fn resolve_model(spec: &std::path::Path) -> PathBuf {
    match spec.to_str() {
        Some(name) if NAMED_MODELS.contains(&name) && !spec.exists() => {
            PathBuf::from(format!("models/{name}/manifest.json"))
        }
        _ => spec.to_path_buf(),
    }
}

pub fn manifest_path(a: &ModelArgs) -> PathBuf {
    a.model
        .clone()
        .or_else(|| std::env::var_os("STANDPOINT_MODEL").map(PathBuf::from))
        .map(|p| resolve_model(&p))
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

pub fn load_classifier(a: &ModelArgs) -> Result<BoxedClassifier> {
    load_manifest(&manifest_path(a), a, 0)
}

/// Loads the classifier a manifest file describes; `depth` bounds nested ensembles.
fn load_manifest(path: &Path, a: &ModelArgs, depth: usize) -> Result<BoxedClassifier> {
    let manifest = Manifest::load(path)
        .with_context(|| format!("loading model manifest {}", path.display()))?;
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    Ok(match manifest {
        Manifest::Ensemble(m) => {
            if depth >= 4 {
                anyhow::bail!(
                    "{}: ensembles nested more than 4 deep (a cycle?)",
                    path.display()
                );
            }
            let mut members = Vec::new();
            for member in &m.members {
                let p = dir.join(&member.model);
                let clf = load_manifest(&p, a, depth + 1)
                    .with_context(|| format!("ensemble member of {}", path.display()))?;
                members.push((clf, member.weight as f32));
            }
            Box::new(Ensemble::new(members).with_context(|| path.display().to_string())?)
        }
        Manifest::EncoderHead(m) => {
            Box::new(EncoderHeadClassifier::load(&m, &dir, &encoder_dir(a))?)
        }
        Manifest::CrossEncoder(m) => Box::new(CrossEncoder::load(&m, &dir, &encoder_dir(a))?),
        Manifest::ZeroShotNli(m) => Box::new(NliClassifier::load(&m, &dir)?),
        Manifest::SequenceClassifier(m) => Box::new(SequenceClassifier::load(&m, &dir)?),
        Manifest::Majority(m) => Box::new(m),
        Manifest::Lexical => Box::new(standpoint_stance::baseline::Lexical),
        other => anyhow::bail!("unsupported manifest kind: {other:?}"),
    })
}
