//! Where the shipped models and the encoder are found, from any working folder.
//!
//! A *home* is a folder laid out like the repository: `models/NAME/manifest.json` for the
//! shipped models and `.deps/models/all-MiniLM-L6-v2` for the encoder that
//! `scripts/setup-libtorch.sh` installs. Homes are searched in this order:
//!
//! 1. `$STANDPOINT_HOME`;
//! 2. the data folder `$XDG_DATA_HOME/standpoint` (or `~/.local/share/standpoint`);
//! 3. the repository the running executable sits in (`target/release/standpoint` → the
//!    checkout);
//! 4. the repository the executable was built from (so `cargo install --path crates/cli`
//!    gives a binary that works from any folder while the checkout stays where it was).
//!
//! An explicit `--model PATH` or `--encoder DIR` (or `$STANDPOINT_MODEL`,
//! `$STANDPOINT_ENCODER_DIR`) always wins.
//!
//! ```
//! use standpoint_stance::locate::model_manifest;
//! // A path is a path; a shipped model's name is looked up.
//! assert_eq!(model_manifest(Some("my/model.json".as_ref())).unwrap(), std::path::PathBuf::from("my/model.json"));
//! let default = model_manifest(Some("default".as_ref())).unwrap();
//! assert!(default.ends_with("models/default/manifest.json"));
//! ```

use std::path::{Path, PathBuf};

/// Shipped models that `--model` (and `bench --classifier`) accept by name.
pub const NAMED_MODELS: &[&str] = &["default", "cross", "ensemble"];

/// The default encoder's folder inside a home.
pub const ENCODER: &str = ".deps/models/all-MiniLM-L6-v2";

/// The homes to search, in order, without duplicates (see the module documentation).
pub fn homes() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    if let Some(h) = std::env::var_os("STANDPOINT_HOME") {
        out.push(h.into());
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/share")));
    if let Some(d) = data {
        out.push(d.join("standpoint"));
    }
    if let Ok(exe) = std::env::current_exe() {
        let exe = exe.canonicalize().unwrap_or(exe);
        if let Some(repo) = exe
            .ancestors()
            .skip(1)
            .find(|d| d.join("models/default/manifest.json").is_file())
        {
            out.push(repo.to_path_buf());
        }
    }
    out.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
    let mut unique: Vec<PathBuf> = Vec::new();
    for p in out {
        let p = p.canonicalize().unwrap_or(p);
        if !unique.contains(&p) {
            unique.push(p);
        }
    }
    unique
}

/// A shipped model's name that no home has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "model {name:?} not found: no models/{name}/{file} in {}; pass a path instead or set \
     STANDPOINT_HOME to a folder with models/",
    searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
)]
pub struct ModelNotFound {
    /// The name.
    pub name: String,
    /// The file looked for in `models/NAME/`.
    pub file: &'static str,
    /// The homes searched.
    pub searched: Vec<PathBuf>,
}

/// The manifest a `--model` value means: a shipped model's name (when no file of that name
/// exists) is looked up in the homes; anything else is a path, used as given. `None` means
/// `$STANDPOINT_MODEL`, else `default`.
pub fn model_manifest(spec: Option<&Path>) -> Result<PathBuf, ModelNotFound> {
    let spec = spec
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("STANDPOINT_MODEL").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("default"));
    match spec.to_str() {
        Some(name) if NAMED_MODELS.contains(&name) && !spec.exists() => {
            Ok(shipped(name, "manifest.json")?.join("manifest.json"))
        }
        _ => Ok(spec),
    }
}

/// The first home's `models/NAME` folder that has `file`.
fn shipped(name: &str, file: &'static str) -> Result<PathBuf, ModelNotFound> {
    let searched = homes();
    let rel = Path::new("models").join(name);
    searched
        .iter()
        .map(|h| h.join(&rel))
        .find(|p| p.join(file).is_file())
        .ok_or(ModelNotFound {
            name: name.to_string(),
            file,
            searched,
        })
}

/// The encoder folder: `explicit`, else `$STANDPOINT_ENCODER_DIR`, else the first home that
/// has one, else where the setup would put it in the last home (loading then says it is
/// missing and how to install it).
pub fn encoder_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("STANDPOINT_ENCODER_DIR") {
        return p.into();
    }
    let homes = homes();
    homes
        .iter()
        .map(|h| h.join(ENCODER))
        .find(|p| p.join("config.json").is_file())
        .unwrap_or_else(|| {
            homes
                .last()
                .map_or(PathBuf::from(ENCODER), |h| h.join(ENCODER))
        })
}

/// The folder of the encoder a model's manifest names (`.deps/models/NAME`): the first home
/// that has it, else where its setup script would put it in the last home (loading then says it
/// is missing). `None` for a name that is not a plain folder name.
///
/// ```
/// use standpoint_stance::locate::named_encoder_dir;
/// assert!(named_encoder_dir("all-mpnet-base-v2").unwrap().ends_with(".deps/models/all-mpnet-base-v2"));
/// assert!(named_encoder_dir("../../etc").is_none());
/// ```
pub fn named_encoder_dir(name: &str) -> Option<PathBuf> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && Path::new(name).components().count() == 1;
    if !plain {
        return None;
    }
    let rel = Path::new(".deps/models").join(name);
    let homes = homes();
    homes
        .iter()
        .map(|h| h.join(&rel))
        .find(|p| p.join("config.json").is_file())
        .or_else(|| homes.last().map(|h| h.join(&rel)))
}

/// The shipped attribution tagger's name (`models/attribution-tagger` in a home).
pub const TAGGER: &str = "attribution-tagger";

/// The tagger folder a `--tagger` value means: `default` (when no folder of that name exists)
/// is the shipped tagger, looked up in the homes; anything else is a path, used as given.
///
/// ```
/// use standpoint_stance::locate::tagger_dir;
/// assert_eq!(tagger_dir("my/tagger".as_ref()).unwrap(), std::path::PathBuf::from("my/tagger"));
/// assert!(tagger_dir("default".as_ref()).unwrap().ends_with("models/attribution-tagger"));
/// ```
pub fn tagger_dir(spec: &Path) -> Result<PathBuf, ModelNotFound> {
    if spec != Path::new("default") || spec.exists() {
        return Ok(spec.to_path_buf());
    }
    shipped(TAGGER, "tagger.json")
}
