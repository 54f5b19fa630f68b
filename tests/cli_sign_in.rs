//! `cognito-srp sign-in` and `refresh` against the embedded server on
//! loopback HTTP, every prompt answered through standard input.

#![cfg(feature = "cli")]

mod cli_support;

use cli_support::{Dialogue, Server, Setup, cli, json_of, path_str, stderr, temp_dir};
use cognito_srp_auth::Timestamp;
use cognito_srp_auth::server::{MfaConfiguration, PoolSettings, totp};

fn args<'a>(setup: &'a Setup, server: &'a Server, username: &'a str, more: &[&'a str]) -> Vec<String> {
    let mut args: Vec<String> = vec!["sign-in".into()];
    args.extend(setup.flags());
    args.extend(["--username".into(), username.into(), "--endpoint-url".into(), server.url.clone(), "--stdin".into()]);
    args.extend(more.iter().map(|s| (*s).to_owned()));
    args
}

/// The argument and environment slices `cli` and `Dialogue` take.
fn with_argv<T>(args: &[String], setup: &Setup, run: impl FnOnce(&[&str], &[(&str, &str)]) -> T) -> T {
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = setup.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    run(&argv, &env)
}

fn run(args: &[String], stdin: &str, setup: &Setup) -> std::process::Output {
    with_argv(args, setup, |argv, env| cli(argv, stdin, env))
}

#[test]
fn sign_in_prints_the_authentication_result_and_says_each_step_on_its_own_line() {
    let mut setup = Setup::new(PoolSettings::default(), true);
    setup.user("alice", None, "Correct-Horse-1", true);
    let (pool, client) = (setup.pool.clone(), setup.client_id.clone());
    let server = Server::start(std::mem::take(&mut setup.service));
    let output = run(&args(&setup, &server, "alice", &[]), "Correct-Horse-1\n", &setup);
    let json = json_of(&output);
    let result = &json["AuthenticationResult"];
    for name in ["AccessToken", "IdToken", "RefreshToken", "TokenType"] {
        assert!(result[name].as_str().is_some_and(|t| !t.is_empty()), "{name} in {json}");
    }
    assert!(result["ExpiresIn"].as_i64().is_some());
    assert!(result.get("NewDeviceMetadata").is_none(), "no device tracking on this pool");
    let claims = server.service.lock().unwrap().verify_token(result["AccessToken"].as_str().unwrap(), Timestamp::now());
    assert_eq!(claims.expect("a token of this pool")["client_id"], client.as_str());
    let lines: Vec<String> = stderr(&output).lines().map(str::to_owned).collect();
    assert_eq!(lines[0], "Password:");
    assert_eq!(lines[1], "-> InitiateAuth (USER_SRP_AUTH)");
    assert_eq!(lines[2], "-> RespondToAuthChallenge (PASSWORD_VERIFIER)");
    assert!(lines.contains(&"signed in as alice".to_owned()), "{lines:?}");
    let _ = pool;
}

#[test]
fn a_wrong_password_exits_3_and_every_auth_flow_signs_in() {
    let mut setup = Setup::new(PoolSettings::default(), false);
    setup.user("bob", None, "Correct-Horse-1", true);
    let server = Server::start(std::mem::take(&mut setup.service));
    let output = run(&args(&setup, &server, "bob", &[]), "Wrong-Horse-1\n", &setup);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("NotAuthorizedException"), "{}", stderr(&output));
    for flow in ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"] {
        let output = run(&args(&setup, &server, "bob", &["--auth-flow", flow]), "Correct-Horse-1\n", &setup);
        assert!(json_of(&output)["AuthenticationResult"]["AccessToken"].is_string());
        assert!(stderr(&output).contains(&format!("-> InitiateAuth ({flow})")), "{}", stderr(&output));
    }
    // USER_AUTH without a preference: SELECT_CHALLENGE as a numbered choice.
    let output = run(&args(&setup, &server, "bob", &["--auth-flow", "USER_AUTH"]), "1\nCorrect-Horse-1\n", &setup);
    let text = stderr(&output);
    assert!(text.contains("SELECT_CHALLENGE: choose how to sign in"), "{text}");
    assert!(text.contains("1) PASSWORD_SRP"), "{text}");
    assert!(json_of(&output)["AuthenticationResult"]["AccessToken"].is_string(), "{text}");
}

