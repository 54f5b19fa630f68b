//! Drivers: a whole sign-in over a caller's `send` function.

use rand_core::CryptoRng;

use super::machine::State;
use super::{Answer, Prompt, Request, SignIn, SignedIn, Step};
use crate::error::Error;
use crate::srp::DeviceCredentials;
use crate::timestamp::Timestamp;

/// What a person (or the program standing in for one) does during
/// [`drive`]: answer prompts and keep the remembered device.
pub trait Interaction {
    /// Answers a prompt. An error ends the sign-in.
    fn answer(&mut self, prompt: &Prompt) -> Result<Answer, Error>;

    /// Stores a new device's credentials under the pool username. Called
    /// before ConfirmDevice is sent.
    fn store_device(&mut self, username: &str, device: DeviceCredentials);

    /// Deletes the stored device: Cognito no longer knows it.
    fn forget_device(&mut self, username: &str);
}

/// Runs a whole sign-in: starts it, moves every request through `send`
/// (which returns the HTTP status and body), answers prompts and keeps
/// devices through `interaction`, and returns the tokens. `now` is the
/// clock, read whenever a claim is signed.
///
/// A refused answer to a prompt (a mistyped code) is asked again; any other
/// error ends the sign-in.
pub fn drive<R, S, C>(
    sign_in: SignIn,
    mut send: S,
    interaction: &mut dyn Interaction,
    now: C,
    rng: &mut R,
) -> Result<SignedIn, Error>
where
    R: CryptoRng + ?Sized,
    S: FnMut(&Request) -> Result<(u16, Vec<u8>), Error>,
    C: Fn() -> Timestamp,
{
    use core::task::{Context, Poll, Waker};
    // With a blocking `send` every await inside is ready at once: one poll runs it all.
    let future = core::pin::pin!(drive_async(sign_in, async |request: &Request| send(request), interaction, now, rng));
    match future.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(Error::Protocol { reason: "a blocking send that did not complete" }),
    }
}

/// [`drive`] with an asynchronous `send` (an async HTTP client, the AWS SDK).
pub async fn drive_async<R, S, C>(
    mut sign_in: SignIn,
    mut send: S,
    interaction: &mut dyn Interaction,
    now: C,
    rng: &mut R,
) -> Result<SignedIn, Error>
where
    R: CryptoRng + ?Sized,
    S: AsyncFnMut(&Request) -> Result<(u16, Vec<u8>), Error>,
    C: Fn() -> Timestamp,
{
    /// Refused answers in a row before the sign-in gives up.
    const MAX_REFUSALS: u32 = 3;
    let mut refusals = 0;
    let mut request = sign_in.start(rng)?;
    loop {
        let (status, body) = send(&request).await?;
        let mut step = match (sign_in.receive(status, &body, now(), rng), &sign_in.state) {
            (Ok(step), _) => {
                refusals = 0;
                step
            }
            // The answer was refused and the prompt is out again: ask once more.
            (Err(Error::Service(_)), State::Prompted(prompted)) if refusals < MAX_REFUSALS => {
                refusals += 1;
                Step::Prompt(prompted.prompt.clone())
            }
            (Err(error), _) => return Err(error),
        };
        request = loop {
            step = match step {
                Step::Send(next) => break next,
                Step::Prompt(prompt) => {
                    let answer = interaction.answer(&prompt)?;
                    break sign_in.answer(answer, rng)?;
                }
                Step::StoreDevice(device) => {
                    interaction.store_device(&sign_in.username, device);
                    sign_in.proceed(now())?
                }
                Step::ForgetDevice => {
                    interaction.forget_device(&sign_in.username);
                    sign_in.proceed(now())?
                }
                Step::Done(signed_in) => return Ok(signed_in),
            };
        };
    }
}
