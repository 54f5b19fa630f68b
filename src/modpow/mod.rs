//! Exponentiation modulo the group prime N: the hot path of every sign-in.
//!
//! Everything the SRP code needs from big-integer arithmetic goes through
//! this small interface: [`Residue`] (a value below N), [`Exponent`] (a secret
//! exponent of publicly known length), [`pow`], [`pow_g`] and a few modular
//! operations. The modulus and its Montgomery constants live in `mont`; the
//! Montgomery multiply and square, in one of several CPU kernels (`kernel`),
//! chosen once at run time.
//!
//! # Constant time
//! Exponentiation, multiplication, subtraction and the exponent arithmetic
//! take time that depends only on the *length bound* of the exponent (the
//! private-exponent size the caller chose, 256 bits for x), never on its
//! value or on the base. Parsing a public server value (SRP_B) and the
//! comparison `B < N` are variable time; they see only public data. Every
//! kernel is branch-free and index-free on values; table lookups read every
//! entry ([`select`]); a test records the sequence of operations and table
//! scans for many exponents of one length and finds it identical.

mod comb;
#[cfg(test)]
mod constant_time;
pub(crate) mod kernel;
pub(crate) mod mont;
#[cfg(test)]
pub(crate) mod trace;
mod window;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

pub(crate) use kernel::Kernel;
use mont::LIMBS;
pub(crate) use mont::Limbs;

/// Residues may be secret (S, g^x): never print them.
impl core::fmt::Debug for Residue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Residue(<redacted>)")
    }
}

/// Limbs in an [`Exponent`]: room for any exponent up to 3136 bits.
const EXP_LIMBS: usize = LIMBS + 1;

/// A value modulo N, always fully reduced (`0 <= value < N`). Wiped on drop:
/// residues hold S, g^x and the like.
#[derive(Clone, Eq, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Residue(Limbs);

/// Compared in constant time: one side may be secret.
impl PartialEq for Residue {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Residue {
    /// The value 0.
    pub(crate) const fn zero() -> Self {
        Residue([0; LIMBS])
    }

    /// The value 1.
    pub(crate) const fn one() -> Self {
        let mut limbs = [0; LIMBS];
        limbs[0] = 1;
        Residue(limbs)
    }

    /// The generator g.
    pub(crate) const fn g() -> Self {
        let mut limbs = [0; LIMBS];
        limbs[0] = crate::group::G;
        Residue(limbs)
    }

    /// Parses a big-endian integer; `None` unless it is below N. Variable time:
    /// for public values only.
    pub(crate) fn from_be_bytes(bytes: &[u8]) -> Option<Self> {
        let significant = &bytes[bytes.iter().take_while(|&&b| b == 0).count()..];
        if significant.len() > 8 * LIMBS {
            return None;
        }
        let limbs = mont::limbs_from_be_bytes(significant);
        mont::is_below_n(&limbs).then_some(Residue(limbs))
    }

    pub(crate) fn limbs(&self) -> &Limbs {
        &self.0
    }

    /// The value as 384 big-endian bytes.
    pub(crate) fn to_be_bytes(&self) -> [u8; 8 * LIMBS] {
        mont::limbs_to_be_bytes(&self.0)
    }

    /// `self * other mod N`.
    pub(crate) fn mul(&self, other: &Residue) -> Residue {
        let kernel = Kernel::selected();
        // (a * b * R^-1) * R^2 * R^-1 = a * b.
        let mut product = kernel.mul(&self.0, &other.0);
        let out = Residue(kernel.mul(&product, &mont::R2));
        product.zeroize();
        out
    }

    /// `self + other mod N`.
    pub(crate) fn add(&self, other: &Residue) -> Residue {
        // a + b = a - (N - b), and N - b = 0 - b mod N.
        self.sub(&Residue::zero().sub(other))
    }

    /// `self - other mod N`.
    pub(crate) fn sub(&self, other: &Residue) -> Residue {
        Residue(mont::sub_mod(&self.0, &other.0))
    }
}

/// A secret exponent, with a public bound on its length in bits.
///
/// Exponentiation always walks `bits` bits, whatever the value, so the bound
/// (not the value) decides the running time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Exponent {
    limbs: [u64; EXP_LIMBS],
    bits: usize,
}

