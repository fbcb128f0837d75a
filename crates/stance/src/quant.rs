//! int8 inference: the encoder's linear layers (query/key/value, attention output, feed-forward
//! up and down; LoRA adapters merged first) quantised once at load, their products computed by
//! libtorch's FBGEMM kernels with int8 weights and activations quantised on the fly (dynamic
//! quantisation). Attention, layer norms, embeddings, pooling and every head stay fp32.
//!
//! FBGEMM's kernel (`fbgemm_linear_int8_weight_fp32_activation`) takes one scale for the whole
//! weight and one for the whole batch of activations. Three rescalings recover finer precision,
//! each one elementwise multiply around the product:
//!
//! - **per output channel**: each weight row is divided by its largest magnitude before
//!   quantisation and the output column multiplied back;
//! - **per input channel** (SmoothQuant, Xiao et al. 2023, α = 0.5): at load the fp32 encoder
//!   reads [`CALIBRATION`] once, the largest magnitude of each input channel of every dense layer
//!   is kept, and activation outlier channels are moved into the weight (x/s, w·s with
//!   s_j = √(max|x_j| / max|w_·j|));
//! - **per token**: each token's input row is scaled to at most 1 and its output row scaled
//!   back, so one outlying token (or another sentence in the batch) does not coarsen the rest;
//!   the feed-forward down projection, whose input (GELU's output) is one-sided, has each row
//!   shifted by the middle of its range first (mapped onto [-1, 1]; the shift times the
//!   weight's row sums is added back), so that it uses all 256 levels instead of about half.
//!
//! and one correction: the weight's rounding error times the calibration sentences' mean input
//! is added to the bias (bias correction, Nagel et al. 2019, "Data-Free Quantization"), so the
//! rounding does not shift every output the same way. Measured on 2,000 training pairs (not the
//! dev sets) read by the default model: labels agree with fp32 on 98.3% without it, 98.9% with it;
//! the shifted down projection then lifts the cross-encoder from 98.5% to 99.25% (default 98.9%,
//! its mean probability difference 0.0136 → 0.0120) at about 1% of int8's speed.
//!
//! Measured on all-MiniLM-L6-v2 (2 threads, NewsMTSC dev sentences): the sentence vectors' cosine
//! to fp32 rose from 0.993 (per-tensor only) to 0.999 with the three, at 1.8x fp32's speed at
//! batch 16 instead of 2.2x (docs/speed.md).

use tch::{Kind, Scalar, Tensor};

use crate::Error;

/// Sentences the fp32 encoder reads once at quantisation to measure each dense layer's input
/// channels (this project's own wording, in the register of wire copy and of the stance data).
pub(crate) const CALIBRATION: &[&str] = &[
    "Mediators opened a new round of talks on Monday as aid agencies pressed both sides to stop the fighting.",
    "\"A ceasefire is the only way to reach the people trapped by the floods,\" said the head of the relief office.",
    "The general rejected the idea at a briefing, saying a truce would only let the militias rearm.",
    "We oppose these concessions and we will fight them in parliament.",
    "The two delegations signed a 30-day ceasefire in Geneva.",
    "Polls show the senator with a narrow lead among independent voters.",
    "I don't think the new tax will help families at all.",
    "Critics say the plan is unworkable, but supporters insist it will cut costs.",
    "Nuclear power is the cleanest option we have, and we should build more plants.",
    "The ministry declined to comment on the report.",
    "It is very difficult for both sides to make concessions.",
    "She said she backs the agreement, though she has doubts about its timing.",
    "Prices rose 3.2 percent in the year to March, the statistics office said on Tuesday.",
    "Is a summit between the two leaders still possible before the summer?",
    "Opponents of the measure gathered outside the court on Thursday.",
    "Abortion should remain legal and safe.",
    "The company said it would appeal the ruling.",
    "Without the ceasefire we cannot reach the valley at all.",
    "This is a disaster for our farmers and our towns!",
    "Analysts expect the central bank to hold rates steady next week.",
    "He has long argued that tariffs protect domestic jobs.",
    "The vote was postponed after a dispute over the wording of the resolution.",
    "Climate change is real and we need to act now #climate",
    "Officials did not say when the border would reopen.",
];

