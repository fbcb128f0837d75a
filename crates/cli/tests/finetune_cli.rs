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
        .arg("--checkpoint-dir")
        .arg(t.0.join("checkpoint"))
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

/// A small labelled file for the resume tests.
fn toy_training_file(dir: &std::path::Path) -> std::path::PathBuf {
    let mut data = String::new();
    let mut n = 0;
    for target in ["the new tax", "nuclear power", "a ceasefire"] {
        for (text, label) in [
            ("I fully support {t}.", "FAVOR"),
            ("{t} is exactly what we need.", "FAVOR"),
            ("I totally oppose {t}.", "AGAINST"),
            ("We will fight {t} in parliament.", "AGAINST"),
            ("The weather was mild on Tuesday.", "NONE"),
        ] {
            n += 1;
            let row = serde_json::json!({
                "id": format!("x{n}"), "text": text.replace("{t}", target),
                "target": target, "label": label,
            });
            data.push_str(&format!("{row}\n"));
        }
    }
    let f = dir.join("train.jsonl");
    std::fs::write(&f, data).unwrap();
    f
}

/// `finetune` with a checkpoint every 5 steps, `epochs` epochs of a 15-example file.
fn finetune_cmd(t: &TempDir, out: &str, checkpoint: &str, epochs: usize) -> std::process::Command {
    let mut c = standpoint();
    c.arg("finetune")
        .arg("--data")
        .arg(t.path("train.jsonl"))
        .arg("--shared")
        .arg(t.path("no-shared-data"))
        .arg("--out")
        .arg(t.path(out))
        .arg("--checkpoint-dir")
        .arg(t.path(checkpoint))
        .args([
            "--epochs",
            &epochs.to_string(),
            "--rank",
            "2",
            "--batch-size",
            "2",
        ])
        .args(["--max-length", "32", "--negatives", "0.5", "--threads", "1"])
        .args(["--checkpoint-steps", "5"]);
    c
}

fn global_step(checkpoint: &std::path::Path) -> Option<u64> {
    let text = std::fs::read_to_string(checkpoint.join("state.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["global_step"].as_u64()
}

#[test]
fn a_run_killed_and_resumed_ends_where_the_uninterrupted_run_ends() {
    let t = TempDir::new("resume");
    toy_training_file(&t.0);
    let o = finetune_cmd(&t, "whole", "ck-whole", 24).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let total = global_step(&t.path("ck-whole")).unwrap();
    assert_eq!(
        total,
        24 * 12,
        "12 steps per epoch (15 + 8 negatives, 2 per step)"
    );

    // The same run, killed (SIGKILL) once its checkpoint has passed a third of the steps.
    let mut child = finetune_cmd(&t, "cut", "ck-cut", 24)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        if global_step(&t.path("ck-cut")).is_some_and(|s| s >= total / 3) {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be killed"
        );
        assert!(started.elapsed().as_secs() < 300, "no checkpoint written");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let at = global_step(&t.path("ck-cut")).unwrap();
    assert!(at < total, "killed after the end");

    // Without --resume nothing of the old run is used; with it the run continues.
    let o = finetune_cmd(&t, "cut", "ck-cut", 24)
        .arg("--resume")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("resuming"), "{stderr}");
    let whole = std::fs::read(t.path("whole/adapters.safetensors")).unwrap();
    let resumed = std::fs::read(t.path("cut/adapters.safetensors")).unwrap();
    assert!(
        whole == resumed,
        "resumed at step {at} of {total}: weights differ"
    );
    let m = |d: &str| std::fs::read_to_string(t.path(d).join("manifest.json")).unwrap();
    assert_eq!(m("whole"), m("cut"));

    // A finished run resumed again writes its model again (the output was lost meanwhile).
    std::fs::remove_dir_all(t.path("cut")).unwrap();
    let o = finetune_cmd(&t, "cut", "ck-cut", 24)
        .arg("--resume")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let again = std::fs::read(t.path("cut/adapters.safetensors")).unwrap();
    assert!(whole == again, "the finished run's weights");
}

#[test]
fn resume_refuses_another_run_a_damaged_checkpoint_and_a_missing_one() {
    let t = TempDir::new("resume-refused");
    toy_training_file(&t.0);
    let o = finetune_cmd(&t, "m", "ck", 1).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Other settings: refused, naming the checkpoint.
    let o = finetune_cmd(&t, "m", "ck", 1)
        .args(["--lr", "1e-3", "--resume"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("belongs to another run"), "{stderr}");

    // A weights file cut short: refused.
    let ck = t.path("ck");
    let weights = std::fs::read_dir(&ck)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".safetensors"))
        .unwrap();
    let bytes = std::fs::read(&weights).unwrap();
    std::fs::write(&weights, &bytes[..bytes.len() - 10]).unwrap();
    let o = finetune_cmd(&t, "m", "ck", 1)
        .arg("--resume")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cut or edited"), "{stderr}");

    // state.json cut short: refused, not guessed.
    let state = std::fs::read_to_string(ck.join("state.json")).unwrap();
    std::fs::write(ck.join("state.json"), &state[..state.len() / 2]).unwrap();
    let o = finetune_cmd(&t, "m", "ck", 1)
        .arg("--resume")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot parse"), "{stderr}");

    // No checkpoint at all: refused.
    let o = finetune_cmd(&t, "m", "elsewhere", 1)
        .arg("--resume")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no checkpoint to resume"), "{stderr}");
}

