//! Sessions: what a challenge waits for, bound to the app client, the
//! challenge's name and a deadline, and usable once.

use std::collections::HashMap;

use rand_core::CryptoRng;
use serde_json::{Value, json};

use zeroize::Zeroizing;

use super::Service;
use super::fault::{Fault, not_authorized};
use super::random::random_bytes;
use super::srp::SrpRound;
use crate::encoding::encode_base64;
use crate::modpow::Residue;
use crate::timestamp::Timestamp;

/// How long a session may wait for its answer (Cognito's default).
const SESSION_SECONDS: i64 = 180;

/// Where a sign-in stands between requests: the app client, the device it
/// came with, whether CUSTOM_AUTH's challenge follows the password, and
/// the time of the request being answered.
#[derive(Clone)]
pub(super) struct Flow<'a> {
    pub(super) client_id: &'a str,
    pub(super) device_key: Option<String>,
    pub(super) custom: bool,
    pub(super) now: Timestamp,
}

impl<'a> Flow<'a> {
    /// A flow that starts at `now` without a device.
    pub(super) fn new(client_id: &'a str, now: Timestamp) -> Self {
        Flow { client_id, device_key: None, custom: false, now }
    }

    /// This flow with another device.
    pub(super) fn with_device(&self, device_key: Option<String>) -> Self {
        Flow { device_key, ..self.clone() }
    }

    /// This flow with CUSTOM_AUTH's challenge to follow, or not.
    pub(super) fn with_custom(&self, custom: bool) -> Self {
        Flow { custom, ..self.clone() }
    }
}

