//! The embedded server refuses what Cognito refuses: an answer that speaks
//! for another user or carries another user's device, degenerate SRP and
//! verifier values, a reused TOTP code, an expired or forgotten device's
//! refresh token; and it locks a user out for a while, not for ever.
//!
//! Each test drives the server with raw wire requests, so that it can send
//! what no well-behaved client would.

#![cfg(feature = "server")]

mod server_support;

use std::time::Duration;

use cognito_srp_auth::server::{MfaConfiguration, PoolSettings, totp};
use cognito_srp_auth::{PrivateExponentSize, SrpEphemeral};
use serde_json::{Value, json};
use server_support::*;

/// Alice's password with Mallory's remembered device: the device must not
/// stand in for Alice's second factor.
fn password_with_mallorys_device(server: &mut Server, flow: &str, extra: Value) -> Result<Value, Refusal> {
    let device = server.mallory_device();
    let mut parameters = json!({"PASSWORD": ALICE_PASSWORD, "DEVICE_KEY": device.device_key()});
    for (key, value) in extra.as_object().expect("object") {
        parameters[key] = value.clone();
    }
    let challenge = server.initiate(flow, "alice", parameters)?;
    assert_eq!(challenge["ChallengeName"], "DEVICE_SRP_AUTH", "{challenge}");
    server.device_sign_in(&challenge, "alice", &device)
}

#[test]
fn a_clear_password_does_not_take_another_users_device_for_the_second_factor() {
    for (flow, extra) in [("USER_PASSWORD_AUTH", json!({})), ("USER_AUTH", json!({"PREFERRED_CHALLENGE": "PASSWORD"}))]
    {
        let mut server = Server::with_devices();
        server.alice_totp();
        let refused = password_with_mallorys_device(&mut server, flow, extra);
        let device_does_not_exist = ("ResourceNotFoundException".into(), "Device does not exist.".into());
        assert_eq!(refused.map(|r| has_tokens(&r)), Err(device_does_not_exist), "{flow}");
    }
}

#[test]
fn password_verifier_does_not_take_another_users_device() {
    let mut server = Server::with_devices();
    server.alice_totp();
    let device = server.mallory_device();
    let refused = server.srp_sign_in("alice", ALICE_PASSWORD, Some(device.device_key()));
    assert_eq!(kind(refused), "ResourceNotFoundException");
}

#[test]
fn users_own_remembered_device_still_skips_the_second_factor() {
    let mut server = Server::with_devices();
    let first = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in");
    let device = server.confirm_new_device(&first);
    server.alice_totp();
    let parameters = json!({"PASSWORD": ALICE_PASSWORD, "DEVICE_KEY": device.device_key()});
    let challenge = server.initiate("USER_PASSWORD_AUTH", "alice", parameters).expect("challenge");
    assert_eq!(challenge["ChallengeName"], "DEVICE_SRP_AUTH");
    assert!(has_tokens(&server.device_sign_in(&challenge, "alice", &device).expect("tokens")));
}

