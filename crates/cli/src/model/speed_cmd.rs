//! `standpoint speed`: encoder and classifier throughput (sentences/s) at several batch sizes,
//! after a warm-up, median of several timed runs, with the peak resident memory.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use standpoint_stance::data::read_jsonl;
use standpoint_stance::speed::{batch_speeds, distinct_texts, peak_rss_mib, profile};
use standpoint_stance::{Encoder, EncoderBackend};

use crate::model_setup::encoder_dir;
use standpoint_cli::args::{BackendArg, SpeedArgs};
use standpoint_cli::Outcome;
use standpoint_stance::set_threads;
use standpoint_stance::train::shared_dir;

/// sentence-transformers 3.0.1 on this machine kind, 2 threads (../shared/notes), by batch size.
const SENTENCE_TRANSFORMERS: &[(usize, f64)] = &[(1, 119.0), (16, 125.0), (64, 88.0)];

pub fn run(a: SpeedArgs) -> Result<Outcome> {
    let threads = set_threads(a.model.threads);
    let data = a
        .data
        .clone()
        .unwrap_or_else(|| shared_dir(None).join("stance/newsmtsc/dev_rw.jsonl"));
    let (good, bad) = read_jsonl(&data)?;
    for e in &bad {
        warn!("standpoint: {e}; skipped");
    }
    let texts = distinct_texts(&good, a.sentences);
    anyhow::ensure!(!texts.is_empty(), "no sentences in {}", data.display());
    let backend = match a.backend {
        BackendArg::Native => EncoderBackend::Native,
        BackendArg::RustBert => EncoderBackend::RustBert,
    };
    let dir: PathBuf = encoder_dir(&a.model);
    let t0 = Instant::now();
    let encoder = Encoder::load_with(&dir, backend)
        .with_context(|| format!("loading encoder {}", dir.display()))?;
    let load_s = t0.elapsed().as_secs_f64();
    let p = profile(&encoder, &texts)?;
    let (mean_tokens, tok_rate, gflops, limit) =
        (p.mean_tokens, p.tokenizer_rate, p.gemm_gflops, p.limit);
    println!(
        "{} sentences from {} (mean {:.1} tokens incl. [CLS]/[SEP]), backend {:?}, {} threads, \
         load {:.2} s, {} timed runs after warm-up",
        texts.len(),
        data.display(),
        mean_tokens,
        encoder.backend(),
        threads,
        load_s,
        a.runs
    );
    println!(
        "tokenizer ({}): {tok_rate:.0} sentences/s on one thread (median of 5 passes)",
        match encoder.backend() {
            EncoderBackend::Native => "tokenizers crate, tokenizer.json",
            EncoderBackend::RustBert => "rust_tokenizers, vocab.txt",
        }
    );
    println!(
        "machine: fp32 GEMM {gflops:.0} GFLOP/s on {threads} threads; {:.2} GFLOP per mean sentence \
         -> physical limit about {limit:.0} sentences/s",
        p.gflop_per_text
    );
    // int8 beside fp32: the same texts through an encoder quantised at load, and how far its
    // vectors move (cosine to the fp32 vector of the same sentence).
    let int8 = match standpoint_stance::int8_available() {
        Err(why) => {
            println!("int8: not available here ({why})");
            None
        }
        Ok(()) => {
            let mut q = Encoder::load_with(&dir, backend)?;
            match q.quantize() {
                Err(e) => {
                    println!("int8: not available for this encoder ({e})");
                    None
                }
                Ok(()) => {
                    let sample = &texts[..texts.len().min(256)];
                    let (a32, a8) = (encoder.encode(sample)?, q.encode(sample)?);
                    let cos = tch::Tensor::cosine_similarity(&a32, &a8, 1, 1e-8);
                    let mean = cos.mean(tch::Kind::Double).double_value(&[]);
                    let min = cos.min().double_value(&[]);
                    Some((q, mean, min))
                }
            }
        }
    };
    let backend = encoder.backend();
    let results = batch_speeds(encoder, &texts, &a.batch_sizes, a.runs)?;
    let (int8_results, cosine) = match int8 {
        Some((q, mean, min)) => (
            Some(batch_speeds(q, &texts, &a.batch_sizes, a.runs)?),
            Some((mean, min)),
        ),
        None => (None, None),
    };
    println!();
    println!("| batch | fp32 sentences/s (median) | min..max | int8 sentences/s | int8 / fp32 | vs sentence-transformers (notes' machine) | fp32 share of measured limit |");
    println!("|---|---|---|---|---|---|---|");
    for (i, r) in results.iter().enumerate() {
        let (bs, med) = (r.batch_size, r.median);
        let lo = r.runs.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = r.runs.iter().cloned().fold(0.0, f64::max);
        let st = SENTENCE_TRANSFORMERS
            .iter()
            .find(|(b, _)| *b == bs)
            .map_or("-".into(), |(_, r)| format!("{:.2}x ({r:.0}/s)", med / r));
        let (q, ratio) = match int8_results.as_ref().and_then(|v| v.get(i)) {
            Some(q) => (
                format!("{:.1}", q.median),
                format!("{:.2}x", q.median / med),
            ),
            None => ("-".into(), "-".into()),
        };
        println!(
            "| {bs} | {med:.1} | {lo:.1}..{hi:.1} | {q} | {ratio} | {st} | {:.0}% |",
            100.0 * med / limit,
        );
    }
    if let Some((mean, min)) = cosine {
        println!();
        println!("int8 vs fp32 sentence vectors: cosine mean {mean:.5}, min {min:.5}");
    }
    let peak = peak_rss_mib();
    println!();
    println!(
        "peak RSS: {}",
        peak.map_or("unknown".into(), |m| format!("{m:.0} MiB"))
    );
    if let Some(path) = &a.json {
        let doc = serde_json::json!({
            "data": data, "sentences": texts.len(), "mean_tokens": mean_tokens,
            "backend": format!("{backend:?}"), "threads": threads,
            "load_seconds": load_s, "results": results, "peak_rss_mib": peak,
            "int8_results": int8_results,
            "int8_cosine": cosine.map(|(mean, min)| serde_json::json!({"mean": mean, "min": min})),
            "tokenizer_sentences_per_s": tok_rate,
            "gemm_gflops": gflops, "gflop_per_sentence": p.gflop_per_text, "limit_sentences_per_s": limit,
        });
        std::fs::write(path, serde_json::to_string_pretty(&doc)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(Outcome::skipped_if(!(bad.is_empty())))
}
