//! The BMI2/ADX kernel: the schoolbook of the portable kernel compiled with
//! `mulx` (a flag-free 64 × 64 → 128-bit multiply) and `adcx`/`adox`
//! available, chosen at run time on CPUs that have them.
//!
//! The one module of the crate that allows `unsafe`: calling a
//! `#[target_feature]` function is sound only on a CPU with those features,
//! and the compiler cannot check that; [`Bmi2Adx`] carries the proof.
#![allow(unsafe_code)]

use super::portable;
use crate::modpow::Limbs;

/// Proof that this CPU has BMI2 and ADX: only [`Bmi2Adx::detect`] makes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bmi2Adx(());

impl Bmi2Adx {
    /// The kernel, if the CPU this runs on has BMI2 and ADX.
    pub(crate) fn detect() -> Option<Self> {
        (std::is_x86_feature_detected!("bmi2") && std::is_x86_feature_detected!("adx")).then_some(Bmi2Adx(()))
    }

    /// The Montgomery product `a * b * R^-1 mod N`.
    #[inline]
    pub(crate) fn mul(self, a: &Limbs, b: &Limbs) -> Limbs {
        // SAFETY: `self` exists only if `detect` found BMI2 and ADX on this
        // CPU, the features `mul_bmi2_adx` is compiled for.
        unsafe { mul_bmi2_adx(a, b) }
    }

    /// The Montgomery square `a^2 * R^-1 mod N`.
    #[inline]
    pub(crate) fn sqr(self, a: &Limbs) -> Limbs {
        // SAFETY: as in `mul`: `self` proves the CPU has BMI2 and ADX.
        unsafe { sqr_bmi2_adx(a) }
    }
}

#[target_feature(enable = "bmi2,adx")]
fn mul_bmi2_adx(a: &Limbs, b: &Limbs) -> Limbs {
    portable::mont_mul(a, b)
}

#[target_feature(enable = "bmi2,adx")]
fn sqr_bmi2_adx(a: &Limbs) -> Limbs {
    portable::mont_sqr(a)
}
