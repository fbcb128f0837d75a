//! The report's charts, as SVG elements: the split of documents and sentences, net share per
//! group as dots with interval whiskers, and net share over time as lines with interval bands.
//!
//! Every data mark is an element of class `mark` with a tooltip, and every chart says how many
//! marks it holds (`data-marks`), so a test can check a rendered page against the data.
//! Colours are from the Okabe–Ito palette, which stays distinct for colour-blind readers.

use standpoint_aggregate::{Counts, DecisionCounts, Interval};

use crate::svg::{Element, Linear, PathData};

/// FAVOR (blue).
pub const FAVOR: &str = "#0072B2";
/// AGAINST (vermillion).
pub const AGAINST: &str = "#D55E00";
/// MIXED (orange).
pub const MIXED: &str = "#E69F00";
/// NONE (grey).
pub const NONE: &str = "#BBBBBB";
/// Line colours, one per series (Okabe–Ito without yellow, which is too light on white).
pub const SERIES: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
];

const WIDTH: f64 = 760.0;
const FONT: &str = "12";

/// Net share and its interval on the [-1, 1] scale: (FAVOR − AGAINST) / stance-bearing
/// sentences = 2 × favor share − 1, with the favor share's Wilson interval mapped the same way.
///
/// ```
/// use standpoint_aggregate::Interval;
/// let i = standpoint_report::charts::net_share(Interval { estimate: 0.75, low: 0.5, high: 0.9 });
/// assert_eq!(i.estimate, 0.5);
/// assert!((i.low - 0.0).abs() < 1e-12 && (i.high - 0.8).abs() < 1e-12);
/// ```
pub fn net_share(favor_share: Interval) -> Interval {
    Interval {
        estimate: 2.0 * favor_share.estimate - 1.0,
        low: 2.0 * favor_share.low - 1.0,
        high: 2.0 * favor_share.high - 1.0,
    }
}

/// A signed number with two decimals (`+0.40`, `−0.12`, `0.00`).
pub fn signed(v: f64) -> String {
    if v.abs() < 0.005 {
        "0.00".into()
    } else if v > 0.0 {
        format!("+{v:.2}")
    } else {
        format!("\u{2212}{:.2}", -v)
    }
}

fn colour_of(v: f64) -> &'static str {
    if v > 0.0 {
        FAVOR
    } else if v < 0.0 {
        AGAINST
    } else {
        "#555555"
    }
}

fn text(x: f64, y: f64, s: impl Into<String>) -> Element {
    Element::new("text")
        .num("x", x)
        .num("y", y)
        .attr("font-size", FONT)
        .text(s)
}

fn line(x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str) -> Element {
    Element::new("line")
        .num("x1", x1)
        .num("y1", y1)
        .num("x2", x2)
        .num("y2", y2)
        .attr("stroke", stroke)
}

fn chart(kind: &str, height: f64, title: &str, marks: usize) -> Element {
    Element::new("svg")
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("class", format!("chart {kind}"))
        .attr("viewBox", format!("0 0 {WIDTH} {height}"))
        .num("width", WIDTH)
        .num("height", height)
        .attr("role", "img")
        .attr("aria-label", title)
        .attr("data-marks", marks)
        .attr("font-family", "system-ui, sans-serif")
        .child(
            text(0.0, 16.0, title)
                .attr("font-size", "14")
                .attr("font-weight", "600"),
        )
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "\u{2026}"
    }
}

/// A horizontal axis for net share in [-1, 1]: grid lines, tick labels, the zero line and the
/// axis title.
fn share_axis(x: &Linear, top: f64, bottom: f64, out: &mut Element) {
    for v in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let px = x.map(v);
        let stroke = if v == 0.0 { "#777777" } else { "#e3e3e3" };
        out.push(line(px, top, px, bottom, stroke));
        out.push(text(px, bottom + 14.0, signed(v)).attr("text-anchor", "middle"));
    }
    out.push(
        text(
            x.map(0.0),
            bottom + 30.0,
            "net share = (FAVOR \u{2212} AGAINST) / stance-bearing sentences; whiskers: 95% interval",
        )
        .attr("text-anchor", "middle")
        .attr("fill", "#444444"),
    );
    out.push(text(x.map(-1.0), top - 4.0, "\u{2190} against").attr("fill", AGAINST));
    out.push(
        text(x.map(1.0), top - 4.0, "for \u{2192}")
            .attr("text-anchor", "end")
            .attr("fill", FAVOR),
    );
}

