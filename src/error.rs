//! The crate's one error type.

use core::fmt;

/// What went wrong. Each variant names the parameter at fault and what was
/// wrong with it; none ever carries or prints the value itself, since values
/// may be secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A required challenge parameter was absent.
    MissingParameter {
        /// The parameter, in Cognito's spelling (`SRP_B`, `SALT`, ...).
        name: &'static str,
    },
    /// A parameter was present but unusable.
    InvalidParameter {
        /// The parameter, in Cognito's spelling (`SRP_B`, `SALT`, ...).
        name: &'static str,
        /// What was wrong with it.
        defect: Defect,
    },
    /// Cognito answered with an error (`__type`, `message`).
    #[cfg(feature = "json")]
    Service(crate::flow::ServiceError),
    /// Cognito asked a challenge this crate does not know.
    #[cfg(feature = "json")]
    UnknownChallenge {
        /// `ChallengeName`.
        name: String,
        /// `ChallengeParameters`.
        parameters: std::collections::HashMap<String, String>,
    },
    /// A response did not fit the sign-in's state: tokens while a challenge
    /// is outstanding, a body that is not the operation's JSON, an SRP
    /// challenge no SRP round was started for, and the like.
    Protocol {
        /// What did not fit.
        reason: &'static str,
    },
    /// The request could not be sent or its response not read (network,
    /// TLS, timeout); the text says what happened.
    #[cfg(any(feature = "http", feature = "aws-sdk"))]
    Transport {
        /// What happened.
        reason: String,
    },
    /// The state machine was driven out of order: an answer when no prompt
    /// is out, a response when no request is, or a call after the sign-in
    /// ended.
    OutOfOrder,
}

/// Why a parameter was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Defect {
    /// The value is empty.
    Empty,
    /// The value has a character that is not a hex digit (`0x` prefixes,
    /// signs where none is allowed, and letters past `f` included).
    NotHex,
    /// The value is not standard, padded Base64 (RFC 4648 section 4).
    NotBase64,
    /// SRP_B is zero modulo N: a client that went on would compute a session
    /// key the server already knows.
    ZeroModN,
    /// SRP_B is not below N. A conforming server always reduces B.
    NotBelowN,
    /// The hash u of SRP_A and SRP_B is zero, which would let the server skip
    /// the password.
    ZeroScrambler,
    /// A user-pool id is not `<region>_<name>`.
    NotAUserPoolId,
    /// The value is longer than the protocol allows.
    TooLong,
    /// A `TIMESTAMP` is not exactly `EEE MMM d HH:mm:ss UTC yyyy`.
    NotATimestamp,
    /// A `SecretCode` is not RFC 4648 Base32.
    NotBase32,
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Defect::Empty => "is empty",
            Defect::NotHex => "is not a hex number",
            Defect::NotBase64 => "is not standard padded Base64",
            Defect::ZeroModN => "is zero modulo N",
            Defect::NotBelowN => "is not below N",
            Defect::ZeroScrambler => "gives a zero u = H(SRP_A, SRP_B)",
            Defect::NotAUserPoolId => "is not of the form <region>_<name>",
            Defect::TooLong => "is too long",
            Defect::NotATimestamp => "is not of the form `EEE MMM d HH:mm:ss UTC yyyy`",
            Defect::NotBase32 => "is not RFC 4648 Base32",
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingParameter { name } => write!(f, "challenge parameter {name} is missing"),
            Error::InvalidParameter { name, defect } => write!(f, "{name} {defect}"),
            #[cfg(feature = "json")]
            Error::Service(error) => write!(f, "{error}"),
            #[cfg(feature = "json")]
            Error::UnknownChallenge { name, .. } => write!(f, "unknown challenge {name}"),
            Error::Protocol { reason } => write!(f, "unexpected response: {reason}"),
            #[cfg(any(feature = "http", feature = "aws-sdk"))]
            Error::Transport { reason } => write!(f, "transport: {reason}"),
            Error::OutOfOrder => f.write_str("sign-in driven out of order"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    pub(crate) const fn invalid(name: &'static str, defect: Defect) -> Self {
        Error::InvalidParameter { name, defect }
    }
}
