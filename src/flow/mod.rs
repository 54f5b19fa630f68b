//! A whole sign-in as a sans-IO state machine.
//!
//! The machine builds each request and reads each response; the caller moves
//! the bytes (any HTTP client, the AWS SDK, the crate's own server) and
//! brings the time and the randomness. SRP challenges are answered inside;
//! only what a person must answer comes out, as a [`Prompt`].
//!
//! ```
//! use cognito_srp_auth::flow::{AppClient, SignIn, Step};
//! use cognito_srp_auth::{Password, Timestamp, UserPoolId};
//!
//! # fn send(request: &cognito_srp_auth::flow::Request) -> (u16, Vec<u8>) {
//! #     (400, br#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#.to_vec())
//! # }
//! # fn main() -> Result<(), cognito_srp_auth::Error> {
//! let client = AppClient::new(UserPoolId::parse("us-east-1_AbC123")?, "3n4b5urk1ft4fl3mg5e62d9ado");
//! let mut rng = rand::rng();
//! let mut sign_in = SignIn::user_srp(client, "alice@example.com", Password::from("correct horse"))?;
//! let mut request = sign_in.start(&mut rng)?;
//! loop {
//!     // POST request.body_json() with X-Amz-Target: request.target().
//!     let (status, body) = send(&request);
//!     let step = match sign_in.receive(status, &body, Timestamp::now(), &mut rng) {
//!         Ok(step) => step,
//!         Err(error) => { eprintln!("sign-in failed: {error}"); break; }
//!     };
//!     match step {
//!         Step::Send(next) => request = next,
//!         Step::Prompt(prompt) => { /* ask the user, then: */ request = sign_in.answer(todo_answer(prompt), &mut rng)?; }
//!         Step::StoreDevice(device) => { /* save `device` first, then: */ let _ = device; request = expect_send(sign_in.proceed(Timestamp::now())?); }
//!         Step::ForgetDevice => { /* delete the stored device, then: */ request = expect_send(sign_in.proceed(Timestamp::now())?); }
//!         Step::Done(signed_in) => { let _tokens = signed_in.tokens(); break; }
//!         _ => break,
//!     }
//! }
//! # Ok(())
//! # }
//! # fn todo_answer(_: cognito_srp_auth::flow::Prompt) -> cognito_srp_auth::flow::Answer { cognito_srp_auth::flow::Answer::Code("123456".into()) }
//! # fn expect_send(step: Step) -> cognito_srp_auth::flow::Request { match step { Step::Send(r) => r, _ => unreachable!() } }
//! ```

mod prompt;
mod service_error;

use core::fmt;
use core::mem;
use std::collections::HashMap;

use rand_core::CryptoRng;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

pub use prompt::{Answer, MfaType, Prompt, Selection};
pub use service_error::{ServiceError, ServiceErrorKind};

use crate::error::{Defect, Error};
use crate::secret::{ClientSecret, Password, SecretCode};
use crate::secret_hash::SecretHash;
use crate::srp::{
    DeviceCredentials, DevicePasswordVerifierChallenge, DeviceSecretVerifierConfig, PasswordClaim, PasswordClaimSigner,
    PasswordVerifierChallenge, PrivateExponentSize, SrpEphemeral,
};
use crate::timestamp::Timestamp;
use crate::user_pool::UserPoolId;
use crate::wire::{
    AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse, AuthResponse, AuthenticationResultType,
    ConfirmDeviceRequest, ConfirmDeviceResponse, DeviceSecretVerifierConfigType, ErrorBody, InitiateAuthRequest,
    Operation, RespondToAuthChallengeRequest, UpdateDeviceStatusRequest, VerifySoftwareTokenRequest,
    VerifySoftwareTokenResponse,
};

/// The service model's limits on what the machine sends.
const MAX_USERNAME: usize = 128;
const MAX_SESSION: usize = 2048;

/// An app client of a user pool: what every request of a sign-in needs.
#[derive(Clone, Debug)]
pub struct AppClient {
    user_pool_id: UserPoolId,
    client_id: String,
    client_secret: Option<ClientSecret>,
    private_exponent_size: PrivateExponentSize,
}

impl AppClient {
    /// A public app client (no secret).
    pub fn new(user_pool_id: UserPoolId, client_id: impl Into<String>) -> Self {
        AppClient {
            user_pool_id,
            client_id: client_id.into(),
            client_secret: None,
            private_exponent_size: PrivateExponentSize::default(),
        }
    }

