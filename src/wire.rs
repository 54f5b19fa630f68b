//! The service's JSON bodies, with the member names of Cognito's service
//! model, and the HTTP framing around them.
//!
//! Every call the sign-in needs is a `POST` to
//! `https://cognito-idp.<region>.amazonaws.com/` with
//! `Content-Type: application/x-amz-json-1.1` and the `X-Amz-Target` header
//! naming the operation; none of them is signed with AWS credentials.
//! Unknown members in responses are ignored.
//!
//! The responses a sign-in reads hold their secrets (tokens, `Session`,
//! `SecretCode`) in the crate's secret types, read straight into them from
//! the body: one allocation each, wiped on drop. The request types hold
//! plain `String`s: they are what a server, or the AWS SDK transport,
//! reads; the sign-in machine writes its own bodies from the secret types
//! (see [`Request`](crate::flow::Request)).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::secret::SecretCode;
use crate::tokens::{AccessToken, IdToken, RefreshToken, Session};

/// The content type of every request.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// The operations a sign-in sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[non_exhaustive]
pub enum Operation {
    /// `InitiateAuth`.
    InitiateAuth,
    /// `RespondToAuthChallenge`.
    RespondToAuthChallenge,
    /// `ConfirmDevice`.
    ConfirmDevice,
    /// `UpdateDeviceStatus`.
    UpdateDeviceStatus,
    /// `ForgetDevice`.
    ForgetDevice,
    /// `AssociateSoftwareToken`.
    AssociateSoftwareToken,
    /// `VerifySoftwareToken`.
    VerifySoftwareToken,
}

impl Operation {
    /// The operation's name in the service model.
    pub fn name(self) -> &'static str {
        match self {
            Operation::InitiateAuth => "InitiateAuth",
            Operation::RespondToAuthChallenge => "RespondToAuthChallenge",
            Operation::ConfirmDevice => "ConfirmDevice",
            Operation::UpdateDeviceStatus => "UpdateDeviceStatus",
            Operation::ForgetDevice => "ForgetDevice",
            Operation::AssociateSoftwareToken => "AssociateSoftwareToken",
            Operation::VerifySoftwareToken => "VerifySoftwareToken",
        }
    }

    /// The `X-Amz-Target` header value.
    pub fn target(self) -> String {
        format!("AWSCognitoIdentityProviderService.{}", self.name())
    }

    /// Reads an `X-Amz-Target` header value.
    pub fn from_target(target: &str) -> Option<Self> {
        let name = target.strip_prefix("AWSCognitoIdentityProviderService.")?;
        [
            Operation::InitiateAuth,
            Operation::RespondToAuthChallenge,
            Operation::ConfirmDevice,
            Operation::UpdateDeviceStatus,
            Operation::ForgetDevice,
            Operation::AssociateSoftwareToken,
            Operation::VerifySoftwareToken,
        ]
        .into_iter()
        .find(|op| op.name() == name)
    }
}

/// `InitiateAuthRequest`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateAuthRequest {
    /// `USER_SRP_AUTH`, `USER_AUTH`, `CUSTOM_AUTH`, `USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH`.
    pub auth_flow: String,
    /// The app client.
    pub client_id: String,
    /// Flow parameters (`USERNAME`, `SRP_A`, `SECRET_HASH`, `DEVICE_KEY`, ...).
    pub auth_parameters: HashMap<String, String>,
    /// Passed to Lambda triggers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<HashMap<String, String>>,
}

/// `RespondToAuthChallengeRequest`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondToAuthChallengeRequest {
    /// The app client.
    pub client_id: String,
    /// The challenge answered.
    pub challenge_name: String,
    /// The previous response's session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The answer.
    pub challenge_responses: HashMap<String, String>,
    /// Passed to Lambda triggers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<HashMap<String, String>>,
}

/// `DeviceSecretVerifierConfigType`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceSecretVerifierConfigType {
    /// Base64 of padHex(g^x mod N).
    pub password_verifier: String,
    /// Base64 of the salt bytes.
    pub salt: String,
}

/// `ConfirmDeviceRequest`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmDeviceRequest {
    /// The new tokens' access token.
    pub access_token: String,
    /// `NewDeviceMetadata.DeviceKey`.
    pub device_key: String,
    /// The verifier the device will prove knowledge of.
    pub device_secret_verifier_config: DeviceSecretVerifierConfigType,
    /// A name for the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
}

/// `ConfirmDeviceResponse`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmDeviceResponse {
    /// Whether the pool wants the user to choose to remember the device.
    #[serde(default)]
    pub user_confirmation_necessary: bool,
}

/// `UpdateDeviceStatusRequest`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateDeviceStatusRequest {
    /// An access token.
    pub access_token: String,
    /// The device.
    pub device_key: String,
    /// `remembered` or `not_remembered`.
    pub device_remembered_status: String,
}

/// `ForgetDeviceRequest`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ForgetDeviceRequest {
    /// An access token of the device's user.
    pub access_token: String,
    /// The device.
    pub device_key: String,
}

/// `AssociateSoftwareTokenRequest` (with a Session, during MFA_SETUP).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenRequest {
    /// The MFA_SETUP challenge's session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Or an access token, outside a sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