impl Exponent {
    /// A big-endian integer; its length bound is `8 * bytes.len()`.
    ///
    /// Returns `None` for more than 392 bytes.
    pub(crate) fn from_be_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() > 8 * EXP_LIMBS {
            return None;
        }
        let mut limbs = [0u64; EXP_LIMBS];
        for (i, byte) in bytes.iter().rev().enumerate() {
            limbs[i / 8] |= u64::from(*byte) << (8 * (i % 8));
        }
        Some(Exponent { limbs, bits: 8 * bytes.len() })
    }

    /// `self + u * x`, where `u` and `x` are 256-bit big-endian values.
    ///
    /// This is SRP's `a + u·x`. The length bound grows to fit any `u` and `x`.
    pub(crate) fn add_product(&self, u: &[u8; 32], x: &[u8; 32]) -> Exponent {
        let u = limbs4(u);
        let mut x = limbs4(x);
        let mut product = [0u64; 8];
        for i in 0..4 {
            let mut carry = 0;
            for j in 0..4 {
                let t = u128::from(product[i + j]) + u128::from(u[i]) * u128::from(x[j]) + u128::from(carry);
                product[i + j] = t as u64;
                carry = (t >> 64) as u64;
            }
            product[i + 4] = carry;
        }
        x.zeroize();
        let mut sum = self.clone();
        let mut carry = 0u64;
        for (i, limb) in sum.limbs.iter_mut().enumerate() {
            let addend = product.get(i).copied().unwrap_or(0);
            let t = u128::from(*limb) + u128::from(addend) + u128::from(carry);
            *limb = t as u64;
            carry = (t >> 64) as u64;
        }
        product.zeroize();
        sum.bits = (self.bits.max(512) + 1).min(64 * EXP_LIMBS);
        sum
    }

    /// The length bound in bits.
    pub(crate) fn bits(&self) -> usize {
        self.bits
    }

    /// `len` (at most 64) bits of the exponent starting at bit `pos`. The
    /// position is public; the bits are not, and are only used as a
    /// constant-time table index.
    fn bits_at(&self, pos: usize, len: usize) -> u64 {
        let limb = pos / 64;
        let shift = pos % 64;
        let low = self.limbs[limb] >> shift;
        let high = match (shift, self.limbs.get(limb + 1)) {
            (0, _) | (_, None) => 0,
            (_, Some(next)) => next << (64 - shift),
        };
        let mask = if len == 64 { u64::MAX } else { (1u64 << len) - 1 };
        (low | high) & mask
    }
}

/// The four 64-bit limbs of a 256-bit big-endian value.
fn limbs4(bytes: &[u8; 32]) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (limb, chunk) in out.iter_mut().zip(bytes.rchunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(word);
    }
    out
}

/// `base ^ exponent mod N`, in constant time, on the selected kernel.
pub(crate) fn pow(base: &Residue, exponent: &Exponent) -> Residue {
    pow_with(Kernel::selected(), base, exponent)
}

/// `base ^ exponent mod N` on a given kernel.
pub(crate) fn pow_with(kernel: Kernel, base: &Residue, exponent: &Exponent) -> Residue {
    Residue(window::pow(kernel, &base.0, exponent))
}

/// `g ^ exponent mod N`, in constant time, on the selected kernel.
pub(crate) fn pow_g(exponent: &Exponent) -> Residue {
    pow_g_with(Kernel::selected(), exponent)
}

/// `g ^ exponent mod N` on a given kernel: the precomputed comb for
/// exponents of up to 1024 bits (every private `a` and `x`), the window
/// method beyond. The choice depends on the public length bound only.
pub(crate) fn pow_g_with(kernel: Kernel, exponent: &Exponent) -> Residue {
    if exponent.bits() <= comb::MAX_BITS {
        Residue(comb::pow_g(kernel, exponent))
    } else {
        pow_with(kernel, &Residue::g(), exponent)
    }
}

