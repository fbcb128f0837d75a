//! Command-line arguments (clap), validated into plain configurations by each command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// standpoint: sentence-level stance toward targets in large news corpora.
#[derive(Debug, Parser)]
#[command(name = "standpoint", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Split documents into sentences (one per line, or JSONL with byte offsets).
    Segment(SegmentArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SegmentFormat {
    /// One sentence per line (line breaks inside a sentence become spaces); a blank line
    /// between documents when there are several.
    Text,
    /// One JSON object per sentence: {doc, index, start, end, paragraph, text}.
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewlineArg {
    /// Every line break ends a sentence and starts a paragraph.
    Paragraph,
    /// Single line breaks are spaces; blank lines separate paragraphs (hard-wrapped text).
    BlankLine,
}

#[derive(Debug, Args)]
pub struct SegmentArgs {
    /// Files to segment, each one document; standard input when none (or "-").
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: SegmentFormat,
    /// How line breaks are treated.
    #[arg(long, value_enum, default_value = "paragraph")]
    pub newlines: NewlineArg,
    /// An extra abbreviation (without its period); may be repeated.
    #[arg(long = "abbrev", value_name = "WORD")]
    pub abbreviations: Vec<String>,
    /// Do not detect numbered or lettered lists.
    #[arg(long)]
    pub no_lists: bool,
}
