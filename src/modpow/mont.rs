//! Montgomery arithmetic modulo N on 48 little-endian 64-bit limbs.
//!
//! Every function here runs in time independent of the values it is given:
//! fixed loop bounds, no data-dependent branch or memory index, and the final
//! conditional subtraction is a masked select.

use subtle::{Choice, ConditionallySelectable};

use crate::group::N_BYTES;

/// Limbs in a value modulo N.
pub(crate) const LIMBS: usize = 48;

/// A 3072-bit value as little-endian 64-bit limbs.
pub(crate) type Limbs = [u64; LIMBS];

/// A double-width product, before Montgomery reduction.
type Wide = [u64; 2 * LIMBS];

/// N as limbs.
pub(crate) const N: Limbs = limbs_from_be_bytes(&N_BYTES);

/// `-N^-1 mod 2^64`, the Montgomery reduction constant.
const N0_INV: u64 = neg_inverse_mod_2_64(N[0]);

/// `R mod N` with `R = 2^3072`: the Montgomery form of 1.
pub(crate) const ONE: Limbs = r_mod_n();

/// `R^2 mod N`: multiplying by it moves a value into Montgomery form.
pub(crate) const R2: Limbs = r2_mod_n();

/// `a + b * c + carry`, as (low, high) limbs. Cannot overflow 128 bits.
#[inline(always)]
fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let t = (a as u128) + (b as u128) * (c as u128) + (carry as u128);
    (t as u64, (t >> 64) as u64)
}

/// `a - b - borrow`, as (difference, borrow out ∈ {0, 1}).
#[inline(always)]
const fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let t = (a as u128).wrapping_sub((b as u128) + (borrow as u128));
    (t as u64, ((t >> 64) as u64) & 1)
}

/// `a + b + carry`, as (sum, carry out ∈ {0, 1}).
#[inline(always)]
const fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = (a as u128) + (b as u128) + (carry as u128);
    (t as u64, (t >> 64) as u64)
}

/// Big-endian bytes (at most 384) to limbs. `const` so N is built at compile time.
pub(crate) const fn limbs_from_be_bytes(bytes: &[u8]) -> Limbs {
    assert!(bytes.len() <= 8 * LIMBS);
    let mut out = [0u64; LIMBS];
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[bytes.len() - 1 - i] as u64;
        out[i / 8] |= byte << (8 * (i % 8));
        i += 1;
    }
    out
}

/// Limbs to 384 big-endian bytes.
pub(crate) fn limbs_to_be_bytes(limbs: &Limbs) -> [u8; 8 * LIMBS] {
    let mut out = [0u8; 8 * LIMBS];
    for (chunk, limb) in out.rchunks_exact_mut(8).zip(limbs) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    out
}

const fn neg_inverse_mod_2_64(n0: u64) -> u64 {
    // Newton's iteration doubles the correct low bits each step: 1 -> 64 bits in 6.
    let mut inv: u64 = 1;
    let mut i = 0;
    while i < 6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(n0.wrapping_mul(inv)));
        i += 1;
    }
    inv.wrapping_neg()
}

/// `a - N` if `a >= N` (given as a value below `2N` with an extra top bit), else `a`.
const fn const_reduce_once(a: &Limbs, top: u64) -> Limbs {
    let mut d = [0u64; LIMBS];
    let mut borrow = 0;
    let mut i = 0;
    while i < LIMBS {
        (d[i], borrow) = sbb(a[i], N[i], borrow);
        i += 1;
    }
    if top == 1 || borrow == 0 { d } else { *a }
}

/// `2^3072 mod N = 2^3072 - N`, which is below N because N > 2^3071.
const fn r_mod_n() -> Limbs {
    const_reduce_once(&[0; LIMBS], 1)
}

/// `R^2 mod N`, by doubling `R mod N` 3072 times (compile time only).
const fn r2_mod_n() -> Limbs {
    let mut r = r_mod_n();
    let mut step = 0;
    while step < 64 * LIMBS {
        let mut doubled = [0u64; LIMBS];
        let mut carry = 0;
        let mut i = 0;
        while i < LIMBS {
            (doubled[i], carry) = adc(r[i], r[i], carry);
            i += 1;
        }
        r = const_reduce_once(&doubled, carry);
        step += 1;
    }
    r
}

