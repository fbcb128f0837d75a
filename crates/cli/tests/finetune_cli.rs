//! End to end: `standpoint finetune` on a small labelled file writes adapters and a manifest that
//! `classify --model` then uses; a bad record is reported by file and line and skipped. Needs the
//! real encoder (`bash scripts/setup-libtorch.sh`) and fails without it.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

#[test]
fn finetune_writes_a_model_that_classify_uses() {
    let t = TempDir::new("e2e");
    let mut data = String::new();
    let mut n = 0;
    for target in ["the new tax", "nuclear power"] {
        for (text, label) in [
            ("I fully support {t}.", "FAVOR"),
            ("{t} is exactly what we need.", "FAVOR"),
            ("I totally oppose {t}.", "AGAINST"),
            ("{t} is a terrible mistake.", "AGAINST"),
            ("The weather was mild on Tuesday.", "NONE"),
        ] {
            n += 1;
            data.push_str(
                &serde_json::json!({
                    "id": format!("x{n}"), "text": text.replace("{t}", target),
                    "target": target, "label": label,
                })
                .to_string(),
            );
            data.push('\n');
        }
    }
    data.push_str("{\"id\":\"bad\",\"text\":\"x\",\"target\":\"t\",\"label\":\"MAYBE\"}\n");
    std::fs::write(t.0.join("train.jsonl"), &data).unwrap();
    let out = t.0.join("model");
    let empty_shared = t.0.join("no-shared-data");
    let o = standpoint()
        .arg("finetune")
        .arg("--data")
        .arg(t.0.join("train.jsonl"))
        .arg("--shared")
        .arg(&empty_shared)
        .arg("--out")
        .arg(&out)
        .args(["--epochs", "2", "--rank", "2", "--batch-size", "4"])
        .args(["--max-length", "32", "--negatives", "0.5", "--threads", "2"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("train.jsonl:11") && stderr.contains("MAYBE"),
        "{stderr}"
    );
    assert!(stderr.contains("not found; not scored"), "{stderr}");
    assert!(
        stderr.contains("10 examples + 5 mismatched-target"),
        "{stderr}"
    );

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["kind"], "cross_encoder");
    assert_eq!(manifest["rank"], 2);
    assert_eq!(manifest["training"]["epochs"], 2);
    assert_eq!(manifest["training"]["data"][0][1], 10);
    assert!(out.join("adapters.safetensors").is_file());

    let classify = || {
        standpoint()
            .args([
                "classify",
                "--target",
                "the new tax",
                "--target",
                "x",
                "--model",
            ])
            .arg(out.join("manifest.json"))
            .arg(t.0.join("sentences.txt"))
            .output()
            .unwrap()
    };
    let o = classify();
    // A missing input file is an error naming it; the model loaded first.
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("sentences.txt"));

    std::fs::write(
        t.0.join("sentences.txt"),
        "We back the new tax.\nNothing to see here.\n",
    )
    .unwrap();
    let o = classify();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for l in &lines {
        for target in ["the new tax", "x"] {
            let s = &l["stance"][target];
            let sum: f64 = ["favor", "against", "none"]
                .iter()
                .map(|k| s[k].as_f64().unwrap())
                .sum();
            assert!((sum - 1.0).abs() < 1e-4, "{l}");
        }
    }
}
