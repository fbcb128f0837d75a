//! Text reports of a run folder's state.

use std::fmt::Write as _;

use standpoint_aggregate::{GroupBy, GroupTally};

use crate::checkpoint::State;

fn clip(s: &str, n: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= n {
        s
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// A readable per-target summary of a run: counts, document decisions, sentence counts and net
/// score with the favor share's interval, net score per group, and the strongest evidence
/// sentence on each side.
pub fn summary_text(state: &State) -> String {
    let mut out = String::new();
    let agg = &state.aggregates;
    // Speaker aliases folded on a copy of the speaker grouping only.
    let speakers = agg.folded_speakers();
    let rule = *agg.rule();
    let _ = writeln!(
        out,
        "{} documents, {} sentences, {} skipped records{}{} in {:.1} s",
        state.documents,
        state.sentences,
        state.errors,
        if state.duplicate_ids > 0 {
            format!(", {} repeated document ids", state.duplicate_ids)
        } else {
            String::new()
        },
        if state.other_shards > 0 {
            format!(", {} left to other shards", state.other_shards)
        } else {
            String::new()
        },
        state.seconds
    );
    if !state.missing_shards.is_empty() {
        let _ = writeln!(
            out,
            "PARTIAL MERGE: shard(s) {} missing; their documents are not in these results",
            state.missing_shards.join(", ")
        );
    }
    // Every (grouping, value, tally) of each target, in the aggregates' order: one pass, so
    // that thousands of targets cost linear time, not targets x groups.
    let mut by_target: std::collections::HashMap<&str, Vec<(&str, &str, &GroupTally)>> =
        std::collections::HashMap::new();
    for (g, v, t, tally) in agg.iter() {
        if g != "speaker" {
            by_target.entry(t).or_default().push((g, v, tally));
        }
    }
    for (v, targets) in speakers.iter().flatten() {
        for (t, tally) in targets {
            by_target.entry(t).or_default().push(("speaker", v, tally));
        }
    }
    // The order of the aggregates (grouping, group), as before.
    for entries in by_target.values_mut() {
        entries.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    }
    for target in &state.spec.targets {
        let entries = by_target
            .get(target.as_str())
            .map_or(&[][..], Vec::as_slice);
        let Some(all) = agg.get("all", "all", target) else {
            continue;
        };
        let s = all.sentences.summary(&rule);
        let d = all.documents;
        let _ = writeln!(out);
        let _ = writeln!(out, "== {target}");
        let _ = writeln!(
            out,
            "   documents: {} favor, {} against, {} mixed, {} no stance",
            d.favor, d.against, d.mixed, d.none
        );
        let share = s
            .favor_share
            .map(|i| {
                format!(
                    "; favor share {:.0}% (95% CI {:.0}–{:.0}%)",
                    100.0 * i.estimate,
                    100.0 * i.low,
                    100.0 * i.high
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "   sentences: {} favor, {} against, {} none; net {:+.2}{share}",
            s.counts.favor, s.counts.against, s.counts.none, s.net
        );
        // Crossed groupings (source+date:month) are for charts: too many to list here.
        let listed = |g: &&GroupBy| !matches!(g, GroupBy::All | GroupBy::Cross { .. });
        for g in agg.groupings().iter().filter(listed) {
            let name = g.name();
            let mut parts = Vec::new();
            for &(gname, value, tally) in entries {
                if gname == name {
                    let gs = tally.sentences.summary(&rule);
                    if gs.counts.favor + gs.counts.against > 0 {
                        parts.push(format!("{value} {:+.2}", gs.net));
                    }
                }
            }
            if !parts.is_empty() {
                let _ = writeln!(out, "   net by {name}: {}", parts.join(", "));
            }
        }
        if let Some(e) = s.favor_evidence.first() {
            let _ = writeln!(out, "   + [{}] {}", e.doc, clip(&e.text, 110));
        }
        if let Some(e) = s.against_evidence.first() {
            let _ = writeln!(out, "   - [{}] {}", e.doc, clip(&e.text, 110));
        }
        speaker_evidence(&mut out, &rule, entries);
    }
    out
}

/// Who argues which way: for up to six named speakers with the most stance-bearing sentences,
/// their net score and their strongest sentence.
fn speaker_evidence(
    out: &mut String,
    rule: &standpoint_aggregate::DecisionRule,
    entries: &[(&str, &str, &GroupTally)],
) {
    let mut speakers: Vec<(u64, &str, standpoint_aggregate::Summary)> = entries
        .iter()
        .filter(|(g, v, _)| *g == "speaker" && *v != "(none)")
        .map(|&(_, v, tally)| {
            let s = tally.sentences.summary(rule);
            (s.counts.favor + s.counts.against, v, s)
        })
        .filter(|(n, _, _)| *n > 0)
        .collect();
    speakers.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    for (_, name, s) in speakers.iter().take(6) {
        let e = if s.net >= 0.0 {
            s.favor_evidence.first()
        } else {
            s.against_evidence.first()
        };
        if let Some(e) = e {
            let _ = writeln!(out, "   {name} {:+.2}: {}", s.net, clip(&e.text, 100));
        }
    }
}
