//! `standpoint train-tagger` (a source / cue / content span tagger trained on PolNeAR-format
//! data) and `standpoint attribute --tagger DIR` (attributions from its spans).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use standpoint_attribute::{Attribution, Attributor, Span, Tag, TagKind};
use standpoint_cli::args::{AttributeArgs, TrainTaggerArgs};
use standpoint_cli::Outcome;
use standpoint_pipeline::attributions::{read_gold, write_attributions};
use standpoint_pipeline::Attribute;
use standpoint_stance::locate;

use standpoint_stance::set_threads;
use standpoint_stance::tagger::{
    tag_ensemble, SpanTagger, TaggedSpan, TaggerConfig, TaggerExample, TaggerManifest,
    TaggerTrainer,
};

fn kind_names() -> Vec<String> {
    TagKind::ALL.iter().map(|k| k.name().to_string()).collect()
}

/// Attributions from the tagger's spans, for `attribute --tagger` and `run --tagger`. The
/// taggers' tensors are not `Sync`: a run's reader threads take turns at tagging (each call
/// uses the torch threads) and decode in parallel.
pub struct TaggerAttribution {
    taggers: Mutex<Vec<SpanTagger>>,
    decoder: Attributor,
    /// The rules fill in where the tagger's attributions are no reporting ones
    /// ([`Attributor::combine`]).
    combine: bool,
}

impl TaggerAttribution {
    /// Loads the taggers named on the command line (`default` or folders; more than one: an
    /// ensemble) over the encoder in `encoder` (default: the usual place); each must label
    /// source, cue and content.
    pub fn load(
        specs: &[PathBuf],
        encoder: Option<&Path>,
        precision: standpoint_stance::Precision,
    ) -> Result<TaggerAttribution> {
        if specs.is_empty() {
            bail!("--tagger is required here");
        }
        let encoder = locate::encoder_dir(encoder);
        let mut taggers = Vec::new();
        for spec in specs {
            let dir = &locate::tagger_dir(spec)?;
            let mut tagger = SpanTagger::load(dir, &encoder)
                .with_context(|| format!("loading the tagger in {}", dir.display()))?;
            if precision == standpoint_stance::Precision::Int8 {
                tagger
                    .quantize()
                    .with_context(|| format!("quantising the tagger in {}", dir.display()))?;
            }
            if tagger.kinds() != kind_names() {
                bail!(
                    "{}: the tagger labels {:?}; attribution needs [\"source\", \"cue\", \"content\"]",
                    dir.display(),
                    tagger.kinds()
                );
            }
            taggers.push(tagger);
        }
        Ok(TaggerAttribution {
            taggers: Mutex::new(taggers),
            decoder: Attributor::default(),
            combine: false,
        })
    }

    /// With `combine`, the tagger's reporting attributions and the rules' for the rest.
    pub fn combined(mut self, combine: bool) -> TaggerAttribution {
        self.combine = combine;
        self
    }

    /// The attributions of `text` from its labelled spans `tags`.
    fn decode(&self, text: &str, tags: &[Tag]) -> Vec<Attribution> {
        let found = self.decoder.from_tags(text, tags);
        match self.combine {
            true => self.decoder.combine(text, found),
            false => found,
        }
    }

    /// The labelled spans of `text`.
    fn tags(&self, text: &str) -> std::result::Result<Vec<Tag>, String> {
        // A panic while tagging is caught inside `tag_ensemble`; the taggers stay usable.
        let taggers = self.taggers.lock().unwrap_or_else(|p| p.into_inner());
        let spans = tag_ensemble(&taggers, text).map_err(|e| e.to_string())?;
        Ok(spans
            .iter()
            .map(|s| Tag {
                kind: TagKind::ALL[s.kind],
                span: Span {
                    start: s.start,
                    end: s.end,
                },
            })
            .collect())
    }
}

impl Attribute for TaggerAttribution {
    fn find(&self, text: &str) -> std::result::Result<Vec<Attribution>, String> {
        let tags = self.tags(text)?;
        Ok(self.decode(text, &tags))
    }
}

