//! The reduced-radix kernel: 110 digits of 28 bits in `u32`s, products
//! summed column by column in `u64`, one carry per column.
//!
//! Made for wasm32, which has no carry flag and no high half of a 64-bit
//! product: with 32-bit limbs every multiply-accumulate also propagates a
//! carry, several instructions each. A 28 × 28-bit product leaves 8 bits
//! of headroom in a `u64`, so a whole column of the product *and* of the
//! Montgomery reduction (at most 221 products below 2^56, plus the carry
//! in) sums without overflow, and the carry moves once per column. The
//! columns are dot products of a forward and a reversed operand, two
//! neighbouring columns per pass; built with `simd128` they run in
//! `i64x2.extmul_*_i32x4_u` (two products per instruction). Without
//! `simd128` this kernel measured no faster than the 32-bit one on wasm32,
//! so it is selected only with it (BENCHMARKS.md).
//!
//! Montgomery reduction is interleaved column by column (product
//! scanning): column k's reduction digit `m_k` zeroes that column, so
//! later columns only ever add. `R` stays `2^3072` as in every other
//! kernel, although 110 × 28 = 3080: the first 109 digits of `m` have 28
//! bits and the last one 20, so exactly 3072 bits are divided out, and
//! the result is read 8 bits into column 110. Portable Rust, tested
//! natively against the other kernels and num-bigint.
//!
//! Time is independent of the values: every loop bound and slice range
//! is a public index, there is no data-dependent branch, and the final
//! subtraction of N is a masked select.

use subtle::{Choice, ConditionallySelectable};

use super::super::mont::{LIMBS, Limbs, N, N0_INV};

/// Digits in a value below `2^3080`.
const DIGITS: usize = 110;
/// Bits in a digit.
const BITS: u32 = 28;
/// The low `BITS` bits.
const MASK: u64 = (1 << BITS) - 1;
/// Bits of the last reduction digit: `28 * 109 + 20 = 3072`, so `R = 2^3072`.
const LAST_BITS: u32 = 64 * LIMBS as u32 - BITS * (DIGITS as u32 - 1);
// The worst column cannot overflow: 221 products of two digits (110 of the
// product, 110 of the reduction, a square's diagonal) plus a carry below 2^36.
const _: () = assert!((2 * DIGITS as u128 + 1) * (MASK as u128 * MASK as u128) + (1 << 36) < 1 << 64);

/// Zero digits before digit 0 of a [`Padded`] array.
const FRONT: usize = 4;
/// Digits in a [`Padded`] array: zeros, the 110 digits, zeros. A column
/// is summed in whole chunks of 4 products; the zeros make the few terms
/// outside the column vanish (see [`mul`] and [`sqr`]).
const SPAN: usize = FRONT + DIGITS + 6;
/// A value's digits with zeros around them, least significant first (or
/// most, for the reversed copies).
type Padded = [u32; SPAN];

/// N in digits, reversed: `N_REV[FRONT + DIGITS - 1 - i]` is digit `i`.
const N_REV: Padded = reverse(&padded(&N));
/// N's digit 0.
const N0: u64 = N_REV[FRONT + DIGITS - 1] as u64;
/// N's digit 1.
const N1: u64 = N_REV[FRONT + DIGITS - 2] as u64;
/// `-N^-1 mod 2^28` (and, masked, mod `2^20`): `-N^-1 mod 2^64` reduced.
const N_INV: u64 = N0_INV & MASK;

/// 64-bit limbs as 28-bit digits, little-endian, from index [`FRONT`] on.
const fn padded(a: &Limbs) -> Padded {
    let mut out = [0u32; SPAN];
    let mut j = 0;
    while j < DIGITS {
        let bit = BITS as usize * j;
        let (limb, shift) = (bit / 64, bit % 64);
        let mut v = a[limb] >> shift;
        if shift + BITS as usize > 64 && limb + 1 < LIMBS {
            v |= a[limb + 1] << (64 - shift);
        }
        out[FRONT + j] = (v & MASK) as u32;
        j += 1;
    }
    out
}

/// The digits in the opposite order, the padding kept where it was.
const fn reverse(a: &Padded) -> Padded {
    let mut out = [0u32; SPAN];
    let mut i = 0;
    while i < DIGITS {
        out[FRONT + DIGITS - 1 - i] = a[FRONT + i];
        i += 1;
    }
    out
}

