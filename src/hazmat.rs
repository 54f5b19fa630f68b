//! Cognito's SRP formulas one step at a time, for known-answer tests and for
//! debugging an interop failure against another implementation.
//!
//! The sign-in types ([`SrpEphemeral`](crate::SrpEphemeral) and friends) are
//! built from these same functions. Values go in and out as plain bytes and
//! hex, so every intermediate value is visible: that includes secrets (x, S,
//! the derived key), which the returned arrays do **not** zeroize. Do not use
//! this module to sign in.
//!
//! Integers in and out are big-endian; hex inputs follow the wire rules
//! (bare hex, odd length allowed; `SALT` may be negative).

use crate::encoding::{self, parse_hex, to_minimal_hex};
use crate::error::{Defect, Error};
use crate::group::K;
use crate::modpow::{Exponent, Residue, pow_g};
use crate::srp::math::{self, Salt, SecretBlock, ServerPublicKey};

/// The SRP-6a multiplier `k = H(padHex(N) || padHex(g))`.
pub fn k() -> [u8; 32] {
    K
}

/// `padHex` of a non-negative integer, as bytes: minimal big-endian with a
/// `0x00` byte in front when the top bit is set.
pub fn pad_hex(integer: &[u8]) -> Vec<u8> {
    encoding::pad_hex(integer)
}

/// `SRP_A = g^a mod N` in minimal lowercase hex, for a private `a` of at
/// most 392 bytes.
pub fn srp_a(a: &[u8]) -> Result<String, Error> {
    let a = Exponent::from_be_bytes(a).ok_or(Error::invalid("a", Defect::TooLong))?;
    Ok(to_minimal_hex(&pow_g(&a).to_be_bytes()))
}

/// `u = H(padHex(A) || padHex(B))`, from the `SRP_A` and `SRP_B` hex.
pub fn u(srp_a: &str, srp_b: &str) -> Result<[u8; 32], Error> {
    let a = Residue::from_be_bytes(&parse_hex("SRP_A", srp_a)?).ok_or(Error::invalid("SRP_A", Defect::NotBelowN))?;
    Ok(math::compute_u(&a, ServerPublicKey::parse(srp_b)?.residue()))
}

/// `x = H(padHex(SALT) || H(prefix || id || ":" || password))`; `prefix, id`
/// are the pool name and `USER_ID_FOR_SRP`, or a device's group key and key.
pub fn x(salt: &str, prefix: &str, id: &str, password: &[u8]) -> Result<[u8; 32], Error> {
    Ok(*math::compute_x(&Salt::parse(salt)?, prefix, id, password))
}

/// The longest private `a` [`s`] takes: 384 bytes, the size of N. A longer
/// one buys nothing (exponents act modulo the group order), and the
/// exponent `a + u·x` must keep room for its carry.
pub const MAX_A_BYTES: usize = 384;

/// `S = (B - k·g^x)^(a + u·x) mod N`, as 384 big-endian bytes, for a private
/// `a` of at most [`MAX_A_BYTES`] bytes (longer: `InvalidParameter { name:
/// "a", defect: TooLong }`, never a wrong S).
pub fn s(a: &[u8], srp_b: &str, x: &[u8; 32], u: &[u8; 32]) -> Result<[u8; 384], Error> {
    if a.len() > MAX_A_BYTES {
        return Err(Error::invalid("a", Defect::TooLong));
    }
    let a = Exponent::from_be_bytes(a).ok_or(Error::invalid("a", Defect::TooLong))?;
    let b = ServerPublicKey::parse(srp_b)?;
    Ok(math::compute_s(&a, &b, x, u).to_be_bytes())
}

/// The 16-byte key: HKDF-SHA256(IKM = padHex(S), salt = padHex(u), info =
/// "Caldera Derived Key"). `s` must be below N.
pub fn derive_key(s: &[u8], u: &[u8; 32]) -> Result<[u8; 16], Error> {
    let s = Residue::from_be_bytes(s).ok_or(Error::invalid("S", Defect::NotBelowN))?;
    Ok(*math::derive_key(&s, u))
}

/// `PASSWORD_CLAIM_SIGNATURE` for a `SECRET_BLOCK` (Base64, as received) and a
/// `TIMESTAMP` string.
pub fn signature(key: &[u8; 16], prefix: &str, id: &str, secret_block: &str, timestamp: &str) -> Result<String, Error> {
    Ok(math::sign(key, prefix, id, SecretBlock::parse(secret_block)?.bytes(), timestamp))
}
