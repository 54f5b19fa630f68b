//! Drivers: a whole sign-in over a caller's `send` function.
//!
//! The futures are `Send` whenever the send function, the interaction and
//! the RNG are, so a sign-in can run in `tokio::spawn` or a web handler.

use core::future::Future;

use rand_core::CryptoRng;

use super::{Answer, Prompt, Request, ServiceError, SignIn, SignedIn, Step};
use crate::error::{Cancelled, Error};
use crate::timestamp::Timestamp;

/// Refused answers to one prompt before the sign-in gives up.
const MAX_REFUSALS: u32 = 5;

/// What a person (or the program standing in for one) does during a
/// driven sign-in: answer prompts. Devices are the
/// [`DeviceStore`](super::DeviceStore)'s business.
///
/// The answer may take its time (a web back end awaiting the code from
/// the browser): implement it as `async fn answer(...)`. The blocking
/// [`drive`] needs it to answer at once.
pub trait Interaction {
    /// Answers `prompt`. `refused` is Cognito's refusal of the previous
    /// answer to the same prompt (a mistyped code: `CodeMismatch`), to show
    /// the user before asking again. [`Cancelled`] ends the sign-in with
    /// [`Error::Cancelled`], or, for [`Prompt::RememberDevice`], with the
    /// tokens and the device left for the user to opt in later.
    fn answer(
        &mut self,
        prompt: &Prompt,
        refused: Option<&ServiceError>,
    ) -> impl Future<Output = Result<Answer, Cancelled>>;
}

/// Runs a whole sign-in with a blocking `send` (which returns the HTTP
/// status and body), answering prompts through `interaction`, with the
/// operating system's RNG. `now` is the clock, read whenever a claim is
/// signed or tokens arrive.
///
/// A refused answer to a prompt is asked again, with the refusal; once
/// tokens have arrived no failure loses them (see [`SignIn::interrupt`]).
///
/// Not on `wasm32-unknown-unknown`, which has no OS RNG: use
/// [`drive_with_rng`] there.
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
pub fn drive<S, I, C>(sign_in: SignIn, send: S, interaction: &mut I, now: C) -> Result<SignedIn, Error>
where
    S: FnMut(&Request) -> Result<(u16, Vec<u8>), Error>,
    I: Interaction + ?Sized,
    C: Fn() -> Timestamp,
{
    drive_with_rng(sign_in, send, interaction, now, &mut os_rng())
}

/// [`drive`] with the caller's RNG.
pub fn drive_with_rng<R, S, I, C>(
    sign_in: SignIn,
    mut send: S,
    interaction: &mut I,
    now: C,
    rng: &mut R,
) -> Result<SignedIn, Error>
where
    R: CryptoRng + ?Sized,
    S: FnMut(&Request) -> Result<(u16, Vec<u8>), Error>,
    I: Interaction + ?Sized,
    C: Fn() -> Timestamp,
{
    use core::task::{Context, Poll, Waker};
    let blocking = |request: Request| core::future::ready(send(&request));
    // With a blocking `send` and an interaction that answers at once every
    // await inside is ready: one poll runs it all.
    let future = core::pin::pin!(drive_async_with_rng(sign_in, blocking, interaction, now, rng));
    match future.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(Error::Cancelled(Cancelled::new(
            "the interaction did not answer at once: an asynchronous one needs drive_async",
        ))),
    }
}

/// [`drive`] with an asynchronous `send` (an async HTTP client, the AWS
/// SDK) and interaction, with the operating system's RNG.
///
/// `send` takes each request by value and returns a future of its HTTP
/// status and body: `|request| async move { post(&request).await }`. The
/// future this returns is `Send` whenever `send`, its futures and the
/// interaction's answers are. Not on `wasm32-unknown-unknown`: use
/// [`drive_async_with_rng`] there.
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
pub async fn drive_async<S, F, I, C>(sign_in: SignIn, send: S, interaction: &mut I, now: C) -> Result<SignedIn, Error>
where
    S: FnMut(Request) -> F,
    F: Future<Output = Result<(u16, Vec<u8>), Error>>,
    I: Interaction + ?Sized,
    C: Fn() -> Timestamp,
{
    drive_async_with_rng(sign_in, send, interaction, now, &mut os_rng()).await
}

/// [`drive_async`] with the caller's RNG.
pub async fn drive_async_with_rng<R, S, F, I, C>(
    mut sign_in: SignIn,
    mut send: S,
    interaction: &mut I,
    now: C,
    rng: &mut R,
) -> Result<SignedIn, Error>
where
    R: CryptoRng + ?Sized,
    S: FnMut(Request) -> F,
    F: Future<Output = Result<(u16, Vec<u8>), Error>>,
    I: Interaction + ?Sized,
    C: Fn() -> Timestamp,
{
    let mut refusals = 0;
    let mut refused: Option<ServiceError> = None;
    let mut step = sign_in.next_step(rng)?;
    loop {
        let request = match step {
            Step::Send(request) => request,
            Step::Prompt(prompt) => {
                let answered = interaction.answer(&prompt, refused.as_ref()).await;
                match answered.map_err(Error::Cancelled).and_then(|answer| sign_in.answer(answer, rng)) {
                    Ok(request) => request,
                    Err(error) => return sign_in.interrupt(error),
                }
            }
            Step::Done(signed_in) => return Ok(signed_in),
        };
        let (status, body) = match send(request).await {
            // The response carries tokens and sessions: wiped once read.
            Ok((status, body)) => (status, zeroize::Zeroizing::new(body)),
            Err(error) => return sign_in.interrupt(error),
        };
        step = match sign_in.receive(status, &body, now(), rng) {
            Ok(step) => {
                refused = None;
                step
            }
            // The answer was refused and the prompt is out again: ask once more, with the refusal.
            Err(Error::Service(refusal)) if refusals < MAX_REFUSALS && sign_in.pending_prompt().is_some() => {
                refusals += 1;
                refused = Some(refusal);
                sign_in.next_step(rng)?
            }
            Err(error) => return Err(error),
        };
    }
}

/// The operating system's RNG. It panics if the OS cannot give randomness
/// (as `rand::rng()` would): no sign-in can proceed without it.
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
pub(crate) fn os_rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}
