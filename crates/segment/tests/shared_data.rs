//! Quality gates on the shared evaluation data (`../shared/data/segmentation`, overridable with
//! `STANDPOINT_SHARED_DATA`, which points at the `data` folder). The data is read in place and
//! never copied into the repository. The thresholds sit just under the measured scores, so a
//! regression trips them.

use std::path::PathBuf;

use serde_json::Value;
use standpoint_segment::Segmenter;

#[path = "../../../tests/common/mod.rs"]
mod common;

fn data_dir() -> PathBuf {
    let dir = common::shared_data().join("segmentation");
    assert!(
        dir.is_dir(),
        "shared segmentation data not found at {}; set STANDPOINT_SHARED_DATA to the shared data folder",
        dir.display()
    );
    dir
}

fn records(name: &str) -> Vec<Value> {
    let path = data_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid JSONL"))
        .collect()
}

/// Sentences as `standpoint segment` prints them: newlines become spaces, stripped.
fn predicted(seg: &Segmenter, text: &str) -> Vec<String> {
    seg.segment(text)
        .iter()
        .map(|s| s.text(text).replace(['\n', '\r'], " ").trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn strict_score(name: &str) -> (usize, usize, Vec<String>) {
    let seg = Segmenter::default();
    let recs = records(name);
    let mut failed = Vec::new();
    for r in &recs {
        let expected: Vec<String> = r["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if predicted(&seg, r["text"].as_str().unwrap()) != expected {
            failed.push(r["id"].as_str().unwrap().to_string());
        }
    }
    (recs.len() - failed.len(), recs.len(), failed)
}

#[test]
fn golden_rules_all_pass() {
    let (ok, total, failed) = strict_score("golden_rules_en.jsonl");
    assert_eq!(total, 48);
    assert_eq!(ok, 48, "golden rules failed: {failed:?}");
}

#[test]
fn pragmatic_segmenter_spec_share() {
    let (ok, total, failed) = strict_score("pragmatic_segmenter_en_spec.jsonl");
    assert_eq!(total, 177);
    assert!(ok >= 140, "spec cases: {ok}/{total}; failed: {failed:?}");
}

/// Sentence spans in "non-whitespace character" coordinates.
fn nws_spans<'a>(sentences: impl Iterator<Item = &'a str>) -> Vec<(usize, usize)> {
    let mut pos = 0;
    let mut spans = Vec::new();
    for s in sentences {
        let n = s.chars().filter(|c| !c.is_whitespace()).count();
        if n > 0 {
            spans.push((pos, pos + n));
            pos += n;
        }
    }
    spans
}

#[test]
fn ud_gum_dev_sentence_f1() {
    let seg = Segmenter::default();
    let (mut tp, mut n_pred, mut n_gold) = (0usize, 0usize, 0usize);
    for doc in records("ud_gum_dev.jsonl") {
        let text = doc["text"].as_str().unwrap();
        let gold = nws_spans(
            doc["sentences"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap()),
        );
        let pred = nws_spans(seg.segment(text).iter().map(|s| s.text(text)));
        assert_eq!(
            gold.last().map(|g| g.1),
            pred.last().map(|p| p.1),
            "text lost in {}",
            doc["id"]
        );
        let gold_set: std::collections::HashSet<_> = gold.iter().collect();
        tp += pred.iter().filter(|p| gold_set.contains(p)).count();
        n_pred += pred.len();
        n_gold += gold.len();
    }
    let p = tp as f64 / n_pred as f64;
    let r = tp as f64 / n_gold as f64;
    let f1 = 200.0 * p * r / (p + r);
    assert_eq!(n_gold, 1575);
    assert!(f1 >= 95.8, "UD GUM dev sentence F1 {f1:.2} < 95.8");
}
