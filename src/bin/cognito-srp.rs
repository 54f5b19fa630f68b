//! `cognito-srp`: Cognito's client-side computations and an interactive
//! sign-in from the command line.
//!
//! Exit codes: 0 success, 1 anything else, 2 bad input, 3 refused by
//! Cognito (wrong password, wrong code, ...), 4 network or transport.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use cognito_srp_auth::flow::{self, Answer, AppClient, Interaction, JsonFileDeviceStore, Prompt, ServiceError, SignIn};
use cognito_srp_auth::http::HttpTransport;
use cognito_srp_auth::{
    Cancelled, ClientSecret, DeviceCredentials, Error, Password, PrivateExponentSize, SecretHash, Timestamp, UserPoolId,
};

#[derive(Parser)]
#[command(name = "cognito-srp", version, about = "Amazon Cognito user-pool sign-in from the command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prints SECRET_HASH for a username on an app client; the secret is read from standard input.
    SecretHash {
        /// The app client id.
        #[arg(long)]
        client_id: String,
        /// The pool username.
        #[arg(long)]
        username: String,
    },
    /// Makes a new device's password and the DeviceSecretVerifierConfig for ConfirmDevice, as JSON.
    DeviceVerifier {
        /// NewDeviceMetadata's DeviceKey.
        #[arg(long)]
        device_key: String,
        /// NewDeviceMetadata's DeviceGroupKey.
        #[arg(long, allow_hyphen_values = true)]
        device_group_key: String,
    },
    /// Prints the TIMESTAMP for now, or for the given Unix time.
    Timestamp {
        /// Seconds since the Unix epoch.
        #[arg(long, allow_hyphen_values = true)]
        unix: Option<i64>,
    },
    /// Signs in with USER_SRP_AUTH and prints the tokens as JSON.
    SignIn {
        /// The user pool id, `<region>_<name>`.
        #[arg(long)]
        user_pool_id: String,
        /// The app client id.
        #[arg(long)]
        client_id: String,
        /// The username (or an alias the pool accepts).
        #[arg(long)]
        username: String,
        /// Name of an environment variable holding the app client's secret.
        #[arg(long)]
        client_secret_env: Option<String>,
        /// Another endpoint than the region's (an emulator, a VPC endpoint).
        #[arg(long)]
        endpoint: Option<String>,
        /// Remember the device in this file (created with mode 0600).
        #[arg(long)]
        device_file: Option<PathBuf>,
        /// Read the password and every answer from standard input, a line each, instead of the terminal.
        #[arg(long)]
        stdin: bool,
    },
}

