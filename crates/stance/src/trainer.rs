//! The training loop the fine-tuned models share (feature `model`): length-bucketed shuffled
//! batches, AdamW with linear warm-up and decay, step and epoch events, checkpoints and resume
//! ([`crate::checkpoint`]). A model supplies its trainable tensors and the loss of a batch.

use tch::{Kind, Tensor};

use crate::checkpoint::{
    epoch_seed, seed_step, AdamW, CheckpointSpec, Checkpoints, Fingerprint, TrainPosition,
};
use crate::cross::{FineTuneExample, TrainEvent};
use crate::metrics::SplitMix64;
use crate::native::warmup_linear;
use crate::Error;

/// What the loop needs besides the model.
pub(crate) struct LoopSpec<'a> {
    pub seed: u64,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub weight_decay: f64,
    /// Token count of each example (batches hold similar lengths).
    pub lengths: &'a [usize],
    /// Checkpoints, with the fingerprint of the run.
    pub checkpoint: Option<(CheckpointSpec, Fingerprint)>,
}

/// Runs the epochs: `loss(model, batch)` is a batch's loss (with gradients), `params` the
/// tensors it trains.
pub(crate) fn run<M>(
    model: &M,
    params: Vec<(String, Tensor)>,
    spec: LoopSpec<'_>,
    mut loss: impl FnMut(&M, &[usize]) -> Result<Tensor, Error>,
    mut on_event: impl FnMut(TrainEvent<'_, M>) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut opt = AdamW::new(params, spec.weight_decay);
    let mut checkpoints = None;
    let mut position = None;
    if let Some((cs, fp)) = spec.checkpoint {
        let (cp, pos) = Checkpoints::open(cs, fp)?;
        if let Some(pos) = &pos {
            cp.load_into(pos, &mut opt)?;
        }
        checkpoints = Some(cp);
        position = pos;
    }
    let bs = spec.batch_size.max(1);
    let steps_per_epoch = spec.lengths.len().div_ceil(bs);
    let total = (steps_per_epoch * spec.epochs).max(1);
    let warmup = (total as f64 * 0.06).ceil().max(1.0);
    let (first_epoch, mut skip, mut sum, mut done, seconds_before) = match &position {
        Some(p) => (p.epoch, p.step, p.loss_sum, p.global_step, p.seconds),
        None => (1, 0, 0.0, 0, 0.0),
    };
    let mut last_mean = position.as_ref().map_or(0.0, |p| p.last_mean_loss);
    let started = std::time::Instant::now();
    let position_at = |epoch: usize, step: usize, done: usize, sum: f64, last: f64| TrainPosition {
        version: 1,
        fingerprint: String::new(),
        epoch,
        step,
        global_step: done,
        loss_sum: sum,
        last_mean_loss: last,
        seconds: seconds_before + started.elapsed().as_secs_f64(),
        weights: String::new(),
        weights_len: 0,
        weights_hash: String::new(),
    };
    for epoch in first_epoch..=spec.epochs {
        let mut rng = SplitMix64::new(epoch_seed(spec.seed, epoch));
        let batches = length_bucketed(spec.lengths, bs, &mut rng);
        let steps = batches.len();
        for (k, batch) in batches.iter().enumerate().skip(skip) {
            seed_step(spec.seed, done);
            let lr = warmup_linear(spec.learning_rate, done, total, warmup);
            let l = loss(model, batch)?;
            let lv = opt.step(&l, lr, epoch, k + 1)?;
            sum += lv;
            done += 1;
            on_event(TrainEvent::Step {
                epoch,
                step: k + 1,
                steps,
                loss: lv,
            })?;
            if let Some(cp) = checkpoints.as_mut() {
                if k + 1 < steps && cp.due(done) {
                    cp.save(position_at(epoch, k + 1, done, sum, last_mean), &opt)?;
                }
            }
        }
        skip = 0;
        last_mean = sum / steps.max(1) as f64;
        on_event(TrainEvent::Epoch {
            epoch,
            mean_loss: last_mean,
            model,
        })?;
        sum = 0.0;
        if let Some(cp) = checkpoints.as_mut() {
            cp.save(position_at(epoch + 1, 0, done, 0.0, last_mean), &opt)?;
        }
    }
    if first_epoch > spec.epochs && spec.epochs > 0 {
        // Resuming a finished run: its model is handed out again (the caller writes it).
        on_event(TrainEvent::Epoch {
            epoch: spec.epochs,
            mean_loss: last_mean,
            model,
        })?;
    }
    Ok(())
}

/// The weighted loss of a batch: cross-entropy against each example's label, or against its
/// `soft` distribution when it has one; weights relative to `mean_weight`.
pub(crate) fn weighted_loss(
    logits: &Tensor,
    examples: &[FineTuneExample<'_>],
    batch: &[usize],
    mean_weight: f64,
) -> Tensor {
    let w: Vec<f32> = batch
        .iter()
        .map(|&i| (examples[i].weight as f64 / mean_weight) as f32)
        .collect();
    let ce = if batch.iter().all(|&i| examples[i].soft.is_none()) {
        let y: Vec<i64> = batch
            .iter()
            .map(|&i| examples[i].label.index() as i64)
            .collect();
        logits.cross_entropy_loss::<Tensor>(
            &Tensor::from_slice(&y),
            None,
            tch::Reduction::None,
            -100,
            0.0,
        )
    } else {
        let mut dist = Vec::with_capacity(batch.len() * 3);
        for &i in batch {
            let e = &examples[i];
            match e.soft {
                Some(p) => dist.extend_from_slice(&p),
                None => {
                    let mut one = [0f32; 3];
                    one[e.label.index()] = 1.0;
                    dist.extend_from_slice(&one);
                }
            }
        }
        let dist = Tensor::from_slice(&dist).view([batch.len() as i64, 3]);
        -(logits.log_softmax(-1, Kind::Float) * dist).sum_dim_intlist(
            [1i64].as_slice(),
            false,
            Kind::Float,
        )
    };
    let wt = Tensor::from_slice(&w);
    (&ce * &wt).sum(Kind::Float) / wt.sum(Kind::Float)
}

/// The mean weight of examples (the loss divides by it).
pub(crate) fn mean_weight(examples: &[FineTuneExample<'_>]) -> f64 {
    examples.iter().map(|e| e.weight as f64).sum::<f64>() / examples.len().max(1) as f64
}

/// Adds what decides a run's examples to a fingerprint.
pub(crate) fn add_examples(f: &mut Fingerprint, examples: &[FineTuneExample<'_>]) {
    f.add_u64(examples.len() as u64);
    for e in examples {
        f.add_str(e.text)
            .add_str(e.target)
            .add_str(e.context)
            .add_u64(e.label.index() as u64)
            .add_u64(e.weight.to_bits() as u64);
        if let Some(p) = e.soft {
            for x in p {
                f.add_u64(x.to_bits() as u64);
            }
        }
    }
}

/// A fingerprint that starts with the model kind (`"cross-encoder v1"`) and the settings that
/// decide a fine-tuning run.
pub(crate) fn config_fingerprint(kind: &str, c: &crate::cross::FineTuneConfig) -> Fingerprint {
    let mut f = Fingerprint::default();
    f.add_str(kind)
        .add_u64(c.seed)
        .add_u64(c.epochs as u64)
        .add_u64(c.rank as u64)
        .add_f64(c.alpha)
        .add_f64(c.learning_rate)
        .add_f64(c.weight_decay)
        .add_u64(c.batch_size as u64)
        .add_u64(c.max_length as u64);
    f
}

/// Adds an encoder folder's files (names and sizes) to a fingerprint.
pub(crate) fn add_encoder(f: &mut Fingerprint, dir: &std::path::Path) -> Result<(), Error> {
    for name in ["config.json", "model.safetensors", "tokenizer.json"] {
        let path = dir.join(name);
        let meta = std::fs::metadata(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        f.add_str(name).add_u64(meta.len());
    }
    Ok(())
}

/// Shuffled batches of similar length: the examples are shuffled, cut into pools of 50 batches,
/// each pool sorted by token count and cut into batches, and the batch order shuffled.
pub(crate) fn length_bucketed(
    lengths: &[usize],
    bs: usize,
    rng: &mut SplitMix64,
) -> Vec<Vec<usize>> {
    let mut idx: Vec<usize> = (0..lengths.len()).collect();
    shuffle(&mut idx, rng);
    let mut batches = Vec::new();
    for pool in idx.chunks_mut(bs * 50) {
        pool.sort_by_key(|&i| lengths[i]);
        batches.extend(pool.chunks(bs).map(<[usize]>::to_vec));
    }
    shuffle(&mut batches, rng);
    batches
}

fn shuffle<T>(v: &mut [T], rng: &mut SplitMix64) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i + 1);
        v.swap(i, j);
    }
}
