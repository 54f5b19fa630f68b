//! The device file: the crate's [`JsonFileDeviceStore`], remembered devices
//! by user pool and pool username, and the names users typed for them. The
//! sign-in machine does the saving, looking up and forgetting; the commands
//! here check the file first and list or forget by hand.

use std::path::PathBuf;
use std::sync::Arc;

use cognito_srp_auth::flow::{DeviceStore, DeviceStoreError, JsonFileDeviceStore, PoolUser};
use cognito_srp_auth::{DeviceCredentials, UserPoolId};

use crate::failure::Failure;

/// A device file, or none (`--device-file` not given).
pub struct DeviceFile {
    store: Option<Arc<JsonFileDeviceStore>>,
}

/// A remembered device found for a typed name.
pub struct Remembered {
    pub user: PoolUser,
    pub device: DeviceCredentials,
}

impl DeviceFile {
    /// The file at `path`, when given. Nothing is read yet.
    pub fn new(path: Option<PathBuf>) -> Self {
        DeviceFile { store: path.map(|path| Arc::new(JsonFileDeviceStore::new(path))) }
    }

    /// The store, for the sign-in machine.
    pub fn store(&self) -> Option<Arc<dyn DeviceStore>> {
        self.store.clone().map(|store| store as Arc<dyn DeviceStore>)
    }

    /// The device of the user `typed` names in `pool`: the pool username an
    /// earlier sign-in learned for it, else `typed` itself. Reading the file
    /// checks it (a corrupt or readable-by-others file is refused).
    pub fn find(&self, pool: &UserPoolId, typed: &str) -> Result<Option<Remembered>, Failure> {
        let Some(store) = &self.store else { return Ok(None) };
        let user = PoolUser::new(pool.clone(), self.pool_username(pool, typed)?);
        Ok(store.load(&user).map_err(refused)?.map(|device| Remembered { user, device }))
    }

    /// The pool username for `typed`: what an earlier sign-in learned, else `typed`.
    pub fn pool_username(&self, pool: &UserPoolId, typed: &str) -> Result<String, Failure> {
        let learned = match &self.store {
            Some(store) => store.pool_username(pool, typed).map_err(refused)?,
            None => None,
        };
        Ok(learned.unwrap_or_else(|| typed.to_owned()))
    }

    /// The device stored for `user`, if any.
    pub fn load(&self, user: &PoolUser) -> Option<DeviceCredentials> {
        self.store.as_ref()?.load(user).ok().flatten()
    }

    /// Forgets the device `device_key` of `user`.
    pub fn forget(&self, user: &PoolUser, device_key: &str) -> Result<(), Failure> {
        match &self.store {
            Some(store) => store.forget(user, device_key).map_err(refused),
            None => Ok(()),
        }
    }

    /// Every remembered device: the user and the device key.
    pub fn list(&self) -> Result<Vec<(PoolUser, String)>, Failure> {
        match &self.store {
            Some(store) => store.device_keys().map_err(refused),
            None => Ok(Vec::new()),
        }
    }
}

/// The store's message says what is wrong with the file and how to fix it.
pub fn refused(error: DeviceStoreError) -> Failure {
    Failure::Usage(error.to_string())
}
