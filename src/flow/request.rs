//! The app client and the requests a sign-in sends, and how responses are read.

use core::fmt;
use std::collections::HashMap;

use serde::de::DeserializeOwned;

use zeroize::Zeroizing;

use super::ServiceError;
use super::body::{self, Parameters};
use crate::error::Error;
use crate::json_buffer;
use crate::secret::ClientSecret;
use crate::secret_hash::SecretHash;
use crate::srp::{DeviceCredentials, PasswordClaim, PrivateExponentSize};
use crate::tokens::AccessToken;
use crate::user_pool::UserPoolId;
use crate::wire::{ErrorBody, Operation};

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
/// The body carries the request's secrets (a password, SECRET_HASH, the
/// Session, tokens, a one-time code). It is written once, straight from
/// the values that hold them, into a string wiped when the request is
/// dropped; hand the transport a borrow of it rather than a copy.
/// `Debug` shows the operation and the flow or challenge only.
#[derive(Clone)]
pub struct Request {
    operation: Operation,
    /// InitiateAuth's `AuthFlow` or RespondToAuthChallenge's `ChallengeName`.
    label: Option<&'static str>,
    body: Zeroizing<String>,
}

impl Request {
    pub(super) fn new(operation: Operation, label: Option<&'static str>, body: &impl serde::Serialize) -> Self {
        Request { operation, label, body: json_buffer::to_json(body) }
    }

    /// The operation.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// The `X-Amz-Target` header value.
    pub fn target(&self) -> String {
        self.operation.target()
    }

    /// The JSON body, as text.
    pub fn body_json(&self) -> &str {
        &self.body
    }

    /// The JSON body, as bytes.
    pub fn body(&self) -> &[u8] {
        self.body.as_bytes()
    }

    /// InitiateAuth's `AuthFlow` (`USER_SRP_AUTH`, `REFRESH_TOKEN_AUTH`, ...).
    pub fn auth_flow(&self) -> Option<&str> {
        self.label.filter(|_| self.operation == Operation::InitiateAuth)
    }

    /// RespondToAuthChallenge's `ChallengeName` (`PASSWORD_VERIFIER`, ...).
    pub fn challenge_name(&self) -> Option<&str> {
        self.label.filter(|_| self.operation == Operation::RespondToAuthChallenge)
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Request");
        out.field("operation", &self.operation);
        if let Some(flow) = self.auth_flow() {
            out.field("auth_flow", &flow);
        }
        if let Some(name) = self.challenge_name() {
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
    let body = body::UpdateDeviceStatus {
        access_token: access_token.expose_secret(),
        device_key,
        device_remembered_status: status,
    };
    Request::new(Operation::UpdateDeviceStatus, None, &body)
}

/// A `ForgetDevice` request: Cognito stops tracking the device (sign out
/// of this device for good). Forget it in the device store as well.
pub fn forget_device(access_token: &AccessToken, device_key: &str) -> Request {
    let body = body::ForgetDevice { access_token: access_token.expose_secret(), device_key };
    Request::new(Operation::ForgetDevice, None, &body)
}

/// The RespondToAuthChallenge `ChallengeResponses` for a PASSWORD_VERIFIER
/// (or DEVICE_PASSWORD_VERIFIER) claim, for callers who drive the SRP steps
/// themselves: `USERNAME` (the challenge's, the pool username), the claim,
/// `SECRET_HASH` over that username when the client has a secret, and
/// `DEVICE_KEY` when signing in as a remembered device. The map's strings
/// are plain: the caller wipes SECRET_HASH if it must.
pub fn password_claim_responses(
    client: &AppClient,
    pool_username: &str,
    claim: &PasswordClaim,
    device: Option<&DeviceCredentials>,
) -> HashMap<String, String> {
    let mut responses = claim_responses(pool_username, claim);
    if let Some(hash) = client.secret_hash(pool_username) {
        responses.insert("SECRET_HASH", hash.as_str());
    }
    if let Some(device) = device {
        responses.insert("DEVICE_KEY", device.device_key());
    }
    responses.into_map()
}

pub(super) fn claim_responses(username: &str, claim: &PasswordClaim) -> Parameters {
    let mut responses = Parameters::new();
    responses.insert("USERNAME", username);
    responses.insert("PASSWORD_CLAIM_SECRET_BLOCK", claim.secret_block());
    responses.insert("PASSWORD_CLAIM_SIGNATURE", claim.signature());
    responses.insert("TIMESTAMP", claim.timestamp());
    responses
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
