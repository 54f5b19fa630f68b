//! A [`DeviceStore`] in one JSON file, for command-line tools and desktop apps.

use core::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::device_store::{DeviceStore, Devices, PoolUser};
use crate::error::DeviceStoreError;
use crate::srp::DeviceCredentials;
use crate::user_pool::UserPoolId;

/// The file format's version: a file of another version is refused, not rewritten.
const VERSION: u32 = 1;

/// Keeps devices in a JSON file that only its owner may read.
///
/// Every change reads the file, changes it and writes it whole to a
/// temporary file beside it (mode 0600 on Unix), which then replaces it by
/// rename: a crash leaves the old file or the new one, never half of one.
/// A file that is not a device store (corrupt, another version) is refused
/// with an error naming it, and never overwritten; on Unix, so is a file
/// that its group or others may read, since it holds device passwords.
/// Changes from one process are serialised; two processes writing the
/// same file at once may lose one's change.
pub struct JsonFileDeviceStore {
    path: PathBuf,
    lock: Mutex<()>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    #[serde(default)]
    devices: Vec<StoredDevice>,
    #[serde(default)]
    usernames: Vec<LearnedUsername>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredDevice {
    user_pool_id: String,
    pool_username: String,
    device: DeviceCredentials,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LearnedUsername {
    user_pool_id: String,
    typed: String,
    pool_username: String,
}

impl JsonFileDeviceStore {
    /// A store in the file at `path`. The file is created at the first
    /// save; nothing is read until the store is used.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        JsonFileDeviceStore { path: path.into(), lock: Mutex::new(()) }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, what: &str, source: io::Error) -> DeviceStoreError {
        DeviceStoreError::with_source(format!("device store {}: {what}: {source}", self.path.display()), source)
    }

    fn read(&self) -> Result<Devices, DeviceStoreError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => Zeroizing::new(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Devices::default()),
            Err(e) => return Err(self.error("cannot read it", e)),
        };
        self.check_permissions()?;
        let refuse = |why: String| {
            DeviceStoreError::new(format!(
                "device store {} is not a device store file ({why}); it is left as it is: move it away or repair it",
                self.path.display()
            ))
        };
        let file: File = serde_json::from_slice(&bytes).map_err(|e| refuse(e.to_string()))?;
        if file.version != VERSION {
            return Err(refuse(format!("version {}, this program reads version {VERSION}", file.version)));
        }
        let pool = |id: &str| UserPoolId::parse(id).map_err(|_| refuse(format!("{id:?} is not a user pool id")));
        let mut devices = Devices::default();
        for entry in file.devices {
            devices.devices.insert(PoolUser::new(pool(&entry.user_pool_id)?, entry.pool_username), entry.device);
        }
        for entry in file.usernames {
            devices.usernames.insert((pool(&entry.user_pool_id)?, entry.typed), entry.pool_username);
        }
        Ok(devices)
    }

    #[cfg(unix)]
    fn check_permissions(&self) -> Result<(), DeviceStoreError> {
        use std::os::unix::fs::PermissionsExt;
        let metadata = fs::metadata(&self.path).map_err(|e| self.error("cannot read its permissions", e))?;
        let mode = metadata.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(DeviceStoreError::new(format!(
                "device store {} holds device passwords but its group or others may access it (mode {:o}); \
                 run `chmod 600 {}`",
                self.path.display(),
                mode & 0o777,
                self.path.display()
            )));
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn check_permissions(&self) -> Result<(), DeviceStoreError> {
        Ok(())
    }

    fn write(&self, devices: &Devices) -> Result<(), DeviceStoreError> {
        let mut file = File { version: VERSION, devices: Vec::new(), usernames: Vec::new() };
        for (user, device) in &devices.devices {
            file.devices.push(StoredDevice {
                user_pool_id: user.user_pool_id().as_str().to_owned(),
                pool_username: user.pool_username().to_owned(),
                device: device.clone(),
            });
        }
        for ((pool, typed), pool_username) in &devices.usernames {
            file.usernames.push(LearnedUsername {
                user_pool_id: pool.as_str().to_owned(),
                typed: typed.clone(),
                pool_username: pool_username.clone(),
            });
        }
        // Sorted, so the file changes only where the store did.
        file.devices.sort_by(|a, b| (&a.user_pool_id, &a.pool_username).cmp(&(&b.user_pool_id, &b.pool_username)));
        file.usernames.sort_by(|a, b| (&a.user_pool_id, &a.typed).cmp(&(&b.user_pool_id, &b.typed)));
        let json = Zeroizing::new(
            serde_json::to_vec_pretty(&file)
                .map_err(|e| DeviceStoreError::with_source("cannot encode the device store", e))?,
        );
        let temporary = self.temporary_path();
        let written = write_private(&temporary, &json).and_then(|()| fs::rename(&temporary, &self.path));
        if let Err(e) = written {
            let _ = fs::remove_file(&temporary);
            return Err(self.error("cannot write it", e));
        }
        Ok(())
    }

    fn temporary_path(&self) -> PathBuf {
        let name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
    }

    /// Reads, changes and writes the file under the lock.
    fn update<T>(&self, change: impl FnOnce(&mut Devices) -> T) -> Result<T, DeviceStoreError> {
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let mut devices = self.read()?;
        let result = change(&mut devices);
        self.write(&devices)?;
        Ok(result)
    }

    fn inspect<T>(&self, look: impl FnOnce(&Devices) -> T) -> Result<T, DeviceStoreError> {
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(look(&self.read()?))
    }
}