#[test]
fn a_server_sending_srp_b_equal_to_n_exits_1() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../vectors/invalid_inputs.json")).expect("vector file");
    let n = vectors["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["name"] == "inv-p-01-srp_b-equals-N"))
        .and_then(|c| c["inputs"]["srp_b"].as_str())
        .expect("the SRP_B = N case")
        .to_owned();
    let mut setup = Setup::new(PoolSettings::default(), false);
    setup.user("carol", None, "Correct-Horse-1", true);
    let tamper = move |operation: &str, status: u16, body: Vec<u8>| {
        let mut json: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        if operation == "InitiateAuth" {
            json["ChallengeParameters"]["SRP_B"] = n.clone().into();
        }
        (status, json.to_string().into_bytes())
    };
    let server = Server::tampered(std::mem::take(&mut setup.service), Box::new(tamper));
    let output = run(&args(&setup, &server, "carol", &[]), "Correct-Horse-1\n", &setup);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("SRP_B is zero modulo N"), "{}", stderr(&output));
    assert!(!server.operations().contains(&"RespondToAuthChallenge".to_owned()));
}

#[test]
fn http_500_without_a_cognito_body_exits_1_with_its_status() {
    let mut setup = Setup::new(PoolSettings::default(), false);
    setup.user("dave", None, "Correct-Horse-1", true);
    let tamper = |_: &str, _: u16, _: Vec<u8>| (500, b"<html>Internal Server Error</html>".to_vec());
    let server = Server::tampered(std::mem::take(&mut setup.service), Box::new(tamper));
    let output = run(&args(&setup, &server, "dave", &[]), "Correct-Horse-1\n", &setup);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("HTTP 500"), "{}", stderr(&output));
    assert!(stderr(&output).contains(&server.url), "{}", stderr(&output));
}

/// A TOTP user on a pool with optional MFA and devices.
fn totp_setup(username: &str) -> (Setup, String) {
    let mut setup = Setup::new(PoolSettings::with_devices_and_optional_mfa(), true);
    setup.user(username, Some(&format!("{username}@example.com")), "Correct-Horse-1", true);
    let pool = setup.pool.clone();
    let secret = setup.service.admin_set_software_token_mfa(&pool, username, &mut rand::rng()).expect("totp");
    (setup, secret)
}

#[test]
fn a_refused_code_is_said_and_asked_again() {
    let (mut setup, secret) = totp_setup("erin");
    let server = Server::start(std::mem::take(&mut setup.service));
    let code = totp(&secret, Timestamp::now()).expect("Base32");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let output = run(&args(&setup, &server, "erin", &[]), &format!("Correct-Horse-1\n{wrong}\n{code}\n"), &setup);
    let text = stderr(&output);
    assert!(json_of(&output)["AuthenticationResult"]["AccessToken"].is_string(), "{text}");
    assert!(text.contains("Cognito refused that answer (CodeMismatchException"), "{text}");
    assert_eq!(text.matches("SOFTWARE_TOKEN_MFA: code from your authenticator app:").count(), 2, "{text}");
    assert!(text.contains("-> RespondToAuthChallenge (SOFTWARE_TOKEN_MFA)"), "{text}");
}

#[test]
fn the_end_of_input_at_a_code_prompt_exits_5() {
    let (mut setup, _) = totp_setup("frank");
    let server = Server::start(std::mem::take(&mut setup.service));
    let output = run(&args(&setup, &server, "frank", &[]), "Correct-Horse-1\n", &setup);
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    assert!(stderr(&output).contains("SOFTWARE_TOKEN_MFA"), "{}", stderr(&output));
}