    /// The client's secret: every request then carries `SECRET_HASH`.
    pub fn with_client_secret(mut self, client_secret: ClientSecret) -> Self {
        self.client_secret = Some(client_secret);
        self
    }

    /// The size of the SRP private exponents (default 256 bits).
    pub fn with_private_exponent_size(mut self, size: PrivateExponentSize) -> Self {
        self.private_exponent_size = size;
        self
    }

    /// The user pool.
    pub fn user_pool_id(&self) -> &UserPoolId {
        &self.user_pool_id
    }

    /// The app client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    fn secret_hash(&self, username: &str) -> Option<SecretHash> {
        self.client_secret.as_ref().map(|secret| SecretHash::new(secret, username, &self.client_id))
    }
}

/// A request to send: `POST` [`body_json`](Self::body_json) with
/// `X-Amz-Target:` [`target`](Self::target) and `Content-Type:`
/// [`CONTENT_TYPE`](crate::wire::CONTENT_TYPE).
///
/// `Debug` shows the operation only: bodies carry passwords, hashes and tokens.
#[derive(Clone, PartialEq)]
pub struct Request {
    operation: Operation,
    body: serde_json::Value,
}

impl Request {
    fn new(operation: Operation, body: &impl serde::Serialize) -> Self {
        // Serializing these plain structs of strings and maps cannot fail.
        let body = serde_json::to_value(body).unwrap_or(serde_json::Value::Null);
        Request { operation, body }
    }

    /// The operation.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// The `X-Amz-Target` header value.
    pub fn target(&self) -> String {
        self.operation.target()
    }

    /// The JSON body.
    pub fn body(&self) -> &serde_json::Value {
        &self.body
    }

    /// The JSON body as text.
    pub fn body_json(&self) -> String {
        self.body.to_string()
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Request");
        out.field("operation", &self.operation);
        if let Some(name) = self.body.get("ChallengeName").and_then(|v| v.as_str()) {
            out.field("challenge_name", &name);
        }
        out.finish_non_exhaustive()
    }
}

/// An `UpdateDeviceStatus` request, to mark a confirmed device remembered
/// (or not) when the pool lets the user choose.
pub fn update_device_status(access_token: &str, device_key: &str, remembered: bool) -> Request {
    let status = if remembered { "remembered" } else { "not_remembered" };
    Request::new(
        Operation::UpdateDeviceStatus,
        &UpdateDeviceStatusRequest {
            access_token: access_token.to_owned(),
            device_key: device_key.to_owned(),
            device_remembered_status: status.to_owned(),
        },
    )
}

/// What to do next.
#[must_use]
#[derive(Debug)]
#[non_exhaustive]
pub enum Step {
    /// Send this request and hand its response to [`SignIn::receive`].
    Send(Request),
    /// Ask the user, and hand the answer to [`SignIn::answer`].
    Prompt(Prompt),
    /// Cognito gave this device an identity: store these credentials under
    /// the pool username now, then call [`SignIn::proceed`] for the
    /// ConfirmDevice request. (A verifier Cognito accepted is useless
    /// without them.)
    StoreDevice(DeviceCredentials),
    /// Cognito no longer knows the remembered device: delete it from the
    /// store, then call [`SignIn::proceed`] to sign in without it.
    ForgetDevice,
    /// Signed in.
    Done(SignedIn),
}

/// The end of a successful sign-in.
#[derive(Clone, Debug)]
pub struct SignedIn {
    tokens: AuthenticationResultType,
    username: String,
    new_device: Option<NewDevice>,
}

impl SignedIn {
    /// The tokens.
    pub fn tokens(&self) -> &AuthenticationResultType {
        &self.tokens
    }

    /// The pool's username for the user: the key to store device
    /// credentials under, and what SECRET_HASH on refresh is computed over.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// What became of the new device, when Cognito issued one.
    pub fn new_device(&self) -> Option<&NewDevice> {
        self.new_device.as_ref()
    }
}

/// A device confirmed (or not) at the end of a sign-in.
#[derive(Clone, Debug)]
pub struct NewDevice {
    device_key: String,
    confirmation: Result<bool, ServiceError>,
}

impl NewDevice {
    /// The device key.
    pub fn device_key(&self) -> &str {
        &self.device_key
    }

    /// ConfirmDevice's answer: `Ok(user_confirmation_necessary)`, or the
    /// error it failed with (the sign-in itself still succeeded).
    pub fn confirmation(&self) -> &Result<bool, ServiceError> {
        &self.confirmation
    }
}

