//! The device lifecycle: which remembered device a sign-in uses, and what
//! happens to a new one once the tokens are in hand (save, ConfirmDevice,
//! the user's choice to remember it). From the tokens on nothing fails:
//! every outcome ends in [`Step::Done`] with the tokens.

use rand_core::CryptoRng;

use super::body;
use super::machine::{Flow, State};
use super::request::{Request, parse, update_device_status};
use super::{DeviceOutcome, NewDevice, NotConfirmed, PoolUser, Prompt, SignIn, SignedIn, Step};
use crate::error::Error;
use crate::srp::DeviceCredentials;
use crate::timestamp::Timestamp;
use crate::tokens::Tokens;
use crate::wire::{AuthenticationResultType, ConfirmDeviceResponse, DeviceSecretVerifierConfigType, Operation};

/// The sign-in's result with the new device's outcome filled in.
pub(super) fn with_outcome(mut signed_in: SignedIn, outcome: DeviceOutcome) -> SignedIn {
    if let Some(device) = &mut signed_in.new_device {
        device.outcome = outcome;
    }
    signed_in
}

impl SignIn {
    /// Before InitiateAuth: the flows that must send DEVICE_KEY before
    /// Cognito names the user look the typed name up in what earlier
    /// sign-ins learned; a refresh names the pool user itself.
    pub(super) fn device_for_initiate(&mut self) -> Result<(), Error> {
        let Some(store) = &self.store else { return Ok(()) };
        let pool = self.client.user_pool_id.clone();
        let pool_username = match &self.flow {
            Flow::UserPassword | Flow::UserAuth { .. } => {
                store.pool_username(&pool, &self.typed).map_err(Error::DeviceStore)?
            }
            Flow::Refresh { .. } => Some(self.typed.clone()),
            _ => None,
        };
        match pool_username {
            Some(name) => self.load_device(PoolUser::new(pool, name)),
            None => Ok(()),
        }
    }

    /// Once Cognito names the user (`USER_ID_FOR_SRP`): that user's device,
    /// and never one stored for someone else.
    pub(super) fn device_for_user(&mut self, pool_username: &str) -> Result<(), Error> {
        if self.store.is_none() {
            return Ok(());
        }
        match &self.device_owner {
            Some(owner) if owner.pool_username() == pool_username => return Ok(()),
            Some(_) => {
                self.device = None;
                self.device_owner = None;
            }
            // A device the caller handed in: theirs to vouch for.
            None if self.device.is_some() => return Ok(()),
            None => {}
        }
        self.load_device(PoolUser::new(self.client.user_pool_id.clone(), pool_username))
    }

    fn load_device(&mut self, user: PoolUser) -> Result<(), Error> {
        let Some(store) = &self.store else { return Ok(()) };
        if let Some(device) = store.load(&user).map_err(Error::DeviceStore)? {
            self.device = Some(device);
            self.device_owner = Some(user);
        }
        Ok(())
    }

    /// Cognito no longer knows the device: drop it, and from the store.
    pub(super) fn forget_device(&mut self) -> Result<(), Error> {
        let device = self.device.take();
        if let (Some(store), Some(owner), Some(device)) = (&self.store, self.device_owner.take(), device) {
            store.forget(&owner, device.device_key()).map_err(Error::DeviceStore)?;
        }
        Ok(())
    }

