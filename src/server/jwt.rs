//! JWTs signed with HMAC-SHA256 by a key the pool keeps.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::timestamp::Timestamp;

/// A pool's signing key.
pub(crate) struct TokenKey([u8; 32]);

impl TokenKey {
    pub(crate) fn new(bytes: [u8; 32]) -> Self {
        TokenKey(bytes)
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!("HMAC takes any key"))
    }

    /// A compact JWT (`HS256`) over `claims`.
    pub(crate) fn issue(&self, claims: &Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "typ": "JWT"}).to_string());
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let mut mac = self.mac();
        mac.update(format!("{header}.{payload}").as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{header}.{payload}.{signature}")
    }

    /// The claims of a token this key signed that has not expired at `now`.
    pub(crate) fn verify(&self, token: &str, now: Timestamp) -> Option<Value> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let mut mac = self.mac();
        mac.update(format!("{header}.{payload}").as_bytes());
        // Constant-time comparison.
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(signature).ok()?).ok()?;
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        (claims.get("exp")?.as_i64()? > now.unix_seconds()).then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_until_it_expires_and_not_when_altered() {
        let key = TokenKey::new([7; 32]);
        let token = key.issue(&json!({"sub": "u", "exp": 100}));
        let at = |s| Timestamp::from_unix_seconds(s).expect("in range");
        assert_eq!(key.verify(&token, at(99)).and_then(|c| c["sub"].as_str().map(str::to_owned)).as_deref(), Some("u"));
        assert!(key.verify(&token, at(100)).is_none(), "expired");
        assert!(TokenKey::new([8; 32]).verify(&token, at(0)).is_none(), "another key");
        let mut altered = token.clone();
        altered.insert(token.find('.').expect("dot") + 2, 'x');
        assert!(key.verify(&altered, at(0)).is_none(), "altered");
    }
}
