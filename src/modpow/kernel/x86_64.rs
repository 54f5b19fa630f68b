//! The BMI2/ADX kernel, chosen at run time on CPUs that have both: each row
//! of the product and of the reduction is one straight run of `mulx` (a
//! flag-free 64 × 64 → 128-bit multiply), `adcx` and `adox` (additions on
//! two independent carry chains, CF and OF), about five instructions per
//! multiply-accumulate where the portable kernel needs about ten.
//!
//! The one module of the crate that allows `unsafe` (with its child
//! `avx512`, the AVX-512 IFMA kernel): executing these instructions is
//! sound only on a CPU that has them, which the compiler cannot check;
//! [`Bmi2Adx`] and `Ifma` carry the proof of run-time detection.
#![allow(unsafe_code)]

#[cfg(avx512_intrinsics)]
mod avx512;
#[cfg(avx512_intrinsics)]
pub(crate) use avx512::Ifma;

use core::arch::asm;

use crate::modpow::Limbs;
use crate::modpow::mont::{N, N0_INV};

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

mod rows {
    use super::{N, N0_INV};
    super::super::schoolbook::schoolbook!(u64, u128, 48, N, N0_INV, row = super::mac_row, square = sqr_by_product);
}

#[target_feature(enable = "bmi2,adx")]
fn mul_bmi2_adx(a: &Limbs, b: &Limbs) -> Limbs {
    rows::mont_mul(a, b)
}

#[target_feature(enable = "bmi2,adx")]
fn sqr_bmi2_adx(a: &Limbs) -> Limbs {
    rows::mont_sqr(a)
}

/// The instructions of limb `j` (0 to 46) of a row: `cur` holds `acc[j]`
/// plus the OF chain so far; add the low half on the CF chain, store, load
/// `acc[j + 1]` and add the high half on the OF chain.
macro_rules! row_steps {
    ($($j:literal)*) => {
        concat!($(
            "mulx {hi}, {lo}, qword ptr [{a} + 8*", $j, "]\n",
            "adcx {cur}, {lo}\n",
            "mov qword ptr [{acc} + 8*", $j, "], {cur}\n",
            "mov {cur}, qword ptr [{acc} + 8*", $j, " + 8]\n",
            "adox {cur}, {hi}\n",
        )*)
    };
}

/// `acc += a * b`, returning the carry limb; constant time (no branch, and
/// addresses fixed by the array layout).
///
/// Reached only from `mul_bmi2_adx` and `sqr_bmi2_adx` (through `rows`),
/// which run only after detection.
#[inline(always)]
fn mac_row(acc: &mut Limbs, a: &Limbs, b: u64) -> u64 {
    let carry: u64;
    // SAFETY: BMI2 and ADX are present (see above). `acc` and `a` point to
    // 48 limbs each and the code touches offsets 0 to 47 of each only;
    // `acc` is exclusively borrowed. No stack use; flags are clobbered,
    // which asm! assumes by default.
    unsafe {
        asm!(
            "xor {zero:e}, {zero:e}", // zero, and CF = OF = 0
            "mov {cur}, qword ptr [{acc}]",
            row_steps!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
                       24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46),
            "mulx {hi}, {lo}, qword ptr [{a} + 8*47]",
            "adcx {cur}, {lo}",
            "mov qword ptr [{acc} + 8*47], {cur}",
            // The carry limb: high half plus both chains' last carries. It
            // cannot overflow: acc + a * b < 2^3136.
            "mov {cur}, {zero}",
            "adox {cur}, {hi}",
            "adcx {cur}, {zero}",
            acc = in(reg) acc.as_mut_ptr(),
            a = in(reg) a.as_ptr(),
            in("rdx") b,
            lo = out(reg) _,
            hi = out(reg) _,
            cur = out(reg) carry,
            zero = out(reg) _,
            options(nostack),
        );
    }
    carry
}
