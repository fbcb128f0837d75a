//! Exclusive use of an output folder: a `standpoint run` or `merge` holds an OS file lock on
//! `<out>/.standpoint.lock` from start to end, so a second process aimed at the same folder is
//! refused instead of interleaving its writes. The lock dies with the process (even on SIGKILL),
//! so a killed run never leaves a stale lock behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use anyhow::{bail, Context, Result};

/// The lock file's name inside an output folder.
pub const LOCK_FILE: &str = ".standpoint.lock";

/// Takes the folder's lock (creating the folder if needed); keep the returned file alive for as
/// long as the folder is being written.
pub fn lock_output(dir: &Path) -> Result<File> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating output folder {}", dir.display()))?;
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => bail!(
            "{} is in use by another standpoint run or merge (it holds {}); wait for it to \
             finish or choose another --out",
            dir.display(),
            path.display()
        ),
        Err(TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", path.display()))
        }
    }
}
