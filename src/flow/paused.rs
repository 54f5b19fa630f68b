//! Pausing a sign-in while a prompt is out, and resuming it later,
//! possibly in another process: a web back end answers an MFA prompt in a
//! later request.

use core::fmt;
use std::collections::HashMap;

use super::machine::{Flow, MAX_ROUND_TRIPS, State};
use super::{AppClient, PoolUser, Prompt, SignIn};
use crate::error::Error;
use crate::srp::DeviceCredentials;
use crate::timestamp::Timestamp;
use crate::tokens::Session;

/// The format version this crate writes and reads.
const VERSION: u32 = 1;
/// Cognito's longest session lifetime (an app client's
/// AuthSessionValidity is 3 to 15 minutes): an older pause cannot go on.
const MAX_AGE_SECONDS: i64 = 15 * 60;
/// How far ahead of the resuming clock a pause may be (clock skew between hosts).
const MAX_SKEW_SECONDS: i64 = 60;

/// A sign-in paused while a prompt is out.
///
/// It holds the session and the remembered device's credentials (device
/// password included), and the TOTP seed only when paused with
/// [`SignIn::pause_with_totp_seed`]: keep it where you would keep those,
/// and where nobody else can change it (it carries no signature of its
/// own). Serialised with `serde`, every field is checked on
/// [`SignIn::resume`]; unknown fields are refused.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PausedSignIn {
    /// The format version, 1. Another is refused.
    version: u32,
    /// The user pool of the sign-in; resuming with another is refused.
    user_pool_id: String,
    /// The app client of the sign-in; resuming with another is refused.
    client_id: String,
    /// When it was paused, in Unix seconds of the pausing clock: a pause
    /// older than any Cognito session (15 minutes) is refused.
    paused_at: i64,
    /// The name the user typed.
    typed_username: String,
    /// The pool username (the last challenge's `USERNAME`).
    username: String,
    /// The remembered device the sign-in goes by, password included.
    device: Option<DeviceCredentials>,
    /// The pool username the device store keeps `device` under, when it
    /// came from the store (it is forgotten there if Cognito no longer knows it).
    device_owner: Option<String>,
    /// The challenge's `Session`, echoed with the answer.
    session: Option<Session>,
    /// `ClientMetadata` for the pool's Lambda triggers.
    client_metadata: Option<HashMap<String, String>>,
    /// The prompt that is out; the challenge it answers follows from it.
    /// A software-token seed is written only when asked for: otherwise the
    /// prompt is [`Prompt::SoftwareTokenSetupCode`].
    prompt: Prompt,
}

impl PausedSignIn {
    /// The prompt that is out.
    pub fn prompt(&self) -> &Prompt {
        &self.prompt
    }

    /// When it was paused.
    pub fn paused_at(&self) -> Option<Timestamp> {
        Timestamp::from_unix_seconds(self.paused_at)
    }
}

impl fmt::Debug for PausedSignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PausedSignIn")
            .field("user_pool_id", &self.user_pool_id)
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("paused_at", &self.paused_at)
            .field("prompt", &self.prompt)
            .finish_non_exhaustive()
    }
}

impl SignIn {
    /// Pauses the sign-in while a [`Prompt`] is out, at `now`. A TOTP seed
    /// being shown ([`Prompt::SoftwareTokenSecret`]) is left out: the
    /// resumed prompt asks for the authenticator's code. Anything else than
    /// a prompt (a request in flight holds SRP secrets that must not
    /// outlive it; after the tokens nothing is left to pause) is
    /// [`Error::OutOfOrder`].
    pub fn pause(&self, now: Timestamp) -> Result<PausedSignIn, Error> {
        let mut paused = self.pause_with_totp_seed(now)?;
        if matches!(paused.prompt, Prompt::SoftwareTokenSecret { .. }) {
            paused.prompt = Prompt::SoftwareTokenSetupCode;
        }
        Ok(paused)
    }

    /// [`pause`](Self::pause), keeping the TOTP seed of a
    /// [`Prompt::SoftwareTokenSecret`] in the paused form, in clear.
    pub fn pause_with_totp_seed(&self, now: Timestamp) -> Result<PausedSignIn, Error> {
        let State::Prompted(prompt) = &self.state else {
            return Err(Error::OutOfOrder);
        };
        Ok(PausedSignIn {
            version: VERSION,
            user_pool_id: self.client.user_pool_id.as_str().to_owned(),
            client_id: self.client.client_id.clone(),
            paused_at: now.unix_seconds(),
            typed_username: self.typed.clone(),
            username: self.username.clone(),
            device: self.device.clone(),
            device_owner: self.device_owner.as_ref().map(|owner| owner.pool_username().to_owned()),
            session: self.session.clone(),
            client_metadata: self.client_metadata.clone(),
            prompt: prompt.clone(),
        })
    }

    /// Resumes a paused sign-in at `now` with the app client it was paused
    /// with; its prompt comes next ([`SignIn::next_step`], or any driver).
    /// Add the device store again with [`with_device_store`](Self::with_device_store).
    pub fn resume(client: AppClient, paused: PausedSignIn, now: Timestamp) -> Result<Self, Error> {
        let refuse = |reason| Err(Error::ResumeRefused { reason });
        if paused.version != VERSION {
            return refuse("another format version");
        }
        if paused.user_pool_id != client.user_pool_id.as_str() {
            return refuse("paused for another user pool");
        }
        if paused.client_id != client.client_id {
            return refuse("paused for another app client");
        }
        let age = now.unix_seconds().saturating_sub(paused.paused_at);
        if age > MAX_AGE_SECONDS {
            return refuse("paused longer ago than any Cognito session lives");
        }
        if age < -MAX_SKEW_SECONDS {
            return refuse("paused in the future");
        }
        if paused.prompt.challenge_name().is_none() {
            return refuse("a prompt that cannot be paused");
        }
        if paused.username.is_empty() || paused.typed_username.is_empty() {
            return refuse("an empty username");
        }
        if paused.device_owner.is_some() && paused.device.is_none() {
            return refuse("a stored device's owner without the device");
        }
        let device_owner = paused.device_owner.map(|owner| PoolUser::new(client.user_pool_id.clone(), owner));
        Ok(SignIn {
            client,
            typed: paused.typed_username,
            username: paused.username,
            password: None,
            device: paused.device,
            device_owner,
            store: None,
            session: paused.session,
            client_metadata: paused.client_metadata,
            flow: Flow::Resumed,
            state: State::Prompted(paused.prompt),
            // A resumed sign-in may not loop for longer than a fresh one.
            round_trips: MAX_ROUND_TRIPS / 2,
        })
    }
}
