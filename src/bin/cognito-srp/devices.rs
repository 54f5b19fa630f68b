//! The device file: the crate's [`JsonFileDeviceStore`], remembered devices
//! by user pool and pool username, and the names users typed for them.

use std::path::PathBuf;

use cognito_srp_auth::flow::{DeviceStore, DeviceStoreError, JsonFileDeviceStore, PoolUser};
use cognito_srp_auth::{DeviceCredentials, UserPoolId};

use crate::failure::Failure;

/// A device file, or none (`--device-file` not given).
pub struct DeviceFile {
    store: Option<JsonFileDeviceStore>,
}

/// A remembered device found for a typed name.
pub struct Remembered {
    pub user: PoolUser,
    pub device: DeviceCredentials,
}

impl DeviceFile {
    /// The file at `path`, when given. Nothing is read yet.
    pub fn new(path: Option<PathBuf>) -> Self {
        DeviceFile { store: path.map(JsonFileDeviceStore::new) }
    }

    /// Whether there is a file to keep devices in.
    pub fn is_given(&self) -> bool {
        self.store.is_some()
    }

    /// The device of the user `typed` names in `pool`: the pool username an
    /// earlier sign-in learned for it, else `typed` itself. Reading the file
    /// checks it (a corrupt or readable-by-others file is refused).
    pub fn find(&self, pool: &UserPoolId, typed: &str) -> Result<Option<Remembered>, Failure> {
        let Some(store) = &self.store else { return Ok(None) };
        let pool_username = store.pool_username(pool, typed).map_err(refused)?.unwrap_or_else(|| typed.to_owned());
        let user = PoolUser::new(pool.clone(), pool_username);
        Ok(store.load(&user).map_err(refused)?.map(|device| Remembered { user, device }))
    }

    /// The pool username an earlier sign-in learned for `typed`, if any.
    pub fn pool_username(&self, pool: &UserPoolId, typed: &str) -> Result<Option<String>, Failure> {
        match &self.store {
            Some(store) => store.pool_username(pool, typed).map_err(refused),
            None => Ok(None),
        }
    }

    /// Remembers a new device of `user`, and that `typed` names that user.
    pub fn save(&self, user: &PoolUser, typed: &str, device: &DeviceCredentials) -> Result<(), Failure> {
        let Some(store) = &self.store else {
            return Err(Failure::Usage("no --device-file to keep the device in".into()));
        };
        store.save(user, device).map_err(refused)?;
        self.learn(user, typed)
    }

    /// Records that `typed` named `user`.
    pub fn learn(&self, user: &PoolUser, typed: &str) -> Result<(), Failure> {
        match &self.store {
            Some(store) => store.learn_username(typed, user).map_err(refused),
            None => Ok(()),
        }
    }

    /// Forgets the device `device_key` of `user`.
    pub fn forget(&self, user: &PoolUser, device_key: &str) -> Result<(), Failure> {
        match &self.store {
            Some(store) => store.forget(user, device_key).map_err(refused),
            None => Ok(()),
        }
    }
}

impl DeviceFile {
    /// Every remembered device: the user and the device key.
    pub fn list(&self) -> Result<Vec<(PoolUser, String)>, Failure> {
        match &self.store {
            Some(store) => store.device_keys().map_err(refused),
            None => Ok(Vec::new()),
        }
    }
}

/// The store's message says what is wrong with the file and how to fix it.
fn refused(error: DeviceStoreError) -> Failure {
    Failure::Usage(error.to_string())
}
