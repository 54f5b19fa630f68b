//! The peers the engine is compared with: the same client computation with
//! GMP's `mpz_powm` (via rug), and the aws-cognito-srp crate's sign-in.

#[path = "../../support/mod.rs"]
pub mod support;

use std::hint::black_box;

use rug::Integer;
use rug::integer::Order;
use rug::ops::RemRounding;
use support::sha256;

/// padHex for a non-negative rug integer.
fn pad(n: &Integer) -> Vec<u8> {
    let mut bytes = n.to_digits::<u8>(Order::Msf);
    if bytes.first().is_none_or(|&b| b >= 0x80) {
        bytes.insert(0, 0);
    }
    bytes
}

/// GMP's modular exponentiation: `mpz_powm`, or `mpz_powm_sec` (its
/// side-channel-silent variant) when `secure`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Powm {
    /// `mpz_powm`: sliding window, variable time.
    Fast,
    /// `mpz_powm_sec`: fixed window, constant time.
    Secure,
}

impl Powm {
    fn pow(self, base: Integer, e: &Integer, n: &Integer) -> Integer {
        match self {
            Powm::Fast => base.pow_mod(e, n).expect("powm"),
            Powm::Secure => base.secure_pow_mod(e, n),
        }
    }
}

/// The client computation of `support::num_bigint_login`, with GMP's `mpz_powm`.
pub fn gmp_login(a: &[u8], c: &support::Challenge) -> (String, String) {
    gmp_login_with(Powm::Fast, a, c)
}

/// The client computation with either GMP exponentiation.
pub fn gmp_login_with(powm: Powm, a: &[u8], c: &support::Challenge) -> (String, String) {
    let n = Integer::from_str_radix(support::N_HEX, 16).expect("N");
    let g = Integer::from(2);
    let k = Integer::from_digits(&sha256(&[&pad(&n), &pad(&g)]), Order::Msf);
    let a = Integer::from_digits(a, Order::Msf);
    let a_public = powm.pow(g.clone(), &a, &n);
    let b_public = Integer::from_str_radix(&c.srp_b, 16).expect("hex");
    let u = Integer::from_digits(&sha256(&[&pad(&a_public), &pad(&b_public)]), Order::Msf);
    let pool_name = c.pool_id.split_once('_').expect("id").1;
    let salt = Integer::from_str_radix(&c.salt, 16).expect("hex");
    let inner = sha256(&[format!("{pool_name}{}:{}", c.user_id, c.password).as_bytes()]);
    let x = Integer::from_digits(&sha256(&[&pad(&salt), &inner]), Order::Msf);
    let g_x = powm.pow(g, &x, &n);
    let base = (b_public - k * g_x).rem_euc(&n);
    let s = powm.pow(base, &(a + u.clone() * x), &n);
    (a_public.to_string_radix(16), support::claim_signature(&pad(&s), &pad(&u), pool_name, c))
}

/// aws-cognito-srp's sign-in: SRP_A for InitiateAuth, then the verifier
/// answer (which computes A again). Its own random a, its own clock.
pub fn aws_cognito_srp_login(c: &support::Challenge) -> String {
    use aws_cognito_srp::{SrpClient, User};
    let client = SrpClient::new(User::new(c.pool_id, c.user_id, c.password), "client-id", None);
    let _ = black_box(client.get_auth_parameters());
    client.verify(&c.secret_block, c.user_id, &c.salt, &c.srp_b).expect("verifies").password_claim_signature
}

/// The server's half of a sign-in with GMP, as `bench_api::server_session`
/// does it: `B = k·v + g^b`, `u = H(A, B)`, `S = (A · v^u)^b`.
pub fn gmp_server_session(powm: Powm, verifier: &[u8], srp_a: &[u8], b: &[u8; 32]) -> (Vec<u8>, Vec<u8>) {
    let n = Integer::from_str_radix(support::N_HEX, 16).expect("N");
    let g = Integer::from(2);
    let k = Integer::from_digits(&sha256(&[&pad(&n), &pad(&g)]), Order::Msf);
    let v = Integer::from_digits(verifier, Order::Msf) % &n;
    let a_public = Integer::from_digits(srp_a, Order::Msf) % &n;
    let b = Integer::from_digits(b, Order::Msf);
    let b_public = (k * &v + powm.pow(g, &b, &n)) % &n;
    let u = Integer::from_digits(&sha256(&[&pad(&a_public), &pad(&b_public)]), Order::Msf);
    let s = powm.pow((a_public * powm.pow(v, &u, &n)) % &n, &b, &n);
    let fixed = |x: &Integer| {
        let digits = x.to_digits::<u8>(Order::Msf);
        let mut out = vec![0u8; 384 - digits.len()];
        out.extend(digits);
        out
    };
    (fixed(&b_public), fixed(&s))
}
