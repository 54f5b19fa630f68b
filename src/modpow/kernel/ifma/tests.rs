//! The IFMA algorithm's own tests: the emulated instructions against their
//! definition, the real ones against the emulation (where the CPU has
//! them), the digit conversions, the instruction count and sequence. The
//! kernel itself is checked against num-bigint and the portable kernel by
//! every test over `Kernel::available()`, which lists the emulation.

use core::cell::RefCell;

use num_bigint::BigUint;
use proptest::prelude::*;

use super::*;
use crate::modpow::mont::{self, limbs_from_be_bytes, limbs_to_be_bytes};

/// Lane values that stress the 52-bit masking: bits above 52 set or not.
fn lane() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => any::<u64>(),
        1 => prop::sample::select(vec![0, 1, MASK, MASK + 1, u64::MAX, u64::MAX - MASK, 1 << 63]),
    ]
}

fn lanes() -> impl Strategy<Value = [u64; LANES]> {
    prop::array::uniform8(lane())
}

/// `vpmadd52luq` / `vpmadd52huq` by their definition, in num-bigint:
/// `a + (the low or high 52 bits of b[51:0] · c[51:0]) mod 2^64`.
fn madd52_reference(a: u64, b: u64, c: u64, high: bool) -> u64 {
    let digit = |x: u64| BigUint::from(x) % (BigUint::from(1u8) << 52);
    let product = digit(b) * digit(c);
    let half = if high { product >> 52 } else { product % (BigUint::from(1u8) << 52) };
    let sum: BigUint = (BigUint::from(a) + half) % (BigUint::from(1u8) << 64);
    sum.iter_u64_digits().next().unwrap_or(0)
}

fn big(a: &Limbs) -> BigUint {
    BigUint::from_bytes_be(&limbs_to_be_bytes(a))
}

fn big_digits(d: &Digits) -> BigUint {
    d.iter().rev().fold(BigUint::from(0u8), |acc, &digit| (acc << 52) + digit)
}