#[test]
fn a_code_answer_must_name_the_sessions_user() {
    // The client has a secret and the SECRET_HASH is right for the USERNAME
    // given: it is the USERNAME check that refuses.
    let mut server = Server::new(PoolSettings::default().with_mfa(MfaConfiguration::Optional), true);
    let secret = server.alice_totp();
    let challenge = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("challenge");
    assert_eq!(challenge["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    let code = totp(&secret, at(server.now)).expect("code");
    let refused = server.respond(&challenge, "mallory", json!({"SOFTWARE_TOKEN_MFA_CODE": code}));
    assert_eq!(
        refused.map(|r| has_tokens(&r)),
        Err(("NotAuthorizedException".into(), "Incorrect username or password.".into()))
    );
}

#[test]
fn a_device_srp_answer_must_name_the_sessions_user() {
    let mut server = Server::with_devices();
    let first = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in");
    let device = server.confirm_new_device(&first);
    let challenge = server.srp_sign_in("alice", ALICE_PASSWORD, Some(device.device_key())).expect("challenge");
    assert_eq!(challenge["ChallengeName"], "DEVICE_SRP_AUTH");
    let refused = server.device_sign_in(&challenge, "mallory", &device);
    assert_eq!(kind(refused), "NotAuthorizedException");
}

#[test]
fn a_code_answer_cannot_carry_another_users_device() {
    let mut server = Server::with_devices();
    let secret = server.alice_totp();
    let device = server.mallory_device();
    let challenge = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("challenge");
    assert_eq!(challenge["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    let code = totp(&secret, at(server.now)).expect("code");
    let responses = json!({"SOFTWARE_TOKEN_MFA_CODE": code, "DEVICE_KEY": device.device_key()});
    assert_eq!(kind(server.respond(&challenge, "alice", responses)), "ResourceNotFoundException");
}

/// `PasswordVerifier` for ConfirmDevice: Base64 of the number's big-endian bytes.
fn verifier_of(hex: &str) -> String {
    use base64::Engine as _;
    let padded = if hex.len() % 2 == 1 { format!("0{hex}") } else { hex.to_owned() };
    let bytes: Vec<u8> =
        (0..padded.len()).step_by(2).map(|i| u8::from_str_radix(&padded[i..i + 2], 16).expect("hex")).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn confirm_device_refuses_a_verifier_of_zero_one_or_at_least_n_and_an_empty_salt() {
    let mut server = Server::with_devices();
    let signed_in = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in");
    let result = &signed_in["AuthenticationResult"];
    let device_key = result["NewDeviceMetadata"]["DeviceKey"].clone();
    let salt = verifier_of("0102030405060708090a0b0c0d0e0f10");
    let cases = [
        (verifier_of("00"), salt.clone(), "v = 0"),
        (verifier_of("0000"), salt.clone(), "v = 0, padded"),
        (verifier_of("01"), salt.clone(), "v = 1"),
        (verifier_of(&format!("00{N_HEX}")), salt.clone(), "v = N"),
        (verifier_of("02"), String::new(), "empty salt"),
    ];
    for (verifier, salt, case) in cases {
        let body = json!({
            "AccessToken": result["AccessToken"],
            "DeviceKey": device_key,
            "DeviceSecretVerifierConfig": {"PasswordVerifier": verifier, "Salt": salt},
        });
        assert_eq!(kind(server.call("ConfirmDevice", body)), "InvalidParameterException", "{case}");
    }
}

#[test]
fn srp_a_that_is_zero_mod_n_is_refused_for_the_user_and_the_device() {
    let mut server = Server::with_devices();
    let first = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in");
    let device = server.confirm_new_device(&first);
    let n_times_2 = {
        // 2N in hex: N shifted left by one bit.
        let n = num_bigint::BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N");
        (n << 1u32).to_str_radix(16)
    };
    for srp_a in ["0", "00", N_HEX, &n_times_2] {
        let refused = server.initiate("USER_SRP_AUTH", "alice", json!({"SRP_A": srp_a}));
        assert_eq!(kind(refused), "InvalidParameterException", "USER_SRP_AUTH, SRP_A = {srp_a:.8}");
    }
    for srp_a in ["0", N_HEX] {
        let challenge = server.srp_sign_in("alice", ALICE_PASSWORD, Some(device.device_key())).expect("challenge");
        let responses = json!({"DEVICE_KEY": device.device_key(), "SRP_A": srp_a});
        assert_eq!(
            kind(server.respond(&challenge, "alice", responses)),
            "InvalidParameterException",
            "DEVICE_SRP_AUTH"
        );
    }
}

#[test]
fn lock_out_grows_and_is_released() {
    let mut server = Server::new(PoolSettings::default(), true);
    let password = |p: &str| json!({"PASSWORD": p});
    for _ in 0..5 {
        let refused = server.initiate("USER_PASSWORD_AUTH", "alice", password("wrong"));
        assert_eq!(
            refused.map(|_| ()),
            Err(("NotAuthorizedException".into(), "Incorrect username or password.".into()))
        );
    }
    let locked = server.initiate("USER_PASSWORD_AUTH", "alice", password(ALICE_PASSWORD));
    assert_eq!(locked.map(|_| ()), Err(("NotAuthorizedException".into(), "Password attempts exceeded".into())));
    // The SRP flow is locked too.
    assert_eq!(
        server.srp_sign_in("alice", ALICE_PASSWORD, None).map(|_| ()).unwrap_err().1,
        "Password attempts exceeded"
    );
    // One second later: released; one more wrong password locks for two.
    server.now += 1;
    assert_eq!(kind(server.initiate("USER_PASSWORD_AUTH", "alice", password("wrong"))), "NotAuthorizedException");
    server.now += 1;
    let still = server.initiate("USER_PASSWORD_AUTH", "alice", password(ALICE_PASSWORD));
    assert_eq!(still.map(|_| ()).unwrap_err().1, "Password attempts exceeded");
    server.now += 1;
    assert!(has_tokens(&server.initiate("USER_PASSWORD_AUTH", "alice", password(ALICE_PASSWORD)).expect("released")));
    // Other users were never locked.
    assert!(has_tokens(&server.srp_sign_in("mallory", MALLORY_PASSWORD, None).expect("mallory")));
}

#[test]
fn a_totp_code_is_taken_once_per_time_step() {
    let mut server = Server::new(PoolSettings::default().with_mfa(MfaConfiguration::Optional), false);
    let secret = server.alice_totp();
    let code = totp(&secret, at(server.now)).expect("code");
    let challenge = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("challenge");
    let first = server.respond(&challenge, "alice", json!({"SOFTWARE_TOKEN_MFA_CODE": code}));
    assert!(has_tokens(&first.expect("first use")));
    let challenge = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("challenge");
    let replay = server.respond(&challenge, "alice", json!({"SOFTWARE_TOKEN_MFA_CODE": code}));
    assert_eq!(kind(replay), "CodeMismatchException");
    // The previous step's code is no better once a later one was taken.
    server.now += 30;
    let challenge = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("challenge");
    let replay = server.respond(&challenge, "alice", json!({"SOFTWARE_TOKEN_MFA_CODE": code}));
    assert_eq!(kind(replay), "CodeMismatchException");
    let challenge = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("challenge");
    let fresh = totp(&secret, at(server.now)).expect("code");
    assert!(has_tokens(
        &server.respond(&challenge, "alice", json!({"SOFTWARE_TOKEN_MFA_CODE": fresh})).expect("next step")
    ));
}

#[test]
fn refresh_tokens_expire_after_the_pools_validity() {
    let settings = PoolSettings::default().with_refresh_token_validity(Duration::from_secs(3600));
    let mut server = Server::new(settings, true);
    let signed_in = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in");
    let token = signed_in["AuthenticationResult"]["RefreshToken"].as_str().expect("refresh token").to_owned();
    server.now += 3599;
    assert!(has_tokens(&server.refresh(&token, None).expect("still valid")));
    server.now += 1;
    assert_eq!(
        server.refresh(&token, None).map(|_| ()),
        Err(("NotAuthorizedException".into(), "Refresh Token has expired".into()))
    );
}

#[test]
fn forget_device_revokes_its_refresh_tokens_and_its_sign_in() {
    let mut server = Server::with_devices();
    let first = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in");
    let first_token = first["AuthenticationResult"]["RefreshToken"].as_str().expect("refresh token").to_owned();
    let device = server.confirm_new_device(&first);
    let challenge = server.srp_sign_in("alice", ALICE_PASSWORD, Some(device.device_key())).expect("challenge");
    let second = server.device_sign_in(&challenge, "alice", &device).expect("signed in with the device");
    let second_token = second["AuthenticationResult"]["RefreshToken"].as_str().expect("refresh token").to_owned();
    assert!(has_tokens(&server.refresh(&second_token, Some(device.device_key())).expect("refreshes")));
    let body = json!({"AccessToken": second["AuthenticationResult"]["AccessToken"], "DeviceKey": device.device_key()});
    server.call("ForgetDevice", body).expect("forgotten");
    for token in [&first_token, &second_token] {
        assert_eq!(kind(server.refresh(token, Some(device.device_key()))), "NotAuthorizedException");
    }
    let refused = server.srp_sign_in("alice", ALICE_PASSWORD, Some(device.device_key()));
    assert_eq!(refused.map(|_| ()), Err(("ResourceNotFoundException".into(), "Device does not exist.".into())));
}

#[test]
fn forget_device_refuses_another_users_device() {
    let mut server = Server::with_devices();
    let device = server.mallory_device();
    let alice = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in");
    let body = json!({"AccessToken": alice["AuthenticationResult"]["AccessToken"], "DeviceKey": device.device_key()});
    assert_eq!(kind(server.call("ForgetDevice", body)), "ResourceNotFoundException");
    let challenge = server.initiate(
        "USER_PASSWORD_AUTH",
        "mallory",
        json!({"PASSWORD": MALLORY_PASSWORD, "DEVICE_KEY": device.device_key()}),
    );
    assert_eq!(challenge.expect("mallory's device is still there")["ChallengeName"], "DEVICE_SRP_AUTH");
}

#[test]
fn an_unknown_user_gets_a_full_decoy_round_and_the_same_refusal() {
    let mut server = Server::new(PoolSettings::default(), false);
    let ephemeral = SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::default());
    let first = server.initiate("USER_SRP_AUTH", "nobody", json!({"SRP_A": ephemeral.srp_a()})).expect("a challenge");
    let again = server.initiate("USER_SRP_AUTH", "nobody", json!({"SRP_A": ephemeral.srp_a()})).expect("a challenge");
    let parameters = |c: &Value| c["ChallengeParameters"].clone();
    assert_eq!(parameters(&first)["SALT"], parameters(&again)["SALT"], "the decoy's salt is stable");
    assert_ne!(parameters(&first)["SRP_B"], parameters(&again)["SRP_B"], "B is fresh");
    let unknown = server.srp_sign_in("nobody", "guess", None);
    let wrong = server.srp_sign_in("alice", "guess", None);
    assert_eq!(unknown.map(|_| ()), wrong.map(|_| ()));
    let unknown = server.initiate("USER_PASSWORD_AUTH", "nobody", json!({"PASSWORD": "guess"}));
    let wrong = server.initiate("USER_PASSWORD_AUTH", "alice", json!({"PASSWORD": "guess"}));
    assert_eq!(unknown.map(|_| ()), wrong.map(|_| ()));
}
