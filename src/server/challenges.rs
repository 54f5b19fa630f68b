//! RespondToAuthChallenge: the session's challenge answered, and what comes
//! after a proven password (a new password, the custom challenge, a
//! remembered device, a second factor, or the tokens).

use rand_core::CryptoRng;
use serde_json::{Value, json};

use super::Service;
use super::auth::PASSWORD_ATTEMPTS_EXCEEDED;
use super::fault::{Fault, INCORRECT, device_not_found, fault, missing, not_authorized};
use super::pool::{MfaConfiguration, make_verifier};
use super::session::{Flow, Pending, Reply, Session};
use super::srp::SrpRound;
use crate::modpow::Residue;
use crate::secret::Password;
use crate::timestamp::Timestamp;
use crate::wire::RespondToAuthChallengeRequest;

impl Service {
    /// RespondToAuthChallenge: takes the session, checks SECRET_HASH, and
    /// hands the answer to the handler of the challenge it waits for.
    pub(super) fn respond<R: CryptoRng + ?Sized>(
        &mut self,
        request: RespondToAuthChallengeRequest,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        self.client(&request.client_id)?;
        let id = match &request.session {
            Some(id) => id.clone(),
            None => {
                let echoed = request.challenge_responses.get("PASSWORD_CLAIM_SECRET_BLOCK");
                self.password_verifier_session(&request.challenge_name, echoed).unwrap_or_default()
            }
        };
        let session = self.take_session(&id, &request.client_id, &request.challenge_name, now)?;
        let responses = &request.challenge_responses;
        let username = responses.get("USERNAME").ok_or_else(|| missing("USERNAME"))?;
        self.check_secret_hash(&request.client_id, username, responses.get("SECRET_HASH"))?;
        let (reply, pending) = Reply::new(id, session, &request.client_id, responses, now);
        self.check_reply_owner(&reply, &pending)?;
        match pending {
            Pending::PasswordVerifier { username, srp } => self.answer_password_verifier(reply, username, srp, rng),
            Pending::DeviceSrpAuth { username, device_key, password_a } => {
                self.answer_device_srp_auth(&reply, username, device_key, password_a, rng)
            }
            Pending::DevicePasswordVerifier { username, device_key, srp } => {
                self.answer_device_password_verifier(&reply, username, device_key, srp, rng)
            }
            Pending::Code { username, challenge, code, attempts } => {
                self.answer_code(reply, username, challenge, code, attempts, rng)
            }
            Pending::SelectMfaType { username, options } => self.answer_select_mfa_type(&reply, username, options, rng),
            Pending::NewPasswordRequired { username } => self.answer_new_password(&reply, username, rng),
            Pending::MfaSetup { username, secret, verified_step } => {
                self.answer_mfa_setup(&reply, username, secret.zip(verified_step), rng)
            }
            Pending::Custom { username, answer } => self.answer_custom(&reply, username, answer, rng),
            Pending::SelectChallenge { username, typed } => self.answer_select_challenge(&reply, username, typed, rng),
        }
    }

    /// Checks that the answer speaks for the session's user: its `USERNAME`
    /// is the one the challenge showed (or another name of the same user),
    /// and a `DEVICE_KEY` it carries is one of that user's devices.
    /// PASSWORD_VERIFIER checks its DEVICE_KEY itself, keeping the session.
    fn check_reply_owner(&self, reply: &Reply<'_>, pending: &Pending) -> Result<(), Fault> {
        let (_, pool) = self.client(reply.flow.client_id)?;
        let given = reply.field("USERNAME");
        let user = pending.username();
        if given != reply.username && (user.is_none() || pool.resolve(given).as_deref() != user) {
            return Err(not_authorized(INCORRECT));
        }
        if matches!(pending, Pending::PasswordVerifier { .. }) {
            return Ok(());
        }
        match reply.responses.get("DEVICE_KEY") {
            Some(key) if user.is_none_or(|u| !pool.owns_device(u, key)) => Err(device_not_found()),
            _ => Ok(()),
        }
    }

