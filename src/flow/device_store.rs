//! Where remembered devices live between sign-ins.
//!
//! A remembered device belongs to one user of one user pool, named as the
//! pool names them (the challenge's `USER_ID_FOR_SRP`, the access token's
//! `username` claim), never as typed: `alice@example.com` and `ALICE` may
//! be the same user, and the same `alice` in two pools is two users. The
//! machine looks a device up once it knows that name, saves a new device
//! before ConfirmDevice registers it, and forgets it when Cognito no longer
//! knows it.

use core::fmt;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::DeviceStoreError;
use crate::srp::DeviceCredentials;
use crate::user_pool::UserPoolId;

/// A user as a user pool names them: what a remembered device belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PoolUser {
    user_pool_id: UserPoolId,
    pool_username: String,
}

impl PoolUser {
    /// The user `pool_username` (the pool's own name, not an alias) of `user_pool_id`.
    pub fn new(user_pool_id: UserPoolId, pool_username: impl Into<String>) -> Self {
        PoolUser { user_pool_id, pool_username: pool_username.into() }
    }

    /// The user pool.
    pub fn user_pool_id(&self) -> &UserPoolId {
        &self.user_pool_id
    }

    /// The pool's username for the user.
    pub fn pool_username(&self) -> &str {
        &self.pool_username
    }
}

/// Keeps remembered devices, keyed by [`PoolUser`], and what each name a
/// user typed turned out to be in the pool.
///
/// Methods take `&self`: an implementation does its own locking, so one
/// store can serve sign-ins on many threads (hand it in as an
/// `Arc<dyn DeviceStore>`). Every method can fail, because losing a device
/// password orphans a device on the server: the machine does not send
/// ConfirmDevice unless [`save`](Self::save) succeeded.
pub trait DeviceStore: Send + Sync {
    /// The device remembered for `user`, if any.
    fn load(&self, user: &PoolUser) -> Result<Option<DeviceCredentials>, DeviceStoreError>;

    /// Remembers `device` for `user`, replacing what was there. Return only
    /// once the credentials are durable.
    fn save(&self, user: &PoolUser, device: &DeviceCredentials) -> Result<(), DeviceStoreError>;

    /// Drops the device `device_key` of `user` (Cognito no longer knows it,
    /// or refused to confirm it). A different device stored since stays.
    fn forget(&self, user: &PoolUser, device_key: &str) -> Result<(), DeviceStoreError>;

    /// The pool username behind `typed` in `user_pool_id`, as an earlier
    /// sign-in learned it ([`learn_username`](Self::learn_username)), or
    /// `typed` itself when a device is stored under that name; `None` when
    /// nothing is known. USER_PASSWORD_AUTH and USER_AUTH must send
    /// DEVICE_KEY before Cognito names the user, and use this to find it.
    fn pool_username(&self, user_pool_id: &UserPoolId, typed: &str) -> Result<Option<String>, DeviceStoreError>;

    /// Records that `typed` signed in as `user`.
    fn learn_username(&self, typed: &str, user: &PoolUser) -> Result<(), DeviceStoreError>;
}

/// The contents of a store: devices by user, and typed names by pool.
#[derive(Default)]
pub(super) struct Devices {
    pub(super) devices: HashMap<PoolUser, DeviceCredentials>,
    pub(super) usernames: HashMap<(UserPoolId, String), String>,
}

impl Devices {
    pub(super) fn forget(&mut self, user: &PoolUser, device_key: &str) {
        if self.devices.get(user).is_some_and(|d| d.device_key() == device_key) {
            self.devices.remove(user);
        }
    }

    pub(super) fn pool_username(&self, user_pool_id: &UserPoolId, typed: &str) -> Option<String> {
        let learned = self.usernames.get(&(user_pool_id.clone(), typed.to_owned())).cloned();
        learned.or_else(|| {
            let user = PoolUser::new(user_pool_id.clone(), typed);
            self.devices.contains_key(&user).then(|| typed.to_owned())
        })
    }

