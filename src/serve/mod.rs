//! `cognito-srp serve`: the embedded [`server::Service`](crate::server::Service) as a
//! local Cognito over HTTP/1.1, for clients in any language.
//!
//! It speaks Cognito's wire protocol: `POST /` with
//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` and an
//! `application/x-amz-json-1.1` body; errors come back as Cognito's
//! (`__type`, `message` and the `x-amzn-ErrorType` header). Browsers are
//! answered with CORS headers (and preflight `OPTIONS`), so Amplify JS or
//! amazon-cognito-identity-js can run from a page.
//!
//! It binds 127.0.0.1 unless [`BindAddress::AllInterfaces`] is asked for.
//! AWS signatures (SigV4 `Authorization` headers on the admin calls) are
//! accepted **without verification**: anyone who can reach the port can
//! administer its pools.
//!
//! Codes the service "sends" by SMS or email are kept in an outbox that
//! `GET /_local/outbox` drains: `{"Messages":[{"Medium":"EMAIL",
//! "Destination":"alice@example.com","Code":"123456"}]}`.
//!
//! Each request is logged to the log writer as one line: the operation,
//! the flow or challenge, the app client's name, the user, and the outcome
//! (the next challenge, `tokens`, or `refused` with the error type and
//! message). Request bodies, tokens, sessions and codes are never logged.

mod command;
mod config;
mod log;

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rand_core::CryptoRng;
use serde_json::{Value, json};

pub use command::{ServeArgs, ServeError, run};
pub use config::{Config, ConfigError};

use crate::server::Service;
use crate::timestamp::Timestamp;

/// The largest request body read; Cognito's own limit is far below it.
const MAX_BODY_BYTES: usize = 256 * 1024;
/// The `X-Amz-Target` prefix of every user-pool operation.
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
/// The path of the outbox.
pub const OUTBOX_PATH: &str = "/_local/outbox";

/// Where the listener accepts connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindAddress {
    /// 127.0.0.1 only: the default, reachable from this machine alone.
    Loopback,
    /// 0.0.0.0: every interface. Anyone who reaches the port can sign in
    /// as the configured users and call the (unauthenticated) admin
    /// operations.
    AllInterfaces,
}

/// A local Cognito: the service with the pools of a [`Config`], and the
/// names of its app clients for the request log.
pub struct LocalCognito {
    service: Service,
    client_names: std::collections::HashMap<String, String>,
}

impl core::fmt::Debug for LocalCognito {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LocalCognito").field("service", &self.service).finish_non_exhaustive()
    }
}

/// An HTTP request as the front end sees it.
struct HttpRequest<'a> {
    method: &'a str,
    path: &'a str,
    target: Option<&'a str>,
    content_type: Option<&'a str>,
    body: &'a [u8],
}

/// An HTTP response before it goes on the wire.
struct HttpResponse {
    status: u16,
    error_type: Option<String>,
    body: Vec<u8>,
    /// The allowed methods, for a 405.
    allow: Option<&'static str>,
}

impl HttpResponse {
    fn json(status: u16, body: &Value) -> Self {
        HttpResponse { status, error_type: None, body: body.to_string().into_bytes(), allow: None }
    }

    /// Cognito's error shape: `__type` and `message` in the body, the type
    /// again in `x-amzn-ErrorType`.
    fn error(status: u16, kind: &str, message: &str) -> Self {
        let body = json!({"__type": kind, "message": message}).to_string().into_bytes();
        HttpResponse { status, error_type: Some(kind.to_owned()), body, allow: None }
    }
}

impl LocalCognito {
    /// The pools, app clients and users of `config`.
    pub fn from_config<R: CryptoRng + ?Sized>(config: &Config, rng: &mut R) -> Result<Self, ConfigError> {
        let (service, client_names) = config.provision(rng)?;
        Ok(LocalCognito { service, client_names })
    }

    /// The service behind the front end.
    pub fn service(&mut self) -> &mut Service {
        &mut self.service
    }

