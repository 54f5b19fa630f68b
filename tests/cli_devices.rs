//! `cognito-srp`'s device file against the embedded server on loopback:
//! found whatever name the user types, one file for many pools, refused
//! when corrupt or readable by others, and `device list|forget`.

#![cfg(feature = "cli")]

mod cli_support;

use std::path::Path;

use cli_support::{Server, Setup, cli, json_of, path_str, stderr, temp_dir};
use cognito_srp_auth::server::{PoolSettings, totp};

struct Fixture {
    setup: Setup,
    server: Server,
    secret: String,
}

/// A TOTP user `username` with the email alias `username@example.com`.
fn fixture(username: &str, settings: PoolSettings) -> Fixture {
    let mut setup = Setup::new(settings, true);
    setup.user(username, Some(&format!("{username}@example.com")), "Correct-Horse-1", true);
    let pool = setup.pool.clone();
    let secret = setup.service.admin_set_software_token_mfa(&pool, username, &mut rand::rng()).expect("totp");
    let server = Server::start(std::mem::take(&mut setup.service));
    Fixture { setup, server, secret }
}

impl Fixture {
    fn sign_in(&self, typed: &str, devices: &Path, more: &[&str], stdin: &str) -> std::process::Output {
        let mut args: Vec<String> = vec!["sign-in".into()];
        args.extend(self.setup.flags());
        args.extend(
            ["--username", typed, "--endpoint-url", &self.server.url, "--device-file", path_str(devices), "--stdin"]
                .map(String::from),
        );
        args.extend(more.iter().map(|s| (*s).to_owned()));
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let env = self.setup.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        cli(&argv, stdin, &env)
    }

    /// Password and the current code.
    fn with_code(&self) -> String {
        format!("Correct-Horse-1\n{}\n", totp(&self.secret, self.server.next_totp_step()).expect("Base32"))
    }
}