/// What calibration measured of a dense layer's input channels.
pub(crate) struct Inputs {
    /// Largest magnitude of each channel.
    pub(crate) max: Tensor,
    /// Mean of each channel.
    pub(crate) mean: Tensor,
}

/// One linear layer in int8: `y = ((x ⊘ s) · Qᵀ) ⊙ rows + bias`, s the input-channel smoothing
/// scales, Q the smoothed, row-normalised weight quantised to int8.
pub(crate) struct QLinear {
    inv_smooth: Option<Tensor>,
    q: Tensor,
    packed: Tensor,
    col_offsets: Tensor,
    scale: f64,
    zero_point: i64,
    rows: Tensor,
    bias: Tensor,
    zero_bias: Tensor,
    /// For an input shifted per token by the middle of its range before the product (inputs
    /// far from symmetric, such as GELU's output): each output's sum of the quantised weight's
    /// row, what the shift adds to the output (the bias correction then covers the whole
    /// input). `None`: each row is only scaled by its magnitude.
    row_sums: Option<Tensor>,
}

impl QLinear {
    /// Quantises weight `w` (`[out, in]`) with bias `b` (`[out]`). With `act`, what calibration
    /// measured of the inputs, the activations' outlier channels are moved into the weight first
    /// (SmoothQuant, α = 0.5: s_j = √(max|x_j| / max|w_·j|), x/s and w·s), since the activations
    /// are quantised with one scale for the whole batch, and the bias is corrected for the
    /// weight's rounding at the mean input. `shifted` for a one-sided input (see
    /// [`QLinear::forward`]).
    pub(crate) fn new(
        w: &Tensor,
        b: &Tensor,
        act: Option<&Inputs>,
        shifted: bool,
    ) -> Result<QLinear, Error> {
        crate::guard("quantising a linear layer to int8", || {
            tch::no_grad(|| {
                let w = w.to_kind(Kind::Float).contiguous();
                let (w, inv_smooth) = match act {
                    Some(Inputs { max: a, .. }) => {
                        let wmax = w.abs().amax([0i64].as_slice(), false).clamp_min(1e-5);
                        let s = (a.clamp_min(1e-5) / wmax).sqrt().clamp(1e-2, 1e2);
                        ((&w * s.unsqueeze(0)).contiguous(), Some(s.reciprocal()))
                    }
                    None => (w, None),
                };
                let rows = w
                    .abs()
                    .amax([1i64].as_slice(), false)
                    .clamp_min(1e-12)
                    .contiguous();
                let wn = &w / rows.unsqueeze(1);
                let min = wn.min().double_value(&[]).min(0.0);
                let max = wn.max().double_value(&[]).max(0.0);
                let scale = ((max - min) / 255.0).max(1e-12);
                let zero_point = (-128.0 - min / scale).round().clamp(-128.0, 127.0) as i64;
                let q = (&wn / scale)
                    .round()
                    .g_add_scalar(zero_point)
                    .clamp(-128, 127)
                    .to_kind(Kind::Int8)
                    .contiguous();
                let k = w.size()[1];
                // FBGEMM's column offsets: each row's sum minus zero point x K.
                let col_offsets =
                    (q.to_kind(Kind::Int)
                        .sum_dim_intlist([1i64].as_slice(), false, Kind::Int)
                        - zero_point * k)
                        .to_kind(Kind::Int)
                        .contiguous();
                let packed = q.f_fbgemm_pack_quantized_matrix()?;
                // A copy: `to_kind` and `contiguous` return the same storage when nothing changes, and
                // the correction below adds in place.
                let mut bias = b.to_kind(Kind::Float).copy();
                // The weight the kernel multiplies by, in fp32.
                let deq = (q.to_kind(Kind::Float) - zero_point as f64) * scale * rows.unsqueeze(1);
                if let Some(Inputs { mean, .. }) = act {
                    // E[x/s] · (W·s − Ŵ)ᵀ: what rounding the weight shifts the output by.
                    let x = match &inv_smooth {
                        Some(s) => mean * s,
                        None => mean.shallow_clone(),
                    };
                    bias += x.unsqueeze(0).matmul(&(&w - &deq).tr()).squeeze_dim(0);
                }
                let n = w.size()[0];
                let row_sums =
                    shifted.then(|| deq.sum_dim_intlist([1i64].as_slice(), false, Kind::Float));
                Ok(QLinear {
                    inv_smooth,
                    q,
                    packed,
                    col_offsets,
                    scale,
                    zero_point,
                    rows,
                    bias,
                    zero_bias: Tensor::zeros([n], (Kind::Float, tch::Device::Cpu)),
                    row_sums,
                })
            })
        })
    }

