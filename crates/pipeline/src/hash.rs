//! 64-bit FNV-1a: a stable hash (the same on every machine and version) for shard keys,
//! checkpoint tails and input fingerprints.

/// FNV-1a's starting value.
pub const FNV_OFFSET: u64 = 0xcbf29ce484222325;

/// FNV-1a of a string.
///
/// ```
/// assert_eq!(standpoint_pipeline::hash::fnv1a(""), 0xcbf29ce484222325);
/// assert_eq!(standpoint_pipeline::hash::fnv1a("a"), 0xaf63dc4c8601ec8c);
/// ```
pub fn fnv1a(s: &str) -> u64 {
    fnv1a_extend(FNV_OFFSET, s.as_bytes())
}

/// Continues an FNV-1a hash `h` over `bytes` (start from [`FNV_OFFSET`]).
///
/// ```
/// use standpoint_pipeline::hash::{fnv1a, fnv1a_extend, FNV_OFFSET};
/// assert_eq!(fnv1a_extend(fnv1a_extend(FNV_OFFSET, b"ab"), b"c"), fnv1a("abc"));
/// ```
pub fn fnv1a_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}
