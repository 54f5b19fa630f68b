//! Errors Cognito answers with.

use core::fmt;

use crate::wire::ErrorBody;

/// The exceptions a sign-in meets, by their name in the service model.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceErrorKind {
    /// `NotAuthorizedException`: wrong password, bad signature, bad or expired session, ...
    NotAuthorized,
    /// `UserNotFoundException` (pools that do not hide it).
    UserNotFound,
    /// `PasswordResetRequiredException`.
    PasswordResetRequired,
    /// `UserNotConfirmedException`.
    UserNotConfirmed,
    /// `CodeMismatchException`: a wrong one-time code.
    CodeMismatch,
    /// `ExpiredCodeException`.
    ExpiredCode,
    /// `TooManyRequestsException`.
    TooManyRequests,
    /// `TooManyFailedAttemptsException`.
    TooManyFailedAttempts,
    /// `LimitExceededException`.
    LimitExceeded,
    /// `ResourceNotFoundException` (also: "Device does not exist").
    ResourceNotFound,
    /// `InvalidParameterException`.
    InvalidParameter,
    /// `InvalidPasswordException`: a new password the pool's policy refuses.
    InvalidPassword,
    /// `EnableSoftwareTokenMFAException`: a wrong code while setting up TOTP.
    EnableSoftwareTokenMfa,
    /// `InternalErrorException`.
    InternalError,
    /// Any other exception, by name.
    Other(String),
}

impl ServiceErrorKind {
    fn from_name(name: &str) -> Self {
        match name {
            "NotAuthorizedException" => Self::NotAuthorized,
            "UserNotFoundException" => Self::UserNotFound,
            "PasswordResetRequiredException" => Self::PasswordResetRequired,
            "UserNotConfirmedException" => Self::UserNotConfirmed,
            "CodeMismatchException" => Self::CodeMismatch,
            "ExpiredCodeException" => Self::ExpiredCode,
            "TooManyRequestsException" => Self::TooManyRequests,
            "TooManyFailedAttemptsException" => Self::TooManyFailedAttempts,
            "LimitExceededException" => Self::LimitExceeded,
            "ResourceNotFoundException" => Self::ResourceNotFound,
            "InvalidParameterException" => Self::InvalidParameter,
            "InvalidPasswordException" => Self::InvalidPassword,
            "EnableSoftwareTokenMFAException" => Self::EnableSoftwareTokenMfa,
            "InternalErrorException" => Self::InternalError,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The exception's name in the service model.
    pub fn name(&self) -> &str {
        match self {
            Self::NotAuthorized => "NotAuthorizedException",
            Self::UserNotFound => "UserNotFoundException",
            Self::PasswordResetRequired => "PasswordResetRequiredException",
            Self::UserNotConfirmed => "UserNotConfirmedException",
            Self::CodeMismatch => "CodeMismatchException",
            Self::ExpiredCode => "ExpiredCodeException",
            Self::TooManyRequests => "TooManyRequestsException",
            Self::TooManyFailedAttempts => "TooManyFailedAttemptsException",
            Self::LimitExceeded => "LimitExceededException",
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::InvalidParameter => "InvalidParameterException",
            Self::InvalidPassword => "InvalidPasswordException",
            Self::EnableSoftwareTokenMfa => "EnableSoftwareTokenMFAException",
            Self::InternalError => "InternalErrorException",
            Self::Other(name) => name,
        }
    }
}

/// An error body from Cognito: the exception and its message, kept as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceError {
    kind: ServiceErrorKind,
    message: String,
}

impl ServiceError {
    /// An error of this kind with this message.
    pub fn new(kind: ServiceErrorKind, message: impl Into<String>) -> Self {
        ServiceError { kind, message: message.into() }
    }

    /// Reads an error body. `__type` may carry a namespace
    /// (`com.amazonaws...#NotAuthorizedException`) or a `:` suffix; both go.
    pub(crate) fn from_body(body: &ErrorBody) -> Option<Self> {
        let raw = body.error_type.as_deref()?;
        let name = raw.rsplit('#').next().unwrap_or(raw);
        let name = name.split(':').next().unwrap_or(name);
        Some(ServiceError::new(ServiceErrorKind::from_name(name), body.message.clone().unwrap_or_default()))
    }

    /// Which exception.
    pub fn kind(&self) -> &ServiceErrorKind {
        &self.kind
    }

    /// The service's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Cognito's answer when a remembered device was deleted on its side.
    pub(crate) fn is_device_gone(&self) -> bool {
        self.kind == ServiceErrorKind::ResourceNotFound && self.message.contains("Device does not exist")
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for ServiceError {}
