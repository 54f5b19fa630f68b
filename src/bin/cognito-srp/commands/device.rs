//! `device list|forget`: the device file.

use cognito_srp_auth::flow;
use cognito_srp_auth::{AccessToken, UserPoolId};

use crate::args::{DeviceCommand, DeviceFileArgs};
use crate::devices::DeviceFile;
use crate::exchange::Exchange;
use crate::failure::Failure;
use crate::output;

/// Runs a `device` subcommand.
pub fn run(command: DeviceCommand) -> Result<(), Failure> {
    match command {
        DeviceCommand::List { devices } => {
            let listed: Vec<serde_json::Value> = file(devices)?
                .list()?
                .into_iter()
                .map(|(user, key)| {
                    serde_json::json!({
                        "UserPoolId": user.user_pool_id().as_str(),
                        "Username": user.pool_username(),
                        "DeviceKey": key,
                    })
                })
                .collect();
            output::print(&serde_json::json!({"Devices": listed}));
        }
        DeviceCommand::Forget(args) => {
            let pool = UserPoolId::parse(&args.user_pool_id)
                .map_err(|e| Failure::Usage(format!("--user-pool-id {:?}: {e}", args.user_pool_id)))?;
            let file = file(args.devices)?;
            let Some(remembered) = file.find(&pool, &args.username)? else {
                return Err(Failure::Usage(format!("no device is remembered for {} in {pool}", args.username)));
            };
            let key = remembered.device.device_key();
            if let Some(variable) = &args.access_token_env {
                forget_on_cognito(variable, &Exchange::new(&args.endpoint, Some(&pool))?, key)?;
            }
            file.forget(&remembered.user, key)?;
            eprintln!(
                "forgot the device {} of {} in {pool}",
                remembered.device.device_key(),
                remembered.user.pool_username()
            );
        }
    }
    Ok(())
}

/// ForgetDevice with the access token in `variable`.
fn forget_on_cognito(variable: &str, exchange: &Exchange, device_key: &str) -> Result<(), Failure> {
    let token = std::env::var(variable).ok().filter(|token| !token.is_empty()).ok_or_else(|| {
        Failure::Usage(format!("the environment variable {variable} (--access-token-env) is not set"))
    })?;
    let request = flow::forget_device(&AccessToken::from(token), device_key);
    let (status, body) = exchange.send(&request).map_err(|error| exchange.failure(error))?;
    if status == 200 {
        return Ok(());
    }
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let kind = body["__type"].as_str().unwrap_or("an error");
    let message = body["message"].as_str().unwrap_or_default();
    if kind.ends_with("ResourceNotFoundException") {
        eprintln!("Cognito no longer knows the device {device_key}");
        return Ok(());
    }
    Err(Failure::Refused(format!("ForgetDevice answered HTTP {status}, {kind}: {message}")))
}

fn file(args: DeviceFileArgs) -> Result<DeviceFile, Failure> {
    match args.device_file {
        Some(path) => Ok(DeviceFile::new(Some(path))),
        None => Err(Failure::Usage("give --device-file (or COGNITO_DEVICE_FILE)".into())),
    }
}
