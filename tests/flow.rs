//! Scripted transcripts of whole sign-ins through the state machine: every
//! request body is compared field by field with what the protocol notes say
//! a reference client sends, and every SRP claim is checked by an
//! independent server computation.

#![cfg(feature = "json")]

mod common;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognito_srp_auth::flow::{
    AccessToken, Answer, AppClient, DeviceOutcome, DeviceStore, MemoryDeviceStore, MfaType, NotConfirmed, PoolUser,
    Prompt, RefreshToken, Request, Selection, ServiceErrorKind, SignIn, Step,
};
use cognito_srp_auth::wire::Operation;
use cognito_srp_auth::{ClientSecret, DeviceCredentials, Error, Origin, Password, SecretHash, Timestamp, UserPoolId};
use common::{Server, expected_signature};
use num_bigint::BigUint;
use serde_json::{Value, json};

const POOL: &str = "eu-west-1_AbC123";
const CLIENT_ID: &str = "3n4b5urk1ft4fl3mg5e62d9ado";
const SECRET: &str = "client-secret-of-the-app";
const TYPED: &str = "alice@example.com";
const POOL_USERNAME: &str = "2c4f8a1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
const PASSWORD: &str = "correct horse battery";

fn now() -> Timestamp {
    Timestamp::from_unix_seconds(1_764_000_000).expect("in range")
}

fn client(secret: bool) -> AppClient {
    let client = AppClient::new(UserPoolId::parse(POOL).expect("valid"), CLIENT_ID);
    if secret { client.with_client_secret(ClientSecret::from(SECRET)) } else { client }
}

fn pool_user() -> PoolUser {
    PoolUser::new(UserPoolId::parse(POOL).expect("valid"), POOL_USERNAME)
}

fn secret_hash(username: &str) -> String {
    SecretHash::new(&ClientSecret::from(SECRET), username, CLIENT_ID).as_str().to_owned()
}

