//! Remembered devices: NewDeviceMetadata's devices, ConfirmDevice and
//! UpdateDeviceStatus, and the device SRP that stands in for a second factor.

use rand_core::CryptoRng;
use serde_json::{Value, json};

use super::Service;
use super::fault::{Fault, INCORRECT, device_not_found, fault, missing, not_authorized};
use super::pool::Pool;
use super::session::{Pending, Reply};
use super::srp::{SrpRound, parse_srp_a};
use crate::encoding::decode_base64;
use crate::modpow::Residue;
use crate::srp::math::Salt;
use crate::timestamp::Timestamp;
use crate::wire::{ConfirmDeviceRequest, DeviceSecretVerifierConfigType, UpdateDeviceStatusRequest};

/// ForgetDevice's request.
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ForgetDeviceRequest {
    access_token: Option<String>,
    device_key: String,
}

/// A device a sign-in was given, confirmed once it has a verifier.
pub(super) struct Device {
    pub(super) username: String,
    pub(super) group_key: String,
    pub(super) verifier: Option<(Salt, Residue)>,
    pub(super) remembered: bool,
}

impl Device {
    /// A new, unconfirmed device of `username`.
    pub(super) fn new(username: &str, group_key: &str) -> Self {
        Device { username: username.to_owned(), group_key: group_key.to_owned(), verifier: None, remembered: false }
    }
}

/// `DeviceSecretVerifierConfig`: a verifier `1 < v < N` (0 or 1 would make
/// the device's S the same whatever its password) and a salt that is not empty.
fn parse_verifier_config(config: &DeviceSecretVerifierConfigType) -> Result<(Salt, Residue), Fault> {
    let invalid =
        |what: &str| fault("InvalidParameterException", format!("Invalid DeviceSecretVerifierConfig: {what}"));
    let verifier = decode_base64("PasswordVerifier", &config.password_verifier)
        .ok()
        .and_then(|v| Residue::from_be_bytes(&v))
        .filter(|v| *v != Residue::zero() && *v != Residue::one())
        .ok_or_else(|| invalid("PasswordVerifier must be Base64 of a number above 1 and below N"))?;
    let salt = decode_base64("Salt", &config.salt)
        .ok()
        .filter(|salt| !salt.is_empty())
        .ok_or_else(|| invalid("Salt must be Base64 of at least one byte"))?;
    Ok((Salt::from_unsigned_bytes(&salt), verifier))
}

impl Pool {
    /// Adds a new, unconfirmed device; beyond `max_unconfirmed` of its
    /// user's, the oldest still unconfirmed is dropped.
    pub(super) fn add_device(&mut self, key: &str, device: Device, max_unconfirmed: usize) {
        let issued = self.unconfirmed.entry(device.username.clone()).or_default();
        issued.push_back(key.to_owned());
        while issued.len() > max_unconfirmed.max(1) {
            let Some(oldest) = issued.pop_front() else { break };
            if self.devices.get(&oldest).is_some_and(|d| d.verifier.is_none()) {
                self.devices.remove(&oldest);
            }
        }
        self.devices.insert(key.to_owned(), device);
    }

    /// Whether `device_key` is one of `username`'s devices.
    pub(super) fn owns_device(&self, username: &str, device_key: &str) -> bool {
        self.devices.get(device_key).is_some_and(|d| d.username == username)
    }
}

impl Service {
    /// ConfirmDevice: stores the device's salt and verifier.
    pub(super) fn confirm_device(&mut self, request: ConfirmDeviceRequest, now: Timestamp) -> Result<Value, Fault> {
        let (pool_id, username) = self.access_token_owner(&request.access_token, now)?;
        let pool = self.pools.get_mut(&pool_id).ok_or_else(|| not_authorized("Invalid Access Token"))?;
        let always = pool.settings.always_remember_devices;
        let device = pool.devices.get_mut(&request.device_key).filter(|d| d.username == username);
        let device = device.ok_or_else(device_not_found)?;
        device.verifier = Some(parse_verifier_config(&request.device_secret_verifier_config)?);
        device.remembered = always;
        Ok(json!({"UserConfirmationNecessary": !always}))
    }

