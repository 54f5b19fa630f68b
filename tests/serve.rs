//! `cognito-srp serve` as a process: started on a free loopback port, driven
//! over HTTP/1.1 like any client would, stopped by its PID with a signal.

#![cfg(feature = "serve")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cognito_srp_auth::flow::ServiceError;
use cognito_srp_auth::flow::{self, Answer, AppClient, Interaction, Prompt, SignIn};
use cognito_srp_auth::http::HttpTransport;
use cognito_srp_auth::{Cancelled, Error, Password, Timestamp, UserPoolId};
use serde_json::{Value, json};

const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/config.json");
const POOL: &str = "us-east-1_Test123";
const PUBLIC: &str = "testpublicclient0000000001";
const PASSWORD: &str = "Alice-Passw0rd!";

/// A running `cognito-srp serve`: its process, port, and the stderr it wrote.
struct Served {
    child: Child,
    port: u16,
    stderr: Option<JoinHandle<String>>,
}

impl Served {
    fn start(config: &str) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cognito-srp"))
            .args(["serve", "--config", config, "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cognito-srp starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("piped")).read_line(&mut first).expect("a first line");
        let mut stderr = child.stderr.take().expect("piped");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let port = first
            .trim_end()
            .strip_prefix("listening on http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("first line names a loopback port: {first:?}"));
        Served { child, port, stderr: Some(stderr) }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Sends `signal` to the process by its PID and waits (5 s at most) for it to exit.
    fn stop(&mut self, signal: &str) -> (std::process::ExitStatus, String) {
        let status = Command::new("kill").args([signal, &self.child.id().to_string()]).status().expect("kill runs");
        assert!(status.success(), "kill {signal} delivered");
        let deadline = Instant::now() + Duration::from_secs(5);
        let exit = loop {
            if let Some(exit) = self.child.try_wait().expect("wait") {
                break exit;
            }
            assert!(Instant::now() < deadline, "the server stops within 5 s of {signal}");
            std::thread::sleep(Duration::from_millis(20));
        };
        (exit, self.stderr.take().expect("once").join().expect("stderr reader"))
    }

    /// One HTTP/1.1 request; returns the status, the headers (names in
    /// lower case) and the body.
    fn request(&self, method: &str, headers: &[(&str, &str)], body: &str) -> (u16, Vec<(String, String)>, String) {
        self.request_to(method, "/", headers, body)
    }

    fn request_to(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, Vec<(String, String)>, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes())).expect("sent");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("a response");
        let (head, body) = response.split_once("\r\n\r\n").expect("a head and a body");
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("a status");
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        (status, headers, body.to_owned())
    }

    /// A Cognito operation with the JSON content type.
    fn call(&self, operation: &str, body: &Value) -> (u16, Vec<(String, String)>, Value) {
        let target = format!("AWSCognitoIdentityProviderService.{operation}");
        let headers = [("X-Amz-Target", target.as_str()), ("Content-Type", "application/x-amz-json-1.1")];
        let (status, headers, body) = self.request("POST", &headers, &body.to_string());
        (status, headers, serde_json::from_str(&body).expect("a JSON body"))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Answers nothing and keeps no device: the sign-ins here need neither.
struct NoOne;

impl Interaction for NoOne {
    async fn answer(&mut self, _prompt: &Prompt, _refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
        Err(Cancelled::new("no prompt expected"))
    }
}

/// A whole USER_SRP_AUTH sign-in by this crate's client over HTTP.
fn sign_in_alice(served: &Served) -> Result<flow::SignedIn, Error> {
    let client = AppClient::new(UserPoolId::parse(POOL).expect("valid"), PUBLIC);
    let sign_in = SignIn::user_srp(client, "alice", Password::from(PASSWORD))?;
    let transport = HttpTransport::with_endpoint(served.endpoint());
    flow::drive(sign_in, |r| transport.send(r), &mut NoOne, Timestamp::now)
}

#[test]
fn the_first_line_names_the_port_and_sigterm_stops_the_server_cleanly() {
    let mut served = Served::start(CONFIG);
    let (status, _, _) = served.call("GetUser", &json!({"AccessToken": "not-a-token"}));
    assert_eq!(status, 400, "the server answers before it is stopped");
    let (exit, stderr) = served.stop("-TERM");
    assert!(exit.success(), "a clean exit, not a signal death: {exit:?}");
    assert!(stderr.lines().any(|l| l == "stopped"), "{stderr}");
}

#[test]
fn sigint_stops_the_server_cleanly_too() {
    let mut served = Served::start(CONFIG);
    let (exit, _) = served.stop("-INT");
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn this_crate_signs_in_over_http_and_the_access_token_works_for_get_user() {
    let served = Served::start(CONFIG);
    let signed_in = sign_in_alice(&served).expect("signed in");
    assert_eq!(signed_in.username(), "alice");
    let access = signed_in.tokens().access_token().expose_secret().to_owned();
    let (status, _, user) = served.call("GetUser", &json!({"AccessToken": access}));
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["Username"], "alice");
    let email = json!({"Name": "email", "Value": "alice@example.com"});
    assert!(user["UserAttributes"].as_array().expect("attributes").contains(&email), "{user}");
}

#[test]
fn errors_have_cognitos_shape_in_the_body_and_the_error_type_header() {
    let served = Served::start(CONFIG);
    let body = json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": "no-such-client", "AuthParameters": {}});
    let (status, headers, error) = served.call("InitiateAuth", &body);
    assert_eq!(status, 400);
    assert_eq!(error["__type"], "ResourceNotFoundException");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
    assert_eq!(header(&headers, "x-amzn-errortype"), Some("ResourceNotFoundException"));
    assert_eq!(header(&headers, "content-type"), Some("application/x-amz-json-1.1"));

    let (status, headers, _) = served.call("NoSuchOperation", &json!({}));
    assert_eq!((status, header(&headers, "x-amzn-errortype")), (400, Some("UnknownOperationException")));

    let target = [("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"), ("Content-Type", "text/plain")];
    let (status, _, body) = served.request("POST", &target, "{}");
    assert_eq!(status, 400);
    assert!(body.contains("SerializationException"), "{body}");

    let (status, headers, _) = served.request("GET", &[], "");
    assert_eq!((status, header(&headers, "allow")), (405, Some("POST, OPTIONS")));
}

#[test]
fn a_browser_preflight_is_answered_with_cors_headers() {
    let served = Served::start(CONFIG);
    let preflight = [
        ("Origin", "http://localhost:5173"),
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-user-agent"),
    ];
    let (status, headers, body) = served.request("OPTIONS", &preflight, "");
    assert_eq!(status, 204);
    assert!(body.is_empty());
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("http://localhost:5173"));
    assert_eq!(header(&headers, "access-control-allow-headers"), Some("content-type,x-amz-target,x-amz-user-agent"));
    assert!(header(&headers, "access-control-allow-methods").is_some_and(|m| m.contains("POST")));
    // The actual request carries the origin too, and exposes the error type to the page.
    let (_, headers, _) = served.request(
        "POST",
        &[("Origin", "http://localhost:5173"), ("X-Amz-Target", "AWSCognitoIdentityProviderService.GetUser")],
        "{}",
    );
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("http://localhost:5173"));
    assert!(header(&headers, "access-control-expose-headers").is_some_and(|h| h.contains("x-amzn-ErrorType")));
}

#[test]
fn an_email_code_is_read_from_the_outbox_and_signs_in() {
    let served = Served::start(CONFIG);
    let start = json!({"AuthFlow": "USER_AUTH", "ClientId": PUBLIC,
        "AuthParameters": {"USERNAME": "alice", "PREFERRED_CHALLENGE": "EMAIL_OTP"}});
    let (status, _, challenge) = served.call("InitiateAuth", &start);
    assert_eq!((status, challenge["ChallengeName"].as_str()), (200, Some("EMAIL_OTP")), "{challenge}");
    let (status, _, outbox) = served.request_to("GET", "/_local/outbox", &[], "");
    assert_eq!(status, 200);
    let outbox: Value = serde_json::from_str(&outbox).expect("JSON");
    let message = &outbox["Messages"][0];
    assert_eq!(
        (message["Medium"].as_str(), message["Destination"].as_str()),
        (Some("EMAIL"), Some("alice@example.com"))
    );
    let code = message["Code"].as_str().expect("a code");
    let answer = json!({"ClientId": PUBLIC, "ChallengeName": "EMAIL_OTP", "Session": challenge["Session"],
        "ChallengeResponses": {"USERNAME": "alice", "EMAIL_OTP_CODE": code}});
    let (status, _, tokens) = served.call("RespondToAuthChallenge", &answer);
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["AuthenticationResult"]["AccessToken"].is_string());
}

