//! Writes the augmented examples of labelled JSONL files as JSONL (with `kind`), and a count
//! per kind on stderr: `cargo run -p standpoint-stance --example augment -- FILE... > out.jsonl`
//! (`AUGMENT_VERSION=2` for the second generator version).

use standpoint_stance::augment::{augment_version, Kind};
use standpoint_stance::data::read_jsonl;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut all = Vec::new();
    for f in std::env::args().skip(1) {
        let (good, bad) = read_jsonl(f.as_ref())?;
        for e in bad {
            eprintln!("{e}; skipped");
        }
        // As the training mix reads them: "unrelated" rows dropped.
        all.extend(
            good.into_iter()
                .filter(|e| e.source_label.as_deref() != Some("unrelated")),
        );
    }
    let version = std::env::var("AUGMENT_VERSION")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let out = augment_version(&all, 13, version);
    for a in &out {
        let e = &a.example;
        let row = serde_json::json!({"id": e.id, "kind": a.kind.as_str(), "text": e.text,
            "target": e.target, "label": e.label.as_str(), "context": e.context});
        println!("{row}");
    }
    for k in Kind::ALL {
        let n = out.iter().filter(|a| a.kind == k).count();
        eprintln!("{:>10}: {n}", k.as_str());
    }
    Ok(())
}
