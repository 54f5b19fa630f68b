//! The embedded server refuses what Cognito refuses: an answer that speaks
//! for another user or carries another user's device, degenerate SRP and
//! verifier values, a reused TOTP code, an expired or forgotten device's
//! refresh token; and it locks a user out for a while, not for ever.
//!
//! Each test drives the server with raw wire requests, so that it can send
//! what no well-behaved client would.

#![cfg(feature = "server")]

use std::collections::HashMap;
use std::time::Duration;

use cognito_srp_auth::server::{NewAppClient, PoolSettings, Service, totp};
use cognito_srp_auth::{
    DeviceCredentials, DevicePasswordVerifierChallenge, Password, PasswordVerifierChallenge, PrivateExponentSize,
    SecretHash, SrpEphemeral, Timestamp, UserPoolId,
};
use serde_json::{Value, json};

const ALICE_PASSWORD: &str = "alice's password";
const MALLORY_PASSWORD: &str = "mallory's password";
/// N of RFC 5054's 3072-bit group, as hex.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(seconds).expect("in range")
}

/// A refusal: the exception name and the message.
type Refusal = (String, String);

/// One pool with alice and mallory, an app client, and the clock.
struct Server {
    service: Service,
    pool: UserPoolId,
    app: NewAppClient,
    now: i64,
}

impl Server {
    fn new(settings: PoolSettings, secret: bool) -> Self {
        let mut rng = rand::rng();
        let mut service = Service::new();
        let pool = service.create_user_pool("eu-west-1", settings, &mut rng);
        let app = service.create_app_client(&pool, secret, &mut rng);
        for (name, password) in [("alice", ALICE_PASSWORD), ("mallory", MALLORY_PASSWORD)] {
            let attributes = HashMap::from([("email".to_owned(), format!("{name}@example.com"))]);
            service
                .admin_create_user(&pool, name, attributes, &Password::from(password), true, &mut rng)
                .expect("user");
        }
        Server { service, pool, app, now: 1_764_000_000 }
    }

    /// A pool that remembers every confirmed device, with optional MFA.
    fn with_devices() -> Self {
        Server::new(PoolSettings::with_devices_and_optional_mfa(), true)
    }

    fn call(&mut self, operation: &str, body: Value) -> Result<Value, Refusal> {
        let target = format!("AWSCognitoIdentityProviderService.{operation}");
        let (status, body) = self.service.handle(&target, body.to_string().as_bytes(), at(self.now), &mut rand::rng());
        let body: Value = serde_json::from_slice(&body).expect("JSON");
        match status {
            200 => Ok(body),
            _ => {
                Err((body["__type"].as_str().expect("type").to_owned(), body["message"].as_str().unwrap_or("").into()))
            }
        }
    }

    /// Parameters with USERNAME and, for a client with a secret, its SECRET_HASH.
    fn as_user(&self, username: &str, mut parameters: Value) -> Value {
        parameters["USERNAME"] = json!(username);
        if let Some(secret) = &self.app.client_secret {
            parameters["SECRET_HASH"] = json!(SecretHash::new(secret, username, &self.app.client_id).as_str());
        }
        parameters
    }

    fn initiate(&mut self, flow: &str, username: &str, parameters: Value) -> Result<Value, Refusal> {
        let parameters = self.as_user(username, parameters);
        self.call(
            "InitiateAuth",
            json!({"AuthFlow": flow, "ClientId": self.app.client_id, "AuthParameters": parameters}),
        )
    }

    /// Answers the challenge in `previous` as `username`.
    fn respond(&mut self, previous: &Value, username: &str, responses: Value) -> Result<Value, Refusal> {
        let responses = self.as_user(username, responses);
        let body = json!({
            "ClientId": self.app.client_id,
            "ChallengeName": previous["ChallengeName"],
            "Session": previous["Session"],
            "ChallengeResponses": responses,
        });
        self.call("RespondToAuthChallenge", body)
    }

