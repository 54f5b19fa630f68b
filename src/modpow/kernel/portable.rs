//! The portable kernel: 48 limbs of 64 bits, each product a `u64 × u64 → u128`.
//!
//! Safe Rust for any target. On baseline x86-64 this compiles to `mul` and
//! `add`/`adc` chains; the BMI2/ADX kernel replaces
//! its multiply-accumulate rows in `mulx`/`adcx`/`adox` assembly.

use super::super::mont::{N, N0_INV};
use super::schoolbook::schoolbook;

schoolbook!(u64, u128, 48, N, N0_INV);

/// The Montgomery product, kept out of line so each kernel is one function.
#[inline(never)]
pub(super) fn mul(a: &Words, b: &Words) -> Words {
    mont_mul(a, b)
}

/// The Montgomery square, out of line.
#[inline(never)]
pub(super) fn sqr(a: &Words) -> Words {
    mont_sqr(a)
}
