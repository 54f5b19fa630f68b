//! Failures as the service reports them: an exception name and a message.

use crate::flow::ServiceError;

/// The message Cognito gives for an unknown user and a wrong password alike.
pub(super) const INCORRECT: &str = "Incorrect username or password.";

/// A failure, as the service reports it.
pub(super) struct Fault {
    pub(super) kind: &'static str,
    pub(super) message: String,
}

pub(super) fn fault(kind: &'static str, message: impl Into<String>) -> Fault {
    Fault { kind, message: message.into() }
}

pub(super) fn not_authorized(message: &str) -> Fault {
    fault("NotAuthorizedException", message)
}

pub(super) fn missing(name: &str) -> Fault {
    fault("InvalidParameterException", format!("Missing required parameter {name}"))
}

pub(super) fn user_not_found() -> Fault {
    fault("UserNotFoundException", "User does not exist.")
}

pub(super) fn pool_not_found() -> Fault {
    fault("ResourceNotFoundException", "User pool does not exist.")
}

pub(super) fn device_not_found() -> Fault {
    fault("ResourceNotFoundException", "Device does not exist.")
}

/// A fault as the client's error type, for the Rust set-up calls.
pub(super) fn service_error(f: Fault) -> ServiceError {
    ServiceError::from_body(&crate::wire::ErrorBody { error_type: Some(f.kind.to_owned()), message: Some(f.message) })
        .unwrap_or_else(|| unreachable!("a type was given"))
}