/// Writes a new file readable by its owner only, and flushes it to disk.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let _ = fs::remove_file(path);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

impl fmt::Debug for JsonFileDeviceStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonFileDeviceStore").field("path", &self.path).finish_non_exhaustive()
    }
}

impl DeviceStore for JsonFileDeviceStore {
    fn load(&self, user: &PoolUser) -> Result<Option<DeviceCredentials>, DeviceStoreError> {
        self.inspect(|devices| devices.devices.get(user).cloned())
    }

    fn save(&self, user: &PoolUser, device: &DeviceCredentials) -> Result<(), DeviceStoreError> {
        self.update(|devices| {
            devices.devices.insert(user.clone(), device.clone());
        })
    }

    fn forget(&self, user: &PoolUser, device_key: &str) -> Result<(), DeviceStoreError> {
        self.update(|devices| devices.forget(user, device_key))
    }

    fn pool_username(&self, user_pool_id: &UserPoolId, typed: &str) -> Result<Option<String>, DeviceStoreError> {
        self.inspect(|devices| devices.pool_username(user_pool_id, typed))
    }

    fn learn_username(&self, typed: &str, user: &PoolUser) -> Result<(), DeviceStoreError> {
        if self.pool_username(user.user_pool_id(), typed)?.as_deref() == Some(user.pool_username()) {
            return Ok(());
        }
        self.update(|devices| devices.learn_username(typed, user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DevicePassword;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cognito-srp-store-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    fn user() -> PoolUser {
        PoolUser::new(UserPoolId::parse("eu-west-1_A").expect("valid"), "alice")
    }

    fn device() -> DeviceCredentials {
        DeviceCredentials::new("eu-west-1_k", "group", DevicePassword::from("device password"))
    }

    #[test]
    fn devices_and_names_survive_a_new_store_on_the_same_file() {
        let path = temp_dir("round-trip").join("devices.json");
        let store = JsonFileDeviceStore::new(&path);
        assert_eq!(store.load(&user()).expect("an absent file is empty"), None);
        store.save(&user(), &device()).expect("saved");
        store.learn_username("alice@example.com", &user()).expect("learned");
        let again = JsonFileDeviceStore::new(&path);
        assert_eq!(again.load(&user()).expect("loads"), Some(device()));
        let resolved = again.pool_username(user().user_pool_id(), "alice@example.com").expect("reads");
        assert_eq!(resolved.as_deref(), Some("alice"));
        again.forget(&user(), "eu-west-1_k").expect("forgets");
        assert_eq!(store.load(&user()).expect("loads"), None);
        let leftovers: Vec<_> = fs::read_dir(path.parent().expect("dir")).expect("lists").collect();
        assert_eq!(leftovers.len(), 1, "no temporary file stays behind");
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_and_a_readable_one_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let path = temp_dir("mode").join("devices.json");
        let store = JsonFileDeviceStore::new(&path);
        store.save(&user(), &device()).expect("saved");
        assert_eq!(fs::metadata(&path).expect("exists").permissions().mode() & 0o777, 0o600);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
        let error = store.load(&user()).expect_err("refused");
        assert!(error.message().contains("chmod 600"), "{error}");
        let error = store.save(&user(), &device()).expect_err("refused");
        assert!(error.message().contains("mode 644"), "{error}");
    }

    #[test]
    fn a_corrupt_file_is_refused_and_left_alone() {
        let path = temp_dir("corrupt").join("devices.json");
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(&path).expect("created").write_all(b"{\"version\": 1, \"devices\": [tru").expect("written");
        let store = JsonFileDeviceStore::new(&path);
        let error = store.save(&user(), &device()).expect_err("refused");
        assert!(error.message().contains("not a device store file"), "{error}");
        assert_eq!(fs::read(&path).expect("still there"), b"{\"version\": 1, \"devices\": [tru");
        fs::write(&path, b"{\"version\": 2}").expect("written");
        assert!(store.load(&user()).expect_err("refused").message().contains("version 2"));
    }
}
