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
    /// The folder a shard taken from a scheduler writes into, under the run's output folder:
    /// `shard-K-of-N`, K zero-padded to N's width so that folders list in order.
    ///
    /// ```
    /// use standpoint_pipeline::shard::Shard;
    /// assert_eq!(Shard { k: 3, n: 12 }.folder_name(), "shard-03-of-12");
    /// ```
    pub fn folder_name(&self) -> String {
        let width = self.n.to_string().len();
        format!("shard-{:0width$}-of-{}", self.k, self.n)
    }

    /// Whether a record with this key belongs to this shard.
    pub fn owns(&self, key: &str) -> bool {
        fnv1a(key) % self.n == self.k - 1
    }
}

/// The scheduler a shard was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduler {
    /// A Slurm job array task (`SLURM_ARRAY_TASK_*`).
    Slurm,
    /// A Kubernetes Indexed Job pod (`JOB_COMPLETION_INDEX`).
    Kubernetes,
}

impl std::fmt::Display for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Scheduler::Slurm => "Slurm job array",
            Scheduler::Kubernetes => "Kubernetes Indexed Job",
        })
    }
}

/// Why no shard could be taken from the scheduler's environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchedulerShardError {
    /// Neither scheduler's variables are set.
    #[error(
        "--shard auto needs a scheduler: neither SLURM_ARRAY_TASK_ID (a Slurm job array, \
         sbatch --array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give \
         --shard K/N instead"
    )]
    NoScheduler,
    /// A variable is missing or not a number.
    #[error("{scheduler}: {var} {problem}")]
    Variable {
        /// The scheduler.
        scheduler: Scheduler,
        /// The variable.
        var: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// The variables do not describe a task of the array.
    #[error("{scheduler}: {0}", scheduler = Scheduler::Slurm)]
    Inconsistent(String),
}