    /// PASSWORD_VERIFIER: the password proof. A DEVICE_KEY the user does not
    /// have is refused with the session kept, so the client can answer again
    /// without it.
    fn answer_password_verifier<R: CryptoRng + ?Sized>(
        &mut self,
        reply: Reply<'_>,
        user: Option<String>,
        srp: Box<SrpRound>,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let device_key = reply.responses.get("DEVICE_KEY").cloned();
        let (_, pool) = self.client(reply.flow.client_id)?;
        if let Some(key) = &device_key
            && user.as_ref().is_none_or(|u| !pool.owns_device(u, key))
        {
            self.restore_session(reply, Pending::PasswordVerifier { username: user, srp });
            return Err(device_not_found());
        }
        let now = reply.flow.now;
        if user.as_ref().and_then(|u| pool.users.get(u)).is_some_and(|u| u.lockout.is_locked(now.unix_seconds())) {
            return Err(not_authorized(PASSWORD_ATTEMPTS_EXCEEDED));
        }
        // An unknown user's decoy round is checked like a real one: the same work, then refused.
        let id = user.as_deref().unwrap_or(&reply.username);
        let proven = srp.accepts(pool.id.pool_name(), id, reply.responses, now);
        match user {
            Some(user) if proven => {
                let response = self.after_password(&reply.flow.with_device(device_key), &user, rng)?;
                self.remember_password_a(&response, srp.client_public());
                Ok(response)
            }
            Some(user) => Err(self.failed_attempt(reply.flow.client_id, &user, now)),
            None => Err(not_authorized(INCORRECT)),
        }
    }

    /// Keeps the PASSWORD_VERIFIER step's SRP_A in the DEVICE_SRP_AUTH
    /// session `response` opened, if it opened one.
    fn remember_password_a(&mut self, response: &Value, a: &Residue) {
        let session = response["Session"].as_str().and_then(|id| self.sessions.get_mut(id));
        if let Some(Session { pending: Pending::DeviceSrpAuth { password_a, .. }, .. }) = session {
            *password_a = Some(Box::new(a.clone()));
        }
    }

    /// NEW_PASSWORD_REQUIRED: the new password replaces the temporary one.
    fn answer_new_password<R: CryptoRng + ?Sized>(
        &mut self,
        reply: &Reply<'_>,
        username: String,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let password = Password::from(reply.field("NEW_PASSWORD"));
        if password.as_bytes().len() < 8 {
            return Err(fault(
                "InvalidPasswordException",
                "Password does not conform to policy: Password not long enough",
            ));
        }
        let pool = self.pool_mut(reply.flow.client_id).ok_or_else(|| not_authorized(INCORRECT))?;
        let lacking = pool.users.get(&username).and_then(|user| {
            let mut missing = pool.missing_attributes(user);
            missing.find(|name| !reply.responses.contains_key(&format!("userAttributes.{name}"))).map(str::to_owned)
        });
        if let Some(name) = lacking {
            return Err(fault(
                "InvalidParameterException",
                format!("Missing required parameter userAttributes.{name}"),
            ));
        }
        let (salt, verifier) = make_verifier(pool.id.pool_name(), &username, &password, rng);
        if let Some(u) = pool.users.get_mut(&username) {
            (u.salt, u.verifier, u.temporary) = (salt, verifier, false);
            for (name, value) in
                reply.responses.iter().filter_map(|(k, v)| Some((k.strip_prefix("userAttributes.")?, v)))
            {
                u.attributes.insert(name.to_owned(), value.clone());
            }
        }
        self.after_password(&reply.flow, &username, rng)
    }

