//! The app client and the requests a sign-in sends, and how responses are read.

use core::fmt;
use std::collections::HashMap;

use serde::de::DeserializeOwned;

use super::ServiceError;
use crate::error::Error;
use crate::secret::ClientSecret;
use crate::secret_hash::SecretHash;
use crate::srp::{DeviceCredentials, PasswordClaim, PrivateExponentSize};
use crate::tokens::AccessToken;
use crate::user_pool::UserPoolId;
use crate::wire::{ErrorBody, ForgetDeviceRequest, Operation, UpdateDeviceStatusRequest};

/// An app client of a user pool: what every request of a sign-in needs.
#[derive(Clone, Debug)]
pub struct AppClient {
    pub(super) user_pool_id: UserPoolId,
    pub(super) client_id: String,
    client_secret: Option<ClientSecret>,
    pub(super) private_exponent_size: PrivateExponentSize,
}

impl AppClient {
    /// A public app client (no secret).
    pub fn new(user_pool_id: UserPoolId, client_id: impl Into<String>) -> Self {
        AppClient {
            user_pool_id,
            client_id: client_id.into(),
            client_secret: None,
            private_exponent_size: PrivateExponentSize::default(),
        }
    }

    /// The client's secret: every request then carries `SECRET_HASH`.
    pub fn with_client_secret(mut self, client_secret: ClientSecret) -> Self {
        self.client_secret = Some(client_secret);
        self
    }

    /// The size of the SRP private exponents (default 256 bits).
    pub fn with_private_exponent_size(mut self, size: PrivateExponentSize) -> Self {
        self.private_exponent_size = size;
        self
    }

    /// The user pool.
    pub fn user_pool_id(&self) -> &UserPoolId {
        &self.user_pool_id
    }

    /// The app client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `SECRET_HASH` over `username` (the pool username after the first
    /// challenge), when the client has a secret.
    pub fn secret_hash(&self, username: &str) -> Option<SecretHash> {
        self.client_secret.as_ref().map(|secret| SecretHash::new(secret, username, &self.client_id))
    }
}

/// A request to send: `POST` [`body_json`](Self::body_json) with
/// `X-Amz-Target:` [`target`](Self::target) and `Content-Type:`
/// [`CONTENT_TYPE`](crate::wire::CONTENT_TYPE).
///
/// `Debug` shows the operation only: bodies carry passwords, hashes and tokens.
#[derive(Clone, PartialEq)]
pub struct Request {
    operation: Operation,
    pub(super) body: serde_json::Value,
}

impl Request {
    pub(super) fn new(operation: Operation, body: &impl serde::Serialize) -> Self {
        // Serializing these plain structs of strings and maps cannot fail.
        let body = serde_json::to_value(body).unwrap_or(serde_json::Value::Null);
        Request { operation, body }
    }

    /// The operation.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// The `X-Amz-Target` header value.
    pub fn target(&self) -> String {
        self.operation.target()
    }

    /// The JSON body.
    pub fn body(&self) -> &serde_json::Value {
        &self.body
    }

    /// The JSON body as text.
    pub fn body_json(&self) -> String {
        self.body.to_string()
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Request");
        out.field("operation", &self.operation);
        if let Some(name) = self.body.get("ChallengeName").and_then(|v| v.as_str()) {
            out.field("challenge_name", &name);
        }
        out.finish_non_exhaustive()
    }
}

/// An `UpdateDeviceStatus` request, to mark a confirmed device remembered
/// (or not) when the pool lets the user choose. The machine sends it itself
/// when [`Prompt::RememberDevice`](super::Prompt::RememberDevice) is answered.
pub fn update_device_status(access_token: &AccessToken, device_key: &str, remembered: bool) -> Request {
    let status = if remembered { "remembered" } else { "not_remembered" };
    Request::new(
        Operation::UpdateDeviceStatus,
        &UpdateDeviceStatusRequest {
            access_token: access_token.expose_secret().to_owned(),
            device_key: device_key.to_owned(),
            device_remembered_status: status.to_owned(),
        },
    )
}

/// A `ForgetDevice` request: Cognito stops tracking the device (sign out
/// of this device for good). Forget it in the device store as well.
pub fn forget_device(access_token: &AccessToken, device_key: &str) -> Request {
    Request::new(
        Operation::ForgetDevice,
        &ForgetDeviceRequest {
            access_token: access_token.expose_secret().to_owned(),
            device_key: device_key.to_owned(),
        },
    )
}

/// The RespondToAuthChallenge `ChallengeResponses` for a PASSWORD_VERIFIER
/// (or DEVICE_PASSWORD_VERIFIER) claim, for callers who drive the SRP steps
/// themselves: `USERNAME` (the challenge's, the pool username), the claim,
/// `SECRET_HASH` over that username when the client has a secret, and
/// `DEVICE_KEY` when signing in as a remembered device.
pub fn password_claim_responses(
    client: &AppClient,
    pool_username: &str,
    claim: &PasswordClaim,
    device: Option<&DeviceCredentials>,
) -> HashMap<String, String> {
    let mut responses = claim_responses(pool_username, claim);
    if let Some(hash) = client.secret_hash(pool_username) {
        responses.insert("SECRET_HASH", hash.as_str().to_owned());
    }
    if let Some(device) = device {
        responses.insert("DEVICE_KEY", device.device_key().to_owned());
    }
    owned(responses)
}

pub(super) fn owned(parameters: HashMap<&'static str, String>) -> HashMap<String, String> {
    parameters.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

pub(super) fn claim_responses(username: &str, claim: &PasswordClaim) -> HashMap<&'static str, String> {
    HashMap::from([
        ("USERNAME", username.to_owned()),
        ("PASSWORD_CLAIM_SECRET_BLOCK", claim.secret_block().to_owned()),
        ("PASSWORD_CLAIM_SIGNATURE", claim.signature().to_owned()),
        ("TIMESTAMP", claim.timestamp().to_owned()),
    ])
}

/// Reads a response body: an error status or an `__type` body is a
/// [`ServiceError`]; anything else must be the operation's JSON.
pub(super) fn parse<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    if status != 200 {
        let error: ErrorBody = serde_json::from_slice(body)
            .map_err(|_| Error::Protocol { reason: "an error status without an error body" })?;
        let service =
            ServiceError::from_body(&error).ok_or(Error::Protocol { reason: "an error body without __type" })?;
        return Err(Error::Service(service));
    }
    serde_json::from_slice(body).map_err(|_| Error::Protocol { reason: "a body that is not the operation's JSON" })
}