#[test]
fn init_continues_an_earlier_model_and_records_it() {
    let t = TempDir::new("init");
    toy_training_file(&t.0);
    let o = finetune_cmd(&t, "first", "ck-first", 2).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let first = t.path("first/manifest.json");

    // With a learning rate of 0 the continued run keeps the weights it started from exactly.
    let o = finetune_cmd(&t, "same", "ck-same", 1)
        .arg("--init")
        .arg(&first)
        .args(["--lr", "0"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |d: &str| std::fs::read(t.path(d).join("adapters.safetensors")).unwrap();
    assert!(read("first") == read("same"), "lr 0 moved the weights");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path("same/manifest.json")).unwrap())
            .unwrap();
    let from = &m["training"]["continued_from"];
    assert_eq!(from["manifest"], first.display().to_string());
    assert_eq!(from["training"]["epochs"], 2, "{m}");
    assert_eq!(from["weights"].as_str().unwrap().len(), 16, "{m}");

    // With a learning rate it moves on from there: not where a fresh run of one epoch ends.
    let o = finetune_cmd(&t, "more", "ck-more", 1)
        .arg("--init")
        .arg(&first)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = finetune_cmd(&t, "fresh", "ck-fresh", 1).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(read("more") != read("fresh") && read("more") != read("first"));

    // Refused: another adapter scale, a model that is not a cross-encoder, a missing weight file.
    let o = finetune_cmd(&t, "x", "ck-x", 1)
        .arg("--init")
        .arg(&first)
        .args(["--alpha", "8"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && stderr.contains("--rank 2 --alpha 16"),
        "{stderr}"
    );
    let o = finetune_cmd(&t, "x", "ck-x", 1)
        .arg("--init")
        .arg(root().join("models/default/manifest.json"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && stderr.contains("only continue from a cross-encoder"),
        "{stderr}"
    );
    std::fs::remove_file(t.path("first/adapters.safetensors")).unwrap();
    let o = finetune_cmd(&t, "x", "ck-x", 1)
        .arg("--init")
        .arg(&first)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && stderr.contains("adapters.safetensors"),
        "{stderr}"
    );
}

#[test]
fn sentiment_data_is_read_under_its_task_word_and_not_twice() {
    let t = TempDir::new("sentiment");
    let train = toy_training_file(&t.0);
    let sentiment = t.path("sentiment.jsonl");
    let rows: String = [
        ("Trump's campaign was outspent.", "AGAINST"),
        ("Trump won.", "FAVOR"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (text, label))| {
        let row = serde_json::json!({"id": format!("s{i}"), "text": text,
                                         "target": "Donald Trump", "label": label});
        format!("{row}\n")
    })
    .collect();
    std::fs::write(&sentiment, rows).unwrap();
    // The stance file is also given as sentiment data: it is read once, as sentiment.
    let mut c = finetune_cmd(&t, "model", "checkpoint", 1);
    c.arg("--sentiment-data").arg(&sentiment);
    c.arg("--sentiment-data").arg(&train);
    let o = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("2 examples of"), "{stderr}");
    assert!(stderr.contains("read as sentiment"), "{stderr}");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(t.path("model").join("manifest.json")).unwrap(),
    )
    .unwrap();
    let data = manifest["training"]["data"].as_array().unwrap();
    assert_eq!(data.len(), 2, "{data:?}");
    for d in data {
        assert!(d[0].as_str().unwrap().ends_with("(as sentiment)"), "{d}");
    }
    assert_eq!(data[0][1], 2);
    assert_eq!(data[1][1], 15);
}
