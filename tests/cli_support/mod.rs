//! What the command-line suites share: the binary run as a process, and
//! the embedded server behind a minimal HTTP/1.1 listener on loopback that
//! records the operations it was sent and can tamper with its answers.

#![allow(dead_code)] // Each suite uses a part.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cognito_srp_auth::server::{PoolSettings, Service};
use cognito_srp_auth::{Password, Timestamp, UserPoolId};
use std::sync::atomic::{AtomicI64, Ordering};

/// Environment variables the command reads as fallbacks: never inherited.
const FALLBACKS: &[&str] =
    &["COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET", "COGNITO_DEVICE_FILE"];

/// The command, with a clean environment of fallbacks.
pub fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cognito-srp"));
    for name in FALLBACKS {
        command.env_remove(name);
    }
    command.args(args).envs(env.iter().copied());
    command
}

/// Runs the command with `stdin` as its standard input.
pub fn cli(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child =
        command(args, env).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("runs");
    // The command may stop before reading everything: a broken pipe is no failure here.
    let _ = child.stdin.take().expect("stdin").write_all(stdin.as_bytes());
    child.wait_with_output().expect("exits")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The JSON on standard output, after checking the exit code.
pub fn json_of(output: &Output) -> serde_json::Value {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    serde_json::from_str(&stdout(output)).expect("JSON on standard output")
}

/// Rewrites an answer of the server: (target, status, body) in, (status, body) out.
pub type Tamper = Box<dyn Fn(&str, u16, Vec<u8>) -> (u16, Vec<u8>) + Send>;

/// The embedded server on loopback.
/// The real time plus `seconds`.
fn later(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(Timestamp::now().unix_seconds() + seconds).expect("a time in range")
}

pub struct Server {
    pub url: String,
    pub service: Arc<Mutex<Service>>,
    /// The operations received, in order (`InitiateAuth`, `ConfirmDevice`, ...), with their bodies.
    pub operations: Arc<Mutex<Vec<(String, serde_json::Value)>>>,
    /// Seconds the server's clock runs ahead of the real one: each TOTP code
    /// is taken once per 30-second step, so a test that signs in with a code
    /// again moves the server on to the next step ([`Server::next_totp_step`]).
    ahead: Arc<AtomicI64>,
}

impl Server {
    pub fn start(service: Service) -> Self {
        Self::tampered(service, Box::new(|_, status, body| (status, body)))
    }

    pub fn tampered(service: Service, tamper: Tamper) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
        let address = listener.local_addr().expect("address");
        let service = Arc::new(Mutex::new(service));
        let operations = Arc::new(Mutex::new(Vec::new()));
        let (shared, seen) = (service.clone(), operations.clone());
        let ahead = Arc::new(AtomicI64::new(0));
        let clock = ahead.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let (mut target, mut length) = (String::new(), 0usize);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(value) = lower.strip_prefix("x-amz-target:") {
                        target = line[line.len() - value.len()..].trim().to_owned();
                    } else if let Some(value) = lower.strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let operation = target.rsplit('.').next().unwrap_or_default().to_owned();
                let request = serde_json::from_slice(&body).unwrap_or_default();
                seen.lock().expect("lock").push((operation.clone(), request));
                let (status, reply) = shared.lock().expect("lock").handle(
                    &target,
                    &body,
                    later(clock.load(Ordering::SeqCst)),
                    &mut rand::rng(),
                );
                let (status, reply) = tamper(&operation, status, reply);
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    reply.len()
                );
                let mut stream = reader.into_inner();
                let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&reply));
            }
        });
        Server { url: format!("http://{address}/"), service, operations, ahead }
    }

    /// Moves the server's clock on to the next TOTP step and returns the
    /// time there, for the code to type.
    pub fn next_totp_step(&self) -> Timestamp {
        later(self.ahead.fetch_add(30, Ordering::SeqCst) + 30)
    }

    pub fn operations(&self) -> Vec<String> {
        self.operations.lock().expect("lock").iter().map(|(name, _)| name.clone()).collect()
    }

    /// The bodies of the requests of one operation.
    pub fn requests(&self, operation: &str) -> Vec<serde_json::Value> {
        let seen = self.operations.lock().expect("lock");
        seen.iter().filter(|(name, _)| name == operation).map(|(_, body)| body.clone()).collect()
    }

    pub fn clear_operations(&self) {
        self.operations.lock().expect("lock").clear();
    }
}

/// A pool, an app client and a user on a fresh service.
pub struct Setup {
    pub service: Service,
    pub pool: UserPoolId,
    pub client_id: String,
    pub client_secret: Option<String>,
}

impl Setup {
    pub fn new(settings: PoolSettings, with_secret: bool) -> Self {
        let mut rng = rand::rng();
        let mut service = Service::new();
        let pool = service.create_user_pool("eu-west-1", settings, &mut rng);
        let app = service.create_app_client(&pool, with_secret, &mut rng);
        let client_secret = app.client_secret.map(|s| s.expose_secret().to_owned());
        Setup { service, pool, client_id: app.client_id, client_secret }
    }

    pub fn user(&mut self, username: &str, email: Option<&str>, password: &str, permanent: bool) {
        let attributes: HashMap<String, String> =
            email.map(|e| ("email".to_owned(), e.to_owned())).into_iter().collect();
        self.service
            .admin_create_user(&self.pool, username, attributes, &Password::from(password), permanent, &mut rand::rng())
            .expect("user");
    }

    /// The flags naming this pool and client.
    pub fn flags(&self) -> Vec<String> {
        let mut flags =
            vec!["--user-pool-id".into(), self.pool.as_str().into(), "--client-id".into(), self.client_id.clone()];
        if self.client_secret.is_some() {
            flags.extend(["--client-secret-env".into(), "APP_SECRET".into()]);
        }
        flags
    }

    /// The environment the flags need.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        self.client_secret.iter().map(|s| ("APP_SECRET", s.clone())).collect()
    }
}

/// A fresh directory for device files.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cognito-srp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The command run with piped standard input and error, answered as it asks.
pub struct Dialogue {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// Every line of standard error so far.
    pub transcript: Vec<String>,
}

impl Dialogue {
    pub fn spawn(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = command(args, env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        let stdin = child.stdin.take();
        let stderr = child.stderr.take().expect("stderr");
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Dialogue { child, stdin, lines, transcript: Vec::new() }
    }

    /// Waits (10 s at most) for a line of standard error containing `text`; returns it.
    pub fn expect(&mut self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.transcript.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    panic!("no line with {text:?}; standard error was:\n{}", self.transcript.join("\n"))
                }
            }
        }
    }

    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(format!("{line}\n").as_bytes()).expect("writes");
        stdin.flush().expect("flushes");
    }

    /// Closes standard input, waits for the exit, and returns the output
    /// (standard error: the rest of the transcript).
    pub fn finish(mut self) -> Output {
        self.stdin = None;
        let mut output = self.child.wait_with_output().expect("exits");
        self.transcript.extend(self.lines.iter());
        output.stderr = self.transcript.join("\n").into_bytes();
        output
    }
}
