//! The machine's core: one sign-in's state, InitiateAuth, and reading
//! each response.

use core::fmt;
use core::mem;
use std::collections::HashMap;

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::request::Request;
use super::request::{owned, parse};
use super::second_factor::{password_text, selection_name};
use super::signed_in::username_claim;
use super::{Answer, AppClient, NewDevice, Prompted, Selection, ServiceError, ServiceErrorKind, SignedIn, Step};
use crate::error::{Defect, Error};
use crate::secret::Password;
use crate::srp::{DeviceCredentials, DeviceSecretVerifierConfig, PasswordClaimSigner, SrpEphemeral};
use crate::timestamp::Timestamp;
use crate::wire::{
    AuthResponse, AuthenticationResultType, ConfirmDeviceRequest, ConfirmDeviceResponse,
    DeviceSecretVerifierConfigType, InitiateAuthRequest, Operation, RespondToAuthChallengeRequest,
};

/// The service model's limits on what the machine sends.
const MAX_USERNAME: usize = 128;
const MAX_SESSION: usize = 2048;

/// How the sign-in starts.
#[derive(Clone)]
pub(super) enum Flow {
    UserSrp {
        custom: bool,
    },
    UserAuth {
        preferred: Option<Selection>,
    },
    UserPassword,
    Refresh {
        refresh_token: Zeroizing<String>,
    },
    /// Resumed from a [`PausedSignIn`]: already past InitiateAuth.
    #[cfg(feature = "serde")]
    Resumed,
}

/// What an outstanding InitiateAuth / RespondToAuthChallenge carried that
/// its answer may need.
#[derive(Default)]
pub(super) struct Outstanding {
    /// The user SRP round this request started (SRP_A sent).
    pub(super) user_srp: Option<SrpEphemeral>,
    /// The device SRP round this request started.
    pub(super) device_srp: Option<SrpEphemeral>,
    /// This request answered PASSWORD_VERIFIER with DEVICE_KEY: the signer,
    /// to answer again without it if Cognito has forgotten the device.
    pub(super) password_verifier: Option<PasswordClaimSigner>,
    /// This request answered a prompt: ask again if the answer is refused.
    pub(super) prompt: Option<Prompted>,
    /// This request re-sent PASSWORD_VERIFIER after Cognito forgot the
    /// device: if the session is spent, start a fresh SRP round.
    pub(super) device_retry: bool,
}

pub(super) enum State {
    New,
    AwaitingAuth(Box<Outstanding>),
    AwaitingAssociate(Prompted),
    AwaitingVerify(Prompted),
    AwaitingConfirmDevice { tokens: AuthenticationResultType, device_key: String },
    Prompted(Prompted),
    StoreDevice { tokens: AuthenticationResultType, device_key: String, config: DeviceSecretVerifierConfig },
    ForgetDevice(PasswordClaimSigner),
    Ended,
}

/// One sign-in, from InitiateAuth to tokens.
///
/// Rules it keeps: InitiateAuth sends the username as typed; from the first
/// challenge on, the challenge's `USERNAME` is used, and `SECRET_HASH` is
/// computed over it; `DEVICE_KEY` goes on InitiateAuth, PASSWORD_VERIFIER,
/// MFA and custom answers when a device is remembered; device SRP uses a
/// fresh ephemeral; `Session` is echoed whenever one came; `TIMESTAMP` is
/// taken when signing.
pub struct SignIn {
    pub(super) client: AppClient,
    pub(super) username: String,
    pub(super) password: Option<Password>,
    pub(super) device: Option<DeviceCredentials>,
    pub(super) session: Option<String>,
    pub(super) client_metadata: Option<HashMap<String, String>>,
    pub(super) flow: Flow,
    pub(super) state: State,
}

impl fmt::Debug for SignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignIn")
            .field("client_id", &self.client.client_id)
            .field("username", &self.username)
            .field("device", &self.device.as_ref().map(DeviceCredentials::device_key))
            .finish_non_exhaustive()
    }
}

