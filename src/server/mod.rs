//! The other half of the protocol: an in-process, Cognito-compatible user
//! pool service, sans-IO like the client.
//!
//! [`Service::handle`] takes the same `X-Amz-Target` and JSON body a client
//! sends to Cognito and returns the status and body Cognito would. It
//! verifies the password proof for real (SRP with a stored salt and
//! verifier, never the password), device SRP, TOTP, SECRET_HASH on every
//! request, strict TIMESTAMPs within a clock-skew window, and single-use
//! sessions; it issues HMAC-signed JWTs and refresh tokens. Each sign-in
//! speaks for one user (USERNAME, DEVICE_KEY and device are checked against
//! the session's), an unknown user costs the same work as a known one, and
//! what it keeps is bounded ([`Limits`]). Use it to test a client end to
//! end without a network, or for local development.
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
//! // PoolSettings::default() tracks no devices and has no MFA;
//! // PoolSettings::with_devices_and_optional_mfa() remembers devices (with
//! // email aliases and optional TOTP), and its `with_*` methods change the rest.
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
mod store;
mod tokens;

use std::collections::{HashMap, VecDeque};

pub use crate::totp::totp;
pub use custom::{CustomChallenge, CustomChallengeHook};
pub use mfa::Message;
pub use pool::{MfaConfiguration, NewAppClient, PoolSettings};

/// Bounds on what the service keeps, so that no client, however many
/// requests it sends, can grow it without end. The oldest entry gives way
/// first.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Sessions waiting for an answer, in all (each up to ~2 KB).
    pub sessions: usize,
    /// Sessions waiting for an answer for any one username (known or not).
    pub sessions_per_user: usize,
    /// Messages in the outbox not yet taken.
    pub outbox: usize,
    /// Live refresh tokens per user.
    pub refresh_tokens_per_user: usize,
    /// Devices per user that were issued but never confirmed.
    pub unconfirmed_devices_per_user: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sessions: 10_000,
            sessions_per_user: 10,
            outbox: 1_000,
            refresh_tokens_per_user: 50,
            unconfirmed_devices_per_user: 10,
        }
    }
}

/// What the service holds at a moment: see [`Service::usage`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Usage {
    /// Sessions waiting for an answer.
    pub sessions: usize,
    /// Live refresh tokens.
    pub refresh_tokens: usize,
    /// Devices, confirmed or not, in all pools.
    pub devices: usize,
    /// Messages in the outbox.
    pub outbox: usize,
}

/// An in-process Cognito user-pool service.
///
/// Its public calls are the Rust set-up calls (pools, app clients, users),
/// [`handle`](Service::handle) for the wire requests, and what a test reads
/// back ([`take_outbox`](Service::take_outbox), [`verify_token`](Service::verify_token)).
pub struct Service {
    limits: Limits,
    pools: HashMap<String, pool::Pool>,
    clients: HashMap<String, pool::Client>,
    sessions: store::SessionStore,
    refresh_tokens: tokens::RefreshTokens,
    outbox: VecDeque<Message>,
    custom_challenges: HashMap<String, CustomChallengeHook>,
}

impl Default for Service {
    fn default() -> Self {
        Service::with_limits(Limits::default())
    }
}

impl core::fmt::Debug for Service {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Service")
            .field("pools", &self.pools.len())
            .field("clients", &self.clients.len())
            .field("usage", &self.usage())
            .finish_non_exhaustive()
    }
}

impl Service {
    /// A service with no pools, and the default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// How much the service holds: what [`Limits`] bounds.
    pub fn usage(&self) -> Usage {
        Usage {
            sessions: self.sessions.len(),
            refresh_tokens: self.refresh_tokens.len(),
            devices: self.pools.values().map(|p| p.devices.len()).sum(),
            outbox: self.outbox.len(),
        }
    }

    /// A service with no pools that keeps within `limits`.
    pub fn with_limits(limits: Limits) -> Self {
        Service {
            sessions: store::SessionStore::new(limits.sessions, limits.sessions_per_user),
            refresh_tokens: tokens::RefreshTokens::new(limits.refresh_tokens_per_user),
            limits,
            pools: HashMap::new(),
            clients: HashMap::new(),
            outbox: VecDeque::new(),
            custom_challenges: HashMap::new(),
        }
    }
}
