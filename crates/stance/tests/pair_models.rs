//! End-to-end tests of the zero-shot NLI and sequence-classification classifiers with small
//! random-weight BERT models that the tests build themselves: a vocabulary, a config.json with
//! id2label, and weights initialised by rust-bert's own `BertForSequenceClassification` and saved
//! as safetensors. Loading and the forward pass are the real ones.
#![cfg(feature = "model")]

use std::path::Path;

use rust_bert::bert::{BertConfig, BertForSequenceClassification};
use serde_json::json;
use standpoint_stance::manifest::{Manifest, NliManifest, SequenceManifest};
use standpoint_stance::{Label, NliClassifier, Probs, SequenceClassifier, StanceClassifier};
use tch::{nn::VarStore, Device, Tensor};

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

const WORDS: &str = "the a an of to in on and or is are was were be not no we they he she it \
    author supports opposes neutral about ceasefire concessions talks war peace government \
    minister said would will must should never always support oppose reject accept plan deal \
    hillary clinton trump vote for against now . , ! ? ' \"";

/// Writes a tiny random BERT classifier with the given output labels into `dir`.
fn build_model(dir: &Path, labels: &[&str], seed: i64) {
    let mut vocab: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    vocab.extend(WORDS.split_whitespace().map(str::to_string));
    for c in 'a'..='z' {
        vocab.push(c.to_string());
        vocab.push(format!("##{c}"));
    }
    std::fs::write(dir.join("vocab.txt"), vocab.join("\n") + "\n").unwrap();
    let id2label: serde_json::Map<String, serde_json::Value> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i.to_string(), json!(l)))
        .collect();
    let label2id: serde_json::Map<String, serde_json::Value> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.to_string(), json!(i)))
        .collect();
    let config = json!({
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "hidden_act": "gelu",
        "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1,
        "hidden_size": 32,
        "initializer_range": 0.5,
        "intermediate_size": 64,
        "max_position_embeddings": 128,
        "num_attention_heads": 4,
        "num_hidden_layers": 2,
        "type_vocab_size": 2,
        "vocab_size": vocab.len(),
        "do_lower_case": true,
        "id2label": id2label,
        "label2id": label2id,
    });
    std::fs::write(
        dir.join("config.json"),
        serde_json::to_string_pretty(&config).unwrap(),
    )
    .unwrap();
    let cfg: BertConfig = serde_json::from_value(config).unwrap();
    tch::manual_seed(seed);
    let vs = VarStore::new(Device::Cpu);
    let _model = BertForSequenceClassification::new(vs.root(), &cfg).unwrap();
    vs.save(dir.join("model.safetensors")).unwrap();
}

