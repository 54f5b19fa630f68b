//! The bodies the machine sends, written straight from the secret types.
//!
//! Each body borrows what it carries (the Session, tokens, the one-time
//! code) from the value that owns and wipes it, and the parameter maps
//! (`AuthParameters`, `ChallengeResponses`) keep every value in a string
//! that is wiped on drop; [`Request`](super::Request) serialises the body
//! into a buffer that wipes itself. So a password, SECRET_HASH, Session or
//! token is never left in freed memory by the machine.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::ser::{Serialize, SerializeMap, Serializer};
use zeroize::Zeroizing;

use crate::wire::DeviceSecretVerifierConfigType;

/// `AuthParameters` or `ChallengeResponses`: names in Cognito's words, each
/// value wiped on drop. A name set twice keeps the last value.
#[derive(Clone, Default)]
pub(super) struct Parameters(Vec<(Cow<'static, str>, Zeroizing<String>)>);

impl Parameters {
    pub(super) fn new() -> Self {
        Parameters(Vec::new())
    }

    /// Sets `name`. A value moved in as a `String` keeps its buffer, so the
    /// one that is wiped is the only copy.
    pub(super) fn insert(&mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) {
        self.set(name.into(), Zeroizing::new(value.into()));
    }

    /// Moves `other`'s values in (no copy of them is made).
    pub(super) fn extend(&mut self, other: Parameters) {
        for (name, value) in other.0 {
            self.set(name, value);
        }
    }

    fn set(&mut self, name: Cow<'static, str>, value: Zeroizing<String>) {
        match self.0.iter_mut().find(|(known, _)| *known == name) {
            Some((_, old)) => *old = value,
            None => self.0.push((name, value)),
        }
    }

    /// The names, for callers that drive the SRP steps themselves.
    pub(super) fn into_map(self) -> HashMap<String, String> {
        self.0.into_iter().map(|(name, value)| (name.into_owned(), value.as_str().to_owned())).collect()
    }
}

impl Serialize for Parameters {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name.as_ref(), value.as_str())?;
        }
        map.end()
    }
}

/// `InitiateAuthRequest`.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct InitiateAuth<'a> {
    pub(super) auth_flow: &'a str,
    pub(super) client_id: &'a str,
    pub(super) auth_parameters: &'a Parameters,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) client_metadata: Option<&'a HashMap<String, String>>,
}

/// `RespondToAuthChallengeRequest`.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RespondToAuthChallenge<'a> {
    pub(super) client_id: &'a str,
    pub(super) challenge_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) session: Option<&'a str>,
    pub(super) challenge_responses: &'a Parameters,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) client_metadata: Option<&'a HashMap<String, String>>,
}

/// `ConfirmDeviceRequest`.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ConfirmDevice<'a> {
    pub(super) access_token: &'a str,
    pub(super) device_key: &'a str,
    pub(super) device_secret_verifier_config: &'a DeviceSecretVerifierConfigType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) device_name: Option<&'a str>,
}

/// `UpdateDeviceStatusRequest`.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct UpdateDeviceStatus<'a> {
    pub(super) access_token: &'a str,
    pub(super) device_key: &'a str,
    pub(super) device_remembered_status: &'a str,
}

/// `ForgetDeviceRequest`.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ForgetDevice<'a> {
    pub(super) access_token: &'a str,
    pub(super) device_key: &'a str,
}

/// `AssociateSoftwareTokenRequest`, during MFA_SETUP.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AssociateSoftwareToken<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) session: Option<&'a str>,
}

/// `VerifySoftwareTokenRequest`, during MFA_SETUP.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct VerifySoftwareToken<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) session: Option<&'a str>,
    pub(super) user_code: &'a str,
}