/// How the sign-in starts.
#[derive(Clone)]
enum Flow {
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

/// A prompt that is out, with the challenge it came from.
#[derive(Clone, Debug)]
struct Prompted {
    challenge: String,
    prompt: Prompt,
}

/// What an outstanding InitiateAuth / RespondToAuthChallenge carried that
/// its answer may need.
#[derive(Default)]
struct Outstanding {
    /// The user SRP round this request started (SRP_A sent).
    user_srp: Option<SrpEphemeral>,
    /// The device SRP round this request started.
    device_srp: Option<SrpEphemeral>,
    /// This request answered PASSWORD_VERIFIER with DEVICE_KEY: the signer,
    /// to answer again without it if Cognito has forgotten the device.
    password_verifier: Option<PasswordClaimSigner>,
    /// This request answered a prompt: ask again if the answer is refused.
    prompt: Option<Prompted>,
    /// This request re-sent PASSWORD_VERIFIER after Cognito forgot the
    /// device: if the session is spent, start a fresh SRP round.
    device_retry: bool,
}

enum State {
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
    client: AppClient,
    username: String,
    password: Option<Password>,
    device: Option<DeviceCredentials>,
    session: Option<String>,
    client_metadata: Option<HashMap<String, String>>,
    flow: Flow,
    state: State,
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

    fn on_auth<R: CryptoRng + ?Sized>(
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

    fn on_auth_error<R: CryptoRng + ?Sized>(
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

    fn on_challenge<R: CryptoRng + ?Sized>(
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
                let password =
                    self.password.as_ref().ok_or(Error::Protocol { reason: "PASSWORD_VERIFIER without a password" })?;
                let parsed = PasswordVerifierChallenge::from_parameters(&parameters)?;
                let signer = ephemeral.answer_password_verifier(&self.client.user_pool_id, password, &parsed)?;
                Ok(Step::Send(self.send_password_verifier(signer, now)))
            }
            "DEVICE_SRP_AUTH" => {
                let device =
                    self.device.as_ref().ok_or(Error::Protocol { reason: "DEVICE_SRP_AUTH without a device" })?;
                let ephemeral = SrpEphemeral::generate(rng, self.client.private_exponent_size);
                let responses = HashMap::from([
                    ("USERNAME", self.username.clone()),
                    ("DEVICE_KEY", device.device_key().to_owned()),
                    ("SRP_A", ephemeral.srp_a().to_owned()),
                ]);
                let request = self.respond("DEVICE_SRP_AUTH", responses);
                self.state = State::AwaitingAuth(Box::new(Outstanding {
                    device_srp: Some(ephemeral),
                    ..Outstanding::default()
                }));
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
                responses.insert("DEVICE_KEY", device.device_key().to_owned());
                let request = self.respond("DEVICE_PASSWORD_VERIFIER", responses);
                self.state = State::AwaitingAuth(Box::default());
                Ok(Step::Send(request))
            }
            _ => {
                let prompt = prompt_for(&challenge, &parameters, available)
                    .ok_or_else(|| Error::UnknownChallenge { name: challenge.clone(), parameters })?;
                self.state = State::Prompted(Prompted { challenge, prompt: prompt.clone() });
                Ok(Step::Prompt(prompt))
            }
        }
    }

    /// Signs (again) and sends the PASSWORD_VERIFIER answer.
    fn send_password_verifier(&mut self, signer: PasswordClaimSigner, now: Timestamp) -> Request {
        let claim = signer.sign(now);
        let mut responses = claim_responses(&self.username, &claim);
        self.add_device_key(&mut responses);
        let request = self.respond("PASSWORD_VERIFIER", responses);
        let retry = self.device.is_some().then_some(signer);
        self.state = State::AwaitingAuth(Box::new(Outstanding { password_verifier: retry, ..Outstanding::default() }));
        request
    }