impl SignIn {
    pub(super) fn new(
        client: AppClient,
        username: &str,
        password: Option<Password>,
        flow: Flow,
    ) -> Result<Self, Error> {
        if username.is_empty() {
            return Err(Error::invalid("USERNAME", Defect::Empty));
        }
        if username.chars().count() > MAX_USERNAME {
            return Err(Error::invalid("USERNAME", Defect::TooLong));
        }
        Ok(SignIn {
            client,
            username: username.to_owned(),
            password,
            device: None,
            session: None,
            client_metadata: None,
            flow,
            state: State::New,
        })
    }

    /// `USER_SRP_AUTH`: the password is proven by SRP and never sent.
    pub fn user_srp(client: AppClient, username: &str, password: Password) -> Result<Self, Error> {
        Self::new(client, username, Some(password), Flow::UserSrp { custom: false })
    }

    /// `CUSTOM_AUTH` starting with SRP (`CHALLENGE_NAME=SRP_A`): the password
    /// step, then the pool's custom challenges.
    pub fn custom_auth_with_srp(client: AppClient, username: &str, password: Password) -> Result<Self, Error> {
        Self::new(client, username, Some(password), Flow::UserSrp { custom: true })
    }

    /// `USER_AUTH` (choice-based sign-in), optionally with a
    /// `PREFERRED_CHALLENGE`; Cognito may answer `SELECT_CHALLENGE`.
    pub fn user_auth(client: AppClient, username: &str, preferred: Option<Selection>) -> Result<Self, Error> {
        Self::new(client, username, None, Flow::UserAuth { preferred })
    }

    /// `USER_PASSWORD_AUTH`: the password itself goes to Cognito (over TLS).
    pub fn user_password(client: AppClient, username: &str, password: Password) -> Result<Self, Error> {
        Self::new(client, username, Some(password), Flow::UserPassword)
    }

    /// `REFRESH_TOKEN_AUTH`. `pool_username` is the pool's username (the
    /// access token's `username` claim, not an email alias): SECRET_HASH is
    /// computed over it.
    pub fn refresh(client: AppClient, pool_username: &str, refresh_token: &str) -> Result<Self, Error> {
        let flow = Flow::Refresh { refresh_token: Zeroizing::new(refresh_token.to_owned()) };
        Self::new(client, pool_username, None, flow)
    }

    /// Signs in as a remembered device: DEVICE_KEY goes on the requests that
    /// take it, and Cognito may skip MFA.
    pub fn with_device(mut self, device: DeviceCredentials) -> Self {
        self.device = Some(device);
        self
    }

    /// `ClientMetadata` for the pool's Lambda triggers, on every request.
    pub fn with_client_metadata(mut self, metadata: HashMap<String, String>) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    /// The username the sign-in currently goes by: as typed until the first
    /// challenge, then the pool's `USERNAME`.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The InitiateAuth request.
    pub fn start<R: CryptoRng + ?Sized>(&mut self, rng: &mut R) -> Result<Request, Error> {
        if !matches!(self.state, State::New) {
            return Err(Error::OutOfOrder);
        }
        let mut parameters = HashMap::new();
        let mut outstanding = Outstanding::default();
        let auth_flow = match &self.flow {
            Flow::UserSrp { custom } => {
                let ephemeral = SrpEphemeral::generate(rng, self.client.private_exponent_size);
                parameters.insert("SRP_A", ephemeral.srp_a().to_owned());
                outstanding.user_srp = Some(ephemeral);
                if *custom {
                    parameters.insert("CHALLENGE_NAME", "SRP_A".to_owned());
                    "CUSTOM_AUTH"
                } else {
                    "USER_SRP_AUTH"
                }
            }
            Flow::UserAuth { preferred } => {
                if let Some(selection) = preferred.clone() {
                    parameters.insert("PREFERRED_CHALLENGE", selection_name(&selection).to_owned());
                    self.add_selection(selection, &mut parameters, &mut outstanding, rng);
                }
                "USER_AUTH"
            }
            Flow::UserPassword => {
                let password = self.password.as_ref().ok_or(Error::OutOfOrder)?;
                parameters.insert("PASSWORD", password_text(password));
                "USER_PASSWORD_AUTH"
            }
            Flow::Refresh { refresh_token } => {
                parameters.insert("REFRESH_TOKEN", refresh_token.to_string());
                "REFRESH_TOKEN_AUTH"
            }
            #[cfg(feature = "serde")]
            Flow::Resumed => return Err(Error::OutOfOrder),
        };
        if !matches!(self.flow, Flow::Refresh { .. }) {
            parameters.insert("USERNAME", self.username.clone());
        }
        if !matches!(self.flow, Flow::UserAuth { .. }) {
            self.add_device_key(&mut parameters);
        }
        self.add_secret_hash(&mut parameters);
        let body = InitiateAuthRequest {
            auth_flow: auth_flow.to_owned(),
            client_id: self.client.client_id.clone(),
            auth_parameters: owned(parameters),
            client_metadata: self.client_metadata.clone(),
        };
        self.state = State::AwaitingAuth(Box::new(outstanding));
        Ok(Request::new(Operation::InitiateAuth, &body))
    }