/// Why the tool stopped.
enum Failure {
    Input(String),
    Refused(String),
    Network(String),
    Other(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error {
            Error::Service(service) => Failure::Refused(service.to_string()),
            Error::Transport(transport) => Failure::Network(transport.to_string()),
            Error::InvalidInput { .. } => Failure::Input(error.to_string()),
            other => Failure::Other(other.to_string()),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let (code, kind, message) = match failure {
                Failure::Input(m) => (2, "bad input", m),
                Failure::Refused(m) => (3, "refused", m),
                Failure::Network(m) => (4, "network", m),
                Failure::Other(m) => (1, "error", m),
            };
            eprintln!("cognito-srp: {kind}: {message}");
            ExitCode::from(code)
        }
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::SecretHash { client_id, username } => {
            let secret = read_line(&mut io::stdin().lock()).map_err(Failure::Input)?;
            println!("{}", SecretHash::new(&ClientSecret::from(secret), &username, &client_id).as_str());
        }
        Command::DeviceVerifier { device_key, device_group_key } => {
            let (device, config) = DeviceCredentials::generate(&mut rand::rng(), device_key, device_group_key);
            let json = serde_json::json!({"Device": device, "DeviceSecretVerifierConfig": config});
            println!("{json:#}");
        }
        Command::Timestamp { unix } => {
            let timestamp = match unix {
                Some(seconds) => Timestamp::from_unix_seconds(seconds).ok_or(Failure::Input("out of range".into()))?,
                None => Timestamp::now(),
            };
            println!("{timestamp}");
        }
        Command::SignIn { user_pool_id, client_id, username, client_secret_env, endpoint, device_file, stdin } => {
            let pool = UserPoolId::parse(&user_pool_id)?;
            let mut client =
                AppClient::new(pool.clone(), client_id).with_private_exponent_size(PrivateExponentSize::default());
            if let Some(name) = client_secret_env {
                let secret = std::env::var(&name)
                    .map_err(|_| Failure::Input(format!("environment variable {name} is not set")))?;
                client = client.with_client_secret(ClientSecret::from(secret));
            }
            let transport = endpoint.map_or_else(|| HttpTransport::for_user_pool(&pool), HttpTransport::with_endpoint);
            let mut person = Person { stdin };
            let password = person.secret("Password: ")?;
            let mut sign_in = SignIn::user_srp(client, &username, Password::from(password))?;
            if let Some(path) = &device_file {
                sign_in = sign_in.with_device_store(Arc::new(JsonFileDeviceStore::new(path)));
            }
            let send = |request: &flow::Request| {
                if request.body().get("ChallengeName").and_then(|v| v.as_str()) == Some("DEVICE_SRP_AUTH") {
                    eprintln!("signing in as the remembered device");
                }
                eprintln!("-> {}", request.operation().name());
                transport.send(request)
            };
            let signed_in = flow::drive(sign_in, send, &mut person, Timestamp::now)?;
            eprintln!("signed in as {}", signed_in.username());
            if let Some(device) = signed_in.new_device() {
                eprintln!("new device {}: {:?}", device.device_key(), device.outcome());
            }
            let tokens = signed_in.tokens();
            let json = serde_json::json!({
                "AccessToken": tokens.access_token().expose_secret(), "IdToken": tokens.id_token().expose_secret(),
                "RefreshToken": tokens.refresh_token().map(|t| t.expose_secret()),
                "ExpiresAt": tokens.expires_at().map(|t| t.unix_seconds()), "TokenType": "Bearer",
            });
            println!("{json:#}");
        }
    }
    Ok(())
}

/// The person at the terminal (or the lines on standard input).
struct Person {
    stdin: bool,
}

impl Person {
    /// Reads a secret: from the terminal without echo, or a line of standard input.
    fn secret(&self, prompt: &str) -> Result<String, Failure> {
        if self.stdin {
            eprint!("{prompt}");
            read_line(&mut io::stdin().lock()).map_err(Failure::Input)
        } else {
            rpassword::prompt_password(prompt).map_err(|e| Failure::Input(e.to_string()))
        }
    }

    fn line(&self, prompt: &str) -> Result<String, Failure> {
        eprint!("{prompt}");
        let _ = io::stderr().flush();
        read_line(&mut io::stdin().lock()).map_err(Failure::Input)
    }
}

fn read_line(input: &mut impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) => Err("standard input ended".into()),
        Ok(_) => Ok(line.trim_end_matches(['\r', '\n']).to_owned()),
        Err(e) => Err(e.to_string()),
    }
}

impl Interaction for Person {
    async fn answer(&mut self, prompt: &Prompt, refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
        if let Some(refusal) = refused {
            eprintln!("refused: {refusal}");
        }
        let ask = |p: &str| self.secret(p).map_err(|_| Cancelled::new("no answer on standard input"));
        Ok(match prompt {
            Prompt::SoftwareTokenMfa => Answer::Code(ask("Authenticator code: ")?),
            Prompt::SmsMfa { destination } | Prompt::SmsOtp { destination } => {
                Answer::Code(ask(&format!("Code sent to {}: ", destination.as_deref().unwrap_or("your phone")))?)
            }
            Prompt::EmailOtp { destination } => {
                Answer::Code(ask(&format!("Code sent to {}: ", destination.as_deref().unwrap_or("your email")))?)
            }
            Prompt::NewPasswordRequired { .. } => {
                Answer::NewPassword { password: Password::from(ask("New password: ")?), attributes: HashMap::new() }
            }
            Prompt::CustomChallenge { parameters } => {
                eprintln!("custom challenge: {parameters:?}");
                Answer::Custom(self.line("Answer: ").map_err(|_| Cancelled::new("no answer on standard input"))?)
            }
            _ => return Err(Cancelled::new("a prompt the command line does not answer")),
        })
    }
}
