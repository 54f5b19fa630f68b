//! Tokens: the access and ID tokens a sign-in ends with, refresh tokens,
//! and the owner an access token speaks for.
//!
//! Refresh tokens are kept as their SHA-256 digests, never in the clear;
//! each expires after the pool's `refresh_token_validity` and goes with the
//! device it was issued with (ForgetDevice).

use std::collections::{HashMap, VecDeque};

use rand_core::CryptoRng;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Service;
use super::devices::Device;
use super::fault::{Fault, missing, not_authorized};
use super::pool::Pool;
use super::random::{random_bytes, uuid};
use super::session::Flow;
use crate::encoding::encode_base64;
use crate::timestamp::Timestamp;

/// Token lifetime.
const TOKEN_SECONDS: i64 = 3600;

/// A refresh token as the service keeps it: its SHA-256.
pub(super) type RefreshKey = [u8; 32];

/// What a refresh token stands for.
pub(super) struct RefreshEntry {
    client_id: String,
    pool: String,
    username: String,
    /// The device the sign-in was given or came with; the token goes with it.
    device: Option<String>,
    /// Whether REFRESH_TOKEN_AUTH must name the device (a remembered one signed in).
    device_required: bool,
    expires: i64,
}

impl RefreshEntry {
    /// Whether the entry was issued with `device_key`.
    fn is_for_device(&self, pool: &str, device_key: &str) -> bool {
        self.pool == pool && self.device.as_deref() == Some(device_key)
    }
}

/// The live refresh tokens, at most a set number per user (the oldest
/// revoked first); a user's expired ones are purged when the next is issued.
pub(super) struct RefreshTokens {
    entries: HashMap<RefreshKey, RefreshEntry>,
    /// Each user's tokens, oldest first (some perhaps already revoked).
    by_user: HashMap<(String, String), VecDeque<RefreshKey>>,
    per_user: usize,
}

impl RefreshTokens {
    pub(super) fn new(per_user: usize) -> Self {
        RefreshTokens { entries: HashMap::new(), by_user: HashMap::new(), per_user: per_user.max(1) }
    }

    /// How many refresh tokens are live.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    fn insert(&mut self, key: RefreshKey, entry: RefreshEntry, now: i64) {
        let keys = self.by_user.entry((entry.pool.clone(), entry.username.clone())).or_default();
        while let Some(oldest) = keys.front() {
            let live = self.entries.get(oldest).is_some_and(|e| e.expires > now);
            if live && keys.len() < self.per_user {
                break;
            }
            self.entries.remove(oldest);
            keys.pop_front();
        }
        keys.push_back(key);
        self.entries.insert(key, entry);
    }

    /// Revokes the tokens issued with a device.
    fn revoke_device(&mut self, pool: &str, device_key: &str) {
        self.entries.retain(|_, entry| !entry.is_for_device(pool, device_key));
    }

    /// Revokes every token of a user.
    fn revoke_user(&mut self, pool: &str, username: &str) {
        for key in self.by_user.remove(&(pool.to_owned(), username.to_owned())).unwrap_or_default() {
            self.entries.remove(&key);
        }
    }

    /// Revokes one token, if it was issued to `client_id`.
    fn revoke(&mut self, key: &RefreshKey, client_id: &str) {
        if self.entries.get(key).is_some_and(|entry| entry.client_id == client_id) {
            self.entries.remove(key);
        }
    }
}

/// The key a refresh token is kept under.
fn refresh_key(token: &str) -> RefreshKey {
    Sha256::digest(token.as_bytes()).into()
}

impl Service {
    /// The claims of an access or ID token one of this service's pools
    /// issued, if it verifies and has not expired.
    pub fn verify_token(&self, token: &str, now: Timestamp) -> Option<Value> {
        self.pools.values().find_map(|pool| pool.tokens.verify(token, now))
    }

    /// Tokens, and `NewDeviceMetadata` when the pool tracks devices and the
    /// sign-in came without one it knows.
    pub(super) fn issue_tokens<R: CryptoRng + ?Sized>(
        &mut self,
        flow: &Flow<'_>,
        username: &str,
        rng: &mut R,
    ) -> Value {
        let client_id = flow.client_id;
        let pool_id = self.clients.get(client_id).map(|c| c.pool.clone()).unwrap_or_default();
        let Some(pool) = self.pools.get_mut(&pool_id) else { return json!({}) };
        let known_device = flow
            .device_key
            .clone()
            .filter(|k| pool.devices.get(k).is_some_and(|d| d.username == username && d.verifier.is_some()));
        if let Some(user) = pool.users.get_mut(username) {
            user.lockout.succeed();
        }
        let new_device = (pool.settings.track_devices && known_device.is_none()).then(|| {
            let key = format!("{}_{}", pool.id.region(), uuid(rng));
            pool.add_device(&key, Device::new(username, &pool.group_key), self.limits.unconfirmed_devices_per_user);
            key
        });
        let device_for_tokens = known_device.clone().or(new_device.clone());
        let mut result = pool.tokens_for(username, client_id, device_for_tokens.as_deref(), flow.now);
        if let Some(key) = &new_device {
            result["NewDeviceMetadata"] = json!({"DeviceKey": key, "DeviceGroupKey": pool.group_key});
        }
        let validity = i64::try_from(pool.settings.refresh_token_validity.as_secs()).unwrap_or(i64::MAX);
        let refresh = encode_base64(&random_bytes::<64, R>(rng));
        result["RefreshToken"] = json!(refresh);
        let entry = RefreshEntry {
            client_id: client_id.to_owned(),
            pool: pool_id,
            username: username.to_owned(),
            device: device_for_tokens,
            device_required: known_device.is_some(),
            expires: flow.now.unix_seconds().saturating_add(validity),
        };
        self.refresh_tokens.insert(refresh_key(&refresh), entry, flow.now.unix_seconds());
        json!({"AuthenticationResult": result, "ChallengeParameters": {}})
    }