/// The overall split: documents by decision and sentences by most probable label, as two
/// stacked bars with counts.
pub fn split(title: &str, docs: DecisionCounts, sentences: Counts) -> Element {
    let height = 110.0;
    let (left, right) = (110.0, WIDTH - 10.0);
    let mut svg = chart("split", height, title, 0);
    // (label, count, colour) of each segment of a bar.
    type Segments = Vec<(&'static str, u64, &'static str)>;
    let bars: [(&str, Segments); 2] = [
        (
            "Documents",
            vec![
                ("favor", docs.favor, FAVOR),
                ("against", docs.against, AGAINST),
                ("mixed", docs.mixed, MIXED),
                ("no stance", docs.none, NONE),
            ],
        ),
        (
            "Sentences",
            vec![
                ("favor", sentences.favor, FAVOR),
                ("against", sentences.against, AGAINST),
                ("none", sentences.none, NONE),
            ],
        ),
    ];
    for (row, (name, parts)) in bars.iter().enumerate() {
        let y = 34.0 + row as f64 * 36.0;
        svg.push(text(left - 8.0, y + 15.0, *name).attr("text-anchor", "end"));
        let total: u64 = parts.iter().map(|p| p.1).sum();
        let x = Linear::new((0.0, total.max(1) as f64), (left, right));
        let mut at = 0u64;
        for (label, n, colour) in parts {
            if *n == 0 {
                continue;
            }
            let (x0, x1) = (x.map(at as f64), x.map((at + n) as f64));
            let pct = 100.0 * *n as f64 / total as f64;
            svg.push(
                Element::new("rect")
                    .attr("class", "segment")
                    .num("x", x0)
                    .num("y", y)
                    .num("width", (x1 - x0).max(0.5))
                    .num("height", 22.0)
                    .attr("fill", *colour)
                    .tooltip(format!("{name}: {n} {label} ({pct:.0}%)")),
            );
            if x1 - x0 > 70.0 {
                let fill = if *colour == NONE || *colour == MIXED {
                    "#000000"
                } else {
                    "#ffffff"
                };
                svg.push(
                    text(x0 + 5.0, y + 15.0, format!("{n} {label}"))
                        .attr("fill", fill)
                        .attr("pointer-events", "none"),
                );
            }
            at += n;
        }
        if total == 0 {
            svg.push(text(left, y + 15.0, "none").attr("fill", "#777777"));
        }
    }
    svg
}

/// One row of a dot-and-whisker chart: a group with stance-bearing sentences.
#[derive(Debug, Clone)]
pub struct ShareRow {
    /// The group.
    pub label: String,
    /// Its net share with interval ([`net_share`]).
    pub share: Interval,
    /// Documents in the group.
    pub documents: u64,
    /// Stance-bearing sentences.
    pub stance_sentences: u64,
    /// All sentences.
    pub sentences: u64,
}

/// Net share per group: one dot per row (sorted as given) with its 95% interval as a whisker,
/// and the numbers of documents and sentences beside it.
pub fn dot_whisker(title: &str, rows: &[ShareRow]) -> Element {
    let (top, row_h) = (46.0, 24.0);
    let bottom = top + row_h * rows.len().max(1) as f64;
    let height = bottom + 40.0;
    let x = Linear::new((-1.0, 1.0), (200.0, 550.0));
    let mut svg = chart("groups", height, title, rows.len());
    share_axis(&x, top, bottom, &mut svg);
    svg.push(text(566.0, top - 4.0, "docs \u{b7} stance / all sentences").attr("fill", "#444444"));
    for (i, r) in rows.iter().enumerate() {
        let y = top + row_h * (i as f64 + 0.5);
        let s = r.share;
        let colour = colour_of(s.estimate);
        svg.push(
            text(192.0, y + 4.0, clip(&r.label, 27))
                .attr("text-anchor", "end")
                .tooltip(r.label.clone()),
        );
        svg.push(line(x.map(s.low), y, x.map(s.high), y, colour).attr("stroke-width", "2"));
        for end in [s.low, s.high] {
            svg.push(line(x.map(end), y - 5.0, x.map(end), y + 5.0, colour));
        }
        svg.push(
            Element::new("circle")
                .attr("class", "mark")
                .num("cx", x.map(s.estimate))
                .num("cy", y)
                .num("r", 5.0)
                .attr("fill", colour)
                .tooltip(format!(
                    "{}: net share {} (95% interval {} to {}); {} documents, {} of {} sentences \
                     stance-bearing",
                    r.label,
                    signed(s.estimate),
                    signed(s.low),
                    signed(s.high),
                    r.documents,
                    r.stance_sentences,
                    r.sentences
                )),
        );
        svg.push(
            text(
                566.0,
                y + 4.0,
                format!(
                    "{} \u{b7} {} / {}",
                    r.documents, r.stance_sentences, r.sentences
                ),
            )
            .attr("fill", "#444444"),
        );
    }
    if rows.is_empty() {
        svg.push(
            text(
                x.map(0.0),
                top + row_h / 2.0 + 4.0,
                "no group has stance-bearing sentences",
            )
            .attr("text-anchor", "middle")
            .attr("fill", "#777777"),
        );
    }
    svg
}

