//! Every prompt a sign-in can raise, put to the person in Cognito's words
//! and answered from the terminal.

use std::collections::{BTreeMap, HashMap};

use cognito_srp_auth::Password;
use cognito_srp_auth::flow::{Answer, MfaType, Prompt, Selection, ServiceError};

use crate::authenticator::{otpauth_uri, qr_code};
use crate::failure::Failure;
use crate::terminal::Terminal;

/// Times a new password may be mistyped before the command gives up.
const NEW_PASSWORD_TRIES: u32 = 3;

/// Answers prompts for one sign-in.
pub struct Person<'a> {
    pub terminal: &'a Terminal,
    /// `--attribute NAME=VALUE`s, for NEW_PASSWORD_REQUIRED.
    pub attributes: HashMap<String, String>,
    /// The authenticator app's issuer and account, for MFA_SETUP.
    pub issuer: String,
    pub account: String,
    /// `--no-remember`: decline where the pool asks whether to remember the device.
    pub no_remember: bool,
}

impl Person<'_> {
    /// Puts a prompt to the person, saying first if Cognito refused the last answer.
    pub fn answer(&mut self, prompt: &Prompt, refused: Option<&ServiceError>) -> Result<Answer, Failure> {
        if let Some(refusal) = refused {
            self.terminal.say(&format!("Cognito refused that answer ({refusal}); try again."));
        }
        Ok(match prompt {
            Prompt::SoftwareTokenMfa => Answer::Code(self.code("SOFTWARE_TOKEN_MFA", "your authenticator app")?),
            Prompt::SmsMfa { destination } => Answer::Code(self.sent_code("SMS_MFA", destination, "your phone")?),
            Prompt::SmsOtp { destination } => Answer::Code(self.sent_code("SMS_OTP", destination, "your phone")?),
            Prompt::EmailOtp { destination } => Answer::Code(self.sent_code("EMAIL_OTP", destination, "your email")?),
            Prompt::SelectMfaType { options } => Answer::MfaType(self.select_mfa_type(options)?),
            Prompt::MfaSetup { options } => self.mfa_setup(options)?,
            Prompt::SoftwareTokenSecret { secret_code } => {
                self.show_authenticator_secret(secret_code.expose_secret());
                Answer::Code(self.code("MFA_SETUP", "the authenticator app you just set up")?)
            }
            Prompt::SoftwareTokenSetupCode => Answer::Code(self.code("MFA_SETUP", "the authenticator app you set up")?),
            Prompt::RememberDevice { device_key } => Answer::RememberDevice(self.remember_device(device_key)?),
            Prompt::NewPasswordRequired { required_attributes, .. } => self.new_password(required_attributes)?,
            Prompt::CustomChallenge { parameters } => Answer::Custom(self.custom_challenge(parameters)?),
            Prompt::SelectChallenge { available } => Answer::Select(self.select_challenge(available)?),
            Prompt::WebAuthn { .. } => {
                return Err(Failure::Unexpected(
                    "Cognito asks for a passkey (WEB_AUTHN), which a terminal cannot give".into(),
                ));
            }
            other => {
                return Err(Failure::Unexpected(format!("Cognito asks {other:?}, which this version cannot answer")));
            }
        })
    }

    fn code(&self, challenge: &str, from: &str) -> Result<String, Failure> {
        self.terminal.line(&format!("{challenge}: code from {from}:"))
    }

    fn sent_code(&self, challenge: &str, destination: &Option<String>, fallback: &str) -> Result<String, Failure> {
        self.code(challenge, &format!("the message sent to {}", destination.as_deref().unwrap_or(fallback)))
    }

    fn select_mfa_type(&self, options: &[String]) -> Result<MfaType, Failure> {
        let known: Vec<(MfaType, String)> = options
            .iter()
            .filter_map(|name| {
                let (kind, what) = match name.as_str() {
                    "SOFTWARE_TOKEN_MFA" => (MfaType::SoftwareToken, "a code from an authenticator app"),
                    "SMS_MFA" => (MfaType::Sms, "a code by text message"),
                    "EMAIL_OTP" => (MfaType::Email, "a code by email"),
                    _ => return None,
                };
                Some((kind, format!("{name}: {what}")))
            })
            .collect();
        if known.is_empty() {
            return Err(Failure::Unexpected(format!(
                "SELECT_MFA_TYPE offers no second factor known here: {options:?}"
            )));
        }
        let labels: Vec<String> = known.iter().map(|(_, label)| label.clone()).collect();
        let chosen = self.terminal.choose("SELECT_MFA_TYPE: choose the second factor", &labels)?;
        Ok(known[chosen].0)
    }

    fn mfa_setup(&self, options: &[String]) -> Result<Answer, Failure> {
        let known: Vec<&str> =
            options.iter().map(String::as_str).filter(|o| matches!(*o, "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP")).collect();
        let chosen = match known.as_slice() {
            [] => return Err(Failure::Unexpected(format!("MFA_SETUP offers nothing known here: {options:?}"))),
            [only] => {
                self.terminal.say(&format!("MFA_SETUP: the pool requires a second factor; setting up {only}"));
                *only
            }
            several => {
                let labels: Vec<String> = several
                    .iter()
                    .map(|o| match *o {
                        "SOFTWARE_TOKEN_MFA" => format!("{o}: an authenticator app"),
                        _ => format!("{o}: codes by email"),
                    })
                    .collect();
                several[self.terminal.choose("MFA_SETUP: the pool requires a second factor; set up", &labels)?]
            }
        };
        Ok(match chosen {
            "SOFTWARE_TOKEN_MFA" => Answer::SetUpSoftwareToken,
            _ => Answer::SetUpEmailMfa { email: self.terminal.line("MFA_SETUP: email address for the codes:")? },
        })
    }

    fn show_authenticator_secret(&self, secret: &str) {
        let uri = otpauth_uri(&self.issuer, &self.account, secret);
        self.terminal.say("MFA_SETUP: add this account to your authenticator app (scan the QR code, or open the URI):");
        if let Some(drawn) = qr_code(&uri) {
            self.terminal.say(&drawn);
        }
        self.terminal.say(&uri);
        self.terminal.say(&format!("(or type the secret by hand: {secret})"));
    }

    fn new_password(&self, required: &[String]) -> Result<Answer, Failure> {
        self.terminal.say("NEW_PASSWORD_REQUIRED: the password is temporary; choose a new one.");
        let password = self.new_password_twice()?;
        let mut attributes = self.attributes.clone();
        for name in required {
            if !attributes.contains_key(name) {
                let value =
                    self.terminal.line(&format!("NEW_PASSWORD_REQUIRED: value for the required attribute {name}:"))?;
                attributes.insert(name.clone(), value);
            }
        }
        Ok(Answer::NewPassword { password, attributes })
    }

    fn new_password_twice(&self) -> Result<Password, Failure> {
        for _ in 0..NEW_PASSWORD_TRIES {
            let first = self.terminal.secret("New password:")?;
            let second = self.terminal.secret("New password again:")?;
            if *first == *second {
                return Ok(Password::from(first.as_str()));
            }
            self.terminal.say("The two passwords differ; again.");
        }
        Err(Failure::Cancelled(format!("the new password was typed differently {NEW_PASSWORD_TRIES} times")))
    }

    fn custom_challenge(&self, parameters: &HashMap<String, String>) -> Result<String, Failure> {
        self.terminal.say("CUSTOM_CHALLENGE from the pool's Lambda trigger:");
        let sorted: BTreeMap<&String, &String> = parameters.iter().filter(|(name, _)| *name != "USERNAME").collect();
        for (name, value) in sorted {
            self.terminal.say(&format!("  {name}: {value}"));
        }
        self.terminal.line("CUSTOM_CHALLENGE: answer:")
    }

    fn select_challenge(&self, available: &[String]) -> Result<Selection, Failure> {
        let known: Vec<&str> = available
            .iter()
            .map(String::as_str)
            .filter(|c| matches!(*c, "PASSWORD_SRP" | "PASSWORD" | "EMAIL_OTP" | "SMS_OTP"))
            .collect();
        if known.is_empty() {
            return Err(Failure::Unexpected(format!(
                "SELECT_CHALLENGE offers nothing a terminal can do: {available:?}"
            )));
        }
        let labels: Vec<String> = known
            .iter()
            .map(|c| {
                let what = match *c {
                    "PASSWORD_SRP" => "the password, proven by SRP (it is not sent)",
                    "PASSWORD" => "the password, sent over TLS",
                    "EMAIL_OTP" => "a code by email",
                    _ => "a code by text message",
                };
                format!("{c}: {what}")
            })
            .collect();
        Ok(match known[self.terminal.choose("SELECT_CHALLENGE: choose how to sign in", &labels)?] {
            "PASSWORD_SRP" => Selection::PasswordSrp(self.password()?),
            "PASSWORD" => Selection::Password(self.password()?),
            "EMAIL_OTP" => Selection::EmailOtp,
            _ => Selection::SmsOtp,
        })
    }

    /// Where the pool lets the user choose (`UserConfirmationNecessary`).
    fn remember_device(&self, device_key: &str) -> Result<bool, Failure> {
        if self.no_remember {
            self.terminal.say(&format!("not remembering the device {device_key}: --no-remember"));
            return Ok(false);
        }
        let answer = self.terminal.line("Remember this device, so it can skip MFA next time? [y/n]:")?;
        Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
    }

    /// The password, asked when the sign-in needs it.
    pub fn password(&self) -> Result<Password, Failure> {
        Ok(Password::from(self.terminal.secret("Password:")?.as_str()))
    }
}