    fn finish<R: CryptoRng + ?Sized>(&mut self, tokens: AuthenticationResultType, rng: &mut R) -> Result<Step, Error> {
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

    fn done(&mut self, tokens: AuthenticationResultType, new_device: Option<NewDevice>) -> Step {
        self.state = State::Ended;
        self.password = None;
        // A flow with no challenge never saw the pool username: the access
        // token's `username` claim carries it.
        if let Some(username) = tokens.access_token.as_deref().and_then(username_claim) {
            self.username = username;
        }
        Step::Done(SignedIn { tokens, username: self.username.clone(), new_device })
    }

    fn on_associate(&mut self, prompted: Prompted, status: u16, body: &[u8]) -> Result<Step, Error> {
        let response = match parse::<AssociateSoftwareTokenResponse>(status, body) {
            Ok(response) => response,
            Err(error) => {
                self.state = State::Prompted(prompted);
                return Err(error);
            }
        };
        let secret_code =
            response.secret_code.ok_or(Error::Protocol { reason: "AssociateSoftwareToken without SecretCode" })?;
        if response.session.is_some() {
            self.session = response.session;
        }
        let prompt = Prompt::SoftwareTokenSecret { secret_code: SecretCode::new(secret_code) };
        self.state = State::Prompted(Prompted { challenge: prompted.challenge, prompt: prompt.clone() });
        Ok(Step::Prompt(prompt))
    }

    fn on_verify(&mut self, prompted: Prompted, status: u16, body: &[u8]) -> Result<Step, Error> {
        let response = match parse::<VerifySoftwareTokenResponse>(status, body) {
            Ok(response) => response,
            Err(error) => {
                self.state = State::Prompted(prompted);
                return Err(error);
            }
        };
        if response.status.as_deref() != Some("SUCCESS") {
            self.state = State::Prompted(prompted);
            return Err(Error::Service(ServiceError::new(
                ServiceErrorKind::CodeMismatch,
                "VerifySoftwareToken did not succeed",
            )));
        }
        if response.session.is_some() {
            self.session = response.session;
        }
        let request = self.respond("MFA_SETUP", HashMap::from([("USERNAME", self.username.clone())]));
        self.state = State::AwaitingAuth(Box::default());
        Ok(Step::Send(request))
    }

    fn answer_prompt<R: CryptoRng + ?Sized>(
        &mut self,
        prompted: &Prompted,
        answer: Answer,
        rng: &mut R,
    ) -> Result<Request, Error> {
        let challenge = prompted.challenge.as_str();
        let mut responses = HashMap::from([("USERNAME", self.username.clone())]);
        let mut outstanding = Outstanding { prompt: Some(prompted.clone()), ..Outstanding::default() };
        match (&prompted.prompt, answer) {
            (Prompt::SmsMfa { .. }, Answer::Code(code)) => mfa_code(&mut responses, "SMS_MFA_CODE", code),
            (Prompt::SoftwareTokenMfa, Answer::Code(code)) => mfa_code(&mut responses, "SOFTWARE_TOKEN_MFA_CODE", code),
            (Prompt::EmailOtp { .. }, Answer::Code(code)) => mfa_code(&mut responses, "EMAIL_OTP_CODE", code),
            (Prompt::SmsOtp { .. }, Answer::Code(code)) => mfa_code(&mut responses, "SMS_OTP_CODE", code),
            (Prompt::SelectMfaType { .. }, Answer::MfaType(mfa)) => {
                responses.insert("ANSWER", mfa.challenge_name().to_owned());
            }
            (Prompt::MfaSetup { .. }, Answer::SetUpSoftwareToken) => {
                let body = AssociateSoftwareTokenRequest { session: self.session.clone(), access_token: None };
                self.state = State::AwaitingAssociate(prompted.clone());
                return Ok(Request::new(Operation::AssociateSoftwareToken, &body));
            }
            (Prompt::MfaSetup { .. }, Answer::SetUpEmailMfa { email }) => {
                responses.insert("EMAIL", email);
            }
            (Prompt::SoftwareTokenSecret { .. }, Answer::Code(code)) => {
                let body = VerifySoftwareTokenRequest {
                    session: self.session.clone(),
                    access_token: None,
                    user_code: code,
                    friendly_device_name: None,
                };
                self.state = State::AwaitingVerify(prompted.clone());
                return Ok(Request::new(Operation::VerifySoftwareToken, &body));
            }
            (Prompt::NewPasswordRequired { required_attributes, .. }, Answer::NewPassword { password, attributes }) => {
                if required_attributes.iter().any(|name| !attributes.contains_key(name)) {
                    return Err(Error::MissingParameter { name: "requiredAttributes" });
                }
                responses.insert("NEW_PASSWORD", password_text(&password));
                let mut request = self.respond(challenge, responses);
                for (name, value) in attributes {
                    if let Some(map) = request.body.get_mut("ChallengeResponses").and_then(|v| v.as_object_mut()) {
                        map.insert(format!("userAttributes.{name}"), value.into());
                    }
                }
                self.state = State::AwaitingAuth(Box::new(outstanding));
                return Ok(request);
            }
            (Prompt::CustomChallenge { .. }, Answer::Custom(answer)) => {
                responses.insert("ANSWER", answer);
                self.add_device_key(&mut responses);
            }
            (Prompt::SelectChallenge { .. }, Answer::Select(selection)) => {
                let mut parameters = HashMap::new();
                responses.insert("ANSWER", selection_name(&selection).to_owned());
                self.add_selection(selection, &mut parameters, &mut outstanding, rng);
                responses.extend(parameters);
            }
            (Prompt::WebAuthn { .. }, Answer::WebAuthnCredential(credential)) => {
                responses.insert("CREDENTIAL", credential);
            }
            _ => return Err(Error::OutOfOrder),
        }
        if matches!(
            &prompted.prompt,
            Prompt::SmsMfa { .. } | Prompt::SoftwareTokenMfa | Prompt::EmailOtp { .. } | Prompt::SelectMfaType { .. }
        ) {
            self.add_device_key(&mut responses);
        }
        let request = self.respond(challenge, responses);
        self.state = State::AwaitingAuth(Box::new(outstanding));
        Ok(request)
    }

    /// The parameters a USER_AUTH selection adds (on InitiateAuth or on the
    /// SELECT_CHALLENGE answer): SRP_A for PASSWORD_SRP, PASSWORD for PASSWORD.
    fn add_selection<R: CryptoRng + ?Sized>(
        &mut self,
        selection: Selection,
        parameters: &mut HashMap<&'static str, String>,
        outstanding: &mut Outstanding,
        rng: &mut R,
    ) {
        match selection {
            Selection::PasswordSrp(password) => {
                let ephemeral = SrpEphemeral::generate(rng, self.client.private_exponent_size);
                parameters.insert("SRP_A", ephemeral.srp_a().to_owned());
                outstanding.user_srp = Some(ephemeral);
                self.password = Some(password);
            }
            Selection::Password(password) => {
                parameters.insert("PASSWORD", password_text(&password));
            }
            Selection::EmailOtp | Selection::SmsOtp | Selection::WebAuthn => {}
        }
    }

    fn add_device_key(&self, parameters: &mut HashMap<&'static str, String>) {
        if let Some(device) = &self.device {
            parameters.insert("DEVICE_KEY", device.device_key().to_owned());
        }
    }

    fn add_secret_hash(&self, parameters: &mut HashMap<&'static str, String>) {
        if let Some(hash) = self.client.secret_hash(&self.username) {
            parameters.insert("SECRET_HASH", hash.as_str().to_owned());
        }
    }

    /// A RespondToAuthChallenge with SECRET_HASH (when the client has a
    /// secret) and the last Session.
    fn respond(&self, challenge: &str, mut responses: HashMap<&'static str, String>) -> Request {
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

/// What a person (or the program standing in for one) does during
/// [`drive`]: answer prompts and keep the remembered device.
pub trait Interaction {
    /// Answers a prompt. An error ends the sign-in.
    fn answer(&mut self, prompt: &Prompt) -> Result<Answer, Error>;

    /// Stores a new device's credentials under the pool username. Called
    /// before ConfirmDevice is sent.
    fn store_device(&mut self, username: &str, device: DeviceCredentials);

    /// Deletes the stored device: Cognito no longer knows it.
    fn forget_device(&mut self, username: &str);
}

/// Runs a whole sign-in: starts it, moves every request through `send`
/// (which returns the HTTP status and body), answers prompts and keeps
/// devices through `interaction`, and returns the tokens. `now` is the
/// clock, read whenever a claim is signed.
///
/// A refused answer to a prompt (a mistyped code) is asked again; any other
/// error ends the sign-in.
pub fn drive<R, S, C>(
    sign_in: SignIn,
    mut send: S,
    interaction: &mut dyn Interaction,
    now: C,
    rng: &mut R,
) -> Result<SignedIn, Error>
where
    R: CryptoRng + ?Sized,
    S: FnMut(&Request) -> Result<(u16, Vec<u8>), Error>,
    C: Fn() -> Timestamp,
{
    use core::task::{Context, Poll, Waker};
    // With a blocking `send` every await inside is ready at once: one poll runs it all.
    let future = core::pin::pin!(drive_async(sign_in, async |request: &Request| send(request), interaction, now, rng));
    match future.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(Error::Protocol { reason: "a blocking send that did not complete" }),
    }
}

/// [`drive`] with an asynchronous `send` (an async HTTP client, the AWS SDK).
pub async fn drive_async<R, S, C>(
    mut sign_in: SignIn,
    mut send: S,
    interaction: &mut dyn Interaction,
    now: C,
    rng: &mut R,
) -> Result<SignedIn, Error>
where
    R: CryptoRng + ?Sized,
    S: AsyncFnMut(&Request) -> Result<(u16, Vec<u8>), Error>,
    C: Fn() -> Timestamp,
{
    /// Refused answers in a row before the sign-in gives up.
    const MAX_REFUSALS: u32 = 3;
    let mut refusals = 0;
    let mut request = sign_in.start(rng)?;
    loop {
        let (status, body) = send(&request).await?;
        let mut step = match (sign_in.receive(status, &body, now(), rng), &sign_in.state) {
            (Ok(step), _) => {
                refusals = 0;
                step
            }
            // The answer was refused and the prompt is out again: ask once more.
            (Err(Error::Service(_)), State::Prompted(prompted)) if refusals < MAX_REFUSALS => {
                refusals += 1;
                Step::Prompt(prompted.prompt.clone())
            }
            (Err(error), _) => return Err(error),
        };
        request = loop {
            step = match step {
                Step::Send(next) => break next,
                Step::Prompt(prompt) => {
                    let answer = interaction.answer(&prompt)?;
                    break sign_in.answer(answer, rng)?;
                }
                Step::StoreDevice(device) => {
                    interaction.store_device(&sign_in.username, device);
                    sign_in.proceed(now())?
                }
                Step::ForgetDevice => {
                    interaction.forget_device(&sign_in.username);
                    sign_in.proceed(now())?
                }
                Step::Done(signed_in) => return Ok(signed_in),
            };
        };
    }
}

/// A sign-in paused while a prompt is out, to resume later, possibly in
/// another process: a web back end can answer an MFA prompt in a later
/// request. It holds the session and the remembered device's credentials
/// (device password included): keep it where you would keep those.
#[cfg(feature = "serde")]
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct PausedSignIn {
    username: String,
    device: Option<DeviceCredentials>,
    session: Option<String>,
    client_metadata: Option<HashMap<String, String>>,
    challenge: String,
    prompt: Prompt,
}

#[cfg(feature = "serde")]
impl PausedSignIn {
    /// The prompt that is out.
    pub fn prompt(&self) -> &Prompt {
        &self.prompt
    }
}

#[cfg(feature = "serde")]
impl fmt::Debug for PausedSignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PausedSignIn")
            .field("username", &self.username)
            .field("challenge", &self.challenge)
            .field("prompt", &self.prompt)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "serde")]
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

/// The `username` claim of a JWT, read without checking its signature (the
/// client only needs the name; the service checks the token).
fn username_claim(token: &str) -> Option<String> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let claims: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims.get("username")?.as_str().filter(|u| !u.is_empty()).map(str::to_owned)
}

