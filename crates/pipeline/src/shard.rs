//! Shards: `K/N` splits of a corpus by a stable hash of each record's key (its document id, or
//! `FILE:LINE` for a bad record), so N machines each take one shard of the same inputs and
//! `merge` combines their folders into what one run would have written.

use serde::{Deserialize, Serialize};

use crate::hash::fnv1a;

/// Shard `k` of `n`, 1-based.
///
/// ```
/// use standpoint_pipeline::shard::Shard;
/// let s: Shard = "2/8".parse().unwrap();
/// assert_eq!((s.k, s.n), (2, 8));
/// assert!("0/8".parse::<Shard>().is_err());
/// // Every key belongs to exactly one of the n shards.
/// let owners = (1..=8).filter(|k| Shard { k: *k, n: 8 }.owns("doc-17")).count();
/// assert_eq!(owners, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard (1..=n).
    pub k: u64,
    /// How many shards.
    pub n: u64,
}

/// A shard that is not `K/N` with `1 <= K <= N`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseShardError(&'static str);

impl std::str::FromStr for Shard {
    type Err = ParseShardError;

    fn from_str(s: &str) -> Result<Shard, ParseShardError> {
        let (k, n) = s
            .split_once('/')
            .ok_or(ParseShardError("expected K/N, e.g. 2/8"))?;
        let k: u64 = k
            .trim()
            .parse()
            .map_err(|_| ParseShardError("K is not a number"))?;
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| ParseShardError("N is not a number"))?;
        if n == 0 || k == 0 || k > n {
            return Err(ParseShardError("need 1 <= K <= N"));
        }
        Ok(Shard { k, n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl Shard {
    /// Whether a record with this key belongs to this shard.
    pub fn owns(&self, key: &str) -> bool {
        fnv1a(key) % self.n == self.k - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_keys_roughly_evenly() {
        let n = 4;
        let mut counts = [0usize; 4];
        for i in 0..4000 {
            let key = format!("doc-{i}");
            let owners: Vec<u64> = (1..=n).filter(|&k| Shard { k, n }.owns(&key)).collect();
            assert_eq!(owners.len(), 1, "{key}");
            counts[owners[0] as usize - 1] += 1;
        }
        assert!(
            counts.iter().all(|&c| (800..1200).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn shard_assignment_is_stable_across_versions() {
        // Shards computed by an older build must merge with a newer one: the hash is fixed
        // (value computed independently of this code).
        assert_eq!(crate::hash::fnv1a("wire-001"), 0x5c123ec17b4b9fc2);
        let owner = (1..=8).find(|&k| Shard { k, n: 8 }.owns("wire-001"));
        assert_eq!(owner, Some(3));
    }

    #[test]
    fn bad_shards_are_refused_with_a_reason() {
        for (s, why) in [
            ("3", "expected K/N"),
            ("x/2", "K is not"),
            ("1/y", "N is not"),
            ("3/2", "1 <= K"),
        ] {
            let e = s.parse::<Shard>().unwrap_err().to_string();
            assert!(e.contains(why), "{s}: {e}");
        }
    }
}