/// `sum x_i * y_i` over the first `chunks` chunks of 4. The callers keep
/// every sum below `2^64`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn dot(x: &[u32], y: &[u32], chunks: usize) -> u64 {
    let mut sum = 0u64;
    for (x, y) in x.as_chunks::<4>().0.iter().zip(y.as_chunks::<4>().0).take(chunks) {
        for l in 0..4 {
            sum += u64::from(x[l]) * u64::from(y[l]);
        }
    }
    sum
}

/// Two neighbouring columns from one pass over `x`: `sum x_i * y_(i+1)`
/// (column k, `y` read from its second digit) and `sum x_i * y_i`
/// (column k + 1), each over `chunks` chunks of 4.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn dot_pair(x: &[u32], y: &[u32], chunks: usize) -> (u64, u64) {
    (dot(x, y.get(1..).unwrap_or_default(), chunks), dot(x, y, chunks))
}

/// `dot_pair(x, y) + dot_pair(z, w)`, lane by lane: a product's columns
/// and their reduction columns in one pass.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn dot2_pair(x: &[u32], y: &[u32], z: &[u32], w: &[u32], chunks: usize) -> (u64, u64) {
    let ((xy, xy_next), (zw, zw_next)) = (dot_pair(x, y, chunks), dot_pair(z, w, chunks));
    (xy + zw, xy_next + zw_next)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use simd128::{dot_pair, dot2_pair};

/// The column sums in wasm's 128-bit vectors: `i64x2.extmul_{low,high}_i32x4_u`
/// make two `u32 × u32 → u64` products each, four per chunk of digits.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
    use core::arch::wasm32::{
        i64x2_add, u32x4, u32x4_min, u32x4_splat, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4, u64x2_extract_lane,
        v128,
    };

    /// Four digits as one vector. The clamp to 28 bits changes no digit;
    /// it keeps LLVM from folding the widening into the loads
    /// (`i64x2.load32x2_u` and a full `i64x2.mul`, which engines emulate
    /// with three 32-bit multiplies) instead of one `extmul`.
    #[inline(always)]
    fn load(x: &[u32; 4]) -> v128 {
        u32x4_min(u32x4(x[0], x[1], x[2], x[3]), u32x4_splat(super::MASK as u32))
    }

    /// Two lanes of `acc + x * y`: the low pair of products and the high pair.
    #[inline(always)]
    fn mac(acc: (v128, v128), x: v128, y: v128) -> (v128, v128) {
        (i64x2_add(acc.0, u64x2_extmul_low_u32x4(x, y)), i64x2_add(acc.1, u64x2_extmul_high_u32x4(x, y)))
    }

    /// The four lanes' total.
    #[inline(always)]
    fn total(acc: (v128, v128)) -> u64 {
        let v = i64x2_add(acc.0, acc.1);
        u64x2_extract_lane::<0>(v) + u64x2_extract_lane::<1>(v)
    }

    /// Two neighbouring columns from one pass over `x`, as the scalar
    /// `dot_pair`: each chunk of `x` is loaded once for both.
    #[inline(always)]
    pub(super) fn dot_pair(x: &[u32], y: &[u32], chunks: usize) -> (u64, u64) {
        let zero = u32x4(0, 0, 0, 0);
        let (mut first, mut second) = ((zero, zero), (zero, zero));
        let y_next = y.get(1..).unwrap_or_default().as_chunks::<4>().0;
        let chunks_of = x.as_chunks::<4>().0.iter().zip(y_next).zip(y.as_chunks::<4>().0);
        for ((x, y_next), y) in chunks_of.take(chunks) {
            let x = load(x);
            first = mac(first, x, load(y_next));
            second = mac(second, x, load(y));
        }
        (total(first), total(second))
    }

    /// `dot_pair(x, y) + dot_pair(z, w)` in one loop.
    #[inline(always)]
    pub(super) fn dot2_pair(x: &[u32], y: &[u32], z: &[u32], w: &[u32], chunks: usize) -> (u64, u64) {
        let zero = u32x4(0, 0, 0, 0);
        let (mut first, mut second) = ((zero, zero), (zero, zero));
        let y_next = y.get(1..).unwrap_or_default().as_chunks::<4>().0;
        let w_next = w.get(1..).unwrap_or_default().as_chunks::<4>().0;
        let xy = x.as_chunks::<4>().0.iter().zip(y_next).zip(y.as_chunks::<4>().0);
        let zw = z.as_chunks::<4>().0.iter().zip(w_next).zip(w.as_chunks::<4>().0);
        for (((x, y_next), y), ((z, w_next), w)) in xy.zip(zw).take(chunks) {
            let (x, z) = (load(x), load(z));
            first = mac(mac(first, x, load(y_next)), z, load(w_next));
            second = mac(mac(second, x, load(y)), z, load(w));
        }
        (total(first), total(second))
    }
}

