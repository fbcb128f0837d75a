//! `standpoint classify` on bad input: an invalid UTF-8 line or an over-long line is reported
//! with its line number and skipped (exit 1), the other lines are classified with their byte
//! offsets; with --segment, invalid UTF-8 is an error naming the line. Model-free (lexical).

use std::path::PathBuf;
use std::process::Command;

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

fn classify(
    dir: &std::path::Path,
    input: &std::path::Path,
    extra: &[&str],
) -> std::process::Output {
    let model = dir.join("lexical.json");
    std::fs::write(&model, r#"{"kind":"lexical"}"#).unwrap();
    Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .args(["classify", "--target", "it", "--model"])
        .arg(&model)
        .args(extra)
        .arg(input)
        .output()
        .unwrap()
}

#[test]
fn bad_lines_are_named_and_skipped_and_the_rest_is_classified() {
    let dir = TempDir::new("lines");
    let input = dir.join("in.txt");
    let mut bytes = b"We support it.\n".to_vec();
    bytes.extend_from_slice(b"bad \xff byte\n");
    bytes.extend_from_slice(&[b'x'; 300]);
    bytes.extend_from_slice(b"\n\nWe oppose it.\n");
    std::fs::write(&input, &bytes).unwrap();
    let o = classify(&dir, &input, &["--max-line-bytes", "200"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("in.txt:2: invalid UTF-8"), "{stderr}");
    assert!(
        stderr.contains("in.txt:3: line longer than --max-line-bytes 200"),
        "{stderr}"
    );
    let recs: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["text"], "We support it.");
    assert_eq!(recs[1]["text"], "We oppose it.");
    assert_eq!(
        (recs[1]["index"].as_u64(), recs[1]["start"].as_u64()),
        (Some(1), Some(bytes.len() as u64 - 14))
    );
    let text = &bytes
        [recs[1]["start"].as_u64().unwrap() as usize..recs[1]["end"].as_u64().unwrap() as usize];
    assert_eq!(text, b"We oppose it.");
    // --segment needs the whole text: invalid UTF-8 is an error naming the line.
    let o = classify(&dir, &input, &["--segment"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("in.txt:2: invalid UTF-8"));
}

#[test]
fn model_errors_print_each_cause_once_without_a_cpp_backtrace() {
    let dir = TempDir::new("errors");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    // The shipped head with a manifest that declares the wrong hidden width: libtorch refuses
    // the shapes.
    std::fs::copy(
        root.join("models/default/head.safetensors"),
        dir.join("head.safetensors"),
    )
    .unwrap();
    let mut m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("models/default/manifest.json")).unwrap(),
    )
    .unwrap();
    m["hidden"] = 7.into();
    std::fs::write(dir.join("manifest.json"), m.to_string()).unwrap();
    let input = dir.join("in.txt");
    std::fs::write(&input, "We support it.\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .current_dir(&root)
        .args(["classify", "--target", "it", "--model"])
        .arg(dir.join("manifest.json"))
        .arg(&input)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("must match the size"), "{stderr}");
    // ... and names the file whose shapes do not fit (issue 23: it named none).
    assert!(
        stderr.contains(&format!("{}", dir.join("head.safetensors").display())),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Exception raised from") && !stderr.contains("frame #"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // A missing manifest: the OS error once, not once per layer of context.
    let o = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .args(["classify", "--target", "it", "--model"])
        .arg(dir.join("nope.json"))
        .arg(&input)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "{stderr}"
    );
}
