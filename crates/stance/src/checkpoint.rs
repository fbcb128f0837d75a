//! Training that spans sessions (feature `model`): an AdamW optimiser whose state is plain
//! tensors, and checkpoints of the trainable weights, that state and the position in the data
//! order, replaced atomically, from which a killed run resumes to the same result as a run that
//! was never interrupted.
//!
//! A checkpoint folder holds `state.json` (the commit point: the position, the run's
//! fingerprint and the name, length and hash of the weights file it belongs to) and one
//! `weights-STEP.safetensors` (trainable tensors and the optimiser's moments). A new checkpoint
//! writes its weights file first, then replaces `state.json` by rename; a kill at any moment
//! leaves the previous checkpoint or the new one, never a mix. Randomness does not carry state
//! across steps: the data order of an epoch comes from (seed, epoch) and dropout from (seed,
//! step), so a resumed run draws exactly what the uninterrupted one drew.
//!
//! ```
//! use standpoint_stance::checkpoint::Fingerprint;
//! let mut a = Fingerprint::default();
//! a.add_str("a ceasefire").add_u64(13);
//! let mut b = Fingerprint::default();
//! b.add_str("a ceasefire").add_u64(14);
//! assert_ne!(a.hex(), b.hex());
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tch::{Kind, Tensor};

use crate::Error;