/// A value `< 2N` read from its Montgomery columns: `low` (the 8 bits of
/// column 109 above the 3072nd), the digits of columns 110..219 at bit
/// `28 j + 8`, and the last carry at bit 3060. Returns the limbs below
/// `2^3072` and the bit above.
fn pack(low: u64, high: &[u32; DIGITS - 1], carry: u64) -> (Limbs, u64) {
    let mut out = [0u64; LIMBS + 1];
    let mut put = |bit: usize, v: u64| {
        let (limb, shift) = (bit / 64, bit % 64);
        out[limb] |= v << shift;
        if shift > 0 {
            out[limb + 1] |= v >> (64 - shift);
        }
    };
    put(0, low);
    for (j, &d) in high.iter().enumerate() {
        put(BITS as usize * j + 8, u64::from(d));
    }
    put(BITS as usize * (DIGITS - 1) + 8, carry);
    let mut limbs = [0u64; LIMBS];
    limbs.copy_from_slice(&out[..LIMBS]);
    (limbs, out[LIMBS])
}

/// Subtracts N once if `top:a >= N`, in constant time (`top:a < 2N`).
fn reduce_once(a: &Limbs, top: u64) -> Limbs {
    let mut d = [0u64; LIMBS];
    let mut borrow = 0u64;
    for i in 0..LIMBS {
        let t = u128::from(a[i]).wrapping_sub(u128::from(N[i]) + u128::from(borrow));
        (d[i], borrow) = (t as u64, ((t >> 64) as u64) & 1);
    }
    // Keep the difference when a carried past R or the subtraction did not borrow.
    let keep_difference = Choice::from(((top | (borrow ^ 1)) & 1) as u8);
    let mut out = [0u64; LIMBS];
    for i in 0..LIMBS {
        out[i] = u64::conditional_select(&a[i], &d[i], keep_difference);
    }
    out
}

/// The results of the columns, as [`redc`] finishes them.
struct Columns {
    /// The reduction digits `m_k`, zero for the columns not finished yet.
    m: Padded,
    /// The 8 bits of column 109 above the 3072nd: the result's lowest.
    low: u64,
    /// Columns 110..=218, the result's digits from bit 8 on.
    high: [u32; DIGITS - 1],
}

impl Columns {
    /// Finishes column `k`, whose total (carry in included) is `t`;
    /// returns the carry out.
    #[inline(always)]
    fn finish(&mut self, k: usize, t: u64) -> u64 {
        if k < DIGITS - 1 {
            // m_k zeroes the column's low 28 bits.
            let mk = t.wrapping_mul(N_INV) & MASK;
            self.m[FRONT + k] = mk as u32;
            (t + mk * N0) >> BITS
        } else if k == DIGITS - 1 {
            // A 20-bit m_109 completes 3072 bits; 8 bits stay over.
            let mk = t.wrapping_mul(N_INV) & ((1 << LAST_BITS) - 1);
            self.m[FRONT + k] = mk as u32;
            let t = t + mk * N0;
            self.low = (t >> LAST_BITS) & ((1 << (BITS - LAST_BITS)) - 1);
            t >> BITS
        } else {
            self.high[k - DIGITS] = (t & MASK) as u32;
            t >> BITS
        }
    }

    /// `m_k`, zero past the last reduction digit.
    fn m(&self, k: usize) -> u64 {
        self.m.get(FRONT + k).map_or(0, |&m| u64::from(m))
    }
}

/// Montgomery reduction interleaved with a product given column by
/// column: `column_0` is column 0 of the product, and `pair(k, m)` for
/// odd k columns k and k + 1 of the product plus, from `m` (the reduction
/// digits, zero from k on), of `m * N`. Column k + 1 then still lacks
/// `m_k * n_1`, added here once `m_k` is known.
#[inline(always)]
fn redc(column_0: u64, pair: impl Fn(usize, &Padded) -> (u64, u64)) -> Limbs {
    let mut columns = Columns { m: [0; SPAN], low: 0, high: [0; DIGITS - 1] };
    let mut carry = columns.finish(0, column_0);
    for k in (1..2 * DIGITS - 1).step_by(2) {
        let (this, next) = pair(k, &columns.m);
        carry = columns.finish(k, carry + this);
        carry = columns.finish(k + 1, carry + next + columns.m(k) * N1);
    }
    let (limbs, top) = pack(columns.low, &columns.high, carry);
    reduce_once(&limbs, top)
}

