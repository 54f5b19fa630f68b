//! The client side of Amazon Cognito user-pool sign-in, in pure Rust.
//!
//! Cognito's `USER_SRP_AUTH` flow is a customised SRP-6a over the 3072-bit
//! group of RFC 5054 that every client must reproduce to the byte. This crate
//! does the math and checks the server's values, and keeps every secret in a
//! type that is zeroized on drop and redacted in `Debug`.
//!
//! | step | client sends | Cognito answers |
//! |---|---|---|
//! | InitiateAuth `USER_SRP_AUTH` | `USERNAME`, `SRP_A` ([`SrpEphemeral::srp_a`]) | challenge `PASSWORD_VERIFIER`: `SRP_B`, `SALT`, `SECRET_BLOCK`, `USER_ID_FOR_SRP`, `USERNAME` |
//! | RespondToAuthChallenge `PASSWORD_VERIFIER` | `USERNAME`, `PASSWORD_CLAIM_SECRET_BLOCK`, `PASSWORD_CLAIM_SIGNATURE`, `TIMESTAMP` ([`PasswordClaim`]) | tokens, or the next challenge |
//! | RespondToAuthChallenge `DEVICE_SRP_AUTH` | `USERNAME`, `DEVICE_KEY`, `SRP_A` (a fresh [`SrpEphemeral`]) | challenge `DEVICE_PASSWORD_VERIFIER` |
//! | RespondToAuthChallenge `DEVICE_PASSWORD_VERIFIER` | as `PASSWORD_VERIFIER`, plus `DEVICE_KEY` | tokens |
//! | ConfirmDevice | `DeviceSecretVerifierConfig` ([`DeviceCredentials::generate`]) | whether to ask the user to remember the device |
//!
//! Add `SECRET_HASH` ([`SecretHash`]) to every request when the app client
//! has a secret.
//!
//! # A password sign-in
//!
//! ```
//! use std::collections::HashMap;
//! use cognito_srp_auth::{
//!     ClientSecret, Password, PasswordVerifierChallenge, PrivateExponentSize, SecretHash,
//!     SrpEphemeral, Timestamp, UserPoolId,
//! };
//!
//! # fn main() -> Result<(), cognito_srp_auth::Error> {
//! let pool = UserPoolId::parse("us-east-1_AbC123xyz")?;
//! let (client_id, client_secret) = ("3n4b5urk1ft4fl3mg5e62d9ado", ClientSecret::from("the app client's secret"));
//!
//! // InitiateAuth: USERNAME, SRP_A and, for a client with a secret, SECRET_HASH.
//! let ephemeral = SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::default());
//! let _srp_a = ephemeral.srp_a();
//! let _secret_hash = SecretHash::new(&client_secret, "alice@example.com", client_id);
//!
//! // Cognito's ChallengeParameters for PASSWORD_VERIFIER (SRP_B shortened here).
//! let parameters = HashMap::from([
//!     ("SRP_B", "9c2bd3f5a2b1c1e1f0e0d0c0b0a09080706050403020100f0e0d0c0b0a0908"),
//!     ("SALT", "-16e462a84f2df159eee0c14642974ee7"),
//!     ("SECRET_BLOCK", "c2VjcmV0IGJsb2Nr"),
//!     ("USER_ID_FOR_SRP", "2c4f8a1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"),
//!     ("USERNAME", "2c4f8a1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"),
//! ]);
//! let challenge = PasswordVerifierChallenge::from_parameters(&parameters)?;
//! let signer = ephemeral.answer_password_verifier(&pool, &Password::from("correct horse"), &challenge)?;
//! let claim = signer.sign(Timestamp::now());
//!
//! // RespondToAuthChallenge: the pool username from the challenge, not the alias.
//! let secret_hash = SecretHash::new(&client_secret, challenge.username(), client_id);
//! let responses = HashMap::from([
//!     ("USERNAME", challenge.username()),
//!     ("PASSWORD_CLAIM_SECRET_BLOCK", claim.secret_block()),
//!     ("PASSWORD_CLAIM_SIGNATURE", claim.signature()),
//!     ("TIMESTAMP", claim.timestamp()),
//!     ("SECRET_HASH", secret_hash.as_str()),
//! ]);
//! # assert_eq!(responses.len(), 5);
//! # Ok(())
//! # }
//! ```
//!
//! # A whole sign-in, driven for you
//! [`flow::SignIn`] is a sans-IO state machine over InitiateAuth,
//! RespondToAuthChallenge, ConfirmDevice and the software-token calls: it
//! builds each request (JSON with the service model's member names, see
//! [`wire`]), reads each response, answers the SRP challenges itself and
//! hands out only what a person must answer ([`flow::Prompt`]). It keeps
//! the protocol's rules on USERNAME, SECRET_HASH, DEVICE_KEY and Session;
//! the module documentation shows the driving loop.
//!
//! # Checks on what the server sends
//! Every challenge parameter is checked when it is read, and a bad one is an
//! [`Error`] naming it: `SRP_B` must be bare hex with `0 < B < N` (B ≡ 0 mod N
//! would let a malicious server know the session key); `SALT` is a hex number,
//! possibly negative, and hashed as the reference client re-encodes it;
//! `SECRET_BLOCK` is strict standard Base64; user ids must be present.
//!
//! # Constant time
//! The exponentiations with secret exponents (`a`, `x`, `a + u·x`) run in
//! time that depends only on the chosen [`PrivateExponentSize`]. Parsing the
//! public `SRP_B` does not.
//!
//! # Which part do I need
//!
//! | I want | feature line | what to use |
//! |---|---|---|
//! | `SECRET_HASH` only | `default-features = false` | [`SecretHash`] |
//! | the SRP math, over my own transport | `default-features = false` | [`SrpEphemeral`], [`PasswordVerifierChallenge`], [`DeviceCredentials`], [`Timestamp`] |
//! | the sign-in machine (MFA, new passwords, devices, refresh), my own transport | default (`json`) | [`flow::SignIn`], [`wire`] |
//! | a blocking HTTPS client to Cognito | `features = ["http"]` | [`http::HttpTransport`] with `flow::drive` |
//! | sign-in over my `aws-sdk-cognitoidentityprovider` `Client` | `features = ["aws-sdk"]` | [`aws_sdk::drive`] |
//! | TOTP codes for `SOFTWARE_TOKEN_MFA` (tests, scripts) | `features = ["totp"]` | [`totp::SharedSecret`] |
//! | a command line (`cognito-srp`) | `cargo install cognito-srp-auth --features cli` | the `cognito-srp` binary |
//! | a local Cognito-compatible user pool (tests, offline development) | `features = ["server"]` | [`server::Service`] |
//!
//! # Features
//!
//! Crates are those a clean `cargo build --release --lib
//! --no-default-features --features <feature>` compiles, this one included;
//! the time is that build's wall clock on a quiet 2-core x86-64 machine
//! (crates already downloaded), so it is what the feature costs a first
//! build.
//!
//! | feature | enables | pulls in | crates | clean build |
//! |---|---|---|---|---|
//! | *(none)* | the SRP math, `SECRET_HASH`, `TIMESTAMP`, device verifiers, [`hazmat`] | `sha2`, `hmac`, `hkdf`, `num-bigint`, `base64`, `chrono` (no clock features), `subtle`, `zeroize`, `rand_core` | 29 | 18 s |
//! | `serde` | `Serialize` / `Deserialize` for [`DeviceCredentials`], [`DeviceSecretVerifierConfig`] and the secrets a caller stores; works without `json` | `serde` with `derive` (`serde_derive` and a second `syn`) | 33 | 28 s |
//! | `json` (default) | the service's JSON wire types ([`wire`]), the [`flow`] state machine, [`Error::Service`] | `serde`, `serde_json` | 37 | 32 s |
//! | `totp` | [`totp`]: RFC 6238 codes | `sha1`, `data-encoding` | 31 (alone) | 22 s |
//! | `http` | [`http::HttpTransport`] (blocking) and [`Error::Transport`] | `json`, `ureq` with `rustls` (ring) and webpki roots | 56 | 75 s |
//! | `aws-sdk` | [`aws_sdk`]: conversions to and from the SDK's types, [`aws_sdk::drive`] over your `Client` | `json`, `aws-sdk-cognitoidentityprovider` without default features (no HTTP client, no TLS, no behavior version: those are yours to choose) | 93 | 185 s |
//! | `server` | [`server`]: the embedded Cognito-compatible user pool | `json`, `totp` | 39 | 44 s |
//! | `cli` | the `cognito-srp` binary | `http`, `serde`, `clap`, `rpassword`, `rand` | 74 | 78 s |
//!
//! On docs.rs every item gated on a feature carries its badge.
//!
//! # Glossary
//! - **`SRP_A` / `SRP_B`**: the client's and the server's public ephemeral values.
//! - **`USER_ID_FOR_SRP`**: the identity the password verifier was made for;
//!   it may differ from what the user typed (an email alias).
//! - **`SECRET_BLOCK`**: opaque server state, echoed and signed.
//! - **`DeviceKey` / `DeviceGroupKey`**: a remembered device's identity, from
//!   `NewDeviceMetadata`.
//! - **`SecretCode`**: a software token's seed, from AssociateSoftwareToken.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::panic_in_result_fn))]

