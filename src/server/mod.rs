//! The other half of the protocol: an in-process, Cognito-compatible user
//! pool service, sans-IO like the client.
//!
//! [`Service::handle`] takes the same `X-Amz-Target` and JSON body a client
//! sends to Cognito and returns the status and body Cognito would. It
//! verifies the password proof for real (SRP with a stored salt and
//! verifier, never the password), device SRP, TOTP, SECRET_HASH on every
//! request, strict TIMESTAMPs within a clock-skew window, and single-use
//! sessions; it issues HMAC-signed JWTs and refresh tokens. Use it to test
//! a client end to end without a network, or for local development.
//!
//! What it models, and what it deliberately leaves out, is listed in the
//! crate README ("The embedded server").
//!
//! ```
//! use std::collections::HashMap;
//! use cognito_srp_auth::server::{PoolSettings, Service};
//! use cognito_srp_auth::{Password, Timestamp};
//!
//! let mut rng = rand::rng();
//! let mut service = Service::new();
//! let pool = service.create_user_pool("eu-west-1", PoolSettings::default(), &mut rng);
//! let app = service.create_app_client(&pool, true, &mut rng);
//! service.admin_create_user(&pool, "alice", HashMap::new(), &Password::from("correct horse"), true, &mut rng).unwrap();
//! // Hand it what an HTTP client would send to cognito-idp.
//! let (status, body) = service.handle(
//!     "AWSCognitoIdentityProviderService.InitiateAuth",
//!     br#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"nope","AuthParameters":{}}"#,
//!     Timestamp::now(),
//!     &mut rng,
//! );
//! assert_eq!(status, 400);
//! # let _ = (app, body);
//! ```

mod tokens;
mod totp;

use std::collections::HashMap;

use rand_core::CryptoRng;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

pub use totp::totp;

use crate::encoding::{decode_base64, encode_base64, parse_hex, to_minimal_hex};
use crate::flow::ServiceError;
use crate::modpow::{Exponent, Residue, pow, pow_g};
use crate::secret::{ClientSecret, Password};
use crate::secret_hash::SecretHash;
use crate::srp::math::{self, Salt};
use crate::timestamp::Timestamp;
use crate::user_pool::UserPoolId;
use crate::wire::{
    AssociateSoftwareTokenRequest, ConfirmDeviceRequest, InitiateAuthRequest, Operation, RespondToAuthChallengeRequest,
    UpdateDeviceStatusRequest, VerifySoftwareTokenRequest,
};
use tokens::TokenKey;

/// How long a session may wait for its answer (Cognito's default).
const SESSION_SECONDS: i64 = 180;
/// How far a client's TIMESTAMP may be from the server clock.
const CLOCK_SKEW_SECONDS: i64 = 300;
/// Token lifetime.
const TOKEN_SECONDS: i64 = 3600;
/// Wrong passwords before a user is locked out.
const MAX_FAILED_ATTEMPTS: u32 = 5;
/// Wrong MFA codes a session takes.
const MAX_CODE_ATTEMPTS: u32 = 3;

const INCORRECT: &str = "Incorrect username or password.";

/// How a pool treats second factors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MfaConfiguration {
    /// No MFA.
    #[default]
    Off,
    /// Users who set up an authenticator are asked for it.
    Optional,
    /// Every user must have an authenticator; those without set one up
    /// (MFA_SETUP) at their next sign-in.
    Required,
}

/// A user pool's settings.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct PoolSettings {
    /// Issue `NewDeviceMetadata` so clients can remember devices; a
    /// remembered device skips MFA.
    pub track_devices: bool,
    /// Remember every confirmed device (`UserConfirmationNecessary` false);
    /// otherwise the user opts in with UpdateDeviceStatus.
    pub always_remember_devices: bool,
    /// Second factors.
    pub mfa: MfaConfiguration,
    /// Users may sign in with their `email` attribute.
    pub email_alias: bool,
    /// Usernames and aliases match whatever their case (Cognito's
    /// `UsernameConfiguration.CaseSensitive = false`, the console's default).
    pub case_insensitive_usernames: bool,
}

impl PoolSettings {
    /// Settings with device tracking (always remember), optional TOTP MFA and email aliases.
    pub fn with_devices_and_optional_mfa() -> Self {
        PoolSettings {
            track_devices: true,
            always_remember_devices: true,
            mfa: MfaConfiguration::Optional,
            email_alias: true,
            case_insensitive_usernames: false,
        }
    }

    /// These settings with another MFA configuration.
    pub fn with_mfa(mut self, mfa: MfaConfiguration) -> Self {
        self.mfa = mfa;
        self
    }

    /// These settings with usernames and aliases matched whatever their case.
    pub fn with_case_insensitive_usernames(mut self, case_insensitive: bool) -> Self {
        self.case_insensitive_usernames = case_insensitive;
        self
    }

    /// These settings with email aliases on or off.
    pub fn with_email_alias(mut self, email_alias: bool) -> Self {
        self.email_alias = email_alias;
        self
    }
}

/// An app client as [`Service::create_app_client`] made it.
#[derive(Clone, Debug)]
pub struct NewAppClient {
    /// The client id.
    pub client_id: String,
    /// The secret, when one was generated.
    pub client_secret: Option<ClientSecret>,
}

struct User {
    salt: Salt,
    verifier: Residue,
    temporary: bool,
    attributes: HashMap<String, String>,
    totp_secret: Option<Vec<u8>>,
    sms_mfa: bool,
    email_mfa: bool,
    failed_attempts: u32,
}

struct Device {
    username: String,
    group_key: String,
    verifier: Option<(Salt, Residue)>,
    remembered: bool,
}

struct Pool {
    id: UserPoolId,
    settings: PoolSettings,
    users: HashMap<String, User>,
    aliases: HashMap<String, String>,
    devices: HashMap<String, Device>,
    group_key: String,
    tokens: TokenKey,
    /// Keys fake salts for unknown users, so they look like real ones.
    decoy_key: [u8; 32],
}

struct Client {
    pool: String,
    secret: Option<ClientSecret>,
}

/// The server's half of one SRP round.
struct SrpRound {
    a: Residue,
    b: Exponent,
    b_public: Residue,
    verifier: Residue,
    secret_block: Vec<u8>,
}

enum Pending {
    PasswordVerifier {
        username: Option<String>,
        srp: SrpRound,
    },
    DeviceSrpAuth {
        username: String,
        device_key: String,
    },
    DevicePasswordVerifier {
        username: String,
        device_key: String,
        srp: SrpRound,
    },
    /// A one-time code: TOTP (`code: None`) or one sent to the outbox.
    Code {
        username: String,
        challenge: &'static str,
        code: Option<String>,
        attempts: u32,
    },
    SelectMfaType {
        username: String,
        options: Vec<&'static str>,
    },
    NewPasswordRequired {
        username: String,
    },
    MfaSetup {
        username: String,
        secret: Option<Vec<u8>>,
        verified: bool,
    },
    Custom {
        username: String,
        answer: String,
    },
    SelectChallenge {
        username: Option<String>,
        typed: String,
    },
}

