//! `standpoint sample` and `standpoint estimate`: glue around `standpoint_validate`.

use std::io::Write;

use anyhow::{Context, Result};

use crate::args::{EstimateArgs, LabelArgs, SampleArgs};
use crate::Outcome;

/// Draws (or adds to) a sample for hand labelling and writes its file.
pub fn sample(a: SampleArgs) -> Result<Outcome> {
    let s = standpoint_validate::sample_file(&standpoint_validate::SampleRequest {
        run_dir: &a.dir,
        target: &a.target,
        n: a.n,
        seed: a.seed,
        stratify_by: a.stratify_by.as_deref(),
        out: &a.out,
        add: a.add,
    })?;
    crate::print_note(&format!(
        "sample: {} sentences ({} new) of {} toward {:?}, design {}, written to {}\n\
         fill its `label` column (FAVOR, AGAINST, NONE; SKIP) or write a labelling page with\n\
         `standpoint label {} --out page.html`; then: standpoint estimate RUN --labels FILE\n",
        s.rows,
        s.new,
        s.population,
        a.target,
        s.design,
        a.out.display(),
        a.out.display(),
    ))?;
    Ok(Outcome::Clean)
}

/// Writes RUN/estimates.json from a labelled sample of the run, estimates overall and per
/// grouping of the run (crossed ones left out), and the corrected values into groups.json.
pub fn write_run_estimates(
    run_dir: &std::path::Path,
    labels: &std::path::Path,
    groupings: &[String],
) -> Result<()> {
    let names: Vec<&str> = groupings.iter().map(String::as_str).collect();
    let w = standpoint_validate::write_run_estimates(run_dir, labels, &names, 0.95)?;
    let labels_n = w.reports.first().map_or(0, |r| r.labels);
    crate::print_note(&format!(
        "estimates: {} and {} rows of {} ({labels_n} hand labels from {})\n",
        run_dir.join("estimates.json").display(),
        w.rows,
        run_dir.join("groups.json").display(),
        labels.display()
    ))?;
    Ok(())
}

/// Writes the labelling page of a sample file.
pub fn label(a: LabelArgs) -> Result<Outcome> {
    let rows = standpoint_validate::labels::read(&a.file)?;
    standpoint_validate::labels::labelled(&a.file, &rows)?;
    let name = a
        .file
        .file_name()
        .map_or("sample.jsonl".into(), |n| n.to_string_lossy().into_owned());
    let page = standpoint_validate::page::label_page(&rows, &name);
    standpoint_pipeline::checkpoint::replace_file(&a.out, |f| f.write_all(page.as_bytes()))?;
    crate::print_note(&format!(
        "label page: {} ({} rows); open it in a browser, label with F / A / N / S / U, Export\n",
        a.out.display(),
        rows.len()
    ))?;
    Ok(Outcome::Clean)
}

/// Estimates shares and net with intervals from a labelled sample, prints a table, writes JSON.
pub fn estimate(a: EstimateArgs) -> Result<Outcome> {
    let report = standpoint_validate::estimate_with(
        &a.dir,
        &a.labels,
        a.predictions.as_deref(),
        a.group_by.as_deref(),
        a.level,
    )?;
    if let Some(path) = &a.json {
        let text = serde_json::to_string_pretty(&report)? + "\n";
        standpoint_pipeline::checkpoint::replace_file(path, |f| f.write_all(text.as_bytes()))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let mut out = String::new();
    let pct = (report.level * 100.0).round();
    out.push_str(&format!(
        "{} labels ({} rows skipped), design {}, target {:?}; {pct}% intervals\n",
        report.labels, report.skipped, report.design, report.target
    ));
    let ag = &report.agreement;
    let whose = match a.predictions {
        Some(_) => format!("predictions of {}", report.predictions),
        None => "classifier".into(),
    };
    out.push_str(&format!(
        "{whose} vs labels: accuracy {:.3}, F1 favor {:.3} against {:.3} none {:.3}\n",
        ag.accuracy, ag.f1[0], ag.f1[1], ag.f1[2]
    ));
    let iv = |i: &standpoint_validate::Interval| {
        format!("{:+.3} [{:+.3}, {:+.3}]", i.estimate, i.lo, i.hi)
    };
    let mut warned = false;
    for e in &report.estimates {
        out.push_str(&format!(
            "{:<24} {:<8} n={:<5} raw {}  ppi {}  gold {}\n",
            e.group,
            format!("{:?}", e.estimand).to_lowercase(),
            e.labels,
            iv(&e.raw),
            e.ppi.as_ref().map_or("-".into(), iv),
            e.gold.as_ref().map_or("-".into(), iv),
        ));
        if let Some(w) = &e.warning {
            out.push_str(&format!("    ! {w}\n"));
            warned = true;
        }
    }
    for n in &report.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    crate::print_note(&out)?;
    let _ = std::io::stdout().flush();
    let _ = warned;
    Ok(Outcome::Clean)
}
