//! The crate's one error type.

use core::fmt;

/// What went wrong. Each variant names the parameter at fault and what was
/// wrong with it; none ever carries or prints the value itself, since values
/// may be secret.
///
/// [`origin`](Self::origin) tells who is at fault: the server's values,
/// the caller's input, the network, or the device store.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A required challenge parameter was absent.
    MissingParameter {
        /// The parameter, in Cognito's spelling (`SRP_B`, `SALT`, ...).
        name: &'static str,
    },
    /// A parameter the server sent was present but unusable.
    InvalidParameter {
        /// The parameter, in Cognito's spelling (`SRP_B`, `SALT`, ...).
        name: &'static str,
        /// What was wrong with it.
        defect: Defect,
    },
    /// A value the caller handed in was unusable (an empty username, a
    /// user-pool id that is not one, an answer missing a required attribute).
    InvalidInput {
        /// The value, by its name in Cognito's spelling (`USERNAME`, `UserPoolId`, ...).
        name: &'static str,
        /// What was wrong with it.
        defect: Defect,
    },
    /// Cognito answered with an error (`__type`, `message`).
    #[cfg(feature = "json")]
    Service(crate::service_error::ServiceError),
    /// Cognito asked a challenge this crate does not know.
    #[cfg(feature = "json")]
    UnknownChallenge {
        /// `ChallengeName`.
        name: String,
        /// The names of its `ChallengeParameters`; their values may be secret
        /// and are not kept.
        parameter_names: Vec<String>,
    },
    /// A response did not fit the sign-in's state: tokens while a challenge
    /// is outstanding, a body that is not the operation's JSON, an SRP
    /// challenge no SRP round was started for, and the like.
    Protocol {
        /// What did not fit.
        reason: &'static str,
    },
    /// Tokens arrived without an access token or an ID token. What did
    /// arrive is kept: a refresh token can still get new tokens.
    #[cfg(feature = "json")]
    IncompleteTokens(crate::tokens::IncompleteTokens),
    /// The server kept asking: the sign-in took more round trips than any
    /// sign-in needs, and gave up.
    TooManyRoundTrips {
        /// The round trips taken.
        limit: u32,
    },
    /// The request could not be sent or its response not read.
    #[cfg(feature = "json")]
    Transport(TransportError),
    /// The device store failed (a disk, a file's contents or permissions).
    #[cfg(feature = "json")]
    DeviceStore(DeviceStoreError),
    /// A [`PausedSignIn`](crate::flow::PausedSignIn) that cannot be resumed:
    /// another format version, another user pool or app client, too old,
    /// or fields that do not fit together.
    ResumeRefused {
        /// Why.
        reason: &'static str,
    },
    /// The caller ended the sign-in (an [`Interaction`](crate::flow::Interaction)
    /// declined a prompt), for its own reason.
    Cancelled(Cancelled),
    /// The state machine was driven out of order: an answer when no prompt
    /// is out, a response when no request is, or a call after the sign-in
    /// ended.
    OutOfOrder,
}

/// Who is at fault for an [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// The server: an error it answered, or values it sent that do not fit.
    Server,
    /// The caller: its input, its interaction, or the order of its calls.
    Caller,
    /// The network between the two.
    Transport,
    /// The device store.
    DeviceStore,
}

/// A cause kept behind an `Arc`, so errors stay `Clone`.
type Cause = std::sync::Arc<dyn std::error::Error + Send + Sync>;

/// What kind of transport failure happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The request or its response took too long.
    Timeout,
    /// No connection: the name did not resolve, or the connection was refused or dropped.
    Connect,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The response body was larger than the transport accepts.
    BodyTooLarge,
    /// Reading or writing the connection failed midway.
    Io,
    /// The response was not well-formed HTTP, or the request could not be made (a bad URL).
    Http,
    /// Anything else.
    Other,
}

/// A request that could not be sent, or whose response could not be read.
#[derive(Clone)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<Cause>,
}

impl TransportError {
    /// A failure of this kind; `message` says what happened.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError { kind, message: message.into(), source: None }
    }

    /// A failure of this kind caused by `source` (the HTTP client's error).
    pub fn with_source(kind: TransportErrorKind, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        TransportError { kind, message: source.to_string(), source: Some(std::sync::Arc::new(source)) }
    }

    /// What kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether sending the same request again may succeed: timeouts,
    /// connection failures and broken connections; not TLS or oversize bodies.
    pub fn is_retryable(&self) -> bool {
        matches!(self.kind, TransportErrorKind::Timeout | TransportErrorKind::Connect | TransportErrorKind::Io)
    }
}

/// Why a device store could not do what was asked: the disk, the file's
/// contents or permissions, a database. The message says what to fix.
#[derive(Clone)]
pub struct DeviceStoreError {
    message: String,
    source: Option<Cause>,
}

