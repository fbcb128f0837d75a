//! The attribution decoder on fixed spans, scored with `score.py --pred`.
//!
//! With one argument: the decoder's ceiling, PolNeAR-format gold spans (every source, cue and
//! content span, without their grouping) decoded by `Attributor::from_tags` as if a tagger had
//! found them exactly. With a second argument: the spans a tagger printed with
//! `standpoint attribute --tagger DIR --tags` over the same documents, decoded again (to try a
//! decoder change in milliseconds instead of running the model).
//!
//! ```text
//! cargo run --release -p standpoint-pipeline --example decode_gold -- \
//!     ../shared/data/attribution/polnear/dev.jsonl [TAGS.jsonl] > /tmp/decoded.jsonl
//! python3 ../shared/data/attribution/score.py --pred /tmp/decoded.jsonl
//! ```

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};

use serde::Deserialize;
use standpoint_attribute::{Attributor, Span, Tag, TagKind};
use standpoint_pipeline::attributions::{read_gold, write_attributions};

#[derive(Deserialize)]
struct TagOut {
    kind: String,
    start: usize,
    end: usize,
}

#[derive(Deserialize)]
struct TagLine {
    id: String,
    tags: Vec<TagOut>,
}

fn read_tags(path: &str) -> Result<HashMap<String, Vec<Tag>>, Box<dyn std::error::Error>> {
    let mut out = HashMap::new();
    for (n, line) in BufReader::new(std::fs::File::open(path)?)
        .lines()
        .enumerate()
    {
        let line: TagLine =
            serde_json::from_str(&line?).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
        let mut tags = Vec::new();
        for t in line.tags {
            let kind = TagKind::ALL
                .into_iter()
                .find(|k| k.name() == t.kind)
                .ok_or_else(|| format!("{path}:{}: unknown kind {}", n + 1, t.kind))?;
            tags.push(Tag {
                kind,
                span: Span {
                    start: t.start,
                    end: t.end,
                },
            });
        }
        out.insert(line.id, tags);
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: decode_gold GOLD.jsonl [TAGS.jsonl]")?;
    let tagged = args.next().map(|t| read_tags(&t)).transpose()?;
    let docs = read_gold(BufReader::new(std::fs::File::open(&path)?), |line, e| {
        eprintln!("{path}:{line}: {e}; skipped")
    })?;
    let attributor = Attributor::default();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for d in &docs {
        let tags = match &tagged {
            Some(t) => t
                .get(&d.id)
                .ok_or_else(|| format!("no tags for document {}", d.id))?,
            None => &d.tags,
        };
        let found = attributor.from_tags(&d.text, tags);
        write_attributions(&mut out, &d.id, &found)?;
    }
    out.flush()?;
    Ok(())
}