/// Constant-time table lookup: `table[index]` without a secret-dependent
/// branch or memory access. Every entry is read and masked in; `subtle`
/// makes the mask, behind its optimisation barrier.
fn select(table: &[Limbs], index: u64) -> Limbs {
    #[cfg(test)]
    trace::record(trace::Op::Select(table.len()));
    let mut out = [0u64; LIMBS];
    for (i, entry) in table.iter().enumerate() {
        let mask = u64::from((i as u64).ct_eq(&index).unwrap_u8()).wrapping_neg();
        for (out, limb) in out.iter_mut().zip(entry) {
            *out |= limb & mask;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;
    use proptest::prelude::*;

    fn big(r: &Residue) -> BigUint {
        BigUint::from_bytes_be(&r.to_be_bytes())
    }

    fn n() -> BigUint {
        BigUint::from_bytes_be(&crate::group::N_BYTES)
    }

    fn residue(b: &BigUint) -> Residue {
        Residue::from_be_bytes(&b.to_bytes_be()).expect("below N")
    }

    /// Bases to try: anything, reduced mod N first, plus the edges 0, 1, 2,
    /// N - 1 and all-ones limbs (2^3008 - 1, R - 1 mod N).
    fn base() -> impl Strategy<Value = BigUint> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..=400).prop_map(|b| BigUint::from_bytes_be(&b) % n()),
            Just(BigUint::from(0u8)),
            Just(BigUint::from(1u8)),
            Just(BigUint::from(2u8)),
            Just(n() - 1u8),
            Just((BigUint::from(1u8) << 3008) - 1u8),
            Just(((BigUint::from(1u8) << 3072) - 1u8) % n()),
        ]
    }

    /// Exponents of 0..=392 bytes (0 to 3136 bits), plus 0, 1, powers of
    /// two and all-ones exponents of any length.
    fn exponent_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..=392),
            (0usize..3136).prop_map(|k| (BigUint::from(1u8) << k).to_bytes_be()),
            (0usize..=392).prop_map(|len| vec![0xff; len]),
            Just(vec![0u8; 48]),
            Just(vec![1u8]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn pow_matches_num_bigint_on_every_kernel(b in base(), e in exponent_bytes()) {
            let exponent = Exponent::from_be_bytes(&e).expect("fits");
            let expected = b.modpow(&BigUint::from_bytes_be(&e), &n());
            for kernel in Kernel::available() {
                prop_assert_eq!(big(&pow_with(kernel, &residue(&b), &exponent)), expected.clone(), "{}", kernel.name());
                if b == BigUint::from(2u8) {
                    prop_assert_eq!(big(&pow_g_with(kernel, &exponent)), expected.clone(), "{}", kernel.name());
                }
            }
        }

        #[test]
        fn pow_g_matches_num_bigint_on_every_kernel(e in exponent_bytes()) {
            let exponent = Exponent::from_be_bytes(&e).expect("fits");
            let expected = BigUint::from(2u8).modpow(&BigUint::from_bytes_be(&e), &n());
            for kernel in Kernel::available() {
                prop_assert_eq!(big(&pow_g_with(kernel, &exponent)), expected.clone(), "{}", kernel.name());
            }
        }

        #[test]
        fn add_product_is_a_plus_u_times_x(
            a in prop::collection::vec(any::<u8>(), 0..=128),
            u in any::<[u8; 32]>(),
            x in any::<[u8; 32]>(),
        ) {
            let sum = Exponent::from_be_bytes(&a).expect("fits").add_product(&u, &x);
            let expected = BigUint::from_bytes_be(&a) + BigUint::from_bytes_be(&u) * BigUint::from_bytes_be(&x);
            prop_assert!(expected.bits() as usize <= sum.bits());
            // Check the limbs by exponentiating with exponent 1 ... via 2^sum.
            let two_pow = BigUint::from(2u8).modpow(&expected, &n());
            prop_assert_eq!(big(&pow_g(&sum)), two_pow);
        }

        #[test]
        fn mul_and_sub_match_num_bigint(a in base(), b in base()) {
            let (ra, rb) = (residue(&a), residue(&b));
            prop_assert_eq!(big(&ra.mul(&rb)), (&a * &b) % n());
            prop_assert_eq!(big(&ra.sub(&rb)), (&a + n() - &b) % n());
            prop_assert_eq!(big(&ra.add(&rb)), (&a + &b) % n());
        }
    }

    #[test]
    fn parsing_rejects_values_not_below_n() {
        assert!(Residue::from_be_bytes(&crate::group::N_BYTES).is_none());
        assert!(Residue::from_be_bytes(&[1; 385]).is_none());
        let n_minus_1 = (n() - 1u8).to_bytes_be();
        assert!(Residue::from_be_bytes(&n_minus_1).is_some());
        // Leading zero bytes are not significant.
        let mut padded = vec![0u8; 10];
        padded.extend_from_slice(&n_minus_1);
        assert!(Residue::from_be_bytes(&padded).is_some());
    }

    #[test]
    fn residues_and_exponents_are_wiped_on_drop_and_redacted() {
        fn wiped_on_drop<T: ZeroizeOnDrop>() {}
        wiped_on_drop::<Residue>();
        wiped_on_drop::<Exponent>();
        let secret = Residue::from_be_bytes(&[0xab; 300]).expect("below N");
        assert_eq!(format!("{secret:?}"), "Residue(<redacted>)");
        // Equality is constant-time but still equality.
        assert_eq!(secret.clone(), secret);
        assert_ne!(secret, Residue::one());
    }

    #[test]
    fn zero_exponent_gives_one() {
        let e = Exponent::from_be_bytes(&[]).expect("fits");
        assert_eq!(pow(&Residue::g(), &e), Residue::one());
        assert_eq!(pow(&Residue::zero(), &e), Residue::one());
    }
}
