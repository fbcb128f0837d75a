//! The commands that need no model: `segment` (sentences with byte offsets), `attribute` (who
//! said what, `standpoint_pipeline::attributions`), `merge` (shard folders into one,
//! `standpoint_pipeline::merge`) and `report` (a run folder's HTML page, `standpoint_report`).

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use standpoint_attribute::Attributor;
use standpoint_pipeline::attributions::write_document;
use standpoint_pipeline::read::{Doc, Fields, Format, Reader};
use standpoint_pipeline::sentences::{read_document, write_sentences, SentenceFormat};
use standpoint_segment::{Config, Newlines, Segmenter};

use crate::args::{
    AttributeArgs, MergeArgs, NewlineArg, ReportArgs, ReportLimits, SegmentArgs, SegmentFormat,
    SpeakersArgs,
};
use crate::{print_summary, Outcome};

/// The segmenter the arguments ask for.
fn segmenter(a: &SegmentArgs) -> Segmenter {
    let newlines = match a.newlines {
        NewlineArg::Paragraph => Newlines::Paragraph,
        NewlineArg::BlankLine => Newlines::BlankLine,
    };
    let mut config = Config::default().newlines(newlines).lists(!a.no_lists);
    for abbr in &a.abbreviations {
        config = config.abbreviation(abbr.clone());
    }
    Segmenter::new(config)
}

pub fn segment(a: SegmentArgs) -> Result<Outcome> {
    let segmenter = segmenter(&a);
    let inputs: Vec<Option<PathBuf>> = match a.files.is_empty() {
        true => vec![None],
        false => a
            .files
            .iter()
            .map(|p| (p.as_os_str() != "-").then(|| p.clone()))
            .collect(),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut outcome = Outcome::Clean;
    let several = inputs.len() > 1;
    let format = match a.format {
        SegmentFormat::Text => SentenceFormat::Text,
        SegmentFormat::Jsonl => SentenceFormat::Jsonl,
    };
    for (n, input) in inputs.iter().enumerate() {
        let name = input
            .as_deref()
            .map_or_else(|| "-".to_string(), |p| p.display().to_string());
        let text = match read_document(input.as_deref()) {
            Ok(text) => text,
            Err(err) => {
                out.flush()?;
                let err = anyhow::Error::from(err);
                warn!("standpoint: {name}: {err:#}; skipped");
                outcome = Outcome::Skipped;
                continue;
            }
        };
        if several && format == SentenceFormat::Text && n > 0 {
            out.write_all(b"\n")?;
        }
        write_sentences(&mut out, &name, &text, &segmenter, format)?;
    }
    out.flush().context("writing output")?;
    Ok(outcome)
}

/// Reads every document and writes its attributions; bad records are reported and skipped.
pub fn attribute(a: AttributeArgs) -> Result<Outcome> {
    let attributor = Attributor::default();
    for_each_document(&a, |out, doc| {
        write_document(out, &doc.id, &doc.text, &attributor)?;
        Ok(Ok(()))
    })
}

/// Calls `write` on every document of `a`'s inputs with buffered stdout. Bad records, and
/// documents `write` refuses (`Ok(Err(why))`), are reported by name and skipped; an `Err` (such
/// as a closed output) stops.
pub fn for_each_document(
    a: &AttributeArgs,
    mut write: impl FnMut(&mut dyn Write, &Doc) -> Result<std::result::Result<(), String>>,
) -> Result<Outcome> {
    let fields = Fields {
        id: a.id_field.clone(),
        text: a.text_field.clone(),
    };
    let reader = Reader::new(a.inputs.clone(), Format::Auto, fields, usize::MAX);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut outcome = Outcome::Clean;
    for item in reader {
        let why = match item {
            Ok(doc) => match write(&mut out, &doc)? {
                Ok(()) => continue,
                Err(why) => format!("document {}: {why}", doc.id),
            },
            Err(bad) => bad.to_string(),
        };
        warn!("standpoint: {why}; skipped");
        outcome = Outcome::Skipped;
    }
    out.flush()?;
    Ok(outcome)
}

/// Merges, prints the summary; exit 1 when the merged run skipped records.
pub fn merge(a: MergeArgs) -> Result<Outcome> {
    let merged = standpoint_pipeline::merge::merge(&a.shards, &a.out, a.partial)?;
    print_summary(&merged)?;
    Ok(Outcome::skipped_if(merged.errors > 0))
}

/// `standpoint speakers`: the run's speaker keys as a table (stdout) or JSON; lines of
/// sentences.jsonl that are not sentence records are named on stderr and skipped.
pub fn speakers(a: SpeakersArgs) -> Result<Outcome> {
    use standpoint_pipeline::speakers::{table_text, Speakers};
    let mut bad = 0u64;
    let found = Speakers::read_run(&a.dir, &mut |path, line, e| {
        bad += 1;
        crate::warn!("standpoint: {}:{line}: {e}", path.display());
    })?;
    let mut table = found.table();
    if a.top > 0 {
        table.truncate(a.top);
    }
    let text = if a.json {
        serde_json::to_string_pretty(&table)? + "\n"
    } else {
        table_text(&table)
    };
    crate::print_note(&text)?;
    Ok(Outcome::skipped_if(bad > 0))
}

/// `standpoint report`: the run folder's HTML page.
pub fn report(a: ReportArgs) -> Result<Outcome> {
    let out = a.out.unwrap_or_else(|| a.dir.join("report.html"));
    write_report(&a.dir, &out, a.limits)
}

/// Writes the report of run folder `dir` to `out`, printing its path (stdout) and its notes
/// (stderr); `Skipped` when something was missing or the run is unfinished.
pub fn write_report(
    dir: &std::path::Path,
    out: &std::path::Path,
    limits: ReportLimits,
) -> Result<Outcome> {
    if out.as_os_str() == "-" {
        // The page on standard output, for a pipe or a redirect.
        let run = standpoint_report::RunFolder::load(
            dir,
            standpoint_report::Limits {
                documents: limits.max_documents,
                errors: 20,
            },
        )?;
        let page = standpoint_report::render(
            &run,
            &standpoint_report::Options {
                max_groups: limits.max_groups,
                max_series: limits.max_series,
            },
        );
        for n in &run.notes {
            crate::warn!("standpoint: report: {n}");
        }
        std::io::Write::write_all(&mut std::io::stdout().lock(), page.as_bytes())?;
        return Ok(Outcome::skipped_if(!run.notes.is_empty()));
    }
    let run = standpoint_report::write_report(
        dir,
        out,
        standpoint_report::Limits {
            documents: limits.max_documents,
            errors: 20,
        },
        &standpoint_report::Options {
            max_groups: limits.max_groups,
            max_series: limits.max_series,
        },
    )?;
    for n in &run.notes {
        crate::warn!("standpoint: report: {n}");
    }
    crate::print_note(&format!("report: {}\n", out.display()))?;
    Ok(Outcome::skipped_if(!run.notes.is_empty()))
}
