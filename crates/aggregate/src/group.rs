//! Grouping keys: everything, a metadata field, or a date field bucketed by day, week or month.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Error;

/// Date bucket sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateBucket {
    /// `2024-03-05`
    Day,
    /// ISO week, `2024-W10`
    Week,
    /// `2024-03`
    Month,
}

/// How documents are grouped.
///
/// ```
/// use standpoint_aggregate::{DateBucket, GroupBy};
/// let g = GroupBy::parse("date:week").unwrap();
/// assert_eq!(g, GroupBy::Date { field: "date".into(), bucket: DateBucket::Week });
/// let meta = [("date".to_string(), "2024-03-07T10:00:00Z".to_string())].into_iter().collect();
/// assert_eq!(g.key(&meta), "2024-W10");
/// assert_eq!(GroupBy::parse("source").unwrap().key(&meta), "(none)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "lowercase")]
pub enum GroupBy {
    /// One group holding everything (`all`).
    All,
    /// The value of a metadata field (`source`, `speaker`, ...).
    Field {
        /// Field name.
        field: String,
    },
    /// A date field (`YYYY-MM-DD...`) bucketed (`date:day`, `published:month`, ...).
    Date {
        /// Field name.
        field: String,
        /// Bucket size.
        bucket: DateBucket,
    },
    /// Groupings crossed (`source+date:month`): one group per combination of their keys,
    /// joined by [`CROSS_SEPARATOR`] (`Wire | 2024-03`).
    Cross {
        /// The crossed groupings (fields and dates), in order.
        parts: Vec<GroupBy>,
    },
}

/// What joins the keys of a crossed grouping. A `|` inside a key is written `¦`, so
/// [`GroupBy::split_key`] gives the parts back.
pub const CROSS_SEPARATOR: &str = " | ";

/// The groupings of a run: `all` first, then each spec parsed ([`GroupBy::parse`]), each once.
///
/// ```
/// use standpoint_aggregate::{groupings, GroupBy};
/// let g = groupings(&["source".into(), "all".into(), "source".into()]).unwrap();
/// assert_eq!(g, [GroupBy::All, GroupBy::parse("source").unwrap()]);
/// ```
pub fn groupings(specs: &[String]) -> Result<Vec<GroupBy>, Error> {
    let mut out = vec![GroupBy::All];
    for spec in specs {
        let g = GroupBy::parse(spec)?;
        if !out.contains(&g) {
            out.push(g);
        }
    }
    Ok(out)
}

impl GroupBy {
    /// Parses `all`, `FIELD`, `FIELD:day|week|month`, or several of the last two crossed with
    /// `+` (`source+date:month`).
    ///
    /// ```
    /// use standpoint_aggregate::GroupBy;
    /// let g = GroupBy::parse("source+date:month").unwrap();
    /// let meta = [("source", "Wire"), ("date", "2024-03-07")]
    ///     .map(|(k, v)| (k.to_string(), v.to_string())).into_iter().collect();
    /// assert_eq!(g.key(&meta), "Wire | 2024-03");
    /// assert_eq!(g.split_key("Wire | 2024-03"), ["Wire", "2024-03"]);
    /// assert_eq!(g.name(), "source+date:month");
    /// assert!(GroupBy::parse("source+all").is_err());
    /// ```
    pub fn parse(spec: &str) -> Result<GroupBy, Error> {
        let bad = |message: &str| Error::GroupSpec {
            spec: spec.to_string(),
            message: message.to_string(),
        };
        let spec_t = spec.trim();
        if spec_t.is_empty() {
            return Err(bad("empty"));
        }
        if spec_t.contains('+') {
            let parts = spec_t
                .split('+')
                .map(|p| match GroupBy::parse(p)? {
                    GroupBy::All => Err(bad("`all` cannot be crossed")),
                    g => Ok(g),
                })
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(GroupBy::Cross { parts });
        }
        if spec_t == "all" {
            return Ok(GroupBy::All);
        }
        match spec_t.rsplit_once(':') {
            Some((field, bucket)) => {
                let bucket = match bucket {
                    "day" => DateBucket::Day,
                    "week" => DateBucket::Week,
                    "month" => DateBucket::Month,
                    _ => return Err(bad("the bucket after ':' must be day, week or month")),
                };
                if field.is_empty() {
                    return Err(bad("no field before ':'"));
                }
                Ok(GroupBy::Date {
                    field: field.to_string(),
                    bucket,
                })
            }
            None => Ok(GroupBy::Field {
                field: spec_t.to_string(),
            }),
        }
    }

