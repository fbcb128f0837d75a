//! The behavioural suite through `standpoint bench --checks`: per-capability failure counts
//! checked by hand on a model-free classifier, and the gate on the shipped models (real encoder;
//! fails, not skips, when it is missing).

use std::process::Command;

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

fn bench_checks(
    checks: &std::path::Path,
    classifiers: &[&str],
    json: &std::path::Path,
) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_standpoint"));
    cmd.current_dir(root())
        .arg("bench")
        .arg("--checks")
        .arg(checks)
        .args([
            "--runs",
            "1",
            "--speed-items",
            "64",
            "--threads",
            "2",
            "--errors",
            "2",
        ])
        .arg("--json")
        .arg(json);
    for c in classifiers {
        cmd.args(["--classifier", c]);
    }
    cmd.output().unwrap()
}

fn capability<'a>(v: &'a serde_json::Value, clf: usize, name: &str) -> &'a serde_json::Value {
    v["checks"]["classifiers"][clf]["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["capability"] == name)
        .unwrap_or_else(|| panic!("capability {name} missing"))
}

#[test]
fn failures_per_capability_match_hand_computation_and_bad_lines_are_named() {
    let dir = std::env::temp_dir().join(format!("standpoint-checks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let checks = dir.join("checks.jsonl");
    // The lexical baseline reads "support" as FAVOR, "hate" as AGAINST and no cue word as NONE.
    std::fs::write(
        &checks,
        concat!(
            "{\"id\":\"a1\",\"capability\":\"A\",\"text\":\"We support it.\",\"target\":\"it\",\"label\":\"FAVOR\"}\n",
            "{\"id\":\"a2\",\"capability\":\"A\",\"text\":\"Sunny today.\",\"target\":\"it\",\"label\":\"FAVOR\"}\n",
            "{\"id\":\"b1\",\"capability\":\"B\",\"text\":\"I hate it.\",\"target\":\"it\",\"not\":\"AGAINST\"}\n",
            "{\"id\":\"b2\",\"capability\":\"B\",\"text\":\"Sunny today.\",\"target\":\"it\",\"not\":\"AGAINST\"}\n",
            "{\"id\":\"bad\",\"capability\":\"B\",\"text\":\"x\",\"target\":\"it\",\"label\":\"FAVOR\",\"not\":\"NONE\"}\n",
        ),
    )
    .unwrap();
    let json = dir.join("out.json");
    let o = bench_checks(&checks, &["lexical"], &json);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    // A skipped line makes the exit code 1, and the message names file and line.
    assert_eq!(o.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("checks.jsonl:5"), "{stderr}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["checks"]["cases"], 4);
    let a = capability(&v, 0, "A");
    assert_eq!(
        (a["cases"].as_u64(), a["failures"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(a["failed_ids"], serde_json::json!(["a2"]));
    let b = capability(&v, 0, "B");
    assert_eq!(
        (b["cases"].as_u64(), b["failures"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(b["failed_ids"], serde_json::json!(["b1"]));
    assert_eq!(v["checks"]["classifiers"][0]["failure_rate"], 0.5);
    assert!(stdout.contains("| A | 2 | 50.0% (1) |"), "{stdout}");
    assert!(stdout.contains("[b1] \"I hate it.\""), "{stdout}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Failure-rate ceilings of the shipped models on `tests/data/stance_checks.jsonl`, set a little
/// above the rates measured when the models were shipped (README, "Behavioural checks"), so that
/// a retrained model that reads these sentences worse fails the test suite.
const GATES: &[(&str, f64)] = &[("default", 0.40), ("cross", 0.28)];

#[test]
fn shipped_models_stay_under_their_failure_rate_gates() {
    let dir = std::env::temp_dir().join(format!("standpoint-gate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("gate.json");
    let names: Vec<&str> = GATES.iter().map(|g| g.0).collect();
    let o = bench_checks(
        &root().join("tests/data/stance_checks.jsonl"),
        &names,
        &json,
    );
    assert!(
        o.status.success(),
        "bench failed (is the encoder installed? run `bash scripts/setup-libtorch.sh`): {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(v["checks"]["cases"].as_u64().unwrap() > 800);
    for (i, (name, gate)) in GATES.iter().enumerate() {
        let c = &v["checks"]["classifiers"][i];
        assert_eq!(c["classifier"], *name);
        let rate = c["failure_rate"].as_f64().unwrap();
        assert!(
            rate <= *gate,
            "{name}: {:.1}% of the behavioural checks fail, above the gate of {:.0}%\n{}",
            100.0 * rate,
            100.0 * gate,
            String::from_utf8_lossy(&o.stdout)
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
