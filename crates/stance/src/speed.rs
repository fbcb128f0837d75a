//! Measuring the encoder (`standpoint speed`): throughput at a batch size, the tokenizer's rate,
//! the machine's fp32 matrix-multiply rate and the physical limit it sets, peak memory.

use std::time::Instant;

use crate::eval::quantile;
use crate::{Encoder, Error};

/// Peak resident set size of this process in MiB (Linux `VmHWM`; `None` elsewhere).
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Measured fp32 matrix-multiply rate of this machine with the current thread budget, GFLOP/s
/// (best of several 1024x1024x1024 products): the ceiling an encoder forward pass can approach.
pub fn gemm_gflops() -> f64 {
    let n = 1024i64;
    let a = tch::Tensor::randn([n, n], (tch::Kind::Float, tch::Device::Cpu));
    let b = tch::Tensor::randn([n, n], (tch::Kind::Float, tch::Device::Cpu));
    let mut best = 0.0f64;
    for _ in 0..8 {
        let t = Instant::now();
        let c = a.matmul(&b);
        let secs = t.elapsed().as_secs_f64();
        drop(c);
        best = best.max(2.0 * (n * n * n) as f64 / secs / 1e9);
    }
    best
}

/// What the texts and the machine allow.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// Mean tokens per text, [CLS] and [SEP] included.
    pub mean_tokens: f64,
    /// Texts tokenized per second on one thread (median of 5 passes).
    pub tokenizer_rate: f64,
    /// Dense GFLOP of one forward pass over the mean text.
    pub gflop_per_text: f64,
    /// The machine's fp32 GEMM rate, GFLOP/s.
    pub gemm_gflops: f64,
    /// Texts per second at that GEMM rate: the physical limit.
    pub limit: f64,
}

/// Profiles `texts` with `encoder`: token counts, tokenizer rate, and the FLOP limit (dense
/// FLOPs of a BERT forward pass per text: 2 x non-embedding weights x tokens; the attention
/// score products are small at these lengths and left out).
pub fn profile(encoder: &Encoder, texts: &[&str]) -> Result<Profile, Error> {
    let tokens = encoder.token_counts(texts)?;
    let mut rates = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let n = encoder.token_counts(texts)?.len();
        rates.push(n as f64 / t.elapsed().as_secs_f64().max(1e-9));
    }
    let mean_tokens = tokens.iter().sum::<usize>() as f64 / tokens.len().max(1) as f64;
    let flop = 2.0 * encoder.dense_parameters() as f64 * mean_tokens;
    let gemm = gemm_gflops();
    Ok(Profile {
        mean_tokens,
        tokenizer_rate: quantile(&rates, 0.5),
        gflop_per_text: flop / 1e9,
        gemm_gflops: gemm,
        limit: gemm * 1e9 / flop,
    })
}

/// Texts per second of `runs` timed passes over `texts`, after a warm-up pass over the first 64.
pub fn encode_rates(encoder: &Encoder, texts: &[&str], runs: usize) -> Result<Vec<f64>, Error> {
    let _warm = encoder.encode(&texts[..texts.len().min(64)])?;
    let mut rates = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let out = encoder.encode(texts)?;
        let secs = t.elapsed().as_secs_f64();
        if out.size()[0] as usize != texts.len() {
            return Err(Error::OutputShape {
                got: out.size(),
                expected: vec![texts.len() as i64, encoder.dim() as i64],
            });
        }
        rates.push(texts.len() as f64 / secs.max(1e-9));
    }
    Ok(rates)
}

/// Throughput at one batch size.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BatchSpeed {
    /// Texts per encoder pass.
    pub batch_size: usize,
    /// The median of `runs`, texts per second.
    pub median: f64,
    /// Each timed pass, texts per second.
    pub runs: Vec<f64>,
}

/// [`encode_rates`] at each batch size.
pub fn batch_speeds(
    encoder: Encoder,
    texts: &[&str],
    batch_sizes: &[usize],
    runs: usize,
) -> Result<Vec<BatchSpeed>, Error> {
    let mut encoder = encoder;
    let mut out = Vec::new();
    for &bs in batch_sizes {
        encoder = encoder.with_batch_size(bs);
        let rates = encode_rates(&encoder, texts, runs)?;
        out.push(BatchSpeed {
            batch_size: bs,
            median: quantile(&rates, 0.5),
            runs: rates,
        });
    }
    Ok(out)
}

/// Up to `n` distinct texts, in order.
pub fn distinct_texts(examples: &[crate::data::Example], n: usize) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    examples
        .iter()
        .map(|e| e.text.as_str())
        .filter(|t| seen.insert(*t))
        .take(n)
        .collect()
}
