//! The signed-in user's own calls, made with an access token: GetUser,
//! the device list (ListDevices, GetDevice), GlobalSignOut,
//! and RevokeToken for a refresh token.
//!
//! Access tokens are signed, not stored, so GlobalSignOut revokes the
//! user's refresh tokens and leaves issued access tokens valid until they
//! expire.

use serde::Deserialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::Service;
use super::admin::attribute_list;
use super::devices::Device;
use super::fault::{Fault, device_not_found, not_authorized};
use crate::timestamp::Timestamp;

/// The most devices ListDevices returns at once (Cognito's limit).
const MAX_DEVICES: usize = 60;

/// GetUser and GlobalSignOut.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AccessTokenRequest {
    access_token: String,
}

/// GetDevice.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DeviceRequest {
    access_token: String,
    device_key: String,
}

/// ListDevices.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListDevicesRequest {
    access_token: String,
    limit: Option<usize>,
    pagination_token: Option<String>,
}

/// RevokeToken.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RevokeTokenRequest {
    token: String,
    client_id: String,
    client_secret: Option<String>,
}

/// The service model's `DeviceType`.
fn device_type(key: &str, device: &Device) -> Value {
    let remembered = if device.remembered { "remembered" } else { "not_remembered" };
    json!({
        "DeviceKey": key,
        "DeviceAttributes": [
            {"Name": "device_status", "Value": "valid"},
            {"Name": "device_remembered_status", "Value": remembered},
        ],
    })
}

impl Service {
    /// GetUser: the username and attributes of the token's owner.
    pub(super) fn get_user(&self, request: AccessTokenRequest, now: Timestamp) -> Result<Value, Fault> {
        let (pool_id, username) = self.access_token_owner(&request.access_token, now)?;
        let user = self.pools.get(&pool_id).and_then(|p| p.users.get(&username));
        let user = user.ok_or_else(|| not_authorized("User does not exist."))?;
        let mfa: Vec<&str> = user.totp_secret.as_ref().map(|_| "SOFTWARE_TOKEN_MFA").into_iter().collect();
        Ok(json!({
            "Username": username,
            "UserAttributes": attribute_list(&username, user),
            "MFAOptions": [],
            "UserMFASettingList": mfa,
        }))
    }

    /// The confirmed devices of the token's owner, by key.
    fn own_devices(&self, access_token: &str, now: Timestamp) -> Result<Vec<(&String, &Device)>, Fault> {
        let (pool_id, username) = self.access_token_owner(access_token, now)?;
        let pool = self.pools.get(&pool_id).ok_or_else(|| not_authorized("Invalid Access Token"))?;
        let mut devices: Vec<_> =
            pool.devices.iter().filter(|(_, d)| d.username == username && d.verifier.is_some()).collect();
        devices.sort_by(|a, b| a.0.cmp(b.0));
        Ok(devices)
    }

    /// ListDevices: a page of the owner's devices; PaginationToken is the
    /// last key of the page before.
    pub(super) fn list_devices(&self, request: ListDevicesRequest, now: Timestamp) -> Result<Value, Fault> {
        let devices = self.own_devices(&request.access_token, now)?;
        let limit = request.limit.unwrap_or(MAX_DEVICES).clamp(1, MAX_DEVICES);
        let after = request.pagination_token.as_deref();
        let rest: Vec<_> = devices.into_iter().filter(|(key, _)| after.is_none_or(|a| key.as_str() > a)).collect();
        let page: Vec<Value> = rest.iter().take(limit).map(|(key, device)| device_type(key, device)).collect();
        let mut response = json!({"Devices": page});
        if rest.len() > limit {
            response["PaginationToken"] = json!(rest[limit - 1].0);
        }
        Ok(response)
    }

    /// GetDevice: one of the owner's devices.
    pub(super) fn get_device(&self, request: DeviceRequest, now: Timestamp) -> Result<Value, Fault> {
        let devices = self.own_devices(&request.access_token, now)?;
        let (key, device) =
            devices.into_iter().find(|(key, _)| **key == request.device_key).ok_or_else(device_not_found)?;
        Ok(json!({"Device": device_type(key, device)}))
    }

    /// GlobalSignOut: every refresh token of the owner is revoked.
    pub(super) fn global_sign_out(&mut self, request: AccessTokenRequest, now: Timestamp) -> Result<Value, Fault> {
        let (pool_id, username) = self.access_token_owner(&request.access_token, now)?;
        self.revoke_user_tokens(&pool_id, &username);
        Ok(json!({}))
    }

    /// RevokeToken: a refresh token the app client was given. The client's
    /// secret, when it has one, must be given and is compared in constant
    /// time; an unknown token is not an error (RFC 7009).
    pub(super) fn revoke_token(&mut self, request: RevokeTokenRequest) -> Result<Value, Fault> {
        let (client, _) = self.client(&request.client_id)?;
        if let Some(secret) = &client.secret {
            let given = request.client_secret.as_deref().unwrap_or_default();
            if !bool::from(secret.as_bytes().ct_eq(given.as_bytes())) {
                return Err(not_authorized("Client secret is not correct."));
            }
        }
        self.revoke_refresh_token(&request.token, &request.client_id);
        Ok(json!({}))
    }
}
