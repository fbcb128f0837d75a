//! End-to-end tests of `standpoint bench` with model-free classifiers on hand-made data whose
//! scores are computed by hand.

use std::path::PathBuf;
use std::process::Command;

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(name: &str) -> TempDir {
    let p = std::env::temp_dir().join(format!("standpoint-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    TempDir(p)
}

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
    let t = temp("hand");
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
    let t = temp("nonone");
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
