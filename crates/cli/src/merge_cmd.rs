//! `standpoint merge`: combines the output folders of `standpoint run --shard K/N` into the
//! output one unsharded run would have written (`standpoint_pipeline::merge`).

use anyhow::Result;

use crate::args::MergeArgs;
use crate::print_summary;
use crate::Outcome;

/// Merges, prints the summary; exit 1 when the merged run skipped records.
pub fn run(a: MergeArgs) -> Result<Outcome> {
    let merged = standpoint_pipeline::merge::merge(&a.shards, &a.out, a.partial)?;
    print_summary(&merged)?;
    Ok(if merged.errors > 0 {
        Outcome::Skipped
    } else {
        Outcome::Clean
    })
}
