//! Command-line arguments (clap), validated into plain configurations by each command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use standpoint_pipeline::targets::parse_target;

/// A count that must be at least 1.
pub fn positive(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("{s:?}: {e}")),
    }
}

/// A decision margin: a finite number in [0, 1].
pub fn margin(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(m) if m.is_finite() && (0.0..=1.0).contains(&m) => Ok(m),
        Ok(m) => Err(format!("{m} is not a number in [0, 1]")),
        Err(e) => Err(format!("{s:?}: {e}")),
    }
}

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
    /// Find who said what: quotes, cues, sources and speakers (JSONL, one object per document).
    Attribute(AttributeArgs),
    /// Classify the stance of sentences toward one or more targets (JSONL out).
    Classify(ClassifyArgs),
    /// Train the default stance head on labelled data and record dev scores.
    Train(TrainArgs),
    /// Fine-tune the encoder as a (target, sentence) cross-encoder with LoRA adapters.
    Finetune(FinetuneArgs),
    /// Measure encoder throughput (sentences/s) at several batch sizes, and peak memory.
    Speed(SpeedArgs),
    /// Segment, classify and summarise a corpus (resumable, shardable) into an output folder.
    Run(RunArgs),
    /// Merge the output folders of `run --shard K/N` into the output of one run.
    Merge(MergeArgs),
    /// Write one self-contained HTML page (charts, evidence, tables) from a run folder.
    Report(ReportArgs),
    /// List a run's speakers: one key per person (surnames folded into the full name), the
    /// other names seen, the roles documents gave, sentences and documents.
    Speakers(SpeakersArgs),
    /// Train the attribution tagger (source / cue / content spans) on PolNeAR-format data.
    TrainTagger(TrainTaggerArgs),
    /// Compare classifiers on labelled data: scores, intervals, paired tests, cost.
    Bench(BenchArgs),
    /// Draw a run's sentences for hand labelling, with known inclusion probabilities.
    Sample(SampleArgs),
    /// Corrected shares and net with valid intervals from a hand-labelled sample (PPI++).
    Estimate(EstimateArgs),
    /// Write a self-contained labelling page for a sample file (keys F / A / N / S / U).
    Label(LabelArgs),
    /// One classifier of `bench`, in its own process (internal).
    #[command(hide = true)]
    BenchWorker(BenchWorkerArgs),
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Labelled JSONL ({"id","text","target","label"}); may be repeated.
    #[arg(long = "data", required_unless_present = "checks")]
    pub data: Vec<PathBuf>,
    /// A behavioural suite (JSONL {"id","capability","text","target"} with "label" or "not"),
    /// e.g. tests/data/stance_checks.jsonl: failure rate per capability for each classifier.
    #[arg(long)]
    pub checks: Option<PathBuf>,
    /// A classifier: default, cross, ensemble (the shipped models), lexical, majority (fit on
    /// train.jsonl beside each data file), majority:TRAIN.jsonl, or a manifest file; may be
    /// repeated.
    #[arg(long = "classifier")]
    pub classifiers: Vec<String>,
    /// Bootstrap resamples for intervals and paired tests.
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: usize,
    /// Bootstrap seed.
    #[arg(long, default_value_t = 13)]
    pub seed: u64,
    /// Timed speed passes (median reported).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Items per classifier call.
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    /// Items per timed speed pass.
    #[arg(long, default_value_t = 1000)]
    pub speed_items: usize,
    /// Print the N most confident mistakes per set and classifier.
    #[arg(long, default_value_t = 0)]
    pub errors: usize,
    /// Write all results as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write per-item predictions (JSONL) here.
    #[arg(long)]
    pub predictions: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct BenchWorkerArgs {
    /// The worker's JSON spec, written by `bench`.
    pub spec: PathBuf,
    /// Where the worker writes its report.
    pub report: PathBuf,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Inputs: JSONL, CSV or .txt files (gzip allowed), folders of them, or "-" for JSONL
    /// on standard input.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output folder (created; a rerun with the same arguments resumes).
    #[arg(long, short)]
    pub out: PathBuf,
    /// A target; may be repeated.
    #[arg(long = "target", value_parser = parse_target)]
    pub targets: Vec<String>,
    /// A file of targets, one per line (# comments allowed).
    #[arg(long)]
    pub targets_file: Option<PathBuf>,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    pub format: FormatArg,
    /// Field (JSONL) or column (CSV) holding the document id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// Field (JSONL) or column (CSV) holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// Group summaries by a metadata field, or a date field by day/week/month
    /// (e.g. source, speaker, date:week), or several crossed with "+" (source+date:month: one
    /// line per source over time in the report); may be repeated. "all" is always there.
    /// "speaker" uses the input's speaker field, else the speakers found in the text.
    #[arg(long = "group-by", default_values_t = standpoint_pipeline::run::defaults::GROUP_BY.map(String::from))]
    pub group_by: Vec<String>,
    /// Evidence sentences kept per side for each document and group.
    #[arg(long, default_value_t = standpoint_pipeline::run::defaults::EVIDENCE)]
    pub evidence: usize,
    /// Net score needed for a FAVOR/AGAINST decision (else MIXED).
    #[arg(long, default_value_t = standpoint_aggregate::DecisionRule::default().margin, value_parser = margin)]
    pub margin: f64,
    /// Stance-bearing sentences needed for any decision but NONE.
    #[arg(long, default_value_t = standpoint_aggregate::DecisionRule::default().min_stance_sentences)]
    pub min_stance_sentences: u64,
    /// Documents per chunk (the unit of checkpointing).
    #[arg(long, default_value_t = standpoint_pipeline::run::defaults::CHUNK_DOCS, value_parser = positive)]
    pub chunk_docs: usize,
    /// Sentences per classifier call (a chunk's sentences go in calls of this size; larger calls
    /// let the encoder batch more sentences of one length together).
    #[arg(long, default_value_t = standpoint_pipeline::run::defaults::BATCH_SENTENCES, value_parser = positive)]
    pub batch_sentences: usize,
    /// Documents larger than this are reported and skipped.
    #[arg(long, default_value_t = standpoint_pipeline::run::defaults::MAX_DOC_BYTES, value_parser = positive)]
    pub max_doc_bytes: usize,
    /// Stop at the first bad record (exit 2) instead of reporting and skipping it.
    #[arg(long)]
    pub strict: bool,
    /// Process only shard K of N (by a stable hash of the document id). "auto" takes K and N
    /// from the scheduler (a Slurm job array task, or a Kubernetes Indexed Job pod with
    /// --shard-count) and writes into OUT/shard-K-of-N, so every task of an array can be given
    /// the same arguments.
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<ShardArg>,
    /// With --shard auto on Kubernetes: the Indexed Job's completions count (else read from
    /// STANDPOINT_SHARD_COUNT).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub shard_count: Option<u64>,
    /// Ignore an existing checkpoint in the output folder and start over.
    #[arg(long)]
    pub fresh: bool,
    /// Also write OUT/report.html, the run's report (see `standpoint report`).
    #[arg(long)]
    pub report: bool,
    /// A hand-labelled sample of this run (`standpoint sample`, labels filled): write
    /// OUT/estimates.json, corrected shares and net (PPI++) overall and per grouping, which the
    /// report shows beside the classifier's own (docs/validation.md).
    #[arg(long)]
    pub labels: Option<PathBuf>,
    /// Find speakers with the trained attribution tagger instead of the rules: `default` (the
    /// shipped models/attribution-tagger) or a folder from `standpoint train-tagger`; twice or
    /// more, an ensemble. Better attribution, slower (docs/attribution.md).
    #[arg(long, value_name = "DIR")]
    pub tagger: Vec<PathBuf>,
    /// With --tagger: keep the tagger's direct quotes and the attributions whose cue is a
    /// reporting word, and let the rules find the rest (the path with the most right speakers on
    /// PolNeAR dev; docs/attribution.md).
    #[arg(long, requires = "tagger")]
    pub combine: bool,
    #[command(flatten)]
    pub report_limits: ReportLimits,
    /// Threads for sentence segmentation (rayon).
    #[arg(long, default_value_t = 1, value_parser = positive)]
    pub segment_threads: usize,
    /// No progress bar.
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Input formats (`standpoint_pipeline::read::Format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// By extension: .jsonl/.ndjson/.json (JSONL), .csv, .txt; in folders, each file by its own;
    /// a trailing .gz is looked through. Standard input is JSONL.
    Auto,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// Each file is one document.
    Txt,
}

impl From<FormatArg> for standpoint_pipeline::read::Format {
    fn from(f: FormatArg) -> Self {
        use standpoint_pipeline::read::Format;
        match f {
            FormatArg::Auto => Format::Auto,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
            FormatArg::Txt => Format::Txt,
        }
    }
}

#[derive(Debug, Args)]
pub struct AttributeArgs {
    /// Inputs as for `run` (JSONL, CSV, .txt files or folders, "-" for JSONL on stdin).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Field (JSONL) or column (CSV) holding the document id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// Field (JSONL) or column (CSV) holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// Find attributions with a trained tagger instead of the rules: `default` (the shipped
    /// models/attribution-tagger) or a folder from `standpoint train-tagger`; loads the
    /// encoder (libtorch). Given twice or more: an ensemble (label probabilities averaged).
    #[arg(long, value_name = "DIR")]
    pub tagger: Vec<PathBuf>,
    /// Sentence-encoder folder for --tagger (default: $STANDPOINT_ENCODER_DIR or
    /// .deps/models/all-MiniLM-L6-v2).
    #[arg(long, value_name = "DIR", requires = "tagger")]
    pub encoder: Option<PathBuf>,
    /// Threads for the tagger (default: all cores).
    #[arg(long, requires = "tagger")]
    pub threads: Option<usize>,
    /// Print the tagger's labelled spans (`{"id","tags":[{"kind","start","end"}]}`) instead of
    /// attributions.
    #[arg(long, requires = "tagger")]
    pub tags: bool,
    /// Keep the tagger's direct quotes and the attributions whose cue is a reporting word, and
    /// let the rules find the rest.
    #[arg(long, requires = "tagger", conflicts_with = "tags")]
    pub combine: bool,
    /// Numeric precision of the tagger's encoder: `fp32` (default) or `int8` (quantised at
    /// load; falls back to fp32 with a message where this CPU has no int8 kernels).
    #[arg(long, requires = "tagger")]
    pub precision: Option<standpoint_types::Precision>,
}

#[derive(Debug, Args)]
pub struct TrainTaggerArgs {
    /// PolNeAR-format training JSONL ({"id","text","attributions":[{"source","cue","content"}]}).
    #[arg(long)]
    pub data: PathBuf,
    /// Output folder (tagger.json + tagger.safetensors); with --keep-epochs also epoch-N/.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Passes over the data.
    #[arg(long, default_value_t = 3, value_parser = positive)]
    pub epochs: usize,
    /// LoRA adapter rank.
    #[arg(long, default_value_t = 8, value_parser = positive)]
    pub rank: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// Windows per step.
    #[arg(long, default_value_t = 8, value_parser = positive)]
    pub batch_size: usize,
    /// Tokens per window.
    #[arg(long, default_value_t = 256, value_parser = positive)]
    pub window: usize,
    /// Leave out the first N documents (to develop the decoding on them).
    #[arg(long, default_value_t = 0)]
    pub skip: usize,
    /// Use at most N documents (after --skip).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Random seed.
    #[arg(long, default_value_t = 13)]
    pub seed: u64,
    /// Also keep each epoch's tagger in OUT/epoch-N/ (to choose the epoch on dev).
    #[arg(long)]
    pub keep_epochs: bool,
    /// Sentence-encoder folder (default: $STANDPOINT_ENCODER_DIR or .deps/models/all-MiniLM-L6-v2).
    #[arg(long, value_name = "DIR")]
    pub encoder: Option<PathBuf>,
    /// Threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The output folder of `standpoint run` or `standpoint merge`.
    pub dir: PathBuf,
    /// The page to write (default: DIR/report.html).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub limits: ReportLimits,
}

#[derive(Debug, Args)]
pub struct SpeakersArgs {
    /// The output folder of `standpoint run` or `standpoint merge`.
    pub dir: PathBuf,
    /// Print JSON (one array of {key, aliases, roles, sentences, direct, documents}) instead
    /// of a table.
    #[arg(long)]
    pub json: bool,
    /// Speakers to list (those with the most sentences); 0: all.
    #[arg(long, default_value_t = 50)]
    pub top: usize,
}

/// How much of a large run a report shows.
#[derive(Debug, Args, Clone, Copy)]
pub struct ReportLimits {
    /// Documents in the report's table (the first ones, in input order).
    #[arg(long, default_value_t = 1000)]
    pub max_documents: usize,
    /// Groups per chart of net share by group (those with the most stance-bearing sentences).
    #[arg(long, default_value_t = 40)]
    pub max_groups: usize,
    /// Lines per time chart (the series with the most stance-bearing sentences).
    #[arg(long, default_value_t = 7)]
    pub max_series: usize,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// The output folder of `standpoint run`.
    pub dir: PathBuf,
    /// The target whose stance is labelled.
    #[arg(long)]
    pub target: String,
    /// Sentences to draw (with --add: how many more).
    #[arg(long, value_parser = positive)]
    pub n: usize,
    /// Seed of the draw (drawing more later needs the same).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stratify: a grouping (`source`, `date:month`), `speaker`, or `label` (the predicted
    /// label); strata sampled in proportion, at least two each.
    #[arg(long)]
    pub stratify_by: Option<String>,
    /// The sample file: .csv (for a spreadsheet) or .jsonl.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Draw N more into the existing file (same seed and design; its labels are kept).
    #[arg(long)]
    pub add: bool,
}

#[derive(Debug, Args)]
pub struct LabelArgs {
    /// The sample file from `standpoint sample` (labelled rows are shown with their labels).
    pub file: PathBuf,
    /// The page to write.
    #[arg(long, short)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct EstimateArgs {
    /// The output folder of `standpoint run` the sample was drawn from.
    pub dir: PathBuf,
    /// The labelled sample file (from `standpoint sample`, its `label` column filled).
    #[arg(long)]
    pub labels: PathBuf,
    /// Estimate per group: a grouping (`source`, `date:month`) or `speaker`.
    #[arg(long)]
    pub group_by: Option<String>,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95, value_parser = level)]
    pub level: f64,
    /// Also write the estimates as JSON.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Correct another classifier's predictions instead of the run's: a JSONL or CSV file with
    /// `doc` (or `seq`), `index` and `label` for every sentence of the run.
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,
}

/// A confidence level in (0, 1).
pub fn level(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(m) if m > 0.0 && m < 1.0 => Ok(m),
        Ok(m) => Err(format!("{m} is not between 0 and 1")),
        Err(e) => Err(format!("{s:?}: {e}")),
    }
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output folders of `standpoint run --shard K/N`.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Merged output folder.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Merge even if some shards are missing.
    #[arg(long)]
    pub partial: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// Direct tch forward pass (fused attention, native GELU).
    Native,
    /// rust-bert's SentenceEmbeddingsModel.
    RustBert,
}

#[derive(Debug, Args)]
pub struct SpeedArgs {
    /// Labelled or unlabelled JSONL with a "text" field (default: NewsMTSC dev_rw from the shared
    /// data folder).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// How many distinct sentences to encode per run.
    #[arg(long, default_value_t = 1000)]
    pub sentences: usize,
    /// Batch sizes to measure.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    pub batch_sizes: Vec<usize>,
    /// Timed runs per batch size (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Encoder implementation.
    #[arg(long, value_enum, default_value = "native")]
    pub backend: BackendArg,
    /// Also write the measurements as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
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

#[derive(Debug, Clone, Args, serde::Serialize, serde::Deserialize)]
pub struct ModelArgs {
    /// Model manifest, or the name of a shipped model: `default` (frozen encoder + head),
    /// `cross` (fine-tuned cross-encoder) or `ensemble` (both, averaged). Default:
    /// $STANDPOINT_MODEL or `default`.
    #[arg(long, value_name = "MANIFEST")]
    pub model: Option<PathBuf>,
    /// Sentence-encoder folder (default: $STANDPOINT_ENCODER_DIR or .deps/models/all-MiniLM-L6-v2).
    #[arg(long, value_name = "DIR")]
    pub encoder: Option<PathBuf>,
    /// Threads for model inference (torch intra-op threads); default: all cores.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Numeric precision of the encoders' dense layers: `fp32`, or `int8` (quantised at load;
    /// falls back to fp32 with a message where this CPU has no int8 kernels). Default: the
    /// model manifest's `"precision"`, else fp32.
    #[arg(long)]
    pub precision: Option<standpoint_types::Precision>,
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// A target to classify stance toward; may be repeated.
    #[arg(long = "target", required = true, value_parser = parse_target)]
    pub targets: Vec<String>,
    /// Input text (stdin when absent): one sentence per line, or whole documents with --segment.
    pub file: Option<PathBuf>,
    /// Segment the input into sentences first (offsets refer to the input).
    #[arg(long)]
    pub segment: bool,
    /// Sentences per classifier call.
    #[arg(long, default_value_t = 64, value_parser = positive)]
    pub batch: usize,
    /// Lines longer than this (one-sentence-per-line input) are reported and skipped.
    #[arg(long, default_value_t = 100_000, value_parser = positive)]
    pub max_line_bytes: usize,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// What `train` and `finetune` learn from.
#[derive(Debug, Args)]
pub struct TrainingData {
    /// Labelled JSONL training files ({"id","text","target","label"}); default: the documented
    /// mix from the shared data folder.
    #[arg(long = "data")]
    pub data: Vec<PathBuf>,
    /// Shared data folder (default: $STANDPOINT_SHARED_DATA or ../shared/data).
    #[arg(long)]
    pub shared: Option<PathBuf>,
    /// Random seed.
    #[arg(long, default_value_t = 13)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub training: TrainingData,
    /// Output folder for the head and its manifest.
    #[arg(long, default_value = "models/default")]
    pub out: PathBuf,
    /// Training epochs.
    #[arg(long, default_value_t = 30)]
    pub epochs: usize,
    /// Hidden width of the head.
    #[arg(long, default_value_t = 512)]
    pub hidden: usize,
    /// Embedding cache folder.
    #[arg(long, default_value = ".deps/cache")]
    pub cache: PathBuf,
    /// Add this fraction of extra NONE pairs: a training sentence with another example's
    /// (different) target.
    #[arg(long, default_value_t = 0.8)]
    pub negatives: f64,
    /// Multiply the weight of NONE examples whose text mentions the target (hard negatives:
    /// the target is named, no side is taken) by this factor.
    #[arg(long, default_value_t = 3.0)]
    pub hard_none_weight: f64,
    /// Adapt this trained frozen-encoder model (`default`, or a manifest) to hand labels instead
    /// of training from scratch: `--data` then names labelled sample files (from `standpoint
    /// sample`), the head is fine-tuned from the model's weights, measured by cross-fitting, and
    /// written to `--out` (which must be another folder).
    #[arg(long, value_name = "MODEL")]
    pub from: Option<PathBuf>,
    /// Folds for the cross-fitted measurement of an adaptation (`--from`).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(2..=50))]
    pub folds: u64,
    /// Epochs over the labels when adapting (`--from`).
    #[arg(long, default_value_t = 20)]
    pub adapt_epochs: usize,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct FinetuneArgs {
    #[command(flatten)]
    pub training: TrainingData,
    /// Output folder for the adapters and the manifest (written after every epoch).
    #[arg(long, default_value = "models/cross")]
    pub out: PathBuf,
    /// Training epochs.
    #[arg(long, default_value_t = 1)]
    pub epochs: usize,
    /// Adapter rank.
    #[arg(long, default_value_t = 8)]
    pub rank: usize,
    /// Adapter scale numerator (updates scaled by alpha / rank).
    #[arg(long, default_value_t = 16.0)]
    pub alpha: f64,
    /// Peak learning rate.
    #[arg(long, default_value_t = 5e-4)]
    pub lr: f64,
    /// Pairs per step.
    #[arg(long, default_value_t = 16)]
    pub batch_size: usize,
    /// Maximum tokens per (target, sentence) pair.
    #[arg(long, default_value_t = 128)]
    pub max_length: usize,
    /// Add this fraction of extra NONE pairs (a sentence with another example's target).
    #[arg(long, default_value_t = 0.25)]
    pub negatives: f64,
    /// Multiply the weight of NONE examples whose text mentions the target (hard negatives:
    /// the target is named, no side is taken) by this factor.
    #[arg(long, default_value_t = 1.0)]
    pub hard_none_weight: f64,
    /// Labelled JSONL files whose labels are the sentiment of the text toward the target, not
    /// the stance it takes (NewsMTSC): read with the target "sentiment toward T", so the model
    /// learns the two tasks apart; not augmented; may be repeated.
    #[arg(long = "sentiment-data", value_name = "JSONL")]
    pub sentiment_data: Vec<PathBuf>,
    /// Train on a seeded random sample of this many examples (quick runs).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Score the dev sets after every epoch (default: only after the last).
    #[arg(long)]
    pub dev_every_epoch: bool,
    /// Train a bi-encoder (the sentence encoder with adapters + the default's head; one
    /// encoder pass per sentence, however many targets) instead of a cross-encoder; written
    /// as an `encoder_head` manifest naming the adapters.
    #[arg(long)]
    pub bi_encoder: bool,
    /// Hidden width of the bi-encoder's head.
    #[arg(long, default_value_t = 512)]
    pub hidden: usize,
    /// Distil from this model (manifest or shipped name): every training example learns
    /// `--teacher-weight` x the teacher's probabilities + the rest from its label. The
    /// teacher's probabilities are cached in the checkpoint folder.
    #[arg(long, value_name = "MANIFEST")]
    pub teacher: Option<PathBuf>,
    /// Start from this model (its manifest.json) instead of fresh weights: continue an earlier
    /// model's training in a later session, e.g. on a new `--limit` sample (another `--seed`).
    /// A cross-encoder starts from a cross-encoder's adapters and classifier (same encoder,
    /// `--rank` and `--alpha`); `--bi-encoder` from an `encoder_head` model's head (same
    /// `--hidden`) and its adapters when it has them, e.g. from `models/default/manifest.json`.
    #[arg(long, value_name = "MANIFEST")]
    pub init: Option<PathBuf>,
    /// Precision the teacher reads in: `fp32`, or `int8` (about twice as fast; measured
    /// within a tenth of a point on the behavioural suite for the MPNet teacher).
    #[arg(long, default_value = "fp32", requires = "teacher")]
    pub teacher_precision: standpoint_types::Precision,
    /// Unlabelled articles (JSONL `{"id","text"}`) whose sentences, paired with each article's
    /// most-mentioned names and with training targets, the teacher labels (needs --teacher).
    #[arg(long, value_name = "JSONL", requires = "teacher")]
    pub unlabelled: Option<PathBuf>,
    /// At most this many unlabelled pairs (a seeded sample).
    #[arg(long, default_value_t = 20_000)]
    pub unlabelled_pairs: usize,
    /// Share of the teacher in each example's target distribution.
    #[arg(long, default_value_t = 0.5)]
    pub teacher_weight: f64,
    /// Add the rule-made counterfactual and context examples (`standpoint_stance::augment`)
    /// at this weight relative to the mean example (0: none).
    #[arg(long, default_value_t = 0.0)]
    pub augment: f64,
    /// Generator version of --augment: 1 (the first rules), 2 (adds indirect reported
    /// speech), 3 (adds two more difficulty sentences per target), 4 (adds sentences about
    /// something else after a stanced sentence on the target, NONE). A run resumes only with
    /// the version it started with.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=4))]
    pub augment_version: u32,
    /// Checkpoint folder (trainable weights, optimiser state, position; replaced atomically).
    /// Default: `$XDG_CACHE_HOME/standpoint/train/` (or `~/.cache/...`) and a name made from
    /// `--out`. Keep it outside a work tree that is laid anew.
    #[arg(long)]
    pub checkpoint_dir: Option<PathBuf>,
    /// Minutes between checkpoints (also written after every epoch).
    #[arg(long, default_value_t = 5.0)]
    pub checkpoint_minutes: f64,
    /// Also write a checkpoint every N steps (0: by time only).
    #[arg(long, default_value_t = 0, hide = true)]
    pub checkpoint_steps: usize,
    /// Continue the run whose checkpoint is in the checkpoint folder (same command and data;
    /// refused otherwise). Without it a checkpoint there is replaced.
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// `--shard`: a fixed shard, or one taken from the scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardArg {
    /// `K/N`.
    Fixed(standpoint_pipeline::shard::Shard),
    /// `auto`.
    Auto,
}

impl std::str::FromStr for ShardArg {
    type Err = standpoint_pipeline::shard::ParseShardError;

    fn from_str(s: &str) -> Result<ShardArg, Self::Err> {
        if s.trim() == "auto" {
            Ok(ShardArg::Auto)
        } else {
            s.parse().map(ShardArg::Fixed)
        }
    }
}