#[test]
fn the_request_log_says_what_happened_and_never_shows_a_secret() {
    let mut served = Served::start(CONFIG);
    let signed_in = sign_in_alice(&served).expect("signed in");
    let access = signed_in.tokens().access_token().expose_secret().to_owned();
    let wrong = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PUBLIC,
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Wrong-Passw0rd-In-Clear"}});
    let (status, _, _) = served.call("InitiateAuth", &wrong);
    assert_eq!(status, 400);
    let (_, stderr) = served.stop("-TERM");
    assert!(
        stderr.contains("InitiateAuth flow=USER_SRP_AUTH client=public user=alice outcome=challenge:PASSWORD_VERIFIER"),
        "{stderr}"
    );
    assert!(
        stderr.contains("RespondToAuthChallenge challenge=PASSWORD_VERIFIER client=public user=alice outcome=tokens")
    );
    assert!(stderr.contains(
        "InitiateAuth flow=USER_PASSWORD_AUTH client=public user=alice outcome=refused \
         reason=\"NotAuthorizedException: Incorrect username or password.\""
    ));
    for secret in [PASSWORD, "Wrong-Passw0rd-In-Clear", &access] {
        assert!(!stderr.contains(secret), "the log shows a secret");
    }
    let refresh = signed_in.tokens().refresh_token().expect("a refresh token").expose_secret().to_owned();
    assert!(!stderr.contains(&refresh[..20]), "the log shows a refresh token");
}

#[test]
fn a_config_with_an_unknown_member_is_refused_as_bad_input() {
    let dir = std::env::temp_dir().join(format!("cognito-srp-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("typo.json");
    std::fs::write(&path, r#"{"pool_id": "us-east-1_Typo1", "device_traking": true}"#).expect("written");
    let output = Command::new(env!("CARGO_BIN_EXE_cognito-srp"))
        .args(["serve", "--config", path.to_str().expect("utf-8"), "--port", "0"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "bad input");
    assert!(output.stdout.is_empty(), "nothing listened");
    assert!(String::from_utf8_lossy(&output.stderr).contains("config"));
    let missing = Command::new(env!("CARGO_BIN_EXE_cognito-srp"))
        .args(["serve", "--config", dir.join("absent.json").to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
