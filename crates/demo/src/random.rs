//! A tiny deterministic PRNG (SplitMix64).
//!
//! Hand-written rather than `rand` so the demo's numbers never change with a dependency
//! update. Only `+ - * /` and `sqrt` are used on floats (all exactly rounded by IEEE 754):
//! `ln`, `exp` or `cos` come from the platform's maths library and may differ in the last
//! bit, which would make files differ between machines.

/// A SplitMix64 generator.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator seeded from a label (FNV-1a hash), e.g. a dataset's name.
    pub fn seeded(label: &str) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in label.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Rng { state: h }
    }

    /// A generator from a number, e.g. a seed printed by a test so a run can be replayed.
    pub fn from_seed(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// Stream `stream` of seed `seed`: streams start at unrelated points of the sequence,
    /// so item `i` of a generated catalog is the same whatever was generated before it.
    pub fn stream(seed: u64, stream: u64) -> Rng {
        let mix = |x: u64| Rng::from_seed(x).next_u64();
        Rng::from_seed(mix(seed) ^ mix(stream.wrapping_mul(0xd1b5_4a32_d192_ed03) ^ 0x5851_f42d))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `lo..=hi` (`lo` when the range is empty).
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u128 + 1;
        // Multiply-shift instead of `%`: no modulo bias worth mentioning, no division.
        lo + ((u128::from(self.next_u64()) * span) >> 64) as i64
    }

    /// An index into a collection of `len` items (0 when `len` is 0).
    pub fn index(&mut self, len: usize) -> usize {
        self.int(0, len as i64 - 1) as usize
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An index with probability proportional to `weights`.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        Weighted::new(weights.iter().copied()).pick(self)
    }

    /// `k` distinct indices below `len`, in random order.
    pub fn sample(&mut self, len: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..len).collect();
        let k = k.min(len);
        for i in 0..k {
            let j = i + self.index(len - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    }

    /// A version-4 UUID from the sequence (stable ids for generated records).
    pub fn uuid(&mut self) -> uuid::Uuid {
        uuid::Builder::from_random_bytes(
            ((u128::from(self.next_u64()) << 64) | u128::from(self.next_u64())).to_le_bytes(),
        )
        .into_uuid()
    }

    /// Roughly standard normal: the Irwin–Hall sum of four uniforms, rescaled.
    pub fn gauss(&mut self) -> f64 {
        let s = self.unit() + self.unit() + self.unit() + self.unit();
        // The sum has mean 2 and variance 4/12, so sd 1/√3.
        (s - 2.0) * 3.0_f64.sqrt()
    }
}

/// Picks indices with probability proportional to given weights.
#[derive(Debug, Clone)]
pub struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Weighted {
        let mut total = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Weighted { cumulative }
    }

    pub fn pick(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

/// Rounds `x` to an integer count of `1/10^scale` units (0 ≤ scale ≤ 4).
pub fn units(x: f64, scale: u32) -> i64 {
    (x * pow10(scale) as f64).round() as i64
}

pub fn pow10(scale: u32) -> i64 {
    10_i64.pow(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64 of the FNV-1a hash of "ceiba", computed independently (in Python).
    const PINNED: u64 = 0xe0b8_fb22_976a_8e9a;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::seeded("x");
        let mut b = Rng::seeded("x");
        let first = a.next_u64();
        assert_eq!(first, b.next_u64());
        assert_ne!(first, Rng::seeded("y").next_u64());
        // Pinned so that a change to the generator (and with it every demo file) is noticed.
        assert_eq!(Rng::seeded("ceiba").next_u64(), PINNED);
    }

    #[test]
    fn ranges_hold() {
        let mut r = Rng::seeded("ranges");
        let mut seen = [false; 5];
        for _ in 0..10_000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            let i = r.int(3, 7);
            assert!((3..=7).contains(&i));
            seen[(i - 3) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s), "every value of 3..=7 drawn");
        assert_eq!(r.int(4, 4), 4);
        assert_eq!(r.int(4, 2), 4);
    }

    #[test]
    fn gauss_is_centred() {
        let mut r = Rng::seeded("gauss");
        let n = 20_000;
        let (mut sum, mut sq) = (0.0, 0.0);
        for _ in 0..n {
            let g = r.gauss();
            sum += g;
            sq += g * g;
        }
        let mean = sum / n as f64;
        let var = sq / n as f64 - mean * mean;
        assert!(mean.abs() < 0.05, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }

    #[test]
    fn weighted_follows_weights() {
        let w = Weighted::new([0.0, 1.0, 3.0]);
        let mut r = Rng::seeded("w");
        let mut counts = [0; 3];
        for _ in 0..8_000 {
            counts[w.pick(&mut r)] += 1;
        }
        assert_eq!(counts[0], 0);
        assert!(counts[2] > 2 * counts[1], "{counts:?}");
    }

    #[test]
    fn units_round() {
        assert_eq!(units(0.123_45, 4), 1235);
        assert_eq!(units(12.344_9, 2), 1234);
        assert_eq!(units(-1.005, 0), -1);
    }
}