#[test]
fn select_mfa_type_is_a_numbered_choice() {
    let (mut setup, secret) = totp_setup("grace");
    let pool = setup.pool.clone();
    setup.service.admin_set_user_mfa_preference(&pool, "grace", false, true).expect("user");
    let server = Server::start(std::mem::take(&mut setup.service));
    let code = totp(&secret, Timestamp::now()).expect("Base32");
    // "3" is out of range and asked again; 1 is the authenticator.
    let output = run(&args(&setup, &server, "grace", &[]), &format!("Correct-Horse-1\n3\n1\n{code}\n"), &setup);
    let text = stderr(&output);
    assert!(json_of(&output)["AuthenticationResult"]["AccessToken"].is_string(), "{text}");
    assert!(text.contains("SELECT_MFA_TYPE: choose the second factor"), "{text}");
    assert!(text.contains("  1) SOFTWARE_TOKEN_MFA: a code from an authenticator app"), "{text}");
    assert!(text.contains("  2) EMAIL_OTP: a code by email"), "{text}");
    assert!(text.contains("\"3\" is not a number from 1 to 2"), "{text}");
    assert!(text.contains("-> RespondToAuthChallenge (SELECT_MFA_TYPE)"), "{text}");
}

#[test]
fn new_password_required_asks_twice_and_for_the_required_attributes() {
    let mut setup = Setup::new(PoolSettings::default().with_required_attributes(&["name", "family_name"]), false);
    setup.user("heidi", None, "Temporary-1", false);
    let server = Server::start(std::mem::take(&mut setup.service));
    // The first pair differs and is asked again; `name` comes from the flag, family_name is asked.
    let input = "Temporary-1\nNew-Horse-12\nNew-Horse-13\nNew-Horse-12\nNew-Horse-12\nLovelace\n";
    let output = run(&args(&setup, &server, "heidi", &["--attribute", "name=Ada"]), input, &setup);
    let text = stderr(&output);
    let json = json_of(&output);
    assert!(text.contains("NEW_PASSWORD_REQUIRED"), "{text}");
    assert!(text.contains("The two passwords differ"), "{text}");
    assert!(text.contains("value for the required attribute family_name"), "{text}");
    assert!(!text.contains("required attribute name:"), "asked for a value given with --attribute: {text}");
    assert!(json["AuthenticationResult"]["IdToken"].is_string());
    let answer = server
        .requests("RespondToAuthChallenge")
        .into_iter()
        .find(|body| body["ChallengeName"] == "NEW_PASSWORD_REQUIRED")
        .expect("NEW_PASSWORD_REQUIRED answered");
    let responses = &answer["ChallengeResponses"];
    assert_eq!(responses["userAttributes.name"], "Ada", "{answer}");
    assert_eq!(responses["userAttributes.family_name"], "Lovelace", "{answer}");
    assert_eq!(responses["NEW_PASSWORD"], "New-Horse-12");
    // The new password is the password now.
    let output = run(&args(&setup, &server, "heidi", &[]), "New-Horse-12\n", &setup);
    assert!(json_of(&output)["AuthenticationResult"]["AccessToken"].is_string());
}

