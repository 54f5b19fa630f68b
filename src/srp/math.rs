//! Cognito's SRP-6a formulas, one function each, over N, g and k of
//! [`crate::group`]. `PROTOCOL.md`'s notation: `H` is SHA-256, `||` byte
//! concatenation, and integers enter hashes as their `padHex` bytes.

use hmac::{Hmac, KeyInit, Mac};
use num_bigint::{BigInt, BigUint, Sign};
use num_traits::Zero;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::encoding::{decode_base64, encode_base64, pad_hex, parse_hex};
use crate::error::{Defect, Error};
use crate::group::{K, N_BYTES};
use crate::modpow::{Exponent, Residue, pow, pow_g};

/// The HKDF `info` Cognito's key derivation uses.
const DERIVED_KEY_INFO: &[u8] = b"Caldera Derived Key";

/// SRP_B, the server's public ephemeral value: `0 < B < N`.
#[derive(Clone)]
pub(crate) struct ServerPublicKey(Residue);

impl ServerPublicKey {
    /// Parses `SRP_B`: bare hex (odd length allowed). Rejects `B ≡ 0 mod N`
    /// (the attack RFC 5054 section 2.5.4 guards against) and any `B ≥ N`,
    /// which a conforming server never sends.
    pub(crate) fn parse(hex: &str) -> Result<Self, Error> {
        const NAME: &str = "SRP_B";
        let bytes = parse_hex(NAME, hex)?;
        // Public value: variable-time big-integer checks are fine here.
        let b = BigUint::from_bytes_be(&bytes);
        let n = BigUint::from_bytes_be(&N_BYTES);
        if (&b % &n).is_zero() {
            return Err(Error::invalid(NAME, Defect::ZeroModN));
        }
        Residue::from_be_bytes(&bytes).map(ServerPublicKey).ok_or(Error::invalid(NAME, Defect::NotBelowN))
    }

    pub(crate) fn residue(&self) -> &Residue {
        &self.0
    }
}

/// The `SALT` challenge parameter, held as the bytes `padHex` gives for it.
///
/// Cognito's salt is a hex *number*: the reference client parses it into a
/// big integer and re-encodes it, so a leading `00` byte may vanish, and a
/// leading `-` (seen from the service) makes it negative, hashed in minimal
/// two's complement. Hashing the string as received gets both wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Salt(Vec<u8>);

impl Salt {
    /// Parses `SALT`: optional `-`, then bare hex.
    pub(crate) fn parse(hex: &str) -> Result<Self, Error> {
        const NAME: &str = "SALT";
        let (sign, digits) = match hex.strip_prefix('-') {
            Some("") => return Err(Error::invalid(NAME, Defect::NotHex)),
            Some(digits) => (Sign::Minus, digits),
            None => (Sign::Plus, hex),
        };
        let magnitude = parse_hex(NAME, digits)?;
        Ok(Salt(BigInt::from_bytes_be(sign, &magnitude).to_signed_bytes_be()))
    }

    /// The salt for random bytes, as a new device's verifier uses it.
    pub(crate) fn from_unsigned_bytes(bytes: &[u8]) -> Self {
        Salt(pad_hex(bytes))
    }

    /// The `padHex` bytes that enter x.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// `SECRET_BLOCK`: opaque Base64 from the server, echoed back as
/// `PASSWORD_CLAIM_SECRET_BLOCK` and signed as decoded bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SecretBlock {
    text: String,
    bytes: Vec<u8>,
}

