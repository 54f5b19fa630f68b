//! What a sign-in asks of the person signing in, and what they answer.

use core::fmt;
use std::collections::HashMap;

use zeroize::Zeroize;

use crate::secret::{Password, SecretCode};

/// A challenge only a person (or their authenticator) can answer. The SRP
/// challenges never show up here: the state machine answers them itself.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Prompt {
    /// `SMS_MFA`: a code sent by text message. Answer with [`Answer::Code`].
    SmsMfa {
        /// `CODE_DELIVERY_DESTINATION`, masked (`+*******1234`).
        destination: Option<String>,
    },
    /// `SOFTWARE_TOKEN_MFA`: a code from the user's authenticator app.
    SoftwareTokenMfa,
    /// `EMAIL_OTP`: a code sent by email. Answer with [`Answer::Code`].
    EmailOtp {
        /// `CODE_DELIVERY_DESTINATION`, masked.
        destination: Option<String>,
    },
    /// `SMS_OTP`: a one-time sign-in code sent by text message.
    SmsOtp {
        /// `CODE_DELIVERY_DESTINATION`, masked.
        destination: Option<String>,
    },
    /// `SELECT_MFA_TYPE`: choose a second factor. Answer with [`Answer::MfaType`].
    SelectMfaType {
        /// `MFAS_CAN_CHOOSE`: `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`.
        options: Vec<String>,
    },
    /// `MFA_SETUP`: the user must set up a second factor first. Answer with
    /// [`Answer::SetUpSoftwareToken`] (the machine then asks Cognito for a
    /// secret and prompts with [`Prompt::SoftwareTokenSecret`]) or
    /// [`Answer::SetUpEmailMfa`].
    MfaSetup {
        /// `MFAS_CAN_SETUP`.
        options: Vec<String>,
    },
    /// The TOTP secret to load into an authenticator during MFA_SETUP.
    /// Answer with [`Answer::Code`], the authenticator's current code.
    SoftwareTokenSecret {
        /// Base32 secret (`AssociateSoftwareToken`'s `SecretCode`), redacted in `Debug`.
        secret_code: SecretCode,
    },
    /// `NEW_PASSWORD_REQUIRED`: the user signed in with a temporary password.
    /// Answer with [`Answer::NewPassword`].
    NewPasswordRequired {
        /// `requiredAttributes`: attribute names that must be given.
        required_attributes: Vec<String>,
        /// `userAttributes`: the user's current attributes.
        user_attributes: HashMap<String, String>,
    },
    /// `CUSTOM_CHALLENGE`, from the pool's Lambda triggers. Answer with [`Answer::Custom`].
    CustomChallenge {
        /// The challenge's parameters, as the trigger set them.
        parameters: HashMap<String, String>,
    },
    /// `SELECT_CHALLENGE` (USER_AUTH): choose how to sign in. Answer with
    /// [`Answer::Select`].
    SelectChallenge {
        /// `AvailableChallenges`: `PASSWORD_SRP`, `PASSWORD`, `EMAIL_OTP`, `SMS_OTP`, `WEB_AUTHN`.
        available: Vec<String>,
    },
    /// `WEB_AUTHN`: sign with a passkey. Answer with [`Answer::WebAuthnCredential`].
    WebAuthn {
        /// `CREDENTIAL_REQUEST_OPTIONS`: JSON for the platform's passkey API.
        credential_request_options: String,
    },
    /// MFA set-up resumed from a [`PausedSignIn`](super::PausedSignIn) that
    /// was written without the TOTP seed: the user loaded it into the
    /// authenticator before the pause. Answer with [`Answer::Code`], the
    /// authenticator's current code.
    SoftwareTokenSetupCode,
    /// The user is signed in and ConfirmDevice answered
    /// `UserConfirmationNecessary`: the pool lets the user choose whether
    /// to remember this device. Answer with [`Answer::RememberDevice`]; the
    /// machine sends UpdateDeviceStatus. The tokens are already in hand:
    /// declining to answer still ends the sign-in with them.
    RememberDevice {
        /// The new device's key.
        device_key: String,
    },
}

impl Prompt {
    /// The challenge this prompt answers; `None` for prompts outside a
    /// challenge (RememberDevice comes after the tokens).
    pub(crate) fn challenge_name(&self) -> Option<&'static str> {
        Some(match self {
            Prompt::SmsMfa { .. } => "SMS_MFA",
            Prompt::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
            Prompt::EmailOtp { .. } => "EMAIL_OTP",
            Prompt::SmsOtp { .. } => "SMS_OTP",
            Prompt::SelectMfaType { .. } => "SELECT_MFA_TYPE",
            Prompt::MfaSetup { .. } | Prompt::SoftwareTokenSecret { .. } | Prompt::SoftwareTokenSetupCode => {
                "MFA_SETUP"
            }
            Prompt::NewPasswordRequired { .. } => "NEW_PASSWORD_REQUIRED",
            Prompt::CustomChallenge { .. } => "CUSTOM_CHALLENGE",
            Prompt::SelectChallenge { .. } => "SELECT_CHALLENGE",
            Prompt::WebAuthn { .. } => "WEB_AUTHN",
            Prompt::RememberDevice { .. } => return None,
        })
    }
}