#[test]
fn mfa_setup_shows_the_uri_and_a_qr_code_then_the_device_is_remembered() {
    let mut setup =
        Setup::new(PoolSettings::with_devices_and_optional_mfa().with_mfa(MfaConfiguration::Required), true);
    setup.user("ivan", Some("ivan@example.com"), "Correct-Horse-1", true);
    let server = Server::start(std::mem::take(&mut setup.service));
    let dir = temp_dir("mfa-setup");
    let devices = dir.join("devices.json");
    let argv = args(&setup, &server, "ivan", &["--device-file", path_str(&devices)]);
    let mut dialogue = with_argv(&argv, &setup, Dialogue::spawn);
    dialogue.expect("Password:");
    dialogue.send_line("Correct-Horse-1");
    dialogue.expect("MFA_SETUP: the pool requires a second factor; set up");
    dialogue.expect("SOFTWARE_TOKEN_MFA: an authenticator app");
    dialogue.send_line("1");
    dialogue.expect("-> AssociateSoftwareToken");
    let uri = dialogue.expect("otpauth://totp/");
    let secret = uri.split("secret=").nth(1).and_then(|s| s.split('&').next()).expect("secret=").to_owned();
    assert!(uri.starts_with(&format!("otpauth://totp/{}:ivan?secret=", setup.pool.as_str())), "{uri}");
    dialogue.expect("code from the authenticator app you just set up");
    dialogue.send_line(&totp(&secret, Timestamp::now()).expect("Base32"));
    let output = dialogue.finish();
    let text = stderr(&output);
    let json = json_of(&output);
    let qr_rows = text
        .lines()
        .filter(|l| l.chars().count() >= 37 && l.chars().all(|c| " \u{2580}\u{2584}\u{2588}".contains(c)))
        .count();
    assert!(qr_rows >= 18, "no QR code drawn:\n{text}");
    assert!(text.contains("-> VerifySoftwareToken"), "{text}");
    let metadata = &json["AuthenticationResult"]["NewDeviceMetadata"];
    assert!(metadata["DeviceKey"].is_string() && metadata["DeviceGroupKey"].is_string(), "{json}");
    assert!(server.operations().contains(&"ConfirmDevice".to_owned()));
    // The second sign-in is as the remembered device: no code asked.
    server.clear_operations();
    let output = run(&argv, "Correct-Horse-1\n", &setup);
    let text = stderr(&output);
    assert!(json_of(&output)["AuthenticationResult"]["AccessToken"].is_string(), "{text}");
    assert!(text.contains("signing in as the remembered device"), "{text}");
    assert!(text.contains("-> RespondToAuthChallenge (DEVICE_SRP_AUTH)"), "{text}");
    assert!(!text.contains("SOFTWARE_TOKEN_MFA"), "{text}");
    assert!(!server.operations().contains(&"ConfirmDevice".to_owned()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refresh_as_the_remembered_device() {
    let (mut setup, secret) = totp_setup("judy");
    let server = Server::start(std::mem::take(&mut setup.service));
    let dir = temp_dir("refresh");
    let devices = dir.join("devices.json");
    let device_flags = ["--device-file", path_str(&devices)];
    let code = totp(&secret, Timestamp::now()).expect("Base32");
    // By the email alias: the device file learns it stands for the pool username `judy`.
    let alias = "judy@example.com";
    let first = run(&args(&setup, &server, alias, &device_flags), &format!("Correct-Horse-1\n{code}\n"), &setup);
    json_of(&first);
    // Signed in as the device, the refresh token is bound to it: refresh must send DEVICE_KEY.
    let second = run(&args(&setup, &server, alias, &device_flags), "Correct-Horse-1\n", &setup);
    let tokens = json_of(&second);
    let refresh_token = tokens["AuthenticationResult"]["RefreshToken"].as_str().expect("refresh token").to_owned();
    let mut refresh: Vec<String> = vec!["refresh".into()];
    refresh.extend(setup.flags());
    // The client has a secret: SECRET_HASH must go over `judy`, not the alias typed.
    refresh.extend(["--username".into(), alias.into(), "--endpoint-url".into(), server.url.clone()]);
    // From standard input, with the device.
    let with_device = [&refresh[..], &["--device-file".into(), path_str(&devices).into()]].concat();
    let output = run(&with_device, &format!("{refresh_token}\n"), &setup);
    let text = stderr(&output);
    let json = json_of(&output);
    assert!(json["AuthenticationResult"]["AccessToken"].is_string(), "{text}");
    assert!(json["AuthenticationResult"].get("RefreshToken").is_none());
    assert!(text.contains("-> InitiateAuth (REFRESH_TOKEN_AUTH)"), "{text}");
    assert!(text.contains("refreshing as the remembered device"), "{text}");
    // From a file holding what sign-in printed.
    let saved = dir.join("tokens.json");
    std::fs::write(&saved, &second.stdout).expect("writes");
    let from_file = [&with_device[..], &["--refresh-token-file".into(), path_str(&saved).into()]].concat();
    assert!(json_of(&run(&from_file, "", &setup))["AuthenticationResult"]["IdToken"].is_string());
    // Piped in as sign-in printed it (`sign-in | refresh`).
    let piped = String::from_utf8(second.stdout.clone()).expect("UTF-8");
    assert!(json_of(&run(&with_device, &piped, &setup))["AuthenticationResult"]["AccessToken"].is_string());
    // From the flag, by the pool username (so SECRET_HASH is right) but without the device: refused.
    let mut without = refresh.clone();
    let typed = without.iter().position(|a| a == alias).expect("--username");
    without[typed] = "judy".into();
    let with_flag = [&without[..], &["--refresh-token".into(), refresh_token.clone()]].concat();
    let output = run(&with_flag, "", &setup);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("Invalid Refresh Token"), "{}", stderr(&output));
    // The same with the device file: accepted.
    let with_device = [&with_flag[..], &["--device-file".into(), path_str(&devices).into()]].concat();
    assert!(json_of(&run(&with_device, "", &setup))["AuthenticationResult"]["AccessToken"].is_string());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_pools_share_one_device_file() {
    let (mut east, east_secret) = totp_setup("kim");
    let (mut west, west_secret) = totp_setup("kim");
    let east_server = Server::start(std::mem::take(&mut east.service));
    let west_server = Server::start(std::mem::take(&mut west.service));
    let dir = temp_dir("two-pools");
    let devices = dir.join("devices.json");
    let flags = ["--device-file", path_str(&devices)];
    for (setup, server, secret) in [(&east, &east_server, &east_secret), (&west, &west_server, &west_secret)] {
        let code = totp(secret, Timestamp::now()).expect("Base32");
        json_of(&run(&args(setup, server, "kim", &flags), &format!("Correct-Horse-1\n{code}\n"), setup));
    }
    for (setup, server) in [(&east, &east_server), (&west, &west_server)] {
        let output = run(&args(setup, server, "kim", &flags), "Correct-Horse-1\n", setup);
        assert!(stderr(&output).contains("DEVICE_SRP_AUTH"), "{}", stderr(&output));
        json_of(&output);
    }
    let list = cli(&["device", "list", "--device-file", path_str(&devices)], "", &[]);
    let listed = json_of(&list);
    assert_eq!(listed["Devices"].as_array().map(Vec::len), Some(2), "{listed}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn custom_auth_shows_the_challenge_parameters() {
    use cognito_srp_auth::server::CustomChallenge;
    let mut setup = Setup::new(PoolSettings::default(), false);
    setup.user("lena", None, "Correct-Horse-1", true);
    let pool = setup.pool.clone();
    let hook = |_: &str| CustomChallenge {
        parameters: [("question".to_owned(), "What is 6 times 7?".to_owned())].into(),
        answer: "42".to_owned(),
    };
    setup.service.set_custom_challenge_hook(&pool, Box::new(hook));
    let server = Server::start(std::mem::take(&mut setup.service));
    let output = run(&args(&setup, &server, "lena", &["--auth-flow", "CUSTOM_AUTH"]), "Correct-Horse-1\n42\n", &setup);
    let text = stderr(&output);
    assert!(json_of(&output)["AuthenticationResult"]["AccessToken"].is_string(), "{text}");
    assert!(text.contains("-> InitiateAuth (CUSTOM_AUTH)"), "{text}");
    assert!(
        text.contains("CUSTOM_CHALLENGE from the pool's Lambda trigger:\n  question: What is 6 times 7?\n"),
        "{text}"
    );
    assert!(text.contains("-> RespondToAuthChallenge (CUSTOM_CHALLENGE)"), "{text}");
}

#[test]
fn an_email_code_is_asked_with_its_destination() {
    let (mut setup, _) = totp_setup("mona");
    let pool = setup.pool.clone();
    setup.service.admin_set_user_mfa_preference(&pool, "mona", false, true).expect("user");
    let server = Server::start(std::mem::take(&mut setup.service));
    let mut dialogue = with_argv(&args(&setup, &server, "mona", &[]), &setup, Dialogue::spawn);
    dialogue.expect("Password:");
    dialogue.send_line("Correct-Horse-1");
    dialogue.expect("Choice [1-2]:");
    dialogue.send_line("2");
    let prompt = dialogue.expect("EMAIL_OTP: code from the message sent to");
    assert!(prompt.contains("@"), "the masked address: {prompt}");
    let sent = server.service.lock().unwrap().take_outbox();
    let code = &sent.iter().find(|m| m.medium == "EMAIL").expect("an email").code;
    dialogue.send_line(code);
    let output = dialogue.finish();
    assert!(json_of(&output)["AuthenticationResult"]["AccessToken"].is_string(), "{}", stderr(&output));
}