impl Shard {
    /// This task's shard, from the scheduler's environment (`var` looks a variable up; the
    /// CLI passes `std::env::var`). Slurm job arrays: task `SLURM_ARRAY_TASK_ID` of
    /// `SLURM_ARRAY_TASK_COUNT`, counted from `SLURM_ARRAY_TASK_MIN` by
    /// `SLURM_ARRAY_TASK_STEP` (an array `--array=5-8` is shards 1/4 to 4/4). Kubernetes
    /// Indexed Jobs: `JOB_COMPLETION_INDEX` (from 0) of `completions`, which the pod does not
    /// see on its own: a flag or variable the caller reads.
    ///
    /// ```
    /// use standpoint_pipeline::shard::{Scheduler, Shard};
    /// let env = |vars: &'static [(&'static str, &'static str)]| {
    ///     move |k: &str| vars.iter().find(|v| v.0 == k).map(|v| v.1.to_string())
    /// };
    /// let slurm = env(&[("SLURM_ARRAY_TASK_ID", "7"), ("SLURM_ARRAY_TASK_MIN", "5"),
    ///                   ("SLURM_ARRAY_TASK_COUNT", "4")]);
    /// assert_eq!(Shard::from_scheduler(slurm, None), Ok((Shard { k: 3, n: 4 }, Scheduler::Slurm)));
    /// let k8s = env(&[("JOB_COMPLETION_INDEX", "0")]);
    /// assert_eq!(Shard::from_scheduler(k8s, Some(8)), Ok((Shard { k: 1, n: 8 }, Scheduler::Kubernetes)));
    /// assert!(Shard::from_scheduler(env(&[]), None).is_err());
    /// ```
    pub fn from_scheduler(
        var: impl Fn(&str) -> Option<String>,
        completions: Option<u64>,
    ) -> Result<(Shard, Scheduler), SchedulerShardError> {
        let num = |scheduler, name: &'static str| -> Result<Option<u64>, SchedulerShardError> {
            match var(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| SchedulerShardError::Variable {
                        scheduler,
                        var: name,
                        problem: format!("is not a whole number: {v:?}"),
                    }),
            }
        };
        let need = |scheduler, name: &'static str| -> Result<u64, SchedulerShardError> {
            num(scheduler, name)?.ok_or(SchedulerShardError::Variable {
                scheduler,
                var: name,
                problem: "is not set".into(),
            })
        };
        let s = Scheduler::Slurm;
        if let Some(id) = num(s, "SLURM_ARRAY_TASK_ID")? {
            let min = need(s, "SLURM_ARRAY_TASK_MIN")?;
            let count = need(s, "SLURM_ARRAY_TASK_COUNT")?;
            let step = num(s, "SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
            let bad = |why: String| SchedulerShardError::Inconsistent(why);
            if id < min || (id - min) % step != 0 {
                return Err(bad(format!(
                    "task {id} is not in the array (from {min} by {step})"
                )));
            }
            let k = (id - min) / step + 1;
            if count == 0 || k > count {
                return Err(bad(format!(
                    "task {id} is task {k} of an array of {count} (from {min} by {step}): an \
                     array with gaps (--array=1,3,8) cannot be shards; use a range"
                )));
            }
            return Ok((Shard { k, n: count }, s));
        }
        let s = Scheduler::Kubernetes;
        if let Some(index) = num(s, "JOB_COMPLETION_INDEX")? {
            let n = completions.ok_or(SchedulerShardError::Variable {
                scheduler: s,
                var: "the completions count",
                problem: "is not given: pass --shard-count N (the Job's .spec.completions) or \
                          set STANDPOINT_SHARD_COUNT"
                    .into(),
            })?;
            if n == 0 || index >= n {
                return Err(SchedulerShardError::Variable {
                    scheduler: s,
                    var: "JOB_COMPLETION_INDEX",
                    problem: format!("is {index}, outside 0..{n} (the completions count)"),
                });
            }
            return Ok((Shard { k: index + 1, n }, s));
        }
        Err(SchedulerShardError::NoScheduler)
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

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| vars.iter().find(|v| v.0 == k).map(|v| v.1.clone())
    }

    fn slurm(id: &str, min: &str, count: &str) -> Result<(Shard, Scheduler), SchedulerShardError> {
        Shard::from_scheduler(
            env(&[
                ("SLURM_ARRAY_TASK_ID", id),
                ("SLURM_ARRAY_TASK_MIN", min),
                ("SLURM_ARRAY_TASK_COUNT", count),
            ]),
            None,
        )
    }

    #[test]
    fn slurm_array_tasks_are_shards_counted_from_the_arrays_start() {
        // --array=0-3
        let shards: Vec<Shard> = (0..4)
            .map(|i| slurm(&i.to_string(), "0", "4").unwrap().0)
            .collect();
        assert_eq!(
            shards,
            (1..=4).map(|k| Shard { k, n: 4 }).collect::<Vec<_>>()
        );
        // --array=1-4 and --array=10-13: the same four shards.
        assert_eq!(slurm("1", "1", "4").unwrap().0, Shard { k: 1, n: 4 });
        assert_eq!(slurm("13", "10", "4").unwrap().0, Shard { k: 4, n: 4 });
        // --array=0-6:2 (0, 2, 4, 6)
        let stepped = |id: &str| {
            Shard::from_scheduler(
                env(&[
                    ("SLURM_ARRAY_TASK_ID", id),
                    ("SLURM_ARRAY_TASK_MIN", "0"),
                    ("SLURM_ARRAY_TASK_MAX", "6"),
                    ("SLURM_ARRAY_TASK_STEP", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "4"),
                ]),
                None,
            )
        };
        assert_eq!(stepped("4").unwrap().0, Shard { k: 3, n: 4 });
        assert!(stepped("3")
            .unwrap_err()
            .to_string()
            .contains("not in the array"));
        // A Slurm task wins over a stray Kubernetes variable.
        let both = Shard::from_scheduler(
            env(&[
                ("SLURM_ARRAY_TASK_ID", "2"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "2"),
                ("JOB_COMPLETION_INDEX", "0"),
            ]),
            Some(2),
        );
        assert_eq!(both.unwrap(), (Shard { k: 2, n: 2 }, Scheduler::Slurm));
    }

    #[test]
    fn bad_slurm_variables_are_named() {
        let e = slurm("x", "0", "4").unwrap_err().to_string();
        assert!(
            e.contains("SLURM_ARRAY_TASK_ID") && e.contains("not a whole number"),
            "{e}"
        );
        let e = Shard::from_scheduler(env(&[("SLURM_ARRAY_TASK_ID", "3")]), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("SLURM_ARRAY_TASK_MIN is not set"), "{e}");
        // --array=1,3,8: task 8 is the third task, but 8 - 1 = 7 ≥ 3.
        let e = slurm("8", "1", "3").unwrap_err().to_string();
        assert!(e.contains("gaps"), "{e}");
        assert!(slurm("0", "1", "3").is_err());
    }

    #[test]
    fn kubernetes_indexed_jobs_need_the_completions_count() {
        let k8s = |i: &str, n| Shard::from_scheduler(env(&[("JOB_COMPLETION_INDEX", i)]), n);
        assert_eq!(
            k8s("0", Some(3)).unwrap(),
            (Shard { k: 1, n: 3 }, Scheduler::Kubernetes)
        );
        assert_eq!(k8s("2", Some(3)).unwrap().0, Shard { k: 3, n: 3 });
        let e = k8s("3", Some(3)).unwrap_err().to_string();
        assert!(e.contains("outside 0..3"), "{e}");
        let e = k8s("0", None).unwrap_err().to_string();
        assert!(e.contains("--shard-count"), "{e}");
        let e = k8s("-1", Some(3)).unwrap_err().to_string();
        assert!(e.contains("JOB_COMPLETION_INDEX"), "{e}");
    }

    #[test]
    fn without_a_scheduler_auto_is_refused_with_what_to_do() {
        let e = Shard::from_scheduler(env(&[("SLURM_JOB_ID", "5")]), Some(4))
            .unwrap_err()
            .to_string();
        assert!(e.contains("--shard K/N"), "{e}");
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