    /// The grouping's name, as [`GroupBy::parse`] reads it.
    pub fn name(&self) -> String {
        match self {
            GroupBy::All => "all".into(),
            GroupBy::Field { field } => field.clone(),
            GroupBy::Date { field, bucket } => format!(
                "{field}:{}",
                match bucket {
                    DateBucket::Day => "day",
                    DateBucket::Week => "week",
                    DateBucket::Month => "month",
                }
            ),
            GroupBy::Cross { parts } => parts
                .iter()
                .map(GroupBy::name)
                .collect::<Vec<_>>()
                .join("+"),
        }
    }

    /// The parts of a key of this grouping: one per crossed grouping, else the key itself.
    pub fn split_key<'k>(&self, key: &'k str) -> Vec<&'k str> {
        match self {
            GroupBy::Cross { .. } => key.split(CROSS_SEPARATOR).collect(),
            _ => vec![key],
        }
    }

    /// The group a document with this metadata falls in: `(none)` when the field is missing or
    /// empty, `(invalid date)` when a date field does not start with `YYYY-MM-DD`.
    pub fn key(&self, meta: &BTreeMap<String, String>) -> String {
        let field = match self {
            GroupBy::All => return "all".into(),
            GroupBy::Cross { parts } => {
                return parts
                    .iter()
                    .map(|p| p.key(meta).replace('|', "\u{a6}"))
                    .collect::<Vec<_>>()
                    .join(CROSS_SEPARATOR)
            }
            GroupBy::Field { field } | GroupBy::Date { field, .. } => field,
        };
        let Some(value) = meta.get(field).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
            return "(none)".into();
        };
        let GroupBy::Date { bucket, .. } = self else {
            return value.to_string();
        };
        let Some((y, m, d)) = parse_date(value) else {
            return "(invalid date)".into();
        };
        match bucket {
            DateBucket::Day => format!("{y:04}-{m:02}-{d:02}"),
            DateBucket::Month => format!("{y:04}-{m:02}"),
            DateBucket::Week => {
                let (wy, w) = iso_week(y, m, d);
                format!("{wy:04}-W{w:02}")
            }
        }
    }
}

fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)? as u32, num(8..10)? as u32);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some((y, m, d))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// ISO-8601 week-numbering year and week.
fn iso_week(y: i64, m: u32, d: u32) -> (i64, u32) {
    let days = days_from_civil(y, m, d);
    let weekday = (days + 3).rem_euclid(7); // Monday = 0 (1970-01-01 was a Thursday)
    let thursday = days - weekday + 3;
    // The ISO year is the calendar year of this week's Thursday.
    let mut ty = y + 1;
    while days_from_civil(ty, 1, 1) > thursday {
        ty -= 1;
    }
    let week = (thursday - days_from_civil(ty, 1, 1)) / 7 + 1;
    (ty, week as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_at_year_edges() {
        assert_eq!(iso_week(2021, 1, 3), (2020, 53));
        assert_eq!(iso_week(2021, 1, 4), (2021, 1));
        assert_eq!(iso_week(2024, 12, 30), (2025, 1));
        assert_eq!(iso_week(2024, 3, 7), (2024, 10));
        assert_eq!(iso_week(2026, 11, 26), (2026, 48));
    }

    #[test]
    fn dates_are_validated() {
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-13-01"), None);
        assert_eq!(parse_date("26/11/2026"), None);
        assert_eq!(parse_date("2023-1-01x"), None);
    }

    #[test]
    fn specs_parse_and_name_round_trip() {
        for s in [
            "all",
            "source",
            "speaker",
            "date:day",
            "published:month",
            "date:week",
        ] {
            assert_eq!(GroupBy::parse(s).unwrap().name(), s);
        }
        assert!(GroupBy::parse("date:year").is_err());
        assert!(GroupBy::parse(":day").is_err());
        assert!(GroupBy::parse(" ").is_err());
    }
}