    /// SELECT_CHALLENGE answered: the chosen way in.
    fn answer_select_challenge<R: CryptoRng + ?Sized>(
        &mut self,
        reply: &Reply<'_>,
        user: Option<String>,
        typed: String,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let flow = Flow::new(reply.flow.client_id, reply.flow.now);
        match reply.responses.get("ANSWER").map(String::as_str) {
            Some("PASSWORD_SRP") => self.start_password_verifier(&flow, &typed, reply.responses.get("SRP_A"), rng),
            Some("PASSWORD") => {
                let user = self.check_password(flow.client_id, &typed, reply.responses.get("PASSWORD"), flow.now)?;
                self.after_password(&flow, &user, rng)
            }
            Some(otp @ ("EMAIL_OTP" | "SMS_OTP")) => {
                let user = user.ok_or_else(|| not_authorized(INCORRECT))?;
                let otp = if otp == "EMAIL_OTP" { "EMAIL_OTP" } else { "SMS_OTP" };
                self.code_challenge(&flow, &user, otp, rng)
            }
            _ => Err(fault("InvalidParameterException", "Unsupported ANSWER")),
        }
    }

    /// After a proven password: a new password, or what [`Self::next_challenge`] asks.
    pub(super) fn after_password<R: CryptoRng + ?Sized>(
        &mut self,
        flow: &Flow<'_>,
        username: &str,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let (_, pool) = self.client(flow.client_id)?;
        let user = pool.users.get(username).ok_or_else(|| not_authorized(INCORRECT))?;
        if flow.device_key.as_ref().is_some_and(|key| !pool.owns_device(username, key)) {
            return Err(device_not_found());
        }
        if user.temporary {
            let required: Vec<String> = pool.missing_attributes(user).map(|n| format!("userAttributes.{n}")).collect();
            let parameters = json!({"USERNAME": username, "requiredAttributes": json!(required).to_string(), "userAttributes": json!(user.attributes).to_string()});
            let pending = Pending::NewPasswordRequired { username: username.to_owned() };
            return Ok(self.challenge(flow, "NEW_PASSWORD_REQUIRED", parameters, pending, rng));
        }
        self.next_challenge(flow, username, rng)
    }

    /// The custom challenge, a remembered device's SRP, a second factor
    /// (chosen, set up, or the only one), or the tokens.
    pub(super) fn next_challenge<R: CryptoRng + ?Sized>(
        &mut self,
        flow: &Flow<'_>,
        username: &str,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        if flow.custom {
            return self.custom_challenge(flow, username, rng);
        }
        let (_, pool) = self.client(flow.client_id)?;
        let user = pool.users.get(username).ok_or_else(|| not_authorized(INCORRECT))?;
        let remembered = flow
            .device_key
            .as_ref()
            .and_then(|k| pool.devices.get(k))
            .is_some_and(|d| d.username == username && d.remembered && d.verifier.is_some());
        let mut factors = Vec::new();
        if pool.settings.mfa != MfaConfiguration::Off {
            factors.extend(user.totp_secret.is_some().then_some("SOFTWARE_TOKEN_MFA"));
            factors.extend(user.sms_mfa.then_some("SMS_MFA"));
            factors.extend(user.email_mfa.then_some("EMAIL_OTP"));
        }
        let required = pool.settings.mfa == MfaConfiguration::Required;
        let owned = username.to_owned();
        let flow = flow.with_custom(false);
        if remembered {
            let device_key = flow.device_key.clone().unwrap_or_default();
            let pending = Pending::DeviceSrpAuth { username: owned, device_key, password_a: None };
            Ok(self.challenge(&flow, "DEVICE_SRP_AUTH", json!({"USERNAME": username}), pending, rng))
        } else if factors.len() > 1 {
            let parameters = json!({"USERNAME": username, "MFAS_CAN_CHOOSE": json!(factors).to_string()});
            let pending = Pending::SelectMfaType { username: owned, options: factors };
            Ok(self.challenge(&flow, "SELECT_MFA_TYPE", parameters, pending, rng))
        } else if let Some(factor) = factors.first() {
            self.code_challenge(&flow, username, factor, rng)
        } else if required {
            let parameters = json!({"USERNAME": username, "MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\",\"EMAIL_OTP\"]"});
            let pending = Pending::MfaSetup { username: owned, secret: None, verified_step: None };
            Ok(self.challenge(&flow, "MFA_SETUP", parameters, pending, rng))
        } else {
            Ok(self.issue_tokens(&flow, username, rng))
        }
    }
}