/// Subtracts N once if `top:a >= N`, in constant time. `top:a` must be below `2N`.
#[inline(always)]
fn reduce_once(a: &Limbs, top: u64) -> Limbs {
    let mut d = [0u64; LIMBS];
    let mut borrow = 0;
    for i in 0..LIMBS {
        (d[i], borrow) = sbb(a[i], N[i], borrow);
    }
    // Keep the difference when a carried past 2^3072 or the subtraction did not borrow.
    let keep_difference = Choice::from(((top | (borrow ^ 1)) & 1) as u8);
    let mut out = [0u64; LIMBS];
    for i in 0..LIMBS {
        out[i] = u64::conditional_select(&a[i], &d[i], keep_difference);
    }
    out
}

/// `acc += a * b`, returning the carry limb. The fixed-size row lets the
/// compiler drop the bounds checks from the inner loop.
///
/// Row-by-row schoolbook with a separate reduction measured fewer
/// instructions per operation here (callgrind: 51.6k per multiply, 42.4k per
/// square) than a finely integrated product-scanning form (55.6k, 50.1k):
/// see BENCHMARKS.md.
#[inline(always)]
fn mac_row(acc: &mut [u64; LIMBS], a: &Limbs, b: u64) -> u64 {
    let mut carry = 0;
    for (acc, &a) in acc.iter_mut().zip(a) {
        (*acc, carry) = mac(*acc, a, b, carry);
    }
    carry
}

/// The `LIMBS` limbs of `t` from `offset` on, as a fixed-size array.
#[inline(always)]
fn window(t: &mut Wide, offset: usize) -> &mut [u64; LIMBS] {
    match t[offset..].first_chunk_mut::<LIMBS>() {
        Some(row) => row,
        None => unreachable!("offset <= LIMBS"),
    }
}

/// `a * b` as a double-width product (schoolbook, row by row).
#[inline(always)]
fn mul_wide(a: &Limbs, b: &Limbs) -> Wide {
    let mut t = [0u64; 2 * LIMBS];
    for (i, &bi) in b.iter().enumerate() {
        t[i + LIMBS] = mac_row(window(&mut t, i), a, bi);
    }
    t
}

/// `a^2` as a double-width product: each cross product once, doubled, plus the squares.
#[inline(always)]
fn sqr_wide(a: &Limbs) -> Wide {
    let mut t = [0u64; 2 * LIMBS];
    for i in 0..LIMBS - 1 {
        let mut carry = 0;
        let ai = a[i];
        for j in i + 1..LIMBS {
            (t[i + j], carry) = mac(t[i + j], ai, a[j], carry);
        }
        t[i + LIMBS] = carry;
    }
    let mut high_bit = 0;
    for limb in t.iter_mut() {
        let v = *limb;
        *limb = (v << 1) | high_bit;
        high_bit = v >> 63;
    }
    let mut carry = 0;
    for i in 0..LIMBS {
        let (lo, hi) = mac(0, a[i], a[i], 0);
        (t[2 * i], carry) = adc(t[2 * i], lo, carry);
        (t[2 * i + 1], carry) = adc(t[2 * i + 1], hi, carry);
    }
    t
}

/// Montgomery reduction: `t * R^-1 mod N` for `t < N * R`.
#[inline(always)]
fn redc(mut t: Wide) -> Limbs {
    let mut top = 0;
    for i in 0..LIMBS {
        let m = t[i].wrapping_mul(N0_INV);
        let carry = mac_row(window(&mut t, i), &N, m);
        (t[i + LIMBS], top) = adc(t[i + LIMBS], carry, top);
    }
    reduce_once(window(&mut t, LIMBS), top)
}

/// Counts Montgomery operations in test builds, for the per-sign-in budget.
#[cfg(test)]
pub(crate) mod counter {
    use core::cell::Cell;

    std::thread_local! {
        static OPERATIONS: Cell<u64> = const { Cell::new(0) };
    }

    pub(crate) fn bump() {
        OPERATIONS.with(|c| c.set(c.get() + 1));
    }

    /// The count since the last call, on this thread.
    pub(crate) fn take() -> u64 {
        OPERATIONS.with(|c| c.replace(0))
    }
}