struct Session {
    client_id: String,
    challenge: &'static str,
    pending: Pending,
    expires: i64,
    device_key: Option<String>,
    /// CUSTOM_AUTH: the custom challenge follows the password.
    custom: bool,
}

/// A one-time code the service "sent": tests and apps read it from
/// [`Service::take_outbox`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// `SMS` or `EMAIL`.
    pub medium: &'static str,
    /// The phone number or address.
    pub destination: String,
    /// The code.
    pub code: String,
}

/// What a pool's custom-challenge hook (its "Lambda triggers") returns for a
/// user: the parameters to show and the answer to expect.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomChallenge {
    /// `ChallengeParameters` of the CUSTOM_CHALLENGE (USERNAME is added).
    pub parameters: HashMap<String, String>,
    /// The `ANSWER` that passes.
    pub answer: String,
}

/// Makes a custom challenge for a pool username.
pub type CustomChallengeHook = Box<dyn FnMut(&str) -> CustomChallenge + Send>;

struct RefreshEntry {
    client_id: String,
    pool: String,
    username: String,
    device_key: Option<String>,
}

/// A failure, as the service reports it.
struct Fault {
    kind: &'static str,
    message: String,
}

fn fault(kind: &'static str, message: impl Into<String>) -> Fault {
    Fault { kind, message: message.into() }
}

fn not_authorized(message: &str) -> Fault {
    fault("NotAuthorizedException", message)
}

/// An in-process Cognito user-pool service.
#[derive(Default)]
pub struct Service {
    pools: HashMap<String, Pool>,
    clients: HashMap<String, Client>,
    sessions: HashMap<String, Session>,
    refresh_tokens: HashMap<String, RefreshEntry>,
    outbox: Vec<Message>,
    custom_challenges: HashMap<String, CustomChallengeHook>,
}

impl core::fmt::Debug for Service {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Service")
            .field("pools", &self.pools.len())
            .field("clients", &self.clients.len())
            .finish_non_exhaustive()
    }
}

fn random_bytes<const LEN: usize, R: CryptoRng + ?Sized>(rng: &mut R) -> [u8; LEN] {
    let mut bytes = [0u8; LEN];
    rng.fill_bytes(&mut bytes);
    bytes
}