/// Copies a model into `to` with its output labels permuted: new logit `i` is old logit
/// `perm[i]`, and id2label follows. A correct label mapping gives identical stance probabilities.
fn permuted_copy(from: &Path, to: &Path, perm: &[usize]) {
    std::fs::copy(from.join("vocab.txt"), to.join("vocab.txt")).unwrap();
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(from.join("config.json")).unwrap()).unwrap();
    let old: Vec<String> = (0..perm.len())
        .map(|i| {
            config["id2label"][i.to_string()]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut id2label = serde_json::Map::new();
    let mut label2id = serde_json::Map::new();
    for (i, &p) in perm.iter().enumerate() {
        id2label.insert(i.to_string(), json!(old[p]));
        label2id.insert(old[p].clone(), json!(i));
    }
    config["id2label"] = json!(id2label);
    config["label2id"] = json!(label2id);
    std::fs::write(to.join("config.json"), config.to_string()).unwrap();
    let idx = Tensor::from_slice(&perm.iter().map(|&p| p as i64).collect::<Vec<_>>());
    let tensors: Vec<(String, Tensor)> = Tensor::read_safetensors(from.join("model.safetensors"))
        .unwrap()
        .into_iter()
        .map(|(k, v)| {
            let v = if k.starts_with("classifier.") {
                v.index_select(0, &idx)
            } else {
                v
            };
            (k, v)
        })
        .collect();
    Tensor::write_safetensors(&tensors, to.join("model.safetensors")).unwrap();
}

fn nli_manifest(dir: &Path) -> NliManifest {
    match serde_json::from_value::<Manifest>(json!({
        "kind": "zero_shot_nli", "model_dir": dir, "batch_pairs": 7,
    }))
    .unwrap()
    {
        Manifest::ZeroShotNli(m) => m,
        other => panic!("{other:?}"),
    }
}

fn seq_manifest(dir: &Path, labels: serde_json::Value) -> SequenceManifest {
    match serde_json::from_value::<Manifest>(json!({
        "kind": "sequence_classifier", "model_dir": dir, "labels": labels, "batch_pairs": 5,
    }))
    .unwrap()
    {
        Manifest::SequenceClassifier(m) => m,
        other => panic!("{other:?}"),
    }
}

const SENTENCES: &[&str] = &[
    "The minister said they would never accept the ceasefire plan.",
    "We support the talks now!",
    "Hillary Clinton will win the vote.",
    "",
    "A war is not a plan, he said, and the government must accept concessions for peace.",
];
const TARGETS: &[&str] = &["a ceasefire", "concessions", "Hillary Clinton"];

fn close(a: &[Probs], b: &[Probs]) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        for (u, v) in [(x.favor, y.favor), (x.against, y.against), (x.none, y.none)] {
            assert!((u - v).abs() < 1e-5, "pair {i}: {x:?} vs {y:?}");
        }
    }
}

fn check_distribution(p: &[Probs]) {
    for x in p {
        let s = x.favor + x.against + x.none;
        assert!((s - 1.0).abs() < 1e-4, "{x:?}");
        assert!(x.favor >= 0.0 && x.against >= 0.0 && x.none >= 0.0);
    }
}

#[test]
fn nli_runs_end_to_end_and_targets_are_independent() {
    let dir = TempDir::new("nli");
    build_model(&dir.0, &["contradiction", "neutral", "entailment"], 1);
    let clf = NliClassifier::load(&nli_manifest(&dir.0), Path::new("/")).unwrap();
    let all = clf.predict(SENTENCES, TARGETS).unwrap();
    assert_eq!(all.len(), SENTENCES.len() * TARGETS.len());
    check_distribution(&all);
    for (j, t) in TARGETS.iter().enumerate() {
        let one = clf.predict(SENTENCES, &[t]).unwrap();
        let column: Vec<Probs> = (0..SENTENCES.len())
            .map(|i| all[i * TARGETS.len() + j])
            .collect();
        close(&one, &column);
    }
    // The hypothesis carries the target: different targets give different probabilities.
    assert!(
        (all[0].favor - all[1].favor).abs() > 1e-6
            || (all[0].against - all[1].against).abs() > 1e-6,
        "{:?} {:?}",
        all[0],
        all[1]
    );
}

#[test]
fn nli_entailment_first_models_are_remapped() {
    let a = TempDir::new("nli-last");
    let b = TempDir::new("nli-first");
    build_model(&a.0, &["contradiction", "neutral", "entailment"], 2);
    permuted_copy(&a.0, &b.0, &[2, 1, 0]);
    let last = NliClassifier::load(&nli_manifest(&a.0), Path::new("/")).unwrap();
    let first = NliClassifier::load(&nli_manifest(&b.0), Path::new("/")).unwrap();
    close(
        &last.predict(SENTENCES, TARGETS).unwrap(),
        &first.predict(SENTENCES, TARGETS).unwrap(),
    );
}

