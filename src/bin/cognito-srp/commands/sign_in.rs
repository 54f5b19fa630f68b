//! `sign-in`: a whole sign-in, every prompt answered, the device kept in the
//! device file by the sign-in machine.

use cognito_srp_auth::flow::{
    self, Answer, DeviceOutcome, Interaction, NotConfirmed, Prompt, ServiceError, SignIn, SignedIn,
};
use cognito_srp_auth::{Cancelled, Timestamp};

use crate::args::{AuthFlow, Preferred, SignInArgs};
use crate::commands::Session;
use crate::devices::{DeviceFile, refused};
use crate::exchange::Exchange;
use crate::failure::Failure;
use crate::output::{self, NewDeviceMetadata};
use crate::person::Person;
use crate::terminal::Terminal;

/// Signs in and prints the AuthenticationResult.
pub fn run(args: SignInArgs) -> Result<(), Failure> {
    // The device file is read (and so checked) here, before anything is asked.
    let Session { client, exchange, devices, .. } =
        Session::open(&args.client, &args.username, &args.endpoint, &args.devices)?;
    let terminal = Terminal::new(args.stdin);
    let person = Person {
        terminal: &terminal,
        attributes: args.attributes.iter().cloned().collect(),
        issuer: client.user_pool_id().as_str().to_owned(),
        account: args.username.clone(),
        no_remember: args.no_remember,
    };
    let mut sign_in = start(&args, client, &person)?;
    if let Some(store) = devices.store() {
        sign_in = sign_in.with_device_store(store);
    }
    let mut driver = Driver { person, failure: None };
    let signed_in = flow::drive(sign_in, |r| exchange.send(r), &mut driver, Timestamp::now)
        .map_err(|error| driver.failure.take().unwrap_or_else(|| exchange.failure(error)))?;
    print_result(&signed_in, &devices);
    terminal.say(&format!("signed in as {}", signed_in.username()));
    if let Some(warning) = signed_in.store_warning() {
        terminal.say(&format!("warning: {warning}"));
    }
    match signed_in.new_device() {
        Some(device) => settle(&terminal, &exchange, device.device_key(), device.outcome()),
        None => Ok(()),
    }
}

/// The SignIn the flags ask for; the password is asked here when the flow needs it.
fn start(args: &SignInArgs, client: flow::AppClient, person: &Person<'_>) -> Result<SignIn, Failure> {
    let username = args.username.as_str();
    let preferred = |preferred: Option<Preferred>| -> Result<Option<flow::Selection>, Failure> {
        Ok(match preferred {
            None => None,
            Some(Preferred::PasswordSrp) => Some(flow::Selection::PasswordSrp(person.password()?)),
            Some(Preferred::Password) => Some(flow::Selection::Password(person.password()?)),
            Some(Preferred::EmailOtp) => Some(flow::Selection::EmailOtp),
            Some(Preferred::SmsOtp) => Some(flow::Selection::SmsOtp),
        })
    };
    match args.auth_flow {
        AuthFlow::UserSrp => SignIn::user_srp(client, username, person.password()?),
        AuthFlow::UserPassword => SignIn::user_password(client, username, person.password()?),
        AuthFlow::Custom => SignIn::custom_auth_with_srp(client, username, person.password()?),
        AuthFlow::Choice => SignIn::user_auth(client, username, preferred(args.preferred_challenge)?),
    }
    .map_err(Failure::from_error)
}

/// The AuthenticationResult on standard output, whatever fails after it.
fn print_result(signed_in: &SignedIn, devices: &DeviceFile) {
    let stored = signed_in.new_device().and_then(|_| devices.load(signed_in.user()));
    let new_device = signed_in.new_device().map(|device| NewDeviceMetadata {
        device_key: device.device_key(),
        device_group_key: stored
            .as_ref()
            .filter(|d| d.device_key() == device.device_key())
            .map(|d| d.device_group_key()),
    });
    output::print(&output::authentication_result(signed_in.tokens(), new_device, Timestamp::now()));
}

/// What became of the new device, on standard error; a device that could
/// not be kept fails the command (the tokens are out already).
fn settle(terminal: &Terminal, exchange: &Exchange, key: &str, outcome: &DeviceOutcome) -> Result<(), Failure> {
    match outcome {
        DeviceOutcome::Remembered => terminal.say(&format!("device {key} remembered in the device file")),
        DeviceOutcome::NotRemembered => terminal.say(&format!("device {key} confirmed but not remembered")),
        DeviceOutcome::UserMayOptIn => terminal.say(&format!("device {key} confirmed; not remembered (no answer)")),
        DeviceOutcome::StatusNotUpdated { why, .. } => return Err(exchange.failure((**why).clone())),
        DeviceOutcome::NotConfirmed { why } => match why {
            NotConfirmed::NoDeviceStore => terminal.say("the device is not remembered: no --device-file"),
            NotConfirmed::SaveFailed(error) => return Err(refused(error.clone())),
            NotConfirmed::Refused(service) => return Err(Failure::Refused(format!("ConfirmDevice: {service}"))),
            NotConfirmed::Failed(error) => return Err(exchange.failure((**error).clone())),
            other => return Err(Failure::Unexpected(format!("device {key} not confirmed: {other:?}"))),
        },
        other => terminal.say(&format!("device {key}: {other:?}")),
    }
    Ok(())
}

/// The sign-in machine's view of the person.
struct Driver<'a> {
    person: Person<'a>,
    /// Why the person stopped.
    failure: Option<Failure>,
}

impl Interaction for Driver<'_> {
    async fn answer(&mut self, prompt: &Prompt, refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
        self.person.answer(prompt, refused).map_err(|failure| {
            let cancelled = Cancelled::new(failure.message().to_owned());
            self.failure = Some(failure);
            cancelled
        })
    }
}
