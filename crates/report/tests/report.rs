//! The report of the committed golden run folder (tests/data/golden/expected), checked against
//! the folder's own files; and the same folder damaged in the ways a careless user or a killed
//! run leaves it.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

use std::path::Path;

use serde_json::Value;
use standpoint_report::{render, Error, Limits, Options, RunFolder};

fn golden() -> std::path::PathBuf {
    root().join("tests/data/golden/expected")
}

/// A copy of the golden run folder to damage.
fn copy_of_golden(name: &str) -> TempDir {
    let tmp = TempDir::new(name);
    for entry in std::fs::read_dir(golden()).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, tmp.path(p.file_name().unwrap().to_str().unwrap())).unwrap();
    }
    tmp
}

fn page(dir: &Path, limits: Limits) -> (RunFolder, String) {
    let run = RunFolder::load(dir, limits).unwrap();
    let html = render(&run, &Options::default());
    (run, html)
}

/// The SVG charts of a page, each as (class, data-marks, number of `class="mark"` elements).
fn charts(html: &str) -> Vec<(String, usize, usize)> {
    html.split("<svg ")
        .skip(1)
        .map(|chunk| {
            let svg = &chunk[..chunk.find("</svg>").unwrap()];
            let attr = |name: &str| {
                let at = svg.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                svg[at..at + svg[at..].find('"').unwrap()].to_string()
            };
            (
                attr("class"),
                attr("data-marks").parse().unwrap(),
                svg.matches("class=\"mark\"").count(),
            )
        })
        .collect()
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_golden_run_gives_a_page_whose_charts_match_groups_json() {
    let (run, html) = page(&golden(), Limits::default());
    assert!(run.notes.is_empty(), "{:?}", run.notes);
    assert!(!run.partial);
    let groups: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(golden().join("groups.json")).unwrap())
            .unwrap();
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(golden().join("run.json")).unwrap()).unwrap();
    let targets: Vec<&str> = manifest["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let groupings: Vec<&str> = manifest["groupings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    // Groups with stance-bearing sentences, per (grouping, target), from groups.json itself.
    let drawn = |grouping: &str, target: &str| {
        groups
            .iter()
            .filter(|g| g["grouping"] == grouping && g["target"] == target)
            .filter(|g| {
                let c = &g["summary"]["counts"];
                c["favor"].as_u64().unwrap() + c["against"].as_u64().unwrap() > 0
            })
            .filter(|g| {
                // Time charts leave out documents without a valid date.
                !grouping.contains(':') || !g["group"].as_str().unwrap().starts_with('(')
            })
            .count()
    };
    let mut expected = Vec::new();
    for t in &targets {
        expected.push(("chart split".to_string(), 0));
        for g in groupings.iter().filter(|g| **g != "all") {
            let class = if g.contains(':') {
                "chart time"
            } else {
                "chart groups"
            };
            expected.push((class.to_string(), drawn(g, t)));
        }
    }
    let found = charts(&html);
    assert_eq!(
        found
            .iter()
            .map(|(c, n, _)| (c.clone(), *n))
            .collect::<Vec<_>>(),
        expected
    );
    for (class, said, marks) in &found {
        assert_eq!(
            said, marks,
            "{class}: data-marks and the marks drawn differ"
        );
    }
    assert!(found.iter().any(|(_, n, _)| *n > 1), "no chart with data");
    // The strongest evidence of each side of each target, with its speaker when it has one.
    for g in groups.iter().filter(|g| g["grouping"] == "all") {
        for side in ["favor_evidence", "against_evidence"] {
            for e in g["summary"][side].as_array().unwrap() {
                let text = standpoint_report::svg::escape(e["text"].as_str().unwrap());
                assert!(
                    html.contains(&format!("<p>{text}</p>")),
                    "missing evidence {text}"
                );
                if let Some(s) = e["speaker"].as_str() {
                    assert!(html.contains(&format!("speaker: {s}")));
                }
            }
        }
    }
    // One table row per document.
    let docs = lines(&golden().join("documents.jsonl")).len();
    let table = &html[html.find("<table class=\"sortable documents\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr>").count(), docs + 1);
    // Each row: decision, net and for / against counts per target, from documents.jsonl.
    for (line, row) in lines(&golden().join("documents.jsonl"))
        .iter()
        .zip(table.split("<tr>").skip(2))
    {
        let d: Value = serde_json::from_str(line).unwrap();
        for t in &targets {
            let s = &d["stance"][*t];
            let (f, a) = (
                s["counts"]["favor"].as_u64().unwrap(),
                s["counts"]["against"].as_u64().unwrap(),
            );
            assert!(row.contains(&format!(">{f} / {a}</td>")), "{row}");
            assert!(row.contains(&format!(">{}</td>", s["decision"].as_str().unwrap())));
        }
    }
    // The skipped records, and where they are.
    let errors = lines(&golden().join("errors.jsonl"));
    assert!(!errors.is_empty());
    assert!(html.contains(&format!("{} records were skipped", errors.len())));
    // Nothing is fetched.
    for fetch in ["src=", "href=\"http", "@import", "url("] {
        assert!(!html.contains(fetch), "the page fetches something: {fetch}");
    }
}

