//! Drawing sentences for hand labelling, with known inclusion probabilities.
//!
//! Every sentence gets a pseudo-random priority from (seed, document position, sentence index);
//! a simple random sample of size n is the n sentences of lowest priority, which is a uniform
//! random permutation's first n. Drawing more later (`--add`) takes the next ones in the same
//! order, so the enlarged sample is again a simple random sample, of the larger size, and every
//! row's inclusion probability is n / N for the final n. A stratified sample does the same
//! within each stratum (a grouping such as `source`, or the predicted `label`), with sizes
//! proportional to the strata (at least the sentences already drawn there): inclusion
//! probability n_h / N_h.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::run::Sentence;
use crate::Error;

/// A sentence's key: (document position `seq`, sentence index).
pub type Key = (u64, u32);

/// One drawn sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// The sentence.
    pub key: Key,
    /// Its stratum (`all` for a simple random sample).
    pub stratum: String,
    /// The probability that the design includes it.
    pub inclusion: f64,
}

/// SplitMix64 of the seed and the key: the priority order of the draw.
pub fn priority(seed: u64, key: Key) -> u64 {
    let mut z = seed
        ^ key.0.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ (key.1 as u64).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The stratum of a sentence (`Sentence::stratum`, read for the stratifying field), or `all`.
fn stratum_of(s: &Sentence) -> String {
    s.stratum.clone().unwrap_or_else(|| "all".into())
}

/// Draws `add` more sentences (on top of `already`, drawn before with the same seed and design)
/// from `population`, stratified by `Sentence::stratum` where it is set (read with
/// [`crate::run::sentences`]'s `stratify_by`: a grouping, `speaker` or the predicted `label`).
/// Returns every row of the enlarged sample (the earlier ones
/// first, in their order) with its stratum and inclusion probability under the final design.
///
/// ```
/// use standpoint_validate::run::{Label, Sentence};
/// use standpoint_validate::sample::draw;
/// let pop: Vec<Sentence> = (0..100).map(|i| Sentence {
///     seq: i / 10, doc: format!("d{}", i / 10), index: (i % 10) as u32, predicted: Label::None, group: None,
///     stratum: None }).collect();
/// let first = draw(&pop, 7, 10, &[]).unwrap();
/// assert_eq!(first.len(), 10);
/// assert!(first.iter().all(|d| d.inclusion == 0.1));
/// let keys: Vec<_> = first.iter().map(|d| d.key).collect();
/// let more = draw(&pop, 7, 5, &keys).unwrap();
/// assert_eq!(more.len(), 15);
/// assert_eq!(&more[..10].iter().map(|d| d.key).collect::<Vec<_>>(), &keys);
/// assert!(more.iter().all(|d| d.inclusion == 0.15));
/// ```
pub fn draw(
    population: &[Sentence],
    seed: u64,
    add: usize,
    already: &[Key],
) -> Result<Vec<Drawn>, Error> {
    // Strata and each one's sentences in priority order.
    let mut strata: BTreeMap<String, Vec<(u64, Key)>> = BTreeMap::new();
    let mut seen = HashSet::new();
    for s in population {
        let key = (s.seq, s.index);
        if !seen.insert(key) {
            return Err(Error::Usage {
                message: format!("sentence {}:{} appears twice in the run", s.seq, s.index),
            });
        }
        strata
            .entry(stratum_of(s))
            .or_default()
            .push((priority(seed, key), key));
    }
    for v in strata.values_mut() {
        v.sort_unstable();
    }
    let total: usize = strata.values().map(Vec::len).sum();
    let wanted = already.len() + add;
    if wanted > total {
        return Err(Error::Usage {
            message: format!("{wanted} sentences asked for, the run has {total} toward the target"),
        });
    }
    // The earlier draw must be the head of its strata's orders: the same seed and design.
    let stratum_key: HashMap<Key, &str> = strata
        .iter()
        .flat_map(|(name, v)| v.iter().map(move |(_, k)| (*k, name.as_str())))
        .collect();
    let mut before: BTreeMap<&str, usize> = BTreeMap::new();
    for k in already {
        let Some(name) = stratum_key.get(k) else {
            return Err(Error::Usage {
                message: format!(
                    "the sample holds sentence {}:{}, which is not in this run",
                    k.0, k.1
                ),
            });
        };
        *before.entry(name).or_default() += 1;
    }
    for (name, &n) in &before {
        let head: HashSet<Key> = strata[*name][..n].iter().map(|(_, k)| *k).collect();
        if already
            .iter()
            .filter(|k| stratum_key.get(*k) == Some(name))
            .any(|k| !head.contains(k))
        {
            return Err(Error::Usage {
                message: "the existing sample was not drawn with this seed and design (another \
                          --seed or --stratify-by?); draw more with the settings it was drawn with"
                    .into(),
            });
        }
    }
    // Sizes: proportional to the strata, never below what is already there.
    let mut size: BTreeMap<&str, usize> = BTreeMap::new();
    let mut given = 0;
    let mut rests: Vec<(f64, &str)> = Vec::new();
    for (name, v) in &strata {
        let exact = wanted as f64 * v.len() as f64 / total as f64;
        // At least two per stratum (an interval needs a spread), and what is there already.
        let n = (exact.floor() as usize)
            .max(before.get(name.as_str()).copied().unwrap_or(0))
            .max(if strata.len() > 1 { 2 } else { 0 });
        given += n;
        size.insert(name, n.min(v.len()));
        rests.push((exact - exact.floor(), name));
    }
    // The remainder to the largest fractions (ties by name), where room is left.
    rests.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    for (_, name) in rests.iter().cycle().take(rests.len() * 2) {
        if given >= wanted {
            break;
        }
        let n = size.get_mut(name).expect("every stratum has a size");
        if *n < strata[*name].len() {
            *n += 1;
            given += 1;
        }
    }
    let inclusion: HashMap<&str, f64> = size
        .iter()
        .map(|(name, &n)| (*name, n as f64 / strata[*name].len() as f64))
        .collect();
    let mut out: Vec<Drawn> = already
        .iter()
        .map(|k| {
            let name = stratum_key[k];
            Drawn {
                key: *k,
                stratum: name.to_string(),
                inclusion: inclusion[name],
            }
        })
        .collect();
    for (name, v) in &strata {
        let from = before.get(name.as_str()).copied().unwrap_or(0);
        for (_, key) in &v[from..size[name.as_str()]] {
            out.push(Drawn {
                key: *key,
                stratum: name.clone(),
                inclusion: inclusion[name.as_str()],
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Label;

    fn population() -> Vec<Sentence> {
        (0..1000u64)
            .map(|i| Sentence {
                seq: i / 20,
                doc: format!("d{}", i / 20),
                index: (i % 20) as u32,
                predicted: Label::None,
                group: None,
                stratum: Some(
                    if i < 900 {
                        "big"
                    } else if i < 995 {
                        "mid"
                    } else {
                        "tiny"
                    }
                    .into(),
                ),
            })
            .collect()
    }

    #[test]
    fn strata_are_sampled_in_proportion_with_at_least_two_each() {
        let d = draw(&population(), 9, 100, &[]).unwrap();
        let count = |s: &str| d.iter().filter(|x| x.stratum == s).count();
        assert_eq!((count("big"), count("mid"), count("tiny")), (90, 9, 2));
        for x in &d {
            let (n, big_n) = match x.stratum.as_str() {
                "big" => (90.0, 900.0),
                "mid" => (9.0, 95.0),
                _ => (2.0, 5.0),
            };
            assert_eq!(x.inclusion, n / big_n);
        }
    }

    #[test]
    fn adding_keeps_the_draw_and_another_seed_is_refused() {
        let pop = population();
        let first = draw(&pop, 9, 50, &[]).unwrap();
        let keys: Vec<Key> = first.iter().map(|d| d.key).collect();
        let more = draw(&pop, 9, 50, &keys).unwrap();
        assert_eq!(
            more[..keys.len()].iter().map(|d| d.key).collect::<Vec<_>>(),
            keys
        );
        assert!(more.len() >= keys.len() + 50);
        assert!(draw(&pop, 10, 50, &keys).is_err());
        // Unstratified: 50, then 50 more, is the draw of 100.
        let srs: Vec<Sentence> = pop
            .into_iter()
            .map(|s| Sentence { stratum: None, ..s })
            .collect();
        let a = draw(&srs, 4, 50, &[]).unwrap();
        let ka: Vec<Key> = a.iter().map(|d| d.key).collect();
        let mut both: Vec<Key> = draw(&srs, 4, 50, &ka)
            .unwrap()
            .iter()
            .map(|d| d.key)
            .collect();
        let mut once: Vec<Key> = draw(&srs, 4, 100, &[])
            .unwrap()
            .iter()
            .map(|d| d.key)
            .collect();
        both.sort();
        once.sort();
        assert_eq!(both, once);
    }
}
