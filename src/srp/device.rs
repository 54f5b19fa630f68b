//! Remembered devices: the secrets a client keeps, and the verifier
//! ConfirmDevice registers.

use core::fmt;

use rand_core::CryptoRng;
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

use super::math::{Salt, compute_x, exponent_256};
use crate::encoding::{encode_base64, pad_hex};
use crate::modpow::pow_g;
use crate::secret::{DevicePassword, eq_in_constant_time};

/// What a client must store to sign in again as a remembered device:
/// Cognito's `DeviceKey` and `DeviceGroupKey` (from `NewDeviceMetadata`) and
/// the device password the client made for it.
///
/// Store it per pool username (the challenge's `USERNAME`, not the alias
/// typed), or every sign-in looks like a new device. With the `serde`
/// feature it serializes with the device password in clear: protect the store.
/// `==` compares in constant time.
#[derive(Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct DeviceCredentials {
    device_key: String,
    device_group_key: String,
    device_password: DevicePassword,
}

impl DeviceCredentials {
    /// Credentials stored from an earlier confirmation.
    pub fn new(
        device_key: impl Into<String>,
        device_group_key: impl Into<String>,
        device_password: DevicePassword,
    ) -> Self {
        DeviceCredentials { device_key: device_key.into(), device_group_key: device_group_key.into(), device_password }
    }

    /// Makes a new device's password and the verifier for ConfirmDevice.
    ///
    /// Draws 40 random bytes (their Base64 text is the password), then 16
    /// salt bytes, and computes `x = H(padHex(salt) || H(DeviceGroupKey ||
    /// DeviceKey || ":" || password))` and `v = g^x mod N`. Store the
    /// returned credentials *before* sending ConfirmDevice: a verifier that
    /// Cognito accepted is useless without them.
    pub fn generate<R: CryptoRng + ?Sized>(
        rng: &mut R,
        device_key: impl Into<String>,
        device_group_key: impl Into<String>,
    ) -> (Self, DeviceSecretVerifierConfig) {
        let mut random_password = Zeroizing::new([0u8; 40]);
        rng.fill_bytes(random_password.as_mut_slice());
        let mut salt_bytes = [0u8; 16];
        rng.fill_bytes(&mut salt_bytes);

        let credentials = DeviceCredentials::new(
            device_key,
            device_group_key,
            DevicePassword::new(encode_base64(random_password.as_slice())),
        );
        let salt = Salt::from_unsigned_bytes(&salt_bytes);
        let x = compute_x(
            &salt,
            &credentials.device_group_key,
            &credentials.device_key,
            credentials.device_password.as_bytes(),
        );
        // v = g^x is password-equivalent: only its Base64 text, for the caller
        // to send, outlives this function.
        let verifier = Zeroizing::new(pow_g(&exponent_256(&x)));
        let verifier_bytes = Zeroizing::new(verifier.to_be_bytes());
        let config = DeviceSecretVerifierConfig {
            password_verifier: encode_base64(&Zeroizing::new(pad_hex(verifier_bytes.as_slice()))),
            salt: encode_base64(salt.as_bytes()),
        };
        (credentials, config)
    }

    /// Cognito's `DeviceKey`: `<region>_<uuid>`.
    pub fn device_key(&self) -> &str {
        &self.device_key
    }

    /// Cognito's `DeviceGroupKey`.
    pub fn device_group_key(&self) -> &str {
        &self.device_group_key
    }

    /// The device password.
    pub fn device_password(&self) -> &DevicePassword {
        &self.device_password
    }
}

impl ConstantTimeEq for DeviceCredentials {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.device_key.as_bytes().ct_eq(other.device_key.as_bytes())
            & self.device_group_key.as_bytes().ct_eq(other.device_group_key.as_bytes())
            & self.device_password.ct_eq(&other.device_password)
    }
}

eq_in_constant_time!(DeviceCredentials);

impl fmt::Debug for DeviceCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCredentials")
            .field("device_key", &self.device_key)
            .field("device_group_key", &self.device_group_key)
            .field("device_password", &self.device_password)
            .finish()
    }
}

/// ConfirmDevice's `DeviceSecretVerifierConfig`: public values, safe to send.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct DeviceSecretVerifierConfig {
    password_verifier: String,
    salt: String,
}

impl DeviceSecretVerifierConfig {
    /// `PasswordVerifier`: Base64 of padHex(g^x mod N).
    pub fn password_verifier(&self) -> &str {
        &self.password_verifier
    }

    /// `Salt`: Base64 of padHex(the 16 salt bytes as an integer), 14 to 17 bytes.
    pub fn salt(&self) -> &str {
        &self.salt
    }
}