#[test]
fn a_large_run_shows_the_first_documents_and_says_so() {
    let (run, html) = page(
        &golden(),
        Limits {
            documents: 2,
            errors: 1,
        },
    );
    assert_eq!(run.documents.rows.len(), 2);
    assert!(run.documents.more);
    assert!(html.contains("The first 2 of"));
    assert!(run.notes.is_empty());
}

#[test]
fn a_cut_documents_file_gives_a_report_with_a_note() {
    let tmp = copy_of_golden("report-cut");
    let docs = tmp.path("documents.jsonl");
    let bytes = std::fs::read(&docs).unwrap();
    let complete = bytes.iter().filter(|b| **b == b'\n').count();
    std::fs::write(&docs, &bytes[..bytes.len() - 40]).unwrap();
    let (run, html) = page(tmp.dir(), Limits::default());
    assert_eq!(run.documents.rows.len(), complete - 1);
    assert!(
        run.notes.iter().any(|n| n.contains("cut line")),
        "{:?}",
        run.notes
    );
    assert!(html.contains("class=\"notes\""));
}

#[test]
fn a_damaged_line_stops_the_table_and_is_named() {
    let tmp = copy_of_golden("report-bad-line");
    let docs = tmp.path("documents.jsonl");
    let mut l = lines(&docs);
    l[2] = "{\"seq\": 2, \"doc\": oops".into();
    std::fs::write(&docs, l.join("\n") + "\n").unwrap();
    let (run, _) = page(tmp.dir(), Limits::default());
    assert_eq!(run.documents.rows.len(), 2);
    assert!(
        run.notes
            .iter()
            .any(|n| n.contains("documents.jsonl line 3")),
        "{:?}",
        run.notes
    );
}

#[test]
fn missing_parts_are_said_or_refused_never_a_panic() {
    // No documents.jsonl: the charts still come, the table is said to be missing.
    let tmp = copy_of_golden("report-no-docs");
    std::fs::remove_file(tmp.path("documents.jsonl")).unwrap();
    let (run, html) = page(tmp.dir(), Limits::default());
    assert!(run
        .notes
        .iter()
        .any(|n| n.contains("documents.jsonl is missing")));
    assert!(html.contains("chart groups"));
    // No groups.json and no checkpoint to fall back on: refused, naming both.
    std::fs::remove_file(tmp.path("groups.json")).unwrap();
    let err = RunFolder::load(tmp.dir(), Limits::default()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("groups.json") && msg.contains("state.json"),
        "{msg}"
    );
    // Not a run folder at all.
    let empty = TempDir::new("report-empty");
    let err = RunFolder::load(empty.dir(), Limits::default()).unwrap_err();
    assert!(matches!(err, Error::NotARun { .. }));
    assert!(
        err.to_string().contains("not a standpoint run folder"),
        "{err}"
    );
    let err = RunFolder::load(&empty.path("nowhere"), Limits::default()).unwrap_err();
    assert!(err.to_string().contains("no such folder"), "{err}");
    // A damaged run.json and no checkpoint.
    let tmp = copy_of_golden("report-bad-manifest");
    std::fs::write(tmp.path("run.json"), "{\"targets\": [").unwrap();
    let err = RunFolder::load(tmp.dir(), Limits::default()).unwrap_err();
    assert!(err.to_string().contains("state.json"), "{err}");
}

#[test]
fn text_from_the_corpus_is_escaped() {
    let tmp = copy_of_golden("report-escape");
    let docs = tmp.path("documents.jsonl");
    let mut l = lines(&docs);
    let mut first: Value = serde_json::from_str(&l[0]).unwrap();
    first["doc"] = Value::from("<script>alert(1)</script>");
    first["meta"]["source"] = Value::from("\"><img onerror=x>");
    l[0] = first.to_string();
    std::fs::write(&docs, l.join("\n") + "\n").unwrap();
    let (_, html) = page(tmp.dir(), Limits::default());
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<img"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the page's own script"
    );
}
