//! The engine beside GMP (via rug), num-bigint and the aws-cognito-srp crate,
//! in one run: `cargo bench -p cognito-srp-auth-peers`.

use std::hint::black_box;

use cognito_srp_auth::bench_api;
use cognito_srp_auth_peers::support;
use cognito_srp_auth_peers::{aws_cognito_srp_login, gmp_login};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rug::Integer;
use rug::integer::Order;

fn login(c: &mut Criterion) {
    let challenge = support::challenge();
    let a = support::bytes(128, 11);
    assert_eq!(gmp_login(&a, &challenge), support::num_bigint_login(&a, &challenge), "GMP and num-bigint agree");
    assert_eq!(gmp_login(&a, &challenge).1, support::engine_login(&a, &challenge), "the engine agrees");

    let mut group = c.benchmark_group("peers-login");
    for bytes in [128, 32] {
        let bits = 8 * bytes;
        group.bench_function(BenchmarkId::new("engine", bits), |b| {
            b.iter(|| support::engine_login(black_box(&a[..bytes]), &challenge))
        });
        group.bench_function(BenchmarkId::new("gmp", bits), |b| {
            b.iter(|| gmp_login(black_box(&a[..bytes]), &challenge))
        });
        group.bench_function(BenchmarkId::new("num-bigint", bits), |b| {
            b.iter(|| support::num_bigint_login(black_box(&a[..bytes]), &challenge))
        });
    }
    group.bench_function(BenchmarkId::new("aws-cognito-srp", 1024), |b| b.iter(|| aws_cognito_srp_login(&challenge)));
    group.finish();
}

fn modpow(c: &mut Criterion) {
    let n = Integer::from_str_radix(support::N_HEX, 16).expect("N");
    let base = support::bytes(384, 1);
    let mut group = c.benchmark_group("peers-modpow");
    for bits in [256, 1025] {
        let e = support::exponent(bits, 2);
        let (base_gmp, e_gmp) = (Integer::from_digits(&base, Order::Msf) % &n, Integer::from_digits(&e, Order::Msf));
        group.bench_function(BenchmarkId::new("engine/random-base", bits), |b| {
            b.iter(|| bench_api::pow(black_box(&base), black_box(&e)))
        });
        group.bench_function(BenchmarkId::new("gmp/random-base", bits), |b| {
            b.iter(|| black_box(&base_gmp).clone().pow_mod(black_box(&e_gmp), &n).expect("powm"))
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = login, modpow
}
criterion_main!(benches);
