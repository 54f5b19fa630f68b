//! Setting pools up from outside: pools and app clients with given ids, a
//! user's exact SALT and TOTP seed (a config file's), and the admin calls
//! a test sends over the wire (AdminCreateUser, AdminSetUserPassword,
//! AdminGetUser, AdminDeleteUser).
//!
//! The admin calls are not authenticated: a real pool wants IAM (SigV4)
//! credentials, the embedded server takes any or none.

use std::collections::HashMap;

use rand_core::CryptoRng;
use serde::Deserialize;
use serde_json::{Value, json};

use zeroize::Zeroizing;

use super::Message;
use super::Service;
use super::fault::{Fault, fault, pool_not_found, service_error, user_not_found};
use super::pool::{Client, Pool, PoolSettings, User, make_verifier};
use super::random::{ALNUM, random_id};
use crate::flow::ServiceError;
use crate::modpow::pow_g;
use crate::secret::{ClientSecret, Password, SecretCode};
use crate::srp::math::{self, Salt};
use crate::timestamp::Timestamp;
use crate::totp;
use crate::user_pool::UserPoolId;

/// Passwords shorter than this are refused, as the default policy does.
const MIN_PASSWORD_LENGTH: usize = 8;

/// An attribute in the service model's shape.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AttributeType {
    name: String,
    #[serde(default)]
    value: String,
}

/// AdminGetUser and AdminDeleteUser.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AdminUserRequest {
    user_pool_id: String,
    username: String,
}

/// AdminCreateUser.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AdminCreateUserRequest {
    user_pool_id: String,
    username: String,
    #[serde(default)]
    user_attributes: Vec<AttributeType>,
    #[serde(default, deserialize_with = "optional_password")]
    temporary_password: Option<Password>,
    message_action: Option<String>,
}

/// AdminSetUserPassword.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AdminSetUserPasswordRequest {
    user_pool_id: String,
    username: String,
    #[serde(deserialize_with = "password")]
    password: Password,
    #[serde(default)]
    permanent: bool,
}

/// The password's text moves into a [`Password`]: no copy is left behind.
fn password<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Password, D::Error> {
    String::deserialize(deserializer).map(Password::from)
}

fn optional_password<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Password>, D::Error> {
    Option::<String>::deserialize(deserializer).map(|p| p.map(Password::from))
}

impl Service {
    /// Adds a user pool with a given id (a config file's), where
    /// [`create_user_pool`](Self::create_user_pool) draws one.
    pub fn add_user_pool<R: CryptoRng + ?Sized>(
        &mut self,
        id: UserPoolId,
        settings: PoolSettings,
        rng: &mut R,
    ) -> Result<(), ServiceError> {
        if self.pools.contains_key(id.as_str()) {
            return Err(service_error(fault("InvalidParameterException", "User pool already exists.")));
        }
        // A pool made as create_user_pool makes one (fresh keys), then filed under the given id.
        let drawn = self.create_user_pool(id.region(), settings, rng);
        let mut pool = self.pools.remove(drawn.as_str()).unwrap_or_else(|| unreachable!("just created"));
        pool.id = id.clone();
        self.pools.insert(id.as_str().to_owned(), pool);
        Ok(())
    }

