//! Entry points into the exponentiation engine for `benches/` and the peer
//! comparison. Not part of the API: no stability promise, no secret hygiene.

use crate::modpow::{self, Exponent, Residue};

/// A value in Montgomery form, for timing single multiplications.
#[derive(Clone, Copy)]
pub struct MontgomeryValue(modpow::Limbs);

/// Reduces `bytes` (at most 384) below N first, as a base would be.
fn residue(bytes: &[u8]) -> Residue {
    use num_bigint::BigUint;
    let n = BigUint::from_bytes_be(&crate::group::N_BYTES);
    let reduced = BigUint::from_bytes_be(bytes) % n;
    Residue::from_be_bytes(&reduced.to_bytes_be()).unwrap_or_else(|| unreachable!("reduced"))
}

impl MontgomeryValue {
    /// `bytes mod N`, in Montgomery form.
    pub fn new(bytes: &[u8]) -> Self {
        MontgomeryValue(modpow::mont::to_mont(residue(bytes).limbs()))
    }

    /// The Montgomery product.
    pub fn mul(&self, other: &Self) -> Self {
        MontgomeryValue(modpow::mont::mul(&self.0, &other.0))
    }

    /// The Montgomery square.
    pub fn sqr(&self) -> Self {
        MontgomeryValue(modpow::mont::sqr(&self.0))
    }

    /// Out of Montgomery form, as 384 big-endian bytes.
    pub fn to_be_bytes(&self) -> [u8; 384] {
        modpow::mont::limbs_to_be_bytes(&modpow::mont::from_mont(&self.0))
    }
}

/// `base ^ exponent mod N` with the engine's constant-time window (the base
/// is reduced first). The exponent's length bound is its byte length.
pub fn pow(base: &[u8], exponent: &[u8]) -> [u8; 384] {
    let e = Exponent::from_be_bytes(exponent).unwrap_or_else(|| unreachable!("callers pass at most 392 bytes"));
    modpow::pow(&residue(base), &e).to_be_bytes()
}

/// `g ^ exponent mod N` with the engine's fixed-base path.
pub fn pow_g(exponent: &[u8]) -> [u8; 384] {
    let e = Exponent::from_be_bytes(exponent).unwrap_or_else(|| unreachable!("callers pass at most 392 bytes"));
    modpow::pow_g(&e).to_be_bytes()
}

/// The Montgomery form of 1 (R mod N), the start of an exponentiation.
pub fn montgomery_one() -> MontgomeryValue {
    MontgomeryValue(modpow::mont::ONE)
}
