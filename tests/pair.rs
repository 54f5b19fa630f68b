//! The client state machine against the embedded server, in memory: every
//! flow the server models end to end, and the server refusing every tampered
//! or malformed proof with the service's own error.

#![cfg(feature = "server")]

use std::collections::HashMap;

use std::sync::Arc;

use cognito_srp_auth::flow::{
    Answer, AppClient, DeviceOutcome, DeviceStore, MemoryDeviceStore, MfaType, PoolUser, Prompt, Request, Selection,
    SignIn, SignedIn, Step,
};
use cognito_srp_auth::server::{CustomChallenge, MfaConfiguration, NewAppClient, PoolSettings, Service, totp};
use cognito_srp_auth::{DeviceCredentials, Password, Timestamp, UserPoolId};
use proptest::prelude::*;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(seconds).expect("in range")
}

/// The client and the server, with one clock.
struct Pair {
    service: Service,
    pool: UserPoolId,
    app: NewAppClient,
    authenticator: Option<String>,
    now: i64,
    /// How to answer SELECT_MFA_TYPE and SELECT_CHALLENGE, and a custom challenge.
    mfa_choice: MfaType,
    selection: Option<Selection>,
    custom_answer: String,
}

impl Pair {
    fn new(settings: PoolSettings, secret: bool) -> Self {
        let mut rng = rand::rng();
        let mut service = Service::new();
        let pool = service.create_user_pool("eu-west-1", settings, &mut rng);
        let app = service.create_app_client(&pool, secret, &mut rng);
        let attributes = HashMap::from([("email".to_owned(), "alice@example.com".to_owned())]);
        service
            .admin_create_user(&pool, "alice", attributes, &Password::from(PASSWORD), true, &mut rng)
            .expect("created");
        Pair::with(service, pool, app, 1_764_000_000)
    }

    fn with(service: Service, pool: UserPoolId, app: NewAppClient, now: i64) -> Self {
        Pair {
            service,
            pool,
            app,
            authenticator: None,
            now,
            mfa_choice: MfaType::SoftwareToken,
            selection: None,
            custom_answer: String::new(),
        }
    }

    fn with_totp(mut self) -> Self {
        self.authenticator = self.service.admin_set_software_token_mfa(&self.pool, "alice", &mut rand::rng());
        self
    }

    fn client(&self) -> AppClient {
        let client = AppClient::new(self.pool.clone(), self.app.client_id.clone());
        match &self.app.client_secret {
            Some(secret) => client.with_client_secret(secret.clone()),
            None => client,
        }
    }

    fn sign_in(&self, username: &str, password: &str) -> SignIn {
        SignIn::user_srp(self.client(), username, Password::from(password)).expect("valid")
    }

    fn exchange(&mut self, request: &Request) -> (u16, Vec<u8>) {
        self.exchange_json(&request.target(), &request_body(request))
    }

    fn exchange_json(&mut self, target: &str, body: &Value) -> (u16, Vec<u8>) {
        self.service.handle(target, body.to_string().as_bytes(), at(self.now), &mut rand::rng())
    }

