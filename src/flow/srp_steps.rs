//! The SRP challenges the machine answers itself: PASSWORD_VERIFIER, and
//! DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER for a remembered device.

use std::collections::HashMap;

use rand_core::CryptoRng;

use super::machine::{Outstanding, State};
use super::request::{Request, claim_responses};
use super::second_factor::prompt_for;
use super::{SignIn, Step};
use crate::error::Error;
use crate::srp::{DevicePasswordVerifierChallenge, PasswordClaimSigner, PasswordVerifierChallenge, SrpEphemeral};
use crate::timestamp::Timestamp;

impl SignIn {
    pub(super) fn on_challenge<R: CryptoRng + ?Sized>(
        &mut self,
        outstanding: Outstanding,
        challenge: String,
        parameters: HashMap<String, String>,
        available: Option<Vec<String>>,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Step, Error> {
        match challenge.as_str() {
            "PASSWORD_VERIFIER" => {
                let ephemeral =
                    outstanding.user_srp.ok_or(Error::Protocol { reason: "PASSWORD_VERIFIER without SRP_A" })?;
                let parsed = PasswordVerifierChallenge::from_parameters(&parameters)?;
                self.device_for_user(parsed.user_id_for_srp())?;
                let password =
                    self.password.as_ref().ok_or(Error::Protocol { reason: "PASSWORD_VERIFIER without a password" })?;
                let signer = ephemeral.answer_password_verifier(&self.client.user_pool_id, password, &parsed)?;
                Ok(Step::Send(self.send_password_verifier(signer, now)))
            }
            "DEVICE_SRP_AUTH" => {
                let device =
                    self.device.as_ref().ok_or(Error::Protocol { reason: "DEVICE_SRP_AUTH without a device" })?;
                let ephemeral = SrpEphemeral::generate(rng, self.client.private_exponent_size);
                let mut responses = self.username_parameter();
                responses.insert("DEVICE_KEY", device.device_key());
                responses.insert("SRP_A", ephemeral.srp_a());
                let request = self.respond("DEVICE_SRP_AUTH", responses);
                self.state = State::AwaitingAuth(Outstanding { device_srp: Some(ephemeral), ..Outstanding::default() });
                Ok(Step::Send(request))
            }
            "DEVICE_PASSWORD_VERIFIER" => {
                let ephemeral = outstanding
                    .device_srp
                    .ok_or(Error::Protocol { reason: "DEVICE_PASSWORD_VERIFIER without DEVICE_SRP_AUTH" })?;
                let device = self
                    .device
                    .as_ref()
                    .ok_or(Error::Protocol { reason: "DEVICE_PASSWORD_VERIFIER without a device" })?;
                let parsed = DevicePasswordVerifierChallenge::from_parameters(&parameters)?;
                let claim = ephemeral.answer_device_password_verifier(device, &parsed)?.sign(now);
                let mut responses = claim_responses(&self.username, &claim);
                responses.insert("DEVICE_KEY", device.device_key());
                let request = self.respond("DEVICE_PASSWORD_VERIFIER", responses);
                self.state = State::AwaitingAuth(Outstanding::default());
                Ok(Step::Send(request))
            }
            _ => {
                let Some(prompt) = prompt_for(&challenge, &parameters, available) else {
                    let mut parameter_names: Vec<String> = parameters.into_keys().collect();
                    parameter_names.sort();
                    return Err(Error::UnknownChallenge { name: challenge, parameter_names });
                };
                self.state = State::Prompted(prompt.clone());
                Ok(Step::Prompt(prompt))
            }
        }
    }

    /// Signs (again) and sends the PASSWORD_VERIFIER answer.
    pub(super) fn send_password_verifier(&mut self, signer: PasswordClaimSigner, now: Timestamp) -> Request {
        let claim = signer.sign(now);
        let mut responses = claim_responses(&self.username, &claim);
        self.add_device_key(&mut responses);
        let request = self.respond("PASSWORD_VERIFIER", responses);
        let retry = self.device.is_some().then_some(signer);
        self.state = State::AwaitingAuth(Outstanding { password_verifier: retry, ..Outstanding::default() });
        request
    }
}
