//! Repeats one client sign-in computation, for instruction counts under
//! callgrind (`BENCHMARKS.md` says how):
//! `login-once IMPLEMENTATION BITS REPEATS` with IMPLEMENTATION one of
//! `engine`, `gmp`, `gmp-sec` (`mpz_powm_sec`), `num-bigint`,
//! `aws-cognito-srp`, or `pow-ct` / `pow-vt` for one exponentiation of BITS
//! bits (constant-time or variable-time window). `engine`, `pow-ct` and
//! `pow-vt` take a kernel after a colon (`engine:portable`); without one the
//! engine's own choice runs.
//! Instructions per sign-in = (count at 3 repeats - count at 1) / 2, which
//! leaves out start-up and the engine's one-time table.

use cognito_srp_auth::bench_api;
use cognito_srp_auth_peers::support;
use cognito_srp_auth_peers::{Powm, aws_cognito_srp_login, gmp_login, gmp_login_with};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (which, kernel) = match args.first().map_or("engine", String::as_str).split_once(':') {
        Some((which, name)) => {
            let kernel = bench_api::kernels().into_iter().find(|k| k.name() == name);
            (which.to_owned(), kernel.unwrap_or_else(|| panic!("kernel {name} does not run on this CPU")))
        }
        None => (args.first().map_or("engine", String::as_str).to_owned(), bench_api::selected_kernel()),
    };
    let bits: usize = args.get(1).map_or(1024, |b| b.parse().expect("bits"));
    let repeats: usize = args.get(2).map_or(1, |r| r.parse().expect("repeats"));
    let challenge = support::challenge();
    let a = support::bytes(bits / 8, 11);
    for _ in 0..repeats {
        let signature = kernel.run(|| match which.as_str() {
            "engine" => support::engine_login(&a, &challenge),
            "gmp" => gmp_login(&a, &challenge).1,
            "gmp-sec" => gmp_login_with(Powm::Secure, &a, &challenge).1,
            "num-bigint" => support::num_bigint_login(&a, &challenge).1,
            "aws-cognito-srp" => aws_cognito_srp_login(&challenge),
            // One exponentiation with a random base: the engine's constant-time
            // window, or the variable-time sliding window on the same arithmetic.
            "pow-ct" => format!(
                "{:?}",
                cognito_srp_auth::bench_api::pow(&support::bytes(384, 1), &support::exponent(bits, 2)).expect("fits")
                    [0]
            ),
            "pow-vt" => {
                format!("{:?}", support::variable_time_pow(&support::bytes(384, 1), &support::exponent(bits, 2))[0])
            }
            other => panic!("unknown implementation {other}"),
        });
        std::hint::black_box(signature);
    }
}