impl DeviceStoreError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        DeviceStoreError { message: message.into(), source: None }
    }

    /// An error with this message, caused by `source`.
    pub fn with_source(message: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        DeviceStoreError { message: message.into(), source: Some(std::sync::Arc::new(source)) }
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The caller's reason for ending a sign-in, kept as its own error type
/// (find it again with `reason().downcast_ref()`).
#[derive(Clone)]
pub struct Cancelled {
    reason: Cause,
}

impl Cancelled {
    /// Cancels for `reason`: any error, or a message (`Cancelled::new("the user closed the dialog")`).
    pub fn new(reason: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Cancelled { reason: std::sync::Arc::from(reason.into()) }
    }

    /// The caller's reason.
    pub fn reason(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.reason
    }
}

/// `Debug`, `Display`, `Error` and `PartialEq` (two are equal when they
/// say the same) for the error types that keep a cause.
macro_rules! error_with_cause {
    ($($type:ident { $($field:ident),* } via $cause:ident;)*) => {$(
        impl fmt::Debug for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($type))
                    $(.field(stringify!($field), &self.$field))*
                    .finish_non_exhaustive()
            }
        }

        impl PartialEq for $type {
            fn eq(&self, other: &Self) -> bool {
                true $(&& self.$field == other.$field)* && self.to_string() == other.to_string()
            }
        }

        impl Eq for $type {}

        impl std::error::Error for $type {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                let cause: Option<&Cause> = self.$cause.as_ref();
                cause.map(|e| &**e as &(dyn std::error::Error + 'static))
            }
        }
    )*};
}

error_with_cause! {
    TransportError { kind, message } via source;
    DeviceStoreError { message } via source;
}

impl fmt::Debug for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cancelled").field(&self.reason.to_string()).finish()
    }
}

impl PartialEq for Cancelled {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for Cancelled {}

impl std::error::Error for Cancelled {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.reason)
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)
    }
}

impl fmt::Display for DeviceStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.reason)
    }
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
    /// A value that must be given was not.
    Missing,
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
            Defect::Missing => "is missing",
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingParameter { name } => write!(f, "challenge parameter {name} is missing"),
            Error::InvalidParameter { name, defect } => write!(f, "{name} {defect}"),
            Error::InvalidInput { name, defect } => write!(f, "{name} {defect}"),
            #[cfg(feature = "json")]
            Error::Service(error) => write!(f, "{error}"),
            #[cfg(feature = "json")]
            Error::UnknownChallenge { name, .. } => write!(f, "unknown challenge {name}"),
            Error::Protocol { reason } => write!(f, "unexpected response: {reason}"),
            #[cfg(feature = "json")]
            Error::IncompleteTokens(tokens) => write!(f, "unexpected response: {tokens}"),
            Error::TooManyRoundTrips { limit } => {
                write!(f, "the server kept asking: gave up after {limit} round trips")
            }
            #[cfg(feature = "json")]
            Error::Transport(error) => write!(f, "transport: {error}"),
            #[cfg(feature = "json")]
            Error::DeviceStore(error) => write!(f, "{error}"),
            Error::ResumeRefused { reason } => write!(f, "paused sign-in refused: {reason}"),
            Error::Cancelled(reason) => write!(f, "sign-in cancelled: {reason}"),
            Error::OutOfOrder => f.write_str("sign-in driven out of order"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            #[cfg(feature = "json")]
            Error::Service(error) => Some(error),
            #[cfg(feature = "json")]
            Error::Transport(error) => Some(error),
            #[cfg(feature = "json")]
            Error::DeviceStore(error) => Some(error),
            Error::Cancelled(reason) => Some(reason),
            _ => None,
        }
    }
}

impl Error {
    pub(crate) const fn invalid(name: &'static str, defect: Defect) -> Self {
        Error::InvalidParameter { name, defect }
    }

    pub(crate) const fn invalid_input(name: &'static str, defect: Defect) -> Self {
        Error::InvalidInput { name, defect }
    }

    /// Who is at fault.
    pub fn origin(&self) -> Origin {
        match self {
            Error::InvalidInput { .. } | Error::ResumeRefused { .. } | Error::Cancelled(_) | Error::OutOfOrder => {
                Origin::Caller
            }
            #[cfg(feature = "json")]
            Error::Transport(_) => Origin::Transport,
            #[cfg(feature = "json")]
            Error::DeviceStore(_) => Origin::DeviceStore,
            _ => Origin::Server,
        }
    }

    /// Whether trying the same again later may succeed: a transport failure
    /// that can pass, or Cognito's throttling and internal errors.
    pub fn is_retryable(&self) -> bool {
        match self {
            #[cfg(feature = "json")]
            Error::Transport(error) => error.is_retryable(),
            #[cfg(feature = "json")]
            Error::Service(error) => {
                use crate::service_error::ServiceErrorKind;
                matches!(error.kind(), ServiceErrorKind::TooManyRequests | ServiceErrorKind::InternalError)
            }
            _ => false,
        }
    }
}
