//! `standpoint sample` and `standpoint estimate` end to end on a run of the example corpus
//! (model-free: the lexical classifier): draw, draw more, label, estimate; and every kind of
//! bad label file refused with its file and line, nothing written.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

use std::process::Output;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn sp(args: &[&str]) -> Output {
    standpoint().args(args).output().unwrap()
}

fn run_corpus(t: &TempDir) -> std::path::PathBuf {
    let model = lexical_model(t);
    let out = t.path("run");
    let o = standpoint()
        .args([
            "run",
            "tests/data/corpus/wire.jsonl",
            "--no-progress",
            "--model",
        ])
        .arg(&model)
        .args([
            "--target",
            "a ceasefire",
            "--target",
            "concessions",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    out
}

#[test]
fn sample_add_label_and_estimate() {
    let t = TempDir::new("validate");
    let run = run_corpus(&t);
    let file = t.path("sample.jsonl");
    let f = file.to_str().unwrap();
    let r = run.to_str().unwrap();
    let o = sp(&[
        "sample",
        r,
        "--target",
        "a ceasefire",
        "--n",
        "12",
        "--seed",
        "5",
        "--out",
        f,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let first = json_lines(&file);
    assert_eq!(first.len(), 12);
    let n_pop = text(&o.stdout)
        .split(" of ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap();
    for row in &first {
        assert_eq!(row["label"], "");
        assert!((row["inclusion_probability"].as_f64().unwrap() - 12.0 / n_pop).abs() < 1e-12);
        assert!(!row["text"].as_str().unwrap().is_empty());
    }
    // Label a few, then draw more: labels kept, the earlier rows first, probabilities updated.
    let mut labelled = first.clone();
    for (i, row) in labelled.iter_mut().enumerate() {
        row["label"] = ["FAVOR", "against", "N", "NONE"][i % 4].into();
    }
    write_json_lines(&file, &labelled);
    let o = sp(&[
        "sample",
        r,
        "--target",
        "a ceasefire",
        "--n",
        "8",
        "--seed",
        "5",
        "--out",
        f,
        "--add",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let more = json_lines(&file);
    assert_eq!(more.len(), 20);
    for (a, b) in labelled.iter().zip(&more) {
        assert_eq!(
            (&a["seq"], &a["index"], &a["label"]),
            (&b["seq"], &b["index"], &b["label"])
        );
    }
    assert!(more
        .iter()
        .all(|r| (r["inclusion_probability"].as_f64().unwrap() - 20.0 / n_pop).abs() < 1e-12));
    // The same draw from scratch with n = 20 holds the same sentences: adding kept it random.
    let again = t.path("again.jsonl");
    let o = sp(&[
        "sample",
        r,
        "--target",
        "a ceasefire",
        "--n",
        "20",
        "--seed",
        "5",
        "--out",
        again.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let key = |v: &serde_json::Value| (v["seq"].as_u64().unwrap(), v["index"].as_u64().unwrap());
    let mut a: Vec<_> = more.iter().map(key).collect();
    let mut b: Vec<_> = json_lines(&again).iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // Label the rest and estimate.
    let mut all = more.clone();
    for row in all.iter_mut().skip(12) {
        row["label"] = row["prediction"].clone();
    }
    write_json_lines(&file, &all);
    let json = t.path("est.json");
    let o = sp(&[
        "estimate",
        r,
        "--labels",
        f,
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let est: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(est["labels"], 20);
    let estimates = est["estimates"].as_array().unwrap();
    assert_eq!(estimates.len(), 4);
    for e in estimates {
        for k in ["raw", "ppi", "gold"] {
            let i = &e[k];
            assert!(
                i["lo"].as_f64().unwrap() <= i["estimate"].as_f64().unwrap(),
                "{e}"
            );
            assert!(
                i["estimate"].as_f64().unwrap() <= i["hi"].as_f64().unwrap(),
                "{e}"
            );
        }
    }
    assert!(text(&o.stdout).contains("classifier vs labels: accuracy"));
    // Per source.
    let o = sp(&["estimate", r, "--labels", f, "--group-by", "source"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("Standpoint Wire"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn bad_label_files_are_refused_with_file_and_line() {
    let t = TempDir::new("validate-bad");
    let run = run_corpus(&t);
    let r = run.to_str().unwrap();
    let file = t.path("s.jsonl");
    let f = file.to_str().unwrap();
    let o = sp(&[
        "sample",
        r,
        "--target",
        "concessions",
        "--n",
        "6",
        "--out",
        f,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let good = json_lines(&file);
    let check = |rows: &[serde_json::Value], want: &str| {
        let p = t.path("bad.jsonl");
        write_json_lines(&p, rows);
        let json = t.path("bad-est.json");
        let o = sp(&[
            "estimate",
            r,
            "--labels",
            p.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{want}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(want),
            "{want}: {}",
            text(&o.stderr)
        );
        assert!(!json.exists(), "nothing written on error");
    };
    let mut v = good.clone();
    v[2]["label"] = "maybe".into();
    check(&v, "bad.jsonl:3: label \"maybe\"");
    let mut v = good.clone();
    v[0]["label"] = "FAVOR".into();
    v[1] = v[0].clone();
    check(&v, "bad.jsonl:2: sentence");
    let mut v = good.clone();
    v[1]["target"] = "a ceasefire".into();
    check(&v, "bad.jsonl:2: target");
    let mut v = good.clone();
    for row in v.iter_mut() {
        row["run"] = "0000000000000000".into();
        row["label"] = "NONE".into();
    }
    check(&v, "drawn from another run");
    let mut v = good.clone();
    v[4]["label"] = "NONE".into();
    v[4]["seq"] = 999.into();
    for row in v.iter_mut() {
        if row["label"] == "" {
            row["label"] = "NONE".into();
        }
    }
    check(&v, "not in this run");
    // A CSV edited out of shape.
    let csv = t.path("s.csv");
    let o = sp(&[
        "sample",
        r,
        "--target",
        "concessions",
        "--n",
        "6",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    replace_line(&csv, 3, "oops,only,three");
    let o = sp(&["estimate", r, "--labels", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("s.csv:4"), "{}", text(&o.stderr));
    // An unfinished run cannot be sampled (its sentences still to come would be missed).
    let state = run.join("state.json");
    let saved = std::fs::read_to_string(&state).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&saved).unwrap();
    v["complete"] = false.into();
    std::fs::write(&state, v.to_string()).unwrap();
    let o = sp(&[
        "sample",
        r,
        "--target",
        "concessions",
        "--n",
        "3",
        "--out",
        t.path("y.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("has not finished"),
        "{}",
        text(&o.stderr)
    );
    std::fs::write(&state, saved).unwrap();
    // Drawing into an existing file without --add, or more than the run holds: refused.
    let o = sp(&[
        "sample",
        r,
        "--target",
        "concessions",
        "--n",
        "6",
        "--out",
        f,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let o = sp(&[
        "sample",
        r,
        "--target",
        "concessions",
        "--n",
        "100000",
        "--out",
        t.path("x.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("asked for"), "{}", text(&o.stderr));
}

/// `run --labels`: the labelled sample of a finished run gives OUT/estimates.json (overall and
/// per grouping) and the report shows the corrected estimates beside the classifier's own.
#[test]
fn run_with_labels_writes_estimates_and_the_report_shows_them() {
    let t = TempDir::new("validate-run");
    let run = run_corpus(&t);
    let file = t.path("s.jsonl");
    let o = sp(&[
        "sample",
        run.to_str().unwrap(),
        "--target",
        "a ceasefire",
        "--n",
        "16",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mut v = json_lines(&file);
    for (i, row) in v.iter_mut().enumerate() {
        row["label"] = ["FAVOR", "AGAINST", "NONE", "NONE"][i % 4].into();
    }
    write_json_lines(&file, &v);
    let model = t.path("lexical.json");
    let o = standpoint()
        .args([
            "run",
            "tests/data/corpus/wire.jsonl",
            "--no-progress",
            "--model",
        ])
        .arg(&model)
        .args([
            "--target",
            "a ceasefire",
            "--target",
            "concessions",
            "--out",
        ])
        .arg(&run)
        .arg("--labels")
        .arg(&file)
        .arg("--report")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let est: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(run.join("estimates.json")).unwrap())
            .unwrap();
    // Overall, then per source and per month (the run's default groupings; crossed ones left out).
    assert!(est.len() >= 2, "{est:?}");
    assert!(est[0]["group_by"].is_null());
    assert!(est.iter().all(|r| r["labels"] == 16));
    // groups.json: every row of the sample's target and of a grouping estimated carries the
    // corrected values, equal to estimates.json's; the other target's rows carry none.
    let groups: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(run.join("groups.json")).unwrap()).unwrap();
    let mut corrected = 0;
    for g in &groups {
        let c = &g["corrected"];
        if g["target"] != "a ceasefire" || g["grouping"].as_str().unwrap().contains('+') {
            assert!(c.is_null(), "{g}");
            continue;
        }
        corrected += 1;
        let report = est
            .iter()
            .find(|r| r["group_by"].as_str().unwrap_or("all") == g["grouping"])
            .unwrap();
        let e = report["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["group"] == g["group"] && e["estimand"] == "net")
            .unwrap();
        assert_eq!(c["labels"], e["labels"], "{g}");
        assert_eq!(c["net"]["estimate"], e["ppi"]["estimate"], "{g}");
        assert_eq!(c["net"]["lo"], e["ppi"]["lo"], "{g}");
        assert_eq!(g["summary"]["sentences"], e["sentences"], "{g}");
    }
    assert!(corrected >= 2, "{corrected}");
    let page = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(page.contains("Corrected with 16 hand labels: a ceasefire"));
    assert!(page.contains("corrected (PPI++)"));
    // --fresh drops the old estimates with the old run.
    let o = standpoint()
        .args([
            "run",
            "tests/data/corpus/wire.jsonl",
            "--no-progress",
            "--model",
        ])
        .arg(&model)
        .args([
            "--target",
            "a ceasefire",
            "--target",
            "concessions",
            "--fresh",
            "--out",
        ])
        .arg(&run)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!run.join("estimates.json").exists());
}

#[test]
fn predictions_from_another_tool_are_corrected_instead_of_the_runs() {
    let t = TempDir::new("validate-pred");
    let run = run_corpus(&t);
    let r = run.to_str().unwrap();
    let file = t.path("sample.jsonl");
    let f = file.to_str().unwrap();
    let o = sp(&[
        "sample",
        r,
        "--target",
        "a ceasefire",
        "--n",
        "20",
        "--out",
        f,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // A hand labeller who reads every sampled sentence as NONE.
    let mut labelled = json_lines(&file);
    for row in labelled.iter_mut() {
        row["label"] = "NONE".into();
    }
    write_json_lines(&file, &labelled);
    // "Another tool" that reads every sentence of the run as NONE, as CSV.
    let sentences = json_lines(&run.join("sentences.jsonl"));
    let mut csv = String::from("doc,index,label\n");
    for s in &sentences {
        csv.push_str(&format!(
            "{},{},none\n",
            s["doc"].as_str().unwrap(),
            s["index"]
        ));
    }
    let preds = t.path("other.csv");
    std::fs::write(&preds, &csv).unwrap();
    let p = preds.to_str().unwrap();
    let json = t.path("est.json");
    let j = json.to_str().unwrap();
    let o = sp(&[
        "estimate",
        r,
        "--labels",
        f,
        "--predictions",
        p,
        "--json",
        j,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains(&format!("predictions of {p} vs labels: accuracy 1.000")),
        "{out}"
    );
    let est: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(est["predictions"], p);
    for e in est["estimates"].as_array().unwrap() {
        let want = if e["estimand"] == "none" { 1.0 } else { 0.0 };
        assert_eq!(e["raw"]["estimate"].as_f64().unwrap(), want, "{e}");
        assert!(
            (e["ppi"]["estimate"].as_f64().unwrap() - want).abs() < 1e-12,
            "{e}"
        );
    }
    // The run's own classifier does not read everything as NONE: its agreement differs.
    let o = sp(&["estimate", r, "--labels", f]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        !text(&o.stdout).contains("accuracy 1.000"),
        "{}",
        text(&o.stdout)
    );

    // Bad prediction files: the file and line named, nothing written.
    std::fs::remove_file(&json).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    let first_doc = sentences[0]["doc"].as_str().unwrap();
    let cases: Vec<(String, &str)> = vec![
        (
            lines[..lines.len() - 1].join("\n") + "\n",
            "have no prediction",
        ),
        (format!("{csv}{}\n", lines[1]), ":"),
        (
            csv.replacen(first_doc, "no-such-doc", 1),
            ":2: document \"no-such-doc\"",
        ),
        (csv.replacen(",none", ",maybe", 1), ":2: label \"maybe\""),
        (
            csv.replacen(&format!("{first_doc},0,"), &format!("{first_doc},9999,"), 1),
            ":2: sentence 9999",
        ),
        (
            "doc,index,label,target\n".to_string()
                + &lines[1..]
                    .iter()
                    .map(|l| format!("{l},concessions\n"))
                    .collect::<String>(),
            ":2: target \"concessions\"",
        ),
    ];
    for (i, (content, want)) in cases.iter().enumerate() {
        let bad = t.path(&format!("bad{i}.csv"));
        std::fs::write(&bad, content).unwrap();
        let o = sp(&[
            "estimate",
            r,
            "--labels",
            f,
            "--predictions",
            bad.to_str().unwrap(),
            "--json",
            j,
        ]);
        let err = text(&o.stderr);
        assert_ne!(o.status.code(), Some(0), "case {i}");
        assert!(err.contains(bad.to_str().unwrap()), "case {i}: {err}");
        assert!(err.contains(want), "case {i}: want {want:?} in {err}");
        assert!(!json.exists(), "case {i}: wrote {}", json.display());
    }
    // The duplicate names both lines.
    let dup = text(
        &sp(&[
            "estimate",
            r,
            "--labels",
            f,
            "--predictions",
            t.path("bad1.csv").to_str().unwrap(),
        ])
        .stderr,
    );
    assert!(dup.contains("predicted twice (line 2 too)"), "{dup}");
}
