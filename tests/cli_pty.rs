//! `cognito-srp` on a real pseudo-terminal, as a person runs it: secrets
//! are asked with a prompt and not echoed, codes are echoed, MFA_SETUP
//! draws a QR code. Against the embedded server over loopback HTTP.
//! `cargo test --test cli_pty -- --nocapture` prints the transcripts.

#![cfg(all(feature = "cli", unix))]

mod cli_support;

use std::process::Command;

use cli_support::{Server, Setup, path_str, temp_dir};
use cognito_srp_auth::Timestamp;
use cognito_srp_auth::server::{MfaConfiguration, PoolSettings, totp};
use rexpect::process::WaitStatus;
use rexpect::session::PtySession;

/// The command on a new terminal with echo on, as a shell leaves it.
fn spawn(args: &[String], env: &[(&str, String)]) -> PtySession {
    let mut command = Command::new("sh");
    command.arg("-c").arg("stty echo && exec \"$0\" \"$@\"").arg(env!("CARGO_BIN_EXE_cognito-srp")).args(args);
    for name in ["COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET", "COGNITO_DEVICE_FILE"] {
        command.env_remove(name);
    }
    command.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    rexpect::session::spawn_command(command, Some(20_000)).expect("spawns on a pty")
}

/// Reads to the end; returns the rest of the transcript and the exit code.
fn finish(mut session: PtySession, transcript: &mut String) -> Option<i32> {
    transcript.push_str(&utf8(&session.exp_eof().expect("ends")));
    match session.process().wait().expect("waits") {
        WaitStatus::Exited(_, code) => Some(code),
        _ => None,
    }
}

/// Waits for `text`; keeps what came before it and the text in the transcript.
fn expect(session: &mut PtySession, transcript: &mut String, text: &str) {
    let before = session.exp_string(text).unwrap_or_else(|e| panic!("no {text:?} after:\n{transcript}\n({e})"));
    transcript.push_str(&utf8(&before));
    transcript.push_str(text);
}

/// The session's text as it was written: the pty reader makes a char of each byte.
fn utf8(bytes_as_chars: &str) -> String {
    let bytes: Vec<u8> = bytes_as_chars.chars().map(|c| u8::try_from(c).unwrap_or(b'?')).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn mfa_setup_on_a_terminal_then_the_remembered_device() {
    let mut setup =
        Setup::new(PoolSettings::with_devices_and_optional_mfa().with_mfa(MfaConfiguration::Required), true);
    setup.user("alice", Some("alice@example.com"), "Correct-Horse-1", true);
    let server = Server::start(std::mem::take(&mut setup.service));
    let dir = temp_dir("pty");
    let devices = dir.join("devices.json");
    let mut args: Vec<String> = vec!["sign-in".into()];
    args.extend(setup.flags());
    args.extend(
        ["--username", "alice", "--endpoint-url", &server.url, "--device-file", path_str(&devices)].map(String::from),
    );

    let mut first = String::new();
    let mut session = spawn(&args, &setup.env());
    expect(&mut session, &mut first, "Password: ");
    session.send_line("Correct-Horse-1").expect("types");
    expect(&mut session, &mut first, "Choice [1-2]: ");
    session.send_line("1").expect("types");
    expect(&mut session, &mut first, "otpauth://totp/");
    let (before, matched) = session.exp_regex("secret=[A-Z2-7]+").expect("the secret");
    first.push_str(&utf8(&before));
    first.push_str(&matched);
    let secret = matched.trim_start_matches("secret=").to_owned();
    expect(&mut session, &mut first, "code from the authenticator app you just set up: ");
    let code = totp(&secret, Timestamp::now()).expect("Base32");
    session.send_line(&code).expect("types");
    let status = finish(session, &mut first);
    println!("--- first sign-in ---\n{first}");
    assert_eq!(status, Some(0), "{first}");
    assert!(!first.contains("Correct-Horse-1"), "the password was echoed:\n{first}");
    assert!(first.contains(&format!(": {code}")), "the code was not echoed:\n{first}");
    let qr_rows = first
        .lines()
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| line.chars().count() >= 37 && line.chars().all(|c| " \u{2580}\u{2584}\u{2588}".contains(c)))
        .count();
    assert!(qr_rows >= 18, "no QR code drawn:\n{first}");
    assert!(first.contains("\"NewDeviceMetadata\""), "{first}");
    assert!(first.contains("remembered in the device file"), "{first}");

    let mut second = String::new();
    let mut session = spawn(&args, &setup.env());
    expect(&mut session, &mut second, "Password: ");
    session.send_line("Correct-Horse-1").expect("types");
    let status = finish(session, &mut second);
    println!("--- second sign-in ---\n{second}");
    assert_eq!(status, Some(0), "{second}");
    assert!(second.contains("signing in as the remembered device"), "{second}");
    assert!(second.contains("-> RespondToAuthChallenge (DEVICE_SRP_AUTH)"), "{second}");
    assert!(!second.contains("SOFTWARE_TOKEN_MFA"), "{second}");
    assert!(second.contains("\"AccessToken\""), "{second}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn secret_hash_on_a_terminal_prompts_and_does_not_echo() {
    let args: Vec<String> = ["secret-hash", "--client-id", "client", "--username", "alice"].map(String::from).into();
    let mut transcript = String::new();
    let mut session = spawn(&args, &[]);
    expect(&mut session, &mut transcript, "Client secret: ");
    session.send_line("a-client-secret-to-hide").expect("types");
    let status = finish(session, &mut transcript);
    assert_eq!(status, Some(0), "{transcript}");
    assert!(!transcript.contains("a-client-secret-to-hide"), "echoed:\n{transcript}");
    let expected = cognito_srp_auth::SecretHash::new(&"a-client-secret-to-hide".into(), "alice", "client");
    assert!(transcript.contains(expected.as_str()), "{transcript}");
}

#[test]
fn ctrl_d_at_the_password_prompt_cancels_with_exit_5() {
    let args: Vec<String> = [
        "sign-in",
        "--user-pool-id",
        "eu-west-1_AbC",
        "--client-id",
        "c",
        "--username",
        "u",
        "--endpoint-url",
        "http://127.0.0.1:9/",
    ]
    .map(String::from)
    .into();
    let mut transcript = String::new();
    let mut session = spawn(&args, &[]);
    expect(&mut session, &mut transcript, "Password: ");
    session.send_control('d').expect("Ctrl-D");
    let status = finish(session, &mut transcript);
    assert_eq!(status, Some(5), "{transcript}");
    assert!(transcript.contains("cancelled: the input ended at the prompt \"Password:\""), "{transcript}");
}
