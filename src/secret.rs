//! Newtypes for the secrets a caller hands in: zeroized on drop, redacted in
//! `Debug`, compared in constant time, and with no `Display`, so they cannot
//! reach a log by accident.

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// `PartialEq`/`Eq` through [`ConstantTimeEq`], so that `==` on a secret never
/// stops at the first differing byte.
macro_rules! eq_in_constant_time {
    ($($name:ty),*) => {$(
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                bool::from(subtle::ConstantTimeEq::ct_eq(self, other))
            }
        }

        impl Eq for $name {}
    )*};
}
pub(crate) use eq_in_constant_time;

macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl subtle::ConstantTimeEq for $name {
            fn ct_eq(&self, other: &Self) -> subtle::Choice {
                subtle::ConstantTimeEq::ct_eq(self.0.as_bytes(), other.0.as_bytes())
            }
        }

        $crate::secret::eq_in_constant_time!($name);

        impl $name {
            /// Wraps a secret. Moving a `String` in takes its buffer, with no copy left behind.
            pub fn new(secret: impl Into<String>) -> Self {
                $name(secret.into())
            }

            #[allow(dead_code, reason = "not every secret is hashed by the crate")]
            pub(crate) fn as_bytes(&self) -> &[u8] {
                self.0.as_bytes()
            }

            #[allow(dead_code, reason = "not every secret is sent by the crate")]
            pub(crate) fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(secret: String) -> Self {
                $name(secret)
            }
        }

        impl From<&str> for $name {
            fn from(secret: &str) -> Self {
                $name(secret.to_owned())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

/// The crate's other secret types (tokens, sessions) are made the same way.
#[allow(unused_imports, reason = "used by feature-gated modules")]
pub(crate) use secret_string;

secret_string! {
    /// A user's password.
    Password
}

secret_string! {
    /// The secret of an app client that has one; it keys `SECRET_HASH`.
    ClientSecret
}

secret_string! {
    /// The password of a remembered device: the Base64 text of 40 random
    /// bytes, made when the device is confirmed. The caller stores it with
    /// the device key and group key (see
    /// [`DeviceCredentials`](crate::DeviceCredentials)).
    DevicePassword
}

secret_string! {
    /// A software token's seed: AssociateSoftwareToken's `SecretCode`
    /// (Base32), to load into the user's authenticator app once.
    SecretCode
}

impl SecretCode {
    /// The Base32 secret, to show the user (as text or a QR code). Keep it out of logs.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl ClientSecret {
    /// The secret itself, to hand to another program (an app's
    /// configuration). Keep it out of logs.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl DevicePassword {
    /// The password itself, to store it. Keep it out of logs.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

/// Secrets a caller stores (a device password, a paused sign-in's prompt)
/// serialize as their plain text.
macro_rules! serde_as_text {
    ($($name:ident),*) => {$(
        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map($name)
            }
        }
    )*};
}

serde_as_text!(DevicePassword, SecretCode, ClientSecret);

/// Tokens and sessions are read from response bodies straight into their
/// types (one allocation, the one that is wiped) the same way.
#[allow(unused_imports, reason = "used by feature-gated modules")]
pub(crate) use serde_as_text;

#[cfg(test)]
mod tests {
    use subtle::ConstantTimeEq;

    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let shown = format!(
            "{:?} {:?} {:?}",
            Password::from("hunter2"),
            ClientSecret::from("hunter2"),
            DevicePassword::from("hunter2")
        );
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(shown, "Password(<redacted>) ClientSecret(<redacted>) DevicePassword(<redacted>)");
    }

    #[test]
    fn equality_is_by_value_through_constant_time_eq() {
        let (a, b, c) = (Password::from("hunter2"), Password::from("hunter2"), Password::from("hunter3"));
        assert!(bool::from(a.ct_eq(&b)) && a == b);
        assert!(!bool::from(a.ct_eq(&c)) && a != c);
        assert_ne!(Password::from("hunter2"), Password::from("hunter"), "a prefix is not equal");
        assert_ne!(DevicePassword::from(""), DevicePassword::from("x"));
        assert_eq!(ClientSecret::from("s"), ClientSecret::from("s"));
        assert_ne!(SecretCode::from("JBSWY3DP"), SecretCode::from("JBSWY3DQ"));
    }
}