/// The index range `lo..=hi` of the terms `x_i * y_(k-i)` of column `k`.
#[inline(always)]
fn terms(k: usize) -> (usize, usize) {
    (k.saturating_sub(DIGITS - 1), k.min(DIGITS - 1))
}

/// Columns k and k + 1 of `x * y` (and of `z * w`) from `x` forward and
/// `y` reversed, for [`dot_pair`]: where the chunks of 4 start in `x` and
/// in `y` (column k + 1's alignment), and how many. `x_i` pairs with
/// `y_rev[FRONT + DIGITS - 1 - k + i]` in column k. Every term outside a
/// column meets a zero: past `hi`, the zeros after `y_rev`'s digits
/// (`k < 109`) or after `x`'s; column k + 1's term at `lo` of column k
/// (`k >= 109`), the zero before `y_rev`'s digits.
#[inline(always)]
fn pair_terms(k: usize) -> (usize, usize, usize) {
    let ((lo, _), (_, hi)) = (terms(k), terms(k + 1));
    (FRONT + lo, FRONT + DIGITS - 2 + lo - k, (hi + 1 - lo).div_ceil(4))
}

/// Montgomery product `a * b * R^-1 mod N`, for `a, b < N`.
#[inline(never)]
pub(super) fn mul(a: &Limbs, b: &Limbs) -> Limbs {
    let a = padded(a);
    let b_rev = reverse(&padded(b));
    let column_0 = u64::from(a[FRONT]) * u64::from(b_rev[FRONT + DIGITS - 1]);
    redc(column_0, |k, m| {
        let (x, y, chunks) = pair_terms(k);
        dot2_pair(&a[x..], &b_rev[y..], &m[x..], &N_REV[y..], chunks)
    })
}

/// Montgomery square `a^2 * R^-1 mod N`, for `a < N`: each cross product
/// of the column once, doubled, plus the square on the diagonal.
#[inline(never)]
pub(super) fn sqr(a: &Limbs) -> Limbs {
    let a = padded(a);
    let a_rev = reverse(&a);
    let square = |i: usize| u64::from(a[FRONT + i]).pow(2);
    redc(square(0), |k, m| {
        // Cross products: the pairs i < k - i, so lo <= i < half, the
        // same half for odd k and k + 1. The chunks end at half; the up to
        // 3 terms before a column's lo meet the zeros before a's digits
        // (k < 109) or before a_rev's.
        let (lo, _) = terms(k);
        let half = k.div_ceil(2);
        let chunks = (half - lo).div_ceil(4);
        let start = FRONT + half - 4 * chunks;
        let (cross, cross_next) = dot_pair(&a[start..], &a_rev[start + DIGITS - 2 - k..], chunks);
        let (x, y, chunks) = pair_terms(k);
        let (mn, mn_next) = dot_pair(&m[x..], &N_REV[y..], chunks);
        (2 * cross + mn, 2 * cross_next + square(half) + mn_next)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_their_definitions() {
        assert_eq!(LAST_BITS, 20);
        assert_eq!(N0.wrapping_mul(N_INV) & MASK, MASK, "N * N_INV = -1 mod 2^28");
        // Digits round-trip: the value N, packed back from digit 0 at bit 0.
        let d = reverse(&N_REV);
        assert!(d[..FRONT].iter().chain(&d[FRONT + DIGITS..]).all(|&z| z == 0), "zero padding");
        let mut back = [0u64; LIMBS + 1];
        for (j, &digit) in d[FRONT..FRONT + DIGITS].iter().enumerate() {
            let bit = 28 * j;
            back[bit / 64] |= u64::from(digit) << (bit % 64);
            if bit % 64 > 36 {
                back[bit / 64 + 1] |= u64::from(digit) >> (64 - bit % 64);
            }
        }
        assert_eq!(back[..LIMBS], N[..]);
        assert_eq!(back[LIMBS], 0);
    }
}
