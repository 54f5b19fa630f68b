//! Second factors: TOTP and codes sent by SMS or email, SELECT_MFA_TYPE,
//! and MFA_SETUP with AssociateSoftwareToken / VerifySoftwareToken.

use rand_core::CryptoRng;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use zeroize::Zeroizing;

use super::Service;
use super::fault::{Fault, fault, not_authorized};
use super::random::random_bytes;
use super::session::{Flow, Pending, Reply, Session};
use crate::timestamp::Timestamp;
use crate::totp;
use crate::wire::{AssociateSoftwareTokenRequest, VerifySoftwareTokenRequest};

/// Wrong MFA codes a session takes.
const MAX_CODE_ATTEMPTS: u32 = 3;
/// RFC 6238's time step, as authenticator apps use it.
const TOTP_STEP_SECONDS: i64 = 30;

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

impl Service {
    /// The codes sent since the last call (SMS_MFA, EMAIL_OTP, SMS_OTP).
    /// At most [`Limits::outbox`](super::Limits::outbox) are kept, the oldest dropped first.
    pub fn take_outbox(&mut self) -> Vec<Message> {
        self.outbox.drain(..).collect()
    }

    /// Puts a message in the outbox, the oldest dropped first when it is full.
    pub(super) fn send(&mut self, message: Message) {
        if self.outbox.len() >= self.limits.outbox {
            self.outbox.pop_front();
        }
        self.outbox.push_back(message);
    }

    /// A code challenge: TOTP, or a code "sent" to the outbox by SMS or email.
    pub(super) fn code_challenge<R: CryptoRng + ?Sized>(
        &mut self,
        flow: &Flow<'_>,
        username: &str,
        challenge: &'static str,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let mut parameters = json!({"USERNAME": username});
        let code = if challenge == "SOFTWARE_TOKEN_MFA" {
            None
        } else {
            let (medium, attribute) =
                if challenge == "EMAIL_OTP" { ("EMAIL", "email") } else { ("SMS", "phone_number") };
            let (_, pool) = self.client(flow.client_id)?;
            let destination = pool.users.get(username).and_then(|u| u.attributes.get(attribute)).cloned();
            let destination = destination
                .ok_or_else(|| fault("InvalidParameterException", format!("No {attribute} to send a code to")))?;
            let code = format!("{:06}", u32::from_be_bytes(random_bytes(rng)) % 1_000_000);
            parameters["CODE_DELIVERY_DELIVERY_MEDIUM"] = json!(medium);
            parameters["CODE_DELIVERY_DESTINATION"] = json!(mask(&destination));
            self.send(Message { medium, destination, code: code.clone() });
            Some(code)
        };
        let pending = Pending::Code { username: username.to_owned(), challenge, code, attempts: 0 };
        Ok(self.challenge(&flow.with_custom(false), challenge, parameters, pending, rng))
    }

    /// A code challenge answered: the tokens, or CodeMismatchException with
    /// the session kept for another try (up to [`MAX_CODE_ATTEMPTS`]).
    pub(super) fn answer_code<R: CryptoRng + ?Sized>(
        &mut self,
        reply: Reply<'_>,
        username: String,
        challenge: &'static str,
        code: Option<String>,
        attempts: u32,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let given = reply.field(code_response_key(challenge));
        let (_, pool) = self.client(reply.flow.client_id)?;
        let right = match &code {
            Some(sent) => bool::from(sent.as_bytes().ct_eq(given.as_bytes())),
            None => {
                let user = pool.users.get(&username);
                let secret = user.and_then(|u| u.totp_secret.as_deref()).map(Vec::as_slice).unwrap_or_default();
                let last = user.and_then(|u| u.totp_last_step);
                let step = totp_step(secret, given, reply.flow.now).filter(|step| last.is_none_or(|last| *step > last));
                if let Some(step) = step
                    && let Some(user) = self.pool_mut(reply.flow.client_id).and_then(|p| p.users.get_mut(&username))
                {
                    user.totp_last_step = Some(step);
                }
                step.is_some()
            }
        };
        if !right {
            if attempts + 1 < MAX_CODE_ATTEMPTS {
                let pending = Pending::Code { username, challenge, code, attempts: attempts + 1 };
                self.restore_session(reply, pending);
            }
            return Err(fault("CodeMismatchException", "Invalid code received for user"));
        }
        Ok(self.issue_tokens(&reply.flow, &username, rng))
    }