/// One line of a time chart: a series' net share per time bucket (bucket index, interval),
/// buckets in order.
#[derive(Debug, Clone)]
pub struct Series {
    /// The series' name (a source, or "all").
    pub name: String,
    /// (bucket index, net share with interval), by bucket.
    pub points: Vec<(usize, Interval)>,
}

/// Net share over time: one line per series with its 95% interval as a band (a whisker for a
/// point without neighbours), a dot per bucket with data, and a legend.
pub fn time_lines(title: &str, x_title: &str, buckets: &[String], series: &[Series]) -> Element {
    let marks: usize = series.iter().map(|s| s.points.len()).sum();
    let legend_rows = series.len().div_ceil(4);
    let top = 40.0 + 18.0 * legend_rows as f64;
    let bottom = top + 220.0;
    let height = bottom + 46.0;
    let (left, right) = (60.0, WIDTH - 20.0);
    let step = (right - left) / buckets.len().max(1) as f64;
    let bx = |i: usize| left + step * (i as f64 + 0.5);
    let y = Linear::new((-1.0, 1.0), (bottom, top));
    let mut svg = chart("time", height, title, marks);
    for v in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let stroke = if v == 0.0 { "#777777" } else { "#e3e3e3" };
        svg.push(line(left, y.map(v), right, y.map(v), stroke));
        svg.push(
            text(left - 6.0, y.map(v) + 4.0, signed(v))
                .attr("text-anchor", "end")
                .attr("fill", "#444444"),
        );
    }
    svg.push(
        text(14.0, (top + bottom) / 2.0, "net share (95% band)")
            .attr("text-anchor", "middle")
            .attr(
                "transform",
                format!("rotate(-90 14 {})", (top + bottom) / 2.0),
            )
            .attr("fill", "#444444"),
    );
    let every = buckets.len().div_ceil(12).max(1);
    for (i, b) in buckets.iter().enumerate() {
        if i % every == 0 {
            svg.push(text(bx(i), bottom + 16.0, b.clone()).attr("text-anchor", "middle"));
        }
    }
    svg.push(
        text((left + right) / 2.0, bottom + 36.0, x_title)
            .attr("text-anchor", "middle")
            .attr("fill", "#444444"),
    );
    for (k, s) in series.iter().enumerate() {
        let colour = SERIES[k % SERIES.len()];
        let (lx, ly) = (left + 170.0 * (k % 4) as f64, 30.0 + 18.0 * (k / 4) as f64);
        svg.push(
            Element::new("rect")
                .num("x", lx)
                .num("y", ly - 9.0)
                .num("width", 12.0)
                .num("height", 10.0)
                .attr("fill", colour),
        );
        svg.push(text(lx + 16.0, ly, clip(&s.name, 22)).tooltip(s.name.clone()));
        // Runs of consecutive buckets: a band and a line each.
        let mut runs: Vec<Vec<(usize, Interval)>> = Vec::new();
        for &p in &s.points {
            match runs.last_mut() {
                Some(run) if run.last().is_some_and(|l| l.0 + 1 == p.0) => run.push(p),
                _ => runs.push(vec![p]),
            }
        }
        for run in &runs {
            if run.len() == 1 {
                let (i, v) = run[0];
                svg.push(
                    line(bx(i), y.map(v.low), bx(i), y.map(v.high), colour)
                        .attr("stroke-opacity", "0.5")
                        .attr("stroke-width", "6"),
                );
                continue;
            }
            let upper = run.iter().map(|(i, v)| (bx(*i), y.map(v.high)));
            let lower = run.iter().rev().map(|(i, v)| (bx(*i), y.map(v.low)));
            let band = PathData::through(upper.chain(lower));
            svg.push(
                Element::new("path")
                    .attr("d", band.close().as_str())
                    .attr("fill", colour)
                    .attr("fill-opacity", "0.15"),
            );
            let path = PathData::through(run.iter().map(|(i, v)| (bx(*i), y.map(v.estimate))));
            svg.push(
                Element::new("path")
                    .attr("d", path.as_str())
                    .attr("fill", "none")
                    .attr("stroke", colour)
                    .attr("stroke-width", "2"),
            );
        }
        for (i, v) in &s.points {
            svg.push(
                Element::new("circle")
                    .attr("class", "mark")
                    .num("cx", bx(*i))
                    .num("cy", y.map(v.estimate))
                    .num("r", 4.0)
                    .attr("fill", colour)
                    .tooltip(format!(
                        "{}, {}: net share {} (95% interval {} to {})",
                        s.name,
                        buckets[*i],
                        signed(v.estimate),
                        signed(v.low),
                        signed(v.high)
                    )),
            );
        }
    }
    if marks == 0 {
        svg.push(
            text(
                (left + right) / 2.0,
                (top + bottom) / 2.0,
                "no stance-bearing sentences in any period",
            )
            .attr("text-anchor", "middle")
            .attr("fill", "#777777"),
        );
    }
    svg
}
