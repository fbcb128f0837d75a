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
    /// The precision the encoders run in: with `Int8` every encoder of the model is quantised
    /// at load, and a model that has no int8 path (rust-bert NLI and sequence classifiers) is
    /// an [`Error::Int8`], never fp32 in disguise.
    pub precision: crate::Precision,
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
    /// let p = ModelPaths { encoder_dir: "my/encoder".into(), ..Default::default() };
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
        Manifest::EncoderHead(m) => {
            let mut clf =
                crate::EncoderHeadClassifier::load(&m, &dir, &paths.encoder_for(&m.encoder))?;
            if paths.precision == crate::Precision::Int8 {
                clf.quantize()?;
            }
            Box::new(clf)
        }
        #[cfg(feature = "model")]
        Manifest::CrossEncoder(m) => {
            let mut clf = crate::CrossEncoder::load(&m, &dir, &paths.encoder_for(&m.encoder))?;
            if paths.precision == crate::Precision::Int8 {
                clf.quantize()?;
            }
            Box::new(clf)
        }
        #[cfg(feature = "model")]
        Manifest::ZeroShotNli(_) | Manifest::SequenceClassifier(_)
            if paths.precision == crate::Precision::Int8 =>
        {
            return Err(Error::Int8 {
                reason: format!(
                    "{} is a rust-bert model, which has no int8 path; use --precision fp32",
                    path.display()
                ),
            })
        }
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

/// Files of an encoder folder that decide its outputs (hashed by [`model_fingerprint`]).
const ENCODER_CONTENT: &[&str] = &[
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
];

/// A hash (16 hex digits) of everything that decides what the model at `path` outputs: the
/// manifest's bytes, every weights file it names, nested members, and the encoder folder it
/// reads (file contents, not names or times). A run records it, so a resume or merge after the
/// manifest was edited, a model retrained in place, or another `--encoder` is refused instead
/// of mixing two models' readings in one output.
///
/// ```
/// use standpoint_stance::factory::{model_fingerprint, ModelPaths};
/// let dir = std::env::temp_dir().join(format!("standpoint-fp-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let m = dir.join("m.json");
/// std::fs::write(&m, r#"{"kind":"lexical"}"#).unwrap();
/// let a = model_fingerprint(&m, &ModelPaths::default()).unwrap();
/// std::fs::write(&m, r#"{"kind": "lexical"}"#).unwrap();
/// assert_ne!(a, model_fingerprint(&m, &ModelPaths::default()).unwrap());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn model_fingerprint(path: &Path, paths: &ModelPaths) -> Result<String, Error> {
    let mut h = Fnv::default();
    fingerprint_into(&mut h, path, paths, 0)?;
    Ok(format!("{:016x}", h.0))
}

/// What a run records of its model, so that a resume or merge never mixes two: the model's
/// contents ([`model_fingerprint`]) and each attribution tagger folder's
/// ([`folder_fingerprint`]), joined with `+`.
///
/// ```
/// use standpoint_stance::factory::{model_fingerprint, run_fingerprint, ModelPaths};
/// let dir = std::env::temp_dir().join(format!("sp-runfp-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let m = dir.join("m.json");
/// std::fs::write(&m, r#"{"kind":"lexical"}"#).unwrap();
/// let paths = ModelPaths::default();
/// assert_eq!(run_fingerprint(&m, &paths, &[]).unwrap(), model_fingerprint(&m, &paths).unwrap());
/// assert!(run_fingerprint(&m, &paths, &[dir.clone()]).unwrap().contains('+'));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn run_fingerprint(
    model: &Path,
    paths: &ModelPaths,
    attribution: &[PathBuf],
) -> Result<String, Error> {
    let mut fp = model_fingerprint(model, paths)?;
    for dir in attribution {
        fp.push('+');
        fp.push_str(&folder_fingerprint(dir)?);
    }
    Ok(fp)
}

/// A hash of every regular file directly in `dir` (names and contents, in name order): for
/// model folders without a manifest, such as an attribution tagger's.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("standpoint-folder-fp-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("a"), "1").unwrap();
/// let a = standpoint_stance::factory::folder_fingerprint(&dir).unwrap();
/// std::fs::write(dir.join("a"), "2").unwrap();
/// assert_ne!(a, standpoint_stance::factory::folder_fingerprint(&dir).unwrap());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn folder_fingerprint(dir: &Path) -> Result<String, Error> {
    let mut h = Fnv::default();
    hash_folder(&mut h, dir)?;
    Ok(format!("{:016x}", h.0))
}

struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn str(&mut self, s: &str) {
        self.bytes(&(s.len() as u64).to_le_bytes());
        self.bytes(s.as_bytes());
    }

    /// A file's length and contents.
    fn file(&mut self, path: &Path) -> Result<(), Error> {
        use std::io::Read;
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut f = std::fs::File::open(path).map_err(io)?;
        let len = f.metadata().map_err(io)?.len();
        self.bytes(&len.to_le_bytes());
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf).map_err(io)?;
            if n == 0 {
                return Ok(());
            }
            self.bytes(&buf[..n]);
        }
    }
}

fn hash_folder(h: &mut Fnv, dir: &Path) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for f in files {
        h.str(&f.file_name().unwrap_or_default().to_string_lossy());
        h.file(&f)?;
    }
    Ok(())
}

fn hash_encoder(h: &mut Fnv, dir: &Path) -> Result<(), Error> {
    for name in ENCODER_CONTENT {
        h.str(name);
        h.file(&dir.join(name))?;
    }
    Ok(())
}

fn fingerprint_into(
    h: &mut Fnv,
    path: &Path,
    paths: &ModelPaths,
    depth: usize,
) -> Result<(), Error> {
    if depth > 4 {
        return Err(Error::EnsembleDepth {
            path: path.to_path_buf(),
        });
    }
    h.str("manifest");
    h.file(path)?;
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    match Manifest::load(path)? {
        Manifest::EncoderHead(m) => {
            h.file(&dir.join(&m.head_file))?;
            if let Some(a) = &m.adapters {
                h.file(&dir.join(&a.file))?;
            }
            hash_encoder(h, &paths.encoder_for(&m.encoder))?;
        }
        Manifest::CrossEncoder(m) => {
            h.file(&dir.join(&m.adapter_file))?;
            hash_encoder(h, &paths.encoder_for(&m.encoder))?;
        }
        Manifest::Ensemble(m) => {
            for member in &m.members {
                h.str(&member.weight.to_string());
                fingerprint_into(h, &dir.join(&member.model), paths, depth + 1)?;
            }
        }
        Manifest::ZeroShotNli(m) => hash_folder(h, &dir.join(&m.folder.model_dir))?,
        Manifest::SequenceClassifier(m) => hash_folder(h, &dir.join(&m.folder.model_dir))?,
        Manifest::Majority(_) | Manifest::Lexical => {}
    }
    Ok(())
}
