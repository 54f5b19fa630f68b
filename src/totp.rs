//! Time-based one-time passwords (RFC 6238) as Cognito's
//! `SOFTWARE_TOKEN_MFA` uses them: HMAC-SHA1, 30-second steps, six digits.
//!
//! An authenticator app is given AssociateSoftwareToken's `SecretCode`
//! (Base32) once and shows a new code every 30 seconds. This module computes
//! those codes, so a test, a script or a service account can answer
//! `SOFTWARE_TOKEN_MFA` against a real user pool without the embedded
//! server (feature `totp`, which `server` also enables).
//!
//! ```
//! use cognito_srp_auth::totp::SharedSecret;
//! use cognito_srp_auth::{SecretCode, Timestamp};
//!
//! # fn main() -> Result<(), cognito_srp_auth::Error> {
//! // RFC 6238 appendix B: the key "12345678901234567890" in Base32.
//! let secret = SharedSecret::from_secret_code(&SecretCode::from("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))?;
//! let at = Timestamp::from_unix_seconds(59).expect("in range");
//! assert_eq!(secret.code_at(at), "287082");
//! assert!(secret.verify("287082", at));
//! # Ok(())
//! # }
//! ```

use core::fmt;

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::error::{Defect, Error};
use crate::secret::SecretCode;
use crate::timestamp::Timestamp;

/// RFC 6238's time step X, as Cognito and every authenticator app use it.
const STEP_SECONDS: i64 = 30;

/// How many steps either side of now a code is still accepted, for clock
/// drift between the app and the verifier (RFC 6238 section 5.2).
const DRIFT_STEPS: i64 = 1;

/// The key an authenticator app and the user pool share (RFC 6238's K):
/// the bytes `SecretCode` encodes. Zeroized on drop, redacted in `Debug`;
/// it has no `Display` and no `PartialEq`, so it cannot be logged or compared
/// in variable time by accident.
#[derive(Clone)]
pub struct SharedSecret(Zeroizing<Vec<u8>>);

impl SharedSecret {
    /// The key a `SecretCode` encodes: RFC 4648 Base32, read as
    /// authenticator apps read it (lower case, spaces and `=` padding
    /// accepted).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `SecretCode`: [`Defect::Empty`]
    /// for no key bytes, [`Defect::NotBase32`] for anything else that is
    /// not Base32.
    pub fn from_secret_code(secret_code: &SecretCode) -> Result<Self, Error> {
        let text = secret_code.expose_secret();
        // Zeroizing from the first copy; ASCII upper-casing keeps the length,
        // so the buffer is never reallocated (which would leave a copy behind).
        let mut canonical = Zeroizing::new(String::with_capacity(text.len()));
        canonical.extend(text.chars().filter(|c| *c != ' ').map(|c| c.to_ascii_uppercase()));
        let key = Zeroizing::new(
            BASE32_NOPAD
                .decode(canonical.trim_end_matches('=').as_bytes())
                .map_err(|_| Error::invalid("SecretCode", Defect::NotBase32))?,
        );
        Self::from_key(key)
    }

    /// A key given as bytes (RFC 6238's test vectors, a seed from another
    /// store).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `SecretCode` with
    /// [`Defect::Empty`] for an empty key.
    pub fn from_bytes(key: impl Into<Vec<u8>>) -> Result<Self, Error> {
        Self::from_key(Zeroizing::new(key.into()))
    }

    fn from_key(key: Zeroizing<Vec<u8>>) -> Result<Self, Error> {
        if key.is_empty() {
            return Err(Error::invalid("SecretCode", Defect::Empty));
        }
        Ok(SharedSecret(key))
    }

    /// The raw key, for the embedded server, which stores it as bytes.
    #[cfg(feature = "server")]
    pub(crate) fn key(&self) -> &[u8] {
        &self.0
    }

    /// The key as `SecretCode` text (unpadded upper-case Base32), to load
    /// into an authenticator app.
    pub fn secret_code(&self) -> SecretCode {
        SecretCode::new(BASE32_NOPAD.encode(&self.0))
    }

    /// The six-digit code an authenticator app shows at `now`.
    pub fn code_at(&self, now: Timestamp) -> String {
        code_at(&self.0, step(now))
    }

    /// Whether `code` is the code for `now` or for one step either side
    /// (clock drift), compared in constant time.
    pub fn verify(&self, code: &str, now: Timestamp) -> bool {
        verify(&self.0, code, now)
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedSecret(<redacted>)")
    }
}

/// The current code for a Base32 `SecretCode`: what an authenticator app
/// shows at `now`. `None` if the text is not Base32; see
/// [`SharedSecret::from_secret_code`] for the typed error.
pub fn totp(secret_code: &str, now: Timestamp) -> Option<String> {
    let secret = SharedSecret::from_secret_code(&SecretCode::from(secret_code)).ok()?;
    Some(secret.code_at(now))
}

