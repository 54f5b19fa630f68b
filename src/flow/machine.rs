//! The machine's core: one sign-in's state, InitiateAuth, and reading
//! each response.

use core::fmt;
use core::mem;
use std::collections::HashMap;
use std::sync::Arc;

use rand_core::CryptoRng;

use super::body::{self, Parameters};
use super::request::{Request, parse};
use super::second_factor::selection_name;
use super::{Answer, AppClient, DeviceStore, PoolUser, Prompt, Selection, ServiceError, ServiceErrorKind, Step};
use super::{DeviceOutcome, SignedIn};
use crate::error::{Defect, Error};
use crate::secret::Password;
use crate::srp::{DeviceCredentials, PasswordClaimSigner, SrpEphemeral};
use crate::timestamp::Timestamp;
use crate::tokens::Session;
use crate::wire::{AuthResponse, Operation};

/// The service model's limits on what the machine sends.
const MAX_USERNAME: usize = 128;
const MAX_SESSION: usize = 2048;

/// Responses to InitiateAuth and RespondToAuthChallenge one sign-in takes
/// at most: the longest real one (password, new password, MFA set-up, a
/// device round, a few mistyped codes) needs about a dozen.
pub(super) const MAX_ROUND_TRIPS: u32 = 24;

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
        refresh_token: crate::RefreshToken,
    },
    /// Resumed from a [`PausedSignIn`](super::PausedSignIn): already past InitiateAuth.
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
    pub(super) prompt: Option<Prompt>,
    /// This request re-sent PASSWORD_VERIFIER after Cognito forgot the
    /// device: if the session is spent, start a fresh SRP round.
    pub(super) device_retry: bool,
    /// InitiateAuth carried DEVICE_KEY: if Cognito does not know the
    /// device, start again without it.
    pub(super) initiated_with_device: bool,
}

