//! The attribution decoder's ceiling: PolNeAR-format gold spans (every source, cue and content
//! span, without their grouping) decoded by `Attributor::from_tags` as if a tagger had found
//! them exactly. Score the output with `score.py --pred`:
//!
//! ```text
//! cargo run --release -p standpoint-pipeline --example decode_gold -- \
//!     ../shared/data/attribution/polnear/dev.jsonl > /tmp/decoded.jsonl
//! python3 ../shared/data/attribution/score.py --pred /tmp/decoded.jsonl
//! ```

use std::io::{BufReader, Write};

use standpoint_attribute::Attributor;
use standpoint_pipeline::attributions::{read_gold, write_attributions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: decode_gold GOLD.jsonl")?;
    let docs = read_gold(BufReader::new(std::fs::File::open(&path)?), |line, e| {
        eprintln!("{path}:{line}: {e}; skipped")
    })?;
    let attributor = Attributor::default();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for d in &docs {
        let found = attributor.from_tags(&d.text, &d.tags);
        write_attributions(&mut out, &d.id, &found)?;
    }
    out.flush()?;
    Ok(())
}