    /// REFRESH_TOKEN_AUTH: new access and ID tokens for a refresh token the
    /// app client was given, bound to its device, until it expires.
    pub(super) fn refresh(
        &mut self,
        client_id: &str,
        parameters: &HashMap<String, String>,
        now: Timestamp,
    ) -> Result<Value, Fault> {
        let key = refresh_key(parameters.get("REFRESH_TOKEN").ok_or_else(|| missing("REFRESH_TOKEN"))?);
        let entry = self
            .refresh_tokens
            .entries
            .get(&key)
            .filter(|e| e.client_id == client_id)
            .ok_or_else(|| not_authorized("Invalid Refresh Token"))?;
        if entry.expires <= now.unix_seconds() {
            self.refresh_tokens.entries.remove(&key);
            return Err(not_authorized("Refresh Token has expired"));
        }
        let device_key = entry.device.clone().filter(|_| entry.device_required);
        let (pool_id, username) = (entry.pool.clone(), entry.username.clone());
        self.check_secret_hash(client_id, &username, parameters.get("SECRET_HASH"))?;
        if device_key.is_some() && parameters.get("DEVICE_KEY") != device_key.as_ref() {
            return Err(not_authorized("Invalid Refresh Token"));
        }
        let pool = self.pools.get(&pool_id).ok_or_else(|| not_authorized("Invalid Refresh Token"))?;
        let mut result = pool.tokens_for(&username, client_id, device_key.as_deref(), now);
        result.as_object_mut().map(|r| r.remove("RefreshToken"));
        Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
    }

    /// Revokes the refresh tokens issued with a device.
    pub(super) fn revoke_device_tokens(&mut self, pool: &str, device_key: &str) {
        self.refresh_tokens.revoke_device(pool, device_key);
    }

    /// Revokes every refresh token of a user (GlobalSignOut, AdminDeleteUser).
    pub(super) fn revoke_user_tokens(&mut self, pool: &str, username: &str) {
        self.refresh_tokens.revoke_user(pool, username);
    }

    /// Revokes one refresh token, if it was issued to `client_id` (RevokeToken).
    pub(super) fn revoke_refresh_token(&mut self, token: &str, client_id: &str) {
        self.refresh_tokens.revoke(&refresh_key(token), client_id);
    }

    /// The pool and username an access token speaks for.
    pub(super) fn access_token_owner(&self, token: &str, now: Timestamp) -> Result<(String, String), Fault> {
        let claims = self
            .verify_token(token, now)
            .filter(|c| c["token_use"] == "access")
            .ok_or_else(|| not_authorized("Invalid Access Token"))?;
        let pool = claims["iss"].as_str().unwrap_or_default().to_owned();
        let username = claims["username"].as_str().unwrap_or_default().to_owned();
        Ok((pool, username))
    }
}

impl Pool {
    /// Signed access and ID tokens for a user.
    pub(super) fn tokens_for(
        &self,
        username: &str,
        client_id: &str,
        device_key: Option<&str>,
        now: Timestamp,
    ) -> Value {
        let (iat, exp) = (now.unix_seconds(), now.unix_seconds() + TOKEN_SECONDS);
        let mut access = json!({"sub": username, "username": username, "token_use": "access", "client_id": client_id, "iss": self.id.as_str(), "iat": iat, "exp": exp});
        if let Some(key) = device_key {
            access["device_key"] = json!(key);
        }
        let mut id = json!({"sub": username, "cognito:username": username, "token_use": "id", "aud": client_id, "iss": self.id.as_str(), "iat": iat, "exp": exp});
        if let Some(email) = self.users.get(username).and_then(|u| u.attributes.get("email")) {
            id["email"] = json!(email);
        }
        json!({"AccessToken": self.tokens.issue(&access), "IdToken": self.tokens.issue(&id), "ExpiresIn": TOKEN_SECONDS, "TokenType": "Bearer"})
    }
}
