//! Pausing a sign-in while a prompt is out, and resuming it later.

use core::fmt;
use std::collections::HashMap;

use super::machine::{Flow, State};
use super::{AppClient, Prompt, Prompted, SignIn};
use crate::error::Error;
use crate::srp::DeviceCredentials;

/// A sign-in paused while a prompt is out, to resume later, possibly in
/// another process: a web back end can answer an MFA prompt in a later
/// request. It holds the session and the remembered device's credentials
/// (device password included): keep it where you would keep those.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct PausedSignIn {
    username: String,
    device: Option<DeviceCredentials>,
    session: Option<String>,
    client_metadata: Option<HashMap<String, String>>,
    challenge: String,
    prompt: Prompt,
}

impl PausedSignIn {
    /// The prompt that is out.
    pub fn prompt(&self) -> &Prompt {
        &self.prompt
    }
}

impl fmt::Debug for PausedSignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PausedSignIn")
            .field("username", &self.username)
            .field("challenge", &self.challenge)
            .field("prompt", &self.prompt)
            .finish_non_exhaustive()
    }
}

impl SignIn {
    /// Pauses the sign-in while a [`Prompt`] is out. Anything else (a
    /// request in flight holds SRP secrets that must not outlive it) is
    /// [`Error::OutOfOrder`].
    pub fn pause(&self) -> Result<PausedSignIn, Error> {
        let State::Prompted(prompted) = &self.state else {
            return Err(Error::OutOfOrder);
        };
        Ok(PausedSignIn {
            username: self.username.clone(),
            device: self.device.clone(),
            session: self.session.clone(),
            client_metadata: self.client_metadata.clone(),
            challenge: prompted.challenge.clone(),
            prompt: prompted.prompt.clone(),
        })
    }

    /// Resumes a paused sign-in with the same app client; answer its prompt next.
    pub fn resume(client: AppClient, paused: PausedSignIn) -> Self {
        SignIn {
            client,
            username: paused.username,
            password: None,
            device: paused.device,
            session: paused.session,
            client_metadata: paused.client_metadata,
            flow: Flow::Resumed,
            state: State::Prompted(Prompted { challenge: paused.challenge, prompt: paused.prompt }),
        }
    }
}
