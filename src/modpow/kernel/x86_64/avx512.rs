//! The AVX-512 IFMA kernel: the algorithm of `kernel::ifma` on the CPU's
//! own `vpmadd52luq` / `vpmadd52huq` and friends, chosen at run time on
//! CPUs with AVX-512F and AVX-512 IFMA.
//!
//! Each [`Lanes`] method is one `core::arch` intrinsic, the instruction the
//! emulation (`ifma::Emulated`) names, so the emulation's tests cover this
//! algorithm and the lane-by-lane comparison test covers the mapping.
//! Part of the x86-64 kernel module, the one that allows `unsafe`: the
//! intrinsics are sound only on a CPU that has them, which [`Ifma`] proves.
//! Built only by compilers that have the intrinsics (Rust 1.89; `build.rs`
//! sets `avx512_intrinsics`), so the 1.88 MSRV build keeps the others.
#![allow(
    clippy::incompatible_msrv,
    reason = "compiled only by Rust 1.89 or later, where these intrinsics are stable (build.rs)"
)]

use core::arch::x86_64::{
    __m512i, _mm512_add_epi64, _mm512_alignr_epi64, _mm512_and_si512, _mm512_loadu_si512, _mm512_madd52hi_epu64,
    _mm512_madd52lo_epu64, _mm512_permutexvar_epi64, _mm512_set1_epi64, _mm512_setzero_si512, _mm512_srli_epi64,
    _mm512_storeu_si512,
};

use crate::modpow::Limbs;
use crate::modpow::kernel::ifma::{self, LANES, Lanes};

/// Proof that this CPU has AVX-512F and AVX-512 IFMA: only [`Ifma::detect`]
/// makes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ifma(());

impl Ifma {
    /// The kernel, if the CPU this runs on has AVX-512F and AVX-512 IFMA.
    pub(crate) fn detect() -> Option<Self> {
        (std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512ifma")).then_some(Ifma(()))
    }

    /// The Montgomery product `a * b * R^-1 mod N`.
    #[inline]
    pub(crate) fn mul(self, a: &Limbs, b: &Limbs) -> Limbs {
        // SAFETY: `self` exists only if `detect` found AVX-512F and
        // AVX-512 IFMA on this CPU, the features `mul_ifma` is compiled for.
        unsafe { mul_ifma(self, a, b) }
    }

    /// The Montgomery square `a^2 * R^-1 mod N`.
    #[inline]
    pub(crate) fn sqr(self, a: &Limbs) -> Limbs {
        // SAFETY: as in `mul`: `self` proves the CPU has both features.
        unsafe { sqr_ifma(self, a) }
    }
}

/// The whole product compiled for AVX-512 IFMA: the algorithm and every
/// lane operation are inlined here (`#[inline(always)]`), so each
/// intrinsic becomes its one instruction.
#[target_feature(enable = "avx512f,avx512ifma")]
fn mul_ifma(lanes: Ifma, a: &Limbs, b: &Limbs) -> Limbs {
    ifma::mont_mul(lanes, a, b)
}

/// The whole square compiled for AVX-512 IFMA, as `mul_ifma`.
#[target_feature(enable = "avx512f,avx512ifma")]
fn sqr_ifma(lanes: Ifma, a: &Limbs) -> Limbs {
    ifma::mont_sqr(lanes, a)
}

// SAFETY (every block below): `self` is an `Ifma`, which only `detect`
// makes, after finding AVX-512F and AVX-512 IFMA on this CPU; those are
// the only features the intrinsics need. Pointer arguments are noted where
// they occur.
impl Lanes for Ifma {
    type V = __m512i;

    #[inline(always)]
    fn zero(self) -> __m512i {
        // SAFETY: see above.
        unsafe { _mm512_setzero_si512() }
    }

    #[inline(always)]
    fn splat(self, x: u64) -> __m512i {
        // SAFETY: see above. The cast keeps the bits.
        unsafe { _mm512_set1_epi64(x as i64) }
    }

    #[inline(always)]
    fn load(self, x: &[u64; LANES]) -> __m512i {
        // SAFETY: see above; `x` is 64 readable bytes, and the unaligned
        // load needs no alignment.
        unsafe { _mm512_loadu_si512(x.as_ptr().cast()) }
    }

    #[inline(always)]
    fn store(self, v: __m512i) -> [u64; LANES] {
        let mut out = [0u64; LANES];
        // SAFETY: see above; `out` is 64 writable bytes, exclusively
        // borrowed, and the unaligned store needs no alignment.
        unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), v) };
        out
    }

    #[inline(always)]
    fn add(self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: see above.
        unsafe { _mm512_add_epi64(a, b) }
    }

    #[inline(always)]
    fn and(self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: see above.
        unsafe { _mm512_and_si512(a, b) }
    }

    #[inline(always)]
    fn shr52(self, a: __m512i) -> __m512i {
        // SAFETY: see above.
        unsafe { _mm512_srli_epi64::<52>(a) }
    }

    #[inline(always)]
    fn madd52lo(self, a: __m512i, b: __m512i, c: __m512i) -> __m512i {
        // SAFETY: see above.
        unsafe { _mm512_madd52lo_epu64(a, b, c) }
    }

    #[inline(always)]
    fn madd52hi(self, a: __m512i, b: __m512i, c: __m512i) -> __m512i {
        // SAFETY: see above.
        unsafe { _mm512_madd52hi_epu64(a, b, c) }
    }

    #[inline(always)]
    fn broadcast_lane0(self, a: __m512i) -> __m512i {
        // SAFETY: see above.
        unsafe { _mm512_permutexvar_epi64(_mm512_setzero_si512(), a) }
    }

    #[inline(always)]
    fn align1(self, hi: __m512i, lo: __m512i) -> __m512i {
        // SAFETY: see above.
        unsafe { _mm512_alignr_epi64::<1>(hi, lo) }
    }
}
