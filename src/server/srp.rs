//! The server's half of an SRP round, for the user's password and for a
//! device's.

use std::collections::HashMap;

use rand_core::CryptoRng;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::fault::{Fault, fault};
use super::random::random_bytes;
use crate::encoding::{decode_base64, encode_base64, parse_hex, to_minimal_hex};
use crate::modpow::{Exponent, Residue, pow, pow_g};
use crate::srp::math::{self, Salt};
use crate::timestamp::Timestamp;

/// How far a client's TIMESTAMP may be from the server clock.
const CLOCK_SKEW_SECONDS: i64 = 300;

/// The server's half of one SRP round.
pub(super) struct SrpRound {
    a: Residue,
    b: Exponent,
    /// `u = H(padHex(A) || padHex(B))`, kept instead of B itself.
    u: [u8; 32],
    verifier: Residue,
    secret_block: Vec<u8>,
}

impl SrpRound {
    /// `B = k·v + g^b` for a fresh 256-bit `b`, and a fresh SECRET_BLOCK;
    /// returns the round and the challenge parameters `SALT`, `SRP_B`,
    /// `SECRET_BLOCK`.
    pub(super) fn start<R: CryptoRng + ?Sized>(
        a: Residue,
        verifier: Residue,
        salt: &Salt,
        rng: &mut R,
    ) -> (Self, Value) {
        let b = Exponent::from_be_bytes(&random_bytes::<32, R>(rng)).unwrap_or_else(|| unreachable!("32 bytes fit"));
        let b_public = math::k().mul(&verifier).add(&pow_g(&b));
        let u = math::compute_u(&a, &b_public);
        let secret_block = random_bytes::<64, R>(rng).to_vec();
        let parameters = json!({
            "SALT": to_minimal_hex(salt.as_bytes()),
            "SRP_B": to_minimal_hex(&b_public.to_be_bytes()),
            "SECRET_BLOCK": encode_base64(&secret_block),
        });
        (SrpRound { a, b, u, verifier, secret_block }, parameters)
    }

    /// The client's public value `A` of the round.
    pub(super) fn client_public(&self) -> &Residue {
        &self.a
    }

    /// Whether `echoed` (Base64) is the round's SECRET_BLOCK, compared in constant time.
    pub(super) fn has_secret_block(&self, echoed: &str) -> bool {
        decode_base64("PASSWORD_CLAIM_SECRET_BLOCK", echoed).is_ok_and(|e| bool::from(e.ct_eq(&self.secret_block)))
    }

    /// Whether a verifier answer proves the password: SECRET_BLOCK echoed,
    /// TIMESTAMP exact and within the skew window, and the signature equal
    /// (in constant time) to `HMAC(key, prefix || id || SECRET_BLOCK || TIMESTAMP)`
    /// with the key from `S = (A · v^u)^b`.
    pub(super) fn accepts(&self, prefix: &str, id: &str, responses: &HashMap<String, String>, now: Timestamp) -> bool {
        let field = |name| responses.get(name).map(String::as_str).unwrap_or_default();
        let Ok(timestamp) = field("TIMESTAMP").parse::<Timestamp>() else { return false };
        if (timestamp.unix_seconds() - now.unix_seconds()).abs() > CLOCK_SKEW_SECONDS {
            return false;
        }
        let echoed =
            decode_base64("PASSWORD_CLAIM_SECRET_BLOCK", field("PASSWORD_CLAIM_SECRET_BLOCK")).unwrap_or_default();
        if !bool::from(echoed.ct_eq(&self.secret_block)) {
            return false;
        }
        let v_u = pow(&self.verifier, &math::exponent_256(&self.u));
        let s = pow(&self.a.mul(&v_u), &self.b);
        let key = math::derive_key(&s, &self.u);
        let expected = math::sign(&key, prefix, id, &self.secret_block, field("TIMESTAMP"));
        bool::from(expected.as_bytes().ct_eq(field("PASSWORD_CLAIM_SIGNATURE").as_bytes()))
    }
}

/// `SRP_A`: hex, below N and not zero.
pub(super) fn parse_srp_a(srp_a: Option<&String>) -> Result<Residue, Fault> {
    let invalid = || fault("InvalidParameterException", "SRP_A is invalid");
    let bytes = parse_hex("SRP_A", srp_a.ok_or_else(invalid)?).map_err(|_| invalid())?;
    Residue::from_be_bytes(&bytes).filter(|a| *a != Residue::zero()).ok_or_else(invalid)
}
