//! `sign-in`: a whole sign-in, every prompt answered, the device remembered.

use cognito_srp_auth::flow::{self, Answer, Interaction, Prompt, SignIn, SignedIn};
use cognito_srp_auth::{DeviceCredentials, Error, Timestamp, UserPoolId};

use crate::args::{AuthFlow, Preferred, SignInArgs};
use crate::commands::app_client;
use crate::devices::DeviceFile;
use crate::exchange::Exchange;
use crate::failure::Failure;
use crate::output;
use crate::person::Person;
use crate::terminal::Terminal;

/// Signs in and prints the AuthenticationResult.
pub fn run(args: SignInArgs) -> Result<(), Failure> {
    let (pool, client) = app_client(&args.client)?;
    if args.username.is_empty() {
        return Err(Failure::Usage("--username is empty".into()));
    }
    let exchange = Exchange::new(&args.endpoint, Some(&pool))?;
    let devices = DeviceFile::open(args.devices.device_file.clone())?;
    let terminal = Terminal::new(args.stdin);
    let person = Person {
        terminal: &terminal,
        exchange: &exchange,
        attributes: args.attributes.iter().cloned().collect(),
        issuer: pool.as_str().to_owned(),
        account: args.username.clone(),
    };
    let username = args.username.as_str();
    let sign_in = match args.auth_flow {
        AuthFlow::UserSrp => SignIn::user_srp(client, username, person.password()?),
        AuthFlow::UserPassword => SignIn::user_password(client, username, person.password()?),
        AuthFlow::Custom => SignIn::custom_auth_with_srp(client, username, person.password()?),
        AuthFlow::Choice => {
            let preferred = match args.preferred_challenge {
                None => None,
                Some(Preferred::PasswordSrp) => Some(flow::Selection::PasswordSrp(person.password()?)),
                Some(Preferred::Password) => Some(flow::Selection::Password(person.password()?)),
                Some(Preferred::EmailOtp) => Some(flow::Selection::EmailOtp),
                Some(Preferred::SmsOtp) => Some(flow::Selection::SmsOtp),
            };
            SignIn::user_auth(client, username, preferred)
        }
    }
    .map_err(Failure::from_input)?;
    let mut sign_in = sign_in;
    if let Some(device) = devices.load(&pool, username) {
        terminal.say(&format!("signing in as the remembered device {}", device.device_key()));
        sign_in = sign_in.with_device(device);
    }
    let mut driver = Driver { person, devices: &devices, pool: &pool, failure: None };
    let signed_in = flow::drive(sign_in, |r| exchange.send(r), &mut driver, Timestamp::now, &mut rand::rng())
        .map_err(|error| driver.failure.take().unwrap_or_else(|| exchange.failure(error)))?;
    report(&terminal, &signed_in);
    output::print(&output::authentication_result(signed_in.tokens()));
    driver.failure.map_or(Ok(()), Err)
}

/// What the sign-in ended with, on standard error.
fn report(terminal: &Terminal, signed_in: &SignedIn) {
    terminal.say(&format!("signed in as {}", signed_in.username()));
    if let Some(device) = signed_in.new_device() {
        match device.confirmation() {
            Ok(_) => terminal.say(&format!("device {} confirmed", device.device_key())),
            Err(error) => terminal.say(&format!("device {} not confirmed: {error}", device.device_key())),
        }
    }
}

/// The sign-in machine's view of the person and the device file.
struct Driver<'a> {
    person: Person<'a>,
    devices: &'a DeviceFile,
    pool: &'a UserPoolId,
    /// Why the person stopped, or the device could not be kept.
    failure: Option<Failure>,
}

impl Interaction for Driver<'_> {
    fn answer(&mut self, prompt: &Prompt) -> Result<Answer, Error> {
        self.person.answer(prompt).map_err(|failure| {
            self.failure = Some(failure);
            Error::OutOfOrder
        })
    }

    fn store_device(&mut self, username: &str, device: DeviceCredentials) {
        if !self.devices.is_given() {
            self.person.terminal.say("the device is not remembered: no --device-file");
            return;
        }
        match self.devices.save(self.pool, username, device) {
            Ok(()) => self.person.terminal.say("device remembered in the device file"),
            Err(failure) => self.failure = Some(failure),
        }
    }

    fn forget_device(&mut self, username: &str) {
        if let Err(failure) = self.devices.forget(self.pool, username) {
            self.failure = Some(failure);
        }
    }
}
