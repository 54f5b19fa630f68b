//! `device list|forget`: the device file.

use crate::args::{DeviceCommand, DeviceFileArgs};
use crate::devices::DeviceFile;
use crate::failure::Failure;
use crate::output;

/// Runs a `device` subcommand.
pub fn run(command: DeviceCommand) -> Result<(), Failure> {
    match command {
        DeviceCommand::List { devices } => {
            let file = DeviceFile::open(required(devices)?)?;
            let listed: Vec<serde_json::Value> = file
                .list()
                .into_iter()
                .map(|(pool, user, key)| serde_json::json!({"UserPoolId": pool, "Username": user, "DeviceKey": key}))
                .collect();
            output::print(&serde_json::json!({"Devices": listed}));
        }
        DeviceCommand::Forget(args) => {
            let pool = cognito_srp_auth::UserPoolId::parse(&args.user_pool_id)
                .map_err(|e| Failure::Usage(format!("--user-pool-id {:?}: {e}", args.user_pool_id)))?;
            let file = DeviceFile::open(required(args.devices)?)?;
            if !file.forget(&pool, &args.username)? {
                return Err(Failure::Usage(format!("no device remembered for {} in {pool}", args.username)));
            }
            eprintln!("forgot the device of {} in {pool}", args.username);
        }
    }
    Ok(())
}

fn required(args: DeviceFileArgs) -> Result<Option<std::path::PathBuf>, Failure> {
    match args.device_file {
        Some(path) => Ok(Some(path)),
        None => Err(Failure::Usage("give --device-file (or COGNITO_DEVICE_FILE)".into())),
    }
}
