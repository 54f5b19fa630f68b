//! Montgomery kernels: the same multiply and square modulo N, written for
//! different CPUs, behind one interface ([`Kernel`]).
//!
//! | kernel | limbs | where |
//! |---|---|---|
//! | [`Kernel::Portable`] | 48 × 64 bits, `u128` products | any target; the fallback |
//! | [`Kernel::Limb32`] | 96 × 32 bits, `u64` products | chosen at compile time on wasm32 without `simd128` |
//! | [`Kernel::Radix28`] | 110 × 28 bits, `u64` column sums | chosen at compile time on wasm32 with `simd128` |
//! | [`Kernel::Bmi2Adx`] | 48 × 64 bits, `mulx`/`adcx`/`adox` | x86-64 with BMI2 and ADX, chosen at run time |
//! | `Kernel::Ifma` | 60 × 52 bits, eight lanes, `vpmadd52luq`/`vpmadd52huq` | x86-64 with AVX-512F and IFMA, chosen at run time (built by Rust ≥ 1.89) |
//! | [`Kernel::IfmaEmulated`] | the IFMA kernel's algorithm on a scalar emulation of its instructions | every target; tests only, never selected |
//!
//! Every kernel computes the same function (values in Montgomery form with
//! `R = 2^3072` are interchangeable), in time independent of the values.
//! The exponentiations above call [`Kernel::mul`] and [`Kernel::sqr`] in a
//! sequence fixed by the exponent's length bound; which kernel runs is
//! public (it depends on the CPU only).

pub(crate) mod ifma;
mod limb32;
mod portable;
mod radix28;
mod schoolbook;
#[cfg(target_arch = "x86_64")]
mod x86_64;

use std::cell::Cell;
use std::sync::OnceLock;

use super::mont::{self, LIMBS, Limbs};
#[cfg(target_arch = "x86_64")]
pub(crate) use x86_64::Bmi2Adx;
#[cfg(all(target_arch = "x86_64", avx512_intrinsics))]
pub(crate) use x86_64::Ifma;

/// One Montgomery kernel that runs on this CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// 64-bit limbs in safe portable Rust.
    Portable,
    /// 32-bit limbs in safe portable Rust: one `i64.mul` per product on wasm32.
    Limb32,
    /// 28-bit digits in safe portable Rust, one carry per column; in
    /// `simd128` vectors on wasm32 built with it.
    Radix28,
    /// 64-bit limbs compiled for BMI2 and ADX; holds the detection's proof.
    #[cfg(target_arch = "x86_64")]
    Bmi2Adx(Bmi2Adx),
    /// 52-bit limbs in AVX-512 lanes, multiplied by IFMA; holds the detection's proof.
    #[cfg(all(target_arch = "x86_64", avx512_intrinsics))]
    Ifma(Ifma),
    /// The IFMA kernel's algorithm on the portable emulation of its
    /// instructions: what tests run on CPUs without IFMA. Listed by
    /// [`Kernel::available`] so every kernel test covers it; never
    /// [`Kernel::best`].
    IfmaEmulated,
}

std::thread_local! {
    /// A kernel this thread was told to use instead of the best one.
    static OVERRIDE: Cell<Option<Kernel>> = const { Cell::new(None) };
}

/// wasm32's kernel, fixed at compile time (wasm has no run-time feature
/// detection): 28-bit digits where `simd128` gives two products per
/// instruction, else 32-bit limbs, which measured faster without it
/// (BENCHMARKS.md).
const fn wasm32_best() -> Option<Kernel> {
    if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
        Some(Kernel::Radix28)
    } else if cfg!(target_arch = "wasm32") {
        Some(Kernel::Limb32)
    } else {
        None
    }
}

impl Kernel {
    /// The kernel exponentiations use: the fastest this CPU runs (decided
    /// once), unless [`Kernel::run`] chose another on this thread.
    pub(crate) fn selected() -> Kernel {
        OVERRIDE.with(Cell::get).unwrap_or_else(Kernel::best)
    }

    /// The fastest kernel for this CPU, detected on first use.
    fn best() -> Kernel {
        static BEST: OnceLock<Kernel> = OnceLock::new();
        *BEST.get_or_init(|| {
            #[cfg(all(target_arch = "x86_64", avx512_intrinsics))]
            if let Some(kernel) = Ifma::detect().filter(|ifma| ifma_agrees_with_portable(*ifma)) {
                return Kernel::Ifma(kernel);
            }
            #[cfg(target_arch = "x86_64")]
            if let Some(kernel) = Bmi2Adx::detect() {
                return Kernel::Bmi2Adx(kernel);
            }
            wasm32_best().unwrap_or(Kernel::Portable)
        })
    }

