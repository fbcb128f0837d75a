//! How closely `--precision int8` follows fp32 on training sentences (not the dev sets nor the
//! behavioural suite, which report results): label agreement and probability differences.
//!
//! `cargo run --release -p standpoint-stance --features model --example int8_agree -- MANIFEST ENCODER_DIR SHARED_DATA [PER_FILE]`
use standpoint_stance::factory::{load_classifier, ModelPaths};
use standpoint_stance::Precision;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [manifest, encoder, shared] = [&args[0], &args[1], &args[2]];
    let per_file: usize = args.get(3).map_or(Ok(500), |a| a.parse())?;
    let mut pairs = Vec::new();
    for set in [
        "pstance",
        "semeval2016_tweeteval",
        "newsmtsc",
        "vast",
        "arc",
    ] {
        let path = std::path::Path::new(shared)
            .join("stance")
            .join(set)
            .join("train.jsonl");
        let text = std::fs::read_to_string(&path)?;
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let step = (lines.len() / per_file).max(1);
        for line in lines.iter().step_by(step).take(per_file) {
            let v: serde_json::Value = serde_json::from_str(line)?;
            pairs.push((
                v["text"].as_str().unwrap_or("").to_string(),
                v["target"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(s, t)| (s.as_str(), t.as_str()))
        .collect();
    let paths = |precision| ModelPaths {
        encoder_dir: encoder.into(),
        precision,
    };
    let manifest = std::path::Path::new(manifest);
    let a = load_classifier(manifest, &paths(Precision::Fp32))?.predict_pairs(&refs)?;
    let started = std::time::Instant::now();
    let b = load_classifier(manifest, &paths(Precision::Int8))?.predict_pairs(&refs)?;
    let secs = started.elapsed().as_secs_f64();
    let (agree, d) = standpoint_stance::metrics::agreement(&a, &b);
    let mean = d.iter().sum::<f32>() / d.len() as f32;
    println!(
        "{} pairs: labels agree {:.4}, mean |dp| {:.4}, p99 {:.4}, max {:.4}; int8 load+predict {:.1} s",
        refs.len(),
        agree,
        mean,
        d[d.len() * 99 / 100],
        d[d.len() - 1],
        secs
    );
    Ok(())
}
