//! The labelling page in headless Chromium: `standpoint label` on a sample of the example run,
//! five sentences labelled with the page's keys, one undone, the file exported; the export goes
//! through `standpoint estimate`. The keys are played through the page's own keyboard handlers
//! (`page.html#keys=...`). Needs Chromium as the report's browser test does (skipped only when
//! `scripts/test.sh` sets STANDPOINT_NO_BROWSER with the reason).

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The text content of `<pre id="export">` in a dumped DOM, entities decoded.
fn export_of(dom: &str) -> String {
    let start = dom.find("<pre id=\"export\">").expect("export element") + 17;
    let end = start + dom[start..].find("</pre>").unwrap();
    dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn label_five_by_keyboard_undo_one_export_and_estimate() {
    if let Some(why) = std::env::var_os("STANDPOINT_NO_BROWSER") {
        eprintln!(
            "SKIPPED: the labelling page's browser test: {}",
            why.to_string_lossy()
        );
        return;
    }
    let browser = chromium().expect("chromium (scripts/test.sh installs it)");
    let t = TempDir::new("label-page");
    let model = lexical_model(&t);
    let run = t.path("run");
    let o = standpoint()
        .args([
            "run",
            "tests/data/corpus/wire.jsonl",
            "--no-progress",
            "--model",
        ])
        .arg(&model)
        .args(["--target", "a ceasefire", "--out"])
        .arg(&run)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let sample = t.path("sample.jsonl");
    let o = standpoint()
        .arg("sample")
        .arg(&run)
        .args(["--target", "a ceasefire", "--n", "8", "--out"])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let page = t.path("page.html");
    let o = standpoint()
        .arg("label")
        .arg(&sample)
        .arg("--out")
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // F, A, N, F, A: five labels; U undoes the fifth; E exports.
    let (dom, console) = browse(
        &browser,
        &format!("file://{}#keys=fanfaue", page.display()),
        &["--virtual-time-budget=3000", "--dump-dom"],
    );
    assert!(console.is_empty(), "console: {console:?}");
    assert!(
        dom.contains("4 / 8 labelled"),
        "{}",
        &dom[..dom.len().min(2000)]
    );
    let exported = export_of(&dom);
    let rows: Vec<serde_json::Value> = exported
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 8);
    let labels: Vec<&str> = rows.iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        ["FAVOR", "AGAINST", "NONE", "FAVOR", "", "", "", ""]
    );
    let labelled = t.path("labelled.jsonl");
    std::fs::write(&labelled, exported).unwrap();
    let o = standpoint()
        .arg("estimate")
        .arg(&run)
        .arg("--labels")
        .arg(&labelled)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("4 labels (4 rows skipped)"),
        "{}",
        text(&o.stdout)
    );
}