/// RFC 4648 Base32 without padding, as `SecretCode` is written (for the
/// server, which keeps the raw key).
#[cfg(feature = "server")]
pub(crate) fn base32(key: &[u8]) -> String {
    BASE32_NOPAD.encode(key)
}

/// [`SharedSecret::verify`] over the raw key the server stores.
pub(crate) fn verify(key: &[u8], code: &str, now: Timestamp) -> bool {
    let step = step(now);
    let mut matched = Choice::from(0);
    for drift in -DRIFT_STEPS..=DRIFT_STEPS {
        let expected = Zeroizing::new(code_at(key, step.saturating_add(drift)));
        matched |= expected.as_bytes().ct_eq(code.as_bytes());
    }
    matched.into()
}

/// RFC 6238's T: whole steps since the Unix epoch.
fn step(now: Timestamp) -> i64 {
    now.unix_seconds().div_euclid(STEP_SECONDS)
}

/// RFC 4226's HOTP(K, T) with six digits: dynamic truncation of
/// HMAC-SHA1(K, T as 8 big-endian bytes).
fn code_at(key: &[u8], step: i64) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else { unreachable!("HMAC takes a key of any length") };
    mac.update(&step.to_be_bytes());
    let digest: [u8; 20] = mac.finalize().into_bytes().into();
    let offset = usize::from(digest[19] & 0x0f);
    let mut word = [0u8; 4];
    word.copy_from_slice(&digest[offset..offset + 4]);
    format!("{:06}", (u32::from_be_bytes(word) & 0x7fff_ffff) % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix_seconds(seconds).expect("in range")
    }

    /// RFC 6238 appendix B, the SHA1 rows (key "12345678901234567890"),
    /// the low six of the eight digits printed there.
    const RFC_6238_SHA1: [(i64, &str); 6] = [
        (59, "287082"),
        (1_111_111_109, "081804"),
        (1_111_111_111, "050471"),
        (1_234_567_890, "005924"),
        (2_000_000_000, "279037"),
        (20_000_000_000, "353130"),
    ];

    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        let secret = SharedSecret::from_bytes(*b"12345678901234567890").expect("a key");
        for (seconds, code) in RFC_6238_SHA1 {
            assert_eq!(secret.code_at(at(seconds)), code, "T = {seconds}");
        }
    }

    #[test]
    fn rfc_4226_appendix_d_hotp_vectors() {
        // HOTP is TOTP with the counter given directly.
        let codes =
            ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
        for (counter, code) in codes.iter().enumerate() {
            assert_eq!(code_at(b"12345678901234567890", counter as i64), *code, "counter {counter}");
        }
    }

    #[test]
    fn a_secret_code_is_read_as_authenticator_apps_read_it() {
        let canonical = SecretCode::from("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let secret = SharedSecret::from_secret_code(&canonical).expect("Base32");
        assert_eq!(secret.secret_code(), canonical);
        for written in ["gezd gnbv gy3t qojq gezd gnbv gy3t qojq", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ===="] {
            let again = SharedSecret::from_secret_code(&SecretCode::from(written)).expect("Base32");
            assert_eq!(again.code_at(at(59)), "287082", "{written}");
        }
        assert_eq!(totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", at(59)).as_deref(), Some("287082"));
    }

    #[test]
    fn text_that_is_not_base32_is_refused_by_name() {
        for bad in ["GEZDGNB1", "GEZDGNBV!", "A", "AB", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQA"] {
            assert_eq!(
                SharedSecret::from_secret_code(&SecretCode::from(bad)).map(|_| ()),
                Err(Error::invalid("SecretCode", Defect::NotBase32)),
                "{bad}"
            );
            assert_eq!(totp(bad, at(59)), None, "{bad}");
        }
        for empty in ["", "  ", "===="] {
            assert_eq!(
                SharedSecret::from_secret_code(&SecretCode::from(empty)).map(|_| ()),
                Err(Error::invalid("SecretCode", Defect::Empty)),
                "{empty:?}"
            );
        }
        assert_eq!(SharedSecret::from_bytes(Vec::new()).map(|_| ()), Err(Error::invalid("SecretCode", Defect::Empty)));
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let secret = SharedSecret::from_bytes(*b"12345678901234567890").expect("a key");
        let now = at(1_111_111_111);
        let code = secret.code_at(now);
        for seconds in [-30, 0, 30] {
            assert!(secret.verify(&code, at(1_111_111_111 + seconds)), "{seconds} s off");
        }
        for seconds in [-60, 60] {
            assert!(!secret.verify(&code, at(1_111_111_111 + seconds)), "{seconds} s off");
        }
        assert!(!secret.verify("", now));
        assert!(!secret.verify(&format!("{code}0"), now));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let secret = SharedSecret::from_bytes(*b"12345678901234567890").expect("a key");
        let shown = format!("{secret:?}");
        assert_eq!(shown, "SharedSecret(<redacted>)");
        assert!(!shown.contains("1234"));
    }
}