    /// Tokens arrived. From here on every failure is reported beside them.
    pub(super) fn finish<R: CryptoRng + ?Sized>(
        &mut self,
        mut result: AuthenticationResultType,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Step, Error> {
        let new_device_metadata = result.new_device_metadata.take();
        let tokens = Tokens::from_result(result, now).map_err(Error::IncompleteTokens)?;
        self.password = None;
        // A flow with no challenge never saw the pool username: the access
        // token's `username` claim carries it.
        if let Some(username) = username_claim(tokens.access_token().expose_secret()) {
            self.username = username;
        }
        let user = PoolUser::new(self.client.user_pool_id.clone(), self.username.clone());
        let mut store_warning = None;
        if let Some(store) = &self.store
            && !matches!(self.flow, Flow::Refresh { .. })
        {
            store_warning = store.learn_username(&self.typed, &user).err();
        }
        let mut signed_in = SignedIn { tokens, user, new_device: None, store_warning };
        let Some(metadata) = new_device_metadata else {
            return Ok(self.done(signed_in));
        };
        let not_confirmed = |why| DeviceOutcome::NotConfirmed { why };
        signed_in.new_device = Some(NewDevice {
            device_key: metadata.device_key.clone(),
            outcome: not_confirmed(NotConfirmed::NoDeviceStore),
        });
        let Some(store) = self.store.clone() else {
            return Ok(self.done(signed_in));
        };
        if metadata.device_key.is_empty() || metadata.device_group_key.is_empty() {
            let why = Error::Protocol { reason: "NewDeviceMetadata with an empty DeviceKey or DeviceGroupKey" };
            return Ok(self.done(with_outcome(signed_in, not_confirmed(NotConfirmed::Failed(Box::new(why))))));
        }
        let (device, config) =
            DeviceCredentials::generate(rng, metadata.device_key.as_str(), metadata.device_group_key.as_str());
        // The password must be kept before Cognito learns its verifier.
        if let Err(error) = store.save(&signed_in.user, &device) {
            return Ok(self.done(with_outcome(signed_in, not_confirmed(NotConfirmed::SaveFailed(error)))));
        }
        let verifier = DeviceSecretVerifierConfigType {
            password_verifier: config.password_verifier().to_owned(),
            salt: config.salt().to_owned(),
        };
        let body = body::ConfirmDevice {
            access_token: signed_in.tokens.access_token().expose_secret(),
            device_key: &metadata.device_key,
            device_secret_verifier_config: &verifier,
            device_name: None,
        };
        let request = Request::new(Operation::ConfirmDevice, None, &body);
        self.state = State::AwaitingConfirmDevice(signed_in);
        Ok(Step::Send(request))
    }

    pub(super) fn on_confirm_device(&mut self, mut signed_in: SignedIn, status: u16, body: &[u8]) -> Step {
        let device_key = signed_in.new_device.as_ref().map(|d| d.device_key.clone()).unwrap_or_default();
        match parse::<ConfirmDeviceResponse>(status, body) {
            Ok(response) if !response.user_confirmation_necessary => {
                self.done(with_outcome(signed_in, DeviceOutcome::Remembered))
            }
            Ok(_) => {
                self.state = State::RememberDevice(signed_in);
                Step::Prompt(Prompt::RememberDevice { device_key })
            }
            Err(Error::Service(refusal)) => {
                // Refused: the stored password protects nothing.
                if let Some(store) = &self.store
                    && let Err(error) = store.forget(&signed_in.user, &device_key)
                {
                    signed_in.store_warning = Some(error);
                }
                let outcome = DeviceOutcome::NotConfirmed { why: NotConfirmed::Refused(refusal) };
                self.done(with_outcome(signed_in, outcome))
            }
            Err(other) => {
                let outcome = DeviceOutcome::NotConfirmed { why: NotConfirmed::Failed(Box::new(other)) };
                self.done(with_outcome(signed_in, outcome))
            }
        }
    }

    pub(super) fn update_device_status(&mut self, signed_in: SignedIn, remembered: bool) -> Request {
        let device_key = signed_in.new_device.as_ref().map(|d| d.device_key.as_str()).unwrap_or_default();
        let request = update_device_status(signed_in.tokens.access_token(), device_key, remembered);
        self.state = State::AwaitingDeviceStatus { signed_in, remembered };
        request
    }

    pub(super) fn on_device_status(&mut self, signed_in: SignedIn, remembered: bool, status: u16, body: &[u8]) -> Step {
        let outcome = match parse::<serde_json::Value>(status, body) {
            Ok(_) if remembered => DeviceOutcome::Remembered,
            Ok(_) => DeviceOutcome::NotRemembered,
            Err(why) => DeviceOutcome::StatusNotUpdated { remembered, why: Box::new(why) },
        };
        self.done(with_outcome(signed_in, outcome))
    }

    fn done(&mut self, signed_in: SignedIn) -> Step {
        self.state = State::Ended;
        Step::Done(signed_in)
    }
}

/// The `username` claim of a JWT, read without checking its signature (the
/// client only needs the name; the service checks the token).
fn username_claim(token: &str) -> Option<String> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let claims: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims.get("username")?.as_str().filter(|u| !u.is_empty()).map(str::to_owned)
}
