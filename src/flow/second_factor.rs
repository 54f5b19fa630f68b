//! The challenges a person answers: second factors, MFA set-up, new
//! passwords, custom challenges and USER_AUTH's choice of method.

use std::collections::HashMap;

use core::mem::take;

use rand_core::CryptoRng;

use super::body::{self, Parameters};
use super::machine::{Outstanding, State};
use super::request::{Request, parse};
use super::{Answer, Prompt, Selection, ServiceError, ServiceErrorKind, SignIn, Step};
use crate::error::Defect;
use crate::error::Error;
use crate::srp::SrpEphemeral;
use crate::wire::{AssociateSoftwareTokenResponse, Operation, VerifySoftwareTokenResponse};

impl SignIn {
    pub(super) fn on_associate(&mut self, prompt: Prompt, status: u16, body: &[u8]) -> Result<Step, Error> {
        let response = match parse::<AssociateSoftwareTokenResponse>(status, body) {
            Ok(response) => response,
            Err(error) => {
                self.state = State::Prompted(prompt);
                return Err(error);
            }
        };
        let secret_code =
            response.secret_code.ok_or(Error::Protocol { reason: "AssociateSoftwareToken without SecretCode" })?;
        if response.session.is_some() {
            self.session = response.session;
        }
        let prompt = Prompt::SoftwareTokenSecret { secret_code };
        self.state = State::Prompted(prompt.clone());
        Ok(Step::Prompt(prompt))
    }

    pub(super) fn on_verify(&mut self, prompt: Prompt, status: u16, body: &[u8]) -> Result<Step, Error> {
        let response = match parse::<VerifySoftwareTokenResponse>(status, body) {
            Ok(response) => response,
            Err(error) => {
                self.state = State::Prompted(prompt);
                return Err(error);
            }
        };
        if response.status.as_deref() != Some("SUCCESS") {
            self.state = State::Prompted(prompt);
            return Err(Error::Service(ServiceError::new(
                ServiceErrorKind::CodeMismatch,
                "VerifySoftwareToken did not succeed",
            )));
        }
        if response.session.is_some() {
            self.session = response.session;
        }
        let request = self.respond("MFA_SETUP", self.username_parameter());
        self.state = State::AwaitingAuth(Outstanding::default());
        Ok(Step::Send(request))
    }

    pub(super) fn answer_prompt<R: CryptoRng + ?Sized>(
        &mut self,
        prompted: &Prompt,
        answer: Answer,
        rng: &mut R,
    ) -> Result<Request, Error> {
        let challenge = prompted.challenge_name().ok_or(Error::OutOfOrder)?;
        let mut responses = self.username_parameter();
        let mut outstanding = Outstanding { prompt: Some(prompted.clone()), ..Outstanding::default() };
        // `Answer` wipes its strings on drop: each is taken (its buffer moved
        // into a self-wiping parameter), never copied.
        let mut answer = answer;
        match (prompted, &mut answer) {
            (Prompt::SmsMfa { .. }, Answer::Code(code)) => mfa_code(&mut responses, "SMS_MFA_CODE", take(code)),
            (Prompt::SoftwareTokenMfa, Answer::Code(code)) => {
                mfa_code(&mut responses, "SOFTWARE_TOKEN_MFA_CODE", take(code))
            }
            (Prompt::EmailOtp { .. }, Answer::Code(code)) => mfa_code(&mut responses, "EMAIL_OTP_CODE", take(code)),
            (Prompt::SmsOtp { .. }, Answer::Code(code)) => mfa_code(&mut responses, "SMS_OTP_CODE", take(code)),
            (Prompt::SelectMfaType { .. }, Answer::MfaType(mfa)) => {
                responses.insert("ANSWER", mfa.challenge_name());
            }
            (Prompt::MfaSetup { .. }, Answer::SetUpSoftwareToken) => {
                let body = body::AssociateSoftwareToken { session: self.session_text() };
                let request = Request::new(Operation::AssociateSoftwareToken, None, &body);
                self.state = State::AwaitingAssociate(prompted.clone());
                return Ok(request);
            }
            (Prompt::MfaSetup { .. }, Answer::SetUpEmailMfa { email }) => {
                responses.insert("EMAIL", take(email));
            }
            (Prompt::SoftwareTokenSecret { .. } | Prompt::SoftwareTokenSetupCode, Answer::Code(code)) => {
                let code = zeroize::Zeroizing::new(take(code));
                let body = body::VerifySoftwareToken { session: self.session_text(), user_code: &code };
                let request = Request::new(Operation::VerifySoftwareToken, None, &body);
                self.state = State::AwaitingVerify(prompted.clone());
                return Ok(request);
            }
            (Prompt::NewPasswordRequired { required_attributes, .. }, Answer::NewPassword { password, attributes }) => {
                if required_attributes.iter().any(|name| !attributes.contains_key(name)) {
                    return Err(Error::invalid_input("requiredAttributes", Defect::Missing));
                }
                responses.insert("NEW_PASSWORD", password.as_str());
                for (name, value) in attributes.iter_mut() {
                    responses.insert(format!("userAttributes.{name}"), take(value));
                }
                let request = self.respond(challenge, responses);
                self.state = State::AwaitingAuth(outstanding);
                return Ok(request);
            }
            (Prompt::CustomChallenge { .. }, Answer::Custom(answer)) => {
                responses.insert("ANSWER", take(answer));
                self.add_device_key(&mut responses);
            }
            (Prompt::SelectChallenge { .. }, Answer::Select(selection)) => {
                let mut parameters = Parameters::new();
                responses.insert("ANSWER", selection_name(selection));
                self.add_selection(selection.clone(), &mut parameters, &mut outstanding, rng);
                responses.extend(parameters);
            }
            (Prompt::WebAuthn { .. }, Answer::WebAuthnCredential(credential)) => {
                responses.insert("CREDENTIAL", take(credential));
            }
            _ => return Err(Error::OutOfOrder),
        }
        if matches!(
            prompted,
            Prompt::SmsMfa { .. } | Prompt::SoftwareTokenMfa | Prompt::EmailOtp { .. } | Prompt::SelectMfaType { .. }
        ) {
            self.add_device_key(&mut responses);
        }
        let request = self.respond(challenge, responses);
        self.state = State::AwaitingAuth(outstanding);
        Ok(request)
    }

