//! The `--config` file: pools, their app clients and users, as JSON.
//!
//! One pool object, a list of them, or `{"pools": [...]}`:
//!
//! ```json
//! {"pool_id": "us-east-1_Test123", "device_tracking": true, "username_case_sensitive": false,
//!  "prevent_user_existence_errors": true,
//!  "clients": [{"name": "public", "client_id": "publicclient1"},
//!              {"name": "confidential", "client_id": "secretclient1", "client_secret": "s3cr3t"}],
//!  "users": [{"username": "alice", "password": "Passw0rd!", "email": "alice@example.com",
//!             "totp_secret": "JBSWY3DPEHPK3PXP", "salt_hex": "-7f3a", "temporary": false}]}
//! ```
//!
//! Unknown members are refused, so a misspelt option is an error, not a
//! silent default.

use std::collections::HashMap;

use rand_core::CryptoRng;
use serde::Deserialize;

use crate::secret::{ClientSecret, Password, SecretCode};
use crate::server::{MfaConfiguration, PoolSettings, Service};
use crate::user_pool::UserPoolId;

/// A `--config` file, parsed.
#[derive(Debug)]
pub struct Config {
    pub(super) pools: Vec<PoolConfig>,
}

/// What is wrong with a config file.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// Not JSON of the config's shape.
    Syntax(String),
    /// Well formed, but a value is not allowed.
    Invalid(String),
}

impl core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ConfigError::Syntax(reason) => write!(f, "config is not valid: {reason}"),
            ConfigError::Invalid(reason) => write!(f, "config refused: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
#[serde(untagged)]
enum ConfigFile {
    Pools { pools: Vec<PoolConfig> },
    List(Vec<PoolConfig>),
    One(PoolConfig),
}

/// Whether confirmed devices are remembered by themselves.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum RememberDevices {
    /// Every confirmed device is remembered (`UserConfirmationNecessary` false).
    #[default]
    Always,
    /// The user opts in with UpdateDeviceStatus (`setDeviceStatusRemembered`).
    OptIn,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Mfa {
    Off,
    /// Users with a `totp_secret` must give a code.
    #[default]
    Optional,
    Required,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PoolConfig {
    pool_id: String,
    #[serde(default)]
    device_tracking: bool,
    #[serde(default)]
    remember_devices: RememberDevices,
    #[serde(default)]
    mfa: Mfa,
    #[serde(default = "yes")]
    email_alias: bool,
    #[serde(default)]
    username_case_sensitive: bool,
    #[serde(default = "yes")]
    prevent_user_existence_errors: bool,
    #[serde(default)]
    clients: Vec<ClientConfig>,
    #[serde(default)]
    users: Vec<UserConfig>,
}

fn yes() -> bool {
    true
}

fn password<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Password, D::Error> {
    String::deserialize(deserializer).map(Password::from)
}

fn client_secret<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<ClientSecret>, D::Error> {
    Option::<String>::deserialize(deserializer).map(|s| s.map(ClientSecret::from))
}

/// `Debug` shows no secret: the secret types redact themselves.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientConfig {
    name: String,
    client_id: String,
    #[serde(default, deserialize_with = "client_secret")]
    client_secret: Option<ClientSecret>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserConfig {
    username: String,
    #[serde(deserialize_with = "password")]
    password: Password,
    email: Option<String>,
    phone_number: Option<String>,
    #[serde(default)]
    attributes: HashMap<String, String>,
    totp_secret: Option<SecretCode>,
    salt_hex: Option<String>,
    #[serde(default)]
    temporary: bool,
}

impl Config {
    /// Parses a config file's text.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let file: ConfigFile = serde_json::from_str(text).map_err(|e| ConfigError::Syntax(syntax_reason(&e)))?;
        let pools = match file {
            ConfigFile::Pools { pools } | ConfigFile::List(pools) => pools,
            ConfigFile::One(pool) => vec![pool],
        };
        if pools.is_empty() {
            return Err(ConfigError::Invalid("no pool".to_owned()));
        }
        Ok(Config { pools })
    }

    /// The service with every pool, client and user, and the client names by id.
    pub(super) fn provision<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> Result<(Service, HashMap<String, String>), ConfigError> {
        let mut service = Service::new();
        let mut names = HashMap::new();
        for pool in &self.pools {
            let id = UserPoolId::parse(&pool.pool_id)
                .map_err(|e| ConfigError::Invalid(format!("pool_id {:?}: {e}", pool.pool_id)))?;
            service.add_user_pool(id.clone(), pool.settings(), rng).map_err(|e| invalid(&pool.pool_id, &e))?;
            for client in &pool.clients {
                service
                    .add_app_client(&id, &client.client_id, client.client_secret.clone())
                    .map_err(|e| invalid(&client.name, &e))?;
                if names.insert(client.client_id.clone(), client.name.clone()).is_some() {
                    return Err(ConfigError::Invalid(format!("client_id {:?} given twice", client.client_id)));
                }
            }
            for user in &pool.users {
                add_user(&mut service, &id, user, rng).map_err(|e| invalid(&user.username, &e))?;
            }
        }
        Ok((service, names))
    }
}

/// serde's reason without the value it choked on (it may be a password).
fn syntax_reason(error: &serde_json::Error) -> String {
    match error.classify() {
        serde_json::error::Category::Data => format!(
            "line {} column {}: not a pool, a list of pools or {{\"pools\": [...]}} with known members of the right types",
            error.line(),
            error.column()
        ),
        _ => format!("line {} column {}: not JSON", error.line(), error.column()),
    }
}

fn invalid(what: &str, error: &dyn core::fmt::Display) -> ConfigError {
    ConfigError::Invalid(format!("{what}: {error}"))
}

impl PoolConfig {
    fn settings(&self) -> PoolSettings {
        let mfa = match self.mfa {
            Mfa::Off => MfaConfiguration::Off,
            Mfa::Optional => MfaConfiguration::Optional,
            Mfa::Required => MfaConfiguration::Required,
        };
        let mut settings = PoolSettings::default().with_mfa(mfa).with_email_alias(self.email_alias);
        settings.track_devices = self.device_tracking;
        settings.always_remember_devices = self.remember_devices == RememberDevices::Always;
        settings.case_insensitive_usernames = !self.username_case_sensitive;
        settings.user_existence_errors = !self.prevent_user_existence_errors;
        settings
    }
}

fn add_user<R: CryptoRng + ?Sized>(
    service: &mut Service,
    pool: &UserPoolId,
    user: &UserConfig,
    rng: &mut R,
) -> Result<(), crate::flow::ServiceError> {
    let mut attributes = user.attributes.clone();
    attributes.extend(user.email.clone().map(|e| ("email".to_owned(), e)));
    attributes.extend(user.phone_number.clone().map(|p| ("phone_number".to_owned(), p)));
    service.admin_create_user(pool, &user.username, attributes, &user.password, !user.temporary, rng)?;
    if let Some(salt) = &user.salt_hex {
        service.admin_set_user_salt(pool, &user.username, salt, &user.password)?;
    }
    if let Some(secret) = &user.totp_secret {
        service.admin_set_software_token_secret(pool, &user.username, secret)?;
    }
    Ok(())
}
