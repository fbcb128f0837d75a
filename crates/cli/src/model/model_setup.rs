//! The model for a command: its manifest and encoder found from any folder
//! (`standpoint_stance::locate`), the classifier built by `standpoint_stance::factory` (the
//! thread budget is `standpoint_stance::set_threads`).

use std::path::PathBuf;

use anyhow::Result;
use standpoint_cli::args::ModelArgs;
use standpoint_stance::factory::ModelPaths;
use standpoint_stance::locate;
use standpoint_stance::BoxedClassifier;

/// The manifest `--model` means (a shipped model's name is looked up).
pub fn manifest_path(a: &ModelArgs) -> Result<PathBuf> {
    Ok(locate::model_manifest(a.model.as_deref())?)
}

/// The encoder folder for `--encoder`.
pub fn encoder_dir(a: &ModelArgs) -> PathBuf {
    locate::encoder_dir(a.encoder.as_deref())
}

/// The precision `--precision` asks for, else the model manifest's `"precision"`, else fp32;
/// fp32 with a message when int8 cannot run here ([`usable`]).
pub fn precision(a: &ModelArgs) -> Result<standpoint_stance::Precision> {
    let asked = match a.precision {
        Some(p) => p,
        None => {
            let manifest = manifest_path(a)?;
            standpoint_stance::manifest::Manifest::default_precision(&manifest)?.unwrap_or_default()
        }
    };
    Ok(usable(asked))
}

/// `asked`, or fp32 with a message when it is int8 and this machine cannot run int8.
pub fn usable(asked: standpoint_stance::Precision) -> standpoint_stance::Precision {
    let (precision, fell_back) = standpoint_stance::usable_precision(asked);
    if let Some(why) = fell_back {
        warn!("standpoint: --precision int8 falls back to fp32: {why}");
    }
    precision
}

/// Loads the classifier `--model` names, in `--precision` ([`precision`]).
pub fn load_classifier(a: &ModelArgs) -> Result<BoxedClassifier> {
    load_classifier_in(a, precision(a)?)
}

/// Loads the classifier `--model` names in `precision`, already resolved ([`precision`]).
pub fn load_classifier_in(
    a: &ModelArgs,
    precision: standpoint_stance::Precision,
) -> Result<BoxedClassifier> {
    let paths = ModelPaths {
        encoder_dir: encoder_dir(a),
        precision,
    };
    Ok(standpoint_stance::factory::load_classifier(
        &manifest_path(a)?,
        &paths,
    )?)
}

/// A progress bar of `len` steps drawn with `template` (indicatif syntax).
pub fn bar(len: u64, template: &str) -> indicatif::ProgressBar {
    let style = indicatif::ProgressStyle::with_template(template)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    indicatif::ProgressBar::new(len).with_style(style)
}

/// The progress bar of a training run: one bar per epoch, the loss smoothed over steps.
pub struct StepBar {
    pub bar: indicatif::ProgressBar,
    epochs: usize,
    ema: f64,
}

impl StepBar {
    pub fn new(epochs: usize) -> StepBar {
        let template =
            "epoch {prefix} {bar:30} {pos}/{len} steps [{elapsed_precise}<{eta_precise}] {msg}";
        StepBar {
            bar: bar(0, template),
            epochs,
            ema: f64::NAN,
        }
    }

    /// Draws a trainer's event (`started`: the start of training): a step moves the bar, an
    /// epoch prints its mean loss and is handed back as (epoch, mean loss, model) for the
    /// caller to save or score.
    pub fn event<'m, M>(
        &mut self,
        event: standpoint_stance::TrainEvent<'m, M>,
        started: std::time::Instant,
    ) -> Option<(usize, f64, &'m M)> {
        match event {
            standpoint_stance::TrainEvent::Step {
                epoch,
                step,
                steps,
                loss,
            } => {
                self.step(epoch, step, steps, loss);
                None
            }
            standpoint_stance::TrainEvent::Epoch {
                epoch,
                mean_loss,
                model,
            } => {
                self.epoch(epoch, mean_loss, started);
                Some((epoch, mean_loss, model))
            }
        }
    }

    /// Epoch `epoch` finished with `mean_loss`, `started` being the start of training.
    fn epoch(&self, epoch: usize, mean_loss: f64, started: std::time::Instant) {
        self.bar.suspend(|| {
            warn!(
                "standpoint: epoch {epoch}: mean loss {mean_loss:.4}, {:.0} s so far",
                started.elapsed().as_secs_f64()
            )
        });
    }

    /// Step `step` of `steps` of `epoch` finished with `loss`.
    fn step(&mut self, epoch: usize, step: usize, steps: usize, loss: f64) {
        if step == 1 {
            self.bar.reset();
            self.bar.set_length(steps as u64);
            self.bar.set_prefix(format!("{epoch}/{}", self.epochs));
        }
        self.ema = if self.ema.is_nan() {
            loss
        } else {
            0.98 * self.ema + 0.02 * loss
        };
        self.bar.set_position(step as u64);
        self.bar.set_message(format!("loss {:.4}", self.ema));
    }
}
