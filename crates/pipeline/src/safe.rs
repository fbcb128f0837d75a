//! Never write through something the command did not make: an output name in a run folder that
//! is a symbolic link, a hard link, a device, a pipe or one of the inputs is refused, so a
//! careless `ln -s corpus.jsonl OUT/documents.jsonl` (or `report --out /dev/full`) cannot
//! truncate the input or turn a device into a file.
//!
//! ```
//! use standpoint_pipeline::safe::check_output_file;
//! let dir = std::env::temp_dir().join(format!("standpoint-safe-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let input = dir.join("in.jsonl");
//! std::fs::write(&input, "{}\n").unwrap();
//! assert!(check_output_file(&dir.join("new.jsonl"), &[input.clone()]).is_ok());
//! std::os::unix::fs::symlink(&input, dir.join("link.jsonl")).unwrap();
//! let err = check_output_file(&dir.join("link.jsonl"), &[]).unwrap_err();
//! assert!(err.to_string().contains("symbolic link"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Checks that `path` is missing or a plain file of its own (one link, not a symlink, not a
/// device, pipe or folder, not one of `inputs`), so that writing or truncating it in place can
/// harm nothing else.
pub fn check_output_file(path: &Path, inputs: &[PathBuf]) -> Result<()> {
    check_replaceable(path)?;
    let Ok(m) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let unsafe_output = |why: String| Error::UnsafeOutput {
        path: path.to_path_buf(),
        why,
    };
    if m.nlink() > 1 {
        return Err(unsafe_output(
            "has other hard links (another name of the same file)".into(),
        ));
    }
    for input in inputs {
        if let Ok(i) = std::fs::metadata(input) {
            if (i.dev(), i.ino()) == (m.dev(), m.ino()) {
                return Err(unsafe_output(format!("is the input {}", input.display())));
            }
        }
    }
    Ok(())
}

/// Checks that `path` is missing or a regular file (not a symbolic link, device, pipe or
/// folder): what may be replaced by renaming a new file over it.
pub fn check_replaceable(path: &Path) -> Result<()> {
    let m = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("inspecting", path)(e)),
    };
    let why = if m.file_type().is_symlink() {
        "is a symbolic link"
    } else if !m.is_file() {
        "is not a regular file (a device, pipe or folder)"
    } else {
        return Ok(());
    };
    Err(Error::UnsafeOutput {
        path: path.to_path_buf(),
        why: why.into(),
    })
}

/// Creates `path` new for writing, after removing a leftover of an earlier attempt (a temporary
/// or partial file; removing a link removes only the link), so nothing is written through a
/// link planted under that name.
pub fn create_fresh(path: &Path) -> Result<std::fs::File> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err(Error::UnsafeOutput {
                path: path.to_path_buf(),
                why: "is a folder".into(),
            })
        }
        Ok(_) => std::fs::remove_file(path).map_err(Error::io("removing", path))?,
        Err(_) => {}
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(Error::io("creating", path))
}
