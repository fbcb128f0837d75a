//! The native MPNet forward pass (all-mpnet-base-v2, installed by `scripts/setup-mpnet.sh`)
//! against vectors of Hugging Face's Python MPNetModel, computed once by
//! `scripts/reference-mpnet.py` and stored in `tests/data/reference_mpnet.json`.
#![cfg(feature = "model")]

use std::path::PathBuf;

use standpoint_stance::tokenize::PairTokenizer;
use standpoint_stance::{Encoder, EncoderBackend};

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

fn mpnet_dir() -> PathBuf {
    std::env::var_os("STANDPOINT_MPNET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".deps/models/all-mpnet-base-v2"))
}

#[derive(serde::Deserialize)]
struct Reference {
    texts: Vec<String>,
    vectors: Vec<Vec<f32>>,
    pairs: Vec<(String, String)>,
    pair_ids: Vec<Vec<i64>>,
}

fn reference() -> Reference {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference_mpnet.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let n = |v: &[f32]| v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (n(a) * n(b))
}

fn load() -> Encoder {
    Encoder::load(&mpnet_dir())
        .unwrap_or_else(|e| panic!("{e} (run `bash scripts/setup-mpnet.sh`)"))
}

/// Texts from empty to 400+ tokens (relative distances past the 128 where buckets saturate),
/// at several batch sizes (padding beside longer texts).
#[test]
fn mpnet_embeddings_agree_with_the_python_reference() {
    let r = reference();
    let texts: Vec<&str> = r.texts.iter().map(String::as_str).collect();
    assert_eq!(load().dim(), 768);
    for bs in [1, 3, 8] {
        let got = load().with_batch_size(bs).encode(&texts).unwrap();
        for (i, want) in r.vectors.iter().enumerate() {
            let g = Vec::<f32>::try_from(got.get(i as i64)).unwrap();
            let c = cosine(&g, want);
            assert!(c >= 0.99999, "text {i}, batch size {bs}: cosine {c}");
        }
    }
}

/// Pairs get MPNet's template (`<s> a </s></s> b </s>`) and truncation, token for token.
#[test]
fn mpnet_pairs_tokenise_as_the_python_reference() {
    let r = reference();
    let tok = PairTokenizer::from_dir(&mpnet_dir()).unwrap();
    let pairs: Vec<(&str, &str)> = r
        .pairs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let got = tok.encode_pairs(&pairs, 128).unwrap();
    for (i, ((ids, _), want)) in got.iter().zip(&r.pair_ids).enumerate() {
        assert_eq!(ids, want, "pair {i}");
    }
    let t = tok.pair_template().unwrap().unwrap();
    assert_eq!((t.start, t.middle, t.end), (vec![0], vec![2, 2], vec![2]));
}

/// rust-bert has no MPNet: asking for that backend is refused, not run as BERT.
#[test]
fn mpnet_on_the_rust_bert_backend_is_refused() {
    let err = Encoder::load_with(&mpnet_dir(), EncoderBackend::RustBert)
        .unwrap_err()
        .to_string();
    assert!(err.contains("native"), "{err}");
}
