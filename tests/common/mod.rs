//! Helpers shared by the workspace's integration tests: the repository root, the shared data and
//! encoder folders, temporary folders that clean up after themselves, and the `standpoint`
//! binary. Each test file includes it with
//! `#[path = "../../../tests/common/mod.rs"] mod common;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root (every crate sits in `crates/NAME`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared evaluation data: `STANDPOINT_SHARED_DATA`, else `../shared/data` beside the root.
pub fn shared_data() -> PathBuf {
    std::env::var_os("STANDPOINT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/data"))
}

/// The default encoder: `STANDPOINT_ENCODER_DIR`, else where `scripts/setup-libtorch.sh` puts it.
pub fn encoder_dir() -> PathBuf {
    std::env::var_os("STANDPOINT_ENCODER_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".deps/models/all-MiniLM-L6-v2"))
}

/// A fresh, empty temporary folder, removed when dropped. Names are unique per process, thread
/// and call, so tests running in parallel never share one.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "standpoint-test-{name}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    /// A path inside the folder.
    pub fn path(&self, f: &str) -> PathBuf {
        self.0.join(f)
    }

    /// The folder itself.
    pub fn dir(&self) -> &Path {
        &self.0
    }
}

impl std::ops::Deref for TempDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `standpoint` binary built for this test run, started in the repository root.
pub fn standpoint() -> Command {
    let Some(exe) = option_env!("CARGO_BIN_EXE_standpoint") else {
        panic!("only the CLI crate's tests can start the standpoint binary")
    };
    let mut c = Command::new(exe);
    c.current_dir(root());
    c
}

/// A model-free lexical classifier's manifest written into `dir`.
pub fn lexical_model(dir: &TempDir) -> PathBuf {
    let p = dir.path("lexical.json");
    std::fs::write(&p, r#"{"kind":"lexical"}"#).unwrap();
    p
}

/// Chromium for the browser tests: `$CHROMIUM`, else `chromium` or `chromium-browser` on the
/// PATH (`scripts/setup-chromium.sh` installs it).
pub fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}
