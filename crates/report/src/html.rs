//! The page: header and notes, one section per target (split, groups, time, evidence), the
//! document table, skipped records and the run manifest. Self-contained: inline CSS and SVG,
//! a few lines of inline JavaScript to sort tables; nothing is fetched.

use std::collections::{BTreeMap, BTreeSet};

use standpoint_aggregate::{Evidence, GroupBy, GroupSummary, Summary};

use crate::charts::{self, net_share, signed, Series, ShareRow};
use crate::load::RunFolder;
use crate::svg::Element;

/// What a report shows of a large run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Groups per dot-and-whisker chart (those with the most stance-bearing sentences).
    pub max_groups: usize,
    /// Lines per time chart (the series with the most stance-bearing sentences).
    pub max_series: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_groups: 40,
            max_series: 7,
        }
    }
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:980px;
padding:16px 24px;color:#1a1a1a;line-height:1.45}
h1{font-size:24px;margin:8px 0}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid #ddd}
h3{font-size:15px;margin:20px 0 6px}
.lede{color:#333}.muted{color:#666;font-size:13px}
.notes{background:#fff4e0;border-left:4px solid #E69F00;padding:8px 12px;margin:12px 0}
.notes li{margin:2px 0}
.headline{font-size:15px;margin:6px 0 10px}
.chart{display:block;margin:8px 0 4px;max-width:100%;height:auto}
.evidence{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.evidence h3.favor{color:#0072B2}.evidence h3.against{color:#D55E00}
blockquote{margin:6px 0 10px;padding:6px 10px;border-left:4px solid #ccc;background:#fafafa}
blockquote.favor{border-color:#0072B2}blockquote.against{border-color:#D55E00}
blockquote p{margin:0 0 4px}blockquote footer{font-size:12px;color:#555}
table{border-collapse:collapse;font-size:13px;width:100%}
th,td{border-bottom:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}
table.sortable th{cursor:pointer}table.sortable th:after{content:' \\2195';color:#999}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.d-FAVOR{color:#0072B2;font-weight:600}.d-AGAINST{color:#D55E00;font-weight:600}
.d-MIXED{color:#9a6a00}.d-NONE{color:#777}
nav a{margin-right:12px}
@media print{nav,.noprint{display:none}section{break-inside:avoid-page}
.chart{break-inside:avoid}th{position:static}}
";

const SCRIPT: &str = "
(function(){
  function key(td){var v=td.getAttribute('data-sort');if(v===null)v=td.textContent;
    var n=parseFloat(v);return isNaN(n)?v.toLowerCase():n;}
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th,col){
      th.addEventListener('click',function(){
        var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
        var dir=th.getAttribute('data-dir')==='asc'?-1:1;th.setAttribute('data-dir',dir>0?'asc':'desc');
        rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);
          if(typeof x!==typeof y){x=String(x);y=String(y);}return x<y?-dir:x>y?dir:0;});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  document.body.setAttribute('data-ready','yes');
})();
";

fn el(name: &'static str) -> Element {
    Element::new(name)
}

fn p(class: &str, t: impl Into<String>) -> Element {
    el("p").attr("class", class).text(t)
}

fn decision_cell(s: Option<&Summary>) -> Vec<Element> {
    match s {
        Some(s) => {
            let d = s.decision.as_str();
            let (f, a) = (s.counts.favor, s.counts.against);
            vec![
                el("td").attr("class", format!("d-{d}")).text(d),
                el("td")
                    .attr("class", "num")
                    .attr("data-sort", format!("{:.4}", s.net))
                    .text(signed(s.net)),
                el("td")
                    .attr("class", "num")
                    .attr("data-sort", f + a)
                    .text(format!("{f} / {a}")),
            ]
        }
        None => vec![el("td"), el("td"), el("td")],
    }
}

/// The rows of a dot-and-whisker chart for one grouping and target: groups with stance-bearing
/// sentences (at most `max`, those with the most), sorted by net share; and the names of the
/// groups without any.
fn share_rows<'a>(
    groups: impl Iterator<Item = &'a GroupSummary>,
    max: usize,
) -> (Vec<ShareRow>, Vec<String>, usize) {
    let mut rows = Vec::new();
    let mut empty = Vec::new();
    for g in groups {
        let s = &g.summary;
        match s.favor_share {
            Some(share) => rows.push(ShareRow {
                label: group_label(&g.grouping, &g.group),
                share: net_share(share),
                documents: g.documents.total(),
                stance_sentences: s.counts.favor + s.counts.against,
                sentences: s.sentences,
            }),
            None => empty.push(group_label(&g.grouping, &g.group)),
        }
    }
    let all = rows.len();
    rows.sort_by(|a, b| {
        b.stance_sentences
            .cmp(&a.stance_sentences)
            .then(a.label.cmp(&b.label))
    });
    rows.truncate(max);
    rows.sort_by(|a, b| {
        b.share
            .estimate
            .total_cmp(&a.share.estimate)
            .then(a.label.cmp(&b.label))
    });
    (rows, empty, all)
}

/// A group's name as a reader sees it: `(none)` says what it means.
fn group_label(grouping: &str, group: &str) -> String {
    match (grouping, group) {
        ("speaker", "(none)") => "(no speaker: the reporter's voice)".into(),
        (g, "(none)") => format!("(no {g})"),
        _ => group.to_string(),
    }
}

fn is_bucket(key: &str) -> bool {
    !matches!(key, "(none)" | "(invalid date)")
}

/// Series over time from groups keyed by (series name, bucket); at most `max` series, those
/// with the most stance-bearing sentences.
fn time_series<'a>(
    keyed: impl Iterator<Item = (String, String, &'a Summary)>,
    max: usize,
) -> (Vec<String>, Vec<Series>, usize, u64) {
    let mut by_series: BTreeMap<String, Vec<(String, &Summary)>> = BTreeMap::new();
    let mut undated = 0u64;
    for (name, bucket, s) in keyed {
        if is_bucket(&bucket) {
            by_series.entry(name).or_default().push((bucket, s));
        } else {
            undated += s.sentences;
        }
    }
    let mut ranked: Vec<(u64, String)> = by_series
        .iter()
        .map(|(n, pts)| {
            let stance = pts
                .iter()
                .map(|(_, s)| s.counts.favor + s.counts.against)
                .sum();
            (stance, n.clone())
        })
        .collect();
    let total = ranked.len();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.truncate(max);
    let kept: BTreeSet<&String> = ranked.iter().map(|r| &r.1).collect();
    let buckets: Vec<String> = by_series
        .iter()
        .filter(|(n, _)| kept.contains(n))
        .flat_map(|(_, pts)| pts.iter().map(|(b, _)| b.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let series = ranked
        .iter()
        .map(|(_, name)| {
            let mut points: Vec<(usize, standpoint_aggregate::Interval)> = by_series[name]
                .iter()
                .filter_map(|(b, s)| {
                    let i = buckets.binary_search(b).ok()?;
                    Some((i, net_share(s.favor_share?)))
                })
                .collect();
            points.sort_by_key(|p| p.0);
            Series {
                name: name.clone(),
                points,
            }
        })
        .collect();
    (buckets, series, total, undated)
}

fn bucket_word(g: &GroupBy) -> &'static str {
    match g {
        GroupBy::Date { bucket, .. } => match bucket {
            standpoint_aggregate::DateBucket::Day => "day",
            standpoint_aggregate::DateBucket::Week => "ISO week",
            standpoint_aggregate::DateBucket::Month => "month",
        },
        _ => "period",
    }
}

fn evidence_item(e: &Evidence, side: &str, date_field: &str) -> Element {
    let mut foot = vec![match &e.speaker {
        Some(s) => format!("speaker: {s}"),
        None => "no speaker (the reporter's voice)".to_string(),
    }];
    foot.push(format!("document {}", e.doc));
    if let Some(s) = e.meta.get("source") {
        foot.push(format!("source: {s}"));
    }
    if let Some(d) = e.meta.get(date_field) {
        foot.push(format!("{date_field}: {d}"));
    }
    foot.push(format!("P({side}) = {:.2}", e.score as f64 / 1e6));
    el("blockquote")
        .attr("class", side)
        .child(el("p").text(e.text.clone()))
        .child(el("footer").text(foot.join(" \u{b7} ")))
}

/// The date field the run groups by (`date` when none).
fn date_field(groupings: &[GroupBy]) -> String {
    groupings
        .iter()
        .flat_map(|g| match g {
            GroupBy::Cross { parts } => parts.clone(),
            g => vec![g.clone()],
        })
        .find_map(|g| match g {
            GroupBy::Date { field, .. } => Some(field),
            _ => None,
        })
        .unwrap_or_else(|| "date".into())
}

/// Net share per group of one grouping toward a target: heading, dot-and-whisker chart, and
/// notes on the groups left out (over the cap, or without stance-bearing sentences).
fn group_chart(run: &RunFolder, name: &str, target: &str, opts: &Options) -> Vec<Element> {
    let (rows, empty, n) = share_rows(run.groups_of(name, target), opts.max_groups);
    let mut out = vec![
        el("h3").text(format!("By {name}")),
        charts::dot_whisker(
            &format!("Net share by {name} toward \u{201c}{target}\u{201d}"),
            &rows,
        ),
    ];
    if n > rows.len() {
        out.push(p(
            "muted",
            format!(
                "Showing the {} groups with the most stance-bearing sentences of {n}; all are \
                 in groups.csv.",
                rows.len()
            ),
        ));
    }
    if !empty.is_empty() {
        let shown: Vec<&str> = empty.iter().take(12).map(String::as_str).collect();
        let more = if empty.len() > shown.len() {
            format!(" and {} more", empty.len() - shown.len())
        } else {
            String::new()
        };
        out.push(p(
            "muted",
            format!(
                "No stance-bearing sentences (not drawn): {}{more}.",
                shown.join(", ")
            ),
        ));
    }
    out
}

fn target_section(run: &RunFolder, groupings: &[GroupBy], t: usize, opts: &Options) -> Element {
    let target = &run.manifest.targets[t];
    let mut sec = el("section")
        .attr("class", "target")
        .attr("id", format!("target-{t}"))
        .child(el("h2").text(format!("Toward \u{201c}{target}\u{201d}")));
    let Some(all) = run.groups_of("all", target).next() else {
        return sec.child(p("muted", "No documents reached this target."));
    };
    let s = &all.summary;
    let mut headline = format!(
        "{} documents, {} sentences: net score {} (mean P(FAVOR) \u{2212} P(AGAINST) over the {} \
         stance-bearing sentences), decision {}",
        all.documents.total(),
        s.sentences,
        signed(s.net),
        s.counts.favor + s.counts.against,
        s.decision.as_str()
    );
    if let Some(share) = s.favor_share {
        let n = net_share(share);
        headline += &format!(
            "; net share {} (95% interval {} to {})",
            signed(n.estimate),
            signed(n.low),
            signed(n.high)
        );
    }
    headline.push('.');
    sec.push(p("headline", headline));
    sec.push(charts::split(
        &format!("Split toward \u{201c}{target}\u{201d}"),
        all.documents,
        s.counts,
    ));
    let date_field = date_field(groupings);
    for g in groupings {
        let name = g.name();
        match g {
            GroupBy::All => {}
            GroupBy::Field { .. } => {
                for e in group_chart(run, &name, target, opts) {
                    sec.push(e);
                }
            }
            GroupBy::Date { .. } => {
                let keyed = run
                    .groups_of(&name, target)
                    .map(|r| ("all".to_string(), r.group.clone(), &r.summary));
                let (buckets, series, _, undated) = time_series(keyed, opts.max_series);
                sec.push(el("h3").text(format!("Over time ({name})")));
                sec.push(charts::time_lines(
                    &format!(
                        "Net share per {} toward \u{201c}{target}\u{201d}",
                        bucket_word(g)
                    ),
                    &format!("{} ({name})", bucket_word(g)),
                    &buckets,
                    &series,
                ));
                if undated > 0 {
                    sec.push(p(
                        "muted",
                        format!(
                            "{undated} sentences of documents without a valid date are not drawn."
                        ),
                    ));
                }
            }
            GroupBy::Cross { parts } => {
                let date_at = parts.iter().position(|p| matches!(p, GroupBy::Date { .. }));
                match (parts.len(), date_at) {
                    (2, Some(d)) => {
                        let other = parts[1 - d].name();
                        let keyed = run.groups_of(&name, target).filter_map(|r| {
                            let k = g.split_key(&r.group);
                            (k.len() == 2)
                                .then(|| (k[1 - d].to_string(), k[d].to_string(), &r.summary))
                        });
                        let (buckets, series, total, _) = time_series(keyed, opts.max_series);
                        sec.push(el("h3").text(format!("Over time by {other} ({name})")));
                        sec.push(charts::time_lines(
                            &format!(
                                "Net share per {} by {other} toward \u{201c}{target}\u{201d}",
                                bucket_word(&parts[d])
                            ),
                            &format!("{} ({})", bucket_word(&parts[d]), parts[d].name()),
                            &buckets,
                            &series,
                        ));
                        if total > series.len() {
                            sec.push(p(
                                "muted",
                                format!(
                                    "Showing the {} of {total} {other} values with the most \
                                     stance-bearing sentences; all are in groups.csv.",
                                    series.len()
                                ),
                            ));
                        }
                    }
                    _ => {
                        for e in group_chart(run, &name, target, opts) {
                            sec.push(e);
                        }
                    }
                }
            }
        }
    }
    sec.push(el("h3").text("Strongest evidence"));
    let column = |side: &str, title: &str, items: &[Evidence]| {
        let mut c = el("div").child(el("h3").attr("class", side).text(title.to_string()));
        if items.is_empty() {
            c.push(p("muted", "No sentence on this side."));
        }
        for e in items {
            c.push(evidence_item(e, side, &date_field));
        }
        c
    };
    sec.push(
        el("div")
            .attr("class", "evidence")
            .child(column("favor", "For (FAVOR)", &s.favor_evidence))
            .child(column("against", "Against (AGAINST)", &s.against_evidence)),
    );
    sec
}

fn documents_section(run: &RunFolder, date_field: &str) -> Element {
    let m = &run.manifest;
    let docs = &run.documents;
    let mut sec = el("section")
        .attr("id", "documents")
        .child(el("h2").text("Documents"));
    if docs.rows.is_empty() {
        return sec.child(p("muted", "No document to show (see the notes above)."));
    }
    if docs.more {
        sec.push(p(
            "muted",
            format!(
                "The first {} of {} documents, in input order; all are in documents.csv and \
                 documents.jsonl.",
                docs.rows.len(),
                m.counts.documents.max(docs.rows.len() as u64)
            ),
        ));
    }
    let mut head = el("tr")
        .child(el("th").text("#").attr("class", "num"))
        .child(el("th").text("document"))
        .child(el("th").text("source"))
        .child(el("th").text(date_field.to_string()))
        .child(el("th").attr("class", "num").text("sentences"));
    for t in &m.targets {
        head.push(el("th").text(format!("{t}: decision")));
        head.push(el("th").attr("class", "num").text(format!("{t}: net")));
        head.push(
            el("th")
                .attr("class", "num")
                .attr("title", "sentences for / against")
                .text(format!("{t}: for / against")),
        );
    }
    let mut body = el("tbody");
    for d in &docs.rows {
        let meta = |k: &str| d.meta.get(k).cloned().unwrap_or_default();
        let mut tr = el("tr")
            .child(el("td").attr("class", "num").text(d.seq.to_string()))
            .child(el("td").text(d.doc.clone()))
            .child(el("td").text(meta("source")))
            .child(el("td").text(meta(date_field)))
            .child(el("td").attr("class", "num").text(d.sentences.to_string()));
        for t in &m.targets {
            tr = tr.extend(decision_cell(d.stance.get(t)));
        }
        body.push(tr);
    }
    sec.child(p("muted noprint", "Click a column to sort."))
        .child(
            el("table")
                .attr("class", "sortable documents")
                .child(el("thead").child(head))
                .child(body),
        )
}

fn errors_section(run: &RunFolder) -> Element {
    let n = run.manifest.counts.errors;
    let mut sec = el("section")
        .attr("id", "skipped")
        .child(el("h2").text("Skipped records"));
    if n == 0 && run.errors.rows.is_empty() {
        return sec.child(p("muted", "None: every record was read."));
    }
    sec.push(p(
        "",
        format!(
            "{n} records were skipped; each is in {} with its file, line, id and reason.",
            run.dir.join("errors.jsonl").display()
        ),
    ));
    let mut body = el("tbody");
    for e in &run.errors.rows {
        body.push(
            el("tr")
                .child(el("td").text(format!("{}:{}", e.file, e.line)))
                .child(el("td").text(e.id.clone().unwrap_or_default()))
                .child(el("td").text(e.error.clone())),
        );
    }
    sec.child(
        el("table")
            .child(
                el("thead").child(
                    el("tr")
                        .child(el("th").text("file:line"))
                        .child(el("th").text("id"))
                        .child(el("th").text("error")),
                ),
            )
            .child(body),
    )
}

fn manifest_section(run: &RunFolder) -> Element {
    let m = &run.manifest;
    let c = m.counts;
    let mut rows: Vec<(&str, String)> = vec![
        ("run folder", run.dir.display().to_string()),
        (
            "status",
            if run.partial {
                "not finished (last checkpoint)".into()
            } else {
                "complete".into()
            },
        ),
        ("inputs", m.inputs.join(", ")),
        ("targets", m.targets.join(", ")),
        ("classifier", m.classifier.clone()),
        ("model", m.model.clone()),
        ("groupings", m.groupings.join(", ")),
        ("evidence per side", m.evidence_per_side.to_string()),
    ];
    if let Some(r) = m.decision_rule {
        rows.push((
            "decision rule",
            format!(
                "a sentence is stance-bearing when FAVOR or AGAINST is its most probable label; \
                 fewer than {} stance-bearing sentences \u{2192} NONE; net \u{2265} {} \u{2192} \
                 FAVOR; net \u{2264} \u{2212}{} \u{2192} AGAINST; else MIXED; intervals: Wilson, \
                 z = {}",
                r.min_stance_sentences, r.margin, r.margin, r.z
            ),
        ));
    }
    rows.push((
        "counts",
        format!(
            "{} input records, {} documents, {} sentences, {} skipped, {} repeated ids, {} left \
             to other shards",
            c.input_records, c.documents, c.sentences, c.errors, c.duplicate_ids, c.other_shards
        ),
    ));
    if let Some(s) = &m.shard {
        rows.push(("shard", s.clone()));
    }
    if let Some(t) = m.timings {
        rows.push((
            "timings",
            format!(
                "{:.1} s, {:.1} documents/s, {:.1} sentences/s",
                t.seconds, t.documents_per_second, t.sentences_per_second
            ),
        ));
    }
    if !m.version.is_empty() {
        rows.push(("standpoint version", m.version.clone()));
    }
    let mut body = el("tbody");
    for (k, v) in rows {
        body.push(el("tr").child(el("th").text(k)).child(el("td").text(v)));
    }
    el("section")
        .attr("id", "manifest")
        .child(el("h2").text("Run"))
        .child(el("table").child(body))
}

/// Corrected estimates (PPI++) from a hand-labelled sample, beside the classifier's own, clearly
/// marked, with the number of labels behind each.
fn estimates_section(run: &RunFolder) -> Element {
    let first = &run.estimates[0];
    let mut sec = el("section")
        .attr("id", "estimates")
        .child(el("h2").text(format!(
            "Corrected with {} hand labels: {}",
            first.labels, first.target
        )));
    sec.push(p(
        "lede",
        format!(
            "Shares of sentences and net (favor \u{2212} against per sentence), estimated three \
             ways with {:.0}% intervals: the classifier alone (raw, as the charts above), \
             prediction-powered (PPI++: the classifier corrected by the labels; report this), and \
             the labels alone. Sample design {}; the classifier agreed with {:.0}% of the labels \
             (docs/validation.md).",
            first.level * 100.0,
            first.design,
            first.agreement.accuracy * 100.0
        ),
    ));
    let iv = |i: &standpoint_validate::Interval| {
        format!("{:+.3} [{:+.3}, {:+.3}]", i.estimate, i.lo, i.hi)
    };
    let mut table = el("table").attr("class", "estimates").child(
        el("tr")
            .child(el("th").text("grouping"))
            .child(el("th").text("group"))
            .child(el("th").text("estimate of"))
            .child(el("th").text("labels"))
            .child(el("th").text("classifier only"))
            .child(el("th").text("corrected (PPI++)"))
            .child(el("th").text("labels only"))
            .child(el("th").text("note")),
    );
    for r in &run.estimates {
        for e in &r.estimates {
            let dash = || "\u{2013}".to_string();
            table.push(
                el("tr")
                    .child(el("td").text(r.group_by.clone().unwrap_or_else(|| "all".into())))
                    .child(el("td").text(e.group.clone()))
                    .child(el("td").text(format!("{:?}", e.estimand).to_lowercase()))
                    .child(el("td").text(e.labels.to_string()))
                    .child(el("td").text(iv(&e.raw)))
                    .child(el("td").child(el("strong").text(e.ppi.as_ref().map_or_else(dash, iv))))
                    .child(el("td").text(e.gold.as_ref().map_or_else(dash, iv)))
                    .child(el("td").text(e.warning.clone().unwrap_or_default())),
            );
        }
    }
    sec.push(table);
    sec
}

/// The report of a run folder, as one HTML page.
pub fn render(run: &RunFolder, opts: &Options) -> String {
    let m = &run.manifest;
    let groupings: Vec<GroupBy> = m
        .groupings
        .iter()
        .filter_map(|g| GroupBy::parse(g).ok())
        .collect();
    let date_field = date_field(&groupings);
    let title = format!("Stance report: {}", m.targets.join(", "));
    let mut body = el("body").child(el("h1").text(title.clone())).child(p(
        "lede",
        format!(
            "{} documents and {} sentences{}, read by the {} classifier. Net share is \
                 (FAVOR \u{2212} AGAINST) / stance-bearing sentences, in [\u{2212}1, +1], with its \
                 95% interval; hover over a mark for its numbers.",
            m.counts.documents,
            m.counts.sentences,
            if m.inputs.is_empty() {
                String::new()
            } else {
                format!(" from {}", m.inputs.join(", "))
            },
            if m.classifier.is_empty() {
                "(unknown)"
            } else {
                &m.classifier
            }
        ),
    ));
    if !run.notes.is_empty() {
        let mut ul = el("ul");
        for n in &run.notes {
            ul.push(el("li").text(n.clone()));
        }
        body.push(
            el("div")
                .attr("class", "notes")
                .attr("role", "note")
                .child(el("strong").text(if run.partial {
                    "Partial report"
                } else {
                    "Notes"
                }))
                .child(ul),
        );
    }
    let mut nav = el("nav").attr("class", "noprint");
    for (t, target) in m.targets.iter().enumerate() {
        nav.push(
            el("a")
                .attr("href", format!("#target-{t}"))
                .text(target.clone()),
        );
    }
    for (id, name) in [
        ("documents", "documents"),
        ("skipped", "skipped records"),
        ("manifest", "run"),
    ] {
        nav.push(el("a").attr("href", format!("#{id}")).text(name));
    }
    body.push(nav);
    for t in 0..m.targets.len() {
        body.push(target_section(run, &groupings, t, opts));
    }
    if !run.estimates.is_empty() {
        body.push(estimates_section(run));
    }
    body.push(documents_section(run, &date_field));
    body.push(errors_section(run));
    body.push(manifest_section(run));
    body.push(el("script").raw(SCRIPT));
    let html = el("html")
        .attr("lang", "en")
        .child(
            el("head")
                .child(el("meta").attr("charset", "utf-8"))
                .child(
                    el("meta")
                        .attr("name", "viewport")
                        .attr("content", "width=device-width, initial-scale=1"),
                )
                .child(el("title").text(title))
                .child(el("style").raw(CSS)),
        )
        .child(body);
    let mut out = String::from("<!DOCTYPE html>\n");
    html.write(&mut out);
    out.push('\n');
    out
}
