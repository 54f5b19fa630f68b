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

/// The client computation of `support::num_bigint_login`, with GMP's `mpz_powm`.
pub fn gmp_login(a: &[u8], c: &support::Challenge) -> (String, String) {
    let n = Integer::from_str_radix(support::N_HEX, 16).expect("N");
    let g = Integer::from(2);
    let k = Integer::from_digits(&sha256(&[&pad(&n), &pad(&g)]), Order::Msf);
    let a = Integer::from_digits(a, Order::Msf);
    let a_public = g.clone().pow_mod(&a, &n).expect("powm");
    let b_public = Integer::from_str_radix(&c.srp_b, 16).expect("hex");
    let u = Integer::from_digits(&sha256(&[&pad(&a_public), &pad(&b_public)]), Order::Msf);
    let pool_name = c.pool_id.split_once('_').expect("id").1;
    let salt = Integer::from_str_radix(&c.salt, 16).expect("hex");
    let inner = sha256(&[format!("{pool_name}{}:{}", c.user_id, c.password).as_bytes()]);
    let x = Integer::from_digits(&sha256(&[&pad(&salt), &inner]), Order::Msf);
    let g_x = g.pow_mod(&x, &n).expect("powm");
    let base = (b_public - k * g_x).rem_euc(&n);
    let s = base.pow_mod(&(a + u.clone() * x), &n).expect("powm");
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
