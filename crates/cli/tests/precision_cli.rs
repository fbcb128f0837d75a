//! `--precision` end to end: the model manifest's `"precision"` is the default, an explicit
//! `--precision` wins, `run.json` records what ran, a resume in the other precision is refused,
//! and a manifest naming an unknown precision is an error naming it. Needs libtorch and the
//! encoder (fails, not skips, without them).

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

/// A copy of the shipped default model whose manifest says `"precision": VALUE`.
fn model_with(t: &TempDir, value: &str) -> std::path::PathBuf {
    let dir = t.path("model");
    std::fs::create_dir_all(&dir).unwrap();
    let shipped = root().join("models/default");
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let path = dir.join("manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    m["precision"] = serde_json::Value::String(value.into());
    std::fs::write(&path, m.to_string()).unwrap();
    path
}

fn run(t: &TempDir, model: &std::path::Path, out: &str, extra: &[&str]) -> std::process::Output {
    let corpus = t.path("corpus.jsonl");
    if !corpus.exists() {
        write_json_lines(
            &corpus,
            &[
                serde_json::json!({"id": "a", "text": "We support a ceasefire. The talks resume on Friday."}),
                serde_json::json!({"id": "b", "text": "We oppose any ceasefire, the minister said."}),
            ],
        );
    }
    standpoint()
        .arg("run")
        .arg(&corpus)
        .args(["--target", "a ceasefire", "--threads", "1", "--model"])
        .arg(model)
        .arg("--out")
        .arg(t.path(out))
        .args(extra)
        .output()
        .unwrap()
}

fn recorded(t: &TempDir, out: &str) -> serde_json::Value {
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path(out).join("run.json")).unwrap())
            .unwrap();
    run["precision"].clone()
}

#[test]
fn the_manifest_sets_the_default_precision_and_the_flag_wins() {
    let t = TempDir::new("precision");
    let model = model_with(&t, "int8");
    let o = run(&t, &model, "by-manifest", &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(recorded(&t, "by-manifest"), "int8");
    let o = run(&t, &model, "by-flag", &["--precision", "fp32"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(recorded(&t, "by-flag"), "fp32");
    // The same labels either way on these plain sentences.
    let labels = |out: &str| -> Vec<serde_json::Value> {
        json_lines(&t.path(out).join("sentences.jsonl"))
            .iter()
            .map(|s| s["stance"]["a ceasefire"]["label"].clone())
            .collect()
    };
    assert_eq!(labels("by-manifest"), labels("by-flag"));
    // A resume in the other precision is refused and says why.
    let o = run(&t, &model, "by-manifest", &["--precision", "fp32"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("precision"), "{stderr}");
}

#[test]
fn a_manifest_with_an_unknown_precision_is_an_error_naming_it() {
    let t = TempDir::new("precision-bad");
    let model = model_with(&t, "fp16");
    let o = run(&t, &model, "out", &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("manifest.json") && stderr.contains("fp16"),
        "{stderr}"
    );
}
