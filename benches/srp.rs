//! Criterion benchmarks: the engine beside num-bigint, group by group, in
//! one run (`cargo bench`). BENCHMARKS.md records the ratios.

mod support;

use std::collections::HashMap;
use std::hint::black_box;

use cognito_srp_auth::bench_api::{self, MontgomeryValue};
use cognito_srp_auth::{
    DeviceCredentials, DevicePasswordVerifierChallenge, Password, PasswordVerifierChallenge, PrivateExponentSize,
    SrpEphemeral, Timestamp, UserPoolId,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use num_bigint::BigUint;
use rand_core::{Infallible, TryCryptoRng, TryRng};

/// A fixed "random" source, so each iteration does the same work.
struct FixedRng(u64);

impl TryRng for FixedRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        Ok(self.0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let word = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for FixedRng {}

fn modpow(c: &mut Criterion) {
    let n = support::n();
    let mut group = c.benchmark_group("modpow");
    let base = support::bytes(384, 1);
    for bits in [256, 513, 1024, 1025, 3072] {
        let e = support::exponent(bits, 2);
        let (base_big, e_big, two) =
            (BigUint::from_bytes_be(&base) % &n, BigUint::from_bytes_be(&e), BigUint::from(2u8));
        group.bench_function(BenchmarkId::new("engine/random-base", bits), |b| {
            b.iter(|| bench_api::pow(black_box(&base), black_box(&e)))
        });
        group.bench_function(BenchmarkId::new("engine-variable-time/random-base", bits), |b| {
            b.iter(|| support::variable_time_pow(black_box(&base), black_box(&e)))
        });
        group.bench_function(BenchmarkId::new("num-bigint/random-base", bits), |b| {
            b.iter(|| black_box(&base_big).modpow(black_box(&e_big), &n))
        });
        group.bench_function(BenchmarkId::new("engine/base-2", bits), |b| b.iter(|| bench_api::pow_g(black_box(&e))));
        group.bench_function(BenchmarkId::new("num-bigint/base-2", bits), |b| {
            b.iter(|| two.modpow(black_box(&e_big), &n))
        });
    }
    group.finish();
}

fn montgomery(c: &mut Criterion) {
    let n = support::n();
    let (x, y) = (support::bytes(384, 7), support::bytes(384, 8));
    let (mx, my) = (MontgomeryValue::new(&x), MontgomeryValue::new(&y));
    let (bx, by) = (BigUint::from_bytes_be(&x) % &n, BigUint::from_bytes_be(&y) % &n);
    let mut group = c.benchmark_group("montgomery");
    group.bench_function("engine/mul", |b| b.iter(|| black_box(&mx).mul(black_box(&my))));
    group.bench_function("engine/sqr", |b| b.iter(|| black_box(&mx).sqr()));
    group.bench_function("num-bigint/mul-mod", |b| b.iter(|| (black_box(&bx) * black_box(&by)) % &n));
    group.bench_function("num-bigint/sqr-mod", |b| b.iter(|| (black_box(&bx) * black_box(&bx)) % &n));
    group.finish();
}

/// The whole client side of a USER_SRP_AUTH sign-in, from drawing `a` to the
/// signed PASSWORD_VERIFIER answer.
fn engine_login(size: PrivateExponentSize, challenge: &support::Challenge, parameters: &HashMap<&str, &str>) -> String {
    let pool = UserPoolId::parse(challenge.pool_id).expect("id");
    let ephemeral = SrpEphemeral::generate(&mut FixedRng(11), size);
    let parsed = PasswordVerifierChallenge::from_parameters(parameters).expect("valid");
    let signer =
        ephemeral.answer_password_verifier(&pool, &Password::from(challenge.password), &parsed).expect("claim");
    let timestamp: Timestamp = challenge.timestamp.parse().expect("timestamp");
    signer.sign(timestamp).signature().to_owned()
}

fn login(c: &mut Criterion) {
    let challenge = support::challenge();
    let parameters = HashMap::from([
        ("SRP_B", challenge.srp_b.as_str()),
        ("SALT", challenge.salt.as_str()),
        ("SECRET_BLOCK", challenge.secret_block.as_str()),
        ("USER_ID_FOR_SRP", challenge.user_id),
        ("USERNAME", challenge.user_id),
    ]);
    // Same inputs, same answer: the baseline is checked, not just timed.
    let mut a = vec![0u8; 128];
    FixedRng(11).try_fill_bytes(&mut a).expect("infallible");
    assert_eq!(
        engine_login(PrivateExponentSize::Bits1024, &challenge, &parameters),
        support::num_bigint_login(&a, &challenge).1
    );

    let mut group = c.benchmark_group("login");
    group.bench_function("engine/a-1024", |b| {
        b.iter(|| engine_login(PrivateExponentSize::Bits1024, &challenge, &parameters))
    });
    group.bench_function("engine/a-256", |b| {
        b.iter(|| engine_login(PrivateExponentSize::Bits256, &challenge, &parameters))
    });
    group.bench_function("num-bigint/a-1024", |b| b.iter(|| support::num_bigint_login(black_box(&a), &challenge)));
    group.bench_function("num-bigint/a-256", |b| b.iter(|| support::num_bigint_login(black_box(&a[..32]), &challenge)));
    group.bench_function("engine/srp-a-only/a-1024", |b| {
        b.iter(|| SrpEphemeral::generate(&mut FixedRng(11), PrivateExponentSize::Bits1024))
    });
    group.bench_function("engine/srp-a-only/a-256", |b| {
        b.iter(|| SrpEphemeral::generate(&mut FixedRng(11), PrivateExponentSize::Bits256))
    });
    group.finish();
}

fn device(c: &mut Criterion) {
    let n = support::n();
    let x = BigUint::from_bytes_be(&support::exponent(256, 9));
    let two = BigUint::from(2u8);
    let mut group = c.benchmark_group("device");
    group.bench_function("engine/verifier", |b| {
        b.iter(|| DeviceCredentials::generate(&mut FixedRng(12), "us-east-1_0a1b2c", "-khvS3rfgp"))
    });
    group.bench_function("num-bigint/2-pow-x", |b| b.iter(|| two.modpow(black_box(&x), &n)));

    let (device, _) = DeviceCredentials::generate(&mut FixedRng(12), "us-east-1_0a1b2c", "-khvS3rfgp");
    let challenge = support::challenge();
    let parsed =
        DevicePasswordVerifierChallenge::new(&challenge.srp_b, &challenge.salt, &challenge.secret_block, "user-1")
            .expect("valid");
    let timestamp: Timestamp = challenge.timestamp.parse().expect("timestamp");
    group.bench_function("engine/claim/a-256", |b| {
        b.iter(|| {
            let ephemeral = SrpEphemeral::generate(&mut FixedRng(13), PrivateExponentSize::Bits256);
            ephemeral.answer_device_password_verifier(&device, &parsed).expect("claim").sign(timestamp)
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = montgomery, modpow, login, device
}
criterion_main!(benches);