#[test]
fn nli_unusable_label_order_is_a_clear_error() {
    let dir = TempDir::new("nli-bad");
    build_model(&dir.0, &["neutral", "entailment", "contradiction"], 3);
    let err = NliClassifier::load(&nli_manifest(&dir.0), Path::new("/"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("label order"), "{err}");
}

#[test]
fn sequence_classifier_maps_labels_whatever_their_order() {
    let a = TempDir::new("seq-a");
    let b = TempDir::new("seq-b");
    build_model(&a.0, &["LABEL_0", "LABEL_1", "LABEL_2"], 4);
    permuted_copy(&a.0, &b.0, &[1, 2, 0]);
    let labels = json!({"LABEL_0": "AGAINST", "label_1": "FAVOR", "LABEL_2": "NONE"});
    let ca = SequenceClassifier::load(&seq_manifest(&a.0, labels.clone()), Path::new("/")).unwrap();
    let cb = SequenceClassifier::load(&seq_manifest(&b.0, labels), Path::new("/")).unwrap();
    let pa = ca.predict(SENTENCES, TARGETS).unwrap();
    assert_eq!(pa.len(), SENTENCES.len() * TARGETS.len());
    check_distribution(&pa);
    close(&pa, &cb.predict(SENTENCES, TARGETS).unwrap());
    // Batching does not change results (batch_pairs is 5, so pairs span several passes).
    let single: Vec<Probs> = SENTENCES
        .iter()
        .flat_map(|s| ca.predict(&[s], TARGETS).unwrap())
        .collect();
    close(&pa, &single);
}

#[test]
fn sequence_classifier_reads_the_mapped_logit() {
    let dir = TempDir::new("seq-bias");
    build_model(&dir.0, &["favor", "against"], 5);
    // Push the "against" logit far up: every pair must come out AGAINST, with none = 0.
    let tensors: Vec<(String, Tensor)> = Tensor::read_safetensors(dir.0.join("model.safetensors"))
        .unwrap()
        .into_iter()
        .map(|(k, v)| {
            let v = if k == "classifier.bias" {
                Tensor::from_slice(&[0.0f32, 20.0])
            } else {
                v
            };
            (k, v)
        })
        .collect();
    Tensor::write_safetensors(&tensors, dir.0.join("model.safetensors")).unwrap();
    let clf = SequenceClassifier::load(&seq_manifest(&dir.0, json!({})), Path::new("/")).unwrap();
    for p in clf.predict(SENTENCES, TARGETS).unwrap() {
        assert_eq!(p.label(), Label::Against, "{p:?}");
        assert_eq!(p.none, 0.0);
    }
}

#[test]
fn sequence_classifier_rejects_unmapped_labels_and_missing_files() {
    let dir = TempDir::new("seq-unmapped");
    build_model(&dir.0, &["LABEL_0", "LABEL_1", "LABEL_2"], 6);
    let err = SequenceClassifier::load(
        &seq_manifest(&dir.0, json!({"LABEL_0": "FAVOR"})),
        Path::new("/"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("LABEL_1") && err.contains("not mapped"),
        "{err}"
    );

    std::fs::remove_file(dir.0.join("model.safetensors")).unwrap();
    let err = SequenceClassifier::load(&seq_manifest(&dir.0, json!({})), Path::new("/"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("weights missing"), "{err}");

    let err = NliClassifier::load(&nli_manifest(Path::new("no/such/model")), Path::new("/tmp"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("model folder missing"), "{err}");
}

#[test]
fn corrupt_weights_are_an_error_not_a_panic() {
    let dir = TempDir::new("seq-corrupt");
    build_model(&dir.0, &["FAVOR", "AGAINST", "NONE"], 7);
    let w = std::fs::read(dir.0.join("model.safetensors")).unwrap();
    std::fs::write(dir.0.join("model.safetensors"), &w[..w.len() / 2]).unwrap();
    let err = SequenceClassifier::load(&seq_manifest(&dir.0, json!({})), Path::new("/"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("failed to load"), "{err}");
    let err = NliClassifier::load(&nli_manifest(&dir.0), Path::new("/"))
        .unwrap_err()
        .to_string();
    // FAVOR/AGAINST/NONE is not an NLI label order; either error is a clear refusal.
    assert!(
        err.contains("label order") || err.contains("failed to load"),
        "{err}"
    );
}

#[test]
fn manifests_round_trip() {
    let m = Manifest::ZeroShotNli(nli_manifest(Path::new("/m")));
    let back: Manifest = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(m, back);
    let m = Manifest::SequenceClassifier(seq_manifest(Path::new("m"), json!({"x": "NONE"})));
    let back: Manifest = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(m, back);
}