/// What a session's challenge waits for.
pub(super) enum Pending {
    /// The SRP round is boxed wherever it is kept, so that a session moved
    /// in and out of the store moves a pointer, and the round's secrets are
    /// wiped where they live.
    PasswordVerifier {
        username: Option<String>,
        srp: Box<SrpRound>,
    },
    DeviceSrpAuth {
        username: String,
        device_key: String,
        /// The SRP_A of the sign-in's PASSWORD_VERIFIER step: the device's must be fresh.
        password_a: Option<Box<Residue>>,
    },
    DevicePasswordVerifier {
        username: String,
        device_key: String,
        srp: Box<SrpRound>,
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
    /// MFA_SETUP: the associated secret, and the TOTP step of the code
    /// VerifySoftwareToken accepted.
    MfaSetup {
        username: String,
        secret: Option<Zeroizing<Vec<u8>>>,
        verified_step: Option<i64>,
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

impl Pending {
    /// The pool username the session is for; `None` for an unknown user.
    pub(super) fn username(&self) -> Option<&str> {
        match self {
            Pending::PasswordVerifier { username, .. } | Pending::SelectChallenge { username, .. } => {
                username.as_deref()
            }
            Pending::DeviceSrpAuth { username, .. }
            | Pending::DevicePasswordVerifier { username, .. }
            | Pending::Code { username, .. }
            | Pending::SelectMfaType { username, .. }
            | Pending::NewPasswordRequired { username }
            | Pending::MfaSetup { username, .. }
            | Pending::Custom { username, .. } => Some(username),
        }
    }
}

pub(super) struct Session {
    pub(super) client_id: String,
    /// The `USERNAME` the challenge showed, which the answer must give back.
    pub(super) username: String,
    pub(super) challenge: &'static str,
    pub(super) pending: Pending,
    pub(super) expires: i64,
    pub(super) device_key: Option<String>,
    /// CUSTOM_AUTH: the custom challenge follows the password.
    pub(super) custom: bool,
}

impl Service {
    /// Stores a session under a fresh id and returns the id.
    pub(super) fn new_session<R: CryptoRng + ?Sized>(
        &mut self,
        session: Session,
        now: Timestamp,
        rng: &mut R,
    ) -> String {
        let id = encode_base64(&random_bytes::<96, R>(rng));
        self.store_session(id.clone(), session, now);
        id
    }

    /// Stores a session under `id`, within the limits.
    pub(super) fn store_session(&mut self, id: String, session: Session, now: Timestamp) {
        let pool = self.clients.get(&session.client_id).map(|c| c.pool.clone()).unwrap_or_default();
        self.sessions.insert(id, &pool, session, now.unix_seconds());
    }

    /// A new session for `pending`, and the challenge response that carries it.
    pub(super) fn challenge<R: CryptoRng + ?Sized>(
        &mut self,
        flow: &Flow<'_>,
        name: &'static str,
        parameters: Value,
        pending: Pending,
        rng: &mut R,
    ) -> Value {
        let session = Session {
            client_id: flow.client_id.to_owned(),
            username: parameters["USERNAME"].as_str().unwrap_or_default().to_owned(),
            challenge: name,
            pending,
            expires: flow.now.unix_seconds() + SESSION_SECONDS,
            device_key: flow.device_key.clone(),
            custom: flow.custom,
        };
        let id = self.new_session(session, flow.now, rng);
        json!({"ChallengeName": name, "Session": id, "ChallengeParameters": parameters})
    }

    /// The session of a PASSWORD_VERIFIER answered without `Session`, as
    /// pycognito answers (and Cognito takes): the round whose SECRET_BLOCK
    /// the answer echoes.
    pub(super) fn password_verifier_session(&self, challenge_name: &str, echoed: Option<&String>) -> Option<String> {
        let echoed = echoed.filter(|_| challenge_name == "PASSWORD_VERIFIER")?;
        self.sessions.find(|session| match &session.pending {
            Pending::PasswordVerifier { srp, .. } => srp.has_secret_block(echoed),
            _ => false,
        })
    }

    /// Takes the session a RespondToAuthChallenge answers: it must exist,
    /// not have expired, and belong to the app client and the challenge.
    pub(super) fn take_session(
        &mut self,
        id: &str,
        client_id: &str,
        challenge_name: &str,
        now: Timestamp,
    ) -> Result<Session, Fault> {
        let session = self
            .sessions
            .remove(id)
            .ok_or_else(|| not_authorized("Invalid session for the user, session can only be used once."))?;
        if session.expires <= now.unix_seconds() {
            return Err(not_authorized("Invalid session for the user, session is expired."));
        }
        if session.client_id != client_id || session.challenge != challenge_name {
            return Err(not_authorized("Invalid session for the user."));
        }
        Ok(session)
    }
}

/// A RespondToAuthChallenge being answered: the session it took, the flow
/// it continues, and the client's ChallengeResponses.
pub(super) struct Reply<'a> {
    pub(super) id: String,
    pub(super) username: String,
    pub(super) challenge: &'static str,
    pub(super) expires: i64,
    pub(super) flow: Flow<'a>,
    pub(super) responses: &'a HashMap<String, String>,
}

impl<'a> Reply<'a> {
    /// The reply to `session` taken under `id`; returns what it was waiting for.
    pub(super) fn new(
        id: String,
        session: Session,
        client_id: &'a str,
        responses: &'a HashMap<String, String>,
        now: Timestamp,
    ) -> (Self, Pending) {
        let flow = Flow { client_id, device_key: session.device_key, custom: session.custom, now };
        let reply = Reply {
            id,
            username: session.username,
            challenge: session.challenge,
            expires: session.expires,
            flow,
            responses,
        };
        (reply, session.pending)
    }

    /// A response member, or the empty string.
    pub(super) fn field(&self, name: &str) -> &'a str {
        self.responses.get(name).map(String::as_str).unwrap_or_default()
    }
}

impl Service {
    /// Puts the session a reply took back, waiting for `pending` again:
    /// for a refused answer the client may retry.
    pub(super) fn restore_session(&mut self, reply: Reply<'_>, pending: Pending) {
        let session = Session {
            client_id: reply.flow.client_id.to_owned(),
            username: reply.username,
            challenge: reply.challenge,
            pending,
            expires: reply.expires,
            device_key: reply.flow.device_key,
            custom: reply.flow.custom,
        };
        self.store_session(reply.id, session, reply.flow.now);
    }
}
