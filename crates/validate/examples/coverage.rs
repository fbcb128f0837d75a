//! Coverage of the intervals, measured: labelled dev sets used as corpora, "draw 200 labels,
//! estimate" repeated 1,000 times; how often each interval (raw, PPI++, labels only) holds the
//! true share, and how wide it is.
//!
//!     standpoint bench --data ../shared/data/stance/pstance/val.jsonl \
//!         --data ../shared/data/stance/vast/dev.jsonl --data ../shared/data/stance/newsmtsc/dev_mt.jsonl \
//!         --classifier default --runs 1 --speed-items 64 --predictions preds.jsonl
//!     cargo run --release -p standpoint-validate --example coverage -- preds.jsonl [REPS] [LABELS]
//!
//! Corpora: P-Stance val per target, every other set whole. Estimands: the shares of FAVOR,
//! AGAINST and NONE and the net score, for corpora of at least 300 items.

use std::collections::BTreeMap;

use standpoint_validate::estimate::Estimand;
use standpoint_validate::run::Label;
use standpoint_validate::{gold_mean, ppi_mean, raw_mean};

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .expect("usage: coverage PREDICTIONS.jsonl [REPS] [LABELS]");
    let reps: usize = args.get(1).map_or(1000, |s| s.parse().unwrap());
    let n_labels: usize = args.get(2).map_or(200, |s| s.parse().unwrap());
    let text = std::fs::read_to_string(path).unwrap();
    let mut corpora: BTreeMap<String, Vec<(Label, Label)>> = BTreeMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let Some(set) = v["set"].as_str() else {
            continue;
        };
        let (Some(g), Some(p)) = (
            v["gold"]
                .as_str()
                .and_then(standpoint_validate::run::parse_label),
            v["predicted"]
                .as_str()
                .and_then(standpoint_validate::run::parse_label),
        ) else {
            continue;
        };
        let name = if set.contains("pstance") {
            format!("{set} / {}", v["target"].as_str().unwrap_or(""))
        } else {
            set.to_string()
        };
        corpora.entry(name).or_default().push((g, p));
    }
    println!("| corpus | N | estimand | truth | raw covers | raw width | PPI covers | PPI width | labels covers | labels width |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut rng = SplitMix(20261205);
    let mut worst = 1.0f64;
    for (name, items) in &corpora {
        if items.len() < 300 {
            continue;
        }
        for e in Estimand::ALL {
            let y: Vec<f64> = items.iter().map(|p| e.value(p.0)).collect();
            let yhat: Vec<f64> = items.iter().map(|p| e.value(p.1)).collect();
            let truth = y.iter().sum::<f64>() / y.len() as f64;
            let (raw, _) = raw_mean(&yhat, 0.95).unwrap();
            let (mut ppi_cov, mut gold_cov, mut ppi_w, mut gold_w) = (0usize, 0usize, 0.0, 0.0);
            let mut idx: Vec<usize> = (0..items.len()).collect();
            for _ in 0..reps {
                // A simple random sample of n_labels: a partial Fisher-Yates shuffle.
                for i in 0..n_labels {
                    let j = i + rng.below(items.len() - i);
                    idx.swap(i, j);
                }
                let (lab, rest) = idx.split_at(n_labels);
                let ys: Vec<f64> = lab.iter().map(|&i| y[i]).collect();
                let yh: Vec<f64> = lab.iter().map(|&i| yhat[i]).collect();
                let u: Vec<f64> = rest.iter().map(|&i| yhat[i]).collect();
                let p = ppi_mean(&ys, &yh, &u, 0.95).unwrap();
                let (g, _) = gold_mean(&ys, 0.95).unwrap();
                ppi_cov += p.interval.covers(truth) as usize;
                gold_cov += g.covers(truth) as usize;
                ppi_w += p.interval.width();
                gold_w += g.width();
            }
            let r = reps as f64;
            worst = worst.min(ppi_cov as f64 / r);
            println!(
                "| {name} | {} | {} | {truth:.3} | {} | {:.3} | {:.1}% | {:.3} | {:.1}% | {:.3} |",
                items.len(),
                format!("{e:?}").to_lowercase(),
                if raw.covers(truth) { "yes" } else { "no" },
                raw.width(),
                100.0 * ppi_cov as f64 / r,
                ppi_w / r,
                100.0 * gold_cov as f64 / r,
                gold_w / r,
            );
        }
    }
    println!(
        "\nlowest PPI coverage: {:.1}% ({reps} repetitions of {n_labels} labels)",
        100.0 * worst
    );
}
