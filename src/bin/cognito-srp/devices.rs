//! The device file: remembered devices by user pool and pool username.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use cognito_srp_auth::{DeviceCredentials, UserPoolId};

use crate::failure::Failure;

/// A device file, or none (`--device-file` not given).
pub struct DeviceFile {
    path: Option<PathBuf>,
}

impl DeviceFile {
    /// The file at `path`, when given.
    pub fn open(path: Option<PathBuf>) -> Result<Self, Failure> {
        Ok(DeviceFile { path })
    }

    /// Whether there is a file to keep devices in.
    pub fn is_given(&self) -> bool {
        self.path.is_some()
    }

    /// The device remembered for a user of a pool.
    pub fn load(&self, pool: &UserPoolId, username: &str) -> Option<DeviceCredentials> {
        let path = self.path.as_deref()?;
        read(path).remove(&key(pool, username))
    }

    /// Remembers a device.
    pub fn save(&self, pool: &UserPoolId, username: &str, device: DeviceCredentials) -> Result<(), Failure> {
        let Some(path) = self.path.as_deref() else {
            return Err(Failure::Usage("no --device-file to keep the device in".into()));
        };
        let mut devices = read(path);
        devices.insert(key(pool, username), device);
        write(path, &devices)
            .map_err(|e| Failure::Unexpected(format!("could not save the device to {}: {e}", path.display())))
    }

    /// Forgets a device.
    pub fn forget(&self, pool: &UserPoolId, username: &str) -> Result<bool, Failure> {
        let Some(path) = self.path.as_deref() else { return Ok(false) };
        let mut devices = read(path);
        let had = devices.remove(&key(pool, username)).is_some();
        write(path, &devices).map_err(|e| Failure::Unexpected(format!("could not write {}: {e}", path.display())))?;
        Ok(had)
    }

    /// Every remembered device: (pool, username, device key).
    pub fn list(&self) -> Vec<(String, String, String)> {
        let Some(path) = self.path.as_deref() else { return Vec::new() };
        read(path)
            .into_iter()
            .filter_map(|(k, d)| {
                let (pool, user) = k.split_once('/')?;
                Some((pool.to_owned(), user.to_owned(), d.device_key().to_owned()))
            })
            .collect()
    }
}

fn key(pool: &UserPoolId, username: &str) -> String {
    format!("{}/{username}", pool.as_str())
}

fn read(path: &Path) -> BTreeMap<String, DeviceCredentials> {
    std::fs::read(path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
}

/// Writes the file, readable by its owner only.
fn write(path: &Path, devices: &BTreeMap<String, DeviceCredentials>) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(&serde_json::to_vec_pretty(devices).map_err(io::Error::other)?)
}
