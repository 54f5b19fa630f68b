//! CUSTOM_AUTH: a caller-supplied hook stands in for the pool's Lambda
//! triggers and sets the CUSTOM_CHALLENGE and its answer.

use std::collections::HashMap;

use rand_core::CryptoRng;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::Service;
use super::fault::{Fault, INCORRECT, not_authorized};
use super::session::{Flow, Pending, Reply};
use crate::user_pool::UserPoolId;

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

impl Service {
    /// Sets the pool's custom-challenge hook: after the password (CUSTOM_AUTH
    /// with `CHALLENGE_NAME=SRP_A`), or alone (CUSTOM_AUTH without it), the
    /// user gets the hook's CUSTOM_CHALLENGE and must give its answer.
    pub fn set_custom_challenge_hook(&mut self, pool: &UserPoolId, hook: CustomChallengeHook) {
        self.custom_challenges.insert(pool.as_str().to_owned(), hook);
    }

    /// The hook's CUSTOM_CHALLENGE for `username` in the app client's pool.
    pub(super) fn custom_challenge<R: CryptoRng + ?Sized>(
        &mut self,
        flow: &Flow<'_>,
        username: &str,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        let (_, pool) = self.client(flow.client_id)?;
        let pool_id = pool.id.as_str().to_owned();
        let hook =
            self.custom_challenges.get_mut(&pool_id).ok_or_else(|| not_authorized("Custom auth is not configured."))?;
        let CustomChallenge { mut parameters, answer } = hook(username);
        parameters.insert("USERNAME".to_owned(), username.to_owned());
        let pending = Pending::Custom { username: username.to_owned(), answer };
        Ok(self.challenge(&flow.with_custom(false), "CUSTOM_CHALLENGE", json!(parameters), pending, rng))
    }

    /// CUSTOM_CHALLENGE answered: the tokens for the expected answer.
    pub(super) fn answer_custom<R: CryptoRng + ?Sized>(
        &mut self,
        reply: &Reply<'_>,
        username: String,
        answer: String,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        if !bool::from(answer.as_bytes().ct_eq(reply.field("ANSWER").as_bytes())) {
            return Err(not_authorized(INCORRECT));
        }
        Ok(self.issue_tokens(&reply.flow, &username, rng))
    }
}