/// Attributions of every document from the tagger's spans (or, with `--tags`, the spans).
pub fn attribute(a: AttributeArgs) -> Result<Outcome> {
    set_threads(a.threads);
    let precision = crate::model_setup::usable(a.precision.unwrap_or_default());
    let tagger =
        TaggerAttribution::load(&a.tagger, a.encoder.as_deref(), precision)?.combined(a.combine);
    standpoint_cli::commands::for_each_document(&a, |out, doc| {
        let tags = match tagger.tags(&doc.text) {
            Ok(tags) => tags,
            Err(err) => return Ok(Err(err)),
        };
        if a.tags {
            let tags: Vec<serde_json::Value> = tags
                .iter()
                .map(|t| {
                    serde_json::json!({"kind": t.kind.name(), "start": t.span.start, "end": t.span.end})
                })
                .collect();
            serde_json::to_writer(&mut *out, &serde_json::json!({"id": doc.id, "tags": tags}))?;
            out.write_all(b"\n")?;
        } else {
            write_attributions(out, &doc.id, &tagger.decode(&doc.text, &tags))?;
        }
        Ok(Ok(()))
    })
}

fn save(model: &SpanTagger, manifest: &TaggerManifest, dir: &Path) -> Result<()> {
    model
        .save(dir, manifest)
        .with_context(|| format!("writing the tagger to {}", dir.display()))
}

/// Trains the tagger and writes it (after every epoch, so an interrupted run leaves the last
/// finished epoch).
pub fn train(a: TrainTaggerArgs) -> Result<Outcome> {
    let n_threads = set_threads(a.threads);
    let file =
        std::fs::File::open(&a.data).with_context(|| format!("opening {}", a.data.display()))?;
    let mut outcome = Outcome::Clean;
    let data = a.data.display().to_string();
    let mut docs = read_gold(io::BufReader::new(file), |line, e| {
        warn!("standpoint: {data}:{line}: {e}; skipped");
        outcome = Outcome::Skipped;
    })
    .with_context(|| format!("reading {data}"))?;
    docs.drain(..a.skip.min(docs.len()));
    docs.truncate(a.limit.unwrap_or(usize::MAX));
    let examples: Vec<TaggerExample<'_>> = docs
        .iter()
        .map(|d| TaggerExample {
            text: &d.text,
            spans: d
                .tags
                .iter()
                .map(|t| TaggedSpan {
                    kind: t.kind.index(),
                    start: t.span.start,
                    end: t.span.end,
                })
                .collect(),
        })
        .collect();
    // Fail before training, not after, when the output folder cannot be made.
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let encoder = locate::encoder_dir(a.encoder.as_deref());
    let encoder_name = encoder
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let config = TaggerConfig {
        seed: a.seed,
        epochs: a.epochs,
        rank: a.rank,
        learning_rate: a.lr,
        batch_size: a.batch_size,
        window: a.window,
        ..TaggerConfig::default()
    };
    warn!(
        "standpoint: training the tagger on {} documents from {data}, {n_threads} thread(s), \
         {} epoch(s), rank {}, window {}",
        examples.len(),
        a.epochs,
        a.rank,
        a.window
    );
    let started = Instant::now();
    let mut progress = crate::model_setup::StepBar::new(a.epochs);
    let record = |epoch: usize, loss: f64| {
        serde_json::json!({
            "data": data, "skipped": a.skip, "documents": examples.len(), "epochs": epoch,
            "rank": a.rank,
            "learning_rate": a.lr, "batch_size": a.batch_size, "window": a.window,
            "seed": a.seed, "threads": n_threads, "final_loss": loss,
            "seconds": started.elapsed().as_secs(),
        })
    };
    let trainer = TaggerTrainer { config };
    trainer.train(&encoder, &encoder_name, &kind_names(), &examples, |event| {
        let Some((epoch, mean_loss, model)) = progress.event(event, started) else {
            return Ok(());
        };
        let mut manifest = model.manifest().clone();
        manifest.training = record(epoch, mean_loss);
        let result = save(model, &manifest, &a.out).and_then(|()| {
            if a.keep_epochs {
                save(model, &manifest, &a.out.join(format!("epoch-{epoch}")))
            } else {
                Ok(())
            }
        });
        result.map_err(|e| standpoint_stance::Error::Callback(e.into_boxed_dyn_error()))
    })?;
    progress.bar.finish_and_clear();
    warn!(
        "standpoint: wrote {} in {:.0} min; score it with \
         `python3 ../shared/data/attribution/score.py --cmd \"standpoint attribute --tagger {}\"`",
        a.out.display(),
        started.elapsed().as_secs_f64() / 60.0,
        a.out.display()
    );
    Ok(outcome)
}
