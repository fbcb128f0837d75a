//! The demo's report in a real browser: `standpoint run` on the example wire stories with the
//! demo's groupings and `--report` (with the ensemble, cheaper than the demo's MPNet model), the page rendered by headless Chromium; no
//! console message, the page's script ran, every chart holds one mark per group with
//! stance-bearing sentences in groups.json, the evidence is on the page, and a screenshot is
//! taken (copied to `$STANDPOINT_REPORT_SCREENSHOT` when set: that is how docs/report.png is
//! made).
//!
//! Needs Chromium (`chromium` on the PATH, or `$CHROMIUM`); `scripts/test.sh` installs the
//! Debian package when it is missing, and sets `STANDPOINT_NO_BROWSER` to the reason when it
//! cannot, which is the only way this test is skipped. Needs the shipped models and the encoder
//! (as the other real-model tests do).

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

use std::path::Path;

use serde_json::Value;

/// Runs headless Chromium on a page (see `common::browse`).
fn browse_page(browser: &Path, page: &Path, args: &[&str]) -> (String, Vec<String>) {
    let mut all = vec!["--virtual-time-budget=5000"];
    all.extend_from_slice(args);
    browse(browser, &format!("file://{}", page.display()), &all)
}

/// Per chart of the rendered DOM: (class, number of `class="mark"` elements).
fn charts(dom: &str) -> Vec<(String, usize)> {
    dom.split("<svg ")
        .skip(1)
        .map(|chunk| {
            let svg = &chunk[..chunk.find("</svg>").unwrap()];
            let at = svg.find("class=\"").unwrap() + 7;
            let class = svg[at..at + svg[at..].find('"').unwrap()].to_string();
            (class, svg.matches("class=\"mark\"").count())
        })
        .collect()
}

#[test]
fn the_demo_report_renders_in_chromium_with_every_mark_and_the_evidence() {
    if let Some(why) = std::env::var_os("STANDPOINT_NO_BROWSER") {
        eprintln!(
            "SKIPPED: the report's browser test: {}",
            why.to_string_lossy()
        );
        return;
    }
    let browser = chromium().expect(
        "chromium not found: install it (apt-get install chromium; scripts/test.sh does) or set \
         CHROMIUM=/path/to/chromium",
    );
    // The console check must be able to fail: a page that logs is seen to log.
    let probe_dir = TempDir::new("report-probe");
    let probe = probe_dir.path("probe.html");
    std::fs::write(
        &probe,
        "<!DOCTYPE html><html><body><script>console.error('probe');</script></body></html>",
    )
    .unwrap();
    let (_, console) = browse_page(&browser, &probe, &["--dump-dom"]);
    assert!(
        console.iter().any(|l| l.contains("probe")),
        "console messages are not seen"
    );

    let tmp = TempDir::new("report-browser");
    let out = tmp.path("demo");
    let o = standpoint()
        .args([
            "run",
            "tests/data/corpus/wire.jsonl",
            "--model",
            "ensemble",
            "--target",
            "a ceasefire",
            "--target",
            "concessions",
            "--group-by",
            "source",
            "--group-by",
            "date:month",
            "--group-by",
            "source+date:month",
            "--group-by",
            "speaker",
            "--report",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = out.join("report.html");
    let (dom, console) = browse_page(&browser, &page, &["--dump-dom"]);
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(
        dom.contains("data-ready=\"yes\""),
        "the page's script did not run to its end"
    );

    // Expected marks per chart, from groups.json and run.json alone.
    let groups: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(out.join("groups.json")).unwrap()).unwrap();
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let strs = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let mut expected = Vec::new();
    for t in strs(&manifest["targets"]) {
        expected.push(("chart split".to_string(), 0));
        for g in strs(&manifest["groupings"]).iter().filter(|g| *g != "all") {
            let dated = g.contains(':');
            let n = groups
                .iter()
                .filter(|r| r["grouping"] == g.as_str() && r["target"] == t.as_str())
                .filter(|r| {
                    let c = &r["summary"]["counts"];
                    c["favor"].as_u64().unwrap() + c["against"].as_u64().unwrap() > 0
                })
                .filter(|r| !dated || !r["group"].as_str().unwrap().contains('('))
                .count();
            let class = if dated { "chart time" } else { "chart groups" };
            expected.push((class.to_string(), n));
        }
    }
    assert_eq!(charts(&dom), expected);
    assert!(expected.iter().filter(|e| e.1 > 0).count() >= 6);
    for r in groups.iter().filter(|r| r["grouping"] == "all") {
        for side in ["favor_evidence", "against_evidence"] {
            for e in r["summary"][side].as_array().unwrap() {
                // As a browser serialises a text node.
                let text = e["text"]
                    .as_str()
                    .unwrap()
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('\u{a0}', "&nbsp;");
                assert!(
                    dom.contains(&text),
                    "evidence missing from the page: {text}"
                );
            }
        }
    }

    let shot = tmp.path("report.png");
    browse_page(
        &browser,
        &page,
        &[
            "--hide-scrollbars",
            "--window-size=1000,2600",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let png = std::fs::read(&shot).expect("no screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    if let Some(keep) = std::env::var_os("STANDPOINT_REPORT_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}
