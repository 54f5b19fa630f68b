//! One module per command; what several need lives here.

pub mod device;
pub mod offline;
pub mod refresh;
pub mod sign_in;

use cognito_srp_auth::flow::AppClient;
use cognito_srp_auth::{ClientSecret, UserPoolId};

use crate::args::{AppClientArgs, DeviceFileArgs, EndpointArgs};
use crate::devices::{DeviceFile, Remembered};
use crate::exchange::Exchange;
use crate::failure::Failure;

/// The environment variable read for the client secret when
/// `--client-secret-env` is not given.
pub const CLIENT_SECRET_VAR: &str = "COGNITO_CLIENT_SECRET";

/// The app client's secret: from the variable `--client-secret-env` names
/// (which must then be set), else from `COGNITO_CLIENT_SECRET` when set.
pub fn client_secret(variable: Option<&str>) -> Result<Option<ClientSecret>, Failure> {
    let (name, required) = match variable {
        Some(name) => (name, true),
        None => (CLIENT_SECRET_VAR, false),
    };
    match std::env::var(name) {
        Ok(secret) if secret.is_empty() => Err(Failure::Usage(format!("the environment variable {name} is empty"))),
        Ok(secret) => Ok(Some(ClientSecret::from(secret))),
        Err(std::env::VarError::NotPresent) if !required => Ok(None),
        Err(std::env::VarError::NotPresent) => {
            Err(Failure::Usage(format!("the environment variable {name} (--client-secret-env) is not set")))
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::Usage(format!("the environment variable {name} is not UTF-8")))
        }
    }
}

/// The user pool and app client the flags name.
pub fn app_client(args: &AppClientArgs) -> Result<(UserPoolId, AppClient), Failure> {
    let pool = UserPoolId::parse(&args.user_pool_id)
        .map_err(|e| Failure::Usage(format!("--user-pool-id {:?}: {e}", args.user_pool_id)))?;
    if args.client_id.is_empty() {
        return Err(Failure::Usage("--client-id is empty".into()));
    }
    let mut client = AppClient::new(pool.clone(), args.client_id.clone());
    if let Some(secret) = client_secret(args.client_secret_env.as_deref())? {
        client = client.with_client_secret(secret);
    }
    Ok((pool, client))
}

/// What `sign-in` and `refresh` check before anything is asked or sent: the
/// app client, the username, the endpoint, and the device file (read, and
/// so refused if corrupt or readable by others).
pub struct Session {
    pub pool: UserPoolId,
    pub client: AppClient,
    pub exchange: Exchange,
    pub devices: DeviceFile,
    /// The device remembered for the typed username.
    pub remembered: Option<Remembered>,
}

impl Session {
    pub fn open(
        client: &AppClientArgs,
        username: &str,
        endpoint: &EndpointArgs,
        devices: &DeviceFileArgs,
    ) -> Result<Self, Failure> {
        let (pool, client) = app_client(client)?;
        if username.is_empty() {
            return Err(Failure::Usage("--username is empty".into()));
        }
        let exchange = Exchange::new(endpoint, Some(&pool))?;
        let devices = DeviceFile::new(devices.device_file.clone());
        let remembered = devices.find(&pool, username)?;
        Ok(Session { pool, client, exchange, devices, remembered })
    }
}
