//! From a model manifest to a ready classifier: [`load_classifier`] reads a manifest file and
//! builds what it describes, resolving its files relative to the manifest's folder and nested
//! ensemble members recursively (at most 4 deep, so a cycle is an error, not a hang).
//!
//! ```
//! use standpoint_stance::factory::{load_classifier, ModelPaths};
//! use standpoint_stance::StanceClassifier;
//!
//! let dir = std::env::temp_dir().join(format!("standpoint-factory-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("lexical.json"), r#"{"kind":"lexical"}"#).unwrap();
//! let clf = load_classifier(&dir.join("lexical.json"), &ModelPaths::default()).unwrap();
//! assert_eq!(clf.predict(&["We oppose the plan."], &["the plan"]).unwrap().len(), 1);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::path::{Path, PathBuf};

use crate::manifest::Manifest;
use crate::{BoxedClassifier, Ensemble, Error};

/// Files a manifest refers to that live outside its folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelPaths {
    /// The sentence encoder's folder (all-MiniLM-L6-v2 for the shipped models).
    pub encoder_dir: PathBuf,
}

impl ModelPaths {
    /// The folder of the encoder a manifest names: `encoder_dir` when the manifest names the
    /// default encoder (all-MiniLM-L6-v2) or `encoder_dir`'s own folder name; otherwise
    /// `.deps/models/NAME` in the homes ([`crate::locate::named_encoder_dir`]), so that an
    /// ensemble may mix models on different encoders.
    ///
    /// ```
    /// use standpoint_stance::factory::ModelPaths;
    /// use standpoint_stance::train::minilm_spec;
    /// let p = ModelPaths { encoder_dir: "my/encoder".into() };
    /// assert_eq!(p.encoder_for(&minilm_spec(384)), std::path::PathBuf::from("my/encoder"));
    /// let mut mpnet = minilm_spec(768);
    /// mpnet.name = "all-mpnet-base-v2".into();
    /// assert!(p.encoder_for(&mpnet).ends_with(".deps/models/all-mpnet-base-v2"));
    /// ```
    pub fn encoder_for(&self, spec: &crate::manifest::EncoderSpec) -> PathBuf {
        let default = crate::train::minilm_spec(0).name;
        let own = self.encoder_dir.file_name().and_then(|n| n.to_str());
        if spec.name == default || own == Some(spec.name.as_str()) {
            return self.encoder_dir.clone();
        }
        crate::locate::named_encoder_dir(&spec.name).unwrap_or_else(|| self.encoder_dir.clone())
    }
}

/// Loads the classifier the manifest at `path` describes.
pub fn load_classifier(path: &Path, paths: &ModelPaths) -> Result<BoxedClassifier, Error> {
    load(path, paths, 0)
}

fn load(path: &Path, paths: &ModelPaths, depth: usize) -> Result<BoxedClassifier, Error> {
    let manifest = Manifest::load(path)?;
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    Ok(match manifest {
        Manifest::Ensemble(m) => {
            if depth >= 4 {
                return Err(Error::EnsembleDepth {
                    path: path.to_path_buf(),
                });
            }
            let mut members = Vec::new();
            for member in &m.members {
                let clf = load(&dir.join(&member.model), paths, depth + 1).map_err(|e| {
                    Error::EnsembleMember {
                        path: path.to_path_buf(),
                        source: Box::new(e),
                    }
                })?;
                members.push((clf, member.weight as f32));
            }
            Box::new(Ensemble::new(members).map_err(|e| Error::EnsembleMember {
                path: path.to_path_buf(),
                source: Box::new(e),
            })?)
        }
        Manifest::Majority(m) => Box::new(m),
        Manifest::Lexical => Box::new(crate::baseline::Lexical),
        #[cfg(feature = "model")]
        Manifest::EncoderHead(m) => Box::new(crate::EncoderHeadClassifier::load(
            &m,
            &dir,
            &paths.encoder_for(&m.encoder),
        )?),
        #[cfg(feature = "model")]
        Manifest::CrossEncoder(m) => Box::new(crate::CrossEncoder::load(
            &m,
            &dir,
            &paths.encoder_for(&m.encoder),
        )?),
        #[cfg(feature = "model")]
        Manifest::ZeroShotNli(m) => Box::new(crate::NliClassifier::load(&m, &dir)?),
        #[cfg(feature = "model")]
        Manifest::SequenceClassifier(m) => Box::new(crate::SequenceClassifier::load(&m, &dir)?),
        #[cfg(not(feature = "model"))]
        _ => {
            return Err(Error::NeedsModelFeature {
                path: path.to_path_buf(),
            })
        }
    })
}
