//! The SRP steps of a sign-in: USER_SRP_AUTH → PASSWORD_VERIFIER, and
//! DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER, plus new-device verifiers.

mod challenge;
mod device;
pub(crate) mod math;

pub use challenge::{DevicePasswordVerifierChallenge, PasswordVerifierChallenge};
pub use device::{DeviceCredentials, DeviceSecretVerifierConfig};

use core::fmt;

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::encoding::to_minimal_hex;
use crate::error::{Defect, Error};
use crate::modpow::{Exponent, Residue, pow_g};
use crate::secret::Password;
use crate::timestamp::Timestamp;
use crate::user_pool::UserPoolId;
use challenge::SrpParameters;

/// How many random bits the private ephemeral `a` has.
///
/// Cognito cannot tell: the choice is the client's. The default,
/// [`Bits256`](Self::Bits256), is NIST SP 800-56A rev. 3's rule for
/// finite-field Diffie–Hellman (a private exponent of at least twice the
/// group's security strength; a 3072-bit group gives 128 bits) and what
/// AWS Amplify's Swift client draws. It makes S's exponent `a + u·x` about
/// 513 bits instead of 1025, so a sign-in costs about half as much as with
/// [`Bits1024`](Self::Bits1024), the size AWS's JavaScript client draws
/// (128 random bytes); choose that for byte-for-byte parity with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrivateExponentSize {
    /// 256 random bits (32 bytes).
    #[default]
    Bits256,
    /// 1024 random bits (128 bytes), as the AWS JavaScript client draws.
    Bits1024,
}

impl PrivateExponentSize {
    fn bytes(self) -> usize {
        match self {
            PrivateExponentSize::Bits256 => 32,
            PrivateExponentSize::Bits1024 => 128,
        }
    }
}

/// One SRP round's ephemeral key pair: the secret `a` and the public
/// `SRP_A = g^a mod N`.
///
/// Make a fresh one for every round (USER_SRP_AUTH, and again for
/// DEVICE_SRP_AUTH); answering a challenge consumes it, so it cannot be used
/// twice. `a` is zeroized on drop.
pub struct SrpEphemeral {
    a: Exponent,
    public: Residue,
    srp_a: String,
}

impl SrpEphemeral {
    /// Draws `a` from a cryptographically secure `rng` (big-endian bytes of
    /// the chosen size) and computes `SRP_A`. A draw whose `SRP_A` would be
    /// 0 or 1 (only an all-zero `a`) is discarded and drawn again.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R, size: PrivateExponentSize) -> Self {
        loop {
            let mut bytes = Zeroizing::new(vec![0u8; size.bytes()]);
            rng.fill_bytes(&mut bytes);
            let a = Exponent::from_be_bytes(&bytes).unwrap_or_else(|| unreachable!("at most 128 bytes"));
            let public = pow_g(&a);
            if public != Residue::one() && public != Residue::zero() {
                let srp_a = to_minimal_hex(&public.to_be_bytes());
                return SrpEphemeral { a, public, srp_a };
            }
        }
    }

    /// `SRP_A`: `g^a mod N` as minimal lowercase hex, exactly as Cognito
    /// receives it from the AWS clients.
    pub fn srp_a(&self) -> &str {
        &self.srp_a
    }

    /// Answers PASSWORD_VERIFIER: derives the session key from the user's
    /// password and returns the signer for `PASSWORD_CLAIM_SIGNATURE`.
    ///
    /// x and the signature use the pool name and the challenge's
    /// `USER_ID_FOR_SRP`, not the name the user typed.
    pub fn answer_password_verifier(
        self,
        user_pool_id: &UserPoolId,
        password: &Password,
        challenge: &PasswordVerifierChallenge,
    ) -> Result<PasswordClaimSigner, Error> {
        self.claim_signer(user_pool_id.pool_name(), challenge.user_id_for_srp(), password.as_bytes(), challenge.srp())
    }

    /// Answers DEVICE_PASSWORD_VERIFIER with a remembered device's secrets:
    /// the device group key takes the pool name's place, the device key the
    /// user id's, and the device password the password's.
    pub fn answer_device_password_verifier(
        self,
        device: &DeviceCredentials,
        challenge: &DevicePasswordVerifierChallenge,
    ) -> Result<PasswordClaimSigner, Error> {
        self.claim_signer(
            device.device_group_key(),
            device.device_key(),
            device.device_password().as_bytes(),
            challenge.srp(),
        )
    }

    fn claim_signer(
        self,
        prefix: &str,
        id: &str,
        password: &[u8],
        srp: &SrpParameters,
    ) -> Result<PasswordClaimSigner, Error> {
        let u = math::compute_u(&self.public, srp.srp_b.residue());
        if u == [0; 32] {
            return Err(Error::invalid("SRP_B", Defect::ZeroScrambler));
        }
        let x = math::compute_x(&srp.salt, prefix, id, password);
        let s = math::compute_s(&self.a, &srp.srp_b, &x, &u);
        Ok(PasswordClaimSigner {
            key: math::derive_key(&s, &u),
            prefix: prefix.to_owned(),
            id: id.to_owned(),
            secret_block: srp.secret_block.clone(),
        })
    }
}