    /// Answers one request and returns the response with its log line.
    fn answer<R: CryptoRng + ?Sized>(
        &mut self,
        request: &HttpRequest<'_>,
        now: Timestamp,
        rng: &mut R,
    ) -> (HttpResponse, Option<String>) {
        match (request.method, request.path) {
            ("OPTIONS", _) => (HttpResponse { status: 204, error_type: None, body: Vec::new(), allow: None }, None),
            ("POST", "/") => {
                let (response, line) = self.operation(request, now, rng);
                (response, Some(line))
            }
            ("GET", OUTBOX_PATH) => (self.outbox(), Some("outbox read".to_owned())),
            (_, "/") => {
                let mut response =
                    HttpResponse::error(405, "MethodNotAllowedException", "Cognito takes POST / (and OPTIONS)");
                response.allow = Some("POST, OPTIONS");
                (response, None)
            }
            (_, OUTBOX_PATH) => {
                let mut response = HttpResponse::error(405, "MethodNotAllowedException", "the outbox takes GET");
                response.allow = Some("GET, OPTIONS");
                (response, None)
            }
            _ => (HttpResponse::error(404, "NotFoundException", "Cognito answers on POST /"), None),
        }
    }

    /// A Cognito operation: `X-Amz-Target`, the JSON content type, the body.
    fn operation<R: CryptoRng + ?Sized>(
        &mut self,
        request: &HttpRequest<'_>,
        now: Timestamp,
        rng: &mut R,
    ) -> (HttpResponse, String) {
        let Some(operation) = request.target.and_then(|t| t.strip_prefix(TARGET_PREFIX)) else {
            let response = HttpResponse::error(400, "UnknownOperationException", "X-Amz-Target is missing or unknown");
            return (response, log::refused_line("?", "UnknownOperationException"));
        };
        let operation = log::clean(operation);
        if !request.content_type.is_some_and(is_amz_json) {
            let message = "Content-Type must be application/x-amz-json-1.1";
            return (
                HttpResponse::error(400, "SerializationException", message),
                log::refused_line(&operation, message),
            );
        }
        let target = format!("{TARGET_PREFIX}{operation}");
        let (status, body) = self.service.handle(&target, request.body, now, rng);
        let line = log::line(&operation, request.body, &body, &self.client_names, &self.service, now);
        let error_type = (status != 200)
            .then(|| serde_json::from_slice::<Value>(&body).ok()?["__type"].as_str().map(str::to_owned))
            .flatten();
        (HttpResponse { status, error_type, body, allow: None }, line)
    }

    /// Drains the outbox: the codes sent by SMS and email since the last read.
    fn outbox(&mut self) -> HttpResponse {
        let messages: Vec<Value> = self
            .service
            .take_outbox()
            .into_iter()
            .map(|m| json!({"Medium": m.medium, "Destination": m.destination, "Code": m.code}))
            .collect();
        HttpResponse::json(200, &json!({ "Messages": messages }))
    }
}

/// `application/x-amz-json-1.1` (or 1.0), with or without parameters.
fn is_amz_json(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or_default().trim();
    media.eq_ignore_ascii_case("application/x-amz-json-1.1") || media.eq_ignore_ascii_case("application/x-amz-json-1.0")
}

/// A bound HTTP listener, not yet serving.
pub struct Listener {
    server: Arc<tiny_http::Server>,
    address: SocketAddr,
    stopping: Arc<AtomicBool>,
}

impl core::fmt::Debug for Listener {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Listener").field("address", &self.address).finish_non_exhaustive()
    }
}

/// Stops a [`Listener::run`] from another thread (a signal handler).
#[derive(Clone)]
pub struct StopHandle {
    server: Arc<tiny_http::Server>,
    stopping: Arc<AtomicBool>,
}

impl core::fmt::Debug for StopHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StopHandle").field("stopping", &self.stopping.load(Ordering::SeqCst)).finish()
    }
}

impl StopHandle {
    /// Makes `run` return once the request in hand is answered.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.server.unblock();
    }

    /// Stops on the first SIGTERM or SIGINT, from a thread of its own.
    pub fn stop_on_signals(self) -> io::Result<()> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])?;
        std::thread::Builder::new().name("serve-signals".to_owned()).spawn(move || {
            if signals.forever().next().is_some() {
                self.stop();
            }
        })?;
        Ok(())
    }
}

impl Listener {
    /// Binds `port` (0: a free one) on `address`.
    pub fn bind(address: BindAddress, port: u16) -> io::Result<Self> {
        let ip = match address {
            BindAddress::Loopback => Ipv4Addr::LOCALHOST,
            BindAddress::AllInterfaces => Ipv4Addr::UNSPECIFIED,
        };
        let server = tiny_http::Server::http((ip, port)).map_err(io::Error::other)?;
        let address = server.server_addr().to_ip().ok_or_else(|| io::Error::other("not an IP listener"))?;
        Ok(Listener { server: Arc::new(server), address, stopping: Arc::new(AtomicBool::new(false)) })
    }