fn random_id<R: CryptoRng + ?Sized>(rng: &mut R, alphabet: &[u8], len: usize) -> String {
    (0..len).map(|_| alphabet[usize::from(random_bytes::<1, R>(rng)[0]) % alphabet.len()] as char).collect()
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn uuid<R: CryptoRng + ?Sized>(rng: &mut R) -> String {
    let hex: String = random_bytes::<16, R>(rng).iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

impl Service {
    /// A service with no pools.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates a user pool in `region` and returns its id.
    pub fn create_user_pool<R: CryptoRng + ?Sized>(
        &mut self,
        region: &str,
        settings: PoolSettings,
        rng: &mut R,
    ) -> UserPoolId {
        let id = UserPoolId::parse(&format!("{region}_{}", random_id(rng, ALNUM, 9)))
            .unwrap_or_else(|_| unreachable!("region and name are well formed"));
        let pool = Pool {
            id: id.clone(),
            settings,
            users: HashMap::new(),
            aliases: HashMap::new(),
            devices: HashMap::new(),
            group_key: format!("-{}", random_id(rng, ALNUM, 9)),
            tokens: TokenKey::new(random_bytes(rng)),
            decoy_key: random_bytes(rng),
        };
        self.pools.insert(id.as_str().to_owned(), pool);
        id
    }

    /// Creates an app client, with a generated secret if asked.
    pub fn create_app_client<R: CryptoRng + ?Sized>(
        &mut self,
        pool: &UserPoolId,
        generate_secret: bool,
        rng: &mut R,
    ) -> NewAppClient {
        let client_id = random_id(rng, b"abcdefghijklmnopqrstuvwxyz0123456789", 26);
        let client_secret =
            generate_secret.then(|| ClientSecret::new(random_id(rng, b"abcdefghijklmnopqrstuvwxyz0123456789", 51)));
        self.clients
            .insert(client_id.clone(), Client { pool: pool.as_str().to_owned(), secret: client_secret.clone() });
        NewAppClient { client_id, client_secret }
    }

    /// AdminCreateUser followed by AdminSetUserPassword: a user with
    /// `attributes` (an `email` becomes a sign-in alias where the pool
    /// allows) and a password; `permanent = false` makes it temporary, so
    /// the first sign-in asks NEW_PASSWORD_REQUIRED.
    pub fn admin_create_user<R: CryptoRng + ?Sized>(
        &mut self,
        pool: &UserPoolId,
        username: &str,
        attributes: HashMap<String, String>,
        password: &Password,
        permanent: bool,
        rng: &mut R,
    ) -> Result<(), ServiceError> {
        let pool = self
            .pools
            .get_mut(pool.as_str())
            .ok_or_else(|| service_error(fault("ResourceNotFoundException", "User pool does not exist.")))?;
        if pool.users.contains_key(username) {
            return Err(service_error(fault("UsernameExistsException", "User account already exists")));
        }
        if pool.settings.email_alias
            && let Some(email) = attributes.get("email")
        {
            pool.aliases.insert(email.clone(), username.to_owned());
        }
        let (salt, verifier) = make_verifier(pool.id.pool_name(), username, password, rng);
        let user = User {
            salt,
            verifier,
            temporary: !permanent,
            attributes,
            totp_secret: None,
            sms_mfa: false,
            email_mfa: false,
            failed_attempts: 0,
        };
        pool.users.insert(username.to_owned(), user);
        Ok(())
    }

    /// Enables TOTP MFA for a user with a fresh secret, as if they had
    /// associated an authenticator, and returns the Base32 secret (what the
    /// authenticator app is given; see [`totp`]).
    pub fn admin_set_software_token_mfa<R: CryptoRng + ?Sized>(
        &mut self,
        pool: &UserPoolId,
        username: &str,
        rng: &mut R,
    ) -> Option<String> {
        let user = self.pools.get_mut(pool.as_str())?.users.get_mut(username)?;
        let secret = random_bytes::<20, R>(rng).to_vec();
        let code = totp::base32(&secret);
        user.totp_secret = Some(secret);
        Some(code)
    }

    /// Turns SMS and email codes on or off as second factors for a user
    /// (the codes go to the `phone_number` and `email` attributes).
    pub fn admin_set_user_mfa_preference(
        &mut self,
        pool: &UserPoolId,
        username: &str,
        sms: bool,
        email: bool,
    ) -> Option<()> {
        let user = self.pools.get_mut(pool.as_str())?.users.get_mut(username)?;
        (user.sms_mfa, user.email_mfa) = (sms, email);
        Some(())
    }

    /// Sets the pool's custom-challenge hook: after the password (CUSTOM_AUTH
    /// with `CHALLENGE_NAME=SRP_A`), or alone (CUSTOM_AUTH without it), the
    /// user gets the hook's CUSTOM_CHALLENGE and must give its answer.
    pub fn set_custom_challenge_hook(&mut self, pool: &UserPoolId, hook: CustomChallengeHook) {
        self.custom_challenges.insert(pool.as_str().to_owned(), hook);
    }

    /// The codes sent since the last call (SMS_MFA, EMAIL_OTP, SMS_OTP).
    pub fn take_outbox(&mut self) -> Vec<Message> {
        core::mem::take(&mut self.outbox)
    }

    /// The claims of an access or ID token one of this service's pools
    /// issued, if it verifies and has not expired.
    pub fn verify_token(&self, token: &str, now: Timestamp) -> Option<Value> {
        self.pools.values().find_map(|pool| pool.tokens.verify(token, now))
    }

    /// Handles one request: the `X-Amz-Target` header and the JSON body.
    /// Returns the HTTP status and the JSON body Cognito would.
    pub fn handle<R: CryptoRng + ?Sized>(
        &mut self,
        target: &str,
        body: &[u8],
        now: Timestamp,
        rng: &mut R,
    ) -> (u16, Vec<u8>) {
        let result = match Operation::from_target(target) {
            Some(Operation::InitiateAuth) => parse(body).and_then(|r| self.initiate_auth(r, now, rng)),
            Some(Operation::RespondToAuthChallenge) => parse(body).and_then(|r| self.respond(r, now, rng)),
            Some(Operation::ConfirmDevice) => parse(body).and_then(|r| self.confirm_device(r, now)),
            Some(Operation::UpdateDeviceStatus) => parse(body).and_then(|r| self.update_device_status(r, now)),
            Some(Operation::AssociateSoftwareToken) => {
                parse(body).and_then(|r| self.associate_software_token(r, now, rng))
            }
            Some(Operation::VerifySoftwareToken) => parse(body).and_then(|r| self.verify_software_token(r, now, rng)),
            _ => Err(fault("UnknownOperationException", "")),
        };
        match result {
            Ok(value) => (200, value.to_string().into_bytes()),
            Err(f) => (400, json!({"__type": f.kind, "message": f.message}).to_string().into_bytes()),
        }
    }

    fn client(&self, client_id: &str) -> Result<(&Client, &Pool), Fault> {
        let client = self.clients.get(client_id).ok_or_else(|| {
            fault("ResourceNotFoundException", format!("User pool client {client_id} does not exist."))
        })?;
        let pool = self
            .pools
            .get(&client.pool)
            .ok_or_else(|| fault("ResourceNotFoundException", "User pool does not exist."))?;
        Ok((client, pool))
    }

    fn check_secret_hash(&self, client_id: &str, username: &str, given: Option<&String>) -> Result<(), Fault> {
        let (client, _) = self.client(client_id)?;
        let Some(secret) = &client.secret else { return Ok(()) };
        let expected = SecretHash::new(secret, username, client_id);
        let matches = given.is_some_and(|given| bool::from(given.as_bytes().ct_eq(expected.as_str().as_bytes())));
        if matches {
            Ok(())
        } else {
            Err(not_authorized(&format!("Unable to verify secret hash for client {client_id}")))
        }
    }

    fn new_session<R: CryptoRng + ?Sized>(&mut self, session: Session, rng: &mut R) -> String {
        let id = encode_base64(&random_bytes::<96, R>(rng));
        self.sessions.insert(id.clone(), session);
        id
    }

    fn initiate_auth<R: CryptoRng + ?Sized>(
        &mut self,
        request: InitiateAuthRequest,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let parameters = request.auth_parameters;
        let client_id = request.client_id;
        self.client(&client_id)?;
        let flow = request.auth_flow.as_str();
        if matches!(flow, "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN") {
            return self.refresh(&client_id, &parameters, now);
        }
        let typed = parameters.get("USERNAME").ok_or_else(|| missing("USERNAME"))?.clone();
        self.check_secret_hash(&client_id, &typed, parameters.get("SECRET_HASH"))?;
        let device_key = parameters.get("DEVICE_KEY").cloned();
        let first = Start { client_id: &client_id, typed: &typed, device_key, now };
        match (
            flow,
            parameters.get("CHALLENGE_NAME").map(String::as_str),
            parameters.get("PREFERRED_CHALLENGE").map(String::as_str),
        ) {
            ("USER_SRP_AUTH", _, _) => self.start_password_verifier(first, parameters.get("SRP_A"), false, rng),
            ("CUSTOM_AUTH", Some("SRP_A"), _) => {
                self.start_password_verifier(first, parameters.get("SRP_A"), true, rng)
            }
            ("CUSTOM_AUTH", _, _) => {
                let username = self.client(&client_id)?.1.resolve(&typed).ok_or_else(|| not_authorized(INCORRECT))?;
                self.next_challenge(first.client_id, &username, None, true, now, rng)
            }
            ("USER_PASSWORD_AUTH", _, _) | ("USER_AUTH", _, Some("PASSWORD")) => {
                let username = self.check_password(&client_id, &typed, parameters.get("PASSWORD"))?;
                self.after_password(&client_id, &username, first.device_key, false, now, rng)
            }
            ("USER_AUTH", _, Some("PASSWORD_SRP")) => {
                self.start_password_verifier(first, parameters.get("SRP_A"), false, rng)
            }
            ("USER_AUTH", _, Some(otp @ ("EMAIL_OTP" | "SMS_OTP"))) => {
                let username = self.client(&client_id)?.1.resolve(&typed).ok_or_else(|| not_authorized(INCORRECT))?;
                let otp = if otp == "EMAIL_OTP" { "EMAIL_OTP" } else { "SMS_OTP" };
                self.code_challenge(&client_id, &username, otp, None, now, rng)
            }
            ("USER_AUTH", _, None) => {
                let username = self.client(&client_id)?.1.resolve(&typed);
                let mut available = vec!["PASSWORD_SRP", "PASSWORD"];
                let user = username.as_ref().and_then(|u| self.client(&client_id).ok()?.1.users.get(u));
                if user.is_some_and(|u| u.attributes.contains_key("email")) {
                    available.push("EMAIL_OTP");
                }
                if user.is_some_and(|u| u.attributes.contains_key("phone_number")) {
                    available.push("SMS_OTP");
                }
                let shown = username.clone().unwrap_or_else(|| typed.clone());
                let pending = Pending::SelectChallenge { username, typed };
                let mut response = self.challenge(
                    &client_id,
                    "SELECT_CHALLENGE",
                    json!({"USERNAME": shown}),
                    pending,
                    None,
                    false,
                    now,
                    rng,
                );
                response["AvailableChallenges"] = json!(available);
                Ok(response)
            }
            (other, _, _) => Err(fault("InvalidParameterException", format!("Unsupported AuthFlow {other}"))),
        }
    }

    /// PASSWORD_VERIFIER for an SRP_A: the user's salt and `B = k·v + g^b`,
    /// or a decoy that fails later, so an unknown user looks like a wrong password.
    fn start_password_verifier<R: CryptoRng + ?Sized>(
        &mut self,
        start: Start<'_>,
        srp_a: Option<&String>,
        custom: bool,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let a = parse_srp_a(srp_a)?;
        let (_, pool) = self.client(start.client_id)?;
        let username = pool.resolve(start.typed);
        let (salt, verifier) = match username.as_ref().and_then(|u| pool.users.get(u)) {
            Some(user) => (user.salt.clone(), user.verifier.clone()),
            None => pool.decoy(start.typed),
        };
        let shown = username.clone().unwrap_or_else(|| start.typed.to_owned());
        let srp = SrpRound::start(a, verifier, rng);
        let mut parameters = srp.challenge_parameters(&salt);
        parameters["USER_ID_FOR_SRP"] = json!(shown);
        parameters["USERNAME"] = json!(shown);
        let pending = Pending::PasswordVerifier { username, srp };
        Ok(self.challenge(
            start.client_id,
            "PASSWORD_VERIFIER",
            parameters,
            pending,
            start.device_key,
            custom,
            start.now,
            rng,
        ))
    }

    /// Checks a password sent in the clear (USER_PASSWORD_AUTH, USER_AUTH
    /// PASSWORD) against the stored verifier; returns the pool username.
    fn check_password(&mut self, client_id: &str, typed: &str, password: Option<&String>) -> Result<String, Fault> {
        let password = Password::from(password.map(String::as_str).unwrap_or_default());
        let (_, pool) = self.client(client_id)?;
        let username = pool.resolve(typed).ok_or_else(|| not_authorized(INCORRECT))?;
        let user = pool.users.get(&username).ok_or_else(|| not_authorized(INCORRECT))?;
        if user.failed_attempts >= MAX_FAILED_ATTEMPTS {
            return Err(not_authorized("Password attempts exceeded"));
        }
        let x = math::compute_x(&user.salt, pool.id.pool_name(), &username, password.as_bytes());
        if pow_g(&math::exponent_256(&x)) != user.verifier {
            return Err(self.failed_attempt(client_id, &username));
        }
        Ok(username)
    }

    fn refresh(
        &mut self,
        client_id: &str,
        parameters: &HashMap<String, String>,
        now: Timestamp,
    ) -> Result<Value, Fault> {
        let token = parameters.get("REFRESH_TOKEN").ok_or_else(|| missing("REFRESH_TOKEN"))?;
        let entry = self
            .refresh_tokens
            .get(token)
            .filter(|e| e.client_id == client_id)
            .ok_or_else(|| not_authorized("Invalid Refresh Token"))?;
        let (pool_id, username, device_key) = (entry.pool.clone(), entry.username.clone(), entry.device_key.clone());
        self.check_secret_hash(client_id, &username, parameters.get("SECRET_HASH"))?;
        if device_key.is_some() && parameters.get("DEVICE_KEY") != device_key.as_ref() {
            return Err(not_authorized("Invalid Refresh Token"));
        }
        let pool = self.pools.get(&pool_id).ok_or_else(|| not_authorized("Invalid Refresh Token"))?;
        let mut result = pool.tokens_for(&username, client_id, device_key.as_deref(), now);
        result.as_object_mut().map(|r| r.remove("RefreshToken"));
        Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
    }

    /// Counts a wrong password and answers as Cognito does.
    fn failed_attempt(&mut self, client_id: &str, username: &str) -> Fault {
        let pool_id = self.clients.get(client_id).map(|c| c.pool.clone()).unwrap_or_default();
        if let Some(user) = self.pools.get_mut(&pool_id).and_then(|p| p.users.get_mut(username)) {
            user.failed_attempts += 1;
        }
        not_authorized(INCORRECT)
    }

    /// A new session for `pending`, and the challenge response that carries it.
    #[allow(clippy::too_many_arguments, reason = "the fields of the session and its response")]
    fn challenge<R: CryptoRng + ?Sized>(
        &mut self,
        client_id: &str,
        name: &'static str,
        parameters: Value,
        pending: Pending,
        device_key: Option<String>,
        custom: bool,
        now: Timestamp,
        rng: &mut R,
    ) -> Value {
        let expires = now.unix_seconds() + SESSION_SECONDS;
        let session =
            Session { client_id: client_id.to_owned(), challenge: name, pending, expires, device_key, custom };
        let id = self.new_session(session, rng);
        json!({"ChallengeName": name, "Session": id, "ChallengeParameters": parameters})
    }

    fn respond<R: CryptoRng + ?Sized>(
        &mut self,
        request: RespondToAuthChallengeRequest,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        self.client(&request.client_id)?;
        let id = request.session.clone().unwrap_or_default();
        let session = self
            .sessions
            .remove(&id)
            .ok_or_else(|| not_authorized("Invalid session for the user, session can only be used once."))?;
        if session.expires <= now.unix_seconds() {
            return Err(not_authorized("Invalid session for the user, session is expired."));
        }
        if session.client_id != request.client_id || session.challenge != request.challenge_name {
            return Err(not_authorized("Invalid session for the user."));
        }
        let responses = &request.challenge_responses;
        let username = responses.get("USERNAME").ok_or_else(|| missing("USERNAME"))?;
        self.check_secret_hash(&request.client_id, username, responses.get("SECRET_HASH"))?;
        let client_id = request.client_id.clone();
        let (device_key, custom) = (session.device_key.clone(), session.custom);
        match session.pending {
            Pending::PasswordVerifier { username: user, srp } => {
                let device_key = responses.get("DEVICE_KEY").cloned();
                let (_, pool) = self.client(&client_id)?;
                if let Some(key) = &device_key
                    && user.as_ref().is_none_or(|u| pool.devices.get(key).is_none_or(|d| &d.username != u))
                {
                    // The session stays usable: the client may answer again without the device.
                    let pending = Pending::PasswordVerifier { username: user, srp };
                    self.sessions.insert(id, Session { pending, ..session });
                    return Err(fault("ResourceNotFoundException", "Device does not exist."));
                }
                let Some(user) = user else { return Err(not_authorized(INCORRECT)) };
                if pool.users.get(&user).is_some_and(|u| u.failed_attempts >= MAX_FAILED_ATTEMPTS) {
                    return Err(not_authorized("Password attempts exceeded"));
                }
                if !srp.accepts(pool.id.pool_name(), &user, responses, now) || username != &user {
                    return Err(self.failed_attempt(&client_id, &user));
                }
                self.after_password(&client_id, &user, device_key, custom, now, rng)
            }
            Pending::DeviceSrpAuth { username: user, device_key } => {
                if responses.get("DEVICE_KEY") != Some(&device_key) {
                    return Err(not_authorized("Invalid device key given."));
                }
                let a = parse_srp_a(responses.get("SRP_A"))?;
                let (_, pool) = self.client(&client_id)?;
                let device = pool
                    .devices
                    .get(&device_key)
                    .ok_or_else(|| fault("ResourceNotFoundException", "Device does not exist."))?;
                let (salt, verifier) =
                    device.verifier.clone().ok_or_else(|| not_authorized("Device is not confirmed."))?;
                let srp = SrpRound::start(a, verifier, rng);
                let mut parameters = srp.challenge_parameters(&salt);
                parameters["USERNAME"] = json!(user);
                parameters["DEVICE_KEY"] = json!(device_key);
                let pending = Pending::DevicePasswordVerifier { username: user, device_key: device_key.clone(), srp };
                Ok(self.challenge(
                    &client_id,
                    "DEVICE_PASSWORD_VERIFIER",
                    parameters,
                    pending,
                    Some(device_key),
                    false,
                    now,
                    rng,
                ))
            }
            Pending::DevicePasswordVerifier { username: user, device_key, srp } => {
                let (_, pool) = self.client(&client_id)?;
                let group_key = pool.devices.get(&device_key).map(|d| d.group_key.clone()).unwrap_or_default();
                if responses.get("DEVICE_KEY") != Some(&device_key)
                    || !srp.accepts(&group_key, &device_key, responses, now)
                {
                    return Err(not_authorized(INCORRECT));
                }
                // A remembered device stands in for the second factor.
                Ok(self.issue_tokens(&client_id, &user, Some(device_key), now, rng))
            }
            Pending::Code { username: user, challenge, code, attempts } => {
                let given = responses.get(code_response_key(challenge)).map(String::as_str).unwrap_or_default();
                let (_, pool) = self.client(&client_id)?;
                let right = match &code {
                    Some(sent) => bool::from(sent.as_bytes().ct_eq(given.as_bytes())),
                    None => totp::verify(
                        pool.users.get(&user).and_then(|u| u.totp_secret.as_deref()).unwrap_or_default(),
                        given,
                        now,
                    ),
                };
                if !right {
                    if attempts + 1 < MAX_CODE_ATTEMPTS {
                        let pending = Pending::Code { username: user, challenge, code, attempts: attempts + 1 };
                        self.sessions.insert(id, Session { pending, ..session });
                    }
                    return Err(fault("CodeMismatchException", "Invalid code received for user"));
                }
                Ok(self.issue_tokens(&client_id, &user, device_key, now, rng))
            }
            Pending::SelectMfaType { username: user, options } => {
                let answer = responses.get("ANSWER").map(String::as_str).unwrap_or_default();
                let chosen = options
                    .into_iter()
                    .find(|o| *o == answer)
                    .ok_or_else(|| fault("InvalidParameterException", "Invalid MFA type"))?;
                self.code_challenge(&client_id, &user, chosen, device_key, now, rng)
            }
            Pending::NewPasswordRequired { username: user } => {
                let password = Password::from(responses.get("NEW_PASSWORD").map(String::as_str).unwrap_or_default());
                if password.as_bytes().len() < 8 {
                    return Err(fault(
                        "InvalidPasswordException",
                        "Password does not conform to policy: Password not long enough",
                    ));
                }
                let pool_id = self.clients.get(&client_id).map(|c| c.pool.clone()).unwrap_or_default();
                let pool = self.pools.get_mut(&pool_id).ok_or_else(|| not_authorized(INCORRECT))?;
                let (salt, verifier) = make_verifier(pool.id.pool_name(), &user, &password, rng);
                if let Some(u) = pool.users.get_mut(&user) {
                    (u.salt, u.verifier, u.temporary) = (salt, verifier, false);
                    for (name, value) in
                        responses.iter().filter_map(|(k, v)| Some((k.strip_prefix("userAttributes.")?, v)))
                    {
                        u.attributes.insert(name.to_owned(), value.clone());
                    }
                }
                self.after_password(&client_id, &user, device_key, custom, now, rng)
            }
            Pending::MfaSetup { username: user, secret: Some(secret), verified: true } => {
                let pool_id = self.clients.get(&client_id).map(|c| c.pool.clone()).unwrap_or_default();
                if let Some(u) = self.pools.get_mut(&pool_id).and_then(|p| p.users.get_mut(&user)) {
                    u.totp_secret = Some(secret);
                }
                Ok(self.issue_tokens(&client_id, &user, device_key, now, rng))
            }
            Pending::MfaSetup { username: user, .. } => match responses.get("EMAIL") {
                Some(email) => {
                    let pool_id = self.clients.get(&client_id).map(|c| c.pool.clone()).unwrap_or_default();
                    if let Some(u) = self.pools.get_mut(&pool_id).and_then(|p| p.users.get_mut(&user)) {
                        u.attributes.insert("email".to_owned(), email.clone());
                        u.email_mfa = true;
                    }
                    self.code_challenge(&client_id, &user, "EMAIL_OTP", device_key, now, rng)
                }
                None => Err(fault("InvalidParameterException", "Software token is not verified")),
            },
            Pending::Custom { username: user, answer } => {
                let given = responses.get("ANSWER").map(String::as_str).unwrap_or_default();
                if !bool::from(answer.as_bytes().ct_eq(given.as_bytes())) {
                    return Err(not_authorized(INCORRECT));
                }
                Ok(self.issue_tokens(&client_id, &user, device_key, now, rng))
            }
            Pending::SelectChallenge { username: user, typed } => {
                let start = Start { client_id: &client_id, typed: &typed, device_key: None, now };
                match responses.get("ANSWER").map(String::as_str) {
                    Some("PASSWORD_SRP") => self.start_password_verifier(start, responses.get("SRP_A"), false, rng),
                    Some("PASSWORD") => {
                        let user = self.check_password(&client_id, &typed, responses.get("PASSWORD"))?;
                        self.after_password(&client_id, &user, None, false, now, rng)
                    }
                    Some(otp @ ("EMAIL_OTP" | "SMS_OTP")) => {
                        let user = user.ok_or_else(|| not_authorized(INCORRECT))?;
                        let otp = if otp == "EMAIL_OTP" { "EMAIL_OTP" } else { "SMS_OTP" };
                        self.code_challenge(&client_id, &user, otp, None, now, rng)
                    }
                    _ => Err(fault("InvalidParameterException", "Unsupported ANSWER")),
                }
            }
        }
    }

    /// After a proven password: a new password, the custom challenge, a
    /// remembered device's SRP, a second factor, or the tokens.
    fn after_password<R: CryptoRng + ?Sized>(
        &mut self,
        client_id: &str,
        username: &str,
        device_key: Option<String>,
        custom: bool,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let (_, pool) = self.client(client_id)?;
        let user = pool.users.get(username).ok_or_else(|| not_authorized(INCORRECT))?;
        if user.temporary {
            let parameters = json!({"USERNAME": username, "requiredAttributes": "[]", "userAttributes": json!(user.attributes).to_string()});
            let pending = Pending::NewPasswordRequired { username: username.to_owned() };
            return Ok(self.challenge(
                client_id,
                "NEW_PASSWORD_REQUIRED",
                parameters,
                pending,
                device_key,
                custom,
                now,
                rng,
            ));
        }
        self.next_challenge(client_id, username, device_key, custom, now, rng)
    }

    fn next_challenge<R: CryptoRng + ?Sized>(
        &mut self,
        client_id: &str,
        username: &str,
        device_key: Option<String>,
        custom: bool,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let (_, pool) = self.client(client_id)?;
        let pool_id = pool.id.as_str().to_owned();
        if custom {
            let hook = self
                .custom_challenges
                .get_mut(&pool_id)
                .ok_or_else(|| not_authorized("Custom auth is not configured."))?;
            let CustomChallenge { mut parameters, answer } = hook(username);
            parameters.insert("USERNAME".to_owned(), username.to_owned());
            let pending = Pending::Custom { username: username.to_owned(), answer };
            return Ok(self.challenge(
                client_id,
                "CUSTOM_CHALLENGE",
                json!(parameters),
                pending,
                device_key,
                false,
                now,
                rng,
            ));
        }
        let (_, pool) = self.client(client_id)?;
        let user = pool.users.get(username).ok_or_else(|| not_authorized(INCORRECT))?;
        let remembered =
            device_key.as_ref().and_then(|k| pool.devices.get(k)).is_some_and(|d| d.remembered && d.verifier.is_some());
        let mut factors = Vec::new();
        if pool.settings.mfa != MfaConfiguration::Off {
            factors.extend(user.totp_secret.is_some().then_some("SOFTWARE_TOKEN_MFA"));
            factors.extend(user.sms_mfa.then_some("SMS_MFA"));
            factors.extend(user.email_mfa.then_some("EMAIL_OTP"));
        }
        let owned = username.to_owned();
        if remembered {
            let key = device_key.clone().unwrap_or_default();
            let pending = Pending::DeviceSrpAuth { username: owned, device_key: key };
            Ok(self.challenge(
                client_id,
                "DEVICE_SRP_AUTH",
                json!({"USERNAME": username}),
                pending,
                device_key,
                false,
                now,
                rng,
            ))
        } else if factors.len() > 1 {
            let parameters = json!({"USERNAME": username, "MFAS_CAN_CHOOSE": json!(factors).to_string()});
            let pending = Pending::SelectMfaType { username: owned, options: factors };
            Ok(self.challenge(client_id, "SELECT_MFA_TYPE", parameters, pending, device_key, false, now, rng))
        } else if let Some(factor) = factors.first() {
            self.code_challenge(client_id, username, factor, device_key, now, rng)
        } else if pool.settings.mfa == MfaConfiguration::Required {
            let parameters = json!({"USERNAME": username, "MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\",\"EMAIL_OTP\"]"});
            let pending = Pending::MfaSetup { username: owned, secret: None, verified: false };
            Ok(self.challenge(client_id, "MFA_SETUP", parameters, pending, device_key, false, now, rng))
        } else {
            Ok(self.issue_tokens(client_id, username, device_key, now, rng))
        }
    }

    /// A code challenge: TOTP, or a code "sent" to the outbox by SMS or email.
    fn code_challenge<R: CryptoRng + ?Sized>(
        &mut self,
        client_id: &str,
        username: &str,
        challenge: &'static str,
        device_key: Option<String>,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let mut parameters = json!({"USERNAME": username});
        let code = if challenge == "SOFTWARE_TOKEN_MFA" {
            None
        } else {
            let (medium, attribute) =
                if challenge == "EMAIL_OTP" { ("EMAIL", "email") } else { ("SMS", "phone_number") };
            let (_, pool) = self.client(client_id)?;
            let destination = pool.users.get(username).and_then(|u| u.attributes.get(attribute)).cloned();
            let destination = destination
                .ok_or_else(|| fault("InvalidParameterException", format!("No {attribute} to send a code to")))?;
            let code = format!("{:06}", u32::from_be_bytes(random_bytes(rng)) % 1_000_000);
            parameters["CODE_DELIVERY_DELIVERY_MEDIUM"] = json!(medium);
            parameters["CODE_DELIVERY_DESTINATION"] = json!(mask(&destination));
            self.outbox.push(Message { medium, destination, code: code.clone() });
            Some(code)
        };
        let pending = Pending::Code { username: username.to_owned(), challenge, code, attempts: 0 };
        Ok(self.challenge(client_id, challenge, parameters, pending, device_key, false, now, rng))
    }

    /// Tokens, and `NewDeviceMetadata` when the pool tracks devices and the
    /// sign-in came without one it knows.
    fn issue_tokens<R: CryptoRng + ?Sized>(
        &mut self,
        client_id: &str,
        username: &str,
        device_key: Option<String>,
        now: Timestamp,
        rng: &mut R,
    ) -> Value {
        let pool_id = self.clients.get(client_id).map(|c| c.pool.clone()).unwrap_or_default();
        let Some(pool) = self.pools.get_mut(&pool_id) else { return json!({}) };
        let known_device =
            device_key.filter(|k| pool.devices.get(k).is_some_and(|d| d.username == username && d.verifier.is_some()));
        if let Some(user) = pool.users.get_mut(username) {
            user.failed_attempts = 0;
        }
        let new_device = (pool.settings.track_devices && known_device.is_none()).then(|| {
            let key = format!("{}_{}", pool.id.region(), uuid(rng));
            let device = Device {
                username: username.to_owned(),
                group_key: pool.group_key.clone(),
                verifier: None,
                remembered: false,
            };
            pool.devices.insert(key.clone(), device);
            key
        });
        let device_for_tokens = known_device.clone().or(new_device.clone());
        let mut result = pool.tokens_for(username, client_id, device_for_tokens.as_deref(), now);
        if let Some(key) = &new_device {
            result["NewDeviceMetadata"] = json!({"DeviceKey": key, "DeviceGroupKey": pool.group_key});
        }
        let refresh = encode_base64(&random_bytes::<64, R>(rng));
        result["RefreshToken"] = json!(refresh);
        let entry = RefreshEntry {
            client_id: client_id.to_owned(),
            pool: pool_id,
            username: username.to_owned(),
            device_key: known_device,
        };
        self.refresh_tokens.insert(refresh, entry);
        json!({"AuthenticationResult": result, "ChallengeParameters": {}})
    }

    /// The pool and username an access token speaks for.
    fn access_token_owner(&self, token: &str, now: Timestamp) -> Result<(String, String), Fault> {
        let claims = self
            .verify_token(token, now)
            .filter(|c| c["token_use"] == "access")
            .ok_or_else(|| not_authorized("Invalid Access Token"))?;
        let pool = claims["iss"].as_str().unwrap_or_default().to_owned();
        let username = claims["username"].as_str().unwrap_or_default().to_owned();
        Ok((pool, username))
    }

    fn confirm_device(&mut self, request: ConfirmDeviceRequest, now: Timestamp) -> Result<Value, Fault> {
        let (pool_id, username) = self.access_token_owner(&request.access_token, now)?;
        let pool = self.pools.get_mut(&pool_id).ok_or_else(|| not_authorized("Invalid Access Token"))?;
        let always = pool.settings.always_remember_devices;
        let device = pool.devices.get_mut(&request.device_key).filter(|d| d.username == username);
        let device = device.ok_or_else(|| fault("ResourceNotFoundException", "Device does not exist."))?;
        let config = &request.device_secret_verifier_config;
        let invalid = || fault("InvalidParameterException", "Invalid DeviceSecretVerifierConfig");
        let verifier = decode_base64("PasswordVerifier", &config.password_verifier)
            .ok()
            .and_then(|v| Residue::from_be_bytes(&v))
            .ok_or_else(invalid)?;
        let salt = decode_base64("Salt", &config.salt).map_err(|_| invalid())?;
        device.verifier = Some((Salt::from_unsigned_bytes(&salt), verifier));
        device.remembered = always;
        Ok(json!({"UserConfirmationNecessary": !always}))
    }

    fn update_device_status(&mut self, request: UpdateDeviceStatusRequest, now: Timestamp) -> Result<Value, Fault> {
        let (pool_id, username) = self.access_token_owner(&request.access_token, now)?;
        let device = self
            .pools
            .get_mut(&pool_id)
            .and_then(|p| p.devices.get_mut(&request.device_key))
            .filter(|d| d.username == username);
        let device = device.ok_or_else(|| fault("ResourceNotFoundException", "Device does not exist."))?;
        device.remembered = request.device_remembered_status == "remembered";
        Ok(json!({}))
    }

    /// Takes an MFA_SETUP session for AssociateSoftwareToken / VerifySoftwareToken.
    fn setup_session(&mut self, id: Option<&String>, now: Timestamp) -> Result<Session, Fault> {
        let session = id
            .and_then(|id| self.sessions.remove(id))
            .ok_or_else(|| not_authorized("Invalid session for the user."))?;
        if session.expires <= now.unix_seconds() || !matches!(session.pending, Pending::MfaSetup { .. }) {
            return Err(not_authorized("Invalid session for the user."));
        }
        Ok(session)
    }

    fn associate_software_token<R: CryptoRng + ?Sized>(
        &mut self,
        request: AssociateSoftwareTokenRequest,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let mut session = self.setup_session(request.session.as_ref(), now)?;
        let secret = random_bytes::<20, R>(rng).to_vec();
        let code = totp::base32(&secret);
        if let Pending::MfaSetup { secret: slot, verified, .. } = &mut session.pending {
            (*slot, *verified) = (Some(secret), false);
        }
        let id = self.new_session(session, rng);
        Ok(json!({"SecretCode": code, "Session": id}))
    }

    fn verify_software_token<R: CryptoRng + ?Sized>(
        &mut self,
        request: VerifySoftwareTokenRequest,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let mut session = self.setup_session(request.session.as_ref(), now)?;
        let Pending::MfaSetup { secret: Some(secret), verified, .. } = &mut session.pending else {
            return Err(fault("InvalidParameterException", "No software token was associated"));
        };
        if !totp::verify(secret, &request.user_code, now) {
            let id = request.session.clone().unwrap_or_default();
            self.sessions.insert(id, session);
            return Err(fault("EnableSoftwareTokenMFAException", "Code mismatch"));
        }
        *verified = true;
        let id = self.new_session(session, rng);
        Ok(json!({"Status": "SUCCESS", "Session": id}))
    }
}

impl Pool {
    /// The pool username for what was typed: the username, or an alias.
    fn resolve(&self, typed: &str) -> Option<String> {
        if self.users.contains_key(typed) {
            return Some(typed.to_owned());
        }
        if let Some(username) = self.aliases.get(typed) {
            return Some(username.clone());
        }
        if !self.settings.case_insensitive_usernames {
            return None;
        }
        let user = self.users.keys().find(|name| name.eq_ignore_ascii_case(typed)).cloned();
        user.or_else(|| {
            self.aliases.iter().find(|(alias, _)| alias.eq_ignore_ascii_case(typed)).map(|(_, u)| u.clone())
        })
    }

    /// A salt and verifier for a user who does not exist, the same for the
    /// same name every time, so the challenge looks like a real one.
    fn decoy(&self, typed: &str) -> (Salt, Residue) {
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&self.decoy_key).unwrap_or_else(|_| unreachable!("any key"));
        mac.update(typed.as_bytes());
        let digest: [u8; 32] = mac.finalize().into_bytes().into();
        (Salt::from_unsigned_bytes(&digest[..16]), pow_g(&math::exponent_256(&digest)))
    }

    fn tokens_for(&self, username: &str, client_id: &str, device_key: Option<&str>, now: Timestamp) -> Value {
        let (iat, exp) = (now.unix_seconds(), now.unix_seconds() + TOKEN_SECONDS);
        let mut access = json!({"sub": username, "username": username, "token_use": "access", "client_id": client_id, "iss": self.id.as_str(), "iat": iat, "exp": exp});
        if let Some(key) = device_key {
            access["device_key"] = json!(key);
        }
        let mut id = json!({"sub": username, "cognito:username": username, "token_use": "id", "aud": client_id, "iss": self.id.as_str(), "iat": iat, "exp": exp});
        if let Some(email) = self.users.get(username).and_then(|u| u.attributes.get("email")) {
            id["email"] = json!(email);
        }
        json!({"AccessToken": self.tokens.issue(&access), "IdToken": self.tokens.issue(&id), "ExpiresIn": TOKEN_SECONDS, "TokenType": "Bearer"})
    }
}

impl SrpRound {
    /// `B = k·v + g^b` for a fresh 256-bit `b`, and a fresh SECRET_BLOCK.
    fn start<R: CryptoRng + ?Sized>(a: Residue, verifier: Residue, rng: &mut R) -> Self {
        let b = Exponent::from_be_bytes(&random_bytes::<32, R>(rng)).unwrap_or_else(|| unreachable!("32 bytes fit"));
        let b_public = math::k().mul(&verifier).add(&pow_g(&b));
        SrpRound { a, b, b_public, verifier, secret_block: random_bytes::<64, R>(rng).to_vec() }
    }

    /// The challenge parameters of the round: `SALT`, `SRP_B`, `SECRET_BLOCK`.
    fn challenge_parameters(&self, salt: &Salt) -> Value {
        json!({
            "SALT": to_minimal_hex(salt.as_bytes()),
            "SRP_B": to_minimal_hex(&self.b_public.to_be_bytes()),
            "SECRET_BLOCK": encode_base64(&self.secret_block),
        })
    }

    /// Whether a verifier answer proves the password: SECRET_BLOCK echoed,
    /// TIMESTAMP exact and within the skew window, and the signature equal
    /// (in constant time) to `HMAC(key, prefix || id || SECRET_BLOCK || TIMESTAMP)`
    /// with the key from `S = (A · v^u)^b`.
    fn accepts(&self, prefix: &str, id: &str, responses: &HashMap<String, String>, now: Timestamp) -> bool {
        let field = |name| responses.get(name).map(String::as_str).unwrap_or_default();
        let Ok(timestamp) = field("TIMESTAMP").parse::<Timestamp>() else { return false };
        if (timestamp.unix_seconds() - now.unix_seconds()).abs() > CLOCK_SKEW_SECONDS {
            return false;
        }
        let echoed =
            decode_base64("PASSWORD_CLAIM_SECRET_BLOCK", field("PASSWORD_CLAIM_SECRET_BLOCK")).unwrap_or_default();
        if !bool::from(echoed.ct_eq(&self.secret_block)) {
            return false;
        }
        let u = math::compute_u(&self.a, &self.b_public);
        let v_u = pow(&self.verifier, &math::exponent_256(&u));
        let s = pow(&self.a.mul(&v_u), &self.b);
        let key = math::derive_key(&s, &u);
        let expected = math::sign(&key, prefix, id, &self.secret_block, field("TIMESTAMP"));
        bool::from(expected.as_bytes().ct_eq(field("PASSWORD_CLAIM_SIGNATURE").as_bytes()))
    }
}

/// Where a sign-in starts: the client, what was typed, the device, the time.
struct Start<'a> {
    client_id: &'a str,
    typed: &'a str,
    device_key: Option<String>,
    now: Timestamp,
}

