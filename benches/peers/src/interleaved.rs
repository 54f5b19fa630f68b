//! Every implementation of one computation timed round-robin in one
//! process: each round takes one sample of each (in a rotating order), the
//! ratio to the group's reference is taken within the round, and the table
//! reports medians of those per-round ratios. A noisy neighbour then slows
//! both sides of a ratio alike. `interleaved [ROUNDS]` (default 31); pin it
//! with `taskset -c 1` for steadier figures.

use std::hint::black_box;
use std::time::Instant;

use cognito_srp_auth::bench_api;
use cognito_srp_auth_peers::support;
use cognito_srp_auth_peers::{Powm, aws_cognito_srp_login, gmp_login_with, gmp_server_session};

/// One implementation of the group's computation.
struct Entry<'a> {
    name: String,
    run: Box<dyn FnMut() + 'a>,
}

fn entry<'a>(name: impl Into<String>, mut f: impl FnMut() -> Box<dyn std::any::Any> + 'a) -> Entry<'a> {
    Entry { name: name.into(), run: Box::new(move || drop(black_box(f()))) }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 }
}

/// Times every entry `rounds` times round-robin and prints the medians of
/// time and of the per-round ratio to `entries[reference]`, then a row for
/// the IFMA kernel if it could not run.
fn group(title: &str, rounds: usize, reference: usize, mut entries: Vec<Entry<'_>>) {
    for e in entries.iter_mut() {
        (e.run)(); // warm-up: tables, caches, the comb's one-time build
    }
    let count = entries.len();
    let mut times = vec![Vec::with_capacity(rounds); count];
    for round in 0..rounds {
        let mut sample = vec![0.0; count];
        for step in 0..count {
            let i = (round + step) % count;
            let start = Instant::now();
            (entries[i].run)();
            sample[i] = start.elapsed().as_secs_f64() * 1e3;
        }
        for (t, s) in times.iter_mut().zip(sample) {
            t.push(s);
        }
    }
    println!("\n### {title}\n");
    println!("| implementation | median ms | median ratio to {} |", entries[reference].name);
    println!("|---|---|---|");
    for (i, e) in entries.iter().enumerate() {
        let mut ratios: Vec<f64> = times[i].iter().zip(&times[reference]).map(|(t, r)| t / r).collect();
        let ms = median(&mut times[i].clone());
        println!("| {} | {:.3} | {:.3} |", e.name, ms, median(&mut ratios));
    }
    if let Some(why) = bench_api::ifma_missing() {
        println!("| engine, ifma | not run: {why} | — |");
    }
}

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(31, |r| r.parse().expect("rounds"));
    // Emulations are for tests: timing one says nothing about a CPU.
    let kernels: Vec<_> = bench_api::kernels().into_iter().filter(|k| !k.is_emulation()).collect();
    println!(
        "kernels: {} (selected: {}); {rounds} rounds",
        kernels.iter().map(|k| k.name()).collect::<Vec<_>>().join(", "),
        bench_api::selected_kernel().name()
    );
    let challenge = &support::challenge();
    let a = &support::bytes(128, 11);
    let expected = gmp_login_with(Powm::Fast, a, challenge).1;
    for kernel in &kernels {
        assert_eq!(kernel.run(|| support::engine_login(a, challenge)), expected, "{} agrees with GMP", kernel.name());
    }
    assert_eq!(gmp_login_with(Powm::Secure, a, challenge).1, expected, "mpz_powm_sec agrees");

    for bytes in [128, 32] {
        let a = &a[..bytes];
        let mut entries = vec![
            entry("GMP mpz_powm", move || Box::new(gmp_login_with(Powm::Fast, a, challenge))),
            entry("GMP mpz_powm_sec", move || Box::new(gmp_login_with(Powm::Secure, a, challenge))),
        ];
        entries.extend(kernels.iter().map(|&k| {
            entry(format!("engine, {}", k.name()), move || Box::new(k.run(|| support::engine_login(a, challenge))))
        }));
        entries.push(entry("num-bigint (A once)", move || Box::new(support::num_bigint_login(a, challenge))));
        if bytes == 128 {
            entries.push(entry("aws-cognito-srp 0.2.6 (A twice)", move || Box::new(aws_cognito_srp_login(challenge))));
        }
        group(&format!("Client sign-in, {}-bit `a`", 8 * bytes), rounds, 0, entries);
    }

    let verifier = &support::bytes(384, 21);
    let srp_a = &support::bytes(384, 22);
    let b: &[u8; 32] = &support::bytes(32, 23).try_into().expect("32");
    let gmp = gmp_server_session(Powm::Fast, verifier, srp_a, b);
    for kernel in &kernels {
        let (bp, s) = kernel.run(|| bench_api::server_session(verifier, srp_a, b));
        assert_eq!((bp.to_vec(), s.to_vec()), gmp, "{} server session agrees with GMP", kernel.name());
    }
    let mut entries = vec![
        entry("GMP mpz_powm", move || Box::new(gmp_server_session(Powm::Fast, verifier, srp_a, b))),
        entry("GMP mpz_powm_sec", move || Box::new(gmp_server_session(Powm::Secure, verifier, srp_a, b))),
    ];
    entries.extend(kernels.iter().map(|&k| {
        entry(format!("engine, {}", k.name()), move || {
            Box::new(k.run(|| bench_api::server_session(verifier, srp_a, b)))
        })
    }));
    group("Server side of one verified sign-in (B, u, S; 256-bit b)", rounds, 0, entries);

    let base = &support::bytes(384, 1);
    for bits in [256, 1025] {
        let e = &support::exponent(bits, 2);
        for &k in &kernels {
            let entries = vec![
                entry(format!("{}, variable time", k.name()), move || {
                    Box::new(k.run(|| support::variable_time_pow(base, e)))
                }),
                entry(format!("{}, constant time", k.name()), move || Box::new(k.pow(base, e))),
            ];
            group(&format!("Exponentiation on {}, random base, {bits}-bit exponent", k.name()), rounds, 0, entries);
        }
    }
    // Kernel-level: one Montgomery multiply and square, 200 at a time.
    let x = bench_api::MontgomeryValue::new(&support::bytes(384, 7));
    let mut entries = Vec::new();
    for &k in &kernels {
        entries.push(entry(format!("{}, 200 multiplies", k.name()), move || {
            Box::new(k.run(|| (0..200).fold(x, |acc, _| acc.mul(&x)).to_be_bytes()))
        }));
        entries.push(entry(format!("{}, 200 squares", k.name()), move || {
            Box::new(k.run(|| (0..200).fold(x, |acc, _| acc.sqr()).to_be_bytes()))
        }));
    }
    group("Montgomery operations (3072-bit)", rounds, 0, entries);
}