    /// UpdateDeviceStatus: remembered or not.
    pub(super) fn update_device_status(
        &mut self,
        request: UpdateDeviceStatusRequest,
        now: Timestamp,
    ) -> Result<Value, Fault> {
        let (pool_id, username) = self.access_token_owner(&request.access_token, now)?;
        let device = self
            .pools
            .get_mut(&pool_id)
            .and_then(|p| p.devices.get_mut(&request.device_key))
            .filter(|d| d.username == username);
        let device = device.ok_or_else(device_not_found)?;
        device.remembered = request.device_remembered_status == "remembered";
        Ok(json!({}))
    }

    /// ForgetDevice: the device is gone, and the refresh tokens issued with it.
    pub(super) fn forget_device(&mut self, request: ForgetDeviceRequest, now: Timestamp) -> Result<Value, Fault> {
        let token = request.access_token.as_deref().ok_or_else(|| missing("AccessToken"))?;
        let (pool_id, username) = self.access_token_owner(token, now)?;
        let pool = self.pools.get_mut(&pool_id).ok_or_else(|| not_authorized("Invalid Access Token"))?;
        if !pool.owns_device(&username, &request.device_key) {
            return Err(device_not_found());
        }
        pool.devices.remove(&request.device_key);
        self.revoke_device_tokens(&pool_id, &request.device_key);
        Ok(json!({}))
    }

    /// DEVICE_SRP_AUTH answered with the device's SRP_A: DEVICE_PASSWORD_VERIFIER.
    pub(super) fn answer_device_srp_auth<R: CryptoRng + ?Sized>(
        &mut self,
        reply: &Reply<'_>,
        username: String,
        device_key: String,
        password_a: Option<Box<Residue>>,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        if reply.responses.get("DEVICE_KEY") != Some(&device_key) {
            return Err(not_authorized("Invalid device key given."));
        }
        let a = parse_srp_a(reply.responses.get("SRP_A"))?;
        // A fresh private a for the device (PROTOCOL.md); pycognito reuses the user's.
        if password_a.as_deref() == Some(&a) {
            return Err(not_authorized("SRP_A for DEVICE_SRP_AUTH must be fresh, not the PASSWORD_VERIFIER step's"));
        }
        let (_, pool) = self.client(reply.flow.client_id)?;
        let device = pool.devices.get(&device_key).filter(|d| d.username == username).ok_or_else(device_not_found)?;
        let (salt, verifier) = device.verifier.clone().ok_or_else(|| not_authorized("Device is not confirmed."))?;
        let (srp, mut parameters) = SrpRound::start(a, verifier, &salt, rng);
        parameters["USERNAME"] = json!(username);
        parameters["DEVICE_KEY"] = json!(device_key);
        let flow = reply.flow.with_device(Some(device_key.clone())).with_custom(false);
        let pending = Pending::DevicePasswordVerifier { username, device_key, srp: Box::new(srp) };
        Ok(self.challenge(&flow, "DEVICE_PASSWORD_VERIFIER", parameters, pending, rng))
    }

    /// DEVICE_PASSWORD_VERIFIER: the device's proof, then the tokens (a
    /// remembered device stands in for the second factor).
    pub(super) fn answer_device_password_verifier<R: CryptoRng + ?Sized>(
        &mut self,
        reply: &Reply<'_>,
        username: String,
        device_key: String,
        srp: Box<SrpRound>,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let (_, pool) = self.client(reply.flow.client_id)?;
        let device = pool.devices.get(&device_key).filter(|d| d.username == username).ok_or_else(device_not_found)?;
        let group_key = device.group_key.clone();
        if reply.responses.get("DEVICE_KEY") != Some(&device_key)
            || !srp.accepts(&group_key, &device_key, reply.responses, reply.flow.now)
        {
            return Err(not_authorized(INCORRECT));
        }
        Ok(self.issue_tokens(&reply.flow.with_device(Some(device_key)), &username, rng))
    }
}
