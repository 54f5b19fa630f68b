//! InitiateAuth: the auth flows, the password checks they start with, and
//! lock-out after wrong passwords.

use rand_core::CryptoRng;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::Service;
use super::fault::{Fault, INCORRECT, fault, missing, not_authorized, user_not_found};
use super::session::{Flow, Pending};
use super::srp::{SrpRound, parse_srp_a};
use crate::modpow::pow_g;
use crate::secret::Password;
use crate::srp::math;
use crate::timestamp::Timestamp;
use crate::wire::InitiateAuthRequest;

/// What a locked-out user is told.
pub(super) const PASSWORD_ATTEMPTS_EXCEEDED: &str = "Password attempts exceeded";

impl Service {
    /// InitiateAuth: checks the app client and SECRET_HASH, then starts the flow.
    pub(super) fn initiate_auth<R: CryptoRng + ?Sized>(
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
        let start = Flow::new(&client_id, now).with_device(parameters.get("DEVICE_KEY").cloned());
        match (
            flow,
            parameters.get("CHALLENGE_NAME").map(String::as_str),
            parameters.get("PREFERRED_CHALLENGE").map(String::as_str),
        ) {
            ("USER_SRP_AUTH", _, _) | ("USER_AUTH", _, Some("PASSWORD_SRP")) => {
                self.start_password_verifier(&start, &typed, parameters.get("SRP_A"), rng)
            }
            ("CUSTOM_AUTH", Some("SRP_A"), _) => {
                self.start_password_verifier(&start.with_custom(true), &typed, parameters.get("SRP_A"), rng)
            }
            ("CUSTOM_AUTH", _, _) => {
                let username = self.resolve(&client_id, &typed)?.ok_or_else(|| not_authorized(INCORRECT))?;
                self.next_challenge(&start.with_device(None).with_custom(true), &username, rng)
            }
            ("USER_PASSWORD_AUTH", _, _) | ("USER_AUTH", _, Some("PASSWORD")) => {
                let username = self.check_password(&client_id, &typed, parameters.get("PASSWORD"), now)?;
                self.after_password(&start, &username, rng)
            }
            ("USER_AUTH", _, Some(otp @ ("EMAIL_OTP" | "SMS_OTP"))) => {
                let username = self.resolve(&client_id, &typed)?.ok_or_else(|| not_authorized(INCORRECT))?;
                let otp = if otp == "EMAIL_OTP" { "EMAIL_OTP" } else { "SMS_OTP" };
                self.code_challenge(&start.with_device(None), &username, otp, rng)
            }
            ("USER_AUTH", _, None) => self.select_challenge(&start.with_device(None), typed, rng),
            (other, _, _) => Err(fault("InvalidParameterException", format!("Unsupported AuthFlow {other}"))),
        }
    }

    /// The pool username for what was typed in the app client's pool.
    fn resolve(&self, client_id: &str, typed: &str) -> Result<Option<String>, Fault> {
        Ok(self.client(client_id)?.1.resolve(typed))
    }

    /// USER_AUTH without a preference: SELECT_CHALLENGE with what the user can do.
    fn select_challenge<R: CryptoRng + ?Sized>(
        &mut self,
        flow: &Flow<'_>,
        typed: String,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let username = self.resolve(flow.client_id, &typed)?;
        let (_, pool) = self.client(flow.client_id)?;
        let mut available = vec!["PASSWORD_SRP", "PASSWORD"];
        let user = username.as_ref().and_then(|u| pool.users.get(u));
        if user.is_some_and(|u| u.attributes.contains_key("email")) {
            available.push("EMAIL_OTP");
        }
        if user.is_some_and(|u| u.attributes.contains_key("phone_number")) {
            available.push("SMS_OTP");
        }
        let shown = username.clone().unwrap_or_else(|| typed.clone());
        let pending = Pending::SelectChallenge { username, typed };
        let mut response = self.challenge(flow, "SELECT_CHALLENGE", json!({"USERNAME": shown}), pending, rng);
        response["AvailableChallenges"] = json!(available);
        Ok(response)
    }