/// The keys of a parameter map, sorted.
fn keys(map: &Value) -> BTreeSet<String> {
    map.as_object().expect("an object").keys().cloned().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

fn send(step: Step) -> Request {
    match step {
        Step::Send(request) => request,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn prompt(step: Step) -> Prompt {
    match step {
        Step::Prompt(prompt) => prompt,
        other => panic!("expected a prompt, got {other:?}"),
    }
}

fn ok(body: Value) -> (u16, Vec<u8>) {
    (200, body.to_string().into_bytes())
}

fn challenge(name: &str, session: &str, parameters: Value) -> (u16, Vec<u8>) {
    ok(json!({"ChallengeName": name, "Session": session, "ChallengeParameters": parameters}))
}

fn tokens(new_device: Option<(&str, &str)>) -> (u16, Vec<u8>) {
    let mut result = json!({"AccessToken": "access.jwt", "ExpiresIn": 3600, "TokenType": "Bearer", "RefreshToken": "refresh", "IdToken": "id.jwt"});
    if let Some((key, group)) = new_device {
        result["NewDeviceMetadata"] = json!({"DeviceKey": key, "DeviceGroupKey": group});
    }
    ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
}

fn service_error(kind: &str, message: &str) -> (u16, Vec<u8>) {
    (400, json!({"__type": kind, "message": message}).to_string().into_bytes())
}

fn receive(sign_in: &mut SignIn, (status, body): (u16, Vec<u8>)) -> Result<Step, Error> {
    sign_in.receive(status, &body, now(), &mut rand::rng())
}

/// The server side of one SRP round, computed independently with num-bigint.
struct SrpRound {
    server: Server,
    v: BigUint,
    salt: BigUint,
    prefix: String,
    id: String,
    b: BigUint,
    secret_block: Vec<u8>,
}

impl SrpRound {
    fn user() -> Self {
        let server = Server::new();
        let salt = BigUint::parse_bytes(b"0ef9cba755bd775303b351be65d7b3b6", 16).expect("hex");
        let x = server.x(&salt, "AbC123", POOL_USERNAME, PASSWORD);
        let v = server.g.modpow(&x, &server.n);
        Self::with(server, v, salt, "AbC123", POOL_USERNAME)
    }

    /// A device round, from what ConfirmDevice registered.
    fn device(group: &str, key: &str, confirm: &Value) -> Self {
        let config = &confirm["DeviceSecretVerifierConfig"];
        let decode = |v: &Value| BigUint::from_bytes_be(&STANDARD.decode(v.as_str().expect("string")).expect("Base64"));
        Self::with(Server::new(), decode(&config["PasswordVerifier"]), decode(&config["Salt"]), group, key)
    }

    fn with(server: Server, v: BigUint, salt: BigUint, prefix: &str, id: &str) -> Self {
        let b = BigUint::from_bytes_be(&[0x5a; 32]);
        SrpRound {
            server,
            v,
            salt,
            prefix: prefix.into(),
            id: id.into(),
            b,
            secret_block: b"opaque server state".to_vec(),
        }
    }

    /// The challenge parameters for the client's SRP_A.
    fn parameters(&self, srp_a: &str, user_id: bool) -> Value {
        let a = BigUint::parse_bytes(srp_a.as_bytes(), 16).expect("hex");
        let (b_public, _, _) = self.server.session(&self.v, &self.b, &a);
        let mut parameters = json!({
            "SRP_B": b_public.to_str_radix(16),
            "SALT": self.salt.to_str_radix(16),
            "SECRET_BLOCK": STANDARD.encode(&self.secret_block),
            "USERNAME": POOL_USERNAME,
        });
        if user_id {
            parameters["USER_ID_FOR_SRP"] = json!(POOL_USERNAME);
        }
        parameters
    }

    /// Checks the claim in a verifier answer, as Cognito would.
    fn check_claim(&self, srp_a: &str, responses: &Value) {
        let a = BigUint::parse_bytes(srp_a.as_bytes(), 16).expect("hex");
        let (_, s, u) = self.server.session(&self.v, &self.b, &a);
        let timestamp = responses["TIMESTAMP"].as_str().expect("TIMESTAMP");
        assert_eq!(timestamp, now().to_string(), "TIMESTAMP is taken when signing");
        assert_eq!(responses["PASSWORD_CLAIM_SECRET_BLOCK"], STANDARD.encode(&self.secret_block));
        let want = expected_signature(&s, &u, &self.prefix, &self.id, &self.secret_block, timestamp);
        assert_eq!(responses["PASSWORD_CLAIM_SIGNATURE"], want.as_str(), "the server accepts the claim");
    }
}

/// Signs in with USER_SRP_AUTH up to the PASSWORD_VERIFIER answer.
fn through_password_verifier(sign_in: &mut SignIn, round: &SrpRound) -> Request {
    let initiate = sign_in.start(&mut rand::rng()).expect("starts");
    let srp_a = request_body(&initiate)["AuthParameters"]["SRP_A"].as_str().expect("SRP_A").to_owned();
    let step =
        receive(sign_in, challenge("PASSWORD_VERIFIER", "session-1", round.parameters(&srp_a, true))).expect("answers");
    let answer = send(step);
    round.check_claim(&srp_a, &request_body(&answer)["ChallengeResponses"]);
    answer
}

#[test]
fn user_srp_auth_with_a_client_secret_mfa_and_a_new_device() {
    let round = SrpRound::user();
    let store = Arc::new(MemoryDeviceStore::new());
    let mut sign_in = SignIn::user_srp(client(true), TYPED, Password::from(PASSWORD))
        .expect("valid")
        .with_device_store(store.clone());

    // InitiateAuth: the typed name, and SECRET_HASH over it.
    let initiate = sign_in.start(&mut rand::rng()).expect("starts");
    assert_eq!(initiate.operation(), Operation::InitiateAuth);
    assert_eq!(initiate.target(), "AWSCognitoIdentityProviderService.InitiateAuth");
    let body = request_body(&initiate);
    assert_eq!(body["AuthFlow"], "USER_SRP_AUTH");
    assert_eq!(body["ClientId"], CLIENT_ID);
    assert_eq!(keys(&body["AuthParameters"]), set(&["USERNAME", "SRP_A", "SECRET_HASH"]));
    assert_eq!(body["AuthParameters"]["USERNAME"], TYPED);
    assert_eq!(body["AuthParameters"]["SECRET_HASH"], secret_hash(TYPED).as_str());
    let srp_a = body["AuthParameters"]["SRP_A"].as_str().expect("SRP_A").to_owned();

    // PASSWORD_VERIFIER: the pool username from here on, SECRET_HASH over it.
    let step = receive(&mut sign_in, challenge("PASSWORD_VERIFIER", "session-1", round.parameters(&srp_a, true)))
        .expect("answers");
    let answer = send(step);
    let body = request_body(&answer);
    assert_eq!(body["ChallengeName"], "PASSWORD_VERIFIER");
    assert_eq!(body["Session"], "session-1");
    let responses = &body["ChallengeResponses"];
    assert_eq!(
        keys(responses),
        set(&["USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP", "SECRET_HASH"])
    );
    assert_eq!(responses["USERNAME"], POOL_USERNAME);
    assert_eq!(responses["SECRET_HASH"], secret_hash(POOL_USERNAME).as_str());
    round.check_claim(&srp_a, responses);
    assert_eq!(sign_in.username(), POOL_USERNAME);

    // SOFTWARE_TOKEN_MFA goes to the user.
    let step = receive(&mut sign_in, challenge("SOFTWARE_TOKEN_MFA", "session-2", json!({"USERNAME": POOL_USERNAME})))
        .expect("prompt");
    assert_eq!(prompt(step), Prompt::SoftwareTokenMfa);
    let answer = sign_in.answer(Answer::Code("123456".into()), &mut rand::rng()).expect("answer");
    let body = request_body(&answer);
    assert_eq!(body["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(body["Session"], "session-2");
    assert_eq!(keys(&body["ChallengeResponses"]), set(&["USERNAME", "SOFTWARE_TOKEN_MFA_CODE", "SECRET_HASH"]));
    assert_eq!(body["ChallengeResponses"]["SOFTWARE_TOKEN_MFA_CODE"], "123456");

    // Tokens with NewDeviceMetadata: the credentials are stored before ConfirmDevice.
    let step = receive(&mut sign_in, tokens(Some(("eu-west-1_d3v1c3", "-khvS3rfgp")))).expect("device");
    let device = store.load(&pool_user()).expect("loads").expect("stored before ConfirmDevice");
    assert_eq!((device.device_key(), device.device_group_key()), ("eu-west-1_d3v1c3", "-khvS3rfgp"));
    let confirm = send(step);
    assert_eq!(confirm.operation(), Operation::ConfirmDevice);
    let body = request_body(&confirm).clone();
    assert_eq!(keys(&body), set(&["AccessToken", "DeviceKey", "DeviceSecretVerifierConfig"]));
    assert_eq!(body["AccessToken"], "access.jwt");
    assert_eq!(body["DeviceKey"], "eu-west-1_d3v1c3");
    // The verifier proves the stored password: x over group key, device key, password.
    let device_round = SrpRound::device("-khvS3rfgp", "eu-west-1_d3v1c3", &body);
    let x = device_round.server.x(
        &device_round.salt,
        "-khvS3rfgp",
        "eu-west-1_d3v1c3",
        device.device_password().expose_secret(),
    );
    assert_eq!(device_round.v, device_round.server.g.modpow(&x, &device_round.server.n));

    // The pool lets the user choose: the machine asks, then sends UpdateDeviceStatus.
    let step = receive(&mut sign_in, ok(json!({"UserConfirmationNecessary": true}))).expect("asks");
    assert_eq!(prompt(step), Prompt::RememberDevice { device_key: "eu-west-1_d3v1c3".into() });
    let update = sign_in.answer(Answer::RememberDevice(true), &mut rand::rng()).expect("update");
    assert_eq!(
        request_body(&update),
        json!({"AccessToken": "access.jwt", "DeviceKey": "eu-west-1_d3v1c3", "DeviceRememberedStatus": "remembered"})
    );
    let step = receive(&mut sign_in, ok(json!({}))).expect("done");
    let Step::Done(signed_in) = step else { panic!("expected Done, got {step:?}") };
    assert_eq!(signed_in.tokens().access_token().expose_secret(), "access.jwt");
    assert_eq!(signed_in.tokens().expires_at(), Timestamp::from_unix_seconds(now().unix_seconds() + 3600));
    assert_eq!(signed_in.username(), POOL_USERNAME);
    let new_device = signed_in.new_device().expect("a new device");
    assert_eq!(new_device.outcome(), &DeviceOutcome::Remembered);
    assert!(matches!(sign_in.answer(Answer::Code("1".into()), &mut rand::rng()), Err(Error::OutOfOrder)));
}

fn remembered_device() -> (DeviceCredentials, Value) {
    let mut rng = rand::rng();
    let (device, config) = DeviceCredentials::generate(&mut rng, "eu-west-1_d3v1c3", "-khvS3rfgp");
    let confirm =
        json!({"DeviceSecretVerifierConfig": {"PasswordVerifier": config.password_verifier(), "Salt": config.salt()}});
    (device, confirm)
}

#[test]
fn a_remembered_device_answers_device_srp_with_a_fresh_ephemeral() {
    let round = SrpRound::user();
    let (device, confirm) = remembered_device();
    let mut sign_in =
        SignIn::user_srp(client(true), TYPED, Password::from(PASSWORD)).expect("valid").with_device(device);
    let initiate = sign_in.start(&mut rand::rng()).expect("starts");
    assert_eq!(request_body(&initiate)["AuthParameters"]["DEVICE_KEY"], "eu-west-1_d3v1c3");
    let first_a = request_body(&initiate)["AuthParameters"]["SRP_A"].as_str().expect("SRP_A").to_owned();
    let step = receive(&mut sign_in, challenge("PASSWORD_VERIFIER", "session-1", round.parameters(&first_a, true)))
        .expect("answers");
    let answer = send(step);
    assert_eq!(
        request_body(&answer)["ChallengeResponses"]["DEVICE_KEY"],
        "eu-west-1_d3v1c3",
        "DEVICE_KEY on PASSWORD_VERIFIER"
    );
    round.check_claim(&first_a, &request_body(&answer)["ChallengeResponses"]);

    let step = receive(&mut sign_in, challenge("DEVICE_SRP_AUTH", "session-2", json!({"USERNAME": POOL_USERNAME})))
        .expect("device srp");
    let request = send(step);
    let body = request_body(&request);
    assert_eq!(body["ChallengeName"], "DEVICE_SRP_AUTH");
    assert_eq!(keys(&body["ChallengeResponses"]), set(&["USERNAME", "DEVICE_KEY", "SRP_A", "SECRET_HASH"]));
    assert_eq!(
        body["ChallengeResponses"]["SECRET_HASH"],
        secret_hash(POOL_USERNAME).as_str(),
        "SECRET_HASH on DEVICE_SRP_AUTH"
    );
    let device_a = body["ChallengeResponses"]["SRP_A"].as_str().expect("SRP_A").to_owned();
    assert_ne!(device_a, first_a, "a fresh ephemeral for the device round");

    let device_round = SrpRound::device("-khvS3rfgp", "eu-west-1_d3v1c3", &confirm);
    let step = receive(
        &mut sign_in,
        challenge("DEVICE_PASSWORD_VERIFIER", "session-3", device_round.parameters(&device_a, false)),
    )
    .expect("claim");
    let request = send(step);
    let responses = &request_body(&request)["ChallengeResponses"];
    assert_eq!(
        keys(responses),
        set(&[
            "USERNAME",
            "PASSWORD_CLAIM_SECRET_BLOCK",
            "PASSWORD_CLAIM_SIGNATURE",
            "TIMESTAMP",
            "DEVICE_KEY",
            "SECRET_HASH"
        ])
    );
    device_round.check_claim(&device_a, responses);
    assert_eq!(request_body(&request)["Session"], "session-3");

    let Step::Done(signed_in) = receive(&mut sign_in, tokens(None)).expect("done") else { panic!("expected Done") };
    assert!(signed_in.new_device().is_none());
}

#[test]
fn a_device_cognito_forgot_is_dropped_and_the_claim_sent_again_without_it() {
    let round = SrpRound::user();
    let (device, _) = remembered_device();
    let mut sign_in =
        SignIn::user_srp(client(false), TYPED, Password::from(PASSWORD)).expect("valid").with_device(device);
    let initiate = sign_in.start(&mut rand::rng()).expect("starts");
    let srp_a = request_body(&initiate)["AuthParameters"]["SRP_A"].as_str().expect("SRP_A").to_owned();
    let first = send(
        receive(&mut sign_in, challenge("PASSWORD_VERIFIER", "session-1", round.parameters(&srp_a, true)))
            .expect("answers"),
    );
    assert!(request_body(&first)["ChallengeResponses"].get("DEVICE_KEY").is_some());

    let step =
        receive(&mut sign_in, service_error("ResourceNotFoundException", "Device does not exist.")).expect("handled");
    let again = send(step);
    let responses = &request_body(&again)["ChallengeResponses"];
    assert_eq!(
        keys(responses),
        set(&["USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"])
    );
    assert_eq!(request_body(&again)["Session"], "session-1", "the same session");
    round.check_claim(&srp_a, responses);
    assert!(matches!(receive(&mut sign_in, tokens(None)), Ok(Step::Done(_))));
}

#[test]
fn a_public_client_sends_no_secret_hash() {
    let round = SrpRound::user();
    let mut sign_in = SignIn::user_srp(client(false), TYPED, Password::from(PASSWORD)).expect("valid");
    let answer = through_password_verifier(&mut sign_in, &round);
    assert!(request_body(&answer)["ChallengeResponses"].get("SECRET_HASH").is_none());
}

#[test]
fn custom_auth_starts_with_srp_then_asks_the_custom_challenge() {
    let round = SrpRound::user();
    let (device, _) = remembered_device();
    let mut sign_in =
        SignIn::custom_auth_with_srp(client(true), TYPED, Password::from(PASSWORD)).expect("valid").with_device(device);
    let initiate = sign_in.start(&mut rand::rng()).expect("starts");
    assert_eq!(request_body(&initiate)["AuthFlow"], "CUSTOM_AUTH");
    assert_eq!(
        keys(&request_body(&initiate)["AuthParameters"]),
        set(&["USERNAME", "SRP_A", "CHALLENGE_NAME", "DEVICE_KEY", "SECRET_HASH"])
    );
    assert_eq!(request_body(&initiate)["AuthParameters"]["CHALLENGE_NAME"], "SRP_A");
    let srp_a = request_body(&initiate)["AuthParameters"]["SRP_A"].as_str().expect("SRP_A").to_owned();
    let _ = send(
        receive(&mut sign_in, challenge("PASSWORD_VERIFIER", "s1", round.parameters(&srp_a, true))).expect("answers"),
    );

    let step = receive(
        &mut sign_in,
        challenge("CUSTOM_CHALLENGE", "s2", json!({"USERNAME": POOL_USERNAME, "question": "colour?"})),
    )
    .expect("prompt");
    let Prompt::CustomChallenge { parameters } = prompt(step) else { panic!("expected a custom challenge") };
    assert_eq!(parameters["question"], "colour?");
    let answer = sign_in.answer(Answer::Custom("blue".into()), &mut rand::rng()).expect("answer");
    assert_eq!(
        keys(&request_body(&answer)["ChallengeResponses"]),
        set(&["USERNAME", "ANSWER", "DEVICE_KEY", "SECRET_HASH"])
    );
    assert_eq!(request_body(&answer)["ChallengeResponses"]["ANSWER"], "blue");
}

#[test]
fn user_password_auth_sends_the_password() {
    let mut sign_in = SignIn::user_password(client(true), TYPED, Password::from(PASSWORD)).expect("valid");
    let initiate = sign_in.start(&mut rand::rng()).expect("starts");
    assert_eq!(request_body(&initiate)["AuthFlow"], "USER_PASSWORD_AUTH");
    assert_eq!(keys(&request_body(&initiate)["AuthParameters"]), set(&["USERNAME", "PASSWORD", "SECRET_HASH"]));
    assert_eq!(request_body(&initiate)["AuthParameters"]["PASSWORD"], PASSWORD);
    assert!(!format!("{initiate:?}").contains(PASSWORD), "Debug hides the body");
    assert!(matches!(receive(&mut sign_in, tokens(None)), Ok(Step::Done(_))));
}

#[test]
fn refresh_uses_the_pool_username_for_secret_hash_and_sends_the_device_key() {
    let (device, _) = remembered_device();
    let mut sign_in = SignIn::refresh(client(true), POOL_USERNAME, &RefreshToken::from("the-refresh-token"))
        .expect("valid")
        .with_device(device);
    let initiate = sign_in.start(&mut rand::rng()).expect("starts");
    let body = request_body(&initiate);
    assert_eq!(body["AuthFlow"], "REFRESH_TOKEN_AUTH");
    assert_eq!(keys(&body["AuthParameters"]), set(&["REFRESH_TOKEN", "DEVICE_KEY", "SECRET_HASH"]));
    assert_eq!(body["AuthParameters"]["SECRET_HASH"], secret_hash(POOL_USERNAME).as_str());
    let Step::Done(done) =
        receive(&mut sign_in, ok(json!({"AuthenticationResult": {"AccessToken": "new", "IdToken": "id"}})))
            .expect("done")
    else {
        panic!("expected Done")
    };
    assert_eq!(done.tokens().refresh_token(), None);
}

#[test]
fn user_auth_with_a_preferred_challenge_and_select_challenge() {
    // PREFERRED_CHALLENGE = PASSWORD_SRP puts SRP_A on InitiateAuth.
    let round = SrpRound::user();
    let mut sign_in =
        SignIn::user_auth(client(false), TYPED, Some(Selection::PasswordSrp(Password::from(PASSWORD)))).expect("valid");
    let initiate = sign_in.start(&mut rand::rng()).expect("starts");
    assert_eq!(request_body(&initiate)["AuthFlow"], "USER_AUTH");
    assert_eq!(keys(&request_body(&initiate)["AuthParameters"]), set(&["USERNAME", "PREFERRED_CHALLENGE", "SRP_A"]));
    assert_eq!(request_body(&initiate)["AuthParameters"]["PREFERRED_CHALLENGE"], "PASSWORD_SRP");
    let srp_a = request_body(&initiate)["AuthParameters"]["SRP_A"].as_str().expect("SRP_A").to_owned();
    let answer = send(
        receive(&mut sign_in, challenge("PASSWORD_VERIFIER", "s1", round.parameters(&srp_a, true))).expect("answers"),
    );
    round.check_claim(&srp_a, &request_body(&answer)["ChallengeResponses"]);

    // Without a preference: SELECT_CHALLENGE, then each choice.
    for (selection, extra, next) in [
        (Selection::EmailOtp, None, Some("EMAIL_OTP")),
        (Selection::SmsOtp, None, Some("SMS_OTP")),
        (Selection::WebAuthn, None, Some("WEB_AUTHN")),
        (Selection::Password(Password::from(PASSWORD)), Some("PASSWORD"), None),
        (Selection::PasswordSrp(Password::from(PASSWORD)), Some("SRP_A"), None),
    ] {
        let mut sign_in = SignIn::user_auth(client(true), TYPED, None).expect("valid");
        let initiate = sign_in.start(&mut rand::rng()).expect("starts");
        assert_eq!(keys(&request_body(&initiate)["AuthParameters"]), set(&["USERNAME", "SECRET_HASH"]));
        let available = json!({"ChallengeName": "SELECT_CHALLENGE", "Session": "s1", "ChallengeParameters": {"USERNAME": POOL_USERNAME},
            "AvailableChallenges": ["PASSWORD_SRP", "PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"]});
        let step = receive(&mut sign_in, ok(available)).expect("prompt");
        let Prompt::SelectChallenge { available } = prompt(step) else { panic!("expected SELECT_CHALLENGE") };
        assert_eq!(available.len(), 5);
        let answer = sign_in.answer(Answer::Select(selection), &mut rand::rng()).expect("answer");
        let responses = &request_body(&answer)["ChallengeResponses"];
        let mut want = vec!["USERNAME", "ANSWER", "SECRET_HASH"];
        want.extend(extra);
        assert_eq!(keys(responses), set(&want));
        assert_eq!(request_body(&answer)["ChallengeName"], "SELECT_CHALLENGE");
        if let Some(next) = next {
            assert_eq!(responses["ANSWER"], next);
            let parameters = json!({"USERNAME": POOL_USERNAME, "CODE_DELIVERY_DESTINATION": "a***@e***", "CREDENTIAL_REQUEST_OPTIONS": "{\"challenge\":\"x\"}"});
            let step = receive(&mut sign_in, challenge(next, "s2", parameters)).expect("prompt");
            let (answer, key) = match prompt(step) {
                Prompt::EmailOtp { destination } => {
                    assert_eq!(destination.as_deref(), Some("a***@e***"));
                    (Answer::Code("111".into()), "EMAIL_OTP_CODE")
                }
                Prompt::SmsOtp { .. } => (Answer::Code("222".into()), "SMS_OTP_CODE"),
                Prompt::WebAuthn { credential_request_options } => {
                    assert_eq!(credential_request_options, "{\"challenge\":\"x\"}");
                    (Answer::WebAuthnCredential("{\"id\":\"cred\"}".into()), "CREDENTIAL")
                }
                other => panic!("unexpected {other:?}"),
            };
            let request = sign_in.answer(answer, &mut rand::rng()).expect("answer");
            assert_eq!(keys(&request_body(&request)["ChallengeResponses"]), set(&["USERNAME", key, "SECRET_HASH"]));
        }
    }
}

#[test]
fn select_mfa_type_sms_and_email_codes() {
    let round = SrpRound::user();
    let (device, _) = remembered_device();
    let mut sign_in =
        SignIn::user_srp(client(false), TYPED, Password::from(PASSWORD)).expect("valid").with_device(device);
    let _ = through_password_verifier(&mut sign_in, &round);
    let step = receive(
        &mut sign_in,
        challenge(
            "SELECT_MFA_TYPE",
            "s2",
            json!({"USERNAME": POOL_USERNAME, "MFAS_CAN_CHOOSE": "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"}),
        ),
    )
    .expect("prompt");
    assert_eq!(prompt(step), Prompt::SelectMfaType { options: vec!["SMS_MFA".into(), "SOFTWARE_TOKEN_MFA".into()] });
    let answer = sign_in.answer(Answer::MfaType(MfaType::Sms), &mut rand::rng()).expect("answer");
    assert_eq!(keys(&request_body(&answer)["ChallengeResponses"]), set(&["USERNAME", "ANSWER", "DEVICE_KEY"]));
    assert_eq!(request_body(&answer)["ChallengeResponses"]["ANSWER"], "SMS_MFA");

    let step = receive(
        &mut sign_in,
        challenge("SMS_MFA", "s3", json!({"USERNAME": POOL_USERNAME, "CODE_DELIVERY_DESTINATION": "+*******1234"})),
    )
    .expect("prompt");
    assert_eq!(prompt(step), Prompt::SmsMfa { destination: Some("+*******1234".into()) });
    let answer = sign_in.answer(Answer::Code("654321".into()), &mut rand::rng()).expect("answer");
    assert_eq!(keys(&request_body(&answer)["ChallengeResponses"]), set(&["USERNAME", "SMS_MFA_CODE", "DEVICE_KEY"]));

    // A wrong code: the error comes back and the prompt is out again.
    let error = receive(&mut sign_in, service_error("CodeMismatchException", "Invalid code received for user"))
        .expect_err("refused");
    let Error::Service(service) = error else { panic!("expected a service error") };
    assert_eq!(service.kind(), &ServiceErrorKind::CodeMismatch);
    let again = sign_in.answer(Answer::Code("000000".into()), &mut rand::rng()).expect("answer again");
    assert_eq!(request_body(&again)["ChallengeResponses"]["SMS_MFA_CODE"], "000000");
    assert_eq!(request_body(&again)["Session"], "s3");

    // Too many wrong codes: Cognito ends the session, and no answer can help now.
    let error = receive(
        &mut sign_in,
        service_error("NotAuthorizedException", "Invalid session for the user, session can only be used once."),
    )
    .expect_err("session ended");
    assert!(matches!(&error, Error::Service(s) if s.kind() == &ServiceErrorKind::NotAuthorized), "{error:?}");
    assert_eq!(sign_in.pending_prompt(), None, "the prompt is not put back on a dead session");
    assert_eq!(sign_in.answer(Answer::Code("111111".into()), &mut rand::rng()).map(drop), Err(Error::OutOfOrder));
}

#[test]
fn mfa_setup_associates_and_verifies_a_software_token() {
    let round = SrpRound::user();
    let mut sign_in = SignIn::user_srp(client(true), TYPED, Password::from(PASSWORD)).expect("valid");
    let _ = through_password_verifier(&mut sign_in, &round);
    let step = receive(
        &mut sign_in,
        challenge(
            "MFA_SETUP",
            "setup-1",
            json!({"USERNAME": POOL_USERNAME, "MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]"}),
        ),
    )
    .expect("prompt");
    assert_eq!(prompt(step), Prompt::MfaSetup { options: vec!["SOFTWARE_TOKEN_MFA".into()] });
    // An answer that does not fit leaves the prompt out.
    assert_eq!(sign_in.answer(Answer::Code("1".into()), &mut rand::rng()).map(drop), Err(Error::OutOfOrder));

    let associate = sign_in.answer(Answer::SetUpSoftwareToken, &mut rand::rng()).expect("associate");
    assert_eq!(associate.operation(), Operation::AssociateSoftwareToken);
    assert_eq!(request_body(&associate), json!({"Session": "setup-1"}));
    let step =
        receive(&mut sign_in, ok(json!({"SecretCode": "JBSWY3DPEHPK3PXP", "Session": "setup-2"}))).expect("secret");
    assert_eq!(prompt(step), Prompt::SoftwareTokenSecret { secret_code: "JBSWY3DPEHPK3PXP".into() });
    let verify = sign_in.answer(Answer::Code("123456".into()), &mut rand::rng()).expect("verify");
    assert_eq!(verify.operation(), Operation::VerifySoftwareToken);
    assert_eq!(request_body(&verify), json!({"Session": "setup-2", "UserCode": "123456"}));
    let respond = send(receive(&mut sign_in, ok(json!({"Status": "SUCCESS", "Session": "setup-3"}))).expect("respond"));
    assert_eq!(request_body(&respond)["ChallengeName"], "MFA_SETUP");
    assert_eq!(request_body(&respond)["Session"], "setup-3");
    assert_eq!(keys(&request_body(&respond)["ChallengeResponses"]), set(&["USERNAME", "SECRET_HASH"]));
    assert!(matches!(receive(&mut sign_in, tokens(None)), Ok(Step::Done(_))));
}

#[test]
fn email_mfa_setup_sends_the_address() {
    let round = SrpRound::user();
    let mut sign_in = SignIn::user_srp(client(false), TYPED, Password::from(PASSWORD)).expect("valid");
    let _ = through_password_verifier(&mut sign_in, &round);
    let _ = prompt(
        receive(&mut sign_in, challenge("MFA_SETUP", "s", json!({"MFAS_CAN_SETUP": "[\"EMAIL_OTP\"]"})))
            .expect("prompt"),
    );
    let answer =
        sign_in.answer(Answer::SetUpEmailMfa { email: "alice@example.com".into() }, &mut rand::rng()).expect("answer");
    assert_eq!(
        request_body(&answer)["ChallengeResponses"],
        json!({"USERNAME": POOL_USERNAME, "EMAIL": "alice@example.com"})
    );
}

#[test]
fn new_password_required_sends_the_password_and_required_attributes() {
    let round = SrpRound::user();
    let mut sign_in = SignIn::user_srp(client(false), TYPED, Password::from(PASSWORD)).expect("valid");
    let _ = through_password_verifier(&mut sign_in, &round);
    let parameters = json!({
        "USERNAME": POOL_USERNAME,
        "requiredAttributes": "[\"userAttributes.name\"]",
        "userAttributes": "{\"email\":\"alice@example.com\",\"email_verified\":\"true\"}",
    });
    let step = receive(&mut sign_in, challenge("NEW_PASSWORD_REQUIRED", "s2", parameters)).expect("prompt");
    let Prompt::NewPasswordRequired { required_attributes, user_attributes } = prompt(step) else {
        panic!("expected NEW_PASSWORD_REQUIRED")
    };
    assert_eq!(required_attributes, vec!["name".to_owned()]);
    assert_eq!(user_attributes["email"], "alice@example.com");
    let missing = Answer::NewPassword { password: Password::from("n3w"), attributes: HashMap::new() };
    assert_eq!(
        sign_in.answer(missing, &mut rand::rng()).map(drop),
        Err(Error::InvalidInput { name: "requiredAttributes", defect: cognito_srp_auth::Defect::Missing })
    );
    let answer = Answer::NewPassword {
        password: Password::from("n3w"),
        attributes: HashMap::from([("name".into(), "Alice".into())]),
    };
    let request = sign_in.answer(answer, &mut rand::rng()).expect("answer");
    assert_eq!(
        request_body(&request)["ChallengeResponses"],
        json!({"USERNAME": POOL_USERNAME, "NEW_PASSWORD": "n3w", "userAttributes.name": "Alice"})
    );
}

#[test]
fn service_errors_are_typed_and_keep_their_message() {
    for (name, kind) in [
        ("NotAuthorizedException", ServiceErrorKind::NotAuthorized),
        ("UserNotFoundException", ServiceErrorKind::UserNotFound),
        ("PasswordResetRequiredException", ServiceErrorKind::PasswordResetRequired),
        ("UserNotConfirmedException", ServiceErrorKind::UserNotConfirmed),
        ("CodeMismatchException", ServiceErrorKind::CodeMismatch),
        ("ExpiredCodeException", ServiceErrorKind::ExpiredCode),
        ("TooManyRequestsException", ServiceErrorKind::TooManyRequests),
        ("LimitExceededException", ServiceErrorKind::LimitExceeded),
        ("ResourceNotFoundException", ServiceErrorKind::ResourceNotFound),
        ("InvalidParameterException", ServiceErrorKind::InvalidParameter),
        ("com.amazonaws.cognito#NotAuthorizedException", ServiceErrorKind::NotAuthorized),
        ("SomethingNewException", ServiceErrorKind::Other("SomethingNewException".into())),
    ] {
        let mut sign_in = SignIn::user_srp(client(false), TYPED, Password::from(PASSWORD)).expect("valid");
        let _ = sign_in.start(&mut rand::rng()).expect("starts");
        let error =
            receive(&mut sign_in, service_error(name, "Incorrect username or password.")).expect_err("an error");
        let Error::Service(service) = error else { panic!("{name}: expected a service error, got {error:?}") };
        assert_eq!(service.kind(), &kind);
        assert_eq!(service.message(), "Incorrect username or password.");
    }
}

#[test]
fn responses_that_do_not_fit_are_protocol_errors() {
    let round = SrpRound::user();
    let cases: Vec<(u16, Vec<u8>)> = vec![
        (200, b"not json".to_vec()),
        (500, b"<html>".to_vec()),
        (400, b"{}".to_vec()),
        ok(json!({})),
        ok(json!({"ChallengeName": "SMS_MFA", "AuthenticationResult": {"AccessToken": "a"}})),
        ok(json!({"ChallengeName": "DEVICE_SRP_AUTH", "ChallengeParameters": {}})),
        ok(json!({"ChallengeName": "DEVICE_PASSWORD_VERIFIER", "ChallengeParameters": {}})),
        ok(json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "x".repeat(2049)})),
    ];
    for (status, body) in cases {
        let mut sign_in = SignIn::user_srp(client(false), TYPED, Password::from(PASSWORD)).expect("valid");
        let _ = sign_in.start(&mut rand::rng()).expect("starts");
        let result = receive(&mut sign_in, (status, body.clone()));
        assert!(matches!(result, Err(Error::Protocol { .. })), "{}: {result:?}", String::from_utf8_lossy(&body));
        assert_eq!(result.map(drop).map_err(|e| e.origin()), Err(Origin::Server));
    }
    // A PASSWORD_VERIFIER with a malformed parameter names it.
    let mut sign_in = SignIn::user_srp(client(false), TYPED, Password::from(PASSWORD)).expect("valid");
    let initiate = sign_in.start(&mut rand::rng()).expect("starts");
    let mut parameters =
        round.parameters(request_body(&initiate)["AuthParameters"]["SRP_A"].as_str().expect("SRP_A"), true);
    parameters["SRP_B"] = json!("0");
    let result = receive(&mut sign_in, challenge("PASSWORD_VERIFIER", "s", parameters));
    assert!(matches!(result, Err(Error::InvalidParameter { name: "SRP_B", .. })), "{result:?}");
    // An unknown challenge carries its name and parameters.
    let mut sign_in = SignIn::user_srp(client(false), TYPED, Password::from(PASSWORD)).expect("valid");
    let _ = sign_in.start(&mut rand::rng()).expect("starts");
    let result = receive(&mut sign_in, challenge("BRAND_NEW_CHALLENGE", "s", json!({"hint": "a-secret-value"})));
    assert!(!format!("{result:?}").contains("a-secret-value"), "parameter values may be secret");
    let Err(Error::UnknownChallenge { name, parameter_names }) = result else { panic!("{result:?}") };
    assert_eq!((name.as_str(), parameter_names), ("BRAND_NEW_CHALLENGE", vec!["hint".to_owned()]));
}

#[test]
fn driving_out_of_order_is_refused() {
    let mut sign_in = SignIn::user_srp(client(false), TYPED, Password::from(PASSWORD)).expect("valid");
    assert!(matches!(receive(&mut sign_in, tokens(None)), Err(Error::OutOfOrder)));
    let _ = sign_in.start(&mut rand::rng()).expect("starts");
    assert!(matches!(sign_in.start(&mut rand::rng()), Err(Error::OutOfOrder)));
    assert!(matches!(sign_in.answer(Answer::Code("1".into()), &mut rand::rng()), Err(Error::OutOfOrder)));
    assert_eq!(
        SignIn::user_srp(client(false), &"u".repeat(129), Password::from("p")).map(drop),
        Err(Error::InvalidInput { name: "USERNAME", defect: cognito_srp_auth::Defect::TooLong })
    );
}

#[test]
fn a_refused_confirm_device_still_hands_out_the_tokens_and_forgets_the_device() {
    let store = Arc::new(MemoryDeviceStore::new());
    let mut sign_in = SignIn::user_password(client(false), TYPED, Password::from(PASSWORD))
        .expect("valid")
        .with_device_store(store.clone());
    let _ = sign_in.start(&mut rand::rng()).expect("starts");
    let confirm = send(receive(&mut sign_in, tokens(Some(("k", "g")))).expect("device"));
    assert_eq!(confirm.operation(), Operation::ConfirmDevice);
    assert_eq!(store.len(), 1, "stored before ConfirmDevice");
    let Step::Done(done) =
        receive(&mut sign_in, service_error("InvalidParameterException", "bad verifier")).expect("done")
    else {
        panic!("expected Done")
    };
    assert_eq!(done.tokens().access_token().expose_secret(), "access.jwt");
    let DeviceOutcome::NotConfirmed { why: NotConfirmed::Refused(refusal) } =
        done.new_device().expect("device").outcome().clone()
    else {
        panic!("{:?}", done.new_device())
    };
    assert_eq!(refusal.kind(), &ServiceErrorKind::InvalidParameter);
    assert!(store.is_empty(), "a refused device is forgotten again");
}

#[test]
fn the_update_device_status_request() {
    let request = cognito_srp_auth::flow::update_device_status(&AccessToken::from("access.jwt"), "k", true);
    assert_eq!(request.target(), "AWSCognitoIdentityProviderService.UpdateDeviceStatus");
    assert_eq!(
        request_body(&request),
        json!({"AccessToken": "access.jwt", "DeviceKey": "k", "DeviceRememberedStatus": "remembered"})
    );
}

#[test]
fn sign_in_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<SignIn>();
    assert_send::<Step>();
}

mod no_panic {
    use proptest::prelude::*;

    use super::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            ".{0,20}".prop_map(Value::String),
            prop_oneof![
                Just("PASSWORD_VERIFIER"),
                Just("DEVICE_SRP_AUTH"),
                Just("DEVICE_PASSWORD_VERIFIER"),
                Just("SMS_MFA"),
                Just("SELECT_CHALLENGE"),
                Just("MFA_SETUP"),
                Just("NEW_PASSWORD_REQUIRED"),
                Just("SRP_B"),
                Just("SALT"),
            ]
            .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::hash_map(
                    prop_oneof![
                        Just("ChallengeName".to_owned()),
                        Just("Session".to_owned()),
                        Just("ChallengeParameters".to_owned()),
                        Just("AuthenticationResult".to_owned()),
                        Just("AvailableChallenges".to_owned()),
                        Just("SRP_B".to_owned()),
                        Just("NewDeviceMetadata".to_owned()),
                        Just("__type".to_owned()),
                        ".{0,8}",
                    ],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn no_response_makes_the_machine_panic(
            status in prop_oneof![Just(200u16), Just(400u16), any::<u16>()],
            bodies in prop::collection::vec(json_value(), 1..5),
            raw in prop::collection::vec(any::<u8>(), 0..64),
        ) {
            let (device, _) = remembered_device();
            let mut sign_in = SignIn::user_srp(client(true), TYPED, Password::from(PASSWORD))
                .expect("valid")
                .with_device(device)
                .with_device_store(Arc::new(MemoryDeviceStore::new()));
            let _ = sign_in.start(&mut rand::rng());
            for body in bodies {
                let _ = receive(&mut sign_in, (status, body.to_string().into_bytes()));
                let _ = sign_in.answer(Answer::Code("1".into()), &mut rand::rng());
                let _ = sign_in.answer(Answer::RememberDevice(true), &mut rand::rng());
            }
            let _ = receive(&mut sign_in, (status, raw));
        }
    }
}

#[test]
fn a_paused_sign_in_resumes_from_json() {
    let round = SrpRound::user();
    let (device, _) = remembered_device();
    let mut sign_in =
        SignIn::user_srp(client(true), TYPED, Password::from(PASSWORD)).expect("valid").with_device(device);
    assert_eq!(sign_in.pause(now()).map(drop), Err(Error::OutOfOrder), "nothing to pause before a prompt");
    let _ = through_password_verifier(&mut sign_in, &round);
    assert_eq!(sign_in.pause(now()).map(drop), Err(Error::OutOfOrder), "a request in flight holds SRP secrets");
    let _ =
        prompt(receive(&mut sign_in, challenge("SMS_MFA", "s2", json!({"USERNAME": POOL_USERNAME}))).expect("prompt"));

    let saved = serde_json::to_string(&sign_in.pause(now()).expect("paused")).expect("serializes");
    drop(sign_in);
    let paused: cognito_srp_auth::flow::PausedSignIn = serde_json::from_str(&saved).expect("deserializes");
    assert!(!format!("{paused:?}").contains("s2"), "Debug hides the session");
    let mut resumed = SignIn::resume(client(true), paused, now()).expect("resumes");
    let answer = resumed.answer(Answer::Code("777777".into()), &mut rand::rng()).expect("answer");
    let body = request_body(&answer);
    assert_eq!(body["Session"], "s2");
    assert_eq!(keys(&body["ChallengeResponses"]), set(&["USERNAME", "SMS_MFA_CODE", "DEVICE_KEY", "SECRET_HASH"]));
    assert_eq!(body["ChallengeResponses"]["SECRET_HASH"], secret_hash(POOL_USERNAME).as_str());
}

#[test]
fn a_spent_session_after_the_device_retry_starts_a_fresh_srp_round() {
    let round = SrpRound::user();
    let (device, _) = remembered_device();
    let mut sign_in =
        SignIn::user_srp(client(true), TYPED, Password::from(PASSWORD)).expect("valid").with_device(device);
    let _ = through_password_verifier(&mut sign_in, &round);
    let step =
        receive(&mut sign_in, service_error("ResourceNotFoundException", "Device does not exist.")).expect("handled");
    let _ = send(step);
    let step = receive(
        &mut sign_in,
        service_error("NotAuthorizedException", "Invalid session for the user, session can only be used once."),
    )
    .expect("starts over");
    let initiate = send(step);
    assert_eq!(initiate.operation(), Operation::InitiateAuth);
    assert_eq!(
        keys(&request_body(&initiate)["AuthParameters"]),
        set(&["USERNAME", "SRP_A", "SECRET_HASH"]),
        "no DEVICE_KEY"
    );
}

#[test]
fn without_a_challenge_the_pool_username_comes_from_the_access_token() {
    let mut sign_in = SignIn::user_password(client(true), TYPED, Password::from(PASSWORD)).expect("valid");
    let _ = sign_in.start(&mut rand::rng()).expect("starts");
    let payload =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json!({"username": POOL_USERNAME}).to_string());
    let token = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln");
    let Step::Done(done) =
        receive(&mut sign_in, ok(json!({"AuthenticationResult": {"AccessToken": token, "IdToken": "id"}})))
            .expect("done")
    else {
        panic!("expected Done")
    };
    assert_eq!(done.username(), POOL_USERNAME);
}

#[test]
fn debug_hides_answers_tokens_and_sessions() {
    let answers = [
        Answer::Code("917364".into()),
        Answer::Custom("my-custom-secret".into()),
        Answer::WebAuthnCredential("assertion-secret".into()),
        Answer::SetUpEmailMfa { email: "hidden@example.com".into() },
        Answer::NewPassword {
            password: Password::from("new-password-secret"),
            attributes: HashMap::from([("name".to_owned(), "Alice Secret".to_owned())]),
        },
    ];
    let shown = format!("{answers:?}");
    for secret in
        ["917364", "my-custom-secret", "assertion-secret", "hidden@example.com", "new-password-secret", "Alice Secret"]
    {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(
        shown.contains("Code") && shown.contains("\"name\""),
        "which answer and attribute names still show: {shown}"
    );

    let mut sign_in = SignIn::user_password(client(true), TYPED, Password::from(PASSWORD)).expect("valid");
    let _ = sign_in.start(&mut rand::rng()).expect("starts");
    let result = json!({"AccessToken": "access-secret", "IdToken": "id-secret", "RefreshToken": "refresh-secret"});
    let Step::Done(done) = receive(&mut sign_in, ok(json!({"AuthenticationResult": result}))).expect("done") else {
        panic!("expected Done")
    };
    let shown = format!("{done:?}");
    assert!(!shown.contains("-secret"), "{shown}");

    let round = SrpRound::user();
    let mut sign_in = SignIn::user_srp(client(true), TYPED, Password::from(PASSWORD)).expect("valid");
    let _ = through_password_verifier(&mut sign_in, &round);
    let _ = receive(&mut sign_in, challenge("SMS_MFA", "session-secret", json!({"USERNAME": POOL_USERNAME})));
    let shown = format!("{:?} {sign_in:?}", sign_in.pause(now()).expect("paused"));
    assert!(!shown.contains("session-secret"), "{shown}");
}

/// A request's body as JSON, to look into.
fn request_body(request: &Request) -> Value {
    serde_json::from_str(request.body_json()).expect("the machine writes JSON")
}