#[cfg(feature = "aws-sdk")]
pub mod aws_sdk;
#[doc(hidden)]
pub mod bench_api;
mod encoding;
mod error;
#[cfg(feature = "json")]
pub mod flow;
mod group;
pub mod hazmat;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "json")]
mod json_buffer;
mod modpow;
mod secret;
mod secret_hash;
#[cfg(feature = "serve")]
pub mod serve;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "json")]
mod service_error;
mod srp;
mod timestamp;
#[cfg(feature = "json")]
mod tokens;
#[cfg(feature = "totp")]
pub mod totp;
mod user_pool;
#[cfg(feature = "json")]
pub mod wire;

pub use error::{Cancelled, Defect, DeviceStoreError, Error, Origin, TransportError, TransportErrorKind};
/// The RNG traits the crate's functions take (`rand_core` 0.10).
pub use rand_core;
pub use secret::{ClientSecret, DevicePassword, Password, SecretCode};
pub use secret_hash::SecretHash;
pub use srp::{
    DeviceCredentials, DevicePasswordVerifierChallenge, DeviceSecretVerifierConfig, PasswordClaim, PasswordClaimSigner,
    PasswordVerifierChallenge, PrivateExponentSize, SrpEphemeral,
};
pub use timestamp::Timestamp;
#[cfg(feature = "json")]
pub use tokens::{AccessToken, IdToken, RefreshToken, Session};
pub use user_pool::UserPoolId;