    /// The address and port bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// A handle that stops [`run`](Self::run).
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle { server: Arc::clone(&self.server), stopping: Arc::clone(&self.stopping) }
    }

    /// Answers requests one at a time until stopped, writing the request
    /// log to `log`.
    pub fn run<R: CryptoRng + ?Sized>(
        &self,
        cognito: &mut LocalCognito,
        log: &mut dyn Write,
        rng: &mut R,
    ) -> io::Result<()> {
        loop {
            let request = match self.server.recv() {
                Ok(request) => request,
                Err(_) if self.stopping.load(Ordering::SeqCst) => return Ok(()),
                Err(error) => {
                    writeln!(log, "accept failed: {error}")?;
                    continue;
                }
            };
            serve_one(cognito, request, log, rng)?;
        }
    }
}

/// Reads, answers and logs one request. A client that hangs up is only logged.
fn serve_one<R: CryptoRng + ?Sized>(
    cognito: &mut LocalCognito,
    mut request: tiny_http::Request,
    log: &mut dyn Write,
    rng: &mut R,
) -> io::Result<()> {
    let header = |name: &'static str| {
        request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str().to_owned())
    };
    let (target, content_type, origin) = (header("X-Amz-Target"), header("Content-Type"), header("Origin"));
    let requested_headers = header("Access-Control-Request-Headers");
    let mut body = Vec::new();
    let too_large = request.body_length().is_some_and(|n| n > MAX_BODY_BYTES)
        || request.as_reader().take(MAX_BODY_BYTES as u64 + 1).read_to_end(&mut body).is_err()
        || body.len() > MAX_BODY_BYTES;
    let method = request.method().as_str().to_owned();
    let path = request.url().split('?').next().unwrap_or_default().to_owned();
    let (response, line) = if too_large {
        (HttpResponse::error(413, "SerializationException", "request body too large or unreadable"), None)
    } else {
        let parsed = HttpRequest {
            method: &method,
            path: &path,
            target: target.as_deref(),
            content_type: content_type.as_deref(),
            body: &body,
        };
        cognito.answer(&parsed, Timestamp::now(), rng)
    };
    if let Some(line) = line {
        writeln!(log, "{line}")?;
    }
    let wire = to_wire(response, origin.as_deref(), requested_headers.as_deref(), rng);
    if let Err(error) = request.respond(wire) {
        writeln!(log, "response not delivered: {error}")?;
    }
    Ok(())
}

/// The tiny_http response: status, JSON content type, request id, error
/// type and the CORS headers a browser needs.
fn to_wire<R: CryptoRng + ?Sized>(
    response: HttpResponse,
    origin: Option<&str>,
    requested_headers: Option<&str>,
    rng: &mut R,
) -> tiny_http::Response<io::Cursor<Vec<u8>>> {
    let mut id = [0u8; 16];
    rng.fill_bytes(&mut id);
    let request_id: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let allow_headers = requested_headers.map(log::clean).unwrap_or_else(|| {
        "content-type, x-amz-target, x-amz-user-agent, x-amz-date, x-amz-security-token, authorization, \
         amz-sdk-invocation-id, amz-sdk-request, cache-control"
            .to_owned()
    });
    let mut headers = vec![
        ("Content-Type", "application/x-amz-json-1.1".to_owned()),
        ("x-amzn-RequestId", request_id),
        ("Access-Control-Allow-Origin", origin.map_or_else(|| "*".to_owned(), log::clean)),
        ("Access-Control-Allow-Methods", "POST, GET, OPTIONS".to_owned()),
        ("Access-Control-Allow-Headers", allow_headers),
        ("Access-Control-Expose-Headers", "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date".to_owned()),
        ("Access-Control-Max-Age", "600".to_owned()),
        ("Vary", "Origin".to_owned()),
    ];
    if let Some(kind) = response.error_type {
        headers.push(("x-amzn-ErrorType", log::clean(&kind)));
    }
    if let Some(allow) = response.allow {
        headers.push(("Allow", allow.to_owned()));
    }
    let mut wire = tiny_http::Response::from_data(response.body).with_status_code(response.status);
    for (name, value) in headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            wire.add_header(header);
        }
    }
    wire
}

#[cfg(test)]
mod tests;
