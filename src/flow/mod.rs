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

mod device_store;
mod drive;
mod json_file_store;
mod machine;
#[cfg(feature = "serde")]
mod paused;
mod prompt;
mod request;
mod second_factor;
mod signed_in;
mod srp_steps;

pub use crate::service_error::{ServiceError, ServiceErrorKind};
pub use device_store::{DeviceStore, DeviceStoreError, MemoryDeviceStore, PoolUser};
pub use drive::{Interaction, drive, drive_async};
pub use json_file_store::JsonFileDeviceStore;
pub use machine::SignIn;
#[cfg(feature = "serde")]
pub use paused::PausedSignIn;
pub use prompt::{Answer, MfaType, Prompt, Selection};
pub use request::{AppClient, Request, update_device_status};
pub use signed_in::{NewDevice, SignedIn};

use crate::srp::DeviceCredentials;

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

/// A prompt that is out, with the challenge it came from.
#[derive(Clone, Debug)]
struct Prompted {
    challenge: String,
    prompt: Prompt,
}
