//! Baselines the engine is measured against: the same Cognito math written
//! plainly with num-bigint (A computed once), and a variable-time sliding
//! window on the engine's own Montgomery arithmetic.

#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognito_srp_auth::bench_api::{MontgomeryValue, montgomery_one};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use num_bigint::{BigInt, BigUint, Sign};
use sha2::{Digest, Sha256};

pub const N_HEX: &str = "\
FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437\
4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05\
98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B\
E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33\
A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864\
D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

pub fn n() -> BigUint {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N")
}

/// Deterministic filler bytes, so every run measures the same inputs.
pub fn bytes(len: usize, seed: u8) -> Vec<u8> {
    let mut state = u64::from(seed) | 0x9e37_79b9_7f4a_7c00;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// An exponent of exactly `bits` bits (top bit set).
pub fn exponent(bits: usize, seed: u8) -> Vec<u8> {
    let mut e = bytes(bits.div_ceil(8), seed);
    let top = (bits - 1) % 8;
    e[0] &= (1u16 << (top + 1)).wrapping_sub(1) as u8;
    e[0] |= 1 << top;
    e
}

pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}

fn pad(n: &BigUint) -> Vec<u8> {
    BigInt::from_biguint(Sign::Plus, n.clone()).to_signed_bytes_be()
}

/// A PASSWORD_VERIFIER challenge a server made for `user`/`password`.
pub struct Challenge {
    pub pool_id: &'static str,
    pub user_id: &'static str,
    pub password: &'static str,
    pub srp_b: String,
    pub salt: String,
    pub secret_block: String,
    pub timestamp: &'static str,
}

pub fn challenge() -> Challenge {
    let n = n();
    let g = BigUint::from(2u8);
    let k = BigUint::from_bytes_be(&sha256(&[&pad(&n), &pad(&g)]));
    let salt = BigUint::from_bytes_be(&bytes(16, 3));
    let x = BigUint::from_bytes_be(&sha256(&[&pad(&salt), &sha256(&[b"AbC123user-1:correct horse"])]));
    let v = g.modpow(&x, &n);
    let b = BigUint::from_bytes_be(&bytes(32, 4));
    let srp_b = (k * v + g.modpow(&b, &n)) % &n;
    Challenge {
        pool_id: "us-east-1_AbC123",
        user_id: "user-1",
        password: "correct horse",
        srp_b: srp_b.to_str_radix(16),
        salt: salt.to_str_radix(16),
        secret_block: STANDARD.encode(bytes(1024, 5)),
        timestamp: "Tue Jan 1 06:06:09 UTC 2019",
    }
}

/// The whole client computation with num-bigint's generic modpow, A once:
/// A, u, x, S, HKDF and the signature. Returns (SRP_A, signature).
pub fn num_bigint_login(a: &[u8], c: &Challenge) -> (String, String) {
    let n = n();
    let g = BigUint::from(2u8);
    let k = BigUint::from_bytes_be(&sha256(&[&pad(&n), &pad(&g)]));
    let a = BigUint::from_bytes_be(a);
    let a_public = g.modpow(&a, &n);
    let b_public = BigUint::parse_bytes(c.srp_b.as_bytes(), 16).expect("hex");
    let u = BigUint::from_bytes_be(&sha256(&[&pad(&a_public), &pad(&b_public)]));
    let pool_name = c.pool_id.split_once('_').expect("id").1;
    let salt = BigUint::parse_bytes(c.salt.as_bytes(), 16).expect("hex");
    let inner = sha256(&[format!("{pool_name}{}:{}", c.user_id, c.password).as_bytes()]);
    let x = BigUint::from_bytes_be(&sha256(&[&pad(&salt), &inner]));
    let base = (&b_public + &n - (&k * g.modpow(&x, &n)) % &n) % &n;
    let s = base.modpow(&(&a + &u * &x), &n);
    (a_public.to_str_radix(16), claim_signature(&pad(&s), &pad(&u), pool_name, c))
}

/// The key from padHex(S) and padHex(u), and the PASSWORD_CLAIM_SIGNATURE with it.
pub fn claim_signature(s_padded: &[u8], u_padded: &[u8], pool_name: &str, c: &Challenge) -> String {
    let mut key = [0u8; 16];
    Hkdf::<Sha256>::new(Some(u_padded), s_padded).expand(b"Caldera Derived Key", &mut key).expect("one block");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key");
    mac.update(pool_name.as_bytes());
    mac.update(c.user_id.as_bytes());
    mac.update(&STANDARD.decode(&c.secret_block).expect("Base64"));
    mac.update(c.timestamp.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Variable-time left-to-right sliding window (width 5) on the engine's own
/// Montgomery multiply and square: skips zero bits and uses the exponent's
/// bits as table indices. Only here, to price the constant-time path.
pub fn variable_time_pow(base: &[u8], exponent: &[u8]) -> [u8; 384] {
    const W: usize = 5;
    let b = MontgomeryValue::new(base);
    let b2 = b.sqr();
    // Odd powers b, b^3, ..., b^(2^W - 1).
    let mut odd = vec![b];
    for i in 1..(1 << (W - 1)) {
        odd.push(odd[i - 1].mul(&b2));
    }
    let bit = |i: usize| (exponent[exponent.len() - 1 - i / 8] >> (i % 8)) & 1 == 1;
    let mut acc = montgomery_one();
    let mut i = (8 * exponent.len()) as isize - 1;
    while i >= 0 {
        if !bit(i as usize) {
            acc = acc.sqr();
            i -= 1;
            continue;
        }
        // The longest window ending in a set bit.
        let mut low = (i - W as isize + 1).max(0);
        while !bit(low as usize) {
            low += 1;
        }
        let mut value = 0usize;
        for j in (low..=i).rev() {
            acc = acc.sqr();
            value = (value << 1) | usize::from(bit(j as usize));
        }
        acc = acc.mul(&odd[value >> 1]);
        i = low - 1;
    }
    acc.to_be_bytes()
}

/// The crate's own sign-in with a given private `a` (32 or 128 bytes).
pub fn engine_login(a: &[u8], c: &Challenge) -> String {
    use cognito_srp_auth::{
        Password, PasswordVerifierChallenge, PrivateExponentSize, SrpEphemeral, Timestamp, UserPoolId,
    };
    let size = if a.len() == 32 { PrivateExponentSize::Bits256 } else { PrivateExponentSize::Bits1024 };
    let ephemeral = SrpEphemeral::generate(&mut GivenBytes(a.to_vec()), size);
    let challenge =
        PasswordVerifierChallenge::new(&c.srp_b, &c.salt, &c.secret_block, c.user_id, c.user_id).expect("valid");
    let pool = UserPoolId::parse(c.pool_id).expect("id");
    let signer = ephemeral.answer_password_verifier(&pool, &Password::from(c.password), &challenge).expect("claim");
    signer.sign(c.timestamp.parse::<Timestamp>().expect("timestamp")).signature().to_owned()
}

/// A "random" source that hands out the given bytes.
pub struct GivenBytes(pub Vec<u8>);

impl rand_core::TryRng for GivenBytes {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_be_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_be_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        assert!(dst.len() <= self.0.len(), "not enough bytes given");
        let rest = self.0.split_off(dst.len());
        dst.copy_from_slice(&self.0);
        self.0 = rest;
        Ok(())
    }
}

impl rand_core::TryCryptoRng for GivenBytes {}