fn owned(parameters: HashMap<&'static str, String>) -> HashMap<String, String> {
    parameters.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn mfa_code(responses: &mut HashMap<&'static str, String>, name: &'static str, code: String) {
    responses.insert(name, code);
}

fn claim_responses(username: &str, claim: &PasswordClaim) -> HashMap<&'static str, String> {
    HashMap::from([
        ("USERNAME", username.to_owned()),
        ("PASSWORD_CLAIM_SECRET_BLOCK", claim.secret_block().to_owned()),
        ("PASSWORD_CLAIM_SIGNATURE", claim.signature().to_owned()),
        ("TIMESTAMP", claim.timestamp().to_owned()),
    ])
}

fn password_text(password: &Password) -> String {
    String::from_utf8_lossy(password.as_bytes()).into_owned()
}

fn selection_name(selection: &Selection) -> &'static str {
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
fn prompt_for(challenge: &str, parameters: &HashMap<String, String>, available: Option<Vec<String>>) -> Option<Prompt> {
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

/// Reads a response body: an error status or an `__type` body is a
/// [`ServiceError`]; anything else must be the operation's JSON.
fn parse<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    if status != 200 {
        let error: ErrorBody = serde_json::from_slice(body)
            .map_err(|_| Error::Protocol { reason: "an error status without an error body" })?;
        let service =
            ServiceError::from_body(&error).ok_or(Error::Protocol { reason: "an error body without __type" })?;
        return Err(Error::Service(service));
    }
    serde_json::from_slice(body).map_err(|_| Error::Protocol { reason: "a body that is not the operation's JSON" })
}
