//! `device list|forget`: the device file.

use cognito_srp_auth::UserPoolId;

use crate::args::{DeviceCommand, DeviceFileArgs};
use crate::devices::DeviceFile;
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
            file.forget(&remembered.user, remembered.device.device_key())?;
            eprintln!(
                "forgot the device {} of {} in {pool}",
                remembered.device.device_key(),
                remembered.user.pool_username()
            );
        }
    }
    Ok(())
}

fn file(args: DeviceFileArgs) -> Result<DeviceFile, Failure> {
    match args.device_file {
        Some(path) => Ok(DeviceFile::new(Some(path))),
        None => Err(Failure::Usage("give --device-file (or COGNITO_DEVICE_FILE)".into())),
    }
}
