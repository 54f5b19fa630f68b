//! Requests to Cognito over HTTP, each announced on standard error with its
//! operation and challenge, every failure naming the URL.

use std::cell::RefCell;
use std::time::Duration;

use cognito_srp_auth::flow::Request;
use cognito_srp_auth::http::HttpTransport;
use cognito_srp_auth::{Error, UserPoolId};
use ureq::http::Uri;

use crate::args::EndpointArgs;
use crate::failure::Failure;

/// One endpoint, and what its answers said that the sign-in machine's
/// errors do not carry.
pub struct Exchange {
    http: HttpTransport,
    url: String,
    /// An answer that was not Cognito's (an HTTP 5xx with some proxy's page).
    not_cognito: RefCell<Option<String>>,
}

impl Exchange {
    /// The endpoint `--endpoint-url` names (validated), else that of
    /// `--region` or of the user pool's region.
    pub fn new(args: &EndpointArgs, pool: Option<&UserPoolId>) -> Result<Self, Failure> {
        let http = match (&args.endpoint_url, &args.region, pool) {
            (Some(url), _, _) => HttpTransport::with_endpoint(validate_url(url)?),
            (None, Some(region), _) => HttpTransport::for_region(&validate_region(region)?),
            (None, None, Some(pool)) => HttpTransport::for_user_pool(pool),
            (None, None, None) => return Err(Failure::Usage("give --endpoint-url or --region".into())),
        }
        .with_timeout(Duration::from_secs(args.timeout));
        let url = http.endpoint().to_owned();
        Ok(Exchange { http, url, not_cognito: RefCell::new(None) })
    }

    /// Sends one request, saying which on standard error.
    pub fn send(&self, request: &Request) -> Result<(u16, Vec<u8>), Error> {
        let operation = request.operation().name();
        let challenge = request.challenge_name();
        if challenge == Some("DEVICE_SRP_AUTH") {
            eprintln!("signing in as the remembered device");
        }
        match request.auth_flow().or(challenge) {
            Some(what) => eprintln!("-> {operation} ({what})"),
            None => eprintln!("-> {operation}"),
        }
        let (status, reply) = self.http.send(request)?;
        if status >= 400 {
            self.note_error(operation, status, &reply);
        }
        Ok((status, reply))
    }

    /// Turns an error of a sign-in into the command's failure, with what
    /// the HTTP exchange saw.
    pub fn failure(&self, error: Error) -> Failure {
        match (self.not_cognito.take(), error) {
            (_, Error::Transport(transport)) => Failure::Network(format!("{}: {transport}", self.url)),
            (Some(reason), _) => Failure::Unexpected(reason),
            (None, error) => Failure::from_error(error),
        }
    }

    /// An error status without Cognito's `__type` is kept with its status.
    fn note_error(&self, operation: &str, status: u16, reply: &[u8]) {
        let body: Option<serde_json::Value> = serde_json::from_slice(reply).ok();
        if body.as_ref().is_some_and(|b| b["__type"].is_string()) {
            return;
        }
        let text = String::from_utf8_lossy(&reply[..reply.len().min(200)]).trim().to_owned();
        let reason = format!("{operation} at {} answered HTTP {status} without a Cognito error: {text:?}", self.url);
        *self.not_cognito.borrow_mut() = Some(reason);
    }
}

/// An `http` or `https` URL with a host.
fn validate_url(url: &str) -> Result<String, Failure> {
    let bad = |why: &str| Failure::Usage(format!("--endpoint-url {url:?} {why}"));
    let uri: Uri = url.parse().map_err(|_| bad("is not a URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(bad("must start with http:// or https://")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    Ok(url.to_owned())
}

/// A region name: lowercase letters, digits and dashes.
fn validate_region(region: &str) -> Result<String, Failure> {
    let fine = !region.is_empty() && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if fine { Ok(region.to_owned()) } else { Err(Failure::Usage(format!("--region {region:?} is not a region name"))) }
}
