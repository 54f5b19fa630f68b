//! The modulus N in 48 little-endian 64-bit limbs, the Montgomery constants
//! derived from it at compile time, and the limb arithmetic every kernel
//! shares (conversions, subtraction, comparison). The Montgomery multiply
//! and square themselves live in the kernels (`super::kernel`).

use crate::group::N_BYTES;

/// Limbs in a value modulo N.
pub(crate) const LIMBS: usize = 48;

/// A 3072-bit value as little-endian 64-bit limbs.
pub(crate) type Limbs = [u64; LIMBS];

/// N as limbs.
pub(crate) const N: Limbs = limbs_from_be_bytes(&N_BYTES);

/// `-N^-1 mod 2^64`, the Montgomery reduction constant.
pub(crate) const N0_INV: u64 = neg_inverse_mod_2_64(N[0]);

/// `R mod N` with `R = 2^3072`: the Montgomery form of 1.
pub(crate) const ONE: Limbs = r_mod_n();

/// `R^2 mod N`: multiplying by it moves a value into Montgomery form.
pub(crate) const R2: Limbs = r2_mod_n();

/// The operation counter of test builds, where the sign-in budget test looks.
#[cfg(test)]
pub(crate) use super::trace as counter;

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

    proptest! {
        #[test]
        fn subtraction_matches_num_bigint(a in below_n(), b in below_n()) {
            let n = n();
            prop_assert_eq!(big(&sub_mod(&a, &b)), (big(&a) + &n - big(&b)) % &n);
        }
    }
}
