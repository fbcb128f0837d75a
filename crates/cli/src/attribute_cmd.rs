//! `standpoint attribute`: one JSON object per document with its attributions
//! (`standpoint_pipeline::attributions`).

use std::io::{self, BufWriter, Write};

use anyhow::Result;
use standpoint_attribute::Attributor;
use standpoint_pipeline::attributions::write_document;
use standpoint_pipeline::read::{Fields, Format, Reader};

use crate::args::AttributeArgs;
use crate::Outcome;

/// Reads every document and writes its attributions; bad records are reported and skipped.
pub fn run(a: AttributeArgs) -> Result<Outcome> {
    let fields = Fields {
        id: a.id_field,
        text: a.text_field,
    };
    let reader = Reader::new(a.inputs, Format::Auto, fields, usize::MAX);
    let attributor = Attributor::default();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut outcome = Outcome::Clean;
    for item in reader {
        match item {
            Ok(doc) => write_document(&mut out, &doc.id, &doc.text, &attributor)?,
            Err(bad) => {
                warn!("standpoint: {bad}; skipped");
                outcome = Outcome::Skipped;
            }
        }
    }
    out.flush()?;
    Ok(outcome)
}