    /// Every kernel this CPU runs, the portable one first, then the IFMA
    /// emulation (a test backend).
    pub(crate) fn available() -> Vec<Kernel> {
        let mut kernels = vec![Kernel::Portable, Kernel::Limb32, Kernel::Radix28];
        #[cfg(target_arch = "x86_64")]
        kernels.extend(Bmi2Adx::detect().map(Kernel::Bmi2Adx));
        #[cfg(all(target_arch = "x86_64", avx512_intrinsics))]
        kernels.extend(Ifma::detect().map(Kernel::Ifma));
        kernels.push(Kernel::IfmaEmulated);
        kernels
    }

    /// Why the AVX-512 IFMA kernel does not run here, or `None` if it does.
    pub(crate) fn ifma_missing() -> Option<&'static str> {
        #[cfg(all(target_arch = "x86_64", avx512_intrinsics))]
        return Ifma::detect().is_none().then_some("this CPU lacks AVX-512F or AVX-512 IFMA");
        #[cfg(all(target_arch = "x86_64", not(avx512_intrinsics)))]
        return Some("built by a Rust older than 1.89, which has no AVX-512 intrinsics");
        #[cfg(not(target_arch = "x86_64"))]
        Some("not an x86-64 target")
    }

    /// Whether this is a test backend (an emulation) rather than a kernel
    /// production code may select.
    pub(crate) fn is_emulation(self) -> bool {
        self == Kernel::IfmaEmulated
    }

    /// A short name, for test output and benchmark tables.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kernel::Portable => "portable",
            Kernel::Limb32 => "limb32",
            Kernel::Radix28 => "radix28",
            #[cfg(target_arch = "x86_64")]
            Kernel::Bmi2Adx(_) => "bmi2-adx",
            #[cfg(all(target_arch = "x86_64", avx512_intrinsics))]
            Kernel::Ifma(_) => "ifma",
            Kernel::IfmaEmulated => "ifma-emulated",
        }
    }

    /// Runs `f` with `self` as this thread's [`Kernel::selected`], then
    /// restores the previous choice (also if `f` panics).
    pub(crate) fn run<R>(self, f: impl FnOnce() -> R) -> R {
        struct Restore(Option<Kernel>);
        impl Drop for Restore {
            fn drop(&mut self) {
                OVERRIDE.with(|o| o.set(self.0));
            }
        }
        let _restore = Restore(OVERRIDE.with(|o| o.replace(Some(self))));
        f()
    }

    /// Montgomery product `a * b * R^-1 mod N`, for `a, b < N`.
    pub(crate) fn mul(self, a: &Limbs, b: &Limbs) -> Limbs {
        #[cfg(test)]
        super::trace::record(super::trace::Op::Mul);
        match self {
            Kernel::Portable => portable::mul(a, b),
            Kernel::Limb32 => limb32::mul(a, b),
            Kernel::Radix28 => radix28::mul(a, b),
            #[cfg(target_arch = "x86_64")]
            Kernel::Bmi2Adx(k) => k.mul(a, b),
            #[cfg(all(target_arch = "x86_64", avx512_intrinsics))]
            Kernel::Ifma(k) => k.mul(a, b),
            Kernel::IfmaEmulated => ifma::emulated_mul(a, b),
        }
    }

    /// Montgomery square `a^2 * R^-1 mod N`, for `a < N`.
    pub(crate) fn sqr(self, a: &Limbs) -> Limbs {
        #[cfg(test)]
        super::trace::record(super::trace::Op::Sqr);
        match self {
            Kernel::Portable => portable::sqr(a),
            Kernel::Limb32 => limb32::sqr(a),
            Kernel::Radix28 => radix28::sqr(a),
            #[cfg(target_arch = "x86_64")]
            Kernel::Bmi2Adx(k) => k.sqr(a),
            #[cfg(all(target_arch = "x86_64", avx512_intrinsics))]
            Kernel::Ifma(k) => k.sqr(a),
            Kernel::IfmaEmulated => ifma::emulated_sqr(a),
        }
    }

    /// Into Montgomery form: `a * R mod N`.
    pub(crate) fn enter_mont(self, a: &Limbs) -> Limbs {
        self.mul(a, &mont::R2)
    }

    /// Out of Montgomery form: `a * R^-1 mod N`, a product with 1.
    pub(crate) fn leave_mont(self, a: &Limbs) -> Limbs {
        let mut one = [0u64; LIMBS];
        one[0] = 1;
        self.mul(a, &one)
    }
}

/// A known answer the IFMA kernel must give before it is selected: a
/// multiply and a square of fixed values, against the portable kernel.
/// Its intrinsics cannot run on every machine the project tests on, so a
/// CPU where they misbehave falls back to BMI2/ADX instead of computing
/// wrong sign-ins. (Public values only; it runs once, untraced.)
#[cfg(all(target_arch = "x86_64", avx512_intrinsics))]
fn ifma_agrees_with_portable(ifma: Ifma) -> bool {
    let a = mont::R2;
    let b = portable::sqr(&mont::R2);
    ifma.mul(&a, &b) == portable::mul(&a, &b) && ifma.sqr(&b) == portable::sqr(&b)
}

#[cfg(test)]
mod tests;