fn random_below_n() -> impl Strategy<Value = Limbs> {
    let n = big(&N);
    prop::collection::vec(any::<u8>(), 384)
        .prop_map(move |bytes| limbs_from_be_bytes(&(BigUint::from_bytes_be(&bytes) % &n).to_bytes_be()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_emulated_multiply_adds_are_the_instructions_definition(a in lanes(), b in lanes(), c in lanes()) {
        let (lo, hi) = (Emulated.madd52lo(a, b, c), Emulated.madd52hi(a, b, c));
        for j in 0..LANES {
            prop_assert_eq!(lo[j], madd52_reference(a[j], b[j], c[j], false), "lo, lane {}", j);
            prop_assert_eq!(hi[j], madd52_reference(a[j], b[j], c[j], true), "hi, lane {}", j);
        }
    }

    #[test]
    fn the_emulated_moves_are_the_instructions_definition(a in lanes(), b in lanes()) {
        prop_assert_eq!(Emulated.broadcast_lane0(a), [a[0]; LANES]);
        let aligned = Emulated.align1(b, a);
        prop_assert_eq!(&aligned[..LANES - 1], &a[1..]);
        prop_assert_eq!(aligned[LANES - 1], b[0]);
        prop_assert_eq!(Emulated.shr52(a).map(|x| x.leading_zeros() >= 52), [true; LANES]);
        prop_assert_eq!(Emulated.shr52(a).map(|x| x << 52), Emulated.and(a, [!MASK; LANES]));
        prop_assert_eq!(Emulated.add(a, b).map(BigUint::from), core::array::from_fn::<_, LANES, _>(|j| {
            (BigUint::from(a[j]) + b[j]) % (BigUint::from(1u8) << 64)
        }));
    }

    #[test]
    fn digits_hold_the_shifted_value_and_convert_back(a in random_below_n(), shift in prop::sample::select(vec![0u32, 24, 48])) {
        let digits = to_digits(&a, shift);
        prop_assert!(digits.iter().all(|&d| d <= MASK), "every digit has 52 bits");
        prop_assert!(digits[DIGITS..].iter().all(|&d| d == 0), "the padding lanes are zero");
        prop_assert_eq!(big_digits(&digits), big(&a) << shift);
        if shift == 0 {
            prop_assert_eq!(from_digits(&digits), (a, 0));
        }
    }

    #[test]
    fn normalising_keeps_the_value(lanes in prop::array::uniform32(any::<u64>())) {
        // Lanes of up to 64 bits, as the product loop leaves them.
        let mut full = [0u64; LANES * VECTORS];
        full[..32].copy_from_slice(&lanes);
        let value = full.iter().rev().fold(BigUint::from(0u8), |acc, &lane| (acc << 52) + lane);
        let digits = normalise(&full);
        prop_assert!(digits.iter().all(|&d| d <= MASK));
        prop_assert_eq!(big_digits(&digits), value);
    }
}

/// The real instructions against their emulation, lane by lane. Ignored in
/// the suite (most CPUs lack the instructions, and a test that compared
/// nothing must not count as passed); `.ci/run` runs it with `--ignored` on
/// a CPU whose /proc/cpuinfo lists avx512ifma, where it must pass, and says
/// it skipped it elsewhere. Run with `--ignored` on a CPU without IFMA, it
/// fails saying why.
#[test]
#[ignore = "needs a CPU with AVX-512F and AVX-512 IFMA (.ci/run runs it where /proc/cpuinfo has avx512ifma)"]
fn the_ifma_instructions_match_their_emulation() {
    #[cfg(all(target_arch = "x86_64", avx512_intrinsics))]
    if let Some(ifma) = super::super::Ifma::detect() {
        let mut runner = proptest::test_runner::TestRunner::default();
        let checked = runner.run(&(lanes(), lanes(), lanes(), any::<u64>()), |(a, b, c, x)| {
            let v = |x: [u64; LANES]| ifma.load(&x);
            let e = Emulated;
            prop_assert_eq!(ifma.store(v(a)), a);
            prop_assert_eq!(ifma.store(ifma.zero()), e.zero());
            prop_assert_eq!(ifma.store(ifma.splat(x)), e.splat(x));
            prop_assert_eq!(ifma.store(ifma.add(v(a), v(b))), e.add(a, b));
            prop_assert_eq!(ifma.store(ifma.and(v(a), v(b))), e.and(a, b));
            prop_assert_eq!(ifma.store(ifma.shr52(v(a))), e.shr52(a));
            prop_assert_eq!(ifma.store(ifma.madd52lo(v(a), v(b), v(c))), e.madd52lo(a, b, c));
            prop_assert_eq!(ifma.store(ifma.madd52hi(v(a), v(b), v(c))), e.madd52hi(a, b, c));
            prop_assert_eq!(ifma.store(ifma.broadcast_lane0(v(a))), e.broadcast_lane0(a));
            prop_assert_eq!(ifma.store(ifma.align1(v(b), v(a))), e.align1(b, a));
            Ok(())
        });
        if let Err(failure) = checked {
            panic!("an AVX-512 instruction differs from its emulation: {failure}");
        }
        println!("checked: the AVX-512 IFMA instructions against their emulation");
        return;
    }
    panic!("the IFMA instructions were not compared: {}", super::super::Kernel::ifma_missing().unwrap_or("unknown"));
}

/// The emulation, logging the name of every instruction it runs.
#[derive(Clone, Copy)]
struct Logged<'a>(&'a RefCell<Vec<&'static str>>);

impl Logged<'_> {
    fn log(self, name: &'static str) -> Emulated {
        self.0.borrow_mut().push(name);
        Emulated
    }
}

impl Lanes for Logged<'_> {
    type V = [u64; LANES];
    fn zero(self) -> Self::V {
        self.log("vpxorq").zero()
    }
    fn splat(self, x: u64) -> Self::V {
        self.log("vpbroadcastq").splat(x)
    }
    fn load(self, x: &[u64; LANES]) -> Self::V {
        self.log("vmovdqu64 load").load(x)
    }
    fn store(self, v: Self::V) -> [u64; LANES] {
        self.log("vmovdqu64 store").store(v)
    }
    fn add(self, a: Self::V, b: Self::V) -> Self::V {
        self.log("vpaddq").add(a, b)
    }
    fn and(self, a: Self::V, b: Self::V) -> Self::V {
        self.log("vpandq").and(a, b)
    }
    fn shr52(self, a: Self::V) -> Self::V {
        self.log("vpsrlq").shr52(a)
    }
    fn madd52lo(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        self.log("vpmadd52luq").madd52lo(a, b, c)
    }
    fn madd52hi(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        self.log("vpmadd52huq").madd52hi(a, b, c)
    }
    fn broadcast_lane0(self, a: Self::V) -> Self::V {
        self.log("vpermq").broadcast_lane0(a)
    }
    fn align1(self, hi: Self::V, lo: Self::V) -> Self::V {
        self.log("valignq").align1(hi, lo)
    }
}

