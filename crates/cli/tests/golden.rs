//! A run on the example corpus (the wire stories, the text files and a file with bad records)
//! writes exactly the committed expected output, byte for byte: `tests/data/golden/expected`.
//! Model-free (the lexical classifier), so the bytes do not depend on libtorch's arithmetic;
//! it pins everything around the model: reading, segmentation, attribution (speakers per
//! sentence and per document, grouping by detected speaker), output formats, aggregation,
//! evidence, groupings and the error records.
//!
//! After an intended change of the output, regenerate with
//! `STANDPOINT_BLESS=1 cargo test -p standpoint-cli --test golden` and review the diff.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

const FILES: &[&str] = &[
    "sentences.jsonl",
    "documents.jsonl",
    "documents.csv",
    "groups.json",
    "groups.csv",
    "errors.jsonl",
    "run.json",
];

/// run.json without its timings (the only part that changes from run to run), pretty-printed
/// with sorted keys.
fn normalised_run_json(text: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    v.as_object_mut().unwrap().remove("timings");
    // serde_json's map is sorted (no preserve_order feature).
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

#[test]
fn example_corpus_gives_the_committed_output_byte_for_byte() {
    let tmp = TempDir::new("golden");
    let out = tmp.path("out");
    let o = standpoint()
        .args([
            "run",
            "tests/data/corpus/wire.jsonl",
            "tests/data/corpus",
            "tests/data/golden/mixed.jsonl",
            "--model",
            "tests/data/golden/lexical.json",
            "--threads",
            "1",
            "--segment-threads",
            "1",
            "--target",
            "a ceasefire",
            "--target",
            "concessions",
            "--group-by",
            "source",
            "--group-by",
            "date:month",
            "--group-by",
            "speaker",
            "--evidence",
            "2",
            "--chunk-docs",
            "3",
            "--no-progress",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    // Three bad records in mixed.jsonl: exit code 1, each reported.
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let expected_dir = root().join("tests/data/golden/expected");
    let bless = std::env::var_os("STANDPOINT_BLESS").is_some();
    let mut differ = Vec::new();
    for f in FILES {
        let mut got = std::fs::read_to_string(out.join(f)).unwrap();
        if *f == "run.json" {
            got = normalised_run_json(&got);
        }
        let want_path = expected_dir.join(f);
        if bless {
            std::fs::write(&want_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&want_path)
            .unwrap_or_else(|e| panic!("{}: {e}", want_path.display()));
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
            differ.push(format!("{f} (first difference on line {})", line + 1));
        }
    }
    assert!(
        differ.is_empty(),
        "output differs from tests/data/golden/expected: {differ:?}"
    );
}