    /// The parameters a USER_AUTH selection adds (on InitiateAuth or on the
    /// SELECT_CHALLENGE answer): SRP_A for PASSWORD_SRP, PASSWORD for PASSWORD.
    pub(super) fn add_selection<R: CryptoRng + ?Sized>(
        &mut self,
        selection: Selection,
        parameters: &mut Parameters,
        outstanding: &mut Outstanding,
        rng: &mut R,
    ) {
        match selection {
            Selection::PasswordSrp(password) => {
                let ephemeral = SrpEphemeral::generate(rng, self.client.private_exponent_size);
                parameters.insert("SRP_A", ephemeral.srp_a());
                outstanding.user_srp = Some(ephemeral);
                self.password = Some(password);
            }
            Selection::Password(password) => {
                parameters.insert("PASSWORD", password.as_str());
            }
            Selection::EmailOtp | Selection::SmsOtp | Selection::WebAuthn => {}
        }
    }
}

impl SignIn {
    /// `USERNAME`, which every challenge answer carries.
    pub(super) fn username_parameter(&self) -> Parameters {
        let mut parameters = Parameters::new();
        parameters.insert("USERNAME", self.username.as_str());
        parameters
    }
}

fn mfa_code(responses: &mut Parameters, name: &'static str, code: String) {
    responses.insert(name, code);
}

pub(super) fn selection_name(selection: &Selection) -> &'static str {
    match selection {
        Selection::PasswordSrp(_) => "PASSWORD_SRP",
        Selection::Password(_) => "PASSWORD",
        Selection::EmailOtp => "EMAIL_OTP",
        Selection::SmsOtp => "SMS_OTP",
        Selection::WebAuthn => "WEB_AUTHN",
    }
}

/// A list parameter: Cognito sends JSON arrays as strings (`["SMS_MFA"]`).
fn list(parameters: &HashMap<String, String>, name: &str) -> Vec<String> {
    parameters.get(name).and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default()
}

/// The prompt for a challenge only a person can answer; `None` for a name
/// this crate does not know.
pub(super) fn prompt_for(
    challenge: &str,
    parameters: &HashMap<String, String>,
    available: Option<Vec<String>>,
) -> Option<Prompt> {
    let destination = || parameters.get("CODE_DELIVERY_DESTINATION").cloned();
    Some(match challenge {
        "SMS_MFA" => Prompt::SmsMfa { destination: destination() },
        "SOFTWARE_TOKEN_MFA" => Prompt::SoftwareTokenMfa,
        "EMAIL_OTP" => Prompt::EmailOtp { destination: destination() },
        "SMS_OTP" => Prompt::SmsOtp { destination: destination() },
        "SELECT_MFA_TYPE" => Prompt::SelectMfaType { options: list(parameters, "MFAS_CAN_CHOOSE") },
        "MFA_SETUP" => Prompt::MfaSetup { options: list(parameters, "MFAS_CAN_SETUP") },
        "NEW_PASSWORD_REQUIRED" => Prompt::NewPasswordRequired {
            required_attributes: list(parameters, "requiredAttributes")
                .into_iter()
                .map(|name| name.strip_prefix("userAttributes.").map(str::to_owned).unwrap_or(name))
                .collect(),
            user_attributes: parameters
                .get("userAttributes")
                .and_then(|text| serde_json::from_str::<HashMap<String, serde_json::Value>>(text).ok())
                .map(|map| map.into_iter().filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned()))).collect())
                .unwrap_or_default(),
        },
        "CUSTOM_CHALLENGE" => Prompt::CustomChallenge { parameters: parameters.clone() },
        "SELECT_CHALLENGE" => Prompt::SelectChallenge { available: available.unwrap_or_default() },
        "WEB_AUTHN" => Prompt::WebAuthn {
            credential_request_options: parameters.get("CREDENTIAL_REQUEST_OPTIONS").cloned().unwrap_or_default(),
        },
        _ => return None,
    })
}
