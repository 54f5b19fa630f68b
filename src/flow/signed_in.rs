//! The end of a successful sign-in: the tokens and what became of the device.

use super::ServiceError;
use crate::wire::AuthenticationResultType;

/// The end of a successful sign-in.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub(super) tokens: AuthenticationResultType,
    pub(super) username: String,
    pub(super) new_device: Option<NewDevice>,
}

impl SignedIn {
    /// The tokens.
    pub fn tokens(&self) -> &AuthenticationResultType {
        &self.tokens
    }

    /// The pool's username for the user: the key to store device
    /// credentials under, and what SECRET_HASH on refresh is computed over.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// What became of the new device, when Cognito issued one.
    pub fn new_device(&self) -> Option<&NewDevice> {
        self.new_device.as_ref()
    }
}

/// A device confirmed (or not) at the end of a sign-in.
#[derive(Clone, Debug)]
pub struct NewDevice {
    pub(super) device_key: String,
    pub(super) confirmation: Result<bool, ServiceError>,
}

impl NewDevice {
    /// The device key.
    pub fn device_key(&self) -> &str {
        &self.device_key
    }

    /// ConfirmDevice's answer: `Ok(user_confirmation_necessary)`, or the
    /// error it failed with (the sign-in itself still succeeded).
    pub fn confirmation(&self) -> &Result<bool, ServiceError> {
        &self.confirmation
    }
}

/// The `username` claim of a JWT, read without checking its signature (the
/// client only needs the name; the service checks the token).
pub(super) fn username_claim(token: &str) -> Option<String> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let claims: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims.get("username")?.as_str().filter(|u| !u.is_empty()).map(str::to_owned)
}
