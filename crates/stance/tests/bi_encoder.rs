//! The bi-encoder (adapters on the sentence encoder + the default's head) with the real
//! encoder: it learns a toy set, its saved adapters merged at load give the training-form
//! probabilities, and a teacher's probabilities are cached and reused only for the same
//! examples. Fails, not skips, when the encoder is missing.
#![cfg(feature = "model")]

use standpoint_stance::manifest::{AdapterSpec, EncoderHeadManifest, EncoderSpec};
use standpoint_stance::train::teacher_probs;
use standpoint_stance::{
    baseline::Lexical, BiEncoderTrainer, EncoderHeadClassifier, FineTuneConfig, FineTuneExample,
    Label, StanceClassifier,
};

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

fn toy() -> Vec<(String, String, Label)> {
    let mut out = Vec::new();
    for t in ["the new tax", "nuclear power"] {
        for (s, l) in [
            ("I fully support {t}.", Label::Favor),
            ("{t} is exactly what we need.", Label::Favor),
            ("I totally oppose {t}.", Label::Against),
            ("{t} is a terrible mistake.", Label::Against),
            ("The weather was mild on Tuesday.", Label::None),
        ] {
            out.push((s.replace("{t}", t), t.to_string(), l));
        }
    }
    out
}

fn examples(data: &[(String, String, Label)]) -> Vec<FineTuneExample<'_>> {
    data.iter()
        .map(|(s, t, l)| FineTuneExample {
            text: s,
            target: t,
            context: "",
            label: *l,
            soft: None,
            weight: 1.0,
        })
        .collect()
}

#[test]
fn bi_encoder_learns_and_its_merged_form_reads_the_same() {
    let data = toy();
    let train = examples(&data);
    let mut losses = Vec::new();
    let model = BiEncoderTrainer {
        config: FineTuneConfig {
            epochs: 12,
            rank: 4,
            alpha: 8.0,
            learning_rate: 2e-3,
            batch_size: 4,
            max_length: 32,
            ..FineTuneConfig::default()
        },
        hidden: 64,
        checkpoint: None,
        init: None,
    }
    .train(&encoder_dir(), &train, |e| {
        if let standpoint_stance::TrainEvent::Epoch { mean_loss, .. } = e {
            losses.push(mean_loss);
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e} (run `bash scripts/setup-libtorch.sh`)"));
    assert!(losses[11] < 0.5 * losses[0], "{losses:?}");

    let t = TempDir::new("bi");
    model
        .save(&t.path("adapters.safetensors"), &t.path("head.safetensors"))
        .unwrap();
    let manifest = EncoderHeadManifest {
        encoder: EncoderSpec {
            name: "all-MiniLM-L6-v2".into(),
            source: "PyPI".into(),
            dim: 384,
            max_length: 256,
        },
        head_file: "head.safetensors".into(),
        hidden: 64,
        adapters: Some(AdapterSpec {
            file: "adapters.safetensors".into(),
            rank: 4,
            alpha: 8.0,
        }),
        labels: Label::ALL.to_vec(),
        training: None,
        dev: Default::default(),
        adapted: None,
    };
    let loaded = EncoderHeadClassifier::load(&manifest, t.dir(), &encoder_dir()).unwrap();
    let held = [
        "We back the new tax.",
        "Nuclear power is a disaster.",
        "Rain fell.",
    ];
    let targets = ["the new tax", "nuclear power"];
    let a = model.predict(&held, &targets).unwrap();
    let b = loaded.predict(&held, &targets).unwrap();
    for (x, y) in a.iter().zip(&b) {
        for (p, q) in x.as_array().iter().zip(y.as_array()) {
            assert!((p - q).abs() < 2e-4, "{a:?} vs {b:?}");
        }
    }
    assert_eq!(b[0].label(), Label::Favor, "{b:?}");
    assert_eq!(b[3].label(), Label::Against, "{b:?}");

    // Started from the saved model (`finetune --bi-encoder --init`) at learning rate 0, a run
    // ends where that model is; with another hidden width or rank it is refused.
    let path = t.path("manifest.json");
    standpoint_stance::manifest::Manifest::EncoderHead(manifest.clone())
        .save(&path)
        .unwrap();
    let trainer = |hidden: usize, rank: usize, lr: f64| BiEncoderTrainer {
        config: FineTuneConfig {
            epochs: 1,
            rank,
            alpha: 8.0,
            learning_rate: lr,
            batch_size: 4,
            max_length: 32,
            ..FineTuneConfig::default()
        },
        hidden,
        checkpoint: None,
        init: Some(path.clone()),
    };
    let same = trainer(64, 4, 0.0)
        .train(&encoder_dir(), &train, |_| Ok(()))
        .unwrap();
    let c = same.predict(&held, &targets).unwrap();
    for (x, y) in a.iter().zip(&c) {
        for (p, q) in x.as_array().iter().zip(y.as_array()) {
            assert!((p - q).abs() < 1e-5, "{a:?} vs {c:?}");
        }
    }
    let moved = trainer(64, 4, 5e-2)
        .train(&encoder_dir(), &train, |_| Ok(()))
        .unwrap();
    assert_ne!(moved.predict(&held, &targets).unwrap(), a);
    for (hidden, rank, flag) in [(32, 4, "--hidden 64"), (64, 8, "--rank 4")] {
        let err = trainer(hidden, rank, 0.0)
            .train(&encoder_dir(), &train, |_| Ok(()))
            .unwrap_err();
        assert!(err.to_string().contains(flag), "{err}");
    }

    // A damaged adapter file is an error naming it.
    std::fs::write(t.path("adapters.safetensors"), b"not tensors").unwrap();
    let err = EncoderHeadClassifier::load(&manifest, t.dir(), &encoder_dir()).unwrap_err();
    assert!(err.to_string().contains("adapters.safetensors"), "{err}");
}

#[test]
fn teacher_probabilities_are_cached_for_the_same_examples_only() {
    let data = toy();
    let train = examples(&data);
    let t = TempDir::new("teacher");
    let cache = t.path("teacher.bin");
    let mut calls = 0;
    let first = teacher_probs(&Lexical, &train, Some((&cache, "lexical")), |_, _| {
        calls += 1
    })
    .unwrap();
    assert!(calls > 0 && cache.is_file());
    let mut again = 0;
    let second = teacher_probs(&Lexical, &train, Some((&cache, "lexical")), |_, _| {
        again += 1
    })
    .unwrap();
    assert_eq!((again, &first), (0, &second), "read from the cache");
    // Another key, other examples or a damaged file: computed anew.
    let mut n = 0;
    teacher_probs(&Lexical, &train, Some((&cache, "other")), |_, _| n += 1).unwrap();
    assert!(n > 0);
    let mut n = 0;
    teacher_probs(&Lexical, &train[1..], Some((&cache, "other")), |_, _| {
        n += 1
    })
    .unwrap();
    assert!(n > 0);
    let bytes = std::fs::read(&cache).unwrap();
    std::fs::write(&cache, &bytes[..bytes.len() - 5]).unwrap();
    let mut n = 0;
    let redone = teacher_probs(&Lexical, &train[1..], Some((&cache, "other")), |_, _| {
        n += 1
    })
    .unwrap();
    assert!(n > 0);
    assert_eq!(redone.len(), train.len() - 1);
}