/// Where the sign-in is. The SRP secrets of a request in flight live in
/// [`Outstanding`] inline (no `Box` whose freed memory would keep them).
#[allow(clippy::large_enum_variant, reason = "kept inline so no secret is left in a freed allocation")]
pub(super) enum State {
    New,
    AwaitingAuth(Outstanding),
    AwaitingAssociate(Prompt),
    AwaitingVerify(Prompt),
    Prompted(Prompt),
    /// Tokens in hand, the new device stored: ConfirmDevice in flight.
    AwaitingConfirmDevice(SignedIn),
    /// Tokens in hand, the device confirmed: the user may opt in.
    RememberDevice(SignedIn),
    /// Tokens in hand: UpdateDeviceStatus in flight.
    AwaitingDeviceStatus {
        signed_in: SignedIn,
        remembered: bool,
    },
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
///
/// With a [`DeviceStore`] ([`with_device_store`](Self::with_device_store))
/// the machine keeps the device lifecycle itself: it looks the device up
/// by (user pool, pool username) as soon as it knows the pool username
/// (`USER_ID_FOR_SRP` in the SRP flows; a name an earlier sign-in learned
/// for USER_PASSWORD_AUTH and USER_AUTH, which must send DEVICE_KEY first),
/// saves a new device before ConfirmDevice, and forgets a device Cognito
/// no longer knows.
pub struct SignIn {
    pub(super) client: AppClient,
    /// The name as typed: what InitiateAuth sends and the store learns.
    pub(super) typed: String,
    pub(super) username: String,
    pub(super) password: Option<Password>,
    pub(super) device: Option<DeviceCredentials>,
    /// Whom `device` belongs to, when the store supplied it.
    pub(super) device_owner: Option<PoolUser>,
    pub(super) store: Option<Arc<dyn DeviceStore>>,
    pub(super) session: Option<Session>,
    pub(super) client_metadata: Option<HashMap<String, String>>,
    pub(super) flow: Flow,
    pub(super) state: State,
    pub(super) round_trips: u32,
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
    fn new(client: AppClient, username: &str, password: Option<Password>, flow: Flow) -> Result<Self, Error> {
        if username.is_empty() {
            return Err(Error::invalid_input("USERNAME", Defect::Empty));
        }
        if username.chars().count() > MAX_USERNAME {
            return Err(Error::invalid_input("USERNAME", Defect::TooLong));
        }
        Ok(SignIn {
            client,
            typed: username.to_owned(),
            username: username.to_owned(),
            password,
            device: None,
            device_owner: None,
            store: None,
            session: None,
            client_metadata: None,
            flow,
            state: State::New,
            round_trips: 0,
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

    /// `REFRESH_TOKEN_AUTH`. `pool_username` is the pool's username
    /// ([`SignedIn::username`], not an email alias): SECRET_HASH is
    /// computed over it, and the device store is looked up under it.
    pub fn refresh(client: AppClient, pool_username: &str, refresh_token: &crate::RefreshToken) -> Result<Self, Error> {
        let flow = Flow::Refresh { refresh_token: refresh_token.clone() };
        Self::new(client, pool_username, None, flow)
    }

    /// Signs in as this remembered device: DEVICE_KEY goes on the requests
    /// that take it, and Cognito may skip MFA. The caller vouches that it
    /// belongs to this user of this pool; prefer a device store.
    pub fn with_device(mut self, device: DeviceCredentials) -> Self {
        self.device = Some(device);
        self.device_owner = None;
        self
    }

    /// Keeps remembered devices in `store`: looked up once the pool
    /// username is known, saved before ConfirmDevice, forgotten when
    /// Cognito no longer knows them. Without a store no device is confirmed.
    pub fn with_device_store(mut self, store: Arc<dyn DeviceStore>) -> Self {
        self.store = Some(store);
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

    /// The prompt that is out, if one is.
    pub fn pending_prompt(&self) -> Option<&Prompt> {
        match &self.state {
            State::Prompted(prompt) => Some(prompt),
            _ => None,
        }
    }

    /// What to do first: the InitiateAuth request of a new sign-in, or the
    /// prompt a resumed one stopped at.
    pub fn next_step<R: CryptoRng + ?Sized>(&mut self, rng: &mut R) -> Result<Step, Error> {
        match &self.state {
            State::New => self.start(rng).map(Step::Send),
            State::Prompted(prompt) => Ok(Step::Prompt(prompt.clone())),
            _ => Err(Error::OutOfOrder),
        }
    }

    /// The InitiateAuth request.
    pub fn start<R: CryptoRng + ?Sized>(&mut self, rng: &mut R) -> Result<Request, Error> {
        if !matches!(self.state, State::New) {
            return Err(Error::OutOfOrder);
        }
        if self.device.is_none() {
            self.device_for_initiate()?;
        }
        let mut parameters = Parameters::new();
        let mut outstanding = Outstanding::default();
        let auth_flow = match &self.flow {
            Flow::UserSrp { custom } => {
                let ephemeral = SrpEphemeral::generate(rng, self.client.private_exponent_size);
                parameters.insert("SRP_A", ephemeral.srp_a());
                outstanding.user_srp = Some(ephemeral);
                if *custom {
                    parameters.insert("CHALLENGE_NAME", "SRP_A");
                    "CUSTOM_AUTH"
                } else {
                    "USER_SRP_AUTH"
                }
            }
            Flow::UserAuth { preferred } => {
                if let Some(selection) = preferred.clone() {
                    parameters.insert("PREFERRED_CHALLENGE", selection_name(&selection));
                    self.add_selection(selection, &mut parameters, &mut outstanding, rng);
                }
                "USER_AUTH"
            }
            Flow::UserPassword => {
                let password = self.password.as_ref().ok_or(Error::OutOfOrder)?;
                parameters.insert("PASSWORD", password.as_str());
                "USER_PASSWORD_AUTH"
            }
            Flow::Refresh { refresh_token } => {
                parameters.insert("REFRESH_TOKEN", refresh_token.expose_secret());
                "REFRESH_TOKEN_AUTH"
            }
            #[cfg(feature = "serde")]
            Flow::Resumed => return Err(Error::OutOfOrder),
        };
        if !matches!(self.flow, Flow::Refresh { .. }) {
            parameters.insert("USERNAME", self.username.as_str());
        }
        self.add_device_key(&mut parameters);
        outstanding.initiated_with_device = self.device.is_some();
        self.add_secret_hash(&mut parameters);
        let body = body::InitiateAuth {
            auth_flow,
            client_id: &self.client.client_id,
            auth_parameters: &parameters,
            client_metadata: self.client_metadata.as_ref(),
        };
        let request = Request::new(Operation::InitiateAuth, Some(auth_flow), &body);
        self.state = State::AwaitingAuth(outstanding);
        Ok(request)
    }

    /// Reads the response to the last request: its HTTP status and body.
    ///
    /// On an error the sign-in ends, except where it can go on: a refused
    /// answer to a prompt puts the prompt back (answer again: see
    /// [`pending_prompt`](Self::pending_prompt)), unless the service says
    /// `NotAuthorized` (the session is over). Once tokens
    /// have arrived nothing fails: ConfirmDevice and UpdateDeviceStatus
    /// outcomes, failures included, end in [`Step::Done`].
    pub fn receive<R: CryptoRng + ?Sized>(
        &mut self,
        status: u16,
        body: &[u8],
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Step, Error> {
        match mem::replace(&mut self.state, State::Ended) {
            State::AwaitingAuth(outstanding) => self.on_auth(outstanding, status, body, now, rng),
            State::AwaitingAssociate(prompt) => self.on_associate(prompt, status, body),
            State::AwaitingVerify(prompt) => self.on_verify(prompt, status, body),
            State::AwaitingConfirmDevice(signed_in) => Ok(self.on_confirm_device(signed_in, status, body)),
            State::AwaitingDeviceStatus { signed_in, remembered } => {
                Ok(self.on_device_status(signed_in, remembered, status, body))
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
        match mem::replace(&mut self.state, State::Ended) {
            State::Prompted(prompt) => match self.answer_prompt(&prompt, answer, rng) {
                Ok(request) => Ok(request),
                Err(error) => {
                    self.state = State::Prompted(prompt);
                    Err(error)
                }
            },
            State::RememberDevice(signed_in) => match answer {
                Answer::RememberDevice(remembered) => Ok(self.update_device_status(signed_in, remembered)),
                _ => {
                    self.state = State::RememberDevice(signed_in);
                    Err(Error::OutOfOrder)
                }
            },
            other => {
                self.state = other;
                Err(Error::OutOfOrder)
            }
        }
    }

    /// Ends the sign-in because of `error` (a failed send, a cancelled
    /// prompt). When tokens have already arrived they are not lost: the
    /// result is the [`SignedIn`], with the error in its device outcome.
    /// Before that, the error comes back.
    pub fn interrupt(&mut self, error: Error) -> Result<SignedIn, Error> {
        use super::NotConfirmed;
        let (signed_in, outcome) = match mem::replace(&mut self.state, State::Ended) {
            State::AwaitingConfirmDevice(signed_in) => {
                (signed_in, DeviceOutcome::NotConfirmed { why: NotConfirmed::Failed(Box::new(error)) })
            }
            State::RememberDevice(signed_in) => (signed_in, DeviceOutcome::UserMayOptIn),
            State::AwaitingDeviceStatus { signed_in, remembered } => {
                (signed_in, DeviceOutcome::StatusNotUpdated { remembered, why: Box::new(error) })
            }
            _ => return Err(error),
        };
        Ok(super::device_steps::with_outcome(signed_in, outcome))
    }

    fn on_auth<R: CryptoRng + ?Sized>(
        &mut self,
        outstanding: Outstanding,
        status: u16,
        body: &[u8],
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Step, Error> {
        self.round_trips += 1;
        if self.round_trips > MAX_ROUND_TRIPS {
            return Err(Error::TooManyRoundTrips { limit: MAX_ROUND_TRIPS });
        }
        let response = match parse::<AuthResponse>(status, body) {
            Ok(response) => response,
            Err(Error::Service(error)) => return self.on_auth_error(outstanding, error, now, rng),
            Err(other) => return Err(other),
        };
        if let Some(session) = &response.session
            && session.expose_secret().len() > MAX_SESSION
        {
            return Err(Error::Protocol { reason: "a Session longer than 2048 characters" });
        }
        self.session = response.session;
        match (response.authentication_result, response.challenge_name) {
            (Some(_), Some(_)) => Err(Error::Protocol { reason: "tokens and a challenge at once" }),
            (Some(tokens), None) => self.finish(tokens, now, rng),
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

    fn on_auth_error<R: CryptoRng + ?Sized>(
        &mut self,
        outstanding: Outstanding,
        error: ServiceError,
        now: Timestamp,
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
        if error.is_device_gone() {
            if let Some(signer) = outstanding.password_verifier {
                self.forget_device()?;
                let request = self.send_password_verifier(signer, now);
                if let State::AwaitingAuth(outstanding) = &mut self.state {
                    outstanding.device_retry = true;
                }
                return Ok(Step::Send(request));
            }
            if outstanding.initiated_with_device {
                self.forget_device()?;
                self.session = None;
                self.state = State::New;
                return self.start(rng).map(Step::Send);
            }
        }
        // A refused answer (a wrong code, a weak new password) may be given
        // again; NotAuthorized means the session is over (too many wrong
        // codes, expired), so the sign-in ends instead of asking in vain.
        if let Some(prompt) = outstanding.prompt
            && error.kind() != &ServiceErrorKind::NotAuthorized
        {
            self.state = State::Prompted(prompt);
        }
        Err(Error::Service(error))
    }

    pub(super) fn add_device_key(&self, parameters: &mut Parameters) {
        if let Some(device) = &self.device {
            parameters.insert("DEVICE_KEY", device.device_key());
        }
    }

    pub(super) fn add_secret_hash(&self, parameters: &mut Parameters) {
        if let Some(hash) = self.client.secret_hash(&self.username) {
            parameters.insert("SECRET_HASH", hash.as_str());
        }
    }

    /// A RespondToAuthChallenge with SECRET_HASH (when the client has a
    /// secret) and the last Session.
    pub(super) fn respond(&self, challenge: &'static str, mut responses: Parameters) -> Request {
        self.add_secret_hash(&mut responses);
        let body = body::RespondToAuthChallenge {
            client_id: &self.client.client_id,
            challenge_name: challenge,
            session: self.session_text(),
            challenge_responses: &responses,
            client_metadata: self.client_metadata.as_ref(),
        };
        Request::new(Operation::RespondToAuthChallenge, Some(challenge), &body)
    }

    pub(super) fn session_text(&self) -> Option<&str> {
        self.session.as_ref().map(Session::expose_secret)
    }
}
