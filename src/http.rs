//! A blocking HTTPS transport: sends the state machine's requests to
//! Cognito (or to an emulator, or a VPC endpoint) with ureq over rustls.
//!
//! ```no_run
//! use std::sync::Arc;
//! use cognito_srp_auth::flow::{self, AppClient, Answer, Interaction, JsonFileDeviceStore, Prompt, ServiceError, SignIn};
//! use cognito_srp_auth::http::HttpTransport;
//! use cognito_srp_auth::{Cancelled, Error, Password, Timestamp, UserPoolId};
//!
//! struct Terminal;
//! impl Interaction for Terminal {
//!     async fn answer(&mut self, prompt: &Prompt, _refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
//!         Ok(Answer::Code(format!("{prompt:?}"))) // ask the user here
//!     }
//! }
//!
//! # fn main() -> Result<(), Error> {
//! let pool = UserPoolId::parse("eu-west-1_AbC123")?;
//! let transport = HttpTransport::for_user_pool(&pool);
//! let store = Arc::new(JsonFileDeviceStore::new("devices.json"));
//! let sign_in = SignIn::user_srp(AppClient::new(pool, "client-id"), "alice", Password::from("pw"))?
//!     .with_device_store(store);
//! let signed_in = flow::drive(sign_in, |r| transport.send(r), &mut Terminal, Timestamp::now)?;
//! # let _ = signed_in;
//! # Ok(())
//! # }
//! ```

use std::time::Duration;

use crate::error::{Error, TransportError, TransportErrorKind};
use crate::flow::Request;
use crate::json_buffer;
use crate::user_pool::UserPoolId;
use crate::wire::CONTENT_TYPE;

/// The largest response body read: Cognito's are a few KiB.
const MAX_BODY: usize = 1 << 20;

/// Sends requests to one Cognito endpoint.
#[derive(Clone, Debug)]
pub struct HttpTransport {
    endpoint: String,
    agent: ureq::Agent,
}

impl HttpTransport {
    /// The public endpoint of a region: `https://cognito-idp.<region>.amazonaws.com/`.
    pub fn for_region(region: &str) -> Self {
        Self::with_endpoint(format!("https://cognito-idp.{region}.amazonaws.com/"))
    }

    /// The public endpoint of a user pool's region.
    pub fn for_user_pool(user_pool_id: &UserPoolId) -> Self {
        Self::for_region(user_pool_id.region())
    }

    /// Any endpoint: an emulator (`http://127.0.0.1:4566/`), a VPC endpoint.
    pub fn with_endpoint(endpoint: impl Into<String>) -> Self {
        HttpTransport { endpoint: endpoint.into(), agent: agent(Duration::from_secs(30)) }
    }

    /// The time a whole request may take (default 30 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.agent = agent(timeout);
        self
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Sends one request and returns the HTTP status and body, error
    /// statuses included (the state machine reads Cognito's error bodies).
    pub fn send(&self, request: &Request) -> Result<(u16, Vec<u8>), Error> {
        let transport = |e: ureq::Error| Error::Transport(transport_error(e));
        let mut response = self
            .agent
            .post(&self.endpoint)
            .header("Content-Type", CONTENT_TYPE)
            .header("X-Amz-Target", request.target())
            .send(request.body_json())
            .map_err(transport)?;
        let status = response.status().as_u16();
        // Read through a buffer that leaves no copy of the tokens behind
        // (the drivers wipe the body once the machine has read it).
        // The limit is `read_body`'s, so that going over it is `BodyTooLarge`.
        let mut reader = response.body_mut().as_reader();
        match json_buffer::read_body(&mut reader, MAX_BODY) {
            Ok(Some(body)) => Ok((status, body)),
            Ok(None) => Err(Error::Transport(TransportError::new(
                TransportErrorKind::BodyTooLarge,
                format!("a response body over {MAX_BODY} bytes"),
            ))),
            Err(io) => Err(transport(ureq::Error::Io(io))),
        }
    }
}

/// Sorts ureq's failures into the kinds a caller acts on.
fn transport_error(error: ureq::Error) -> TransportError {
    let kind = match &error {
        ureq::Error::Timeout(_) => TransportErrorKind::Timeout,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed | ureq::Error::ConnectProxyFailed(_) => {
            TransportErrorKind::Connect
        }
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) | ureq::Error::TlsRequired => {
            TransportErrorKind::Tls
        }
        ureq::Error::BodyExceedsLimit(_) | ureq::Error::LargeResponseHeader(..) => TransportErrorKind::BodyTooLarge,
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => TransportErrorKind::Timeout,
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::NotConnected
            ) =>
        {
            TransportErrorKind::Connect
        }
        ureq::Error::Io(_) | ureq::Error::BodyStalled => TransportErrorKind::Io,
        ureq::Error::Http(_) | ureq::Error::BadUri(_) | ureq::Error::Protocol(_) | ureq::Error::StatusCode(_) => {
            TransportErrorKind::Http
        }
        _ => TransportErrorKind::Other,
    };
    TransportError::with_source(kind, error)
}

fn agent(timeout: Duration) -> ureq::Agent {
    let config = ureq::Agent::config_builder().timeout_global(Some(timeout)).http_status_as_error(false).build();
    ureq::Agent::new_with_config(config)
}
