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

/// The JSON values of a JSONL file, one per line.
pub fn json_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Writes `rows` as a JSONL file.
pub fn write_json_lines(path: &Path, rows: &[serde_json::Value]) {
    let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// Replaces line `index` (0-based) of the text file at `path` with `line`: a record damaged
/// on purpose.
pub fn replace_line(path: &Path, index: usize, line: &str) {
    let mut lines: Vec<String> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    lines[index] = line.to_string();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
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

/// Runs headless Chromium on `url` with `args` after the common flags and returns (stdout, the
/// console lines of its log). Its output goes to files, never pipes (helpers it leaves behind,
/// such as the crash handler, would hold a pipe open), and it is given two minutes: a browser
/// that does not exit is killed with its process group and the test fails saying so, rather
/// than hanging the suite.
pub fn browse(browser: &Path, url: &str, args: &[&str]) -> (String, Vec<String>) {
    use std::os::unix::process::CommandExt;
    use std::time::{Duration, Instant};
    let dir = TempDir::new("chromium");
    let (out, err) = (dir.path("stdout"), dir.path("stderr"));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", dir.path("profile").display()))
        .args(args)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .process_group(0)
        .spawn()
        .expect("starting chromium");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            panic!(
                "chromium did not exit within 120 s on {url}; its log:\n{}",
                std::fs::read_to_string(&err).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let log = String::from_utf8_lossy(&std::fs::read(&err).unwrap()).into_owned();
    assert!(status.success(), "chromium failed ({status}): {log}");
    let console = log
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    let stdout = String::from_utf8_lossy(&std::fs::read(&out).unwrap()).into_owned();
    (stdout, console)
}