/// The second factors `SELECT_MFA_TYPE` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum MfaType {
    /// `SMS_MFA`.
    Sms,
    /// `SOFTWARE_TOKEN_MFA`.
    SoftwareToken,
    /// `EMAIL_OTP`.
    Email,
}

impl MfaType {
    pub(crate) fn challenge_name(self) -> &'static str {
        match self {
            MfaType::Sms => "SMS_MFA",
            MfaType::SoftwareToken => "SOFTWARE_TOKEN_MFA",
            MfaType::Email => "EMAIL_OTP",
        }
    }
}

/// How to go on from `SELECT_CHALLENGE`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Selection {
    /// `PASSWORD_SRP`: the password, proven by SRP (it never leaves the client).
    PasswordSrp(Password),
    /// `PASSWORD`: the password itself, sent over TLS.
    Password(Password),
    /// `EMAIL_OTP`: a code by email.
    EmailOtp,
    /// `SMS_OTP`: a code by text message.
    SmsOtp,
    /// `WEB_AUTHN`: a passkey.
    WebAuthn,
}

/// An answer to a [`Prompt`].
///
/// `Debug` hides codes, passwords, custom answers, passkey assertions,
/// addresses and attribute values: it shows which answer, not what it says.
/// Its strings are wiped on drop (the machine moves them into the request
/// it sends, uncopied), so an answer cannot be taken apart by value.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Answer {
    /// A one-time code (SMS, email, authenticator).
    Code(String),
    /// The second factor chosen at `SELECT_MFA_TYPE`.
    MfaType(MfaType),
    /// At `MFA_SETUP`: set up an authenticator app.
    SetUpSoftwareToken,
    /// At `MFA_SETUP`: set up email codes, to this address.
    SetUpEmailMfa {
        /// The address.
        email: String,
    },
    /// At `NEW_PASSWORD_REQUIRED`.
    NewPassword {
        /// The new password.
        password: Password,
        /// Values for the required attributes (name without `userAttributes.`).
        attributes: HashMap<String, String>,
    },
    /// At `CUSTOM_CHALLENGE`: `ANSWER`.
    Custom(String),
    /// At `SELECT_CHALLENGE`.
    Select(Selection),
    /// At `WEB_AUTHN`: the passkey assertion JSON the platform produced.
    WebAuthnCredential(String),
    /// At [`Prompt::RememberDevice`]: `true` marks the device remembered
    /// (later sign-ins skip MFA), `false` not remembered.
    RememberDevice(bool),
}

/// The codes, answers and addresses an answer carries are wiped with it.
impl Drop for Answer {
    fn drop(&mut self) {
        match self {
            Answer::Code(text) | Answer::Custom(text) | Answer::WebAuthnCredential(text) => text.zeroize(),
            Answer::SetUpEmailMfa { email } => email.zeroize(),
            Answer::NewPassword { attributes, .. } => attributes.values_mut().for_each(Zeroize::zeroize),
            Answer::MfaType(_) | Answer::SetUpSoftwareToken | Answer::Select(_) | Answer::RememberDevice(_) => {}
        }
    }
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HIDDEN: &str = "<redacted>";
        match self {
            Answer::Code(_) => f.debug_tuple("Code").field(&format_args!("{HIDDEN}")).finish(),
            Answer::MfaType(mfa) => f.debug_tuple("MfaType").field(mfa).finish(),
            Answer::SetUpSoftwareToken => f.write_str("SetUpSoftwareToken"),
            Answer::SetUpEmailMfa { .. } => {
                f.debug_struct("SetUpEmailMfa").field("email", &format_args!("{HIDDEN}")).finish()
            }
            Answer::NewPassword { password, attributes } => f
                .debug_struct("NewPassword")
                .field("password", password)
                .field("attributes", &attributes.keys().collect::<Vec<_>>())
                .finish(),
            Answer::Custom(_) => f.debug_tuple("Custom").field(&format_args!("{HIDDEN}")).finish(),
            Answer::Select(selection) => f.debug_tuple("Select").field(selection).finish(),
            Answer::WebAuthnCredential(_) => {
                f.debug_tuple("WebAuthnCredential").field(&format_args!("{HIDDEN}")).finish()
            }
            Answer::RememberDevice(remembered) => f.debug_tuple("RememberDevice").field(remembered).finish(),
        }
    }
}
