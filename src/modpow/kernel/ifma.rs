//! The AVX-512 IFMA kernel's algorithm: 60 limbs of 52 bits in eight
//! vectors of eight 64-bit lanes, multiplied with `vpmadd52luq` /
//! `vpmadd52huq` (the low and high 52 bits of a 52 × 52-bit product, added
//! to a 64-bit lane).
//!
//! The algorithm is written once, over [`Lanes`]: the handful of vector
//! instructions it uses. Two backends implement them: [`Emulated`], plain
//! Rust with exactly the instructions' semantics (always compiled, tested
//! on every machine), and the `core::arch` intrinsics in the x86-64 kernel
//! module (`super::x86_64`), one intrinsic per operation, run only after
//! run-time detection. The emulation's tests therefore test the algorithm
//! the CPU runs; the intrinsics' own test compares each operation with its
//! emulation on CPUs that have them.
//!
//! # Montgomery with `R = 2^3072` on 52-bit limbs
//! Sixty 52-bit digits reduce by `2^3120`, not by the `R = 2^3072` every
//! other kernel uses. One operand enters shifted left by 48 bits (both by
//! 24 in a square), so the reduction by `2^3120` leaves `a·b·2^-3072`:
//! values in Montgomery form stay interchangeable between kernels, and the
//! shift costs nothing beyond the conversion each product makes anyway.
//! With `a·2^48 < 2^48·N` and `b < N` the almost-Montgomery result
//! `(a·2^48·b + m·N) / 2^3120` is below `N·(N/2^3072) + N < 2N`, so one
//! masked subtraction of N reduces it.
//!
//! # Operand scanning
//! For each digit `b_i` (60 rounds): add the low halves of `a·b_i`, take
//! `m = acc_0 · (-N^-1) mod 2^52` (a `madd52lo` of lane 0, broadcast), add
//! the low halves of `N·m` (which zeroes digit 0), shift the accumulator
//! down one lane (carrying digit 0's top bits into the new digit 0), then add
//! the high halves of `a·b_i` and `N·m`, which belong one digit up. Lanes
//! are not normalised inside the loop: each round adds below `2^54 + 2^12`
//! to a lane and a lane sees at most 60 rounds, so lanes stay below `2^60`.
//! One carry pass at the end normalises.
//!
//! # Constant time
//! The instruction sequence is fixed: every branch and index depends on
//! the round or lane number only (a square builds each round's row from
//! them), the conversions are shifts at fixed positions and the final
//! subtraction a masked select. A test records the lane operations for
//! many operands and finds them identical.

use subtle::{Choice, ConditionallySelectable};

use super::super::mont::{LIMBS, N, N0_INV};
use crate::modpow::Limbs;

mod emulated;
#[cfg(test)]
mod tests;

pub(crate) use emulated::Emulated;

/// Bits in a digit.
const DIGIT_BITS: u32 = 52;
/// The low 52 bits of a lane.
const MASK: u64 = (1 << DIGIT_BITS) - 1;
/// Digits in a value: `60 × 52 = 3120 ≥ 3072` bits.
const DIGITS: usize = 60;
/// Lanes in a vector.
pub(super) const LANES: usize = 8;
/// Vectors in a value: 64 lanes, the last four always zero.
const VECTORS: usize = 8;

/// A value as 64 lanes of (up to) 52-bit digits, little-endian, the top
/// four zero.
type Digits = [u64; LANES * VECTORS];

/// N in 52-bit digits.
const N52: Digits = to_digits(&N, 0);
/// `-N^-1 mod 2^52`: the low 52 bits of the 64-bit constant.
const K0: u64 = N0_INV & MASK;

