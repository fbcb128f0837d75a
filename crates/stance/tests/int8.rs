//! int8 inference (`--precision int8`) against fp32 on a fixed sentence set: the behavioural
//! suite's 869 cases and the demo's 35 clear pairs, read by the shipped `default` (frozen
//! encoder + head) and `cross` (cross-encoder) models loaded both ways. What docs/speed.md
//! states is checked: labels agree on at least 99% of the pairs for the cross-encoder (measured
//! 99.3%) and 97% for the default (measured 97.9%: issue 25's 99% is met by the cross-encoder
//! only), the 99th percentile of the largest probability difference is at most 0.10.
//! Needs libtorch and the encoder (fails, not skips, without them).
#![cfg(feature = "model")]

use standpoint_stance::factory::{load_classifier, ModelPaths};
use standpoint_stance::{Encoder, EncoderBackend, Error, Precision};

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

/// The fixed set: (text, target) of the behavioural suite and the demo's clear pairs.
fn pairs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for file in [
        "tests/data/stance_checks.jsonl",
        "tests/data/demo_clear.jsonl",
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            out.push((
                v["text"].as_str().unwrap().to_string(),
                v["target"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

/// (share of labels that agree, largest probability difference, 99th percentile of it).
fn compare(model: &str) -> (f64, f32, f32) {
    let manifest = root().join("models").join(model).join("manifest.json");
    let paths = |precision| ModelPaths {
        encoder_dir: encoder_dir(),
        precision,
    };
    let fp32 = load_classifier(&manifest, &paths(Precision::Fp32)).unwrap();
    let int8 = load_classifier(&manifest, &paths(Precision::Int8)).unwrap();
    let pairs = pairs();
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(s, t)| (s.as_str(), t.as_str()))
        .collect();
    let a = fp32.predict_pairs(&refs).unwrap();
    let b = int8.predict_pairs(&refs).unwrap();
    assert_eq!(a.len(), refs.len());
    let (agree, diffs) = standpoint_stance::metrics::agreement(&a, &b);
    let p99 = diffs[(diffs.len() * 99) / 100];
    (agree, *diffs.last().unwrap(), p99)
}

/// The guarantee docs/speed.md states, checked for one shipped model.
fn assert_agrees(model: &str, at_least: f64) {
    let (agree, max, p99) = compare(model);
    eprintln!("{model}: labels agree {agree:.4}, max |dp| {max:.4}, p99 {p99:.4}");
    assert!(agree >= at_least, "labels agree on {agree:.4}");
    assert!(p99 <= 0.10, "99th percentile |dp| {p99}");
    assert!(
        max > 0.0,
        "int8 gave fp32's exact probabilities: was it quantised?"
    );
}

#[test]
fn default_in_int8_agrees_with_fp32() {
    assert_agrees("default", 0.97);
}

#[test]
fn cross_encoder_in_int8_agrees_with_fp32() {
    assert_agrees("cross", 0.99);
}

#[test]
fn the_rust_bert_backend_has_no_int8_path_and_says_so() {
    let mut e = Encoder::load_with(&encoder_dir(), EncoderBackend::RustBert).unwrap();
    match e.quantize() {
        Err(Error::Int8 { reason }) => assert!(reason.contains("rust-bert"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(e.precision(), Precision::Fp32);
    let mut n = Encoder::load(&encoder_dir()).unwrap();
    n.quantize().unwrap();
    assert_eq!(n.precision(), Precision::Int8);
}
