//! The IFMA algorithm's lane operations in plain Rust, with exactly the
//! semantics of the AVX-512 instructions they stand for (Intel SDM, vol.
//! 2): the test backend that runs the IFMA kernel's algorithm on any CPU.

use super::{LANES, Lanes};

/// The scalar emulation of the AVX-512F / AVX-512 IFMA instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Emulated;

/// The low 52 bits of a lane, the part `vpmadd52*q` multiplies.
const MASK: u64 = (1 << 52) - 1;

/// The 104-bit product of two lanes' low 52 bits.
#[inline(always)]
fn product52(b: u64, c: u64) -> u128 {
    u128::from(b & MASK) * u128::from(c & MASK)
}

impl Lanes for Emulated {
    type V = [u64; LANES];

    /// `vpxorq` of a register with itself.
    #[inline(always)]
    fn zero(self) -> Self::V {
        [0; LANES]
    }

    /// `vpbroadcastq`.
    #[inline(always)]
    fn splat(self, x: u64) -> Self::V {
        [x; LANES]
    }

    /// `vmovdqu64` from memory.
    #[inline(always)]
    fn load(self, x: &[u64; LANES]) -> Self::V {
        *x
    }

    /// `vmovdqu64` to memory.
    #[inline(always)]
    fn store(self, v: Self::V) -> [u64; LANES] {
        v
    }

    /// `vpaddq`.
    #[inline(always)]
    fn add(self, a: Self::V, b: Self::V) -> Self::V {
        core::array::from_fn(|j| a[j].wrapping_add(b[j]))
    }

    /// `vpandq`.
    #[inline(always)]
    fn and(self, a: Self::V, b: Self::V) -> Self::V {
        core::array::from_fn(|j| a[j] & b[j])
    }

    /// `vpsrlq` by 52.
    #[inline(always)]
    fn shr52(self, a: Self::V) -> Self::V {
        core::array::from_fn(|j| a[j] >> 52)
    }

    /// `vpmadd52luq`: the product's bits 0 to 51, added modulo 2^64.
    #[inline(always)]
    fn madd52lo(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        core::array::from_fn(|j| a[j].wrapping_add(product52(b[j], c[j]) as u64 & MASK))
    }

    /// `vpmadd52huq`: the product's bits 52 to 103, added modulo 2^64.
    #[inline(always)]
    fn madd52hi(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        core::array::from_fn(|j| a[j].wrapping_add((product52(b[j], c[j]) >> 52) as u64))
    }

    /// `vpermq` with an all-zero index vector.
    #[inline(always)]
    fn broadcast_lane0(self, a: Self::V) -> Self::V {
        [a[0]; LANES]
    }

    /// `valignq` by one lane.
    #[inline(always)]
    fn align1(self, hi: Self::V, lo: Self::V) -> Self::V {
        core::array::from_fn(|j| if j + 1 < LANES { lo[j + 1] } else { hi[0] })
    }
}