fn missing(name: &str) -> Fault {
    fault("InvalidParameterException", format!("Missing required parameter {name}"))
}

/// The response member that carries a code challenge's answer.
fn code_response_key(challenge: &str) -> &'static str {
    match challenge {
        "SMS_MFA" => "SMS_MFA_CODE",
        "EMAIL_OTP" => "EMAIL_OTP_CODE",
        "SMS_OTP" => "SMS_OTP_CODE",
        _ => "SOFTWARE_TOKEN_MFA_CODE",
    }
}

/// A destination as Cognito shows it: `a***@e***`, `+*******1234`.
fn mask(destination: &str) -> String {
    match destination.split_once('@') {
        Some((local, domain)) => format!(
            "{}***@{}***",
            &local[..local.chars().next().map_or(0, char::len_utf8)],
            &domain[..domain.chars().next().map_or(0, char::len_utf8)]
        ),
        None => {
            let keep = destination.len().saturating_sub(4);
            let tail = destination.get(keep..).unwrap_or_default();
            format!("+{}{tail}", "*".repeat(keep.saturating_sub(1)))
        }
    }
}

/// `SRP_A`: hex, below N and not zero.
fn parse_srp_a(srp_a: Option<&String>) -> Result<Residue, Fault> {
    let invalid = || fault("InvalidParameterException", "SRP_A is invalid");
    let bytes = parse_hex("SRP_A", srp_a.ok_or_else(invalid)?).map_err(|_| invalid())?;
    Residue::from_be_bytes(&bytes).filter(|a| *a != Residue::zero()).ok_or_else(invalid)
}

