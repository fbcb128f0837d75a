//! `standpoint train --from MODEL --data labels.jsonl`: glue around
//! `standpoint_stance::adapt` (a trained head fine-tuned on hand labels, measured by
//! cross-fitting) and the labelled sample files of `standpoint_validate`.

use std::path::Path;

use anyhow::{bail, Context, Result};
use standpoint_stance::adapt::{adapt, AdaptConfig};
use standpoint_stance::factory::ModelPaths;
use standpoint_stance::manifest::{AdaptedRecord, Manifest};
use standpoint_stance::{EncoderHeadClassifier, Label};

use crate::model_setup::encoder_dir;
use standpoint_cli::args::TrainArgs;
use standpoint_cli::Outcome;
use standpoint_stance::set_threads;

/// The labelled (text, target, label) pairs of sample files, each file checked as `estimate`
/// checks it (one run, target and design; no sentence twice; known labels).
fn labelled_pairs(files: &[std::path::PathBuf]) -> Result<Vec<(String, String, Label)>> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for path in files {
        let rows = standpoint_validate::labels::read(path)?;
        let checked = standpoint_validate::labels::labelled(path, &rows)?;
        for r in &rows {
            if let Some((label, _)) = checked.labels.get(&(r.seq, r.index)) {
                if seen.insert(standpoint_types::sentence_key(&r.target, &r.text)) {
                    out.push((r.text.clone(), r.target.clone(), *label));
                }
            }
        }
    }
    Ok(out)
}

pub fn run(a: TrainArgs, from: &Path) -> Result<Outcome> {
    set_threads(a.model.threads);
    if a.training.data.is_empty() {
        bail!("--from adapts a model to hand labels: name the labelled sample files with --data");
    }
    let manifest_path = standpoint_stance::locate::model_manifest(Some(from))?;
    let base_dir = manifest_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let Manifest::EncoderHead(base) = Manifest::load(&manifest_path)? else {
        bail!(
            "{}: --from adapts a frozen-encoder + head model (such as `default`); this manifest \
             is another kind",
            manifest_path.display()
        );
    };
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    if a.out.canonicalize()? == base_dir.canonicalize()? {
        bail!(
            "--out {} is the folder of the model adapted from: write the adapted model elsewhere",
            a.out.display()
        );
    }
    let enc_dir = ModelPaths {
        encoder_dir: encoder_dir(&a.model),
        ..Default::default()
    }
    .encoder_for(&base.encoder);
    let clf = EncoderHeadClassifier::load(&base, &base_dir, &enc_dir)?;
    let pairs = labelled_pairs(&a.training.data)?;
    let refs: Vec<(&str, &str, Label)> = pairs
        .iter()
        .map(|(t, g, l)| (t.as_str(), g.as_str(), *l))
        .collect();
    warn!(
        "standpoint: adapting {} to {} hand labels ({} folds for the measurement)",
        manifest_path.display(),
        refs.len(),
        a.folds
    );
    let config = AdaptConfig {
        epochs: a.adapt_epochs,
        folds: a.folds as usize,
        seed: a.training.seed,
        ..AdaptConfig::default()
    };
    let adapted = adapt(clf.encoder(), clf.head(), &refs, &config)?;
    let mut m = base.clone();
    let head_file = "head.safetensors";
    adapted.head.save(&a.out.join(head_file))?;
    m.head_file = head_file.into();
    if let Some(spec) = &mut m.adapters {
        let name = Path::new(&spec.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "adapters.safetensors".into());
        std::fs::copy(base_dir.join(&spec.file), a.out.join(&name))
            .with_context(|| format!("copying {}", base_dir.join(&spec.file).display()))?;
        spec.file = name;
    }
    // The base model's dev scores describe the base model, not this one.
    m.dev.clear();
    let mut keys: Vec<String> = pairs
        .iter()
        .map(|(text, target, _)| standpoint_types::sentence_key(target, text))
        .collect();
    keys.sort();
    let cf = adapted.crossfit.clone();
    m.adapted = Some(AdaptedRecord {
        from: from.display().to_string(),
        labels_files: a
            .training
            .data
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        labels: pairs.len(),
        sentence_keys: keys,
        crossfit: cf.clone(),
    });
    let mpath = a.out.join("manifest.json");
    Manifest::EncoderHead(m).save(&mpath)?;
    let verdict = if cf.adapted_macro_f1 > cf.base_macro_f1 {
        "the adapted model reads these labels better"
    } else {
        "adaptation did not help on these labels: keep the model it started from"
    };
    standpoint_cli::print_note(&format!(
        "adapted model: {} ({} hand labels)\n\
         cross-fitted ({} folds; each label read by a head not trained on it):\n\
         \x20 accuracy  {:.3} -> {:.3}\n\
         \x20 macro-F1  {:.3} -> {:.3}\n\
         {verdict}.\n\
         These labels trained the model, so they cannot also correct its estimates: \
         `standpoint estimate` refuses them on a run of it (its manifest records their keys). \
         For estimates, label a fresh sample of a run of the adapted model.\n",
        mpath.display(),
        cf.labels,
        cf.folds,
        cf.base_accuracy,
        cf.adapted_accuracy,
        cf.base_macro_f1,
        cf.adapted_macro_f1,
    ))?;
    Ok(Outcome::Clean)
}
