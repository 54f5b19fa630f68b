//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::convert::Infallible;

use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use num_bigint::{BigInt, BigUint, Sign};
use rand_core::{TryCryptoRng, TryRng};
use sha2::{Digest, Sha256};

/// A "random" source that replays chosen bytes, the way the reference
/// vectors were made: each draw takes the next bytes in order.
pub struct ReplayRng(VecDeque<u8>);

impl ReplayRng {
    pub fn new(bytes: impl IntoIterator<Item = u8>) -> Self {
        ReplayRng(bytes.into_iter().collect())
    }

    pub fn remaining(&self) -> usize {
        self.0.len()
    }
}

impl TryRng for ReplayRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_be_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_be_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        assert!(dst.len() <= self.0.len(), "replay source exhausted");
        for byte in dst {
            *byte = self.0.pop_front().expect("checked above");
        }
        Ok(())
    }
}

impl TryCryptoRng for ReplayRng {}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Minimal lowercase hex of a big-endian integer, as the vectors write integers.
pub fn minimal_hex(bytes: &[u8]) -> String {
    match hex(bytes).trim_start_matches('0') {
        "" => "0".to_owned(),
        digits => digits.to_owned(),
    }
}

/// Big-endian bytes of a hex integer of any length (odd allowed).
pub fn unhex(hex: &str) -> Vec<u8> {
    let padded = if hex.len() % 2 == 1 { format!("0{hex}") } else { hex.to_owned() };
    (0..padded.len()).step_by(2).map(|i| u8::from_str_radix(&padded[i..i + 2], 16).expect("hex")).collect()
}

/// The private `a` of a vector: 128 random bytes, big-endian.
pub fn private_a_bytes(a_hex: &str) -> Vec<u8> {
    let a = unhex(a_hex);
    assert!(a.len() <= 128, "a is drawn from 128 bytes");
    let mut bytes = vec![0u8; 128 - a.len()];
    bytes.extend(a);
    bytes
}

const N_HEX: &str = "\
FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437\
4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05\
98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B\
E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33\
A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864\
D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

/// The server's half of SRP-6a, written from the protocol notes with
/// num-bigint: nothing here calls the crate's arithmetic.
pub struct Server {
    pub n: BigUint,
    pub g: BigUint,
    pub k: BigUint,
}

impl Server {
    pub fn new() -> Self {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N");
        let g = BigUint::from(2u8);
        let k = BigUint::from_bytes_be(&sha256(&[&pad(&n), &pad(&g)]));
        Server { n, g, k }
    }

    pub fn x(&self, salt: &BigUint, prefix: &str, id: &str, password: &str) -> BigUint {
        let inner = sha256(&[format!("{prefix}{id}:{password}").as_bytes()]);
        BigUint::from_bytes_be(&sha256(&[&pad(salt), &inner]))
    }

    /// (B, S, u) for verifier v, server secret b and the client's A.
    pub fn session(&self, v: &BigUint, b: &BigUint, a_public: &BigUint) -> (BigUint, BigUint, BigUint) {
        let b_public = (&self.k * v + self.g.modpow(b, &self.n)) % &self.n;
        let u = BigUint::from_bytes_be(&sha256(&[&pad(a_public), &pad(&b_public)]));
        let s = (a_public * v.modpow(&u, &self.n)).modpow(b, &self.n);
        (b_public, s, u)
    }
}

pub fn sha256(parts: &[&[u8]]) -> Vec<u8> {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().to_vec()
}

/// padHex: Java's `BigInteger.toByteArray()` for a non-negative integer.
pub fn pad(n: &BigUint) -> Vec<u8> {
    BigInt::from_biguint(Sign::Plus, n.clone()).to_signed_bytes_be()
}

pub fn expected_signature(
    s: &BigUint,
    u: &BigUint,
    prefix: &str,
    id: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> String {
    let mut key = [0u8; 16];
    Hkdf::<Sha256>::new(Some(&pad(u)), &pad(s)).expand(b"Caldera Derived Key", &mut key).expect("16 bytes");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key");
    for part in [prefix.as_bytes(), id.as_bytes(), secret_block, timestamp.as_bytes()] {
        mac.update(part);
    }
    base64_encode(&mac.finalize().into_bytes())
}

pub fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
