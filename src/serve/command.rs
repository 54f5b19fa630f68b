//! The `cognito-srp serve` subcommand: its flags and its main loop.

use std::io::Write;
use std::path::PathBuf;

use super::{BindAddress, Config, ConfigError, Listener, LocalCognito};

/// `cognito-srp serve`: a local Cognito over HTTP/1.1.
#[derive(Clone, Debug, clap::Args)]
pub struct ServeArgs {
    /// The pools, app clients and users, as JSON (see the README, "Local Cognito").
    #[arg(long)]
    config: PathBuf,
    /// The port on 127.0.0.1; 0 picks a free one (printed on the first line of standard output).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Listen on every interface (0.0.0.0) instead of 127.0.0.1 only. The
    /// admin operations are not authenticated: anyone who can reach the
    /// port can change the pools.
    #[arg(long)]
    listen_on_all_interfaces: bool,
}

/// Why `serve` stopped early.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServeError {
    /// The config file is unreadable or refused: the caller's input.
    Config(String),
    /// The port could not be bound, or the log could not be written.
    Io(std::io::Error),
}

impl core::fmt::Display for ServeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ServeError::Config(reason) => f.write_str(reason),
            ServeError::Io(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for ServeError {}

impl From<std::io::Error> for ServeError {
    fn from(error: std::io::Error) -> Self {
        ServeError::Io(error)
    }
}

impl From<ConfigError> for ServeError {
    fn from(error: ConfigError) -> Self {
        ServeError::Config(error.to_string())
    }
}

/// Loads the config, binds, prints `listening on http://<address>/` as the
/// first line of standard output, and answers requests (logging each to
/// standard error) until SIGTERM or SIGINT.
pub fn run(args: &ServeArgs) -> Result<(), ServeError> {
    let text = std::fs::read_to_string(&args.config)
        .map_err(|e| ServeError::Config(format!("{}: {e}", args.config.display())))?;
    let config = Config::from_json(&text)?;
    let mut rng = rand::rng();
    let mut cognito = LocalCognito::from_config(&config, &mut rng)?;
    let address = if args.listen_on_all_interfaces { BindAddress::AllInterfaces } else { BindAddress::Loopback };
    let listener = Listener::bind(address, args.port)?;
    listener.stop_handle().stop_on_signals()?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{}/", listener.local_addr())?;
    stdout.flush()?;
    drop(stdout);
    let mut log = std::io::stderr();
    listener.run(&mut cognito, &mut log, &mut rng)?;
    writeln!(log, "stopped")?;
    Ok(())
}