#[test]
fn an_alias_finds_the_device_stored_under_the_pool_username() {
    let f = fixture("liam", PoolSettings::with_devices_and_optional_mfa());
    let dir = temp_dir("alias");
    let devices = dir.join("devices.json");
    // First by the pool username: the alias never typed before still finds its device,
    // as the pool names the user (USER_ID_FOR_SRP) before the device is looked up.
    let output = f.sign_in("liam", &devices, &[], &f.with_code());
    json_of(&output);
    let listed = json_of(&cli(&["device", "list", "--device-file", path_str(&devices)], "", &[]));
    assert_eq!(listed["Devices"][0]["Username"], "liam", "stored under the pool username: {listed}");
    assert_eq!(listed["Devices"][0]["UserPoolId"], f.setup.pool.as_str());
    for typed in ["liam@example.com", "liam"] {
        f.server.clear_operations();
        let output = f.sign_in(typed, &devices, &[], "Correct-Horse-1\n");
        let text = stderr(&output);
        json_of(&output);
        assert!(text.contains("signing in as the remembered device"), "{typed}: {text}");
        assert!(!text.contains("SOFTWARE_TOKEN_MFA"), "{typed}: {text}");
        assert!(!f.server.operations().contains(&"ConfirmDevice".to_owned()), "{typed}: a new device was confirmed");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn another_case_finds_the_device_on_a_case_insensitive_pool() {
    let f = fixture("tara", PoolSettings::with_devices_and_optional_mfa().with_case_insensitive_usernames(true));
    let dir = temp_dir("case");
    let devices = dir.join("devices.json");
    json_of(&f.sign_in("tara", &devices, &[], &f.with_code()));
    for typed in ["TARA", "Tara@Example.com"] {
        f.server.clear_operations();
        let output = f.sign_in(typed, &devices, &[], "Correct-Horse-1\n");
        let text = stderr(&output);
        json_of(&output);
        assert!(text.contains("signing in as the remembered device"), "{typed}: {text}");
        assert!(text.contains("signed in as tara"), "{typed}: {text}");
        assert!(!f.server.operations().contains(&"ConfirmDevice".to_owned()), "{typed}: a new device was confirmed");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_corrupt_device_file_is_refused_before_anything_is_asked_and_left_alone() {
    let f = fixture("mia", PoolSettings::with_devices_and_optional_mfa());
    let dir = temp_dir("corrupt");
    let devices = dir.join("devices.json");
    write_private(&devices, b"{ not json");
    let output = f.sign_in("mia", &devices, &[], &f.with_code());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("move it away or repair it"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("Password"), "{}", stderr(&output));
    assert!(f.server.operations().is_empty());
    assert_eq!(std::fs::read(&devices).expect("still there"), b"{ not json");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_device_file_others_may_read_is_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let f = fixture("noah", PoolSettings::with_devices_and_optional_mfa());
    let dir = temp_dir("readable");
    let devices = dir.join("devices.json");
    json_of(&f.sign_in("noah", &devices, &[], &f.with_code()));
    assert_eq!(std::fs::metadata(&devices).expect("written").permissions().mode() & 0o777, 0o600);
    std::fs::set_permissions(&devices, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let output = f.sign_in("noah", &devices, &[], "Correct-Horse-1\n");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("chmod 600"), "{}", stderr(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_device_that_cannot_be_saved_fails_the_command_but_the_tokens_are_printed() {
    let f = fixture("olga", PoolSettings::with_devices_and_optional_mfa());
    let dir = temp_dir("unsaved");
    let devices = dir.join("missing-folder").join("devices.json");
    let output = f.sign_in("olga", &devices, &[], &f.with_code());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains(path_str(&devices)), "{}", stderr(&output));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the tokens still printed");
    assert!(printed["AuthenticationResult"]["AccessToken"].is_string());
    assert!(!f.server.operations().contains(&"ConfirmDevice".to_owned()), "a device nobody keeps was confirmed");
    // A directory is refused when it is read, before anything is asked.
    let output = f.sign_in("olga", &dir, &[], &f.with_code());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains(path_str(&dir)), "{}", stderr(&output));
    assert!(!stderr(&output).contains("Password"), "{}", stderr(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_a_device_file_no_device_is_confirmed() {
    let f = fixture("sven", PoolSettings::with_devices_and_optional_mfa());
    let mut args: Vec<String> = vec!["sign-in".into()];
    args.extend(f.setup.flags());
    args.extend(["--username", "sven", "--endpoint-url", &f.server.url, "--stdin"].map(String::from));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = f.setup.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let output = cli(&argv, &f.with_code(), &env);
    json_of(&output);
    assert!(stderr(&output).contains("not remembered: no --device-file"), "{}", stderr(&output));
    assert!(!f.server.operations().contains(&"ConfirmDevice".to_owned()));
}

#[test]
fn where_the_user_chooses_the_device_is_remembered_only_when_they_say_so() {
    let mut settings = PoolSettings::with_devices_and_optional_mfa();
    settings.always_remember_devices = false;
    let f = fixture("quinn", settings);
    let dir = temp_dir("opt-in");
    let devices = dir.join("devices.json");
    let statuses = |f: &Fixture| -> Vec<String> {
        let requests = f.server.requests("UpdateDeviceStatus");
        requests.iter().map(|r| r["DeviceRememberedStatus"].as_str().unwrap_or_default().to_owned()).collect()
    };
    // "n", and --no-remember without asking: not remembered, so the next sign-in asks for the code.
    for (more, answer, file) in [(&[][..], "n\n", "asked.json"), (&["--no-remember"][..], "", "flag.json")] {
        let devices = dir.join(file);
        f.server.clear_operations();
        let output = f.sign_in("quinn", &devices, more, &format!("{}{answer}", f.with_code()));
        let text = stderr(&output);
        json_of(&output);
        assert_eq!(text.contains("Remember this device"), more.is_empty(), "{text}");
        assert!(text.contains("confirmed but not remembered"), "{text}");
        assert!(!statuses(&f).contains(&"remembered".to_owned()), "{:?}", statuses(&f));
        let output = f.sign_in("quinn", &devices, &["--no-remember"], &f.with_code());
        assert!(stderr(&output).contains("SOFTWARE_TOKEN_MFA"), "{}", stderr(&output));
    }
    // "y": UpdateDeviceStatus, and the next sign-in skips the code.
    f.server.clear_operations();
    let output = f.sign_in("quinn", &devices, &[], &format!("{}y\n", f.with_code()));
    json_of(&output);
    assert_eq!(statuses(&f), ["remembered"]);
    let output = f.sign_in("quinn", &devices, &[], "Correct-Horse-1\n");
    json_of(&output);
    assert!(stderr(&output).contains("DEVICE_SRP_AUTH"), "{}", stderr(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn device_forget_drops_the_device_found_by_any_name() {
    let f = fixture("rosa", PoolSettings::with_devices_and_optional_mfa());
    let dir = temp_dir("forget");
    let devices = dir.join("devices.json");
    let signed_in = json_of(&f.sign_in("rosa@example.com", &devices, &[], &f.with_code()));
    let access_token = signed_in["AuthenticationResult"]["AccessToken"].as_str().expect("access token").to_owned();
    let device_key = signed_in["AuthenticationResult"]["NewDeviceMetadata"]["DeviceKey"].clone();
    let pool = f.setup.pool.as_str();
    let forget = ["device", "forget", "--user-pool-id", pool, "--username", "rosa@example.com", "--device-file"];
    // With an access token, on Cognito too.
    let on_cognito = ["--access-token-env", "ROSA_TOKEN", "--endpoint-url", &f.server.url];
    let output =
        cli(&[&forget[..], &[path_str(&devices)], &on_cognito[..]].concat(), "", &[("ROSA_TOKEN", &access_token)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("forgot the device"), "{}", stderr(&output));
    let sent = f.server.requests("ForgetDevice");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["DeviceKey"], device_key);
    let again = cli(&[&forget[..], &[path_str(&devices)]].concat(), "", &[]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    let output = f.sign_in("rosa", &devices, &[], &f.with_code());
    json_of(&output);
    assert!(stderr(&output).contains("SOFTWARE_TOKEN_MFA"), "{}", stderr(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

fn write_private(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).expect("writes");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}
