//! The `cognito-srp` command line, run as a process: the offline commands,
//! exit codes, and `sign-in` over HTTP against the embedded server (served
//! here on loopback) and, when `.ci/run` has started it, ministack.

#![cfg(feature = "cli")]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use cognito_srp_auth::server::{PoolSettings, Service, totp};
use cognito_srp_auth::{Password, Timestamp};

fn cli(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cognito-srp"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("writes");
    child.wait_with_output().expect("exits")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn timestamp_secret_hash_and_device_verifier() {
    let output = cli(&["timestamp", "--unix", "1546322769"], "", &[]);
    assert_eq!(stdout(&output), "Tue Jan 1 06:06:09 UTC 2019\n");
    // The first case of vectors/secret_hash.json.
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../vectors/secret_hash.json")).expect("vector file");
    let case = &vectors["cases"][0];
    let field = |name: &str| case[name].as_str().expect("field").to_owned();
    let output = cli(
        &["secret-hash", "--client-id", &field("client_id"), "--username", &field("username")],
        &format!("{}\n", field("client_secret")),
        &[],
    );
    assert_eq!(stdout(&output), format!("{}\n", field("secret_hash")));
    let output =
        cli(&["device-verifier", "--device-key", "us-east-1_abc", "--device-group-key", "-khvS3rfgp"], "", &[]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(json["Device"]["DeviceGroupKey"], "-khvS3rfgp");
    assert!(json["DeviceSecretVerifierConfig"]["PasswordVerifier"].as_str().is_some_and(|v| v.len() > 500));
}

#[test]
fn exit_codes_tell_bad_input_from_failures() {
    assert_eq!(cli(&["timestamp", "--unix", "soon"], "", &[]).status.code(), Some(2));
    assert_eq!(cli(&["no-such-command"], "", &[]).status.code(), Some(2));
    let bad_pool =
        cli(&["sign-in", "--user-pool-id", "nope", "--client-id", "c", "--username", "u", "--stdin"], "pw\n", &[]);
    assert_eq!(bad_pool.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad_pool.stderr));
    // Nothing listens on port 9 of loopback: a network failure.
    let args = [
        "sign-in",
        "--user-pool-id",
        "us-east-1_Abc",
        "--client-id",
        "c",
        "--username",
        "u",
        "--endpoint",
        "http://127.0.0.1:9/",
        "--stdin",
    ];
    assert_eq!(cli(&args, "pw\n", &[]).status.code(), Some(4));
}

/// The embedded server behind a minimal HTTP/1.1 listener on loopback.
fn serve(service: Arc<Mutex<Service>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let address = listener.local_addr().expect("address");
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
            let (status, reply) =
                service.lock().expect("lock").handle(&target, &body, Timestamp::now(), &mut rand::rng());
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reply.len()
            );
            let mut stream = reader.into_inner();
            let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&reply));
        }
    });
    format!("http://{address}/")
}

#[test]
fn sign_in_with_totp_remembers_the_device_in_a_private_file() {
    let mut rng = rand::rng();
    let mut service = Service::new();
    let pool = service.create_user_pool("eu-west-1", PoolSettings::with_devices_and_optional_mfa(), &mut rng);
    let app = service.create_app_client(&pool, true, &mut rng);
    service
        .admin_create_user(&pool, "alice", HashMap::new(), &Password::from("Correct-Horse-1"), true, &mut rng)
        .expect("user");
    let secret = service.admin_set_software_token_mfa(&pool, "alice", &mut rng).expect("totp");
    let endpoint = serve(Arc::new(Mutex::new(service)));
    let client_secret = app.client_secret.expect("secret").expose_secret().to_owned();
    let dir = std::env::temp_dir().join(format!("cognito-srp-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let devices = dir.join("devices.json");
    let args = [
        "sign-in",
        "--user-pool-id",
        pool.as_str(),
        "--client-id",
        &app.client_id,
        "--username",
        "alice",
        "--client-secret-env",
        "APP_SECRET",
        "--endpoint",
        &endpoint,
        "--device-file",
        devices.to_str().expect("UTF-8"),
        "--stdin",
    ];
    let code = totp(&secret, Timestamp::now()).expect("Base32");
    let output = cli(&args, &format!("Correct-Horse-1\n{code}\n"), &[("APP_SECRET", &client_secret)]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let tokens: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("tokens as JSON");
    assert!(tokens["AccessToken"].as_str().is_some());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&devices).expect("written").permissions().mode() & 0o777, 0o600);
    }
    // Again: the remembered device replaces the code, so only the password is read.
    let output = cli(&args, "Correct-Horse-1\n", &[("APP_SECRET", &client_secret)]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("remembered device"));
    // A wrong password is a refusal.
    let output = cli(&args, "Wrong-Horse-1\n", &[("APP_SECRET", &client_secret)]);
    assert_eq!(output.status.code(), Some(3));
    let _ = std::fs::remove_dir_all(&dir);
}