    /// Adds an app client with a given id and secret (a config file's),
    /// where [`create_app_client`](Self::create_app_client) draws them. The
    /// id is Cognito's shape: 1 to 128 of `[A-Za-z0-9_+]`.
    pub fn add_app_client(
        &mut self,
        pool: &UserPoolId,
        client_id: &str,
        secret: Option<ClientSecret>,
    ) -> Result<(), ServiceError> {
        let well_formed = (1..=128).contains(&client_id.len())
            && client_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'+');
        if !well_formed {
            return Err(service_error(fault("InvalidParameterException", "ClientId must be 1-128 of [\\w+]")));
        }
        if !self.pools.contains_key(pool.as_str()) {
            return Err(service_error(pool_not_found()));
        }
        if self.clients.contains_key(client_id) {
            return Err(service_error(fault("InvalidParameterException", "User pool client already exists.")));
        }
        self.clients.insert(client_id.to_owned(), Client { pool: pool.as_str().to_owned(), secret });
        Ok(())
    }

    /// Gives a user a salt sent exactly as `salt_hex` (optional `-`, then
    /// hex, perhaps with leading `00` bytes: as Cognito has been seen
    /// sending them) and the verifier of `password` under it. A client
    /// must hash the salt's `padHex` bytes, not the text, to sign in.
    pub fn admin_set_user_salt(
        &mut self,
        pool: &UserPoolId,
        username: &str,
        salt_hex: &str,
        password: &Password,
    ) -> Result<(), ServiceError> {
        let invalid = || service_error(fault("InvalidParameterException", "salt_hex is not [-]hex"));
        let salt = Salt::parse(salt_hex).map_err(|_| invalid())?;
        let pool = self.pools.get_mut(pool.as_str()).ok_or_else(|| service_error(pool_not_found()))?;
        let pool_name = pool.id.pool_name().to_owned();
        let user = pool.users.get_mut(username).ok_or_else(|| service_error(user_not_found()))?;
        let x = math::compute_x(&salt, &pool_name, username, password.as_bytes());
        (user.verifier, user.salt, user.salt_text) = (pow_g(&math::exponent_256(&x)), salt, Some(salt_hex.to_owned()));
        Ok(())
    }

    /// Gives a user an authenticator with a known seed (Base32, as an
    /// authenticator app takes it), so a test can compute its codes.
    pub fn admin_set_software_token_secret(
        &mut self,
        pool: &UserPoolId,
        username: &str,
        secret: &SecretCode,
    ) -> Result<(), ServiceError> {
        let seed = totp::SharedSecret::from_secret_code(secret)
            .map_err(|_| service_error(fault("InvalidParameterException", "totp_secret is not Base32")))?;
        let pool = self.pools.get_mut(pool.as_str()).ok_or_else(|| service_error(pool_not_found()))?;
        let user = pool.users.get_mut(username).ok_or_else(|| service_error(user_not_found()))?;
        user.totp_secret = Some(Zeroizing::new(seed.key().to_vec()));
        Ok(())
    }

    /// The pool an admin call names, and the pool username it means.
    fn admin_user(&self, pool_id: &str, typed: &str) -> Result<(&Pool, String), Fault> {
        let pool = self.pools.get(pool_id).ok_or_else(pool_not_found)?;
        let username = pool.resolve(typed).ok_or_else(user_not_found)?;
        Ok((pool, username))
    }

    /// AdminCreateUser: a user who must choose a new password at the first
    /// sign-in. Without TemporaryPassword one is drawn and "sent" to the
    /// outbox (unless MessageAction is SUPPRESS).
    pub(super) fn admin_create_user_call<R: CryptoRng + ?Sized>(
        &mut self,
        request: AdminCreateUserRequest,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let pool = UserPoolId::parse(&request.user_pool_id).map_err(|_| pool_not_found())?;
        let existing = self.pools.get(pool.as_str()).ok_or_else(pool_not_found)?.resolve(&request.username);
        if existing.is_some() {
            return Err(fault("UsernameExistsException", "User account already exists"));
        }
        let attributes: HashMap<String, String> =
            request.user_attributes.into_iter().map(|a| (a.name, a.value)).collect();
        let drawn = request.temporary_password.is_none();
        let password =
            request.temporary_password.unwrap_or_else(|| Password::from(format!("{}Aa1!", random_id(rng, ALNUM, 12))));
        check_policy(&password)?;
        let username = request.username;
        self.admin_create_user(&pool, &username, attributes.clone(), &password, false, rng)
            .map_err(|e| fault("InvalidParameterException", e.message().to_owned()))?;
        if drawn && request.message_action.as_deref() != Some("SUPPRESS") {
            let destination = attributes.get("email").cloned().unwrap_or_else(|| username.clone());
            let code = String::from_utf8_lossy(password.as_bytes()).into_owned();
            self.send(Message { medium: "EMAIL", destination, code });
        }
        let user = self.pools.get(pool.as_str()).and_then(|p| p.users.get(&username)).ok_or_else(user_not_found)?;
        Ok(json!({"User": user_type(&username, user, now)}))
    }

    /// AdminSetUserPassword: a new salt and verifier; permanent or temporary.
    pub(super) fn admin_set_user_password<R: CryptoRng + ?Sized>(
        &mut self,
        request: AdminSetUserPasswordRequest,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        check_policy(&request.password)?;
        let (_, username) = self.admin_user(&request.user_pool_id, &request.username)?;
        let pool = self.pools.get_mut(&request.user_pool_id).ok_or_else(pool_not_found)?;
        let (salt, verifier) = make_verifier(pool.id.pool_name(), &username, &request.password, rng);
        let user = pool.users.get_mut(&username).ok_or_else(user_not_found)?;
        (user.salt, user.verifier, user.salt_text) = (salt, verifier, None);
        user.temporary = !request.permanent;
        Ok(json!({}))
    }

    /// AdminGetUser: the user's attributes, status and MFA settings.
    pub(super) fn admin_get_user(&self, request: AdminUserRequest, now: Timestamp) -> Result<Value, Fault> {
        let (pool, username) = self.admin_user(&request.user_pool_id, &request.username)?;
        let user = pool.users.get(&username).ok_or_else(user_not_found)?;
        let mut response = user_type(&username, user, now);
        if let Some(object) = response.as_object_mut() {
            let attributes = object.remove("Attributes").unwrap_or_default();
            object.insert("UserAttributes".to_owned(), attributes);
            let mfa: Vec<&str> = user.totp_secret.as_ref().map(|_| "SOFTWARE_TOKEN_MFA").into_iter().collect();
            object.insert("UserMFASettingList".to_owned(), json!(mfa));
            object.insert("MFAOptions".to_owned(), json!([]));
        }
        Ok(response)
    }

    /// AdminDeleteUser: the user, its aliases, devices and refresh tokens.
    pub(super) fn admin_delete_user(&mut self, request: AdminUserRequest) -> Result<Value, Fault> {
        let (_, username) = self.admin_user(&request.user_pool_id, &request.username)?;
        let pool = self.pools.get_mut(&request.user_pool_id).ok_or_else(pool_not_found)?;
        pool.users.remove(&username);
        pool.aliases.retain(|_, owner| *owner != username);
        pool.devices.retain(|_, device| device.username != username);
        self.revoke_user_tokens(&request.user_pool_id, &username);
        Ok(json!({}))
    }
}

fn check_policy(password: &Password) -> Result<(), Fault> {
    if password.as_bytes().len() < MIN_PASSWORD_LENGTH {
        return Err(fault("InvalidPasswordException", "Password does not conform to policy: Password not long enough"));
    }
    Ok(())
}

/// A user's attributes as the service model lists them, `sub` first.
pub(super) fn attribute_list(username: &str, user: &User) -> Value {
    let mut names: Vec<&String> = user.attributes.keys().filter(|n| *n != "sub").collect();
    names.sort();
    let mut list = vec![json!({"Name": "sub", "Value": username})];
    list.extend(names.into_iter().map(|name| json!({"Name": name, "Value": user.attributes[name]})));
    Value::Array(list)
}

/// The service model's `UserType`.
fn user_type(username: &str, user: &User, now: Timestamp) -> Value {
    let status = if user.temporary { "FORCE_CHANGE_PASSWORD" } else { "CONFIRMED" };
    json!({
        "Username": username,
        "Attributes": attribute_list(username, user),
        "Enabled": true,
        "UserStatus": status,
        "UserCreateDate": now.unix_seconds(),
        "UserLastModifiedDate": now.unix_seconds(),
    })
}
