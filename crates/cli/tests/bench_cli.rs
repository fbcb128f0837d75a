//! End-to-end tests of `standpoint bench` with model-free classifiers on hand-made data whose
//! scores are computed by hand.

use std::process::Command;

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

fn row(id: &str, text: &str, label: &str) -> String {
    format!("{{\"id\":\"{id}\",\"text\":\"{text}\",\"target\":\"t\",\"label\":\"{label}\"}}\n")
}

fn bench(t: &TempDir, extra: &[&str]) -> (std::process::Output, serde_json::Value) {
    let json = t.0.join("out.json");
    let o = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .arg("bench")
        .arg("--data")
        .arg(t.0.join("dev.jsonl"))
        .args([
            "--classifier",
            "majority",
            "--classifier",
            "lexical",
            "--bootstrap",
            "300",
        ])
        .args(["--runs", "1", "--json"])
        .arg(&json)
        .args(extra)
        .output()
        .unwrap();
    let v = serde_json::from_str(&std::fs::read_to_string(&json).unwrap_or_default())
        .unwrap_or(serde_json::Value::Null);
    (o, v)
}

#[test]
fn majority_scores_match_hand_computation_and_bad_rows_are_reported() {
    let t = TempDir::new("hand");
    // Majority for target t is FAVOR (3 of 4 training rows).
    let train: String = [
        row("a", "x", "FAVOR"),
        row("b", "x", "FAVOR"),
        row("c", "x", "FAVOR"),
        row("d", "x", "AGAINST"),
    ]
    .concat();
    std::fs::write(t.0.join("train.jsonl"), train).unwrap();
    let dev: String = [
        row("1", "we support it", "FAVOR"),
        row("2", "great idea", "FAVOR"),
        row("3", "we reject it", "AGAINST"),
        row("4", "terrible", "AGAINST"),
        "{\"id\":\"bad1\",\"text\":\"x\",\"target\":\"t\",\"label\":\"PRO\"}\n".to_string(),
        row("5", "the weather", "NONE"),
        "{\"id\":\"bad2\",\"target\":\"t\",\"label\":\"NONE\"}\n".to_string(),
    ]
    .concat();
    std::fs::write(t.0.join("dev.jsonl"), dev).unwrap();
    let (o, v) = bench(&t, &["--errors", "1"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("dev.jsonl:5") && stderr.contains("PRO"),
        "{stderr}"
    );
    assert!(stderr.contains("dev.jsonl:7"), "{stderr}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("| majority |") && stdout.contains("majority vs lexical"),
        "{stdout}"
    );
    assert!(
        stdout.contains("most confident mistakes of majority"),
        "{stdout}"
    );

    let set = &v["sets"][0];
    assert_eq!(set["items"], 5);
    let m = &set["classifiers"][0]["scores"];
    assert_eq!(set["classifiers"][0]["classifier"], "majority");
    // Predicts FAVOR everywhere: accuracy 2/5; F1(FAVOR) = 2PR/(P+R) with P = 2/5, R = 1 = 4/7;
    // F1(AGAINST) = F1(NONE) = 0; F_avg = (4/7 + 0)/2; macro-F1 over 3 classes = (4/7)/3.
    let close = |x: &serde_json::Value, y: f64| (x.as_f64().unwrap() - y).abs() < 1e-9;
    assert!(close(&m["accuracy"], 0.4), "{m}");
    assert!(close(&m["per_class"]["FAVOR"]["f1"], 4.0 / 7.0), "{m}");
    assert!(close(&m["f_avg"], 2.0 / 7.0), "{m}");
    assert!(close(&m["macro_f1"], 4.0 / 21.0), "{m}");
    assert!(close(&m["f_macro"], 2.0 / 7.0), "{m}");
    assert_eq!(
        m["confusion"],
        serde_json::json!([[2, 0, 0], [2, 0, 0], [1, 0, 0]])
    );
    let ci = m["f_avg_ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() <= 2.0 / 7.0 && ci[1].as_f64().unwrap() >= 2.0 / 7.0);

    // Seeded: a second run gives the same intervals and tests.
    let (_, v2) = bench(&t, &[]);
    assert_eq!(v["sets"][0]["classifiers"], v2["sets"][0]["classifiers"]);
    assert_eq!(v["sets"][0]["paired_tests"], v2["sets"][0]["paired_tests"]);
}

#[test]
fn sets_without_none_use_favor_against_argmax() {
    let t = TempDir::new("nonone");
    // Training: NONE is the majority, so plain argmax would say NONE; P-Stance-style dev data has
    // no NONE class and must be scored on FAVOR vs AGAINST (AGAINST here, 2 vs 1).
    let train: String = [
        row("a", "x", "NONE"),
        row("b", "x", "NONE"),
        row("c", "x", "NONE"),
        row("d", "x", "AGAINST"),
        row("e", "x", "AGAINST"),
        row("f", "x", "FAVOR"),
    ]
    .concat();
    std::fs::write(t.0.join("train.jsonl"), train).unwrap();
    std::fs::write(
        t.0.join("dev.jsonl"),
        [
            row("1", "a", "AGAINST"),
            row("2", "b", "FAVOR"),
            row("3", "c", "AGAINST"),
        ]
        .concat(),
    )
    .unwrap();
    let (o, v) = bench(&t, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(v["sets"][0]["no_none_class"], true);
    let m = &v["sets"][0]["classifiers"][0]["scores"];
    assert_eq!(
        m["confusion"],
        serde_json::json!([[0, 1, 0], [0, 2, 0], [0, 0, 0]])
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("no NONE class"));
}

#[test]
fn ensemble_manifest_averages_its_members_and_cycles_are_refused() {
    let t = TempDir::new("ensemble");
    let dev: String = [
        row("1", "we support it", "FAVOR"),
        row("2", "we reject it", "AGAINST"),
        row("3", "the weather", "NONE"),
        row("4", "a terrible, awful idea", "AGAINST"),
    ]
    .concat();
    std::fs::write(t.0.join("dev.jsonl"), dev).unwrap();
    let write = |name: &str, text: &str| std::fs::write(t.0.join(name), text).unwrap();
    write("lexical.json", r#"{"kind":"lexical"}"#);
    write(
        "majority.json",
        r#"{"kind":"majority","per_target":{"t":{"favor":0.5,"against":0.25,"none":0.25}},
            "overall":{"favor":0.5,"against":0.25,"none":0.25}}"#,
    );
    write(
        "ens.json",
        r#"{"kind":"ensemble","members":[{"model":"lexical.json","weight":3},
                                         {"model":"majority.json","weight":1}]}"#,
    );
    let preds = t.0.join("pred.jsonl");
    let o = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .arg("bench")
        .arg("--data")
        .arg(t.0.join("dev.jsonl"))
        .arg("--classifier")
        .arg(t.0.join("lexical.json"))
        .arg("--classifier")
        .arg(t.0.join("majority.json"))
        .arg("--classifier")
        .arg(t.0.join("ens.json"))
        .args(["--runs", "1", "--bootstrap", "50", "--predictions"])
        .arg(&preds)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut by: std::collections::HashMap<(String, String), [f64; 3]> = Default::default();
    for line in std::fs::read_to_string(&preds).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let clf = v["classifier"].as_str().unwrap();
        let name = std::path::Path::new(clf).file_name().unwrap();
        by.insert(
            (
                name.to_string_lossy().into_owned(),
                v["id"].as_str().unwrap().into(),
            ),
            ["favor", "against", "none"].map(|k| v[k].as_f64().unwrap()),
        );
    }
    assert_eq!(by.len(), 12);
    for id in ["1", "2", "3", "4"] {
        let get = |c: &str| by[&(c.to_string(), id.to_string())];
        let (l, m, e) = (get("lexical.json"), get("majority.json"), get("ens.json"));
        for k in 0..3 {
            assert!(
                (e[k] - (0.75 * l[k] + 0.25 * m[k])).abs() < 1e-5,
                "item {id}: {e:?} vs {l:?} / {m:?}"
            );
        }
    }

    // A cycle is an error naming the nesting, not a hang.
    write(
        "a.json",
        r#"{"kind":"ensemble","members":[{"model":"b.json","weight":1}]}"#,
    );
    write(
        "b.json",
        r#"{"kind":"ensemble","members":[{"model":"a.json","weight":1}]}"#,
    );
    let o = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .args(["classify", "--target", "t", "--model"])
        .arg(t.0.join("a.json"))
        .arg(t.0.join("dev.jsonl"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nested"), "{stderr}");
}
