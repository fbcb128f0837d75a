//! Combines the output folders of sharded runs (`K/N`) into the output one unsharded run would
//! have written: line files are merged by input position (`seq`), aggregates by their exact
//! merge. Every shard file must be exactly as its own checkpoint recorded it, the output folder
//! must be new, and merged files appear under their names only once all are complete.

use std::collections::{BTreeSet, BinaryHeap};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::checkpoint::{check_checkpointed, tail_hash, State, LINE_FILES};
use crate::error::{Error, Result};
use crate::lock::lock_output;
use crate::sink::{write_final, Provenance};

/// The `seq` a line starts with: `{"seq":N,...` for JSONL, `N,...` for CSV.
fn seq_of(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("{\"seq\":").unwrap_or(line);
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    rest[..end].parse().ok()
}

/// k-way merge of files whose lines are sorted by seq; `header` lines are written once.
fn merge_lines(inputs: &[PathBuf], out: &Path, header: bool) -> Result<()> {
    let mut readers = Vec::new();
    let file = crate::safe::create_fresh(out)?;
    let mut w = BufWriter::new(file);
    let write_err = Error::io;
    for (i, p) in inputs.iter().enumerate() {
        let mut r = BufReader::new(File::open(p).map_err(Error::io("opening", p))?);
        if header {
            let mut h = String::new();
            r.read_line(&mut h).map_err(Error::io("reading", p))?;
            if i == 0 {
                w.write_all(h.as_bytes())
                    .map_err(write_err("writing", out))?;
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
                let line = line.map_err(Error::io("reading", &inputs[i]))?;
                let seq = seq_of(&line).ok_or_else(|| Error::NoSeq {
                    path: inputs[i].clone(),
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
        w.write_all(line.as_bytes())
            .and_then(|_| w.write_all(b"\n"))
            .map_err(Error::io("writing", out))?;
        if let Some((seq, line)) = next(i, &mut readers)? {
            heap.push(std::cmp::Reverse((seq, i, line)));
        }
    }
    w.flush().map_err(Error::io("writing", out))?;
    Ok(())
}

/// Loads and checks the shards' states: complete, one run, shards that fit together, all of
/// them unless `partial`, files as checkpointed. Returns the states and the shard count.
fn shard_states(shards: &[PathBuf], partial: bool) -> Result<(Vec<State>, BTreeSet<u64>, u64)> {
    if shards.is_empty() {
        return Err(Error::NoShards);
    }
    let mut states = Vec::new();
    for dir in shards {
        let s = State::load(dir)?.ok_or_else(|| Error::NotARun { dir: dir.clone() })?;
        if !s.complete {
            return Err(Error::Incomplete { dir: dir.clone() });
        }
        states.push(s);
    }
    let first = &states[0];
    let n = first.shard.map_or(1, |s| s.n);
    let mut seen = BTreeSet::new();
    for (s, dir) in states.iter().zip(shards) {
        let differ = first.spec.differences(&s.spec);
        if !differ.is_empty() {
            return Err(Error::OtherRun {
                dir: dir.clone(),
                first: shards[0].clone(),
                what: differ.join(", "),
            });
        }
        let Some(sh) = s.shard else {
            return Err(Error::NotAShard { dir: dir.clone() });
        };
        if sh.n != n || !seen.insert(sh.k) {
            return Err(Error::ShardMisfit {
                dir: dir.clone(),
                k: sh.k,
                n: sh.n,
            });
        }
    }
    if seen.len() as u64 != n && !partial {
        let missing = (1..=n)
            .filter(|k| !seen.contains(k))
            .map(|k| format!("{k}/{n}"))
            .collect();
        return Err(Error::MissingShards { missing });
    }
    // Every shard file must be exactly as its own checkpoint recorded it: a truncated, extended
    // or deleted file would silently lose or corrupt lines in the merge.
    for (s, dir) in states.iter().zip(shards) {
        for name in LINE_FILES {
            let path = dir.join(name);
            let want = s.lengths.get(name).copied().unwrap_or(0);
            let have = check_checkpointed(&path, want, s.tails.get(name).copied())?;
            if have != want {
                return Err(Error::ShardChanged { path, have, want });
            }
        }
    }
    Ok((states, seen, n))
}

/// Merges the shard folders into `out` (a new folder); returns the merged state. With
/// `partial`, missing shards are allowed and the counts say what is left out.
pub fn merge(shards: &[PathBuf], out: &Path, partial: bool) -> Result<State> {
    let (states, seen, n) = shard_states(shards, partial)?;
    // The output folder: never one of the inputs, never an existing run.
    std::fs::create_dir_all(out).map_err(Error::io("creating", out))?;
    let out_real = std::fs::canonicalize(out).map_err(Error::io("resolving", out))?;
    for dir in shards {
        if std::fs::canonicalize(dir).is_ok_and(|d| d == out_real) {
            return Err(Error::OutIsShard {
                out: out.to_path_buf(),
            });
        }
    }
    crate::safe::check_output_file(&out.join(crate::lock::LOCK_FILE), &[])?;
    let _lock = lock_output(out)?;
    if out.join("state.json").exists() {
        return Err(Error::OutNotEmpty {
            out: out.to_path_buf(),
        });
    }
    // Shard files are the merge's inputs: no output name may be one of them or a link.
    let shard_files: Vec<PathBuf> = shards
        .iter()
        .flat_map(|d| LINE_FILES.iter().map(move |f| d.join(f)))
        .collect();
    for name in LINE_FILES
        .iter()
        .chain(&crate::run::FINAL_FILES)
        .chain(&["state.json"])
    {
        crate::safe::check_output_file(&out.join(name), &shard_files)?;
    }
    // Merged files are written under temporary names and renamed only when all are complete,
    // so a failed merge leaves no file that looks finished.
    for name in LINE_FILES {
        let inputs: Vec<PathBuf> = shards.iter().map(|d| d.join(name)).collect();
        let partial_file = out.join(format!("{name}.partial"));
        merge_lines(&inputs, &partial_file, name.ends_with(".csv"))?;
    }
    for name in LINE_FILES {
        let from = out.join(format!("{name}.partial"));
        std::fs::rename(&from, out.join(name)).map_err(Error::io("renaming", &from))?;
    }
    let mut merged = states[0].clone();
    merged.shard = None;
    for s in &states[1..] {
        merged.aggregates.merge(s.aggregates.clone());
        merged.documents += s.documents;
        merged.sentences += s.sentences;
        merged.errors += s.errors;
        merged.duplicate_ids += s.duplicate_ids;
        merged.seconds += s.seconds;
    }
    merged.missing_shards = (1..=n)
        .filter(|k| !seen.contains(k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    merged.other_shards = if seen.len() as u64 == n {
        0
    } else {
        states.iter().map(|s| s.other_shards).min().unwrap_or(0)
    };
    for f in LINE_FILES {
        let p = out.join(f);
        let len = std::fs::metadata(&p)
            .map_err(Error::io("reading", &p))?
            .len();
        merged.lengths.insert(f.to_string(), len);
        // The merged files' own tail hashes (the clone above carries the first shard's).
        merged.tails.insert(f.to_string(), tail_hash(&p, len)?);
    }
    let how = Provenance {
        classifier: "merged",
        threads: 0,
        segment_threads: 0,
    };
    merged.seconds += write_final(out, &merged, how)?;
    merged.save(out)?;
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::seq_of;

    #[test]
    fn seq_is_read_from_jsonl_and_csv_lines() {
        assert_eq!(seq_of("{\"seq\":17,\"doc\":\"a\"}"), Some(17));
        assert_eq!(seq_of("4,doc,target,1"), Some(4));
        assert_eq!(seq_of("{\"doc\":\"a\"}"), None);
        assert_eq!(seq_of("seq,doc"), None);
    }
}
