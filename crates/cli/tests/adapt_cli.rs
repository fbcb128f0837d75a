//! `standpoint train --from default --data labels.jsonl`: the default model adapted to hand
//! labels of a run, measured by cross-fitting, and the labels that trained it refused by
//! `estimate` on a run of the adapted model. Runs the real default model (needs libtorch and
//! the encoder, as `scripts/test.sh` installs them; fails without them).

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

use std::path::Path;
use std::process::Output;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn sp(args: &[&str]) -> Output {
    standpoint().args(args).output().unwrap()
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

/// A reader's labels by rule: favour where the sentence asks for the ceasefire, against where
/// it rejects it, none elsewhere (crude, but a fixed function of the text).
fn hand_label(text: &str) -> &'static str {
    let t = text.to_lowercase();
    if t.contains("reject") || t.contains("rearm") || t.contains("only gives") {
        "AGAINST"
    } else if t.contains("ceasefire") && (t.contains("support") || t.contains("only way")) {
        "FAVOR"
    } else {
        "NONE"
    }
}

fn run_with(model: &str, out: &Path) {
    ok(&sp(&[
        "run",
        "tests/data/corpus/wire.jsonl",
        "--no-progress",
        "--model",
        model,
        "--target",
        "a ceasefire",
        "--out",
        out.to_str().unwrap(),
    ]));
}

fn sample(run: &Path, n: &str, seed: &str, out: &Path) -> Vec<serde_json::Value> {
    ok(&sp(&[
        "sample",
        run.to_str().unwrap(),
        "--target",
        "a ceasefire",
        "--n",
        n,
        "--seed",
        seed,
        "--out",
        out.to_str().unwrap(),
    ]));
    let mut v = json_lines(out);
    for r in v.iter_mut() {
        r["label"] = hand_label(r["text"].as_str().unwrap()).into();
    }
    write_json_lines(out, &v);
    v
}

#[test]
fn adapt_the_default_to_hand_labels_and_refuse_them_for_its_estimates() {
    let t = TempDir::new("adapt");
    let run_a = t.path("run-a");
    run_with("default", &run_a);
    let labels = t.path("labels.jsonl");
    let drawn = sample(&run_a, "30", "1", &labels);
    let out = t.path("adapted");
    let o = sp(&[
        "train",
        "--from",
        "default",
        "--data",
        labels.to_str().unwrap(),
        "--folds",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    let said = text(&o.stdout);
    assert!(said.contains("cross-fitted (3 folds"), "{said}");
    assert!(said.contains("refuses them"), "{said}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let adapted = &m["adapted"];
    assert_eq!(adapted["labels"], 30);
    assert_eq!(adapted["sentence_keys"].as_array().unwrap().len(), 30);
    let cf = &adapted["crossfit"];
    assert_eq!(cf["folds"], 3);
    for k in [
        "base_accuracy",
        "adapted_accuracy",
        "base_macro_f1",
        "adapted_macro_f1",
    ] {
        let v = cf[k].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&v), "{k} {v}");
    }
    assert!(m["dev"].as_object().is_none_or(|d| d.is_empty()), "{m}");
    // A new head, not the default's bytes.
    let base = std::fs::read(root().join("models/default/head.safetensors")).unwrap();
    let new = std::fs::read(out.join("head.safetensors")).unwrap();
    assert_eq!(base.len(), new.len());
    assert_ne!(base, new);

    // A run of the adapted model; a sample of it that holds sentences the labels trained on.
    let run_b = t.path("run-b");
    let manifest = out.join("manifest.json");
    run_with(manifest.to_str().unwrap(), &run_b);
    let fresh = t.path("fresh.jsonl");
    let again = sample(&run_b, "20", "2", &fresh);
    let trained: std::collections::HashSet<&str> =
        drawn.iter().map(|r| r["text"].as_str().unwrap()).collect();
    let overlap: Vec<usize> = again
        .iter()
        .enumerate()
        .filter(|(_, r)| trained.contains(r["text"].as_str().unwrap()))
        .map(|(i, _)| i)
        .collect();
    assert!(!overlap.is_empty(), "20 of a small corpus miss 30 trained");
    let o = sp(&[
        "estimate",
        run_b.to_str().unwrap(),
        "--labels",
        fresh.to_str().unwrap(),
    ]);
    assert_ne!(o.status.code(), Some(0));
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!("{}:{}:", fresh.display(), overlap[0] + 1)),
        "{err}"
    );
    assert!(
        err.contains(&format!("{} labelled sentence(s)", overlap.len())),
        "{err}"
    );
    // Those rows marked SKIP: the estimate goes on.
    let mut skipped = again.clone();
    for &i in &overlap {
        skipped[i]["label"] = "SKIP".into();
    }
    write_json_lines(&fresh, &skipped);
    let o = sp(&[
        "estimate",
        run_b.to_str().unwrap(),
        "--labels",
        fresh.to_str().unwrap(),
    ]);
    ok(&o);
    // The run of the default model takes the same labels (they did not train it).
    ok(&sp(&[
        "estimate",
        run_a.to_str().unwrap(),
        "--labels",
        labels.to_str().unwrap(),
    ]));

    // Refusals: writing over the model adapted from; too few labels for the folds.
    let copy = t.path("copy");
    std::fs::create_dir_all(&copy).unwrap();
    for f in ["manifest.json", "head.safetensors"] {
        std::fs::copy(root().join("models/default").join(f), copy.join(f)).unwrap();
    }
    let o = sp(&[
        "train",
        "--from",
        copy.join("manifest.json").to_str().unwrap(),
        "--data",
        labels.to_str().unwrap(),
        "--out",
        copy.to_str().unwrap(),
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        text(&o.stderr).contains("the folder of the model adapted from"),
        "{}",
        text(&o.stderr)
    );
    let few = t.path("few.jsonl");
    write_json_lines(&few, &drawn[..3]);
    let o = sp(&[
        "train",
        "--from",
        "default",
        "--data",
        few.to_str().unwrap(),
        "--out",
        t.path("few-model").to_str().unwrap(),
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        text(&o.stderr).contains("3 labels for 5 folds"),
        "{}",
        text(&o.stderr)
    );
}