/// The instructions one product (or square) runs, in order.
fn instructions(f: impl FnOnce(Logged<'_>) -> Limbs) -> (Vec<&'static str>, Limbs) {
    let log = RefCell::new(Vec::new());
    let out = f(Logged(&log));
    (log.into_inner(), out)
}

fn count(log: &[&str], name: &str) -> usize {
    log.iter().filter(|&&n| n == name).count()
}

/// The figures BENCHMARKS.md quotes. A product: per round of 60, eight
/// `vpmadd52luq` for `a·b_i`, one for `m`, eight for `N·m`, and sixteen
/// `vpmadd52huq`. A square skips, in round `i`, the `i / 8` vectors below
/// digit `i`: 196 vectors in all, each a low and a high multiply-add.
#[test]
fn a_product_runs_1980_multiply_adds_and_a_square_1588() {
    let a = limbs_from_be_bytes(&[0xa5; 384][..383]);
    let skipped: usize = (0..DIGITS).map(|i| i / LANES).sum();
    assert_eq!(skipped, 196);
    for (what, (log, out), expected) in [
        ("multiply", instructions(|l| mont_mul(l, &a, &a)), (60 * 17, 60 * 16)),
        ("square", instructions(|l| mont_sqr(l, &a)), (60 * 17 - skipped, 60 * 16 - skipped)),
    ] {
        assert_eq!(out, emulated_mul(&a, &a), "{what}: the logged run computes the product");
        let (lo, hi) = (count(&log, "vpmadd52luq"), count(&log, "vpmadd52huq"));
        println!(
            "IFMA {what}: {lo} vpmadd52luq + {hi} vpmadd52huq = {}, {} valignq, {} vpermq, {} vector instructions in all",
            lo + hi,
            count(&log, "valignq"),
            count(&log, "vpermq"),
            log.len()
        );
        assert_eq!((lo, hi), expected, "{what}");
        assert_eq!(count(&log, "valignq"), 60 * 8, "{what}");
        assert_eq!(count(&log, "vpermq"), 60, "{what}");
    }
}

#[test]
fn doubling_digits_doubles_the_value() {
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(&random_below_n(), |a| {
            let digits = to_digits(&a, 24);
            let twice = doubled(&digits);
            prop_assert!(twice.iter().all(|&d| d <= MASK));
            prop_assert_eq!(big_digits(&twice), big_digits(&digits) * 2u8);
            Ok(())
        })
        .expect("2a in digits");
}

#[test]
fn the_instruction_sequence_is_the_same_for_every_operand() {
    let mut n_minus_1 = N;
    n_minus_1[0] -= 1;
    let operands = [[0u64; LIMBS], limbs_from_be_bytes(&[1]), n_minus_1, mont::R2, mont::ONE];
    let (first_mul, _) = instructions(|l| mont_mul(l, &operands[0], &operands[0]));
    let (first_sqr, _) = instructions(|l| mont_sqr(l, &operands[0]));
    for a in &operands {
        for b in &operands {
            assert!(instructions(|l| mont_mul(l, a, b)).0 == first_mul, "multiply");
        }
        assert!(instructions(|l| mont_sqr(l, a)).0 == first_sqr, "square");
    }
}
