//! The end of a successful sign-in: the tokens, who signed in, and what
//! became of a new device. Whatever failed after the tokens arrived is
//! reported here, beside them.

use super::{PoolUser, ServiceError};
use crate::error::{DeviceStoreError, Error};
use crate::tokens::Tokens;

/// The end of a successful sign-in.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub(super) tokens: Tokens,
    pub(super) user: PoolUser,
    pub(super) new_device: Option<NewDevice>,
    pub(super) store_warning: Option<DeviceStoreError>,
}

impl SignedIn {
    /// The tokens.
    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    /// The pool's username for the user: what SECRET_HASH on refresh is
    /// computed over ([`SignIn::refresh`](super::SignIn::refresh)).
    pub fn username(&self) -> &str {
        self.user.pool_username()
    }

    /// The user, as the pool names them: what the device store keys on.
    pub fn user(&self) -> &PoolUser {
        &self.user
    }

    /// What became of the new device, when Cognito issued one.
    pub fn new_device(&self) -> Option<&NewDevice> {
        self.new_device.as_ref()
    }

    /// A device-store failure that did not stop the sign-in: recording the
    /// name typed for the pool username, or forgetting a device Cognito
    /// refused to confirm. The next sign-in may ask for MFA again.
    pub fn store_warning(&self) -> Option<&DeviceStoreError> {
        self.store_warning.as_ref()
    }
}

/// A device Cognito issued at the end of a sign-in (`NewDeviceMetadata`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDevice {
    pub(super) device_key: String,
    pub(super) outcome: DeviceOutcome,
}

impl NewDevice {
    /// The device key.
    pub fn device_key(&self) -> &str {
        &self.device_key
    }

    /// Whether it was confirmed and remembered.
    pub fn outcome(&self) -> &DeviceOutcome {
        &self.outcome
    }
}

/// What became of a new device. The sign-in succeeded in every case.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeviceOutcome {
    /// Stored, confirmed and remembered: the next sign-in as this user
    /// signs in as the device (device SRP, and no MFA where the pool allows).
    Remembered,
    /// Stored and confirmed, and the user chose not to remember it.
    NotRemembered,
    /// Stored and confirmed; the pool lets the user choose whether to
    /// remember it and nobody answered ([`Prompt::RememberDevice`](super::Prompt::RememberDevice)
    /// was declined). Send [`update_device_status`](super::update_device_status) later to choose.
    UserMayOptIn,
    /// Stored and confirmed, but UpdateDeviceStatus failed.
    StatusNotUpdated {
        /// What the user chose.
        remembered: bool,
        /// Why the call failed.
        why: Box<Error>,
    },
    /// Not confirmed: the next sign-in is a new device again.
    NotConfirmed {
        /// Why not.
        why: NotConfirmed,
    },
}

/// Why a new device was not confirmed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotConfirmed {
    /// The sign-in had no device store: a device whose password nobody
    /// keeps is not registered.
    NoDeviceStore,
    /// Saving the device failed, so ConfirmDevice was not sent.
    SaveFailed(DeviceStoreError),
    /// ConfirmDevice was refused; the stored device was forgotten again.
    Refused(ServiceError),
    /// ConfirmDevice could not be sent or its answer not read (the device
    /// stays stored: Cognito may have registered it).
    Failed(Box<Error>),
}