/// A 64-bit FNV-1a hash of everything that decides a training run (settings, data, encoder):
/// a checkpoint is only resumed by the run it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    /// Adds bytes.
    pub fn add_bytes(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    /// Adds a string (with its length, so that `"ab" + "c"` differs from `"a" + "bc"`).
    pub fn add_str(&mut self, s: &str) -> &mut Self {
        self.add_u64(s.len() as u64).add_bytes(s.as_bytes())
    }

    /// Adds a number.
    pub fn add_u64(&mut self, v: u64) -> &mut Self {
        self.add_bytes(&v.to_le_bytes())
    }

    /// Adds a float (its bits).
    pub fn add_f64(&mut self, v: f64) -> &mut Self {
        self.add_u64(v.to_bits())
    }

    /// The hash as 16 hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Where and how often a trainer writes checkpoints, and whether it resumes from one.
#[derive(Debug, Clone)]
pub struct CheckpointSpec {
    /// The checkpoint folder (created if missing). Keep it outside a work tree that is laid
    /// anew, e.g. `~/.cache/standpoint/train/NAME`.
    pub dir: PathBuf,
    /// Write a checkpoint when this much time has passed since the last one (and at the end
    /// of every epoch).
    pub every: Duration,
    /// Also write one every this many steps (0: only by time); tests use it.
    pub every_steps: usize,
    /// Continue from the checkpoint in `dir` (an error when there is none, or when it belongs
    /// to another run). Without it, a checkpoint already there is replaced.
    pub resume: bool,
}

/// The position of a training run: what `state.json` records.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrainPosition {
    /// Format version (1).
    pub version: u32,
    /// The run's [`Fingerprint`] (hex).
    pub fingerprint: String,
    /// The epoch being trained (1-based).
    pub epoch: usize,
    /// Steps of that epoch already done (0 when it has not started).
    pub step: usize,
    /// Steps done in all (the optimiser's step count).
    pub global_step: usize,
    /// Sum of the step losses of this epoch so far.
    pub loss_sum: f64,
    /// Mean step loss of the last finished epoch (0 before the first).
    #[serde(default)]
    pub last_mean_loss: f64,
    /// Wall-clock seconds spent training before this checkpoint, over all sessions.
    pub seconds: f64,
    /// The weights file, relative to the folder.
    pub weights: String,
    /// Its length in bytes.
    pub weights_len: u64,
    /// FNV-1a hash of its bytes (hex).
    pub weights_hash: String,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn bad_checkpoint(path: &Path, message: impl Into<String>) -> Error {
    Error::Checkpoint {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn file_hash(path: &Path) -> Result<(u64, String), Error> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    let mut f = Fingerprint::default();
    f.add_bytes(&bytes);
    Ok((bytes.len() as u64, f.hex()))
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced and renamed.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
    }
    std::fs::rename(&tmp, path).map_err(io(path))?;
    if let Some(dir) = path.parent() {
        // Make the rename itself durable where the platform allows opening a folder.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// AdamW (decoupled weight decay, bias-corrected moments) over named parameters, with the
/// gradient norm clipped before each step. Its state is two tensors per parameter and a step
/// count, which [`Checkpoints`] stores.
pub struct AdamW {
    params: Vec<(String, Tensor)>,
    m: Vec<Tensor>,
    v: Vec<Tensor>,
    steps: i64,
    weight_decay: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    clip_norm: f64,
}

impl std::fmt::Debug for AdamW {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdamW")
            .field("params", &self.params.len())
            .field("steps", &self.steps)
            .finish()
    }
}

impl AdamW {
    /// An optimiser over `params` (tensors that require gradients), betas (0.9, 0.999), eps
    /// 1e-8, gradients clipped to norm 1.
    pub fn new(params: Vec<(String, Tensor)>, weight_decay: f64) -> AdamW {
        let zeros = |p: &Tensor| p.zeros_like().detach();
        AdamW {
            m: params.iter().map(|(_, p)| zeros(p)).collect(),
            v: params.iter().map(|(_, p)| zeros(p)).collect(),
            params,
            steps: 0,
            weight_decay,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            clip_norm: 1.0,
        }
    }

    /// Steps taken.
    pub fn steps(&self) -> i64 {
        self.steps
    }

    /// Back-propagates `loss`, clips the gradients and updates every parameter at rate `lr`.
    /// Returns the loss, or [`Error::Diverged`] (parameters untouched) when it is not finite.
    pub fn step(
        &mut self,
        loss: &Tensor,
        lr: f64,
        epoch: usize,
        step: usize,
    ) -> Result<f64, Error> {
        let lv = loss.double_value(&[]);
        if !lv.is_finite() {
            return Err(Error::Diverged {
                loss: lv,
                epoch,
                step,
            });
        }
        for (_, p) in &self.params {
            let mut g = p.grad();
            if g.defined() {
                let _ = g.zero_();
            }
        }
        loss.backward();
        tch::no_grad(|| {
            let grads: Vec<Tensor> = self
                .params
                .iter()
                .map(|(_, p)| {
                    let g = p.grad();
                    if g.defined() {
                        g
                    } else {
                        p.zeros_like()
                    }
                })
                .collect();
            let norm = grads
                .iter()
                .map(|g| g.square().sum(Kind::Double).double_value(&[]))
                .sum::<f64>()
                .sqrt();
            let clip = if norm > self.clip_norm {
                self.clip_norm / (norm + 1e-6)
            } else {
                1.0
            };
            self.steps += 1;
            let t = self.steps as f64;
            let bc1 = 1.0 - self.beta1.powf(t);
            let bc2 = 1.0 - self.beta2.powf(t);
            for (i, g) in grads.iter().enumerate() {
                let g = g * clip;
                let m = &mut self.m[i];
                let v = &mut self.v[i];
                let _ = m.g_mul_scalar_(self.beta1);
                let _ = m.g_add_(&(&g * (1.0 - self.beta1)));
                let _ = v.g_mul_scalar_(self.beta2);
                let _ = v.g_add_(&(g.square() * (1.0 - self.beta2)));
                let p = &mut self.params[i].1;
                let _ = p.g_mul_scalar_(1.0 - lr * self.weight_decay);
                let update = (&*m / bc1) / ((&*v / bc2).sqrt() + self.eps) * lr;
                let _ = p.g_sub_(&update);
            }
        });
        Ok(lv)
    }
}

/// Reads and writes the checkpoints of one training run.
#[derive(Debug)]
pub struct Checkpoints {
    spec: CheckpointSpec,
    fingerprint: Fingerprint,
    last: Instant,
    _lock: std::fs::File,
}

impl Checkpoints {
    /// Opens (creating) the folder and locks it against a second trainer; with `spec.resume`,
    /// returns the position to continue from, checked against `fingerprint`.
    pub fn open(
        spec: CheckpointSpec,
        fingerprint: Fingerprint,
    ) -> Result<(Checkpoints, Option<TrainPosition>), Error> {
        std::fs::create_dir_all(&spec.dir).map_err(io(&spec.dir))?;
        let lock_path = spec.dir.join(".lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(bad_checkpoint(
                    &spec.dir,
                    "another training run is using this checkpoint folder",
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&lock_path)(e)),
        }
        let state_path = spec.dir.join("state.json");
        let position = if spec.resume {
            if !state_path.is_file() {
                return Err(bad_checkpoint(
                    &spec.dir,
                    "no checkpoint to resume (state.json missing); start without --resume",
                ));
            }
            let text = std::fs::read_to_string(&state_path).map_err(io(&state_path))?;
            let pos: TrainPosition = serde_json::from_str(&text).map_err(|e| {
                bad_checkpoint(
                    &state_path,
                    format!("cannot parse ({e}); start over without --resume"),
                )
            })?;
            if pos.fingerprint != fingerprint.hex() {
                return Err(bad_checkpoint(
                    &state_path,
                    format!(
                        "belongs to another run (settings, data or encoder differ: fingerprint {} here, {} now); \
                         use the same command, or another checkpoint folder",
                        pos.fingerprint,
                        fingerprint.hex()
                    ),
                ));
            }
            let weights = spec.dir.join(&pos.weights);
            let (len, hash) = file_hash(&weights).map_err(|_| {
                bad_checkpoint(
                    &weights,
                    "weights file of the checkpoint missing or unreadable",
                )
            })?;
            if len != pos.weights_len || hash != pos.weights_hash {
                return Err(bad_checkpoint(
                    &weights,
                    "weights file changed since the checkpoint was written (cut or edited)",
                ));
            }
            Some(pos)
        } else {
            None
        };
        Ok((
            Checkpoints {
                spec,
                fingerprint,
                last: Instant::now(),
                _lock: lock,
            },
            position,
        ))
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.spec.dir
    }

    /// Whether a checkpoint is due after `steps_done` steps in all.
    pub fn due(&self, steps_done: usize) -> bool {
        self.last.elapsed() >= self.spec.every
            || (self.spec.every_steps > 0 && steps_done.is_multiple_of(self.spec.every_steps))
    }

    /// The tensors of a checkpoint (`param.NAME`, `adam_m.NAME`, `adam_v.NAME`, `adam.steps`).
    pub fn load_into(&self, pos: &TrainPosition, opt: &mut AdamW) -> Result<(), Error> {
        let path = self.spec.dir.join(&pos.weights);
        let map: std::collections::HashMap<String, Tensor> = Tensor::read_safetensors(&path)
            .map_err(|source| Error::Weights {
                path: path.clone(),
                hint: "start over without --resume",
                source,
            })?
            .into_iter()
            .collect();
        let get = |name: &str, like: &Tensor| -> Result<&Tensor, Error> {
            let t = map
                .get(name)
                .ok_or_else(|| bad_checkpoint(&path, format!("tensor {name} missing")))?;
            if t.size() != like.size() {
                return Err(bad_checkpoint(
                    &path,
                    format!(
                        "tensor {name} has shape {:?}, expected {:?}",
                        t.size(),
                        like.size()
                    ),
                ));
            }
            Ok(t)
        };
        tch::no_grad(|| -> Result<(), Error> {
            for i in 0..opt.params.len() {
                let name = opt.params[i].0.clone();
                let p = get(&format!("param.{name}"), &opt.params[i].1)?.shallow_clone();
                let m = get(&format!("adam_m.{name}"), &opt.m[i])?.shallow_clone();
                let v = get(&format!("adam_v.{name}"), &opt.v[i])?.shallow_clone();
                opt.params[i].1.copy_(&p);
                opt.m[i].copy_(&m);
                opt.v[i].copy_(&v);
            }
            Ok(())
        })?;
        let steps = map
            .get("adam.steps")
            .ok_or_else(|| bad_checkpoint(&path, "tensor adam.steps missing"))?
            .int64_value(&[0]);
        if steps != pos.global_step as i64 {
            return Err(bad_checkpoint(
                &path,
                format!(
                    "optimiser at step {steps}, state.json says {}",
                    pos.global_step
                ),
            ));
        }
        opt.steps = steps;
        Ok(())
    }

    /// Writes a checkpoint at `pos` (its `fingerprint`, `weights*` fields are filled in here)
    /// and removes the previous weights file.
    pub fn save(&mut self, mut pos: TrainPosition, opt: &AdamW) -> Result<(), Error> {
        let dir = &self.spec.dir;
        let name = format!("weights-{}.safetensors", pos.global_step);
        let path = dir.join(&name);
        let tmp = dir.join(format!("{name}.tmp"));
        let mut named: Vec<(String, Tensor)> = Vec::new();
        for (i, (n, p)) in opt.params.iter().enumerate() {
            named.push((format!("param.{n}"), p.detach().contiguous()));
            named.push((format!("adam_m.{n}"), opt.m[i].contiguous()));
            named.push((format!("adam_v.{n}"), opt.v[i].contiguous()));
        }
        named.push(("adam.steps".into(), Tensor::from_slice(&[opt.steps])));
        Tensor::write_safetensors(&named, &tmp)?;
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        let (len, hash) = file_hash(&path)?;
        pos.version = 1;
        pos.fingerprint = self.fingerprint.hex();
        pos.weights = name.clone();
        pos.weights_len = len;
        pos.weights_hash = hash;
        let json = serde_json::to_vec_pretty(&pos).map_err(|source| Error::Manifest {
            path: dir.join("state.json"),
            source,
        })?;
        write_atomic(&dir.join("state.json"), &json)?;
        // Older weights files are no longer referenced.
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let f = e.file_name();
                let f = f.to_string_lossy();
                if f.starts_with("weights-") && f != name.as_str() {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        self.last = Instant::now();
        Ok(())
    }
}

/// The seed of the data order of `epoch` (1-based) in a run seeded `seed`.
pub fn epoch_seed(seed: u64, epoch: usize) -> u64 {
    seed ^ (epoch as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Seeds libtorch's generator (dropout) for step `global_step` of a run seeded `seed`.
pub fn seed_step(seed: u64, global_step: usize) {
    let mut f = Fingerprint::default();
    f.add_u64(seed).add_u64(global_step as u64);
    tch::manual_seed((f.0 >> 1) as i64);
}