/// Montgomery product `a * b * R^-1 mod N`, for `a, b < N`.
#[inline]
pub(crate) fn mul(a: &Limbs, b: &Limbs) -> Limbs {
    #[cfg(test)]
    counter::bump();
    redc(mul_wide(a, b))
}

/// Montgomery square `a^2 * R^-1 mod N`, for `a < N`.
#[inline]
pub(crate) fn sqr(a: &Limbs) -> Limbs {
    #[cfg(test)]
    counter::bump();
    redc(sqr_wide(a))
}

/// Into Montgomery form: `a * R mod N`.
pub(crate) fn to_mont(a: &Limbs) -> Limbs {
    mul(a, &R2)
}

/// Out of Montgomery form: `a * R^-1 mod N`.
pub(crate) fn from_mont(a: &Limbs) -> Limbs {
    let mut t = [0u64; 2 * LIMBS];
    t[..LIMBS].copy_from_slice(a);
    redc(t)
}

/// `a - b mod N` for `a, b < N`, in constant time.
pub(crate) fn sub_mod(a: &Limbs, b: &Limbs) -> Limbs {
    let mut d = [0u64; LIMBS];
    let mut borrow = 0;
    for i in 0..LIMBS {
        (d[i], borrow) = sbb(a[i], b[i], borrow);
    }
    // On borrow add N back; the mask is all ones exactly then.
    let mask = borrow.wrapping_neg();
    let mut carry = 0;
    for i in 0..LIMBS {
        (d[i], carry) = adc(d[i], N[i] & mask, carry);
    }
    d
}

/// `a < N`, in variable time: only for public values (parsing SRP_B).
pub(crate) fn is_below_n(a: &Limbs) -> bool {
    let mut borrow = 0;
    for i in 0..LIMBS {
        (_, borrow) = sbb(a[i], N[i], borrow);
    }
    borrow == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;
    use proptest::prelude::*;

    fn big(a: &Limbs) -> BigUint {
        BigUint::from_bytes_be(&limbs_to_be_bytes(a))
    }

    fn n() -> BigUint {
        big(&N)
    }

    fn r() -> BigUint {
        BigUint::from(1u8) << (64 * LIMBS)
    }

    fn below_n() -> impl Strategy<Value = Limbs> {
        prop::collection::vec(any::<u8>(), 384).prop_map(|bytes| {
            let reduced = BigUint::from_bytes_be(&bytes) % n();
            limbs_from_be_bytes(&reduced.to_bytes_be())
        })
    }

    #[test]
    fn constants_match_their_definitions() {
        assert_eq!(N[0].wrapping_mul(N0_INV), u64::MAX, "N * N0_INV = -1 mod 2^64");
        assert_eq!(big(&ONE), r() % n());
        assert_eq!(big(&R2), (r() * r()) % n());
    }

    #[test]
    fn edges_of_the_range() {
        let mut n_minus_1 = N;
        n_minus_1[0] -= 1;
        for a in [[0u64; LIMBS], limbs_from_be_bytes(&[1]), n_minus_1] {
            let expected = (big(&a) * big(&a)) % n();
            assert_eq!(big(&from_mont(&sqr(&to_mont(&a)))), expected);
            assert_eq!(big(&from_mont(&mul(&to_mont(&a), &to_mont(&a)))), expected);
        }
    }

    proptest! {
        #[test]
        fn montgomery_product_matches_num_bigint(a in below_n(), b in below_n()) {
            let n = n();
            let r_inv = r().modpow(&(&n - 2u32), &n);
            prop_assert_eq!(big(&mul(&a, &b)), (big(&a) * big(&b) * &r_inv) % &n);
            prop_assert_eq!(big(&sqr(&a)), (big(&a) * big(&a) * &r_inv) % &n);
        }

        #[test]
        fn round_trip_through_montgomery_form(a in below_n()) {
            prop_assert_eq!(from_mont(&to_mont(&a)), a);
        }

        #[test]
        fn subtraction_matches_num_bigint(a in below_n(), b in below_n()) {
            let n = n();
            prop_assert_eq!(big(&sub_mod(&a, &b)), (big(&a) + &n - big(&b)) % &n);
        }
    }
}
