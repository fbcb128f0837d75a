//! End-to-end tests of `standpoint segment`.

use std::io::Write;
use std::process::Stdio;

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

fn corpus(name: &str) -> String {
    format!(
        "{}/../../tests/data/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn stdin_one_sentence_per_line() {
    let mut child = standpoint()
        .arg("segment")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            "Sen. Lopez spoke at 9 a.m. Tuesday. \u{201c}Enough.\u{201d}\nHEADLINE".as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Sen. Lopez spoke at 9 a.m. Tuesday.\n\u{201c}Enough.\u{201d}\nHEADLINE\n"
    );
}

#[test]
fn jsonl_offsets_point_into_the_file() {
    let path = corpus("02-opposition-vote.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let out = standpoint()
        .args(["segment", "--format", "jsonl", &path])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() > 8);
    for (i, rec) in lines.iter().enumerate() {
        assert_eq!(rec["doc"], path.as_str());
        assert_eq!(rec["index"], i);
        let (s, e) = (
            rec["start"].as_u64().unwrap() as usize,
            rec["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], rec["text"].as_str().unwrap());
    }
    assert_eq!(
        lines[0]["text"],
        "Parliament split over concessions to rebels"
    );
    assert_eq!(lines[0]["paragraph"], 0);
    assert_eq!(lines[1]["paragraph"], 1);
}

#[test]
fn bad_files_are_reported_and_the_rest_processed() {
    let dir = std::env::temp_dir().join(format!("standpoint-seg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, b"Fine text.\n\xff\xfe broken").unwrap();
    let missing = dir.join("missing.txt");
    let good = corpus("03-markets.txt");
    let out = standpoint()
        .arg("segment")
        .arg(&bad)
        .arg(&missing)
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "skipped input must set exit code 1"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.txt: invalid UTF-8 at byte 11 (line 2)"),
        "{err}"
    );
    assert!(err.contains("missing.txt: cannot read file"), "{err}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Brent crude fell 1.1% to $81.20 a barrel.\n"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
