//! Every kernel the engine has on this target against num-bigint: random
//! and edge bases (0, 1, 2, N − 1, all-ones limbs), exponents of 0 to 3136
//! bits (random, all ones, powers of two), variable and fixed base. Built
//! for wasm32-wasip1 and run under Node's WASI by `.ci/run`; exits non-zero
//! on the first mismatch.

use cognito_srp_auth::bench_api;
use num_bigint::BigUint;

fn main() {
    let n = cognito_srp_auth_wasm_check::n();
    let mut seed = 0u8;
    let mut bytes = |len: usize| {
        seed = seed.wrapping_add(1);
        cognito_srp_auth_wasm_check::bytes(len, seed)
    };
    let mut bases = vec![
        BigUint::from(0u8),
        BigUint::from(1u8),
        BigUint::from(2u8),
        &n - 1u8,
        (BigUint::from(1u8) << 3008) - 1u8,
        ((BigUint::from(1u8) << 3072) - 1u8) % &n,
    ];
    bases.extend((0..6).map(|_| BigUint::from_bytes_be(&bytes(384)) % &n));
    let mut exponents: Vec<Vec<u8>> = vec![vec![], vec![0; 48], vec![1], vec![0xff; 392], vec![0xff; 32]];
    exponents.extend([0usize, 255, 1024, 3135].map(|k| (BigUint::from(1u8) << k).to_bytes_be()));
    exponents.extend([1usize, 20, 32, 64, 65, 128, 129, 200, 392].map(&mut bytes));

    let kernels = bench_api::kernels();
    let selected = bench_api::selected_kernel();
    if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
        assert_eq!(selected.name(), "radix28", "wasm32 with simd128 selects the 28-bit-digit kernel");
    } else if cfg!(target_arch = "wasm32") {
        assert_eq!(selected.name(), "limb32", "wasm32 without simd128 selects the 32-bit kernel");
    }
    let mut checks = 0;
    for (i, e) in exponents.iter().enumerate() {
        let exponent = BigUint::from_bytes_be(e);
        let base = &bases[i % bases.len()];
        let expected = base.modpow(&exponent, &n);
        let expected_g = BigUint::from(2u8).modpow(&exponent, &n);
        for kernel in &kernels {
            for base in [base, &bases[(i + 3) % bases.len()]] {
                let want = if base == &bases[i % bases.len()] { expected.clone() } else { base.modpow(&exponent, &n) };
                let got = kernel.pow(&base.to_bytes_be(), e).expect("at most 392 bytes");
                assert_eq!(BigUint::from_bytes_be(&got), want, "{}: pow, exponent #{i}", kernel.name());
                checks += 1;
            }
            let got = kernel.pow_g(e).expect("at most 392 bytes");
            assert_eq!(BigUint::from_bytes_be(&got), expected_g, "{}: pow_g, exponent #{i}", kernel.name());
            checks += 1;
        }
    }
    assert!(bench_api::pow(&[2], &[1; 393]).is_err(), "over 392 bytes is an error");
    let names: Vec<_> = kernels.iter().map(|k| k.name()).collect();
    println!(
        "{}{}: kernels exercised: {} (selected: {}); {checks} exponentiations match num-bigint",
        std::env::consts::ARCH,
        if cfg!(target_feature = "simd128") { " with simd128" } else { "" },
        names.join(", "),
        selected.name()
    );
}