    /// USER_SRP_AUTH up to the PASSWORD_VERIFIER answer, with an optional DEVICE_KEY on it.
    fn srp_sign_in(&mut self, username: &str, password: &str, device_key: Option<&str>) -> Result<Value, Refusal> {
        let ephemeral = SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::default());
        let challenge = self.initiate("USER_SRP_AUTH", username, json!({"SRP_A": ephemeral.srp_a()}))?;
        let parameters: HashMap<String, String> =
            serde_json::from_value(challenge["ChallengeParameters"].clone()).expect("parameters");
        let verifier = PasswordVerifierChallenge::from_parameters(&parameters).expect("challenge");
        let signer =
            ephemeral.answer_password_verifier(&self.pool, &Password::from(password), &verifier).expect("signer");
        let claim = signer.sign(at(self.now));
        let mut responses = json!({
            "PASSWORD_CLAIM_SECRET_BLOCK": claim.secret_block(),
            "PASSWORD_CLAIM_SIGNATURE": claim.signature(),
            "TIMESTAMP": claim.timestamp(),
        });
        if let Some(key) = device_key {
            responses["DEVICE_KEY"] = json!(key);
        }
        self.respond(&challenge, verifier.username(), responses)
    }

    /// A sign-in's new device, confirmed (and so remembered in a pool that always remembers).
    fn confirm_new_device(&mut self, signed_in: &Value) -> DeviceCredentials {
        let result = &signed_in["AuthenticationResult"];
        let metadata = &result["NewDeviceMetadata"];
        let (device, config) = DeviceCredentials::generate(
            &mut rand::rng(),
            metadata["DeviceKey"].as_str().expect("device key"),
            metadata["DeviceGroupKey"].as_str().expect("group key"),
        );
        let body = json!({
            "AccessToken": result["AccessToken"],
            "DeviceKey": device.device_key(),
            "DeviceSecretVerifierConfig": {"PasswordVerifier": config.password_verifier(), "Salt": config.salt()},
        });
        self.call("ConfirmDevice", body).expect("confirmed");
        device
    }

    /// Answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER with `device`, as `username`.
    fn device_sign_in(
        &mut self,
        previous: &Value,
        username: &str,
        device: &DeviceCredentials,
    ) -> Result<Value, Refusal> {
        let ephemeral = SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::default());
        let responses = json!({"DEVICE_KEY": device.device_key(), "SRP_A": ephemeral.srp_a()});
        let challenge = self.respond(previous, username, responses)?;
        assert_eq!(challenge["ChallengeName"], "DEVICE_PASSWORD_VERIFIER");
        let parameters: HashMap<String, String> =
            serde_json::from_value(challenge["ChallengeParameters"].clone()).expect("parameters");
        let verifier = DevicePasswordVerifierChallenge::from_parameters(&parameters).expect("challenge");
        let claim = ephemeral.answer_device_password_verifier(device, &verifier).expect("signer").sign(at(self.now));
        let responses = json!({
            "DEVICE_KEY": device.device_key(),
            "PASSWORD_CLAIM_SECRET_BLOCK": claim.secret_block(),
            "PASSWORD_CLAIM_SIGNATURE": claim.signature(),
            "TIMESTAMP": claim.timestamp(),
        });
        self.respond(&challenge, username, responses)
    }

    /// Mallory signs in with her own password and remembers her device.
    fn mallory_device(&mut self) -> DeviceCredentials {
        let signed_in = self.srp_sign_in("mallory", MALLORY_PASSWORD, None).expect("mallory signs in");
        self.confirm_new_device(&signed_in)
    }

    /// Gives alice an authenticator; returns its Base32 secret.
    fn alice_totp(&mut self) -> String {
        self.service.admin_set_software_token_mfa(&self.pool, "alice", &mut rand::rng()).expect("alice")
    }

    fn refresh(&mut self, token: &str, device_key: Option<&str>) -> Result<Value, Refusal> {
        let mut parameters = json!({"REFRESH_TOKEN": token});
        if let Some(key) = device_key {
            parameters["DEVICE_KEY"] = json!(key);
        }
        // SECRET_HASH over the pool username, as for every other request.
        let parameters = self.as_user("alice", parameters);
        self.call(
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": self.app.client_id, "AuthParameters": parameters}),
        )
    }
}

fn has_tokens(response: &Value) -> bool {
    response["AuthenticationResult"]["AccessToken"].is_string()
}

fn kind(result: Result<Value, Refusal>) -> String {
    match result {
        Ok(response) => panic!("expected a refusal, got {response}"),
        Err((kind, _)) => kind,
    }
}

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
fn user_password_auth_does_not_take_another_users_device_for_the_second_factor() {
    let mut server = Server::with_devices();
    server.alice_totp();
    let refused = password_with_mallorys_device(&mut server, "USER_PASSWORD_AUTH", json!({}));
    assert_eq!(
        refused.map(|r| has_tokens(&r)),
        Err(("ResourceNotFoundException".into(), "Device does not exist.".into()))
    );
}

#[test]
fn user_auth_password_does_not_take_another_users_device_for_the_second_factor() {
    let mut server = Server::with_devices();
    server.alice_totp();
    let refused = password_with_mallorys_device(&mut server, "USER_AUTH", json!({"PREFERRED_CHALLENGE": "PASSWORD"}));
    assert_eq!(
        refused.map(|r| has_tokens(&r)),
        Err(("ResourceNotFoundException".into(), "Device does not exist.".into()))
    );
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
    let mut server =
        Server::new(PoolSettings::default().with_mfa(cognito_srp_auth::server::MfaConfiguration::Optional), true);
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
    let mut server =
        Server::new(PoolSettings::default().with_mfa(cognito_srp_auth::server::MfaConfiguration::Optional), false);
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
