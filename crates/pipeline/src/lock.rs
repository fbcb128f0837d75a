//! Exclusive use of an output folder: a run or merge holds an OS file lock on
//! `<out>/.standpoint.lock` from start to end, so a second process aimed at the same folder is
//! refused instead of interleaving its writes. The lock dies with the process (even on SIGKILL),
//! so a killed run never leaves a stale lock behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use crate::error::{Error, Result};

/// The lock file's name inside an output folder.
pub const LOCK_FILE: &str = ".standpoint.lock";

/// The lock on an output folder, released when dropped.
#[derive(Debug)]
pub struct OutputLock(#[allow(dead_code)] File);

/// Takes the folder's lock (creating the folder if needed); keep the returned value alive for as
/// long as the folder is being written.
///
/// ```
/// use standpoint_pipeline::lock::lock_output;
/// let dir = std::env::temp_dir().join(format!("standpoint-lock-doc-{}", std::process::id()));
/// let held = lock_output(&dir).unwrap();
/// assert!(lock_output(&dir).is_err()); // a second holder is refused
/// drop(held);
/// assert!(lock_output(&dir).is_ok());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn lock_output(dir: &Path) -> Result<OutputLock> {
    std::fs::create_dir_all(dir).map_err(Error::io("creating output folder", dir))?;
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(Error::io("opening lock file", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(OutputLock(file)),
        Err(TryLockError::WouldBlock) => Err(Error::Locked {
            dir: dir.to_path_buf(),
            lock: path,
        }),
        Err(TryLockError::Error(e)) => Err(Error::io("locking", &path)(e)),
    }
}

/// Whether a process holds the folder's lock now (a run or merge writing it), without taking
/// or creating anything: a report or a reader can say the folder is busy.
///
/// ```
/// use standpoint_pipeline::lock::{is_locked, lock_output};
/// let dir = std::env::temp_dir().join(format!("standpoint-is-locked-doc-{}", std::process::id()));
/// assert!(!is_locked(&dir)); // no folder, no lock
/// let held = lock_output(&dir).unwrap();
/// assert!(is_locked(&dir));
/// drop(held);
/// assert!(!is_locked(&dir));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn is_locked(dir: &Path) -> bool {
    let Ok(f) = File::open(dir.join(LOCK_FILE)) else {
        return false;
    };
    matches!(f.try_lock_shared(), Err(TryLockError::WouldBlock))
}