    pub(super) fn learn_username(&mut self, typed: &str, user: &PoolUser) {
        self.usernames.insert((user.user_pool_id.clone(), typed.to_owned()), user.pool_username.clone());
    }
}

/// A [`DeviceStore`] in memory: for tests, and for apps that keep devices
/// elsewhere and copy them in and out.
#[derive(Default)]
pub struct MemoryDeviceStore {
    inner: Mutex<Devices>,
}

impl MemoryDeviceStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many devices it holds.
    pub fn len(&self) -> usize {
        self.lock().devices.len()
    }

    /// Whether it holds no device.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Devices> {
        // A panic elsewhere cannot leave the maps half-written: every update is one insert or remove.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryDeviceStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryDeviceStore").field("devices", &self.len()).finish_non_exhaustive()
    }
}

impl DeviceStore for MemoryDeviceStore {
    fn load(&self, user: &PoolUser) -> Result<Option<DeviceCredentials>, DeviceStoreError> {
        Ok(self.lock().devices.get(user).cloned())
    }

    fn save(&self, user: &PoolUser, device: &DeviceCredentials) -> Result<(), DeviceStoreError> {
        self.lock().devices.insert(user.clone(), device.clone());
        Ok(())
    }

    fn forget(&self, user: &PoolUser, device_key: &str) -> Result<(), DeviceStoreError> {
        self.lock().forget(user, device_key);
        Ok(())
    }

    fn pool_username(&self, user_pool_id: &UserPoolId, typed: &str) -> Result<Option<String>, DeviceStoreError> {
        Ok(self.lock().pool_username(user_pool_id, typed))
    }

    fn learn_username(&self, typed: &str, user: &PoolUser) -> Result<(), DeviceStoreError> {
        self.lock().learn_username(typed, user);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DevicePassword;

    fn pool(id: &str) -> UserPoolId {
        UserPoolId::parse(id).expect("valid")
    }

    fn device(key: &str) -> DeviceCredentials {
        DeviceCredentials::new(key, "group", DevicePassword::from("pw"))
    }

    #[test]
    fn devices_are_kept_per_pool_and_pool_username() {
        let store = MemoryDeviceStore::new();
        let (a, b) = (PoolUser::new(pool("eu-west-1_A"), "alice"), PoolUser::new(pool("eu-west-1_B"), "alice"));
        store.save(&a, &device("eu-west-1_a")).expect("saved");
        assert_eq!(store.load(&b).expect("loads"), None, "another pool's alice has no device");
        store.save(&b, &device("eu-west-1_b")).expect("saved");
        assert_eq!(store.load(&a).expect("loads").map(|d| d.device_key().to_owned()).as_deref(), Some("eu-west-1_a"));
        store.forget(&a, "eu-west-1_other").expect("forgets");
        assert!(store.load(&a).expect("loads").is_some(), "forgetting another key keeps the device");
        store.forget(&a, "eu-west-1_a").expect("forgets");
        assert_eq!(store.load(&a).expect("loads"), None);
        assert!(store.load(&b).expect("loads").is_some());
    }

    #[test]
    fn typed_names_resolve_to_what_was_learned_in_that_pool() {
        let store = MemoryDeviceStore::new();
        let user = PoolUser::new(pool("eu-west-1_A"), "alice");
        assert_eq!(store.pool_username(user.user_pool_id(), "alice").expect("reads"), None);
        store.save(&user, &device("eu-west-1_a")).expect("saved");
        assert_eq!(store.pool_username(user.user_pool_id(), "alice").expect("reads").as_deref(), Some("alice"));
        store.learn_username("alice@example.com", &user).expect("learns");
        let resolved = store.pool_username(user.user_pool_id(), "alice@example.com").expect("reads");
        assert_eq!(resolved.as_deref(), Some("alice"));
        assert_eq!(store.pool_username(&pool("eu-west-1_B"), "alice@example.com").expect("reads"), None);
    }
}
