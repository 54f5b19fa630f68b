//! What the commands print on standard output: JSON shaped as
//! `aws cognito-idp initiate-auth` prints it, so the same `jq` filters work.

use cognito_srp_auth::Timestamp;
use cognito_srp_auth::flow::Tokens;
use serde_json::{Map, Value, json};

/// `{"AuthenticationResult": {...}}`, absent members left out as the AWS CLI
/// does; a new device's `NewDeviceMetadata` sits inside, where Cognito puts it.
pub fn authentication_result(tokens: &Tokens, new_device: Option<NewDeviceMetadata<'_>>, now: Timestamp) -> Value {
    let mut result = Map::new();
    result.insert("AccessToken".into(), tokens.access_token().expose_secret().into());
    if let Some(expires_at) = tokens.expires_at() {
        result.insert("ExpiresIn".into(), (expires_at.unix_seconds() - now.unix_seconds()).max(0).into());
    }
    result.insert("TokenType".into(), "Bearer".into());
    if let Some(refresh_token) = tokens.refresh_token() {
        result.insert("RefreshToken".into(), refresh_token.expose_secret().into());
    }
    result.insert("IdToken".into(), tokens.id_token().expose_secret().into());
    if let Some(device) = new_device {
        let mut metadata = Map::new();
        metadata.insert("DeviceKey".into(), device.device_key.into());
        if let Some(group) = device.device_group_key {
            metadata.insert("DeviceGroupKey".into(), group.into());
        }
        result.insert("NewDeviceMetadata".into(), metadata.into());
    }
    json!({"ChallengeParameters": {}, "AuthenticationResult": result})
}

/// `NewDeviceMetadata`: the key, and the group key when the device was kept.
pub struct NewDeviceMetadata<'a> {
    pub device_key: &'a str,
    pub device_group_key: Option<&'a str>,
}

/// Prints a JSON value, indented as the AWS CLI does.
pub fn print(value: &Value) {
    println!("{value:#}");
}