    /// Numbers in the weight.
    pub(crate) fn weights(&self) -> usize {
        self.q.numel()
    }

    /// `x · Wᵀ + b` for `x` of any leading shape (`[..., in]` -> `[..., out]`).
    pub(crate) fn forward(&self, x: &Tensor) -> Tensor {
        let x = match &self.inv_smooth {
            Some(s) => x * s,
            None => x.contiguous(),
        };
        let product = |x: &Tensor| {
            x.fbgemm_linear_int8_weight_fp32_activation(
                &self.q,
                &self.packed,
                &self.col_offsets,
                Scalar::float(self.scale),
                Scalar::int(self.zero_point),
                &self.zero_bias,
            ) * &self.rows
        };
        // Each token's row mapped onto [-1, 1] and its output mapped back: the kernel's one
        // activation scale then fits every token (a token with outlying values, or another
        // sentence of the batch, no longer coarsens the rest). A one-sided input (GELU's
        // output, before the feed-forward down projection) is shifted by the middle of its
        // range first, so that it uses all 256 levels, not the upper half.
        if let Some(row_sums) = &self.row_sums {
            let hi = x.amax([-1i64].as_slice(), true);
            let lo = x.amin([-1i64].as_slice(), true);
            let mid = (&hi + &lo) * 0.5;
            let half = ((hi - &lo) * 0.5).clamp_min(1e-12);
            let x = (&x - &mid) * half.reciprocal();
            product(&x).g_mul_(&half) + mid * row_sums + &self.bias
        } else {
            let m = x.abs().amax([-1i64].as_slice(), true).clamp_min(1e-12);
            let x = &x / &m;
            product(&x).g_mul_(&m) + &self.bias
        }
    }
}

/// Whether this machine's libtorch can run the int8 kernels (FBGEMM needs AVX2): a tiny layer
/// quantised and run, compared with fp32.
pub(crate) fn int8_available() -> Result<(), String> {
    let probe = || -> Result<(), Error> {
        let w = Tensor::from_slice(&[0.5f32, -0.25, 1.0, 0.125, -1.0, 0.75]).view([2, 3]);
        let b = Tensor::from_slice(&[0.1f32, -0.2]);
        let x = Tensor::from_slice(&[1.0f32, 2.0, -1.0]).view([1, 3]);
        let q = QLinear::new(&w, &b, None, false)?;
        let got = crate::guard("running an int8 layer", || Ok(q.forward(&x)))?;
        let want = x.linear(&w, Some(&b));
        let err = (got - want).abs().max().double_value(&[]);
        if err.is_finite() && err < 0.05 {
            Ok(())
        } else {
            Err(Error::Int8 {
                reason: format!("a probe layer is off by {err}"),
            })
        }
    };
    probe().map_err(|e| e.to_string())
}
