//! `SECRET_HASH`, for app clients that have a client secret.

use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::encoding::encode_base64;
use crate::secret::{ClientSecret, eq_in_constant_time};

/// `SECRET_HASH = Base64(HMAC-SHA256(key = client secret, message = username || client id))`.
///
/// When the app client has a secret, Cognito wants it on InitiateAuth and on
/// *every* RespondToAuthChallenge, DEVICE_SRP_AUTH included. `username` is the
/// pool's own username: after the first challenge use the `USERNAME`
/// parameter Cognito returned, not the alias (email, phone) the user typed.
///
/// It is redacted in `Debug`: with the client id it lets anyone pass the
/// client-secret check for that user. It is zeroized on drop and compared in
/// constant time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretHash(String);

impl SecretHash {
    /// Computes the hash for one username on one app client.
    pub fn new(client_secret: &ClientSecret, username: &str, client_id: &str) -> Self {
        // HMAC takes a key of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()).unwrap_or_else(|_| unreachable!());
        mac.update(username.as_bytes());
        mac.update(client_id.as_bytes());
        // The `CtOutput` wipes the raw MAC when it drops; only its Base64 text lives on.
        SecretHash(encode_base64(mac.finalize().as_bytes()))
    }

    /// The Base64 text to send as `SECRET_HASH`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl ConstantTimeEq for SecretHash {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.0.as_bytes().ct_eq(other.0.as_bytes())
    }
}

eq_in_constant_time!(SecretHash);

impl fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretHash(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_hash_keys_hmac_with_the_client_secret_over_username_then_client_id() {
        // Independent: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog")
        // from RFC 4231-style published examples, split as username || client id.
        let hash = SecretHash::new(&ClientSecret::from("key"), "The quick brown fox ", "jumps over the lazy dog");
        assert_eq!(hash.as_str(), "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
        assert_eq!(format!("{hash:?}"), "SecretHash(<redacted>)");
    }
}