/// `AssociateSoftwareTokenResponse`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenResponse {
    /// The TOTP secret (Base32) to load into the authenticator.
    #[serde(default)]
    pub secret_code: Option<SecretCode>,
    /// The session to continue with.
    #[serde(default)]
    pub session: Option<Session>,
}

/// `VerifySoftwareTokenRequest`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenRequest {
    /// The session from AssociateSoftwareToken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Or an access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// The current code from the authenticator.
    pub user_code: String,
    /// A name for the authenticator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_device_name: Option<String>,
}

/// `VerifySoftwareTokenResponse`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenResponse {
    /// `SUCCESS` or `ERROR`.
    #[serde(default)]
    pub status: Option<String>,
    /// The session to answer MFA_SETUP with.
    #[serde(default)]
    pub session: Option<Session>,
}

/// `NewDeviceMetadataType`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewDeviceMetadataType {
    /// The device key.
    pub device_key: String,
    /// The device group key.
    pub device_group_key: String,
}

/// `AuthenticationResultType`: the tokens.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthenticationResultType {
    /// The access token.
    #[serde(default)]
    pub access_token: Option<AccessToken>,
    /// Lifetime in seconds.
    #[serde(default)]
    pub expires_in: Option<i64>,
    /// `Bearer`.
    #[serde(default)]
    pub token_type: Option<String>,
    /// The refresh token (absent on refresh).
    #[serde(default)]
    pub refresh_token: Option<RefreshToken>,
    /// The ID token.
    #[serde(default)]
    pub id_token: Option<IdToken>,
    /// Present when the pool tracks devices and this one is new.
    #[serde(default)]
    pub new_device_metadata: Option<NewDeviceMetadataType>,
}

/// The body of `InitiateAuthResponse` and `RespondToAuthChallengeResponse`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthResponse {
    /// The next challenge, if any.
    #[serde(default)]
    pub challenge_name: Option<String>,
    /// Echoed on the next request.
    #[serde(default)]
    pub session: Option<Session>,
    /// The challenge's parameters.
    #[serde(default)]
    pub challenge_parameters: Option<HashMap<String, String>>,
    /// The tokens, when the sign-in is done.
    #[serde(default)]
    pub authentication_result: Option<AuthenticationResultType>,
    /// For USER_AUTH: the challenges the user may choose from.
    #[serde(default)]
    pub available_challenges: Option<Vec<String>>,
}

/// A service error body: `{"__type": "...", "message": "..."}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The exception name, possibly prefixed with a namespace and `#`.
    #[serde(rename = "__type", default)]
    pub error_type: Option<String>,
    /// The message (the service writes `message`, some emulators `Message`).
    #[serde(default, alias = "Message")]
    pub message: Option<String>,
}

/// Prints `<redacted>` in place of a value.
struct Redacted;

impl core::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// `Debug` that shows some fields and redacts the rest: these bodies carry
/// passwords, SECRET_HASH, claims, sessions, tokens and TOTP secrets.
macro_rules! redacted_debug {
    ($($type:ident { show: [$($shown:ident),*], redact: [$($hidden:ident),*] })*) => {$(
        impl core::fmt::Debug for $type {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let mut out = f.debug_struct(stringify!($type));
                $(out.field(stringify!($shown), &self.$shown);)*
                $(
                    let _ = &self.$hidden;
                    out.field(stringify!($hidden), &Redacted);
                )*
                out.finish()
            }
        }
    )*};
}

redacted_debug! {
    InitiateAuthRequest { show: [auth_flow, client_id], redact: [auth_parameters, client_metadata] }
    RespondToAuthChallengeRequest { show: [client_id, challenge_name], redact: [session, challenge_responses, client_metadata] }
    ConfirmDeviceRequest { show: [device_key, device_secret_verifier_config, device_name], redact: [access_token] }
    UpdateDeviceStatusRequest { show: [device_key, device_remembered_status], redact: [access_token] }
    ForgetDeviceRequest { show: [device_key], redact: [access_token] }
    AssociateSoftwareTokenRequest { show: [], redact: [session, access_token] }
    AssociateSoftwareTokenResponse { show: [], redact: [secret_code, session] }
    VerifySoftwareTokenRequest { show: [friendly_device_name], redact: [session, access_token, user_code] }
    VerifySoftwareTokenResponse { show: [status], redact: [session] }
    AuthResponse { show: [challenge_name, challenge_parameters, authentication_result, available_challenges], redact: [session] }
    AuthenticationResultType { show: [expires_in, token_type, new_device_metadata], redact: [access_token, refresh_token, id_token] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_passwords_sessions_tokens_or_secrets() {
        let parameters = HashMap::from([("PASSWORD".to_owned(), "hunter2".to_owned())]);
        let shown = format!(
            "{:?} {:?} {:?} {:?} {:?}",
            InitiateAuthRequest { auth_parameters: parameters.clone(), ..Default::default() },
            RespondToAuthChallengeRequest {
                session: Some("hunter2".into()),
                challenge_responses: parameters,
                ..Default::default()
            },
            AssociateSoftwareTokenResponse { secret_code: Some("hunter2".into()), session: None },
            AuthResponse { session: Some("hunter2".into()), ..Default::default() },
            AuthenticationResultType { access_token: Some("hunter2".into()), ..Default::default() },
        );
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
