//! The tokens a sign-in ends with, each in a secret type: zeroized on
//! drop, redacted in `Debug`, and shown only through `expose_secret`.

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::secret::{secret_string, serde_as_text};
use crate::timestamp::Timestamp;
use crate::wire::AuthenticationResultType;

secret_string! {
    /// A JWT access token: the bearer credential for the user's own API calls.
    AccessToken
}

secret_string! {
    /// A JWT ID token: the user's identity claims, for the app's back end.
    IdToken
}

secret_string! {
    /// A refresh token: gets new access and ID tokens (REFRESH_TOKEN_AUTH)
    /// for as long as the app client allows.
    RefreshToken
}

secret_string! {
    /// A challenge's `Session`: it lets whoever holds it answer the next challenge.
    Session
}

macro_rules! expose {
    ($($name:ident),*) => {$(
        impl $name {
            /// The token itself, to send it. Keep it out of logs.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }
    )*};
}

expose!(AccessToken, IdToken, RefreshToken, Session);

// Response bodies are read straight into these types, and a paused
// sign-in stores its session as text.
serde_as_text!(AccessToken, IdToken, RefreshToken, Session);

/// The tokens of a finished sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokens {
    access_token: AccessToken,
    id_token: IdToken,
    refresh_token: Option<RefreshToken>,
    expires_at: Option<Timestamp>,
}

impl Tokens {
    /// Reads `AuthenticationResult`, received at `now`: the access and ID
    /// tokens must be there (what did arrive is kept in the error otherwise).
    /// The tokens move out of `result`: no copy of them is left behind.
    pub fn from_result(result: AuthenticationResultType, now: Timestamp) -> Result<Self, IncompleteTokens> {
        let AuthenticationResultType { access_token, id_token, refresh_token, expires_in, .. } = result;
        let expires_at = expires_in
            .filter(|seconds| *seconds >= 0)
            .and_then(|seconds| Timestamp::from_unix_seconds(now.unix_seconds().checked_add(seconds)?));
        match (access_token, id_token) {
            (Some(access_token), Some(id_token)) => Ok(Tokens { access_token, id_token, refresh_token, expires_at }),
            (access_token, id_token) => {
                let missing = if access_token.is_none() { "AccessToken" } else { "IdToken" };
                Err(IncompleteTokens { missing, id_token, refresh_token })
            }
        }
    }

    /// The access token.
    pub fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    /// The ID token.
    pub fn id_token(&self) -> &IdToken {
        &self.id_token
    }

    /// The refresh token (absent after a refresh: keep the one you have).
    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    /// When the access and ID tokens expire: `ExpiresIn` added to the clock
    /// the response was received at. `None` when the service gave no
    /// lifetime (or one out of range).
    pub fn expires_at(&self) -> Option<Timestamp> {
        self.expires_at
    }
}

/// Tokens without an access token or an ID token: what did arrive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncompleteTokens {
    missing: &'static str,
    id_token: Option<IdToken>,
    refresh_token: Option<RefreshToken>,
}

impl IncompleteTokens {
    /// The member that was missing: `AccessToken` or `IdToken`.
    pub fn missing(&self) -> &'static str {
        self.missing
    }

    /// The ID token, if it came.
    pub fn id_token(&self) -> Option<&IdToken> {
        self.id_token.as_ref()
    }

    /// The refresh token, if it came: it can get complete tokens.
    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
}

impl fmt::Display for IncompleteTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tokens without an {}", self.missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(access: Option<&str>, id: Option<&str>) -> AuthenticationResultType {
        AuthenticationResultType {
            access_token: access.map(AccessToken::from),
            id_token: id.map(IdToken::from),
            refresh_token: Some(RefreshToken::from("refresh-secret")),
            expires_in: Some(3600),
            ..Default::default()
        }
    }

    #[test]
    fn expiry_is_absolute_from_the_clock_given() {
        let now = Timestamp::from_unix_seconds(1_764_000_000).expect("in range");
        let tokens = Tokens::from_result(result(Some("a"), Some("i")), now).expect("complete");
        assert_eq!(tokens.expires_at().map(|t| t.unix_seconds()), Some(1_764_003_600));
        assert_eq!(tokens.refresh_token().map(RefreshToken::expose_secret), Some("refresh-secret"));
    }

    #[test]
    fn incomplete_tokens_keep_what_came_and_nothing_shows_in_debug() {
        let now = Timestamp::from_unix_seconds(0).expect("in range");
        let incomplete = Tokens::from_result(result(None, Some("id-secret")), now).expect_err("no access token");
        assert_eq!(incomplete.missing(), "AccessToken");
        assert_eq!(incomplete.refresh_token().map(RefreshToken::expose_secret), Some("refresh-secret"));
        assert_eq!(
            Tokens::from_result(result(Some("a"), None), now).map(drop).map_err(|e| e.missing()),
            Err("IdToken")
        );
        let shown = format!("{incomplete:?} {:?}", Tokens::from_result(result(Some("access-secret"), Some("i")), now));
        assert!(!shown.contains("secret\""), "{shown}");
        assert!(!shown.contains("id-secret") && !shown.contains("refresh-secret") && !shown.contains("access-secret"));
    }
}
