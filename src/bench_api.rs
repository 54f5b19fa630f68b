//! Entry points into the exponentiation engine for `benches/` and the peer
//! comparison. Not part of the API: no stability promise, no secret hygiene.

use crate::modpow::{self, Exponent, Residue};

/// One of the engine's Montgomery kernels that runs on this CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kernel(modpow::Kernel);

/// Every kernel this CPU runs, the portable one first, then the IFMA
/// kernel's emulation (see [`Kernel::is_emulation`]).
pub fn kernels() -> Vec<Kernel> {
    modpow::Kernel::available().into_iter().map(Kernel).collect()
}

/// Why the AVX-512 IFMA kernel does not run here (this CPU or this
/// compiler), or `None` when it does.
pub fn ifma_missing() -> Option<&'static str> {
    modpow::Kernel::ifma_missing()
}

/// The kernel the engine picks on this CPU (or the one [`Kernel::run`] set).
pub fn selected_kernel() -> Kernel {
    Kernel(modpow::Kernel::selected())
}

/// An exponent longer than the engine takes (392 bytes, 3136 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExponentTooLong {
    /// The length given, in bytes.
    pub bytes: usize,
}

impl core::fmt::Display for ExponentTooLong {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "exponent of {} bytes: the engine takes at most 392", self.bytes)
    }
}

impl std::error::Error for ExponentTooLong {}

fn exponent(bytes: &[u8]) -> Result<Exponent, ExponentTooLong> {
    Exponent::from_be_bytes(bytes).ok_or(ExponentTooLong { bytes: bytes.len() })
}

impl Kernel {
    /// `portable`, `limb32`, `bmi2-adx`, `ifma` or `ifma-emulated`.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// Whether this runs a kernel's algorithm on an emulation of its
    /// instructions (for tests: never selected, not worth timing).
    pub fn is_emulation(self) -> bool {
        self.0.is_emulation()
    }

    /// Runs `f` (a whole sign-in, say) with this kernel doing every
    /// exponentiation on this thread.
    pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
        self.0.run(f)
    }

    /// `base ^ exponent mod N` on this kernel; see [`pow`].
    pub fn pow(self, base: &[u8], exponent_bytes: &[u8]) -> Result<[u8; 384], ExponentTooLong> {
        Ok(modpow::pow_with(self.0, &residue(base), &exponent(exponent_bytes)?).to_be_bytes())
    }

    /// `g ^ exponent mod N` on this kernel; see [`pow_g`].
    pub fn pow_g(self, exponent_bytes: &[u8]) -> Result<[u8; 384], ExponentTooLong> {
        Ok(modpow::pow_g_with(self.0, &exponent(exponent_bytes)?).to_be_bytes())
    }
}

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
        MontgomeryValue(modpow::Kernel::selected().enter_mont(residue(bytes).limbs()))
    }

    /// The Montgomery product, on the selected kernel.
    pub fn mul(&self, other: &Self) -> Self {
        MontgomeryValue(modpow::Kernel::selected().mul(&self.0, &other.0))
    }

    /// The Montgomery square, on the selected kernel.
    pub fn sqr(&self) -> Self {
        MontgomeryValue(modpow::Kernel::selected().sqr(&self.0))
    }

    /// Out of Montgomery form, as 384 big-endian bytes.
    pub fn to_be_bytes(&self) -> [u8; 384] {
        modpow::mont::limbs_to_be_bytes(&modpow::Kernel::selected().leave_mont(&self.0))
    }
}

/// `base ^ exponent mod N` with the engine's constant-time window on the
/// selected kernel (the base is reduced first). The exponent's length bound
/// is its byte length; more than 392 bytes is an error.
pub fn pow(base: &[u8], exponent_bytes: &[u8]) -> Result<[u8; 384], ExponentTooLong> {
    selected_kernel().pow(base, exponent_bytes)
}

/// `g ^ exponent mod N` with the engine's fixed-base path on the selected kernel.
pub fn pow_g(exponent_bytes: &[u8]) -> Result<[u8; 384], ExponentTooLong> {
    selected_kernel().pow_g(exponent_bytes)
}

/// The server's half of one verified sign-in, as the embedded server does
/// it, on the selected kernel: `B = k·v + g^b`, `u = H(A, B)`,
/// `S = (A · v^u)^b`. `verifier` and `srp_a` are reduced below N first.
/// Returns `(B, S)`.
pub fn server_session(verifier: &[u8], srp_a: &[u8], b: &[u8; 32]) -> ([u8; 384], [u8; 384]) {
    use crate::srp::math;
    let (v, a_public) = (residue(verifier), residue(srp_a));
    let b = math::exponent_256(b);
    let b_public = math::k().mul(&v).add(&modpow::pow_g(&b));
    let u = math::compute_u(&a_public, &b_public);
    let v_u = modpow::pow(&v, &math::exponent_256(&u));
    let s = modpow::pow(&a_public.mul(&v_u), &b);
    (b_public.to_be_bytes(), s.to_be_bytes())
}

/// The Montgomery form of 1 (R mod N), the start of an exponentiation.
pub fn montgomery_one() -> MontgomeryValue {
    MontgomeryValue(modpow::mont::ONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_over_392_bytes_are_an_error_not_a_panic() {
        assert_eq!(pow(&[2], &[1; 393]), Err(ExponentTooLong { bytes: 393 }));
        assert_eq!(pow_g(&[1; 393]), Err(ExponentTooLong { bytes: 393 }));
        assert!(pow(&[2], &[1; 392]).is_ok());
        for kernel in kernels() {
            assert!(kernel.pow_g(&[0xff; 1000]).is_err(), "{}", kernel.name());
        }
    }
}
