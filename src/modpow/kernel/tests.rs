//! Every kernel against num-bigint and against the portable kernel.

use num_bigint::BigUint;
use proptest::prelude::*;

use super::*;
use crate::modpow::mont::{N, limbs_from_be_bytes, limbs_to_be_bytes};

fn big(a: &Limbs) -> BigUint {
    BigUint::from_bytes_be(&limbs_to_be_bytes(a))
}

fn n() -> BigUint {
    big(&N)
}

/// `R^-1 mod N`, by Fermat (N is prime).
fn r_inv() -> BigUint {
    let r = BigUint::from(1u8) << (64 * LIMBS);
    r.modpow(&(n() - 2u32), &n())
}

/// Values below N that stress carries: 0, 1, N − 1, N − 2, R − 1 mod N,
/// runs of all-ones limbs, alternating all-ones and zero limbs.
fn edges() -> Vec<Limbs> {
    let mut n_minus_1 = N;
    n_minus_1[0] -= 1;
    let mut n_minus_2 = N;
    n_minus_2[0] -= 2;
    let mut ones_below_top = [u64::MAX; LIMBS];
    ones_below_top[LIMBS - 1] = 0;
    let mut alternating = [0u64; LIMBS];
    for limb in alternating.iter_mut().step_by(2) {
        *limb = u64::MAX;
    }
    let mut top_half_ones = [0u64; LIMBS];
    top_half_ones[LIMBS / 2..LIMBS - 1].fill(u64::MAX);
    let r_minus_1 = (BigUint::from(1u8) << (64 * LIMBS)) - 1u8;
    vec![
        [0; LIMBS],
        limbs_from_be_bytes(&[1]),
        n_minus_1,
        n_minus_2,
        ones_below_top,
        alternating,
        top_half_ones,
        limbs_from_be_bytes(&(r_minus_1 % n()).to_bytes_be()),
    ]
}

fn below_n() -> impl Strategy<Value = Limbs> {
    prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 384).prop_map(|bytes| {
            limbs_from_be_bytes(&(BigUint::from_bytes_be(&bytes) % n()).to_bytes_be())
        }),
        1 => prop::sample::select(edges()),
    ]
}

/// The kernels this run exercises; says which were skipped and why.
#[test]
fn kernels_exercised_on_this_cpu() {
    let kernels = Kernel::available();
    let names: Vec<_> = kernels.iter().map(|k| k.name()).collect();
    println!("kernels exercised: {}", names.join(", "));
    println!("selected for this CPU: {}", Kernel::selected().name());
    #[cfg(target_arch = "x86_64")]
    if Bmi2Adx::detect().is_none() {
        println!("skipped bmi2-adx: this CPU lacks BMI2 or ADX");
    }
    #[cfg(not(target_arch = "x86_64"))]
    println!("skipped bmi2-adx: not an x86-64 target");
    match Kernel::ifma_missing() {
        Some(why) => println!("skipped ifma: {why}; its algorithm ran as ifma-emulated"),
        None => assert!(names.contains(&"ifma"), "IFMA detected, so listed"),
    }
    assert!(names.starts_with(&["portable", "limb32", "radix28"]));
    assert_eq!(names.last(), Some(&"ifma-emulated"));
    assert!(kernels.contains(&Kernel::selected()));
}

#[test]
fn every_kernel_is_exact_on_the_edges() {
    let (n, r_inv) = (n(), r_inv());
    for kernel in Kernel::available() {
        for a in edges() {
            for b in edges() {
                let expected = (big(&a) * big(&b) * &r_inv) % &n;
                assert_eq!(big(&kernel.mul(&a, &b)), expected, "{} mul", kernel.name());
            }
            let expected = (big(&a) * big(&a) * &r_inv) % &n;
            assert_eq!(big(&kernel.sqr(&a)), expected, "{} sqr", kernel.name());
            assert_eq!(kernel.leave_mont(&kernel.enter_mont(&a)), a, "{} round trip", kernel.name());
        }
    }
}

#[test]
fn the_selected_kernel_is_the_fastest_detected() {
    assert!(!Kernel::best().is_emulation(), "an emulation is never selected");
    #[cfg(all(target_arch = "x86_64", avx512_intrinsics))]
    if let Some(k) = Ifma::detect() {
        assert_eq!(Kernel::best(), Kernel::Ifma(k));
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if let Some(k) = Bmi2Adx::detect() {
        assert_eq!(Kernel::best(), Kernel::Bmi2Adx(k));
        return;
    }
    let expected = if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
        Kernel::Radix28
    } else if cfg!(target_arch = "wasm32") {
        Kernel::Limb32
    } else {
        Kernel::Portable
    };
    assert_eq!(Kernel::best(), expected);
}

#[test]
fn run_overrides_the_kernel_on_this_thread_only_and_restores_it() {
    let before = Kernel::selected();
    for kernel in Kernel::available() {
        kernel.run(|| {
            assert_eq!(Kernel::selected(), kernel);
            // wasm32-wasip1 has no threads.
            #[cfg(not(target_os = "wasi"))]
            assert_eq!(std::thread::spawn(Kernel::selected).join().expect("thread"), Kernel::best());
        });
        assert_eq!(Kernel::selected(), before);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_kernel_matches_num_bigint(a in below_n(), b in below_n()) {
        let (n, r_inv) = (n(), r_inv());
        let (mul, sqr) = ((big(&a) * big(&b) * &r_inv) % &n, (big(&a) * big(&a) * &r_inv) % &n);
        for kernel in Kernel::available() {
            prop_assert_eq!(big(&kernel.mul(&a, &b)), mul.clone(), "{} mul", kernel.name());
            prop_assert_eq!(big(&kernel.sqr(&a)), sqr.clone(), "{} sqr", kernel.name());
            prop_assert_eq!(kernel.mul(&a, &b), Kernel::Portable.mul(&a, &b));
        }
    }
}
