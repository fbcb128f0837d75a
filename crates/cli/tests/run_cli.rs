//! End-to-end tests of `standpoint run` and `standpoint merge`: bad input, formats,
//! determinism, kill-and-resume, shards merged equal one run.
//!
//! Most tests use the model-free lexical classifier (fast, deterministic); the resume and
//! determinism tests also run the real default model, so they need the encoder installed
//! (`bash scripts/setup-libtorch.sh`) and fail without it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

fn run(args: &[&str]) -> Output {
    let out = standpoint()
        .arg("run")
        .args([
            "--no-progress",
            "--target",
            "a ceasefire",
            "--target",
            "concessions",
        ])
        .args(args)
        .output()
        .unwrap();
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const COMPARED: &[&str] = &[
    "sentences.jsonl",
    "documents.jsonl",
    "documents.csv",
    "errors.jsonl",
    "groups.json",
    "groups.csv",
];

fn same_outputs(a: &Path, b: &Path) {
    for f in COMPARED {
        let (x, y) = (read(&a.join(f)), read(&b.join(f)));
        let first = x.lines().zip(y.lines()).find(|(l, m)| l != m);
        assert!(
            x == y,
            "{f} differs between {} and {}; first differing lines:\n{first:?}",
            a.display(),
            b.display()
        );
    }
}

/// A corpus of `n` wire-style documents built from the example stories, with sources and
/// dates, plus bad records at fixed places.
fn write_corpus(path: &Path, n: usize, with_bad: bool) {
    let stories: Vec<serde_json::Value> = read(&root().join("tests/data/corpus/wire.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut f = std::fs::File::create(path).unwrap();
    for i in 0..n {
        let mut s = stories[i % stories.len()].clone();
        s["id"] = format!("doc-{i:05}").into();
        s["date"] = format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28).into();
        writeln!(f, "{s}").unwrap();
        if with_bad && i % 17 == 5 {
            writeln!(f, "{{\"id\": \"broken-{i}\", \"text\": ").unwrap();
            writeln!(f, "{{\"id\": \"notext-{i}\", \"body\": \"x\"}}").unwrap();
        }
    }
}

#[test]
fn bad_records_are_reported_with_file_line_and_id_and_the_run_goes_on() {
    let t = TempDir::new("bad");
    let model = lexical_model(&t);
    let input = t.path("in.jsonl");
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"{\"id\":\"a\",\"text\":\"We support a ceasefire now.\"}\n");
    bytes.extend_from_slice(b"{\"id\":\"b\",\"text\": oops}\n");
    bytes.extend_from_slice(b"{\"id\":\"c\",\"body\":\"no text field\"}\n");
    bytes.extend_from_slice(b"{\"id\":\"d\",\"text\":\"bad \xff byte\"}\n");
    bytes.extend_from_slice(b"{\"id\":\"e\",\"text\":\"   \"}\n");
    bytes.extend_from_slice(
        format!("{{\"id\":\"f\",\"text\":\"{}\"}}\n", "word ".repeat(400)).as_bytes(),
    );
    bytes.extend_from_slice(b"[1,2]\n");
    bytes.extend_from_slice(b"{\"id\":\"g\",\"text\":\"They reject any concessions.\"}\n");
    std::fs::write(&input, bytes).unwrap();
    let out = t.path("out");
    // A file that cannot be opened is a bad record too (here a dangling link; a path that does
    // not exist at all is refused before the run, see bad_arguments_are_refused_before_any_work).
    let unreadable = t.path("dangling.jsonl");
    std::os::unix::fs::symlink(t.path("gone.jsonl"), &unreadable).unwrap();
    let o = run(&[
        input.to_str().unwrap(),
        unreadable.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--max-doc-bytes",
        "1000",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let errors: Vec<serde_json::Value> = read(&out.join("errors.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(u64, Option<&str>, &str)> = errors
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["id"].as_str(),
                e["error"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(summary.len(), 7, "{summary:?}");
    assert!(
        summary[0].0 == 2 && summary[0].2.contains("malformed JSON"),
        "{summary:?}"
    );
    assert!(
        summary[1] == (3, Some("c"), "missing field \"text\""),
        "{summary:?}"
    );
    assert!(
        summary[2].0 == 4 && summary[2].2.contains("invalid UTF-8"),
        "{summary:?}"
    );
    assert!(
        summary[3] == (5, Some("e"), "empty document"),
        "{summary:?}"
    );
    assert!(
        summary[4].0 == 6 && summary[4].2.contains("exceeds --max-doc-bytes"),
        "{summary:?}"
    );
    assert!(
        summary[5].0 == 7 && summary[5].2.contains("not a JSON object"),
        "{summary:?}"
    );
    assert!(summary[6].2.contains("cannot read"), "{summary:?}");
    assert!(errors[6]["file"]
        .as_str()
        .unwrap()
        .ends_with("dangling.jsonl"));
    assert!(errors[1]["file"].as_str().unwrap().ends_with("in.jsonl"));
    let docs: Vec<serde_json::Value> = read(&out.join("documents.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 2);
    assert_eq!(
        (docs[0]["doc"].as_str(), docs[1]["doc"].as_str()),
        (Some("a"), Some("g"))
    );
    let manifest: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    assert_eq!(manifest["counts"]["errors"], 7);
    assert_eq!(manifest["counts"]["documents"], 2);
    assert!(
        stderr(&o).contains("in.jsonl:3 (id c): missing field"),
        "{}",
        stderr(&o)
    );

    // --strict: the first bad record is fatal (exit 2), what came before it is kept.
    let strict = t.path("strict");
    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        strict.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--strict"), "{}", stderr(&o));
    assert_eq!(read(&strict.join("documents.jsonl")).lines().count(), 1);
}

#[test]
fn csv_gzip_text_folders_and_stdin_are_read() {
    let t = TempDir::new("formats");
    let model = lexical_model(&t);
    std::fs::write(
        t.path("in.csv"),
        "id,text,source\nc1,\"We support a ceasefire, \"\"now\"\".\",Wire\nc2,They oppose concessions.,Daily\n",
    )
    .unwrap();
    let gz = t.path("in.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all(b"{\"doc_id\":\"g1\",\"body\":\"No ceasefire. No concessions.\"}\n")
        .unwrap();
    enc.finish().unwrap();
    std::fs::create_dir_all(t.path("txt/sub")).unwrap();
    std::fs::write(t.path("txt/b.txt"), "Second file. It has two sentences.").unwrap();
    std::fs::write(t.path("txt/sub/a.txt"), "Nested file.").unwrap();
    std::fs::write(t.path("txt/ignored.md"), "not read").unwrap();

    let o = run(&[
        t.path("in.csv").to_str().unwrap(),
        "--out",
        t.path("o1").to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let docs = read(&t.path("o1/documents.jsonl"));
    assert!(
        docs.contains("\"doc\":\"c1\"") && docs.contains("\"source\":\"Daily\""),
        "{docs}"
    );
    assert!(read(&t.path("o1/sentences.jsonl")).contains(r#"We support a ceasefire, \"now\"."#));

    let o = run(&[
        gz.to_str().unwrap(),
        "--out",
        t.path("o2").to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--id-field",
        "doc_id",
        "--text-field",
        "body",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(read(&t.path("o2/sentences.jsonl")).lines().count(), 2);
    assert!(read(&t.path("o2/documents.jsonl")).contains("\"doc\":\"g1\""));

    let o = run(&[
        t.path("txt").to_str().unwrap(),
        "--out",
        t.path("o3").to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    // The .md file is reported as not read (exit 1), never skipped without a word.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("ignored.md:0: not read"),
        "{}",
        stderr(&o)
    );
    let ids: Vec<String> = read(&t.path("o3/documents.jsonl"))
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["doc"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["b.txt", "sub/a.txt"]);

    let mut child = standpoint()
        .args([
            "run",
            "-",
            "--no-progress",
            "--target",
            "a ceasefire",
            "--out",
        ])
        .arg(t.path("o4"))
        .arg("--model")
        .arg(&model)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\":\"s1\",\"text\":\"From stdin.\"}\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(read(&t.path("o4/documents.jsonl")).contains("\"doc\":\"s1\""));
}

#[test]
fn shards_merged_equal_one_run() {
    let t = TempDir::new("shards");
    let model = lexical_model(&t);
    let input = t.path("corpus.jsonl");
    write_corpus(&input, 300, true);
    let common = [
        "--model",
        model.to_str().unwrap(),
        "--chunk-docs",
        "16",
        "--group-by",
        "source",
        "--group-by",
        "date:week",
        "--group-by",
        "speaker",
    ];
    let whole = t.path("whole");
    let o = run(&[
        &[input.to_str().unwrap(), "--out", whole.to_str().unwrap()][..],
        &common[..],
    ]
    .concat());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o)); // the bad records
    let mut shard_dirs = Vec::new();
    for k in 1..=3 {
        let d = t.path(&format!("shard{k}"));
        let spec = format!("{k}/3");
        let o = run(&[
            &[
                input.to_str().unwrap(),
                "--out",
                d.to_str().unwrap(),
                "--shard",
                &spec,
            ][..],
            &common[..],
        ]
        .concat());
        assert!(
            o.status.code() == Some(0) || o.status.code() == Some(1),
            "{}",
            stderr(&o)
        );
        let docs = read(&d.join("documents.jsonl")).lines().count();
        assert!(docs > 50 && docs < 250, "shard {k} has {docs} documents");
        shard_dirs.push(d);
    }
    let merged = t.path("merged");
    let o = standpoint()
        .arg("merge")
        .args(&shard_dirs)
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    same_outputs(&whole, &merged);
    // The merged checkpoint describes the merged files: same lengths and tail hashes as one run.
    let state = |d: &Path| -> serde_json::Value {
        serde_json::from_str(&read(&d.join("state.json"))).unwrap()
    };
    let (sw, sm) = (state(&whole), state(&merged));
    assert_eq!(sw["lengths"], sm["lengths"]);
    assert_eq!(sw["tails"], sm["tails"]);

    // Missing shards are refused unless --partial.
    let o = standpoint()
        .arg("merge")
        .args(&shard_dirs[..2])
        .arg("--out")
        .arg(t.path("m2"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing shards 3/3"), "{}", stderr(&o));
    // With --partial the merge goes on, and says which shard is missing (stdout, run.json,
    // state.json), never "complete" alone (issue 23; before it named none).
    let o = standpoint()
        .arg("merge")
        .args(&shard_dirs[..2])
        .arg("--out")
        .arg(t.path("m2"))
        .arg("--partial")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("PARTIAL MERGE: shard(s) 3/3 missing"),
        "{said}"
    );
    let run_json: serde_json::Value = serde_json::from_str(&read(&t.path("m2/run.json"))).unwrap();
    assert_eq!(run_json["missing_shards"], serde_json::json!(["3/3"]));

    let merge = |out: &Path| {
        standpoint()
            .arg("merge")
            .args(&shard_dirs)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    // Merging into one of its own inputs, or over an existing run, is refused and changes
    // nothing.
    let before = read(&shard_dirs[0].join("sentences.jsonl"));
    let o = merge(&shard_dirs[0]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is one of the shard folders"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&shard_dirs[0].join("sentences.jsonl")), before);
    let o = merge(&merged);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already holds a run"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    same_outputs(&whole, &merged);
    // A merge killed part way leaves half-written files (under .partial names, or renamed
    // but without state.json): the same command again starts the merge over and writes the
    // same output.
    let killed = t.path("killed");
    std::fs::create_dir_all(&killed).unwrap();
    std::fs::write(killed.join("sentences.jsonl.partial"), "{\"seq\":99,\"half").unwrap();
    std::fs::write(killed.join("documents.jsonl"), "{\"seq\":0,\"stale\":1}\n").unwrap();
    let o = merge(&killed);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    same_outputs(&whole, &killed);
    assert!(!killed.join("sentences.jsonl.partial").exists());
    // And a real SIGKILL at some point of a merge: the rerun completes it, or finds it complete.
    let real = t.path("real-kill");
    let mut child = standpoint()
        .arg("merge")
        .args(&shard_dirs)
        .arg("--out")
        .arg(&real)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let _ = child.kill();
    let _ = child.wait();
    if !real.join("state.json").exists() {
        let o = merge(&real);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    }
    same_outputs(&whole, &real);
    // A shard file that no longer matches its checkpoint (cut short after the run) is named,
    // and nothing is written.
    let cut = shard_dirs[1].join("sentences.jsonl");
    let text = read(&cut);
    std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
    let fresh = t.path("m3");
    let o = merge(&fresh);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("shard2/sentences.jsonl") && e.contains("recorded"),
        "{e}"
    );
    assert!(!fresh.join("sentences.jsonl").exists());
    assert!(!fresh.join("state.json").exists());
}

#[test]
fn a_second_run_on_a_busy_output_folder_is_refused() {
    let t = TempDir::new("lock");
    let model = lexical_model(&t);
    let out = t.path("out");
    // The first run reads standard input, which stays open: it holds the folder meanwhile.
    let mut first = standpoint()
        .args([
            "run",
            "--no-progress",
            "--target",
            "a ceasefire",
            "-",
            "--out",
        ])
        .arg(&out)
        .arg("--model")
        .arg(&model)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !out.join("state.json").exists() {
        assert!(Instant::now() < deadline, "the first run never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let input = t.path("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"x\",\"text\":\"We oppose a ceasefire.\"}\n",
    )
    .unwrap();
    for cmd in [&["run"][..], &["run", "--fresh"][..]] {
        let o = standpoint()
            .args(cmd)
            .args(["--no-progress", "--target", "a ceasefire"])
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .arg("--model")
            .arg(&model)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("in use by another standpoint"),
            "{}",
            stderr(&o)
        );
    }
    // The first run finishes normally once its input ends.
    let mut stdin = first.stdin.take().unwrap();
    stdin
        .write_all(b"{\"id\":\"a\",\"text\":\"We support a ceasefire.\"}\n")
        .unwrap();
    drop(stdin);
    let o = first.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(read(&out.join("documents.jsonl")).lines().count(), 1);
    // Afterwards the folder is free again.
    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--fresh",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn serial_parallel_and_rechunked_runs_are_byte_identical() {
    let t = TempDir::new("determinism");
    let input = t.path("corpus.jsonl");
    write_corpus(&input, 40, true);
    // The real default model, one thread each vs two threads each.
    let a = t.path("serial");
    let b = t.path("parallel");
    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        a.to_str().unwrap(),
        "--threads",
        "1",
        "--segment-threads",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        b.to_str().unwrap(),
        "--threads",
        "2",
        "--segment-threads",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    same_outputs(&a, &b);
    // Other chunk and batch sizes: other checkpoints and classifier calls, the same bytes.
    let c = t.path("small-chunks");
    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        c.to_str().unwrap(),
        "--threads",
        "2",
        "--chunk-docs",
        "7",
        "--batch-sentences",
        "13",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    same_outputs(&a, &c);
}

#[test]
fn killed_run_resumes_without_losing_or_duplicating_documents() {
    let t = TempDir::new("resume");
    let input = t.path("corpus.jsonl");
    write_corpus(&input, 120, true);
    let reference = t.path("reference");
    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        reference.to_str().unwrap(),
        "--chunk-docs",
        "4",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));

    let out = t.path("killed");
    let mut child = standpoint()
        .args([
            "run",
            "--no-progress",
            "--target",
            "a ceasefire",
            "--target",
            "concessions",
            "--chunk-docs",
            "4",
        ])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for a few checkpoints, then SIGKILL (Child::kill sends SIGKILL on Unix).
    let start = Instant::now();
    loop {
        let done = std::fs::read_to_string(out.join("state.json"))
            .ok()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
            .and_then(|v| v["documents"].as_u64())
            .unwrap_or(0);
        if done >= 12 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let state: serde_json::Value = serde_json::from_str(&read(&out.join("state.json"))).unwrap();
    assert_eq!(
        state["complete"], false,
        "killed after completion; the test proves nothing"
    );
    assert!(!out.join("groups.json").exists());

    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--chunk-docs",
        "4",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("resuming after"), "{}", stderr(&o));
    same_outputs(&reference, &out);

    // A different run into the same folder is refused, naming what differs.
    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--target",
        "sanctions",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds a different run (targets differ)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_arguments_are_refused_before_any_work() {
    let t = TempDir::new("badargs");
    let model = lexical_model(&t);
    let input = t.path("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a\",\"text\":\"We support a ceasefire.\"}\n",
    )
    .unwrap();
    let out = t.path("out");
    let cases: &[(&[&str], &str)] = &[
        (&["--target", " "], "is empty"),
        (&["--target", "\u{200b}\u{feff}"], "is empty"),
        (&["--margin", "NaN"], "not a number in [0, 1]"),
        (&["--margin", "inf"], "not a number in [0, 1]"),
        (&["--margin=-0.1"], "not a number in [0, 1]"),
        (&["--chunk-docs", "0"], "at least 1"),
        (&["--batch-sentences", "0"], "at least 1"),
        (&["--max-doc-bytes", "0"], "at least 1"),
    ];
    for (extra, message) in cases {
        let o = run(&[
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
        ]
        .iter()
        .chain(extra.iter())
        .copied()
        .collect::<Vec<_>>());
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{extra:?}: {}", stderr(&o));
        assert!(!out.exists(), "{extra:?} created the output folder");
    }
    // A targets file names the line of an empty target.
    let tf = t.path("targets.txt");
    std::fs::write(&tf, "# comment\nconcessions\n\u{200b}\n").unwrap();
    let o = run(&[
        input.to_str().unwrap(),
        "--targets-file",
        tf.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("targets.txt:3"), "{}", stderr(&o));
    // A nonexistent input is a fatal mistake in the command, not a skipped record.
    let missing = t.path("no-such-file.jsonl");
    let o = run(&[
        input.to_str().unwrap(),
        missing.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no-such-file.jsonl does not exist"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

#[test]
fn an_unwritable_stderr_loses_no_output() {
    let t = TempDir::new("devfull");
    let model = lexical_model(&t);
    let input = t.path("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a\",\"text\":\"We support a ceasefire.\"}\nnot json\n{\"id\":\"b\",\"text\":\"No concessions.\"}\n",
    )
    .unwrap();
    let out = t.path("out");
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        panic!("/dev/full is needed for this test");
    };
    let o = standpoint()
        .args(["run", "--no-progress", "--target", "a ceasefire"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .arg("--model")
        .arg(&model)
        .stderr(Stdio::from(full))
        .output()
        .unwrap();
    // The bad line is skipped (exit 1), not a panic (101), and both good documents are written.
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(read(&out.join("sentences.jsonl")).lines().count(), 2);
    let errors = read(&out.join("errors.jsonl"));
    assert_eq!(errors.lines().count(), 1);
    assert!(errors.contains("\"line\":2"), "{errors}");
}

#[test]
fn folder_walk_survives_link_loops_and_reports_bad_entries_one_by_one() {
    let t = TempDir::new("walk");
    let model = lexical_model(&t);
    let docs = t.path("docs");
    std::fs::create_dir_all(docs.join("a/b")).unwrap();
    std::fs::write(docs.join("1.txt"), "We support a ceasefire.").unwrap();
    std::fs::write(docs.join("a/2.txt"), "No concessions.").unwrap();
    std::fs::write(docs.join("a/b/3.txt"), "Talks resumed.").unwrap();
    // A loop back to the top, a second link to a folder, and a dangling link.
    std::os::unix::fs::symlink("..", docs.join("a/up")).unwrap();
    std::os::unix::fs::symlink("a", docs.join("z-link")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/x.txt", docs.join("dangling.txt")).unwrap();
    let out = t.path("out");
    let o = run(&[
        docs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let ids: Vec<String> = read(&out.join("documents.jsonl"))
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["doc"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    // Each file once (two targets per document), under its real folder.
    let mut uniq = ids.clone();
    uniq.dedup();
    assert_eq!(uniq, ["1.txt", "a/2.txt", "a/b/3.txt"], "{ids:?}");
    let errors = read(&out.join("errors.jsonl"));
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(errors.contains("dangling.txt"), "{errors}");
}

#[test]
fn a_byte_order_mark_does_not_cost_the_first_record() {
    let t = TempDir::new("bom");
    let model = lexical_model(&t);
    let input = t.path("bom.jsonl");
    std::fs::write(
        &input,
        "\u{feff}{\"id\":\"first\",\"text\":\"We support a ceasefire.\"}\n{\"id\":\"second\",\"text\":\"No.\"}\n",
    )
    .unwrap();
    let out = t.path("out");
    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let docs = read(&out.join("documents.jsonl"));
    assert!(docs.contains("\"doc\":\"first\""), "{docs}");
    assert!(docs.contains("\"doc\":\"second\""), "{docs}");
}

#[test]
fn strict_csv_reports_ragged_rows_and_open_quotes_with_line_numbers() {
    let t = TempDir::new("csvstrict");
    let model = lexical_model(&t);
    let input = t.path("in.csv");
    // CRLF line ends; a row with too many fields (line 3), one with too few (line 4), a quote
    // left open on line 5 that a later quote closes (line 6), a legal multi-line quoted field
    // (lines 8-9) and a quote never closed (line 10).
    std::fs::write(
        &input,
        concat!(
            "id,text,source\r\n",
            "a,\"We support a ceasefire.\",x\r\n",
            "b,\"No.\",y,extra\r\n",
            "c,\"Short\"\r\n",
            "d,\"We oppose concessions,x\r\n",
            "e,\"Talks resumed.\",y\r\n",
            "f,plain text,z\r\n",
            "g,\"two lines, \"\"quoted\"\"\r\n",
            "still g\",w\r\n",
            "h,\"never closed,v\r\n",
        ),
    )
    .unwrap();
    let out = t.path("out");
    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let errors: Vec<serde_json::Value> = read(&out.join("errors.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lines: Vec<u64> = errors.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 4, 5, 10], "{errors:?}");
    assert!(errors[0]["error"]
        .as_str()
        .unwrap()
        .contains("4 fields, the header has 3"));
    assert!(errors[1]["error"]
        .as_str()
        .unwrap()
        .contains("2 fields, the header has 3"));
    assert!(errors[2]["error"]
        .as_str()
        .unwrap()
        .contains("closing quote on line 6"));
    assert!(errors[3]["error"]
        .as_str()
        .unwrap()
        .contains("never closed"));
    let docs: Vec<serde_json::Value> = read(&out.join("documents.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(String, u64)> = docs
        .iter()
        .map(|d| {
            (
                d["doc"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut uniq = got.clone();
    uniq.dedup();
    let want: Vec<(String, u64)> = [("a", 2), ("e", 6), ("f", 7), ("g", 8)]
        .iter()
        .map(|(d, l)| (d.to_string(), *l))
        .collect();
    assert_eq!(uniq, want);
    let sentences = read(&out.join("sentences.jsonl"));
    assert!(
        sentences.contains("two lines, \\\"quoted\\\""),
        "{sentences}"
    );
}

/// Marks a finished run as interrupted after its last checkpoint, as a kill would leave it.
fn mark_interrupted(out: &Path) {
    let p = out.join("state.json");
    let mut state: serde_json::Value = serde_json::from_str(&read(&p)).unwrap();
    state["complete"] = false.into();
    std::fs::write(&p, state.to_string()).unwrap();
}

#[test]
fn resume_refuses_damaged_outputs_and_changed_inputs() {
    let t = TempDir::new("resume-refusals");
    let model = lexical_model(&t);
    let input = t.path("corpus.jsonl");
    write_corpus(&input, 60, false);
    let out = t.path("out");
    let args = [
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--chunk-docs",
        "8",
    ];
    assert_eq!(run(&args).status.code(), Some(0));
    let good = read(&out.join("sentences.jsonl"));

    // An output cut short after the kill: refused, naming the file, and nothing is padded.
    mark_interrupted(&out);
    std::fs::write(out.join("sentences.jsonl"), &good[..good.len() / 3]).unwrap();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sentences.jsonl is") && stderr(&o).contains("shorter"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&out.join("sentences.jsonl")).len(), good.len() / 3);
    // Deleted: the same.
    std::fs::remove_file(out.join("sentences.jsonl")).unwrap();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!out.join("sentences.jsonl").exists() || read(&out.join("sentences.jsonl")).is_empty());
    // Same length, other bytes: refused as changed.
    let mut edited = good.clone().into_bytes();
    let k = edited.len() - 10;
    edited[k] = if edited[k] == b'a' { b'b' } else { b'a' };
    std::fs::write(out.join("sentences.jsonl"), &edited).unwrap();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("was changed after the run stopped"),
        "{}",
        stderr(&o)
    );

    // A checkpoint whose numbers were edited so that they no longer add up: refused (issue 23;
    // before it was accepted and the run went on from the edited position).
    mark_interrupted(&out);
    let p = out.join("state.json");
    let saved = read(&p);
    let mut state: serde_json::Value = serde_json::from_str(&saved).unwrap();
    state["items_done"] = 30.into();
    std::fs::write(&p, state.to_string()).unwrap();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("does not add up"), "{}", stderr(&o));
    std::fs::write(&p, saved).unwrap();

    // A fresh run, then the input edited between the "kill" and the resume: refused.
    let o = run(&[&args[..], &["--fresh"][..]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    mark_interrupted(&out);
    let mut corpus = read(&input);
    corpus.push_str("{\"id\":\"new\",\"text\":\"We support a ceasefire.\"}\n");
    std::fs::write(&input, corpus).unwrap();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("changed since this run started"),
        "{}",
        stderr(&o)
    );

    // An input inside the output folder (here named like an output) is refused untouched.
    let inside = out.join("documents.jsonl");
    let before = read(&inside);
    let o = run(&[
        inside.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--fresh",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is inside the output folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&inside), before);
}

#[test]
fn repeated_document_ids_are_reported_and_counted() {
    let t = TempDir::new("dups");
    let model = lexical_model(&t);
    let input = t.path("in.jsonl");
    std::fs::write(
        &input,
        concat!(
            "{\"id\":\"a\",\"text\":\"We support a ceasefire.\"}\n",
            "{\"id\":\"b\",\"text\":\"No concessions.\"}\n",
            "{\"id\":\"a\",\"text\":\"Talks resumed.\"}\n",
        ),
    )
    .unwrap();
    let out = t.path("out");
    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--chunk-docs",
        "1",
    ]);
    // Both records are kept (exit 0: nothing skipped); the repetition is said and counted.
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("in.jsonl:3: id a was used by an earlier document"),
        "{}",
        stderr(&o)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 repeated document ids"));
    let manifest: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    assert_eq!(manifest["counts"]["duplicate_ids"], 1);
    assert_eq!(manifest["counts"]["documents"], 3);
}

#[test]
fn shard_auto_takes_the_shard_from_slurm_or_kubernetes_and_writes_under_out() {
    let t = TempDir::new("shard-auto");
    let model = lexical_model(&t);
    let input = t.path("corpus.jsonl");
    write_corpus(&input, 60, false);
    let base = [
        input.to_str().unwrap().to_string(),
        "--model".into(),
        model.to_str().unwrap().into(),
        "--shard".into(),
        "auto".into(),
        "--no-progress".into(),
    ];
    let auto = |out: &Path, env: &[(&str, &str)]| {
        let mut c = standpoint();
        for v in [
            "SLURM_ARRAY_TASK_ID",
            "SLURM_ARRAY_TASK_MIN",
            "SLURM_ARRAY_TASK_COUNT",
            "SLURM_ARRAY_TASK_STEP",
            "JOB_COMPLETION_INDEX",
            "STANDPOINT_SHARD_COUNT",
        ] {
            c.env_remove(v);
        }
        c.envs(env.iter().copied())
            .arg("run")
            .args(["--target", "a ceasefire", "--target", "concessions"])
            .args(&base)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    let whole = t.path("whole");
    let o = run(&[
        input.to_str().unwrap(),
        "--out",
        whole.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A Slurm array --array=7-9: tasks 7, 8, 9 are shards 1/3, 2/3, 3/3.
    let slurm = t.path("slurm");
    for id in ["7", "8", "9"] {
        let o = auto(
            &slurm,
            &[
                ("SLURM_ARRAY_TASK_ID", id),
                ("SLURM_ARRAY_TASK_MIN", "7"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("Slurm job array task"),
            "{}",
            stderr(&o)
        );
    }
    let shards: Vec<PathBuf> = (1..=3)
        .map(|k| slurm.join(format!("shard-{k}-of-3")))
        .collect();
    let merged = t.path("slurm-merged");
    let o = merge_into(&shards, &merged);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    same_outputs(&whole, &merged);
    // A Kubernetes Indexed Job of 2 completions, the count from the environment.
    let k8s = t.path("k8s");
    for i in ["0", "1"] {
        let o = auto(
            &k8s,
            &[("JOB_COMPLETION_INDEX", i), ("STANDPOINT_SHARD_COUNT", "2")],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let shards: Vec<PathBuf> = (1..=2)
        .map(|k| k8s.join(format!("shard-{k}-of-2")))
        .collect();
    let merged = t.path("k8s-merged");
    let o = merge_into(&shards, &merged);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    same_outputs(&whole, &merged);
    // No scheduler, or no count on Kubernetes: refused, nothing written.
    let none = t.path("none");
    let o = auto(&none, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--shard K/N"), "{}", stderr(&o));
    let o = auto(&none, &[("JOB_COMPLETION_INDEX", "0")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--shard-count"), "{}", stderr(&o));
    assert!(!none.exists());
}

fn merge_into(shards: &[PathBuf], out: &Path) -> Output {
    standpoint()
        .arg("merge")
        .args(shards)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// `run --tagger default`: speakers come from the shipped attribution tagger (needs the
/// encoder); the run records it, a resume or a merge with the rules' run is refused, and a
/// document the tagger finds a speaker in gets one.
#[test]
fn the_attribution_tagger_finds_speakers_in_a_run_and_is_part_of_its_identity() {
    let dir = TempDir::new("run-tagger");
    let model = lexical_model(&dir);
    let corpus = root().join("tests/data/corpus/wire.jsonl");
    let (tagged, rules) = (dir.path("tagged"), dir.path("rules"));
    let go = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            corpus.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let o = go(&tagged, &["--tagger", "default"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = go(&rules, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&tagged.join("run.json"))).unwrap();
    let taggers = manifest["attribution"]["tagger"].as_array().unwrap();
    assert!(taggers[0]
        .as_str()
        .unwrap()
        .ends_with("models/attribution-tagger"));
    let manifest: serde_json::Value = serde_json::from_str(&read(&rules.join("run.json"))).unwrap();
    assert_eq!(manifest["attribution"], "rules");
    // Each run's speakers are those `attribute` finds with the same method, document by
    // document, and the two methods differ somewhere on these stories.
    type Speakers = std::collections::BTreeSet<(String, String)>;
    let in_run = |out: &Path| -> Speakers {
        read(&out.join("sentences.jsonl"))
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter_map(|s| Some((s["doc"].as_str()?.into(), s["speaker"].as_str()?.into())))
            .collect()
    };
    let found = |extra: &[&str]| -> Speakers {
        let o = standpoint()
            .arg("attribute")
            .args(extra)
            .arg(&corpus)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .flat_map(|d| {
                let id = d["id"].as_str().unwrap().to_string();
                d["quotes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|q| Some((id.clone(), q["speaker"].as_str()?.to_string())))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let (by_tagger, by_rules) = (in_run(&tagged), in_run(&rules));
    assert!(
        by_tagger.is_subset(&found(&["--tagger", "default"])),
        "{by_tagger:?}"
    );
    assert!(by_rules.is_subset(&found(&[])), "{by_rules:?}");
    assert!(
        by_tagger.len() >= 8 && by_tagger != by_rules,
        "{by_tagger:?} {by_rules:?}"
    );
    // Same sentences and probabilities either way: only who speaks differs.
    let probs = |out: &Path| -> Vec<String> {
        read(&out.join("sentences.jsonl"))
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                format!("{} {} {}", v["doc"], v["text"], v["stance"])
            })
            .collect()
    };
    assert_eq!(probs(&tagged), probs(&rules));
    // The rules' folder is another run for the tagger, and the two do not merge.
    let o = go(&rules, &["--tagger", "default"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = merge_into(&[tagged.clone(), rules.clone()], &dir.path("merged"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // A missing tagger folder is refused before any work.
    let o = go(&dir.path("nothing"), &["--tagger", "/nonexistent/tagger"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("/nonexistent/tagger"), "{}", stderr(&o));
    assert!(!dir.path("nothing").exists());
}

/// `run --tagger default --combine`: the tagger's reporting attributions and the rules' for the
/// rest. The run records it, a resume without `--combine` is refused, its speakers are those
/// `attribute --tagger default --combine` finds, and they differ from the tagger's alone.
#[test]
fn the_combined_path_is_recorded_refuses_a_mix_and_matches_attribute() {
    let dir = TempDir::new("run-combined");
    let model = lexical_model(&dir);
    let corpus = root().join("tests/data/corpus/wire.jsonl");
    let out = dir.path("combined");
    let go = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            corpus.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--tagger",
            "default",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let o = go(&out, &["--combine"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    assert_eq!(manifest["attribution"]["combined_with"], "rules");
    // The same folder without --combine is another run.
    let o = go(&out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("attribution"), "{}", stderr(&o));
    let speakers = |extra: &[&str]| -> std::collections::BTreeSet<(String, String)> {
        let o = standpoint()
            .arg("attribute")
            .args(["--tagger", "default"])
            .args(extra)
            .arg(&corpus)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .flat_map(|d| {
                let id = d["id"].as_str().unwrap().to_string();
                d["quotes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|q| Some((id.clone(), q["speaker"].as_str()?.to_string())))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let in_run: std::collections::BTreeSet<(String, String)> = read(&out.join("sentences.jsonl"))
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter_map(|s| Some((s["doc"].as_str()?.into(), s["speaker"].as_str()?.into())))
        .collect();
    let combined = speakers(&["--combine"]);
    assert!(in_run.is_subset(&combined), "{in_run:?} {combined:?}");
    assert!(!in_run.is_empty());
    assert_ne!(
        combined,
        speakers(&[]),
        "--combine changed nothing on these stories"
    );
}

/// Issue 23, failures 1 and 2: the model at the same path edited (or retrained) between a kill
/// and the resume, or between the shards of one run, is refused and the message names what
/// differs; harmless differences (checkpoint spacing, the same input spelled another way) are
/// accepted. (Before: the resume read the rest with the new model and run.json named only it;
/// the merge was accepted; every refusal said only "a different run".)
#[test]
fn resume_and_merge_refuse_another_model_under_the_same_path() {
    let t = TempDir::new("model-identity");
    let model = lexical_model(&t);
    let input = t.path("corpus.jsonl");
    write_corpus(&input, 40, false);
    let out = t.path("out");
    let args = |input: &str, chunk: &str| {
        vec![
            input.to_string(),
            "--out".into(),
            out.to_str().unwrap().into(),
            "--model".into(),
            model.to_str().unwrap().into(),
            "--chunk-docs".into(),
            chunk.into(),
        ]
    };
    let go = |v: Vec<String>| run(&v.iter().map(String::as_str).collect::<Vec<_>>());
    let o = go(args(input.to_str().unwrap(), "8"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = read(&out.join("sentences.jsonl"));
    let run_json: serde_json::Value = serde_json::from_str(&read(&out.join("state.json"))).unwrap();
    assert!(
        run_json["spec"]["model_fingerprint"].is_string(),
        "{run_json}"
    );

    // Harmless: other --chunk-docs, the input spelled with ./ through another folder.
    mark_interrupted(&out);
    let spelled = format!("{}/./corpus.jsonl", t.path("").display());
    let o = go(args(&spelled, "16"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(read(&out.join("sentences.jsonl")), before);

    // The manifest edited in place: refused, naming the model's contents.
    mark_interrupted(&out);
    let text = read(&model);
    std::fs::write(&model, format!("{text}\n")).unwrap();
    let o = go(args(input.to_str().unwrap(), "8"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("model contents differ"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&out.join("sentences.jsonl")), before);

    // Shards read by two versions of the model under one path: the merge is refused.
    std::fs::write(&model, &text).unwrap();
    let mut shards = Vec::new();
    for k in 1..=2 {
        if k == 2 {
            std::fs::write(&model, format!("{text}\n")).unwrap();
        }
        let d = t.path(&format!("shard{k}"));
        let spec = format!("{k}/2");
        let o = run(&[
            input.to_str().unwrap(),
            "--out",
            d.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
            "--shard",
            &spec,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        shards.push(d);
    }
    let o = merge_into(&shards, &t.path("merged"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("model contents differ"),
        "{}",
        stderr(&o)
    );
}

/// Issue 23, failures 3 and 5: pipes are read once. `run <(cat corpus.jsonl)` (a /dev/fd pipe)
/// and a named FIFO give every record with its own line number (before: 0 documents, or 2,695
/// of 3,000 with line numbers off, or a hang: the input was read ahead to count and
/// fingerprint it); a run that read a pipe or standard input is not resumed with whatever the
/// stream now holds (before: the first records of the new data were dropped silently); a
/// device such as /dev/zero is refused (before: it ran for ever).
#[test]
fn pipes_and_fifos_are_read_once_and_never_resumed_and_devices_are_refused() {
    let t = TempDir::new("streams");
    let model = lexical_model(&t);
    let input = t.path("corpus.jsonl");
    write_corpus(&input, 3000, false);
    // A bad record at a known line: its line number must survive the pipe.
    let mut text = read(&input);
    text.push_str("{\"id\": \"broken\", \"text\": \n");
    std::fs::write(&input, &text).unwrap();
    let bad_line = text.lines().count();
    let exe = env!("CARGO_BIN_EXE_standpoint");
    let check = |out: &Path, o: &Output| {
        assert_eq!(o.status.code(), Some(1), "{}", stderr(o));
        let state: serde_json::Value =
            serde_json::from_str(&read(&out.join("state.json"))).unwrap();
        assert_eq!(state["documents"], 3000, "{}", stderr(o));
        let errors = read(&out.join("errors.jsonl"));
        assert!(errors.contains(&format!("\"line\":{bad_line}")), "{errors}");
    };

    // Process substitution.
    let out = t.path("out-procsub");
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{exe}' run --no-progress --target 'a ceasefire' --model '{}' --out '{}' <(cat '{}')",
            model.display(),
            out.display(),
            input.display()
        ))
        .output()
        .unwrap();
    check(&out, &o);

    // A named FIFO, written by another process.
    let fifo = t.path("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let writer = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("cat '{}' > '{}'", input.display(), fifo.display()))
        .spawn()
        .unwrap();
    let out = t.path("out-fifo");
    let o = run(&[
        fifo.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    check(&out, &o);
    let _ = { writer }.wait();

    // A stopped run that read a stream is not resumed from other data.
    mark_interrupted(&out);
    let before = read(&out.join("documents.jsonl"));
    let mut child = standpoint()
        .args([
            "run",
            "--no-progress",
            "--target",
            "a ceasefire",
            "-",
            "--model",
        ])
        .arg(&model)
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\":\"other\",\"text\":\"Other data.\"}\n");
    let o = child.wait_with_output().unwrap();
    // (The spec names "-" now, the fifo before: a different run; with the fifo again the
    // stream rule refuses.)
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(&[
        fifo.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot be resumed"), "{}", stderr(&o));
    assert_eq!(read(&out.join("documents.jsonl")), before);

    // A device: refused before anything is written.
    let out = t.path("out-zero");
    let o = run(&[
        "/dev/zero",
        "--model",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is a device"), "{}", stderr(&o));
}

/// Issue 23, failure 4 and weak spots: an output name inside `--out` that is a link to the input
/// (symbolic or hard) or to another file is refused and nothing is truncated (before: the input
/// was cut to 0 bytes); a folder with the user's own documents.csv and no run is refused
/// (before: overwritten); `--fresh` removes the old run's report and summaries.
#[test]
fn output_names_that_link_elsewhere_or_hold_the_users_files_are_refused() {
    let t = TempDir::new("out-links");
    let model = lexical_model(&t);
    let input = t.path("corpus.jsonl");
    write_corpus(&input, 20, false);
    let corpus = read(&input);
    let go = |out: &Path, extra: &[&str]| {
        run(&[
            &[
                input.to_str().unwrap(),
                "--model",
                model.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ][..],
            extra,
        ]
        .concat())
    };
    let other = t.path("other.txt");
    std::fs::write(&other, "keep me").unwrap();
    for (i, (name, how)) in [
        ("documents.jsonl", "symlink-input"),
        ("documents.jsonl", "hardlink-input"),
        ("sentences.jsonl", "symlink-other"),
        ("state.json", "symlink-other"),
        ("groups.json", "symlink-other"),
    ]
    .into_iter()
    .enumerate()
    {
        let out = t.path(&format!("out{i}"));
        std::fs::create_dir_all(&out).unwrap();
        let p = out.join(name);
        match how {
            "symlink-input" => std::os::unix::fs::symlink(&input, &p).unwrap(),
            "hardlink-input" => std::fs::hard_link(&input, &p).unwrap(),
            _ => std::os::unix::fs::symlink(&other, &p).unwrap(),
        }
        let o = go(&out, &[]);
        assert_eq!(o.status.code(), Some(2), "{name} {how}: {}", stderr(&o));
        assert!(stderr(&o).contains("refusing to write"), "{}", stderr(&o));
        assert_eq!(read(&input), corpus, "{name} {how}");
        assert_eq!(read(&other), "keep me", "{name} {how}");
        // Not even --fresh writes through it.
        let o = go(&out, &["--fresh"]);
        assert_eq!(o.status.code(), Some(2), "{name} {how}: {}", stderr(&o));
        assert_eq!(read(&input), corpus, "{name} {how}");
        assert_eq!(read(&other), "keep me", "{name} {how}");
    }

    // The user's own documents.csv in a folder without a run.
    let out = t.path("users");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("documents.csv"), "my,own\n1,2\n").unwrap();
    let o = go(&out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no run is recorded"), "{}", stderr(&o));
    assert_eq!(read(&out.join("documents.csv")), "my,own\n1,2\n");
    // --fresh replaces it, and drops an old report.
    std::fs::write(out.join("report.html"), "old page").unwrap();
    let o = go(&out, &["--fresh"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!out.join("report.html").exists());
    assert!(read(&out.join("documents.csv")).starts_with("seq,"));
}

/// Issue 23, failure 7: a folder of JSONL, CSV and gzip files is read whole, every record with
/// its file and line (before: `run DIR` with a 3,000-record .jsonl inside gave "0 documents",
/// exit 0).
#[test]
fn a_folder_of_jsonl_csv_and_gzip_files_is_read_whole() {
    let t = TempDir::new("folder-formats");
    let model = lexical_model(&t);
    let dir = t.path("corpus");
    std::fs::create_dir_all(dir.join("more")).unwrap();
    write_corpus(&dir.join("a.jsonl"), 3000, false);
    std::fs::write(
        dir.join("more/b.csv"),
        "id,text\nc1,We support a ceasefire.\nc2,\"We oppose concessions, he said.\"\n",
    )
    .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"{\"id\": \"g1\", \"text\": \"Zipped.\"}\n{\"id\": \"g2\", \"text\": ")
        .unwrap();
    std::fs::write(dir.join("more/c.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let out = t.path("out");
    let o = run(&[
        dir.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    // The broken gzip record is reported with its file and line.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("c.jsonl.gz:2"), "{}", stderr(&o));
    let state: serde_json::Value = serde_json::from_str(&read(&out.join("state.json"))).unwrap();
    assert_eq!(state["documents"], 3000 + 2 + 1, "{}", stderr(&o));
    let docs = read(&out.join("documents.jsonl"));
    for id in ["doc-00000", "doc-02999", "c1", "c2", "g1"] {
        assert!(docs.contains(&format!("\"doc\":\"{id}\"")), "{id}");
    }
}

/// Issue 23 weak spots: control characters from the input never reach the terminal (an id with
/// ESC could set the terminal's title) or the page (NUL and ESC were written raw into
/// report.html); CSV cells that a spreadsheet would run as formulas are neutralised; with
/// standard output closed, a run that skipped records still exits 1 (it exited 0).
#[test]
fn input_control_characters_and_formulas_are_defused_and_exit_codes_survive_a_closed_stdout() {
    let t = TempDir::new("defuse");
    let model = lexical_model(&t);
    let input = t.path("corpus.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"=HYPERLINK(\\\"http://x\\\")\", \"text\": \"We support a ceasefire.\", \"source\": \"@evil\"}\n\
         {\"id\": \"t\\u001b]0;owned\\u0007\", \"text\": \"Null \\u0000 and escape \\u001b[31m here. We oppose concessions.\"}\n\
         {\"id\": \"bad\\u001b[2J\", \"text\": 7}\n",
    )
    .unwrap();
    let out = t.path("out");
    let mut child = standpoint()
        .args([
            "run",
            "--no-progress",
            "--target",
            "a ceasefire",
            "--group-by",
            "source",
        ])
        .arg(&input)
        .arg("--model")
        .arg(&model)
        .arg("--out")
        .arg(&out)
        .arg("--report")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // a reader that went away (`| head -0`)
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        !o.stderr.contains(&0x1b),
        "raw ESC on stderr: {}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("bad\\u{1b}[2J"), "{}", stderr(&o));
    let page = std::fs::read(out.join("report.html")).unwrap();
    assert!(
        !page.contains(&0) && !page.contains(&0x1b),
        "raw NUL or ESC in report.html"
    );
    let csv = read(&out.join("documents.csv"));
    assert!(csv.contains("\"'=HYPERLINK"), "{csv}");
    let groups = read(&out.join("groups.csv"));
    assert!(groups.contains(",'@evil,"), "{groups}");
    assert!(!groups.contains(",@evil,"), "{groups}");
}
