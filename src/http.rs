//! A blocking HTTPS transport: sends the state machine's requests to
//! Cognito (or to an emulator, or a VPC endpoint) with ureq over rustls.
//!
//! ```no_run
//! use cognito_srp_auth::flow::{self, AppClient, Answer, Interaction, Prompt, SignIn};
//! use cognito_srp_auth::http::HttpTransport;
//! use cognito_srp_auth::{DeviceCredentials, Error, Password, Timestamp, UserPoolId};
//!
//! struct Terminal;
//! impl Interaction for Terminal {
//!     fn answer(&mut self, prompt: &Prompt) -> Result<Answer, Error> {
//!         Ok(Answer::Code(format!("{prompt:?}"))) // ask the user here
//!     }
//!     fn store_device(&mut self, _username: &str, _device: DeviceCredentials) {}
//!     fn forget_device(&mut self, _username: &str) {}
//! }
//!
//! # fn main() -> Result<(), Error> {
//! let pool = UserPoolId::parse("eu-west-1_AbC123")?;
//! let transport = HttpTransport::for_user_pool(&pool);
//! let sign_in = SignIn::user_srp(AppClient::new(pool, "client-id"), "alice", Password::from("pw"))?;
//! let signed_in = flow::drive(sign_in, |r| transport.send(r), &mut Terminal, Timestamp::now, &mut rand::rng())?;
//! # let _ = signed_in;
//! # Ok(())
//! # }
//! ```

use std::time::Duration;

use crate::error::Error;
use crate::flow::Request;
use crate::user_pool::UserPoolId;
use crate::wire::CONTENT_TYPE;

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
        let transport = |e: ureq::Error| Error::Transport { reason: e.to_string() };
        let mut response = self
            .agent
            .post(&self.endpoint)
            .header("Content-Type", CONTENT_TYPE)
            .header("X-Amz-Target", request.target())
            .send(request.body_json())
            .map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_vec().map_err(transport)?;
        Ok((status, body))
    }
}

fn agent(timeout: Duration) -> ureq::Agent {
    let config = ureq::Agent::config_builder().timeout_global(Some(timeout)).http_status_as_error(false).build();
    ureq::Agent::new_with_config(config)
}
