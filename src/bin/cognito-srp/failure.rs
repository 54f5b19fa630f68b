//! Why the command stopped, and the exit code that tells it.

use std::process::ExitCode;

use cognito_srp_auth::{Error, Origin};

/// The exit codes, as `--help` lists them.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  unexpected or protocol failure (a bad value sent by the server included)
  2  bad command-line input
  3  refused by Cognito (wrong password, wrong code, unknown user, ...)
  4  network failure (the message names the URL)
  5  cancelled, or the input ended before every prompt was answered";

/// Why the command stopped.
#[derive(Debug)]
pub enum Failure {
    /// Anything unforeseen, and a server that broke the protocol.
    Unexpected(String),
    /// The command line (or the typed input) is unusable.
    Usage(String),
    /// Cognito answered with an error.
    Refused(String),
    /// The request did not reach Cognito or its answer did not come back.
    Network(String),
    /// The person stopped, or the input ended.
    Cancelled(String),
}

impl Failure {
    /// Reports the failure on standard error and returns its exit code.
    pub fn report(self) -> ExitCode {
        let (code, kind, message) = match self {
            Failure::Unexpected(m) => (1, "error", m),
            Failure::Usage(m) => (2, "bad input", m),
            Failure::Refused(m) => (3, "refused by Cognito", m),
            Failure::Network(m) => (4, "network", m),
            Failure::Cancelled(m) => (5, "cancelled", m),
        };
        eprintln!("cognito-srp: {kind}: {message}");
        ExitCode::from(code)
    }

    /// What went wrong, without its kind.
    pub fn message(&self) -> &str {
        match self {
            Failure::Unexpected(m)
            | Failure::Usage(m)
            | Failure::Refused(m)
            | Failure::Network(m)
            | Failure::Cancelled(m) => m,
        }
    }

    /// An error of the crate, by who is at fault: a refusal, the network,
    /// the device file, the caller's input, or else the server's values.
    pub fn from_error(error: Error) -> Self {
        match (error.origin(), error) {
            (_, Error::Service(service)) => Failure::Refused(service.to_string()),
            (_, Error::Cancelled(cancelled)) => Failure::Cancelled(cancelled.to_string()),
            (Origin::Transport, error) => Failure::Network(error.to_string()),
            (Origin::DeviceStore | Origin::Caller, error) => Failure::Usage(error.to_string()),
            (_, error) => Failure::Unexpected(format!("the server's answer is unusable: {error}")),
        }
    }
}