    fn receive(&mut self, sign_in: &mut SignIn, (status, body): (u16, Vec<u8>)) -> Step {
        sign_in.receive(status, &body, at(self.now), &mut rand::rng()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Drives a sign-in to its end, answering TOTP, with `devices` (pool
    /// usernames to devices) as its device store.
    fn drive(&mut self, sign_in: SignIn, devices: &mut HashMap<String, DeviceCredentials>) -> SignedIn {
        let store = Arc::new(MemoryDeviceStore::new());
        let pool = self.pool.clone();
        let user = |name: &str| PoolUser::new(pool.clone(), name);
        for (name, device) in devices.iter() {
            store.save(&user(name), device).expect("saved");
        }
        let mut sign_in = sign_in.with_device_store(store.clone());
        let mut request = sign_in.start(&mut rand::rng()).expect("starts");
        loop {
            let response = self.exchange(&request);
            match self.receive(&mut sign_in, response) {
                Step::Send(next) => request = next,
                Step::Prompt(prompt) => {
                    let answer = self.answer(&prompt);
                    request = sign_in.answer(answer, &mut rand::rng()).expect("answer");
                }
                Step::Done(done) => {
                    let names: Vec<String> = devices.keys().cloned().chain([done.username().to_owned()]).collect();
                    for name in names {
                        match store.load(&user(&name)).expect("loads") {
                            Some(device) => devices.insert(name, device),
                            None => devices.remove(&name),
                        };
                    }
                    return done;
                }
                _ => panic!("unknown step"),
            }
        }
    }

    /// What the user answers: the authenticator's code, the last code sent,
    /// or the scripted choice.
    fn answer(&mut self, prompt: &Prompt) -> Answer {
        match prompt {
            Prompt::SoftwareTokenMfa => {
                Answer::Code(totp(self.authenticator.as_deref().expect("TOTP set up"), at(self.now)).expect("Base32"))
            }
            Prompt::SmsMfa { .. } | Prompt::EmailOtp { .. } | Prompt::SmsOtp { .. } => {
                Answer::Code(self.service.take_outbox().pop().expect("a code was sent").code)
            }
            Prompt::SelectMfaType { .. } => Answer::MfaType(self.mfa_choice),
            Prompt::SelectChallenge { .. } => Answer::Select(self.selection.clone().expect("a scripted selection")),
            Prompt::CustomChallenge { .. } => Answer::Custom(self.custom_answer.clone()),
            other => panic!("unscripted prompt {other:?}"),
        }
    }

    /// Runs USER_SRP_AUTH to the PASSWORD_VERIFIER answer, which is returned unsent.
    fn password_verifier_answer(&mut self, sign_in: &mut SignIn) -> Request {
        let initiate = sign_in.start(&mut rand::rng()).expect("starts");
        let response = self.exchange(&initiate);
        match self.receive(sign_in, response) {
            Step::Send(answer) => answer,
            other => panic!("expected the PASSWORD_VERIFIER answer, got {other:?}"),
        }
    }
}

fn error_of((status, body): (u16, Vec<u8>)) -> (String, String) {
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    let body: Value = serde_json::from_slice(&body).expect("JSON");
    (body["__type"].as_str().unwrap_or_default().to_owned(), body["message"].as_str().unwrap_or_default().to_owned())
}

fn incorrect() -> (String, String) {
    ("NotAuthorizedException".to_owned(), "Incorrect username or password.".to_owned())
}

#[test]
fn the_whole_main_job_mfa_device_and_refresh() {
    let mut pair = Pair::new(PoolSettings::with_devices_and_optional_mfa(), true).with_totp();
    let mut devices = HashMap::new();
    let first = pair.drive(pair.sign_in("alice@example.com", PASSWORD), &mut devices);
    assert_eq!(first.username(), "alice", "the alias resolves to the pool username");
    assert_eq!(first.new_device().map(|d| d.outcome().clone()), Some(DeviceOutcome::Remembered));
    let device = devices.get("alice").cloned().expect("stored before ConfirmDevice");

    // A remembered device: device SRP instead of the TOTP prompt (no authenticator needed).
    pair.authenticator = None;
    let second = pair.drive(pair.sign_in("alice@example.com", PASSWORD).with_device(device.clone()), &mut devices);
    assert!(second.new_device().is_none(), "no new device for a known one");
    let claims =
        pair.service.verify_token(second.tokens().access_token().expose_secret(), at(pair.now)).expect("verifies");
    assert_eq!(
        (claims["username"].as_str(), claims["device_key"].as_str()),
        (Some("alice"), Some(device.device_key()))
    );

    let refresh = second.tokens().refresh_token().cloned().expect("refresh token");
    let refreshed =
        pair.drive(SignIn::refresh(pair.client(), "alice", &refresh).expect("valid").with_device(device), &mut devices);
    assert!(pair.service.verify_token(refreshed.tokens().id_token().expose_secret(), at(pair.now)).is_some());
    assert!(refreshed.tokens().refresh_token().is_none());
}

#[test]
fn a_public_client_signs_in_without_secret_hash() {
    let mut pair = Pair::new(PoolSettings::default(), false);
    let done = pair.drive(pair.sign_in("alice", PASSWORD), &mut HashMap::new());
    assert!(done.tokens().access_token().expose_secret().contains('.'));
    assert!(done.new_device().is_none(), "the pool does not track devices");
}

#[test]
fn a_wrong_password_and_an_unknown_user_look_the_same() {
    let mut pair = Pair::new(PoolSettings::default(), true);
    for (user, password) in [("alice", "wrong password"), ("nobody", PASSWORD), ("nobody@example.com", "x")] {
        let mut sign_in = pair.sign_in(user, password);
        let answer = pair.password_verifier_answer(&mut sign_in);
        assert_eq!(error_of(pair.exchange(&answer)), incorrect(), "{user}");
    }
}

#[test]
fn lockout_after_repeated_wrong_passwords() {
    let mut pair = Pair::new(PoolSettings::default(), false);
    for _ in 0..5 {
        let answer = pair.password_verifier_answer(&mut pair.sign_in("alice", "wrong"));
        assert_eq!(error_of(pair.exchange(&answer)), incorrect());
    }
    let answer = pair.password_verifier_answer(&mut pair.sign_in("alice", PASSWORD));
    assert_eq!(error_of(pair.exchange(&answer)).1, "Password attempts exceeded");
}

/// Alters one response of a valid PASSWORD_VERIFIER answer and checks the server's verdict.
fn tampered(alter: impl Fn(&mut Value, &Pair)) -> (String, String) {
    let mut pair = Pair::new(PoolSettings::default(), true);
    let mut sign_in = pair.sign_in("alice", PASSWORD);
    let answer = pair.password_verifier_answer(&mut sign_in);
    let mut body = request_body(&answer).clone();
    alter(&mut body, &pair);
    error_of(pair.exchange_json(&answer.target(), &body))
}

fn set(body: &mut Value, name: &str, value: &str) {
    body["ChallengeResponses"][name] = json!(value);
}

#[test]
fn tampered_claims_are_refused() {
    let flip = |s: &str| {
        let mut bytes = s.as_bytes().to_vec();
        bytes[3] = if bytes[3] == b'A' { b'B' } else { b'A' };
        String::from_utf8(bytes).expect("ASCII")
    };
    assert_eq!(
        tampered(|b, _| {
            let s = flip(b["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"].as_str().expect("sig"));
            set(b, "PASSWORD_CLAIM_SIGNATURE", &s)
        }),
        incorrect()
    );
    assert_eq!(
        tampered(|b, _| {
            let s = flip(b["ChallengeResponses"]["PASSWORD_CLAIM_SECRET_BLOCK"].as_str().expect("block"));
            set(b, "PASSWORD_CLAIM_SECRET_BLOCK", &s)
        }),
        incorrect()
    );
    // TIMESTAMP: lower-case names, a wrong weekday, a stale instant.
    assert_eq!(tampered(|b, p| set(b, "TIMESTAMP", &at(p.now).to_string().to_lowercase())), incorrect());
    assert_eq!(tampered(|b, p| set(b, "TIMESTAMP", &at(p.now).to_string().replacen("Mon", "Tue", 1))), incorrect());
    assert_eq!(tampered(|b, p| set(b, "TIMESTAMP", &at(p.now - 3600).to_string())), incorrect());
    let wrong_hash = tampered(|b, _| set(b, "SECRET_HASH", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    assert_eq!(wrong_hash.0, "NotAuthorizedException");
    assert!(wrong_hash.1.starts_with("Unable to verify secret hash"), "{}", wrong_hash.1);
}

/// A valid proof for alice's session, sent with USERNAME = another user of
/// the pool and *that* user's correct SECRET_HASH: only the server's
/// USERNAME-against-session check can refuse it.
#[test]
fn a_username_that_is_not_the_session_s_user_is_refused_even_with_its_own_secret_hash() {
    let mut pair = Pair::new(PoolSettings::default(), true);
    pair.service
        .admin_create_user(
            &pair.pool,
            "mallory",
            HashMap::new(),
            &Password::from("mallory's own"),
            true,
            &mut rand::rng(),
        )
        .expect("created");
    let mut sign_in = pair.sign_in("alice", PASSWORD);
    let answer = pair.password_verifier_answer(&mut sign_in);
    let secret = pair.app.client_secret.clone().expect("secret");
    let mallory_hash = cognito_srp_auth::SecretHash::new(&secret, "mallory", &pair.app.client_id);
    let mut body = request_body(&answer).clone();
    set(&mut body, "USERNAME", "mallory");
    set(&mut body, "SECRET_HASH", mallory_hash.as_str());
    let (status, response) = pair.exchange_json(&answer.target(), &body);
    let response: Value = serde_json::from_slice(&response).expect("JSON");
    assert!(response.get("AuthenticationResult").is_none(), "tokens for a mismatched USERNAME: {response}");
    assert_eq!((status, response["__type"].as_str()), (400, Some("NotAuthorizedException")), "{response}");
    // The untouched answer is still the right proof (the session was not spent on a wrong user's tokens).
    let mut fresh = pair.sign_in("alice", PASSWORD);
    let answer = pair.password_verifier_answer(&mut fresh);
    assert_eq!(pair.exchange(&answer).0, 200);
}

#[test]
fn the_timestamp_format_is_what_the_server_checks() {
    // The padding rule shows on a single-digit day.
    let mut pair = Pair::new(PoolSettings::default(), false);
    pair.now = 1_764_547_200; // Mon Dec 1 00:00:00 UTC 2025
    let mut sign_in = pair.sign_in("alice", PASSWORD);
    let answer = pair.password_verifier_answer(&mut sign_in);
    assert_eq!(request_body(&answer)["ChallengeResponses"]["TIMESTAMP"], "Mon Dec 1 00:00:00 UTC 2025");
    let mut padded = request_body(&answer).clone();
    set(&mut padded, "TIMESTAMP", "Mon Dec 01 00:00:00 UTC 2025");
    assert_eq!(error_of(pair.exchange_json(&answer.target(), &padded)), incorrect());
}

#[test]
fn a_session_is_single_use() {
    let mut pair = Pair::new(PoolSettings::default(), false);
    let mut sign_in = pair.sign_in("alice", PASSWORD);
    let answer = pair.password_verifier_answer(&mut sign_in);
    assert_eq!(pair.exchange(&answer).0, 200);
    let replay = error_of(pair.exchange(&answer));
    assert_eq!(replay.0, "NotAuthorizedException");
    assert!(replay.1.contains("session"), "{}", replay.1);
}

#[test]
fn a_stale_session_expires() {
    let mut pair = Pair::new(PoolSettings::default(), false);
    let mut sign_in = pair.sign_in("alice", PASSWORD);
    let initiate = sign_in.start(&mut rand::rng()).expect("starts");
    let response = pair.exchange(&initiate);
    pair.now += 200;
    let Step::Send(answer) = pair.receive(&mut sign_in, response) else { panic!("expected the answer") };
    assert_eq!(error_of(pair.exchange(&answer)).1, "Invalid session for the user, session is expired.");
}

#[test]
fn a_wrong_totp_code_is_refused_and_may_be_retried() {
    let mut pair = Pair::new(PoolSettings::with_devices_and_optional_mfa(), true).with_totp();
    let mut sign_in = pair.sign_in("alice", PASSWORD);
    let answer = pair.password_verifier_answer(&mut sign_in);
    let response = pair.exchange(&answer);
    assert_eq!(pair.receive(&mut sign_in, response).unwrap_prompt(), Prompt::SoftwareTokenMfa);
    let wrong = sign_in.answer(Answer::Code("000000".into()), &mut rand::rng()).expect("answer");
    let (status, body) = pair.exchange(&wrong);
    let error = sign_in.receive(status, &body, at(pair.now), &mut rand::rng()).expect_err("refused");
    assert!(error.to_string().starts_with("CodeMismatchException"), "{error}");
    let code = totp(pair.authenticator.as_deref().expect("TOTP"), at(pair.now)).expect("Base32");
    let right = sign_in.answer(Answer::Code(code), &mut rand::rng()).expect("answer again");
    let response = pair.exchange(&right);
    assert!(matches!(pair.receive(&mut sign_in, response), Step::Done(_)));
}

trait UnwrapPrompt {
    fn unwrap_prompt(self) -> Prompt;
}

impl UnwrapPrompt for Step {
    fn unwrap_prompt(self) -> Prompt {
        match self {
            Step::Prompt(prompt) => prompt,
            other => panic!("expected a prompt, got {other:?}"),
        }
    }
}

#[test]
fn a_forgotten_device_is_dropped_and_the_sign_in_goes_on() {
    let mut pair = Pair::new(PoolSettings::with_devices_and_optional_mfa(), true);
    let mut devices = HashMap::new();
    let _ = pair.drive(pair.sign_in("alice", PASSWORD), &mut devices);
    // A device Cognito never heard of.
    let (ghost, _) =
        DeviceCredentials::generate(&mut rand::rng(), "eu-west-1_00000000-dead-beef-0000-000000000000", "-ghost");
    devices.insert("alice".into(), ghost.clone());
    let done = pair.drive(pair.sign_in("alice", PASSWORD).with_device(ghost), &mut devices);
    assert!(done.new_device().is_some(), "signed in as a new device");
    assert_ne!(devices["alice"].device_key(), "eu-west-1_00000000-dead-beef-0000-000000000000");
}

#[test]
fn a_wrong_device_password_is_refused() {
    let mut pair = Pair::new(PoolSettings::with_devices_and_optional_mfa(), false);
    let mut devices = HashMap::new();
    let _ = pair.drive(pair.sign_in("alice", PASSWORD), &mut devices);
    let real = devices["alice"].clone();
    let forged = DeviceCredentials::new(
        real.device_key(),
        real.device_group_key(),
        cognito_srp_auth::DevicePassword::from("guess"),
    );
    let mut sign_in = pair.sign_in("alice", PASSWORD).with_device(forged);
    let answer = pair.password_verifier_answer(&mut sign_in);
    let response = pair.exchange(&answer);
    let Step::Send(device_srp) = pair.receive(&mut sign_in, response) else { panic!("expected DEVICE_SRP_AUTH") };
    let response = pair.exchange(&device_srp);
    let Step::Send(claim) = pair.receive(&mut sign_in, response) else { panic!("expected the device claim") };
    assert_eq!(request_body(&claim)["ChallengeName"], "DEVICE_PASSWORD_VERIFIER");
    assert_eq!(error_of(pair.exchange(&claim)), incorrect());
}

#[test]
fn a_temporary_password_asks_for_a_new_one() {
    let mut rng = rand::rng();
    let mut pair = Pair::new(PoolSettings::default(), true);
    pair.service
        .admin_create_user(&pair.pool, "bob", HashMap::new(), &Password::from("Temp-1234"), false, &mut rng)
        .expect("created");
    let mut sign_in = pair.sign_in("bob", "Temp-1234");
    let answer = pair.password_verifier_answer(&mut sign_in);
    let response = pair.exchange(&answer);
    assert!(matches!(pair.receive(&mut sign_in, response).unwrap_prompt(), Prompt::NewPasswordRequired { .. }));
    let new = Answer::NewPassword { password: Password::from("Permanent-5678"), attributes: HashMap::new() };
    let request = sign_in.answer(new, &mut rng).expect("answer");
    let response = pair.exchange(&request);
    assert!(matches!(pair.receive(&mut sign_in, response), Step::Done(_)));
    // The new password works; the temporary one no longer does.
    assert!(
        pair.drive(pair.sign_in("bob", "Permanent-5678"), &mut HashMap::new())
            .tokens()
            .access_token()
            .expose_secret()
            .contains('.')
    );
    let answer = pair.password_verifier_answer(&mut pair.sign_in("bob", "Temp-1234"));
    assert_eq!(error_of(pair.exchange(&answer)), incorrect());
}

#[test]
fn required_mfa_sets_up_an_authenticator() {
    let settings = PoolSettings::default().with_mfa(MfaConfiguration::Required);
    let mut pair = Pair::new(settings, true);
    let mut sign_in = pair.sign_in("alice", PASSWORD);
    let answer = pair.password_verifier_answer(&mut sign_in);
    let response = pair.exchange(&answer);
    assert!(matches!(pair.receive(&mut sign_in, response).unwrap_prompt(), Prompt::MfaSetup { .. }));
    let associate = sign_in.answer(Answer::SetUpSoftwareToken, &mut rand::rng()).expect("associate");
    let response = pair.exchange(&associate);
    let Prompt::SoftwareTokenSecret { secret_code } = pair.receive(&mut sign_in, response).unwrap_prompt() else {
        panic!("expected the secret")
    };
    assert!(!format!("{secret_code:?}").contains(secret_code.expose_secret()), "Debug hides the seed");
    let code = totp(secret_code.expose_secret(), at(pair.now)).expect("Base32");
    let verify = sign_in.answer(Answer::Code(code), &mut rand::rng()).expect("verify");
    let response = pair.exchange(&verify);
    let Step::Send(respond) = pair.receive(&mut sign_in, response) else { panic!("expected MFA_SETUP answer") };
    let response = pair.exchange(&respond);
    assert!(matches!(pair.receive(&mut sign_in, response), Step::Done(_)));
    // From now on the authenticator is asked for, one code per 30-second step.
    pair.authenticator = Some(secret_code.expose_secret().to_owned());
    pair.now += 30;
    assert!(
        pair.drive(pair.sign_in("alice", PASSWORD), &mut HashMap::new())
            .tokens()
            .access_token()
            .expose_secret()
            .contains('.')
    );
}

#[test]
fn malformed_requests_get_service_errors() {
    let mut pair = Pair::new(PoolSettings::default(), true);
    let target = "AWSCognitoIdentityProviderService.InitiateAuth";
    assert_eq!(
        error_of(pair.service.handle(target, b"not json", at(pair.now), &mut rand::rng())).0,
        "SerializationException"
    );
    assert_eq!(
        error_of(pair.service.handle(
            "AWSCognitoIdentityProviderService.DeleteUser",
            b"{}",
            at(pair.now),
            &mut rand::rng()
        ))
        .0,
        "UnknownOperationException"
    );
    let body =
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": "nope", "AuthParameters": {"USERNAME": "alice", "SRP_A": "2"}});
    assert_eq!(error_of(pair.exchange_json(target, &body)).0, "ResourceNotFoundException");
    let body = json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": pair.app.client_id, "AuthParameters": {"USERNAME": "alice", "SRP_A": "2"}});
    assert!(error_of(pair.exchange_json(target, &body)).1.starts_with("Unable to verify secret hash"));
    let hash = cognito_srp_auth::SecretHash::new(
        pair.app.client_secret.as_ref().expect("secret"),
        "alice",
        &pair.app.client_id,
    );
    for srp_a in ["0", "zz", ""] {
        let body = json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": pair.app.client_id, "AuthParameters": {"USERNAME": "alice", "SRP_A": srp_a, "SECRET_HASH": hash.as_str()}});
        assert_eq!(
            error_of(pair.exchange_json(target, &body)),
            ("InvalidParameterException".into(), "SRP_A is invalid".into()),
            "{srp_a:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn random_users_sign_in_and_any_flipped_bit_is_refused(
        username in "[a-z][a-z0-9._-]{0,30}",
        alias in "[a-z]{1,10}@[a-z]{1,10}\\.com",
        password in "\\PC{1,40}",
        secret in any::<bool>(),
        use_alias in any::<bool>(),
        bit in 0usize..256,
    ) {
        let mut rng = rand::rng();
        let mut service = Service::new();
        let pool = service.create_user_pool("us-east-1", PoolSettings::default().with_email_alias(true), &mut rng);
        let app = service.create_app_client(&pool, secret, &mut rng);
        let attributes = HashMap::from([("email".to_owned(), alias.clone())]);
        service.admin_create_user(&pool, &username, attributes, &Password::from(password.as_str()), true, &mut rng).expect("created");
        let mut pair = Pair::with(service, pool, app, 1_800_000_000);
        let typed = if use_alias { alias.as_str() } else { username.as_str() };

        let mut sign_in = pair.sign_in(typed, &password);
        let answer = pair.password_verifier_answer(&mut sign_in);
        let signature = request_body(&answer)["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"].as_str().expect("sig").to_owned();
        let mut raw = base64_decode(&signature);
        raw[bit / 8] ^= 1 << (bit % 8);
        let mut flipped = request_body(&answer).clone();
        set(&mut flipped, "PASSWORD_CLAIM_SIGNATURE", &base64_encode(&raw));
        prop_assert_eq!(error_of(pair.exchange_json(&answer.target(), &flipped)), incorrect());

        let done = pair.drive(pair.sign_in(typed, &password), &mut HashMap::new());
        prop_assert_eq!(done.username(), username.as_str());
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).expect("Base64")
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A pool whose user alice also has a phone number.
fn with_phone(settings: PoolSettings) -> Pair {
    let mut pair = Pair::new(settings, true);
    let attributes = HashMap::from([
        ("email".to_owned(), "carol@example.com".to_owned()),
        ("phone_number".to_owned(), "+15555550123".to_owned()),
    ]);
    pair.service
        .admin_create_user(&pair.pool, "carol", attributes, &Password::from(PASSWORD), true, &mut rand::rng())
        .expect("created");
    pair
}

#[test]
fn sms_mfa_sends_a_code_to_the_phone() {
    let mut pair = with_phone(PoolSettings::default().with_mfa(MfaConfiguration::Optional));
    pair.service.admin_set_user_mfa_preference(&pair.pool, "carol", true, false).expect("user");
    let mut sign_in = pair.sign_in("carol", PASSWORD);
    let answer = pair.password_verifier_answer(&mut sign_in);
    let response = pair.exchange(&answer);
    assert_eq!(
        pair.receive(&mut sign_in, response).unwrap_prompt(),
        Prompt::SmsMfa { destination: Some("+*******0123".into()) }
    );
    let sent = pair.service.take_outbox();
    assert_eq!((sent.len(), sent[0].medium, sent[0].destination.as_str()), (1, "SMS", "+15555550123"));
    let wrong = sign_in.answer(Answer::Code("not it".into()), &mut rand::rng()).expect("answer");
    let (status, body) = pair.exchange(&wrong);
    assert_eq!(error_of((status, body.clone())).0, "CodeMismatchException");
    // The refused code puts the prompt back on the client side, and the session stays on the server.
    assert!(sign_in.receive(status, &body, at(pair.now), &mut rand::rng()).is_err());
    let request = sign_in.answer(Answer::Code(sent[0].code.clone()), &mut rand::rng()).expect("answer again");
    let response = pair.exchange(&request);
    assert!(matches!(pair.receive(&mut sign_in, response), Step::Done(_)));
}

#[test]
fn select_mfa_type_then_an_email_code() {
    let mut pair = Pair::new(PoolSettings::default().with_mfa(MfaConfiguration::Optional), false).with_totp();
    pair.service.admin_set_user_mfa_preference(&pair.pool, "alice", false, true).expect("user");
    pair.mfa_choice = MfaType::Email;
    let mut sign_in = pair.sign_in("alice", PASSWORD);
    let answer = pair.password_verifier_answer(&mut sign_in);
    let response = pair.exchange(&answer);
    let Prompt::SelectMfaType { options } = pair.receive(&mut sign_in, response).unwrap_prompt() else {
        panic!("expected SELECT_MFA_TYPE")
    };
    assert_eq!(options, vec!["SOFTWARE_TOKEN_MFA".to_owned(), "EMAIL_OTP".to_owned()]);
    let done = pair.drive(pair.sign_in("alice", PASSWORD), &mut HashMap::new());
    assert!(done.tokens().access_token().expose_secret().contains('.'));
    // And the authenticator when chosen.
    pair.mfa_choice = MfaType::SoftwareToken;
    assert!(
        pair.drive(pair.sign_in("alice", PASSWORD), &mut HashMap::new())
            .tokens()
            .access_token()
            .expose_secret()
            .contains('.')
    );
}

#[test]
fn custom_auth_after_srp_asks_the_hook_s_challenge() {
    let mut pair = Pair::new(PoolSettings::default(), true);
    let hook = |username: &str| CustomChallenge {
        parameters: HashMap::from([("question".to_owned(), format!("favourite colour of {username}?"))]),
        answer: "blue".to_owned(),
    };
    pair.service.set_custom_challenge_hook(&pair.pool, Box::new(hook));
    pair.custom_answer = "blue".into();
    let done = pair.drive(
        SignIn::custom_auth_with_srp(pair.client(), "alice", Password::from(PASSWORD)).expect("valid"),
        &mut HashMap::new(),
    );
    assert!(done.tokens().access_token().expose_secret().contains('.'));

    // The prompt carries the hook's parameters; a wrong answer fails.
    let mut sign_in = SignIn::custom_auth_with_srp(pair.client(), "alice", Password::from(PASSWORD)).expect("valid");
    let answer = pair.password_verifier_answer(&mut sign_in);
    let response = pair.exchange(&answer);
    let Prompt::CustomChallenge { parameters } = pair.receive(&mut sign_in, response).unwrap_prompt() else {
        panic!("expected CUSTOM_CHALLENGE")
    };
    assert_eq!(parameters["question"], "favourite colour of alice?");
    let wrong = sign_in.answer(Answer::Custom("red".into()), &mut rand::rng()).expect("answer");
    assert_eq!(error_of(pair.exchange(&wrong)), incorrect());
}

#[test]
fn user_auth_every_selection_signs_in() {
    for selection in [
        Selection::PasswordSrp(Password::from(PASSWORD)),
        Selection::Password(Password::from(PASSWORD)),
        Selection::EmailOtp,
        Selection::SmsOtp,
    ] {
        let mut pair = with_phone(PoolSettings::default().with_email_alias(true));
        pair.selection = Some(selection.clone());
        let done = pair.drive(SignIn::user_auth(pair.client(), "carol", None).expect("valid"), &mut HashMap::new());
        assert_eq!(done.username(), "carol", "{selection:?}");
        // With the selection as PREFERRED_CHALLENGE there is no SELECT_CHALLENGE.
        pair.selection = None;
        let done = pair.drive(
            SignIn::user_auth(pair.client(), "carol@example.com", Some(selection.clone())).expect("valid"),
            &mut HashMap::new(),
        );
        assert_eq!(done.username(), "carol", "preferred {selection:?}");
    }
}

#[test]
fn user_password_auth_checks_the_password() {
    let mut pair = Pair::new(PoolSettings::default().with_email_alias(true), true);
    let done = pair.drive(
        SignIn::user_password(pair.client(), "alice@example.com", Password::from(PASSWORD)).expect("valid"),
        &mut HashMap::new(),
    );
    assert_eq!(done.username(), "alice");
    let mut sign_in = SignIn::user_password(pair.client(), "alice", Password::from("wrong")).expect("valid");
    let initiate = sign_in.start(&mut rand::rng()).expect("starts");
    assert_eq!(error_of(pair.exchange(&initiate)), incorrect());
}

#[test]
fn required_mfa_can_set_up_email_codes() {
    let mut pair = Pair::new(PoolSettings::default().with_mfa(MfaConfiguration::Required), false);
    let mut sign_in = pair.sign_in("alice", PASSWORD);
    let answer = pair.password_verifier_answer(&mut sign_in);
    let response = pair.exchange(&answer);
    assert!(matches!(pair.receive(&mut sign_in, response).unwrap_prompt(), Prompt::MfaSetup { .. }));
    let setup =
        sign_in.answer(Answer::SetUpEmailMfa { email: "alice@example.com".into() }, &mut rand::rng()).expect("answer");
    let response = pair.exchange(&setup);
    assert!(matches!(pair.receive(&mut sign_in, response).unwrap_prompt(), Prompt::EmailOtp { .. }));
    let code = pair.service.take_outbox().pop().expect("sent").code;
    let request = sign_in.answer(Answer::Code(code), &mut rand::rng()).expect("answer");
    let response = pair.exchange(&request);
    assert!(matches!(pair.receive(&mut sign_in, response), Step::Done(_)));
}

#[path = "../fuzz/src/targets.rs"]
#[allow(dead_code, reason = "only the live server of the fuzz targets is used here")]
mod targets;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Requests built from the operations' own fields, aimed at a server with
    /// live state (an SRP session waiting for PASSWORD_VERIFIER, an MFA
    /// session, access and refresh tokens, a device key): every answer is 200
    /// or a 400 with Cognito's `__type` and `message`, and a password-verifier
    /// answer the request could not have signed never gets past it.
    #[test]
    fn requests_against_live_sessions_and_tokens_get_cognito_shaped_answers(
        operation in prop_oneof![
            Just("InitiateAuth"), Just("RespondToAuthChallenge"), Just("ConfirmDevice"),
            Just("UpdateDeviceStatus"), Just("AssociateSoftwareToken"), Just("VerifySoftwareToken"),
        ],
        flow in prop_oneof![
            Just("USER_SRP_AUTH".to_owned()), Just("USER_AUTH".to_owned()), Just("CUSTOM_AUTH".to_owned()),
            Just("USER_PASSWORD_AUTH".to_owned()), Just("REFRESH_TOKEN_AUTH".to_owned()), ".{0,8}",
        ],
        challenge in prop_oneof![
            Just("PASSWORD_VERIFIER"), Just("DEVICE_SRP_AUTH"), Just("DEVICE_PASSWORD_VERIFIER"),
            Just("SOFTWARE_TOKEN_MFA"), Just("NEW_PASSWORD_REQUIRED"), Just("MFA_SETUP"), Just("SELECT_CHALLENGE"),
        ],
        fields in prop::collection::vec((
            prop_oneof![
                Just("USERNAME"), Just("SRP_A"), Just("SECRET_HASH"), Just("PASSWORD"), Just("ANSWER"),
                Just("TIMESTAMP"), Just("PASSWORD_CLAIM_SIGNATURE"), Just("PASSWORD_CLAIM_SECRET_BLOCK"),
                Just("DEVICE_KEY"), Just("REFRESH_TOKEN"), Just("SOFTWARE_TOKEN_MFA_CODE"), Just("NEW_PASSWORD"),
                Just("PREFERRED_CHALLENGE"), Just("CHALLENGE_NAME"),
            ],
            prop_oneof![
                Just("alice".to_owned()), Just("bob".to_owned()), Just("2".to_owned()),
                Just("@Ha".to_owned()), Just("@Hb".to_owned()), Just("@P".to_owned()), Just("@B".to_owned()),
                Just("@W".to_owned()), Just("@D".to_owned()), Just("@R".to_owned()), Just("@T".to_owned()),
                Just("PASSWORD_SRP".to_owned()), Just("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned()), ".{0,12}",
            ],
        ), 0..8),
        session in prop_oneof![Just("@S"), Just("@M"), Just("nope")],
        token in prop_oneof![Just("@A"), Just("@R"), Just("x.y.z")],
        client in prop_oneof![Just("@C"), Just("unknown")],
        device in prop_oneof![Just("@D"), Just("eu-west-1_0000")],
        code in prop_oneof![Just("@T".to_owned()), Just("000000".to_owned()), "[0-9]{0,7}"],
    ) {
        let mut server = targets::LiveServer::new();
        let parameters: serde_json::Map<String, Value> = fields.into_iter().map(|(k, v)| (k.to_owned(), json!(v))).collect();
        let body = json!({
            "AuthFlow": flow, "ClientId": client, "AuthParameters": parameters, "ChallengeResponses": parameters,
            "ChallengeName": challenge, "Session": session, "AccessToken": token, "DeviceKey": device,
            "UserCode": code, "DeviceName": "d", "DeviceRememberedStatus": "remembered",
            "DeviceSecretVerifierConfig": {"PasswordVerifier": "AAEC", "Salt": "AAEC"},
        });
        let body = server.substitute(&body.to_string());
        server.check(operation, body.as_bytes());
    }

    /// The live SRP session answered with every field right but a proof the
    /// client could not have made (random signature bytes, or the right shape
    /// with an edited secret block or timestamp): refused, never tokens.
    #[test]
    fn a_password_verifier_answer_without_the_proof_never_signs_in(
        signature in prop::collection::vec(any::<u8>(), 32),
        edit in 0usize..3,
        device in any::<bool>(),
    ) {
        let mut server = targets::LiveServer::new();
        let mut responses = json!({
            "USERNAME": "alice", "SECRET_HASH": "@Ha", "PASSWORD_CLAIM_SECRET_BLOCK": "@B",
            "TIMESTAMP": "@W", "PASSWORD_CLAIM_SIGNATURE": base64_encode(&signature),
        });
        match edit {
            1 => responses["PASSWORD_CLAIM_SECRET_BLOCK"] = json!("AAAA"),
            2 => responses["TIMESTAMP"] = json!("Tue Nov 25 15:06:41 UTC 2025"),
            _ => {}
        }
        if device {
            responses["DEVICE_KEY"] = json!("@D");
        }
        let body = json!({"ChallengeName": "PASSWORD_VERIFIER", "ClientId": "@C", "Session": "@S", "ChallengeResponses": responses});
        let body = server.substitute(&body.to_string());
        let (status, response) = server.check("RespondToAuthChallenge", body.as_bytes());
        prop_assert_eq!(status, 400, "{}", response);
    }
}

/// A request's body as JSON, to look into.
fn request_body(request: &Request) -> Value {
    serde_json::from_str(request.body_json()).expect("the machine writes JSON")
}
