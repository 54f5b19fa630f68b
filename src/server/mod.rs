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

mod accounts;
mod admin;
mod auth;
mod challenges;
mod custom;
mod devices;
mod dispatch;
mod fault;
mod jwt;
mod lockout;
mod mfa;
mod pool;
mod random;
mod session;
mod srp;
mod tokens;
mod totp;

use std::collections::HashMap;

pub use custom::{CustomChallenge, CustomChallengeHook};
pub use mfa::Message;
pub use pool::{MfaConfiguration, NewAppClient, PoolSettings};
pub use totp::totp;

/// An in-process Cognito user-pool service.
///
/// Its public calls are the Rust set-up calls (pools, app clients, users),
/// [`handle`](Service::handle) for the wire requests, and what a test reads
/// back ([`take_outbox`](Service::take_outbox), [`verify_token`](Service::verify_token)).
#[derive(Default)]
pub struct Service {
    pools: HashMap<String, pool::Pool>,
    clients: HashMap<String, pool::Client>,
    sessions: HashMap<String, session::Session>,
    refresh_tokens: HashMap<tokens::RefreshKey, tokens::RefreshEntry>,
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

impl Service {
    /// A service with no pools.
    pub fn new() -> Self {
        Self::default()
    }
}