    /// Reads the response to the last request: its HTTP status and body.
    ///
    /// On an error the sign-in ends, except where it can go on: a refused
    /// answer to a prompt puts the prompt back (answer again), and tokens
    /// and new device credentials are always handed out before anything
    /// that could fail after them.
    pub fn receive<R: CryptoRng + ?Sized>(
        &mut self,
        status: u16,
        body: &[u8],
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Step, Error> {
        match mem::replace(&mut self.state, State::Ended) {
            State::AwaitingAuth(outstanding) => self.on_auth(*outstanding, status, body, now, rng),
            State::AwaitingAssociate(prompted) => self.on_associate(prompted, status, body),
            State::AwaitingVerify(prompted) => self.on_verify(prompted, status, body),
            State::AwaitingConfirmDevice { tokens, device_key } => {
                let confirmation = parse::<ConfirmDeviceResponse>(status, body)
                    .map(|response| response.user_confirmation_necessary)
                    .map_err(|error| match error {
                        Error::Service(service) => service,
                        other => {
                            ServiceError::new(ServiceErrorKind::Other("MalformedResponse".into()), other.to_string())
                        }
                    });
                Ok(self.done(tokens, Some(NewDevice { device_key, confirmation })))
            }
            other => {
                self.state = other;
                Err(Error::OutOfOrder)
            }
        }
    }

    /// Answers the prompt that is out, and returns the request that carries the answer.
    ///
    /// An answer that does not fit the prompt is refused with
    /// [`Error::OutOfOrder`] and the prompt stays out.
    pub fn answer<R: CryptoRng + ?Sized>(&mut self, answer: Answer, rng: &mut R) -> Result<Request, Error> {
        let State::Prompted(prompted) = mem::replace(&mut self.state, State::Ended) else {
            return Err(Error::OutOfOrder);
        };
        match self.answer_prompt(&prompted, answer, rng) {
            Ok(request) => Ok(request),
            Err(error) => {
                self.state = State::Prompted(prompted);
                Err(error)
            }
        }
    }

    /// Goes on after [`Step::StoreDevice`] or [`Step::ForgetDevice`].
    pub fn proceed(&mut self, now: Timestamp) -> Result<Step, Error> {
        match mem::replace(&mut self.state, State::Ended) {
            State::StoreDevice { tokens, device_key, config } => {
                let body = ConfirmDeviceRequest {
                    access_token: tokens.access_token.clone().unwrap_or_default(),
                    device_key: device_key.clone(),
                    device_secret_verifier_config: DeviceSecretVerifierConfigType {
                        password_verifier: config.password_verifier().to_owned(),
                        salt: config.salt().to_owned(),
                    },
                    device_name: None,
                };
                self.state = State::AwaitingConfirmDevice { tokens, device_key };
                Ok(Step::Send(Request::new(Operation::ConfirmDevice, &body)))
            }
            State::ForgetDevice(signer) => {
                self.device = None;
                let request = self.send_password_verifier(signer, now);
                if let State::AwaitingAuth(outstanding) = &mut self.state {
                    outstanding.device_retry = true;
                }
                Ok(Step::Send(request))
            }
            other => {
                self.state = other;
                Err(Error::OutOfOrder)
            }
        }
    }

    pub(super) fn on_auth<R: CryptoRng + ?Sized>(
        &mut self,
        outstanding: Outstanding,
        status: u16,
        body: &[u8],
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Step, Error> {
        let response = match parse::<AuthResponse>(status, body) {
            Ok(response) => response,
            Err(Error::Service(error)) => return self.on_auth_error(outstanding, error, rng),
            Err(other) => return Err(other),
        };
        if let Some(session) = &response.session
            && session.len() > MAX_SESSION
        {
            return Err(Error::Protocol { reason: "a Session longer than 2048 characters" });
        }
        self.session = response.session;
        match (response.authentication_result, response.challenge_name) {
            (Some(_), Some(_)) => Err(Error::Protocol { reason: "tokens and a challenge at once" }),
            (Some(tokens), None) => self.finish(tokens, rng),
            (None, None) => Err(Error::Protocol { reason: "neither tokens nor a challenge" }),
            (None, Some(challenge)) => {
                let parameters = response.challenge_parameters.unwrap_or_default();
                if let Some(username) = parameters.get("USERNAME").filter(|u| !u.is_empty()) {
                    self.username.clone_from(username);
                }
                self.on_challenge(outstanding, challenge, parameters, response.available_challenges, now, rng)
            }
        }
    }

    pub(super) fn on_auth_error<R: CryptoRng + ?Sized>(
        &mut self,
        outstanding: Outstanding,
        error: ServiceError,
        rng: &mut R,
    ) -> Result<Step, Error> {
        // The session would not take a second PASSWORD_VERIFIER: start over
        // with a fresh SRP round, without the forgotten device.
        if outstanding.device_retry
            && error.kind() == &ServiceErrorKind::NotAuthorized
            && error.message().to_ascii_lowercase().contains("session")
            && matches!(self.flow, Flow::UserSrp { .. })
        {
            self.session = None;
            self.state = State::New;
            return self.start(rng).map(Step::Send);
        }
        if error.is_device_gone()
            && let Some(signer) = outstanding.password_verifier
        {
            self.state = State::ForgetDevice(signer);
            return Ok(Step::ForgetDevice);
        }
        if let Some(prompted) = outstanding.prompt {
            self.state = State::Prompted(prompted);
        }
        Err(Error::Service(error))
    }

    pub(super) fn finish<R: CryptoRng + ?Sized>(
        &mut self,
        tokens: AuthenticationResultType,
        rng: &mut R,
    ) -> Result<Step, Error> {
        let Some(metadata) = tokens.new_device_metadata.clone() else {
            return Ok(self.done(tokens, None));
        };
        if tokens.access_token.is_none() {
            return Err(Error::Protocol { reason: "NewDeviceMetadata without an AccessToken" });
        }
        let (device, config) =
            DeviceCredentials::generate(rng, metadata.device_key.as_str(), metadata.device_group_key.as_str());
        self.state = State::StoreDevice { tokens, device_key: metadata.device_key, config };
        Ok(Step::StoreDevice(device))
    }

    pub(super) fn done(&mut self, tokens: AuthenticationResultType, new_device: Option<NewDevice>) -> Step {
        self.state = State::Ended;
        self.password = None;
        // A flow with no challenge never saw the pool username: the access
        // token's `username` claim carries it.
        if let Some(username) = tokens.access_token.as_deref().and_then(username_claim) {
            self.username = username;
        }
        Step::Done(SignedIn { tokens, username: self.username.clone(), new_device })
    }

    pub(super) fn add_device_key(&self, parameters: &mut HashMap<&'static str, String>) {
        if let Some(device) = &self.device {
            parameters.insert("DEVICE_KEY", device.device_key().to_owned());
        }
    }

    pub(super) fn add_secret_hash(&self, parameters: &mut HashMap<&'static str, String>) {
        if let Some(hash) = self.client.secret_hash(&self.username) {
            parameters.insert("SECRET_HASH", hash.as_str().to_owned());
        }
    }

    /// A RespondToAuthChallenge with SECRET_HASH (when the client has a
    /// secret) and the last Session.
    pub(super) fn respond(&self, challenge: &str, mut responses: HashMap<&'static str, String>) -> Request {
        self.add_secret_hash(&mut responses);
        let body = RespondToAuthChallengeRequest {
            client_id: self.client.client_id.clone(),
            challenge_name: challenge.to_owned(),
            session: self.session.clone(),
            challenge_responses: owned(responses),
            client_metadata: self.client_metadata.clone(),
        };
        Request::new(Operation::RespondToAuthChallenge, &body)
    }
}
