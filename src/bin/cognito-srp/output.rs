//! What the commands print on standard output: JSON shaped as
//! `aws cognito-idp initiate-auth` prints it, so the same `jq` filters work.

use cognito_srp_auth::wire::AuthenticationResultType;
use serde_json::{Map, Value, json};

/// `{"AuthenticationResult": {...}}`, absent members left out as the AWS CLI
/// does; a new device's `NewDeviceMetadata` sits inside, where Cognito puts it.
pub fn authentication_result(tokens: &AuthenticationResultType) -> Value {
    let mut result = Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            result.insert(name.to_owned(), value);
        }
    };
    put("AccessToken", tokens.access_token.clone().map(Value::from));
    put("ExpiresIn", tokens.expires_in.map(Value::from));
    put("TokenType", tokens.token_type.clone().map(Value::from));
    put("RefreshToken", tokens.refresh_token.clone().map(Value::from));
    put("IdToken", tokens.id_token.clone().map(Value::from));
    put(
        "NewDeviceMetadata",
        tokens
            .new_device_metadata
            .as_ref()
            .map(|m| json!({"DeviceKey": m.device_key, "DeviceGroupKey": m.device_group_key})),
    );
    json!({"ChallengeParameters": {}, "AuthenticationResult": result})
}

/// Prints a JSON value, indented as the AWS CLI does.
pub fn print(value: &Value) {
    println!("{value:#}");
}
