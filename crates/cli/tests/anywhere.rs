//! The built binary works from any folder: shipped models and the encoder are found through
//! the homes of `standpoint_stance::locate` (here: the repository the executable sits in), not the
//! working folder; `$STANDPOINT_HOME` comes first; a missing model is one clear error. Runs the
//! real default model, so it needs the encoder installed.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

use std::process::Command;

/// The binary, started in `dir`, with none of the variables that point at models.
fn standpoint_in(dir: &TempDir) -> Command {
    let mut c = standpoint();
    c.current_dir(dir.dir())
        .env_remove("STANDPOINT_HOME")
        .env_remove("STANDPOINT_MODEL")
        .env_remove("STANDPOINT_ENCODER_DIR")
        .env("XDG_DATA_HOME", dir.path("no-data"));
    c
}

fn corpus(dir: &TempDir) {
    std::fs::write(
        dir.path("in.jsonl"),
        "{\"id\": \"a\", \"text\": \"We support a ceasefire. The talks went on.\"}\n",
    )
    .unwrap();
}

#[test]
fn run_and_classify_work_from_a_folder_outside_the_repository() {
    let dir = TempDir::new("anywhere");
    corpus(&dir);
    let o = standpoint_in(&dir)
        .args(["run", "in.jsonl", "--target", "a ceasefire", "--out", "o"])
        .args(["--no-progress", "--threads", "1"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let docs = std::fs::read_to_string(dir.path("o/documents.jsonl")).unwrap();
    assert_eq!(docs.lines().count(), 1);
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("o/run.json")).unwrap()).unwrap();
    let model = run["model"].as_str().unwrap();
    assert!(model.ends_with("models/default/manifest.json"), "{model}");
    assert_eq!(run["classifier"], "encoder-head");

    let o = standpoint_in(&dir)
        .args(["classify", "--target", "a ceasefire", "--model", "cross"])
        .arg(dir.path("in.jsonl"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn standpoint_home_comes_first_and_a_missing_model_is_one_clear_error() {
    let dir = TempDir::new("home");
    corpus(&dir);
    // A home whose "default" model is the lexical baseline.
    std::fs::create_dir_all(dir.path("home/models/default")).unwrap();
    std::fs::write(
        dir.path("home/models/default/manifest.json"),
        r#"{"kind":"lexical"}"#,
    )
    .unwrap();
    let o = standpoint_in(&dir)
        .env("STANDPOINT_HOME", dir.path("home"))
        .args([
            "run",
            "in.jsonl",
            "--target",
            "x",
            "--out",
            "o",
            "--no-progress",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let run = std::fs::read_to_string(dir.path("o/run.json")).unwrap();
    assert!(run.contains("\"classifier\": \"lexical\""), "{run}");

    // A manifest that does not exist: exit 2, the path named, the OS error said once.
    let o = standpoint_in(&dir)
        .args([
            "run",
            "in.jsonl",
            "--target",
            "x",
            "--out",
            "o2",
            "--no-progress",
        ])
        .args(["--model", "nope/manifest.json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("nope/manifest.json"), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

#[test]
fn model_free_commands_do_not_load_libtorch() {
    // `standpoint segment` waiting on its standard input: its memory map holds no libtorch
    // (libtorch's start-up alone takes ~0.5 s), and it still segments.
    let dir = TempDir::new("light");
    let mut child = standpoint_in(&dir)
        .arg("segment")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", child.id())).unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"One sentence. Two sentences.").unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert!(
        !maps.contains("libtorch"),
        "libtorch is mapped by standpoint segment"
    );
    assert!(
        maps.contains("standpoint"),
        "not the process expected:\n{maps}"
    );
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);
    let o = standpoint_in(&dir).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("standpoint "));
}

#[test]
fn model_commands_run_in_the_binary_that_loads_libtorch() {
    // The hand-over works: `classify` waiting on its input has libtorch mapped.
    let dir = TempDir::new("heavy");
    let mut child = standpoint_in(&dir)
        .args(["classify", "--target", "x"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut maps = String::new();
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        maps = std::fs::read_to_string(format!("/proc/{}/maps", child.id())).unwrap_or_default();
        if maps.contains("libtorch") {
            break;
        }
    }
    drop(child.stdin.take());
    let o = child.wait_with_output().unwrap();
    assert!(
        maps.contains("libtorch"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