/// The vector instructions the algorithm uses, on eight 64-bit lanes.
/// Each method is one AVX-512 instruction; the emulation's doc names it.
pub(crate) trait Lanes: Copy {
    /// Eight 64-bit lanes.
    type V: Copy;
    /// All lanes zero.
    fn zero(self) -> Self::V;
    /// `x` in every lane.
    fn splat(self, x: u64) -> Self::V;
    /// Eight lanes from memory.
    fn load(self, x: &[u64; LANES]) -> Self::V;
    /// Eight lanes to memory.
    fn store(self, v: Self::V) -> [u64; LANES];
    /// Lane-wise `a + b mod 2^64`.
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise `a & b`.
    fn and(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise `a >> 52`.
    fn shr52(self, a: Self::V) -> Self::V;
    /// Lane-wise `a + low52(b[51:0] · c[51:0]) mod 2^64`.
    fn madd52lo(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// Lane-wise `a + high52(b[51:0] · c[51:0]) mod 2^64`, the product's bits 52 to 103.
    fn madd52hi(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// Lane 0 of `a` in every lane.
    fn broadcast_lane0(self, a: Self::V) -> Self::V;
    /// `lo` shifted down one lane, lane 0 of `hi` entering at the top:
    /// `[lo_1, …, lo_7, hi_0]`.
    fn align1(self, hi: Self::V, lo: Self::V) -> Self::V;
}

/// 64-bit limbs times `2^shift` (`shift < 64`, the result below `2^3120`)
/// as 52-bit digits. Public positions only; `const` for N.
const fn to_digits(a: &Limbs, shift: u32) -> Digits {
    let mut out = [0u64; LANES * VECTORS];
    let mut buffer: u128 = 0;
    let mut bits = shift;
    let (mut i, mut k) = (0, 0);
    while i < LIMBS {
        buffer |= (a[i] as u128) << bits;
        bits += 64;
        while bits >= DIGIT_BITS && k < DIGITS {
            out[k] = buffer as u64 & MASK;
            buffer >>= DIGIT_BITS;
            bits -= DIGIT_BITS;
            k += 1;
        }
        i += 1;
    }
    if k < DIGITS {
        out[k] = buffer as u64 & MASK;
    }
    out
}

/// Normalised 52-bit digits (a value below `2^3120`) as 48 limbs and the
/// bits above them.
fn from_digits(d: &Digits) -> (Limbs, u64) {
    let mut out = [0u64; LIMBS];
    let mut buffer: u128 = 0;
    let mut bits = 0;
    let mut k = 0;
    for &digit in &d[..DIGITS] {
        buffer |= u128::from(digit) << bits;
        bits += DIGIT_BITS;
        if bits >= 64 {
            if let Some(limb) = out.get_mut(k) {
                *limb = buffer as u64;
            }
            buffer >>= 64;
            bits -= 64;
            k += 1;
        }
    }
    (out, buffer as u64)
}

/// Carries every lane's bits above 52 into the next: the same value, in
/// digits. The lanes' value must be below `2^3328`.
fn normalise(lanes: &Digits) -> Digits {
    let mut out = [0u64; LANES * VECTORS];
    let mut carry = 0u64;
    for (digit, &lane) in out.iter_mut().zip(lanes) {
        let t = u128::from(lane) + u128::from(carry);
        *digit = t as u64 & MASK;
        carry = (t >> DIGIT_BITS) as u64;
    }
    out
}

/// `top·2^3072 + a - N` if that is not negative, else `a`, in constant
/// time; the value must be below `2N` (so `top` is 0 or 1).
fn reduce_once(a: &Limbs, top: u64) -> Limbs {
    let mut d = [0u64; LIMBS];
    let mut borrow = 0u64;
    for i in 0..LIMBS {
        let t = u128::from(a[i]).wrapping_sub(u128::from(N[i]) + u128::from(borrow));
        d[i] = t as u64;
        borrow = ((t >> 64) as u64) & 1;
    }
    // Keep the difference when the value reached 2^3072 or the subtraction did not borrow.
    let keep_difference = Choice::from(((top | (borrow ^ 1)) & 1) as u8);
    let mut out = [0u64; LIMBS];
    for i in 0..LIMBS {
        out[i] = u64::conditional_select(&a[i], &d[i], keep_difference);
    }
    out
}

/// The eight vectors of a value.
#[inline(always)]
fn load_all<L: Lanes>(l: L, d: &Digits) -> [L::V; VECTORS] {
    // Plain loops, not `array::from_fn`, here and below: a closure the
    // compiler keeps out of line would be compiled without the target
    // features the intrinsics need.
    let mut out = [l.zero(); VECTORS];
    for (v, chunk) in out.iter_mut().zip(d.chunks_exact(LANES)) {
        let mut lanes = [0u64; LANES];
        lanes.copy_from_slice(chunk);
        *v = l.load(&lanes);
    }
    out
}

/// The multiplicand of each round of [`almost_montgomery`].
trait Rows<L: Lanes> {
    /// Round `i`'s multiplicand as vectors, and the first vector that is
    /// not all zero (the vectors below it are skipped: the index is public).
    fn row(&self, i: usize) -> (usize, [L::V; VECTORS]);
}

/// The same multiplicand in every round: a product `a·b`.
struct Same<V>([V; VECTORS]);

impl<L: Lanes> Rows<L> for Same<L::V> {
    #[inline(always)]
    fn row(&self, _: usize) -> (usize, [L::V; VECTORS]) {
        (0, self.0)
    }
}

/// The almost-Montgomery product `(Σ_i row_i·b_i·2^(52i) + m·N) / 2^3120`,
/// in unnormalised lanes. The product is `a·b` when every row is `a`
/// ([`Same`]); [`SquareRows`] makes it `a^2`.
#[inline(always)]
fn almost_montgomery<L: Lanes>(l: L, b: &Digits, rows: &impl Rows<L>) -> Digits {
    let n = load_all(l, &N52);
    let k0 = l.splat(K0);
    let lane0 = l.load(&[u64::MAX, 0, 0, 0, 0, 0, 0, 0]);
    let zero = l.zero();
    let mut acc = [zero; VECTORS];
    for (i, &digit) in b[..DIGITS].iter().enumerate() {
        let (first, a) = rows.row(i);
        let bi = l.splat(digit);
        for k in first..VECTORS {
            acc[k] = l.madd52lo(acc[k], a[k], bi);
        }
        let m = l.broadcast_lane0(l.madd52lo(zero, acc[0], k0));
        for k in 0..VECTORS {
            acc[k] = l.madd52lo(acc[k], n[k], m);
        }
        // Digit 0 is now zero mod 2^52: carry its top bits, drop it.
        let carry = l.and(l.shr52(acc[0]), lane0);
        for k in 0..VECTORS - 1 {
            acc[k] = l.align1(acc[k + 1], acc[k]);
        }
        acc[VECTORS - 1] = l.align1(zero, acc[VECTORS - 1]);
        acc[0] = l.add(acc[0], carry);
        for k in first..VECTORS {
            acc[k] = l.madd52hi(acc[k], a[k], bi);
        }
        for k in 0..VECTORS {
            acc[k] = l.madd52hi(acc[k], n[k], m);
        }
    }
    let mut out = [0u64; LANES * VECTORS];
    for (chunk, v) in out.chunks_exact_mut(LANES).zip(acc) {
        chunk.copy_from_slice(&l.store(v));
    }
    out
}

/// `2a` in digits, for `a` below `2^3119` (a square's operand is below
/// `2^3096`): digit `j` is `2a_j mod 2^52` plus the bit that doubling
/// `a_{j-1}` shifted out.
fn doubled(a: &Digits) -> Digits {
    core::array::from_fn(|j| ((a[j] << 1) & MASK) | j.checked_sub(1).map_or(0, |below| a[below] >> (DIGIT_BITS - 1)))
}

/// The rows of a square: round `i` multiplies `a_i` by `a_i` at digit `i`
/// and by `2a_j` at every digit `j > i`, so each cross product is taken
/// once. `Σ_{j>i} 2a_j·2^(52j)` in 52-bit digits is the digits of `2a`
/// above `i`, except that digit `i + 1` must not hold the bit carried out
/// of `2a_i` (which row `i` does not include): there it is `2a_{i+1} mod
/// 2^52`. Rounds skip the vectors below digit `i`, all zero, which saves
/// about a fifth of the multiply-adds of a product.
struct SquareRows<L: Lanes> {
    lanes: L,
    a: Digits,
    twice: Digits,
    twice_vectors: [L::V; VECTORS],
}

impl<L: Lanes> SquareRows<L> {
    #[inline(always)]
    fn new(lanes: L, a: &Digits) -> Self {
        let twice = doubled(a);
        SquareRows { lanes, a: *a, twice, twice_vectors: load_all(lanes, &twice) }
    }
}

impl<L: Lanes> Rows<L> for SquareRows<L> {
    #[inline(always)]
    #[allow(clippy::needless_range_loop, reason = "k also places the lanes")]
    fn row(&self, i: usize) -> (usize, [L::V; VECTORS]) {
        let first = i / LANES;
        let mut rows = self.twice_vectors;
        // The one or two vectors that hold digits i and i + 1, built at public positions.
        for k in first..(first + 2).min(VECTORS) {
            let mut lanes = [0u64; LANES];
            for (t, lane) in lanes.iter_mut().enumerate() {
                let j = k * LANES + t;
                *lane = match j.cmp(&i) {
                    core::cmp::Ordering::Less => 0,
                    core::cmp::Ordering::Equal => self.a[i],
                    core::cmp::Ordering::Greater if j == i + 1 => (self.a[j] << 1) & MASK,
                    core::cmp::Ordering::Greater => self.twice[j],
                };
            }
            rows[k] = self.lanes.load(&lanes);
        }
        (first, rows)
    }
}

/// `a·b·2^-3120 mod N` for digits whose product is below `2^48·N²`, as limbs.
#[inline(always)]
fn montgomery<L: Lanes>(l: L, a: &Digits, b: &Digits) -> Limbs {
    finish(&almost_montgomery(l, b, &Same(load_all(l, a))))
}

/// The almost-Montgomery result normalised, joined to limbs and reduced below N.
#[inline(always)]
fn finish(lanes: &Digits) -> Limbs {
    let (limbs, top) = from_digits(&normalise(lanes));
    reduce_once(&limbs, top)
}

/// Montgomery product `a·b·2^-3072 mod N` on backend `l`, for `a, b < N`.
#[inline(always)]
pub(super) fn mont_mul<L: Lanes>(l: L, a: &Limbs, b: &Limbs) -> Limbs {
    montgomery(l, &to_digits(a, 48), &to_digits(b, 0))
}

/// Montgomery square `a^2·2^-3072 mod N` on backend `l`, for `a < N`: the
/// operand shifted by 24 bits, each cross product once ([`SquareRows`]).
#[inline(always)]
pub(super) fn mont_sqr<L: Lanes>(l: L, a: &Limbs) -> Limbs {
    let a = to_digits(a, 24);
    finish(&almost_montgomery(l, &a, &SquareRows::new(l, &a)))
}

/// The emulated kernel's product, kept out of line like the other kernels.
#[inline(never)]
pub(super) fn emulated_mul(a: &Limbs, b: &Limbs) -> Limbs {
    mont_mul(Emulated, a, b)
}

/// The emulated kernel's square, out of line.
#[inline(never)]
pub(super) fn emulated_sqr(a: &Limbs) -> Limbs {
    mont_sqr(Emulated, a)
}