    /// PASSWORD_VERIFIER for an SRP_A: the user's salt and `B = k·v + g^b`,
    /// or a decoy that fails later, so an unknown user looks like a wrong password.
    pub(super) fn start_password_verifier<R: CryptoRng + ?Sized>(
        &mut self,
        flow: &Flow<'_>,
        typed: &str,
        srp_a: Option<&String>,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let a = parse_srp_a(srp_a)?;
        let (_, pool) = self.client(flow.client_id)?;
        let username = pool.resolve(typed);
        let (salt, salt_text, verifier) = match username.as_ref().and_then(|u| pool.users.get(u)) {
            Some(user) => (user.salt.clone(), user.salt_text.clone(), user.verifier.clone()),
            None if pool.settings.user_existence_errors => return Err(user_not_found()),
            None => {
                let (salt, verifier) = pool.decoy(typed);
                (salt, None, verifier)
            }
        };
        let shown = username.clone().unwrap_or_else(|| typed.to_owned());
        let (srp, mut parameters) = SrpRound::start(a, verifier, &salt, rng);
        if let Some(text) = salt_text {
            parameters["SALT"] = json!(text);
        }
        parameters["USER_ID_FOR_SRP"] = json!(shown);
        parameters["USERNAME"] = json!(shown);
        let pending = Pending::PasswordVerifier { username, srp: Box::new(srp) };
        Ok(self.challenge(flow, "PASSWORD_VERIFIER", parameters, pending, rng))
    }

    /// Checks a password sent in the clear (USER_PASSWORD_AUTH, USER_AUTH
    /// PASSWORD) against the stored verifier; returns the pool username.
    /// An unknown user's password is checked against a decoy verifier, so
    /// the answer takes the same work.
    pub(super) fn check_password(
        &mut self,
        client_id: &str,
        typed: &str,
        password: Option<&String>,
        now: Timestamp,
    ) -> Result<String, Fault> {
        let password = Password::from(password.map(String::as_str).unwrap_or_default());
        let (_, pool) = self.client(client_id)?;
        let username = pool.resolve(typed);
        let user = username.as_ref().and_then(|u| pool.users.get(u));
        if user.is_some_and(|u| u.lockout.is_locked(now.unix_seconds())) {
            return Err(not_authorized(PASSWORD_ATTEMPTS_EXCEEDED));
        }
        let reveal_unknown = pool.settings.user_existence_errors;
        let (salt, verifier) = match user {
            Some(user) => (user.salt.clone(), user.verifier.clone()),
            None => pool.decoy(typed),
        };
        let id = username.as_deref().unwrap_or(typed);
        let x = math::compute_x(&salt, pool.id.pool_name(), id, password.as_bytes());
        let computed = pow_g(&math::exponent_256(&x));
        let right = bool::from(computed.limbs()[..].ct_eq(&verifier.limbs()[..]));
        match username {
            Some(username) if right => Ok(username),
            Some(username) => Err(self.failed_attempt(client_id, &username, now)),
            None if reveal_unknown => Err(user_not_found()),
            None => Err(not_authorized(INCORRECT)),
        }
    }

    /// Counts a wrong password and answers as Cognito does.
    pub(super) fn failed_attempt(&mut self, client_id: &str, username: &str, now: Timestamp) -> Fault {
        if let Some(user) = self.pool_mut(client_id).and_then(|p| p.users.get_mut(username)) {
            user.lockout.fail(now.unix_seconds());
        }
        not_authorized(INCORRECT)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::server::PoolSettings;

    #[test]
    fn a_clear_password_is_checked_against_the_verifier() {
        let mut rng = rand::rng();
        let mut service = Service::new();
        let now = Timestamp::from_unix_seconds(1_764_000_000).expect("in range");
        let pool = service.create_user_pool("eu-west-1", PoolSettings::default(), &mut rng);
        let app = service.create_app_client(&pool, false, &mut rng);
        service
            .admin_create_user(&pool, "alice", HashMap::new(), &Password::from("pw-123456"), true, &mut rng)
            .expect("created");
        assert_eq!(
            service.check_password(&app.client_id, "alice", Some(&"pw-123456".to_owned()), now).ok().as_deref(),
            Some("alice")
        );
        assert!(service.check_password(&app.client_id, "alice", Some(&"wrong".to_owned()), now).is_err());
        assert!(service.check_password(&app.client_id, "bob", Some(&"pw-123456".to_owned()), now).is_err());
    }
}
