//! A whole sign-in as a sans-IO state machine.
//!
//! The machine builds each request and reads each response; the caller moves
//! the bytes (any HTTP client, the AWS SDK, the crate's own server) and
//! brings the time and the randomness. SRP challenges are answered inside;
//! only what a person must answer comes out, as a [`Prompt`]. Remembered
//! devices live in a [`DeviceStore`] the machine consults itself.
//!
//! ```
//! use std::sync::Arc;
//! use cognito_srp_auth::flow::{AppClient, MemoryDeviceStore, SignIn, Step};
//! use cognito_srp_auth::{Password, Timestamp, UserPoolId};
//!
//! # fn send(request: &cognito_srp_auth::flow::Request) -> (u16, Vec<u8>) {
//! #     (400, br#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#.to_vec())
//! # }
//! # fn main() -> Result<(), cognito_srp_auth::Error> {
//! let client = AppClient::new(UserPoolId::parse("us-east-1_AbC123")?, "3n4b5urk1ft4fl3mg5e62d9ado");
//! let devices = Arc::new(MemoryDeviceStore::new()); // or a JsonFileDeviceStore
//! let mut rng = rand::rng();
//! let mut sign_in = SignIn::user_srp(client, "alice@example.com", Password::from("correct horse"))?
//!     .with_device_store(devices);
//! let mut request = sign_in.start(&mut rng)?;
//! loop {
//!     // POST request.body_json() with X-Amz-Target: request.target().
//!     let (status, body) = send(&request);
//!     let step = match sign_in.receive(status, &body, Timestamp::now(), &mut rng) {
//!         Ok(step) => step,
//!         // A refused answer (a mistyped code): the same prompt is out again.
//!         Err(error) if sign_in.pending_prompt().is_some() => {
//!             eprintln!("{error}: try again");
//!             sign_in.next_step(&mut rng)?
//!         }
//!         Err(error) => { eprintln!("sign-in failed: {error}"); break; }
//!     };
//!     match step {
//!         Step::Send(next) => request = next,
//!         Step::Prompt(prompt) => { /* ask the user, then: */ request = sign_in.answer(todo_answer(prompt), &mut rng)?; }
//!         Step::Done(signed_in) => { let _tokens = signed_in.tokens(); break; }
//!         _ => break,
//!     }
//! }
//! # Ok(())
//! # }
//! # fn todo_answer(_: cognito_srp_auth::flow::Prompt) -> cognito_srp_auth::flow::Answer { cognito_srp_auth::flow::Answer::Code("123456".into()) }
//! ```
//!
//! Or let a driver run the loop: [`drive`] over a blocking `send`,
//! [`drive_async`] over an async one. Its future is `Send`, so a web back
//! end can run the sign-in in a spawned task and answer prompts as they come:
//!
//! ```no_run
//! use std::sync::Arc;
//! use cognito_srp_auth::flow::{self, Answer, AppClient, Interaction, JsonFileDeviceStore, Prompt, ServiceError, SignIn};
//! use cognito_srp_auth::{Cancelled, Error, Password, Timestamp, UserPoolId};
//!
//! /// Waits for the code the browser posts.
//! struct Browser(tokio::sync::mpsc::Receiver<String>);
//!
//! impl Interaction for Browser {
//!     async fn answer(&mut self, _prompt: &Prompt, _refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
//!         self.0.recv().await.map(Answer::Code).ok_or_else(|| Cancelled::new("the browser went away"))
//!     }
//! }
//!
//! # async fn post(_: &flow::Request) -> Result<(u16, Vec<u8>), Error> { unimplemented!() }
//! # async fn run(codes: tokio::sync::mpsc::Receiver<String>) -> Result<(), Error> {
//! let client = AppClient::new(UserPoolId::parse("us-east-1_AbC123")?, "3n4b5urk1ft4fl3mg5e62d9ado");
//! let store = Arc::new(JsonFileDeviceStore::new("devices.json"));
//! let sign_in = SignIn::user_srp(client, "alice", Password::from("correct horse"))?.with_device_store(store);
//! let task = tokio::spawn(async move {
//!     let mut browser = Browser(codes);
//!     flow::drive_async(sign_in, |request| async move { post(&request).await }, &mut browser, Timestamp::now).await
//! });
//! let signed_in = task.await.expect("the task ran")?;
//! # let _ = signed_in; Ok(())
//! # }
//! ```

mod body;
mod device_steps;
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

pub use crate::error::{Cancelled, DeviceStoreError};
pub use crate::service_error::{ServiceError, ServiceErrorKind};
pub use crate::tokens::{AccessToken, IdToken, IncompleteTokens, RefreshToken, Tokens};
pub use device_store::{DeviceStore, MemoryDeviceStore, PoolUser};
pub use drive::{Interaction, drive_async_with_rng, drive_with_rng};
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
pub use drive::{drive, drive_async};
pub use json_file_store::JsonFileDeviceStore;
pub use machine::SignIn;
#[cfg(feature = "serde")]
pub use paused::PausedSignIn;
pub use prompt::{Answer, MfaType, Prompt, Selection};
pub use request::{AppClient, Request, forget_device, password_claim_responses, update_device_status};
pub use signed_in::{DeviceOutcome, NewDevice, NotConfirmed, SignedIn};

/// What to do next.
#[must_use]
#[derive(Debug)]
#[non_exhaustive]
pub enum Step {
    /// Send this request and hand its response to [`SignIn::receive`].
    Send(Request),
    /// Ask the user, and hand the answer to [`SignIn::answer`].
    Prompt(Prompt),
    /// Signed in: the tokens, and what became of a new device.
    Done(SignedIn),
}
