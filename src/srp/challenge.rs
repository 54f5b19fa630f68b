//! The challenge parameters Cognito sends with PASSWORD_VERIFIER and
//! DEVICE_PASSWORD_VERIFIER, checked once when they arrive.

use core::borrow::Borrow;
use core::hash::{BuildHasher, Hash};
use std::collections::HashMap;

use super::math::{Salt, SecretBlock, ServerPublicKey};
use crate::error::{Defect, Error};

/// The SRP values both verifier challenges carry.
#[derive(Clone)]
pub(crate) struct SrpParameters {
    pub(crate) srp_b: ServerPublicKey,
    pub(crate) salt: Salt,
    pub(crate) secret_block: SecretBlock,
}

impl SrpParameters {
    /// Reads and checks `SRP_B`, `SALT` and `SECRET_BLOCK`.
    fn from_parameters<K, V, S>(parameters: &HashMap<K, V, S>) -> Result<Self, Error>
    where
        K: Borrow<str> + Hash + Eq,
        V: AsRef<str>,
        S: BuildHasher,
    {
        Ok(SrpParameters {
            srp_b: ServerPublicKey::parse(required(parameters, "SRP_B")?)?,
            salt: Salt::parse(required(parameters, "SALT")?)?,
            secret_block: SecretBlock::parse(required(parameters, "SECRET_BLOCK")?)?,
        })
    }
}

/// Looks a parameter up; absent and empty are both "missing" for names,
/// while the SRP values get their own checks.
fn required<'a, K, V, S>(parameters: &'a HashMap<K, V, S>, name: &'static str) -> Result<&'a str, Error>
where
    K: Borrow<str> + Hash + Eq,
    V: AsRef<str>,
    S: BuildHasher,
{
    parameters.get(name).map(AsRef::as_ref).ok_or(Error::MissingParameter { name })
}

/// A username-like parameter: present and not empty.
fn name<'a, K, V, S>(parameters: &'a HashMap<K, V, S>, name: &'static str) -> Result<&'a str, Error>
where
    K: Borrow<str> + Hash + Eq,
    V: AsRef<str>,
    S: BuildHasher,
{
    match required(parameters, name)? {
        "" => Err(Error::invalid(name, Defect::Empty)),
        value => Ok(value),
    }
}

/// The PASSWORD_VERIFIER challenge, checked: SRP_B within `0 < B < N`, SALT a
/// hex number, SECRET_BLOCK standard Base64, USER_ID_FOR_SRP and USERNAME
/// present.
#[derive(Clone)]
pub struct PasswordVerifierChallenge {
    srp: SrpParameters,
    user_id_for_srp: String,
    username: String,
}

impl PasswordVerifierChallenge {
    /// Reads the challenge from Cognito's `ChallengeParameters`.
    pub fn from_parameters<K, V, S>(parameters: &HashMap<K, V, S>) -> Result<Self, Error>
    where
        K: Borrow<str> + Hash + Eq,
        V: AsRef<str>,
        S: BuildHasher,
    {
        let srp = SrpParameters::from_parameters(parameters)?;
        Ok(PasswordVerifierChallenge {
            srp,
            user_id_for_srp: name(parameters, "USER_ID_FOR_SRP")?.to_owned(),
            username: name(parameters, "USERNAME")?.to_owned(),
        })
    }

    /// Builds the challenge from its five parameters.
    pub fn new(
        srp_b: &str,
        salt: &str,
        secret_block: &str,
        user_id_for_srp: &str,
        username: &str,
    ) -> Result<Self, Error> {
        let parameters = HashMap::from([
            ("SRP_B", srp_b),
            ("SALT", salt),
            ("SECRET_BLOCK", secret_block),
            ("USER_ID_FOR_SRP", user_id_for_srp),
            ("USERNAME", username),
        ]);
        Self::from_parameters(&parameters)
    }

    /// `USER_ID_FOR_SRP`: the identity x and the signature are computed over.
    pub fn user_id_for_srp(&self) -> &str {
        &self.user_id_for_srp
    }

    /// `USERNAME`: the pool's username for this user (not an alias). Answers
    /// send it, and `SECRET_HASH` is computed over it from here on.
    pub fn username(&self) -> &str {
        &self.username
    }

    pub(crate) fn srp(&self) -> &SrpParameters {
        &self.srp
    }
}

/// The DEVICE_PASSWORD_VERIFIER challenge, checked like
/// [`PasswordVerifierChallenge`]; the identity comes from the stored device.
#[derive(Clone)]
pub struct DevicePasswordVerifierChallenge {
    srp: SrpParameters,
    username: String,
}

impl DevicePasswordVerifierChallenge {
    /// Reads the challenge from Cognito's `ChallengeParameters`.
    pub fn from_parameters<K, V, S>(parameters: &HashMap<K, V, S>) -> Result<Self, Error>
    where
        K: Borrow<str> + Hash + Eq,
        V: AsRef<str>,
        S: BuildHasher,
    {
        let srp = SrpParameters::from_parameters(parameters)?;
        Ok(DevicePasswordVerifierChallenge { srp, username: name(parameters, "USERNAME")?.to_owned() })
    }

    /// Builds the challenge from its parameters.
    pub fn new(srp_b: &str, salt: &str, secret_block: &str, username: &str) -> Result<Self, Error> {
        let parameters =
            HashMap::from([("SRP_B", srp_b), ("SALT", salt), ("SECRET_BLOCK", secret_block), ("USERNAME", username)]);
        Self::from_parameters(&parameters)
    }

    /// `USERNAME`: the pool's username, to send in the answer.
    pub fn username(&self) -> &str {
        &self.username
    }

    pub(crate) fn srp(&self) -> &SrpParameters {
        &self.srp
    }
}

impl core::fmt::Debug for PasswordVerifierChallenge {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PasswordVerifierChallenge")
            .field("user_id_for_srp", &self.user_id_for_srp)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl core::fmt::Debug for DevicePasswordVerifierChallenge {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DevicePasswordVerifierChallenge").field("username", &self.username).finish_non_exhaustive()
    }
}