    /// SELECT_MFA_TYPE answered: the chosen factor's challenge.
    pub(super) fn answer_select_mfa_type<R: CryptoRng + ?Sized>(
        &mut self,
        reply: &Reply<'_>,
        username: String,
        options: Vec<&'static str>,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let answer = reply.field("ANSWER");
        let chosen = options
            .into_iter()
            .find(|o| *o == answer)
            .ok_or_else(|| fault("InvalidParameterException", "Invalid MFA type"))?;
        self.code_challenge(&reply.flow, &username, chosen, rng)
    }

    /// MFA_SETUP answered: after VerifySoftwareToken, the authenticator is
    /// the user's and the tokens follow; with `EMAIL`, email codes are set
    /// up and the first one is sent.
    pub(super) fn answer_mfa_setup<R: CryptoRng + ?Sized>(
        &mut self,
        reply: &Reply<'_>,
        username: String,
        verified: Option<(Zeroizing<Vec<u8>>, i64)>,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        if let Some((secret, step)) = verified {
            if let Some(u) = self.pool_mut(reply.flow.client_id).and_then(|p| p.users.get_mut(&username)) {
                (u.totp_secret, u.totp_last_step) = (Some(secret), Some(step));
            }
            return Ok(self.issue_tokens(&reply.flow, &username, rng));
        }
        let email = reply
            .responses
            .get("EMAIL")
            .ok_or_else(|| fault("InvalidParameterException", "Software token is not verified"))?;
        if let Some(u) = self.pool_mut(reply.flow.client_id).and_then(|p| p.users.get_mut(&username)) {
            u.attributes.insert("email".to_owned(), email.clone());
            u.email_mfa = true;
        }
        self.code_challenge(&reply.flow, &username, "EMAIL_OTP", rng)
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

    /// AssociateSoftwareToken: a fresh TOTP secret for the MFA_SETUP session.
    pub(super) fn associate_software_token<R: CryptoRng + ?Sized>(
        &mut self,
        request: AssociateSoftwareTokenRequest,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let mut session = self.setup_session(request.session.as_ref(), now)?;
        let secret = Zeroizing::new(random_bytes::<20, R>(rng).to_vec());
        let code = totp::base32(&secret);
        if let Pending::MfaSetup { secret: slot, verified_step, .. } = &mut session.pending {
            (*slot, *verified_step) = (Some(secret), None);
        }
        let id = self.new_session(session, now, rng);
        Ok(json!({"SecretCode": code, "Session": id}))
    }

    /// VerifySoftwareToken: the authenticator's first code.
    pub(super) fn verify_software_token<R: CryptoRng + ?Sized>(
        &mut self,
        request: VerifySoftwareTokenRequest,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let mut session = self.setup_session(request.session.as_ref(), now)?;
        let Pending::MfaSetup { secret: Some(secret), verified_step, .. } = &mut session.pending else {
            return Err(fault("InvalidParameterException", "No software token was associated"));
        };
        let Some(step) = totp_step(secret, &request.user_code, now) else {
            let id = request.session.clone().unwrap_or_default();
            self.store_session(id, session, now);
            return Err(fault("EnableSoftwareTokenMFAException", "Code mismatch"));
        };
        *verified_step = Some(step);
        let id = self.new_session(session, now, rng);
        Ok(json!({"Status": "SUCCESS", "Session": id}))
    }
}

/// The time step whose TOTP code `code` is, if it is the code for `now` or
/// one step either side (clock drift). Each comparison is in constant time.
fn totp_step(secret: &[u8], code: &str, now: Timestamp) -> Option<i64> {
    if !totp::verify(secret, code, now) {
        return None;
    }
    let secret_code = totp::base32(secret);
    let step = now.unix_seconds().div_euclid(TOTP_STEP_SECONDS);
    let mut matched = None;
    for candidate in step - 1..=step + 1 {
        let at = Timestamp::from_unix_seconds(candidate * TOTP_STEP_SECONDS)?;
        let expected = totp::totp(&secret_code, at)?;
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            matched = Some(candidate);
        }
    }
    matched
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
