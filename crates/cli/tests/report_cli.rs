//! `standpoint report` and `standpoint run --report` end to end, on runs of the example corpus
//! with the model-free lexical classifier: a finished run, a run killed before its end (its
//! checkpoint), a run still holding its folder, and outputs that cannot be written.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

use std::process::Output;

fn run_lexical(tmp: &TempDir, out: &str, extra: &[&str]) -> Output {
    let model = lexical_model(tmp);
    standpoint()
        .args(["run", "tests/data/corpus/wire.jsonl", "--model"])
        .arg(&model)
        .args([
            "--target",
            "a ceasefire",
            "--target",
            "concessions",
            "--out",
        ])
        .arg(tmp.path(out))
        .args(extra)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn run_with_report_writes_the_page_and_prints_its_path() {
    let tmp = TempDir::new("report-run");
    let o = run_lexical(&tmp, "out", &["--report"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let page = tmp.path("out/report.html");
    assert!(text(&o.stdout).contains(&format!("report: {}", page.display())));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // The default groupings include source over time.
    assert!(html.contains("Over time by source (source+date:month)"));
    assert!(
        !html.contains("class=\"notes\""),
        "a finished run has no notes"
    );
    // `report` on the same folder writes the same page elsewhere.
    let again = tmp.path("again.html");
    let o = standpoint()
        .arg("report")
        .arg(tmp.path("out"))
        .arg("--out")
        .arg(&again)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&again).unwrap(), html);
}

#[test]
fn an_unfinished_run_gives_a_partial_report_from_its_checkpoint() {
    let tmp = TempDir::new("report-partial");
    let o = run_lexical(&tmp, "out", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // What a run killed after its first checkpoint leaves: state.json, no run.json or groups.
    let dir = tmp.path("out");
    let state_path = dir.join("state.json");
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state_path).unwrap()).unwrap();
    state["complete"] = serde_json::Value::Bool(false);
    std::fs::write(&state_path, state.to_string()).unwrap();
    std::fs::remove_file(dir.join("run.json")).unwrap();
    std::fs::remove_file(dir.join("groups.json")).unwrap();
    let o = standpoint().arg("report").arg(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("has not finished"),
        "{}",
        text(&o.stderr)
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("Partial report"));
    assert!(
        html.contains("chart groups"),
        "the checkpoint's groups are drawn"
    );
}

#[test]
fn a_folder_being_written_is_reported_as_such() {
    let tmp = TempDir::new("report-locked");
    let o = run_lexical(&tmp, "out", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let dir = tmp.path("out");
    let _held = standpoint_pipeline::lock::lock_output(&dir).unwrap();
    let o = standpoint().arg("report").arg(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("writing to this folder now"));
}

#[test]
fn bad_folders_and_unwritable_outputs_fail_clearly() {
    let tmp = TempDir::new("report-bad");
    let o = standpoint()
        .arg("report")
        .arg(tmp.path("missing"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("no such folder"),
        "{}",
        text(&o.stderr)
    );
    let o = standpoint().arg("report").arg(tmp.dir()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not a standpoint run folder"));
    let o = standpoint()
        .args(["report", "tests/data/golden/expected", "--out"])
        .arg(tmp.path("no/such/dir/report.html"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("report.html"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Issue 23, failure 6 and a weak spot: `report --out` never renames over a device, pipe or
/// symbolic link (before: as root, /dev/full became a regular file and /dev/stdout's link was
/// replaced) nor over the run's own files (before: `--out OUT/state.json` destroyed the run);
/// `--out -` writes the page to standard output.
#[test]
fn report_out_refuses_devices_links_pipes_and_run_files_and_dash_is_stdout() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = TempDir::new("report-out-kinds");
    let o = run_lexical(&tmp, "out", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let report = |out: &std::path::Path| {
        standpoint()
            .arg("report")
            .arg(tmp.path("out"))
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    // /dev/full: refused, still a character device.
    let o = report(std::path::Path::new("/dev/full"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("not a regular file"),
        "{}",
        text(&o.stderr)
    );
    let m = std::fs::symlink_metadata("/dev/full").unwrap();
    assert!(m.file_type().is_char_device());
    // A symbolic link: refused, the link and its target untouched.
    let target = tmp.path("target.html");
    std::fs::write(&target, "mine").unwrap();
    let link = tmp.path("link.html");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = report(&link);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("symbolic link"),
        "{}",
        text(&o.stderr)
    );
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
    // A FIFO: refused at once (no reader waits for an empty page).
    let fifo = tmp.path("page.fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let o = report(&fifo);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    // The run's own state: refused, the run intact.
    let state = tmp.path("out/state.json");
    let before = std::fs::read_to_string(&state).unwrap();
    let o = report(&state);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("run's own files"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(std::fs::read_to_string(&state).unwrap(), before);
    // `-`: the page on stdout.
    let o = report(std::path::Path::new("-"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with("<!DOCTYPE html>"));
}

/// `standpoint speakers`: one key per person (the demo's "Dvorak" is folded into "Marek
/// Dvorak", in the table and in groups.json), roles from the documents, the same table for a
/// run made in two shards and merged, and a damaged sentences.jsonl line named and skipped.
#[test]
fn speakers_lists_one_key_per_person_with_aliases_and_roles_and_shards_agree() {
    let tmp = TempDir::new("speakers");
    let o = run_lexical(&tmp, "out", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let speakers = |dir: &str, extra: &[&str]| {
        standpoint()
            .arg("speakers")
            .arg(tmp.path(dir))
            .args(extra)
            .output()
            .unwrap()
    };
    let o = speakers("out", &["--json", "--top", "0"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let table: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let entry = |key: &str| {
        table
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == key)
            .cloned()
    };
    let dvorak = entry("Marek Dvorak").expect("Marek Dvorak listed");
    assert_eq!(dvorak["aliases"][0][0], "Dvorak");
    assert!(dvorak["documents"].as_u64().unwrap() >= 2, "{dvorak}");
    assert!(
        entry("Dvorak").is_none(),
        "the surname is not a speaker of its own"
    );
    let sorel = entry("Lena Sorel").expect("Lena Sorel listed");
    assert_eq!(sorel["roles"][0][0], "Foreign Minister");
    // groups.json carries the aliases of the folded speaker rows.
    let groups: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path("out/groups.json")).unwrap())
            .unwrap();
    let row = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["grouping"] == "speaker" && r["group"] == "Marek Dvorak")
        .unwrap();
    assert_eq!(row["aliases"], serde_json::json!(["Dvorak"]));

    // Two shards, merged: the same speakers.
    let mut shards = Vec::new();
    for k in 1..=2 {
        let name = format!("shard{k}");
        let o = run_lexical(&tmp, &name, &["--shard", &format!("{k}/2")]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        shards.push(tmp.path(&name));
    }
    let o = standpoint()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(tmp.path("merged"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let merged = speakers("merged", &["--json", "--top", "0"]);
    assert_eq!(
        text(&merged.stdout),
        text(&speakers("out", &["--json", "--top", "0"]).stdout)
    );

    // A damaged line: named with its number, skipped, exit 1; the table still printed.
    replace_line(&tmp.path("out/sentences.jsonl"), 2, "{\"seq\": 0, broken");
    let o = speakers("out", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("sentences.jsonl:3"),
        "{}",
        text(&o.stderr)
    );
    assert!(
        text(&o.stdout).contains("Marek Dvorak\tDvorak ("),
        "{}",
        text(&o.stdout)
    );
    // No run folder: a clear error.
    let o = speakers("missing", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("sentences.jsonl"),
        "{}",
        text(&o.stderr)
    );
}
