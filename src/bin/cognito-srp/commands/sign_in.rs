//! `sign-in`: a whole sign-in, every prompt answered, the device remembered.

use cognito_srp_auth::flow::{self, Answer, Interaction, PoolUser, Prompt, SignIn, SignedIn};
use cognito_srp_auth::{DeviceCredentials, Error, Timestamp, UserPoolId};

use crate::args::{AuthFlow, Preferred, SignInArgs};
use crate::commands::Session;
use crate::devices::{DeviceFile, Remembered};
use crate::exchange::Exchange;
use crate::failure::Failure;
use crate::output;
use crate::person::Person;
use crate::terminal::Terminal;

/// Signs in and prints the AuthenticationResult.
pub fn run(args: SignInArgs) -> Result<(), Failure> {
    let Session { pool, client, exchange, devices, remembered } =
        Session::open(&args.client, &args.username, &args.endpoint, &args.devices)?;
    let terminal = Terminal::new(args.stdin);
    let person = Person {
        terminal: &terminal,
        exchange: &exchange,
        attributes: args.attributes.iter().cloned().collect(),
        issuer: pool.as_str().to_owned(),
        account: args.username.clone(),
    };
    let mut sign_in = start(&args, client, &person)?;
    if let Some(Remembered { device, .. }) = &remembered {
        terminal.say(&format!("signing in as the remembered device {}", device.device_key()));
        sign_in = sign_in.with_device(device.clone());
    }
    let mut driver = Driver {
        person,
        devices: &devices,
        pool: &pool,
        typed: &args.username,
        remember: !args.no_remember,
        remembered_key: remembered.map(|r| r.device.device_key().to_owned()),
        failure: None,
    };
    let signed_in = flow::drive(sign_in, |r| exchange.send(r), &mut driver, Timestamp::now, &mut rand::rng())
        .map_err(|error| driver.failure.take().unwrap_or_else(|| exchange.failure(error)))?;
    // The tokens are printed whatever fails after them.
    output::print(&output::authentication_result(signed_in.tokens()));
    let after = driver.failure.take().map_or_else(|| settle_device(&driver, &exchange, &signed_in), Err);
    terminal.say(&format!("signed in as {}", signed_in.username()));
    after
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
    .map_err(Failure::from_input)
}

/// After the tokens: what became of the new device, the typed name learned,
/// and the person's choice where the pool leaves remembering to them.
fn settle_device(driver: &Driver<'_>, exchange: &Exchange, signed_in: &SignedIn) -> Result<(), Failure> {
    let user = PoolUser::new(driver.pool.clone(), signed_in.username());
    if driver.devices.is_given() && driver.typed != signed_in.username() {
        driver.devices.learn(&user, driver.typed)?;
    }
    let Some(device) = signed_in.new_device() else { return Ok(()) };
    let terminal = driver.person.terminal;
    let user_confirmation_necessary = match device.confirmation() {
        Ok(necessary) => *necessary,
        Err(error) => {
            terminal.say(&format!("device {} not confirmed: {error}", device.device_key()));
            return Ok(());
        }
    };
    terminal.say(&format!("device {} confirmed", device.device_key()));
    if !user_confirmation_necessary {
        return Ok(());
    }
    // UserConfirmationNecessary: the device is remembered only if the user says so.
    let remember = driver.remember && driver.devices.is_given() && {
        let answer = terminal.line("Remember this device, so it can skip MFA next time? [y/n]:")?;
        answer.trim().eq_ignore_ascii_case("y") || answer.trim().eq_ignore_ascii_case("yes")
    };
    if !remember {
        terminal.say("the device is not remembered");
        return driver.devices.forget(&user, device.device_key());
    }
    let access_token = signed_in.tokens().access_token.as_deref().unwrap_or_default();
    let request = flow::update_device_status(access_token, device.device_key(), true);
    let (status, body) = exchange.send(&request).map_err(Failure::from_exchange)?;
    if status != 200 {
        let text = String::from_utf8_lossy(&body).into_owned();
        return Err(Failure::Refused(format!("UpdateDeviceStatus answered HTTP {status}: {text}")));
    }
    terminal.say("device remembered");
    Ok(())
}

/// The sign-in machine's view of the person and the device file.
struct Driver<'a> {
    person: Person<'a>,
    devices: &'a DeviceFile,
    pool: &'a UserPoolId,
    /// The name given with --username.
    typed: &'a str,
    /// Not --no-remember.
    remember: bool,
    /// The key of the device signed in as.
    remembered_key: Option<String>,
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
        let terminal = self.person.terminal;
        if !self.remember {
            terminal.say("the device is not remembered: --no-remember");
        } else if !self.devices.is_given() {
            terminal.say("the device is not remembered: no --device-file");
        } else {
            let user = PoolUser::new(self.pool.clone(), username);
            match self.devices.save(&user, self.typed, &device) {
                Ok(()) => terminal.say("device remembered in the device file"),
                Err(failure) => self.failure = Some(failure),
            }
        }
    }

    fn forget_device(&mut self, username: &str) {
        let user = PoolUser::new(self.pool.clone(), username);
        let Some(key) = self.remembered_key.take() else { return };
        self.person.terminal.say(&format!("Cognito no longer knows the device {key}: forgetting it"));
        if let Err(failure) = self.devices.forget(&user, &key) {
            self.failure = Some(failure);
        }
    }
}
