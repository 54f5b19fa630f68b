//! The 32-bit kernel: 96 limbs of 32 bits, each product a `u32 × u32 → u64`.
//!
//! Made for wasm32, which has a 64-bit multiply (`i64.mul`) but nothing that
//! yields the high half of a 64 × 64-bit product: the portable kernel's
//! `u128` products cost four multiplications and a carry dance there, these
//! cost one. `R = 2^3072` is the same in both limb widths, so values in
//! Montgomery form are interchangeable between kernels. Portable Rust, so
//! it is also tested natively.

use super::super::mont::{N, N0_INV};
use super::schoolbook::schoolbook;
use crate::modpow::Limbs;

schoolbook!(u32, u64, 96, split(&N), N0_INV as u32);

/// 64-bit limbs as twice as many 32-bit ones, little-endian.
const fn split(a: &Limbs) -> Words {
    let mut out = [0u32; LIMBS];
    let mut i = 0;
    while i < LIMBS {
        out[i] = (a[i / 2] >> (32 * (i % 2))) as u32;
        i += 1;
    }
    out
}

/// 32-bit limbs back to 64-bit ones.
fn join(a: &Words) -> Limbs {
    let mut out = [0u64; LIMBS / 2];
    for (limb, pair) in out.iter_mut().zip(a.chunks_exact(2)) {
        *limb = u64::from(pair[0]) | (u64::from(pair[1]) << 32);
    }
    out
}

/// The Montgomery product on 64-bit limbs, computed on 32-bit ones.
#[inline(never)]
pub(super) fn mul(a: &Limbs, b: &Limbs) -> Limbs {
    join(&mont_mul(&split(a), &split(b)))
}

/// The Montgomery square on 64-bit limbs, computed on 32-bit ones.
#[inline(never)]
pub(super) fn sqr(a: &Limbs) -> Limbs {
    join(&mont_sqr(&split(a)))
}