impl SecretBlock {
    pub(crate) fn parse(text: &str) -> Result<Self, Error> {
        let bytes = decode_base64("SECRET_BLOCK", text)?;
        Ok(SecretBlock { text: text.to_owned(), bytes })
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// `u = H(padHex(A) || padHex(B))`.
pub(crate) fn compute_u(a: &Residue, b: &Residue) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(pad_hex(&a.to_be_bytes()));
    h.update(pad_hex(&b.to_be_bytes()));
    h.finalize().into()
}

/// `x = H(padHex(salt) || H(prefix || id || ":" || password))`, with
/// `prefix, id` = `poolName, USER_ID_FOR_SRP` for a user and
/// `DeviceGroupKey, DeviceKey` for a device.
///
/// The inner hash is password-equivalent and x is the password verifier's
/// exponent: both are written straight into wiped buffers (no unwiped
/// `finalize()` temporary), and the hash states that absorbed the password
/// wipe themselves (sha2's `zeroize` feature).
pub(crate) fn compute_x(salt: &Salt, prefix: &str, id: &str, password: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut inner = Sha256::new();
    inner.update(prefix.as_bytes());
    inner.update(id.as_bytes());
    inner.update(b":");
    inner.update(password);
    let mut inner_hash = Zeroizing::new([0u8; 32]);
    inner.finalize_into((&mut *inner_hash).into());
    let mut outer = Sha256::new();
    outer.update(salt.as_bytes());
    outer.update(inner_hash.as_slice());
    let mut x = Zeroizing::new([0u8; 32]);
    outer.finalize_into((&mut *x).into());
    x
}

/// The multiplier k as a residue.
pub(crate) fn k() -> Residue {
    Residue::from_be_bytes(&K).unwrap_or_else(|| unreachable!("k < N"))
}

/// `S = (B - k·g^x)^(a + u·x) mod N`, the non-negative residue.
///
/// g^x and k·g^x are the password verifier and a multiple of it (either lets
/// anyone guess the password offline), `B - k·g^x` is the server's `g^b`:
/// each is held in a wiped residue, never as a bare temporary.
pub(crate) fn compute_s(a: &Exponent, b: &ServerPublicKey, x: &[u8; 32], u: &[u8; 32]) -> Zeroizing<Residue> {
    let g_x = Zeroizing::new(pow_g(&exponent_256(x)));
    let k_g_x = Zeroizing::new(k().mul(&g_x));
    let base = Zeroizing::new(b.residue().sub(&k_g_x));
    Zeroizing::new(pow(&base, &a.add_product(u, x)))
}

/// A 256-bit hash as an exponent.
pub(crate) fn exponent_256(bytes: &[u8; 32]) -> Exponent {
    Exponent::from_be_bytes(bytes).unwrap_or_else(|| unreachable!("32 bytes fit"))
}

/// The 16-byte key: HKDF-SHA256 with IKM = padHex(S), salt = padHex(u),
/// info = "Caldera Derived Key".
///
/// Written out as RFC 5869's two HMACs (extract: `PRK = HMAC(salt, IKM)`;
/// expand, one block: `T(1) = HMAC(PRK, info || 0x01)`, truncated) because
/// the `hkdf` crate leaves the PRK and the full `T(1)` in unwiped arrays.
/// Here both stay in `CtOutput`s, which wipe themselves on drop (digest's
/// `zeroize` feature), as do the HMAC states; S's bytes sit in wiped buffers.
/// The known-answer vectors and `tests/properties.rs` (against the `hkdf`
/// crate) pin the result.
pub(crate) fn derive_key(s: &Residue, u: &[u8; 32]) -> Zeroizing<[u8; 16]> {
    let s_bytes = Zeroizing::new(s.to_be_bytes());
    let ikm = Zeroizing::new(pad_hex(s_bytes.as_slice()));
    let mut extract = hmac_sha256(&pad_hex(u));
    extract.update(&ikm);
    let prk = extract.finalize();
    let mut expand = hmac_sha256(prk.as_bytes());
    expand.update(DERIVED_KEY_INFO);
    expand.update(&[1]);
    let block = expand.finalize();
    let mut key = Zeroizing::new([0u8; 16]);
    key.copy_from_slice(&block.as_bytes()[..16]);
    key
}

fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"))
}

/// `PASSWORD_CLAIM_SIGNATURE = Base64(HMAC-SHA256(key, prefix || id || SECRET_BLOCK bytes || TIMESTAMP))`.
pub(crate) fn sign(key: &[u8; 16], prefix: &str, id: &str, secret_block: &[u8], timestamp: &str) -> String {
    let mut mac = hmac_sha256(key);
    mac.update(prefix.as_bytes());
    mac.update(id.as_bytes());
    mac.update(secret_block);
    mac.update(timestamp.as_bytes());
    encode_base64(mac.finalize().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn salt_hex(s: &str) -> String {
        Salt::parse(s).expect("valid").as_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn salt_is_parsed_as_an_integer_and_re_encoded() {
        assert_eq!(salt_hex("abc"), "0abc", "odd length: implicit leading zero nibble");
        assert_eq!(salt_hex("0012"), "12", "leading 00 before a low byte vanishes");
        assert_eq!(salt_hex("0092"), "0092", "padHex puts the 00 back before a high byte");
        assert_eq!(salt_hex("92"), "0092");
        assert_eq!(salt_hex("0"), "00");
        assert_eq!(salt_hex("-0"), "00");
    }

    #[test]
    fn negative_salt_is_minimal_twos_complement() {
        // The examples of the vectors' README.
        assert_eq!(salt_hex("-14"), "ec");
        assert_eq!(salt_hex("-ec"), "ff14");
        assert_eq!(salt_hex("-abc"), "f544");
        assert_eq!(salt_hex("-80"), "80");
    }

    #[test]
    fn malformed_salts_are_rejected() {
        let defect = |s| match Salt::parse(s) {
            Err(Error::InvalidParameter { name: "SALT", defect }) => Some(defect),
            _ => None,
        };
        assert_eq!(defect(""), Some(Defect::Empty));
        assert_eq!(defect("-"), Some(Defect::NotHex));
        assert_eq!(defect("--12"), Some(Defect::NotHex));
        assert_eq!(defect("+12"), Some(Defect::NotHex));
        assert_eq!(defect("0x12"), Some(Defect::NotHex));
        assert_eq!(defect("1_2"), Some(Defect::NotHex));
        assert_eq!(defect(" 12"), Some(Defect::NotHex));
    }

    #[test]
    fn srp_b_zero_mod_n_and_not_below_n_are_rejected() {
        let n = BigUint::from_bytes_be(&N_BYTES);
        let hex = |v: &BigUint| v.to_str_radix(16);
        let defect = |s: &str| ServerPublicKey::parse(s).err();
        for multiple in [0u32, 1, 2, 3] {
            assert_eq!(defect(&hex(&(&n * multiple))), Some(Error::invalid("SRP_B", Defect::ZeroModN)));
        }
        assert_eq!(defect(&hex(&(&n + 5u32))), Some(Error::invalid("SRP_B", Defect::NotBelowN)));
        assert!(defect(&hex(&(&n - 1u32))).is_none());
        assert!(defect("1").is_none());
        assert!(defect("00000001").is_none(), "leading zeros are not significant");
        assert_eq!(defect("-1"), Some(Error::invalid("SRP_B", Defect::NotHex)));
    }
}
