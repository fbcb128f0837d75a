//! End-to-end tests of `standpoint attribute` (rules, and `--tagger` with the shipped tagger and
//! the real encoder; the tagger test fails, not skips, when the encoder is missing).

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

const STORY: &str = "Foreign ministers met in Geneva on Monday.\n\n\u{201c}We will not accept a \
                     ceasefire that rewards aggression,\u{201d} Secretary of State Marco Rubio \
                     told reporters. \u{201c}The door is open.\u{201d}\n\nThe talks resume on \
                     Friday.";

fn input(dir: &TempDir) -> std::path::PathBuf {
    let p = dir.path("in.jsonl");
    let good = serde_json::json!({"id": "story-1", "text": STORY}).to_string();
    std::fs::write(&p, format!("{good}\n{{\"id\": \"broken\", \"text\": \n")).unwrap();
    p
}

/// Runs `standpoint attribute ARGS… FILE`: (exit code, JSON lines, stderr).
fn attribute(args: &[&str], file: &std::path::Path) -> (i32, Vec<serde_json::Value>, String) {
    let out = standpoint()
        .arg("attribute")
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check_story(lines: &[serde_json::Value], stderr: &str, code: i32) {
    // The broken line is named and skipped; the good document is still written.
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("in.jsonl:2"), "{stderr}");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["id"], "story-1");
    let quotes = lines[0]["quotes"].as_array().unwrap();
    let rubio: Vec<&serde_json::Value> = quotes
        .iter()
        .filter(|q| q["speaker"] == "Marco Rubio")
        .collect();
    assert!(!rubio.is_empty(), "{quotes:?}");
    let span = &rubio[0]["content"][0];
    let (s, e) = (
        span["start"].as_u64().unwrap() as usize,
        span["end"].as_u64().unwrap() as usize,
    );
    assert!(
        STORY[s..e].contains("rewards aggression"),
        "{}",
        &STORY[s..e]
    );
    assert_eq!(rubio[0]["direct"], true);
}

#[test]
fn rules_find_the_quote_and_name_a_broken_record() {
    let dir = TempDir::new("attribute-rules");
    let (code, lines, stderr) = attribute(&[], &input(&dir));
    check_story(&lines, &stderr, code);
    assert_eq!(lines[0]["quotes"][0]["role"], "Secretary of State");
}

#[test]
fn the_shipped_tagger_finds_the_quote_too() {
    let dir = TempDir::new("attribute-tagger");
    let (code, lines, stderr) = attribute(&["--tagger", "default", "--threads", "1"], &input(&dir));
    check_story(&lines, &stderr, code);
    let (code, tags, stderr) = attribute(&["--tagger", "default", "--tags"], &input(&dir));
    assert_eq!(code, 1, "{stderr}");
    let kinds: Vec<&str> = tags[0]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    for k in ["source", "cue", "content"] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    // --tagger twice: an ensemble; of one tagger with itself, the same spans.
    let (code, twice, stderr) = attribute(
        &["--tagger", "default", "--tagger", "default", "--tags"],
        &input(&dir),
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(twice, tags);
}

#[test]
fn the_tagger_in_int8_finds_the_quote_and_its_speaker() {
    let dir = TempDir::new("attribute-tagger-int8");
    let args = [
        "--tagger",
        "default",
        "--threads",
        "1",
        "--precision",
        "int8",
    ];
    let (code, lines, stderr) = attribute(&args, &input(&dir));
    assert!(!stderr.contains("falls back"), "{stderr}");
    check_story(&lines, &stderr, code);
    let (_, fp32, _) = attribute(&["--tagger", "default", "--threads", "1"], &input(&dir));
    let speakers = |l: &[serde_json::Value]| -> Vec<String> {
        l[0]["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["speaker"].to_string())
            .collect()
    };
    assert_eq!(speakers(&lines), speakers(&fp32));
    // --precision needs a tagger (the rules have no model).
    let (code, _, stderr) = attribute(&["--precision", "int8"], &input(&dir));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_missing_tagger_folder_is_a_clear_error() {
    let dir = TempDir::new("attribute-no-tagger");
    let (code, _, stderr) = attribute(&["--tagger", "/nonexistent/tagger"], &input(&dir));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("/nonexistent/tagger"), "{stderr}");
}
