//! `cognito-srp`: Amazon Cognito user-pool sign-in from the command line, in
//! the conventions of `aws cognito-idp`, and Cognito's client-side
//! computations (SECRET_HASH, device verifiers, TIMESTAMP).
//!
//! Prompts and progress go to standard error, results (JSON) to standard
//! output; the exit code tells what kind of failure stopped the command
//! (listed in `--help`).

mod args;
mod authenticator;
mod commands;
mod devices;
mod exchange;
mod failure;
mod output;
mod person;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::failure::Failure;

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
        Err(failure) => failure.report(),
    }
}

/// Runs one command. A new command (`serve`, ...) is a variant of `Command`
/// in `args.rs`, a module under `commands/`, and an arm here.
fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::SignIn(args) => commands::sign_in::run(args),
        Command::Refresh(args) => commands::refresh::run(args),
        Command::Device(command) => commands::device::run(command),
        Command::SecretHash(args) => commands::offline::secret_hash(args),
        Command::DeviceVerifier { device_key, device_group_key } => {
            commands::offline::device_verifier(device_key, device_group_key)
        }
        Command::Timestamp { unix } => commands::offline::timestamp(unix),
        #[cfg(feature = "serve")]
        Command::Serve(args) => cognito_srp_auth::serve::run(&args).map_err(|e| match e {
            cognito_srp_auth::serve::ServeError::Config(reason) => Failure::Usage(reason),
            other => Failure::Unexpected(other.to_string()),
        }),
    }
}