impl fmt::Debug for SrpEphemeral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SrpEphemeral").field("a", &"<redacted>").field("srp_a", &self.srp_a).finish()
    }
}

/// Holds the key derived in one SRP round and signs password claims with it.
///
/// Signing again with a later [`Timestamp`] is how a client re-sends
/// PASSWORD_VERIFIER (for instance without DEVICE_KEY after Cognito reports
/// the device gone) without a new SRP round. The key is zeroized on drop.
pub struct PasswordClaimSigner {
    key: Zeroizing<[u8; 16]>,
    prefix: String,
    id: String,
    secret_block: math::SecretBlock,
}

impl PasswordClaimSigner {
    /// Signs `poolName || USER_ID_FOR_SRP || SECRET_BLOCK || TIMESTAMP` (for a
    /// device: group key and device key first).
    pub fn sign(&self, timestamp: Timestamp) -> PasswordClaim {
        let timestamp = timestamp.to_string();
        PasswordClaim {
            signature: math::sign(&self.key, &self.prefix, &self.id, self.secret_block.bytes(), &timestamp),
            secret_block: self.secret_block.text().to_owned(),
            timestamp,
        }
    }
}

impl fmt::Debug for PasswordClaimSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordClaimSigner").field("key", &"<redacted>").field("id", &self.id).finish_non_exhaustive()
    }
}

/// The three values a PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER)
/// answer carries besides USERNAME and the optional DEVICE_KEY.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordClaim {
    secret_block: String,
    signature: String,
    timestamp: String,
}

impl PasswordClaim {
    /// `PASSWORD_CLAIM_SECRET_BLOCK`: the challenge's `SECRET_BLOCK`, unchanged.
    pub fn secret_block(&self) -> &str {
        &self.secret_block
    }

    /// `PASSWORD_CLAIM_SIGNATURE`, standard Base64.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// `TIMESTAMP`, the signed instant as Cognito formats it.
    pub fn timestamp(&self) -> &str {
        &self.timestamp
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::modpow::mont::counter;

    /// A deterministic stand-in for a CSPRNG.
    struct Counter(u8);

    impl rand_core::TryRng for Counter {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(u32::from(self.0))
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(u64::from(self.0))
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for byte in dst {
                self.0 = self.0.wrapping_mul(31).wrapping_add(7);
                *byte = self.0;
            }
            Ok(())
        }
    }

    impl rand_core::TryCryptoRng for Counter {}

    fn sign_in(size: PrivateExponentSize) -> u64 {
        let challenge = PasswordVerifierChallenge::from_parameters(&HashMap::from([
            ("SRP_B", "5c3a1f0e9d8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e"),
            ("SALT", "0ef9cba755bd775303b351be65d7b3b6"),
            ("SECRET_BLOCK", "c2VjcmV0IGJsb2Nr"),
            ("USER_ID_FOR_SRP", "user"),
            ("USERNAME", "user"),
        ]))
        .expect("valid");
        let pool = UserPoolId::parse("us-east-1_AbC").expect("valid");
        // Build the shared fixed-base table outside the count.
        let _ = pow_g(&Exponent::from_be_bytes(&[1]).expect("fits"));
        counter::take();
        let ephemeral = SrpEphemeral::generate(&mut Counter(size.bytes() as u8), size);
        let _ = ephemeral.answer_password_verifier(&pool, &Password::from("pw"), &challenge).expect("claim");
        counter::take()
    }

    /// The budget of Montgomery operations (multiplications and squarings)
    /// per sign-in: A by the comb (31 squarings + 32 multiplications per 256
    /// bits), g^x likewise for 256 bits, k·g^x, and S by the window method
    /// (a squaring per exponent bit plus a multiplication per window).
    #[test]
    fn a_sign_in_stays_within_its_montgomery_budget() {
        let bits_1024 = sign_in(PrivateExponentSize::Bits1024);
        let bits_256 = sign_in(PrivateExponentSize::Bits256);
        assert!(bits_1024 <= 1_500, "1024-bit a: {bits_1024} operations");
        assert!(bits_256 <= 800, "256-bit a: {bits_256} operations");
        // A generic window exponentiation of A alone would cost ~1250.
        assert!(bits_1024 > 1_200 && bits_256 > 600, "the count is live: {bits_1024}, {bits_256}");
    }

    #[test]
    fn a_device_verifier_stays_within_its_montgomery_budget() {
        let _ = pow_g(&Exponent::from_be_bytes(&[1]).expect("fits"));
        counter::take();
        let _ = DeviceCredentials::generate(&mut Counter(3), "us-east-1_d", "g");
        let operations = counter::take();
        assert!((60..=70).contains(&operations), "{operations} operations");
    }
}
