//! `standpoint merge`: combines the output folders of `standpoint run --shard K/N` into the
//! output one unsharded run would have written: line files are merged by input position
//! (`seq`), aggregates by their exact merge.

use std::collections::{BTreeSet, BinaryHeap};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::args::MergeArgs;
use crate::run_cmd::{
    check_checkpointed, print_summary, tail_hash, write_final, State, LINE_FILES,
};
use crate::Outcome;

/// The `seq` a line starts with: `{"seq":N,...` for JSONL, `N,...` for CSV.
fn seq_of(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("{\"seq\":").unwrap_or(line);
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    rest[..end].parse().ok()
}

/// k-way merge of files whose lines are sorted by seq; `header` lines are written once.
fn merge_lines(inputs: &[&Path], out: &Path, header: bool) -> Result<()> {
    let mut readers = Vec::new();
    let mut w =
        BufWriter::new(File::create(out).with_context(|| format!("creating {}", out.display()))?);
    for (i, p) in inputs.iter().enumerate() {
        let mut r =
            BufReader::new(File::open(p).with_context(|| format!("opening {}", p.display()))?);
        if header {
            let mut h = String::new();
            r.read_line(&mut h)?;
            if i == 0 {
                w.write_all(h.as_bytes())?;
            }
        }
        readers.push(r.lines());
    }
    let mut heap = BinaryHeap::new();
    let next = |i: usize,
                readers: &mut Vec<std::io::Lines<BufReader<File>>>|
     -> Result<Option<(u64, String)>> {
        match readers[i].next() {
            None => Ok(None),
            Some(line) => {
                let line = line?;
                let seq = seq_of(&line).with_context(|| {
                    format!("{}: a line without a leading seq", inputs[i].display())
                })?;
                Ok(Some((seq, line)))
            }
        }
    };
    for i in 0..readers.len() {
        if let Some((seq, line)) = next(i, &mut readers)? {
            heap.push(std::cmp::Reverse((seq, i, line)));
        }
    }
    while let Some(std::cmp::Reverse((_, i, line))) = heap.pop() {
        w.write_all(line.as_bytes())?;
        w.write_all(b"\n")?;
        if let Some((seq, line)) = next(i, &mut readers)? {
            heap.push(std::cmp::Reverse((seq, i, line)));
        }
    }
    w.flush()?;
    Ok(())
}

pub fn run(a: MergeArgs) -> Result<Outcome> {
    if a.shards.is_empty() {
        bail!("no shard folders given");
    }
    let mut states = Vec::new();
    for dir in &a.shards {
        let s = State::load(dir)?.with_context(|| {
            format!(
                "{}: no state.json; is it a `standpoint run` output?",
                dir.display()
            )
        })?;
        if !s.complete {
            bail!(
                "{}: the run is not complete; finish it (run it again) before merging",
                dir.display()
            );
        }
        states.push(s);
    }
    let first = &states[0];
    let n = first.shard.map_or(1, |s| s.n);
    let mut seen = BTreeSet::new();
    for (s, dir) in states.iter().zip(&a.shards) {
        if s.spec != first.spec {
            bail!(
                "{}: a different run (inputs, targets, model or settings) than {}",
                dir.display(),
                a.shards[0].display()
            );
        }
        let Some(sh) = s.shard else {
            bail!("{}: not a shard (run with --shard K/N)", dir.display());
        };
        if sh.n != n || !seen.insert(sh.k) {
            bail!(
                "{}: shard {}/{} does not fit the others",
                dir.display(),
                sh.k,
                sh.n
            );
        }
    }
    if seen.len() as u64 != n && !a.partial {
        let missing: Vec<String> = (1..=n)
            .filter(|k| !seen.contains(k))
            .map(|k| format!("{k}/{n}"))
            .collect();
        bail!(
            "missing shards {}; pass them all, or --partial to merge what is there",
            missing.join(", ")
        );
    }
    // Every shard file must be exactly as its own checkpoint recorded it: a truncated, extended
    // or deleted file would silently lose or corrupt lines in the merge.
    for (s, dir) in states.iter().zip(&a.shards) {
        for name in LINE_FILES {
            let path = dir.join(name);
            let want = s.lengths.get(name).copied().unwrap_or(0);
            let have = check_checkpointed(&path, want, s.tails.get(name).copied())?;
            if have != want {
                bail!(
                    "{}: {have} bytes, but its run recorded {want}; the shard folder was changed \
                     after the run (re-run that shard with --fresh)",
                    path.display()
                );
            }
        }
    }
    // The output folder: never one of the inputs, never an existing run.
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let out_real =
        std::fs::canonicalize(&a.out).with_context(|| format!("resolving {}", a.out.display()))?;
    for dir in &a.shards {
        if std::fs::canonicalize(dir).is_ok_and(|d| d == out_real) {
            bail!(
                "--out {} is one of the shard folders being merged; choose a new folder",
                a.out.display()
            );
        }
    }
    let _lock = crate::lock::lock_output(&a.out)?;
    if a.out.join("state.json").exists() {
        bail!(
            "{} already holds a run or merge (state.json); choose a new folder",
            a.out.display()
        );
    }
    // Merged files are written under temporary names and renamed only when all are complete,
    // so a failed merge leaves no file that looks finished.
    for name in LINE_FILES {
        let inputs: Vec<std::path::PathBuf> = a.shards.iter().map(|d| d.join(name)).collect();
        let refs: Vec<&Path> = inputs.iter().map(|p| p.as_path()).collect();
        merge_lines(
            &refs,
            &a.out.join(format!("{name}.partial")),
            name.ends_with(".csv"),
        )?;
    }
    for name in LINE_FILES {
        let from = a.out.join(format!("{name}.partial"));
        std::fs::rename(&from, a.out.join(name))
            .with_context(|| format!("renaming {}", from.display()))?;
    }
    let mut merged = states[0].clone();
    merged.shard = None;
    merged.aggregates = first.aggregates.clone();
    for s in &states[1..] {
        merged.aggregates.merge(s.aggregates.clone());
        merged.documents += s.documents;
        merged.sentences += s.sentences;
        merged.errors += s.errors;
        merged.duplicate_ids += s.duplicate_ids;
        merged.seconds += s.seconds;
    }
    merged.other_shards = if seen.len() as u64 == n {
        0
    } else {
        states.iter().map(|s| s.other_shards).min().unwrap_or(0)
    };
    merged.lengths = LINE_FILES
        .iter()
        .map(|f| Ok((f.to_string(), std::fs::metadata(a.out.join(f))?.len())))
        .collect::<Result<_>>()?;
    // The merged files' own tail hashes (the clone above carries the first shard's).
    merged.tails = LINE_FILES
        .iter()
        .map(|f| {
            Ok((
                f.to_string(),
                tail_hash(&a.out.join(f), merged.lengths[*f])?,
            ))
        })
        .collect::<Result<_>>()?;
    write_final(&a.out, &merged, "merged", 0, 0)?;
    merged.save(&a.out)?;
    print_summary(&merged)?;
    Ok(if merged.errors > 0 {
        Outcome::Skipped
    } else {
        Outcome::Clean
    })
}
