//! The `cognito-srp` command line, run as a process: the offline commands,
//! the exit codes, and what is checked before anything is asked or sent.

#![cfg(feature = "cli")]

mod cli_support;

use cli_support::{cli, stderr, stdout};

#[test]
fn timestamp_secret_hash_and_device_verifier() {
    let output = cli(&["timestamp", "--unix", "1546322769"], "", &[]);
    assert_eq!(stdout(&output), "Tue Jan 1 06:06:09 UTC 2019\n");
    // The first case of vectors/secret_hash.json, the secret on standard input.
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../vectors/secret_hash.json")).expect("vector file");
    let case = &vectors["cases"][0];
    let field = |name: &str| case[name].as_str().expect("field").to_owned();
    let args = ["secret-hash", "--client-id", &field("client_id"), "--username", &field("username")];
    let output = cli(&args, &format!("{}\n", field("client_secret")), &[]);
    assert_eq!(stdout(&output), format!("{}\n", field("secret_hash")));
    let output =
        cli(&["device-verifier", "--device-key", "us-east-1_abc", "--device-group-key", "-khvS3rfgp"], "", &[]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(json["Device"]["DeviceGroupKey"], "-khvS3rfgp");
    assert!(json["DeviceSecretVerifierConfig"]["PasswordVerifier"].as_str().is_some_and(|v| v.len() > 500));
}

#[test]
fn secret_hash_takes_the_secret_from_the_environment_and_refuses_an_empty_one() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../vectors/secret_hash.json")).expect("vector file");
    let case = &vectors["cases"][1];
    let field = |name: &str| case[name].as_str().expect("field").to_owned();
    let base = ["secret-hash", "--client-id", &field("client_id"), "--username", &field("username")];
    let named = [&base[..], &["--client-secret-env", "MY_SECRET"]].concat();
    let output = cli(&named, "", &[("MY_SECRET", &field("client_secret"))]);
    assert_eq!(stdout(&output), format!("{}\n", field("secret_hash")), "{}", stderr(&output));
    // Without --client-secret-env, COGNITO_CLIENT_SECRET.
    let output = cli(&base, "", &[("COGNITO_CLIENT_SECRET", &field("client_secret"))]);
    assert_eq!(stdout(&output), format!("{}\n", field("secret_hash")), "{}", stderr(&output));
    // An empty secret, typed or in the environment, is bad input; a named variable must be set.
    let empty_line = cli(&base, "\n", &[]);
    assert_eq!(empty_line.status.code(), Some(2), "{}", stderr(&empty_line));
    assert!(stdout(&empty_line).is_empty());
    assert_eq!(cli(&named, "", &[("MY_SECRET", "")]).status.code(), Some(2));
    let unset = cli(&named, "", &[]);
    assert_eq!(unset.status.code(), Some(2));
    assert!(stderr(&unset).contains("MY_SECRET"), "{}", stderr(&unset));
    // No input at all: cancelled, and the prompt was shown on a line of its own.
    let ended = cli(&base, "", &[]);
    assert_eq!(ended.status.code(), Some(5), "{}", stderr(&ended));
    assert!(stderr(&ended).starts_with("Client secret:\n"), "{}", stderr(&ended));
}

#[test]
fn help_lists_the_exit_codes() {
    for args in [&["--help"][..], &["sign-in", "--help"], &["refresh", "--help"]] {
        let output = cli(args, "", &[]);
        assert_eq!(output.status.code(), Some(0));
        let help = stdout(&output);
        for line in [
            "0  success",
            "1  unexpected",
            "2  bad command-line input",
            "3  refused by Cognito",
            "4  network",
            "5  cancelled",
        ] {
            assert!(help.contains(line), "{args:?} --help lacks {line:?}:\n{help}");
        }
    }
    let help = stdout(&cli(&["sign-in", "--help"], "", &[]));
    for flag in [
        "--endpoint-url",
        "[alias: --endpoint]",
        "--region",
        "--timeout",
        "--auth-flow",
        "COGNITO_USER_POOL_ID",
        "COGNITO_CLIENT_ID",
        "COGNITO_CLIENT_SECRET",
    ] {
        assert!(help.contains(flag), "sign-in --help lacks {flag}");
    }
}

const SIGN_IN: [&str; 7] = ["sign-in", "--user-pool-id", "us-east-1_Abc", "--client-id", "c", "--username", "u"];

#[test]
fn bad_input_exits_2_before_anything_is_asked() {
    assert_eq!(cli(&["timestamp", "--unix", "soon"], "", &[]).status.code(), Some(2));
    assert_eq!(cli(&["no-such-command"], "", &[]).status.code(), Some(2));
    let bad_pool =
        cli(&["sign-in", "--user-pool-id", "nope", "--client-id", "c", "--username", "u", "--stdin"], "pw\n", &[]);
    assert_eq!(bad_pool.status.code(), Some(2), "{}", stderr(&bad_pool));
    for url in ["not a url", "ftp://127.0.0.1/", "127.0.0.1:9", "http://"] {
        let args = [&SIGN_IN[..], &["--endpoint-url", url, "--stdin"]].concat();
        let output = cli(&args, "pw\n", &[]);
        assert_eq!(output.status.code(), Some(2), "{url}: {}", stderr(&output));
        assert!(!stderr(&output).contains("Password"), "asked for the password first: {}", stderr(&output));
        assert!(stderr(&output).contains("--endpoint-url"), "{}", stderr(&output));
    }
    let args = [&SIGN_IN[..], &["--timeout", "0", "--stdin"]].concat();
    assert_eq!(cli(&args, "pw\n", &[]).status.code(), Some(2));
    let args = [&SIGN_IN[..], &["--client-secret-env", "NOT_SET_ANYWHERE", "--stdin"]].concat();
    assert_eq!(cli(&args, "pw\n", &[]).status.code(), Some(2));
}

#[test]
fn a_closed_port_exits_4_naming_the_url() {
    // Nothing listens on port 9 of loopback.
    let args = [&SIGN_IN[..], &["--endpoint", "http://127.0.0.1:9/", "--stdin"]].concat();
    let output = cli(&args, "pw\n", &[]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(stderr(&output).contains("http://127.0.0.1:9/"), "{}", stderr(&output));
    assert!(stderr(&output).contains("-> InitiateAuth (USER_SRP_AUTH)"), "{}", stderr(&output));
}

#[test]
fn the_end_of_input_at_the_password_prompt_exits_5() {
    let args = [&SIGN_IN[..], &["--endpoint-url", "http://127.0.0.1:9/", "--stdin"]].concat();
    let output = cli(&args, "", &[]);
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    assert!(stderr(&output).starts_with("Password:\n"), "{}", stderr(&output));
}
