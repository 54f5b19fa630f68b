//! The command line's grammar, in the conventions of `aws cognito-idp`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::failure::EXIT_CODES;

/// Amazon Cognito user-pool sign-in from the command line.
#[derive(Parser)]
#[command(name = "cognito-srp", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand)]
pub enum Command {
    /// Signs in (USER_SRP_AUTH unless --auth-flow says otherwise) and prints
    /// the AuthenticationResult as JSON.
    #[command(after_help = EXIT_CODES)]
    SignIn(SignInArgs),
    /// Gets new tokens for a refresh token (REFRESH_TOKEN_AUTH), as the
    /// remembered device when there is one.
    #[command(after_help = EXIT_CODES)]
    Refresh(RefreshArgs),
    /// Lists or forgets the devices remembered in a device file.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Prints SECRET_HASH for a username on an app client.
    #[command(after_help = EXIT_CODES)]
    SecretHash(SecretHashArgs),
    /// Makes a new device's password and the DeviceSecretVerifierConfig for
    /// ConfirmDevice, as JSON.
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
    /// Runs a local Cognito over HTTP on 127.0.0.1 (see the README, "Local Cognito").
    #[cfg(feature = "serve")]
    Serve(cognito_srp_auth::serve::ServeArgs),
}

/// The app client every request names.
#[derive(Args)]
pub struct AppClientArgs {
    /// The user pool id, `<region>_<name>`.
    #[arg(long, env = "COGNITO_USER_POOL_ID")]
    pub user_pool_id: String,
    /// The app client id.
    #[arg(long, env = "COGNITO_CLIENT_ID")]
    pub client_id: String,
    /// Name of an environment variable holding the app client's secret
    /// [without it: COGNITO_CLIENT_SECRET, when set].
    #[arg(long, value_name = "VAR")]
    pub client_secret_env: Option<String>,
}

/// Where the requests go.
#[derive(Args)]
pub struct EndpointArgs {
    /// Another endpoint than the region's (an emulator, a VPC endpoint).
    #[arg(long, visible_alias = "endpoint", value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// The region whose public endpoint to use [default: the user pool's].
    #[arg(long)]
    pub region: Option<String>,
    /// How long one request may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

/// Where the device file is.
#[derive(Args)]
pub struct DeviceFileArgs {
    /// The file remembered devices are kept in, by user pool and pool
    /// username (created readable by its owner only).
    #[arg(long, env = "COGNITO_DEVICE_FILE", value_name = "PATH")]
    pub device_file: Option<PathBuf>,
}

/// `sign-in`.
#[derive(Args)]
pub struct SignInArgs {
    #[command(flatten)]
    pub client: AppClientArgs,
    /// The username, or an alias the pool accepts (email, phone number, any case).
    #[arg(long)]
    pub username: String,
    /// How the sign-in starts.
    #[arg(long, value_enum, default_value_t = AuthFlow::UserSrp)]
    pub auth_flow: AuthFlow,
    /// With USER_AUTH: the challenge to ask for first.
    #[arg(long, value_enum, value_name = "CHALLENGE")]
    pub preferred_challenge: Option<Preferred>,
    /// A value for an attribute NEW_PASSWORD_REQUIRED asks for (repeatable).
    #[arg(long = "attribute", value_name = "NAME=VALUE", value_parser = parse_attribute)]
    pub attributes: Vec<(String, String)>,
    #[command(flatten)]
    pub devices: DeviceFileArgs,
    /// Answer no where the pool asks whether to remember this device
    /// (UserConfirmationNecessary); a pool that remembers every device still does.
    #[arg(long)]
    pub no_remember: bool,
    #[command(flatten)]
    pub endpoint: EndpointArgs,
    /// Read the password and every answer from standard input, a line each,
    /// even on a terminal.
    #[arg(long)]
    pub stdin: bool,
}

/// `refresh`.
#[derive(Args)]
pub struct RefreshArgs {
    #[command(flatten)]
    pub client: AppClientArgs,
    /// The username signed in with (an alias is looked up in the device file);
    /// SECRET_HASH and the remembered device go by the pool's username.
    #[arg(long)]
    pub username: String,
    /// The refresh token (other users may see it in the process list: prefer
    /// --refresh-token-file or standard input, which is read without either).
    #[arg(long, value_name = "TOKEN", conflicts_with = "refresh_token_file")]
    pub refresh_token: Option<String>,
    /// A file holding the refresh token (or the JSON sign-in printed).
    #[arg(long, value_name = "PATH")]
    pub refresh_token_file: Option<PathBuf>,
    #[command(flatten)]
    pub devices: DeviceFileArgs,
    #[command(flatten)]
    pub endpoint: EndpointArgs,
}

/// `device list|forget`.
#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Lists the remembered devices (never their passwords).
    List {
        #[command(flatten)]
        devices: DeviceFileArgs,
    },
    /// Forgets a user's remembered device in the device file, and with
    /// --access-token-env on Cognito too (ForgetDevice).
    #[command(after_help = EXIT_CODES)]
    Forget(ForgetArgs),
}

/// `device forget`.
#[derive(Args)]
pub struct ForgetArgs {
    /// The user pool id, `<region>_<name>`.
    #[arg(long, env = "COGNITO_USER_POOL_ID")]
    pub user_pool_id: String,
    /// The username (or an alias the device file knows).
    #[arg(long)]
    pub username: String,
    #[command(flatten)]
    pub devices: DeviceFileArgs,
    /// Name of an environment variable holding an access token of the user
    /// (`AuthenticationResult.AccessToken`): ForgetDevice is then sent first.
    #[arg(long, value_name = "VAR")]
    pub access_token_env: Option<String>,
    #[command(flatten)]
    pub endpoint: EndpointArgs,
}

/// `secret-hash`.
#[derive(Args)]
pub struct SecretHashArgs {
    /// The app client id.
    #[arg(long, env = "COGNITO_CLIENT_ID")]
    pub client_id: String,
    /// The pool username.
    #[arg(long)]
    pub username: String,
    /// Name of an environment variable holding the app client's secret
    /// [without it: COGNITO_CLIENT_SECRET when set, else asked for].
    #[arg(long, value_name = "VAR")]
    pub client_secret_env: Option<String>,
}

/// `--auth-flow`, in Cognito's words.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthFlow {
    /// The password proven by SRP; it never leaves this machine.
    #[value(name = "USER_SRP_AUTH")]
    UserSrp,
    /// The password itself, sent over TLS.
    #[value(name = "USER_PASSWORD_AUTH")]
    UserPassword,
    /// SRP, then the pool's custom challenges.
    #[value(name = "CUSTOM_AUTH")]
    Custom,
    /// Choice-based sign-in: Cognito may offer SELECT_CHALLENGE.
    #[value(name = "USER_AUTH")]
    Choice,
}

/// `--preferred-challenge`, in Cognito's words.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preferred {
    /// The password, proven by SRP.
    #[value(name = "PASSWORD_SRP")]
    PasswordSrp,
    /// The password itself.
    #[value(name = "PASSWORD")]
    Password,
    /// A code by email.
    #[value(name = "EMAIL_OTP")]
    EmailOtp,
    /// A code by text message.
    #[value(name = "SMS_OTP")]
    SmsOtp,
}

fn parse_attribute(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("{text:?} is not NAME=VALUE")),
    }
}
