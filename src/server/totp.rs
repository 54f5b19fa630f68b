//! RFC 6238 time-based one-time passwords (HMAC-SHA1, 30-second steps, six
//! digits), as authenticator apps and Cognito's SOFTWARE_TOKEN_MFA use them.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::timestamp::Timestamp;

const STEP_SECONDS: i64 = 30;
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 Base32 without padding, as `SecretCode` is written.
pub(crate) fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

pub(super) fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.trim_end_matches('=').bytes() {
        let value = ALPHABET.iter().position(|&a| a == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The code for one 30-second step.
fn code_at(secret: &[u8], step: i64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0xf);
    let word =
        u32::from_be_bytes([digest[offset], digest[offset + 1], digest[offset + 2], digest[offset + 3]]) & 0x7fff_ffff;
    format!("{:06}", word % 1_000_000)
}

/// The current code for a Base32 secret (`AssociateSoftwareToken`'s
/// `SecretCode`): what an authenticator app shows at `now`. `None` if the
/// secret is not Base32.
pub fn totp(secret_code: &str, now: Timestamp) -> Option<String> {
    Some(code_at(&base32_decode(secret_code)?, now.unix_seconds().div_euclid(STEP_SECONDS)))
}

/// Whether `code` is the code for `now` or one step either side (clock drift).
pub(crate) fn verify(secret: &[u8], code: &str, now: Timestamp) -> bool {
    let step = now.unix_seconds().div_euclid(STEP_SECONDS);
    let mut matched = subtle::Choice::from(0);
    for drift in -1..=1 {
        matched |= subtle::ConstantTimeEq::ct_eq(code_at(secret, step + drift).as_bytes(), code.as_bytes());
    }
    matched.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B, SHA1 key "12345678901234567890", last six digits.
        let secret = b"12345678901234567890";
        for (seconds, code) in
            [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")]
        {
            assert_eq!(code_at(secret, seconds / STEP_SECONDS), code, "{seconds}");
        }
    }

    #[test]
    fn base32_round_trips() {
        assert_eq!(base32(b"12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").as_deref(), Some(&b"12345678901234567890"[..]));
        let now = Timestamp::from_unix_seconds(59).expect("in range");
        assert_eq!(totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", now).as_deref(), Some("287082"));
        assert!(verify(b"12345678901234567890", "287082", now));
        assert!(!verify(b"12345678901234567890", "287083", now));
    }
}