/// A salt and verifier for a password: `x = H(salt || H(poolName || username || ":" || password))`, `v = g^x`.
fn make_verifier<R: CryptoRng + ?Sized>(
    pool_name: &str,
    username: &str,
    password: &Password,
    rng: &mut R,
) -> (Salt, Residue) {
    let salt = Salt::from_unsigned_bytes(&random_bytes::<16, R>(rng));
    let x = math::compute_x(&salt, pool_name, username, password.as_bytes());
    let verifier = pow_g(&math::exponent_256(&x));
    (salt, verifier)
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Fault> {
    serde_json::from_slice(body)
        .map_err(|_| fault("SerializationException", "The request body is not valid JSON for the operation"))
}

fn service_error(f: Fault) -> ServiceError {
    ServiceError::from_body(&crate::wire::ErrorBody { error_type: Some(f.kind.to_owned()), message: Some(f.message) })
        .unwrap_or_else(|| unreachable!("a type was given"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clear_password_is_checked_against_the_verifier() {
        let mut rng = rand::rng();
        let mut service = Service::new();
        let pool = service.create_user_pool("eu-west-1", PoolSettings::default(), &mut rng);
        let app = service.create_app_client(&pool, false, &mut rng);
        service
            .admin_create_user(&pool, "alice", HashMap::new(), &Password::from("pw-123456"), true, &mut rng)
            .expect("created");
        assert_eq!(
            service.check_password(&app.client_id, "alice", Some(&"pw-123456".to_owned())).ok().as_deref(),
            Some("alice")
        );
        assert!(service.check_password(&app.client_id, "alice", Some(&"wrong".to_owned())).is_err());
    }
}
