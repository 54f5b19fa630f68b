//! The commands that need no network: `secret-hash`, `device-verifier`,
//! `timestamp`.

use cognito_srp_auth::{DeviceCredentials, SecretHash, Timestamp};

use crate::args::SecretHashArgs;
use crate::commands::client_secret;
use crate::failure::Failure;
use crate::output;
use crate::terminal::Terminal;

/// Prints SECRET_HASH; the secret comes from the environment or is asked
/// for (without echo on a terminal), and must not be empty.
pub fn secret_hash(args: SecretHashArgs) -> Result<(), Failure> {
    if args.client_id.is_empty() || args.username.is_empty() {
        return Err(Failure::Usage("--client-id and --username must not be empty".into()));
    }
    let secret = match client_secret(args.client_secret_env.as_deref())? {
        Some(secret) => secret,
        None => Terminal::new(false).secret("Client secret:")?.as_str().into(),
    };
    println!("{}", SecretHash::new(&secret, &args.username, &args.client_id).as_str());
    Ok(())
}

/// Prints a new device's credentials and verifier config.
pub fn device_verifier(device_key: String, device_group_key: String) -> Result<(), Failure> {
    if device_key.is_empty() || device_group_key.is_empty() {
        return Err(Failure::Usage("--device-key and --device-group-key must not be empty".into()));
    }
    let (device, config) = DeviceCredentials::generate(&mut rand::rng(), device_key, device_group_key);
    output::print(&serde_json::json!({"Device": device, "DeviceSecretVerifierConfig": config}));
    Ok(())
}

/// Prints a TIMESTAMP.
pub fn timestamp(unix: Option<i64>) -> Result<(), Failure> {
    let timestamp = match unix {
        Some(seconds) => Timestamp::from_unix_seconds(seconds)
            .ok_or_else(|| Failure::Usage(format!("--unix {seconds} is out of range")))?,
        None => Timestamp::now(),
    };
    println!("{timestamp}");
    Ok(())
}
