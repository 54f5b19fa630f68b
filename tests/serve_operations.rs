//! What `cognito-srp serve` adds to the embedded server, over the wire:
//! pools and users as a config file gives them (exact SALTs, known TOTP
//! seeds, case-insensitive usernames, user-existence errors), the account
//! and admin operations, PASSWORD_VERIFIER answered without Session (as
//! Cognito takes it), and a fresh SRP_A demanded for DEVICE_SRP_AUTH.

#![cfg(feature = "server")]

use std::collections::HashMap;

use cognito_srp_auth::server::{PoolSettings, Service};
use cognito_srp_auth::{
    ClientSecret, DeviceCredentials, DevicePasswordVerifierChallenge, Password, PasswordVerifierChallenge,
    PrivateExponentSize, SrpEphemeral, Timestamp, UserPoolId,
};
use serde_json::{Value, json};

const POOL: &str = "us-east-1_Local1";
const CLIENT: &str = "localclient0000000000000001";
const PASSWORD: &str = "Local-Passw0rd!";
const NOW: i64 = 1_764_000_000;

type Refusal = (String, String);

struct Local {
    service: Service,
    pool: UserPoolId,
}

impl Local {
    fn new(settings: PoolSettings) -> Self {
        let mut service = Service::new();
        let pool = UserPoolId::parse(POOL).expect("valid");
        service.add_user_pool(pool.clone(), settings, &mut rand::rng()).expect("pool");
        service.add_app_client(&pool, CLIENT, None).expect("client");
        let mut local = Local { service, pool };
        local.user("alice");
        local
    }

    fn devices() -> Self {
        Local::new(PoolSettings::with_devices_and_optional_mfa())
    }

    fn user(&mut self, name: &str) {
        let email = HashMap::from([("email".to_owned(), format!("{name}@example.com"))]);
        let pool = self.pool.clone();
        self.service
            .admin_create_user(&pool, name, email, &Password::from(PASSWORD), true, &mut rand::rng())
            .expect("user");
    }

    fn call(&mut self, operation: &str, body: Value) -> Result<Value, Refusal> {
        let target = format!("AWSCognitoIdentityProviderService.{operation}");
        let now = Timestamp::from_unix_seconds(NOW).expect("in range");
        let (status, body) = self.service.handle(&target, body.to_string().as_bytes(), now, &mut rand::rng());
        let body: Value = serde_json::from_slice(&body).expect("JSON");
        match status {
            200 => Ok(body),
            _ => Err((
                body["__type"].as_str().unwrap_or_default().into(),
                body["message"].as_str().unwrap_or_default().into(),
            )),
        }
    }

    fn initiate(&mut self, flow: &str, parameters: Value) -> Result<Value, Refusal> {
        self.call("InitiateAuth", json!({"AuthFlow": flow, "ClientId": CLIENT, "AuthParameters": parameters}))
    }

    fn respond(&mut self, challenge: &str, session: Option<&Value>, responses: Value) -> Result<Value, Refusal> {
        let mut body = json!({"ClientId": CLIENT, "ChallengeName": challenge, "ChallengeResponses": responses});
        if let Some(session) = session {
            body["Session"] = session.clone();
        }
        self.call("RespondToAuthChallenge", body)
    }

    /// USER_SRP_AUTH's SRP_A and challenge for `typed`, and the proof for `password` (not yet sent).
    fn password_step(&mut self, typed: &str, password: &str) -> Result<(String, Value, Value), Refusal> {
        let ephemeral = SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::default());
        let srp_a = ephemeral.srp_a().to_owned();
        let challenge = self.initiate("USER_SRP_AUTH", json!({"USERNAME": typed, "SRP_A": srp_a}))?;
        let parameters: HashMap<String, String> =
            serde_json::from_value(challenge["ChallengeParameters"].clone()).expect("parameters");
        let verifier = PasswordVerifierChallenge::from_parameters(&parameters).expect("challenge");
        let signer =
            ephemeral.answer_password_verifier(&self.pool, &Password::from(password), &verifier).expect("signs");
        let claim = signer.sign(Timestamp::from_unix_seconds(NOW).expect("in range"));
        let responses = json!({
            "USERNAME": verifier.username(),
            "PASSWORD_CLAIM_SECRET_BLOCK": claim.secret_block(),
            "PASSWORD_CLAIM_SIGNATURE": claim.signature(),
            "TIMESTAMP": claim.timestamp(),
        });
        Ok((srp_a, challenge, responses))
    }

    fn sign_in(&mut self, typed: &str, password: &str) -> Result<Value, Refusal> {
        let (_, challenge, responses) = self.password_step(typed, password)?;
        self.respond("PASSWORD_VERIFIER", Some(&challenge["Session"]), responses)
    }

    fn password_sign_in(&mut self, typed: &str) -> Result<Value, Refusal> {
        self.initiate("USER_PASSWORD_AUTH", json!({"USERNAME": typed, "PASSWORD": PASSWORD}))
    }

    /// Signs alice in and confirms the new device (remembered: the pool always remembers).
    fn alice_with_device(&mut self) -> (Value, DeviceCredentials) {
        let tokens = self.sign_in("alice", PASSWORD).expect("signed in")["AuthenticationResult"].clone();
        let metadata = &tokens["NewDeviceMetadata"];
        let (device, config) = DeviceCredentials::generate(
            &mut rand::rng(),
            metadata["DeviceKey"].as_str().expect("key"),
            metadata["DeviceGroupKey"].as_str().expect("group"),
        );
        let confirm = json!({"AccessToken": tokens["AccessToken"], "DeviceKey": device.device_key(),
            "DeviceSecretVerifierConfig": {"PasswordVerifier": config.password_verifier(), "Salt": config.salt()}});
        self.call("ConfirmDevice", confirm).expect("confirmed");
        (tokens, device)
    }
}

fn access(tokens: &Value) -> Value {
    tokens["AuthenticationResult"]["AccessToken"].clone()
}

#[test]
fn a_salt_given_exactly_goes_out_as_written_and_its_padhex_bytes_sign_in() {
    for salt in ["-5a3c9e01f2b4d6e8a0c2e4f607193b5d", "0012ab34cd56ef7890ab12cd34ef5678", "-80", "00ff"] {
        let mut local = Local::new(PoolSettings::default());
        let pool = local.pool.clone();
        local.service.admin_set_user_salt(&pool, "alice", salt, &Password::from(PASSWORD)).expect("salt");
        let (_, challenge, responses) = local.password_step("alice", PASSWORD).expect("challenge");
        assert_eq!(challenge["ChallengeParameters"]["SALT"], salt);
        let tokens = local.respond("PASSWORD_VERIFIER", Some(&challenge["Session"]), responses);
        assert!(tokens.is_ok_and(|t| access(&t).is_string()), "SALT {salt}");
    }
    let mut local = Local::new(PoolSettings::default());
    let pool = local.pool.clone();
    for bad in ["", "-", "12g4", "--12"] {
        assert!(local.service.admin_set_user_salt(&pool, "alice", bad, &Password::from(PASSWORD)).is_err(), "{bad:?}");
    }
}

#[test]
fn password_verifier_without_session_is_the_round_of_its_secret_block() {
    let mut local = Local::new(PoolSettings::default());
    let (_, _, responses) = local.password_step("alice", PASSWORD).expect("challenge");
    let tokens = local.respond("PASSWORD_VERIFIER", None, responses.clone()).expect("as Cognito takes it");
    assert!(access(&tokens).is_string());
    // The round was used up; a made-up SECRET_BLOCK finds no round either.
    let again = local.respond("PASSWORD_VERIFIER", None, responses.clone()).expect_err("single use");
    assert_eq!(again.0, "NotAuthorizedException");
    let mut forged = responses;
    forged["PASSWORD_CLAIM_SECRET_BLOCK"] = json!("AAAA");
    assert_eq!(local.respond("PASSWORD_VERIFIER", None, forged).expect_err("no round").0, "NotAuthorizedException");
    // Only PASSWORD_VERIFIER is looked up that way.
    let (_, _, responses) = local.password_step("alice", PASSWORD).expect("challenge");
    assert!(local.respond("SOFTWARE_TOKEN_MFA", None, responses).is_err());
}

#[test]
fn device_srp_auth_refuses_the_srp_a_of_the_password_step_and_takes_a_fresh_one() {
    let mut local = Local::devices();
    let (_, device) = local.alice_with_device();
    let device_challenge = |local: &mut Local| {
        let (srp_a, challenge, mut responses) = local.password_step("alice", PASSWORD).expect("challenge");
        responses["DEVICE_KEY"] = json!(device.device_key());
        let next = local.respond("PASSWORD_VERIFIER", Some(&challenge["Session"]), responses).expect("proven");
        assert_eq!(next["ChallengeName"], "DEVICE_SRP_AUTH");
        (srp_a, next)
    };
    let (password_a, next) = device_challenge(&mut local);
    let reused = json!({"USERNAME": "alice", "DEVICE_KEY": device.device_key(), "SRP_A": password_a});
    let (kind, message) = local.respond("DEVICE_SRP_AUTH", Some(&next["Session"]), reused).expect_err("reused");
    assert_eq!(kind, "NotAuthorizedException");
    assert!(message.contains("SRP_A"), "{message}");

    let (_, next) = device_challenge(&mut local);
    let fresh = SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::default());
    let answer = json!({"USERNAME": "alice", "DEVICE_KEY": device.device_key(), "SRP_A": fresh.srp_a()});
    let verifier_challenge = local.respond("DEVICE_SRP_AUTH", Some(&next["Session"]), answer).expect("fresh A");
    let parameters: HashMap<String, String> =
        serde_json::from_value(verifier_challenge["ChallengeParameters"].clone()).expect("parameters");
    let challenge = DevicePasswordVerifierChallenge::from_parameters(&parameters).expect("challenge");
    let claim = fresh
        .answer_device_password_verifier(&device, &challenge)
        .expect("signs")
        .sign(Timestamp::from_unix_seconds(NOW).expect("in range"));
    let responses = json!({"USERNAME": "alice", "DEVICE_KEY": device.device_key(),
        "PASSWORD_CLAIM_SECRET_BLOCK": claim.secret_block(), "PASSWORD_CLAIM_SIGNATURE": claim.signature(),
        "TIMESTAMP": claim.timestamp()});
    let tokens = local.respond("DEVICE_PASSWORD_VERIFIER", Some(&verifier_challenge["Session"]), responses);
    assert!(tokens.is_ok_and(|t| access(&t).is_string() && t["AuthenticationResult"]["NewDeviceMetadata"].is_null()));
}

#[test]
fn admin_calls_create_get_set_the_password_of_and_delete_a_user() {
    let mut local = Local::new(PoolSettings::default());
    let create = json!({"UserPoolId": POOL, "Username": "bob", "TemporaryPassword": "Temp-Passw0rd!",
        "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]});
    let created = local.call("AdminCreateUser", create.clone()).expect("created");
    assert_eq!(
        (created["User"]["Username"].as_str(), created["User"]["UserStatus"].as_str()),
        (Some("bob"), Some("FORCE_CHANGE_PASSWORD"))
    );
    assert_eq!(local.call("AdminCreateUser", create).expect_err("twice").0, "UsernameExistsException");
    let temporary = local.initiate("USER_PASSWORD_AUTH", json!({"USERNAME": "bob", "PASSWORD": "Temp-Passw0rd!"}));
    assert_eq!(temporary.expect("challenge")["ChallengeName"], "NEW_PASSWORD_REQUIRED");

    let set = json!({"UserPoolId": POOL, "Username": "bob", "Password": "Perm-Passw0rd!", "Permanent": true});
    local.call("AdminSetUserPassword", set).expect("set");
    let user = local.call("AdminGetUser", json!({"UserPoolId": POOL, "Username": "bob"})).expect("got");
    assert_eq!(user["UserStatus"], "CONFIRMED");
    assert!(
        user["UserAttributes"]
            .as_array()
            .expect("list")
            .contains(&json!({"Name": "email", "Value": "bob@example.com"}))
    );
    assert!(access(&local.sign_in("bob", "Perm-Passw0rd!").expect("signed in")).is_string());
    let short = json!({"UserPoolId": POOL, "Username": "bob", "Password": "short", "Permanent": true});
    assert_eq!(local.call("AdminSetUserPassword", short).expect_err("policy").0, "InvalidPasswordException");

    local.call("AdminDeleteUser", json!({"UserPoolId": POOL, "Username": "bob"})).expect("deleted");
    let gone = local.call("AdminGetUser", json!({"UserPoolId": POOL, "Username": "bob"})).expect_err("gone");
    assert_eq!(gone.0, "UserNotFoundException");
    assert_eq!(
        local
            .initiate("USER_PASSWORD_AUTH", json!({"USERNAME": "bob@example.com", "PASSWORD": "Perm-Passw0rd!"}))
            .expect_err("alias gone")
            .0,
        "NotAuthorizedException"
    );
    let no_pool = local.call("AdminGetUser", json!({"UserPoolId": "us-east-1_Nope", "Username": "alice"}));
    assert_eq!(no_pool.expect_err("no pool").0, "ResourceNotFoundException");
}

#[test]
fn a_drawn_temporary_password_goes_to_the_outbox_unless_suppressed() {
    let mut local = Local::new(PoolSettings::default());
    local
        .call(
            "AdminCreateUser",
            json!({"UserPoolId": POOL, "Username": "carol",
        "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}]}),
        )
        .expect("created");
    let sent = local.service.take_outbox();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].destination, "carol@example.com");
    let challenge = local.initiate("USER_PASSWORD_AUTH", json!({"USERNAME": "carol", "PASSWORD": sent[0].code}));
    assert_eq!(challenge.expect("the drawn password works")["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    local
        .call("AdminCreateUser", json!({"UserPoolId": POOL, "Username": "dave", "MessageAction": "SUPPRESS"}))
        .expect("created");
    assert!(local.service.take_outbox().is_empty());
}

#[test]
fn get_user_and_the_device_list_speak_for_the_token_owner() {
    let mut local = Local::devices();
    let (first, device) = local.alice_with_device();
    let (_, second) = local.alice_with_device();
    let token = first["AccessToken"].clone();
    let user = local.call("GetUser", json!({"AccessToken": token})).expect("user");
    assert_eq!(user["Username"], "alice");
    assert_eq!(user["UserAttributes"][0], json!({"Name": "sub", "Value": "alice"}));
    assert_eq!(
        local.call("GetUser", json!({"AccessToken": "forged"})).expect_err("forged").0,
        "NotAuthorizedException"
    );

    let all = local.call("ListDevices", json!({"AccessToken": token})).expect("listed");
    let mut keys: Vec<&str> =
        all["Devices"].as_array().expect("list").iter().map(|d| d["DeviceKey"].as_str().expect("key")).collect();
    keys.sort_unstable();
    let mut expected = vec![device.device_key(), second.device_key()];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let page = local.call("ListDevices", json!({"AccessToken": token, "Limit": 1})).expect("page");
    assert_eq!(page["Devices"].as_array().map(Vec::len), Some(1));
    let rest = local
        .call("ListDevices", json!({"AccessToken": token, "Limit": 1, "PaginationToken": page["PaginationToken"]}))
        .expect("rest");
    assert_eq!(rest["Devices"].as_array().map(Vec::len), Some(1));
    assert!(rest["PaginationToken"].is_null());
    assert_ne!(page["Devices"][0]["DeviceKey"], rest["Devices"][0]["DeviceKey"]);

    let got = local.call("GetDevice", json!({"AccessToken": token, "DeviceKey": device.device_key()})).expect("device");
    assert_eq!(
        got["Device"]["DeviceAttributes"][1],
        json!({"Name": "device_remembered_status", "Value": "remembered"})
    );
    local.user("mallory");
    let mallory = local.password_sign_in("mallory").expect("mallory");
    let theirs = json!({"AccessToken": access(&mallory), "DeviceKey": device.device_key()});
    assert_eq!(local.call("GetDevice", theirs).expect_err("not hers").0, "ResourceNotFoundException");
}

#[test]
fn global_sign_out_and_revoke_token_revoke_refresh_tokens() {
    let mut local = Local::new(PoolSettings::default());
    let refresh =
        |local: &mut Local, token: &Value| local.initiate("REFRESH_TOKEN_AUTH", json!({"REFRESH_TOKEN": token}));
    let first = local.password_sign_in("alice").expect("signed in");
    let second = local.password_sign_in("alice").expect("signed in");
    let (one, two) =
        (first["AuthenticationResult"]["RefreshToken"].clone(), second["AuthenticationResult"]["RefreshToken"].clone());
    assert!(refresh(&mut local, &one).is_ok());
    local.call("RevokeToken", json!({"Token": one, "ClientId": CLIENT})).expect("revoked");
    assert_eq!(refresh(&mut local, &one).expect_err("revoked").0, "NotAuthorizedException");
    assert!(refresh(&mut local, &two).is_ok(), "only that token");
    local.call("GlobalSignOut", json!({"AccessToken": access(&second)})).expect("signed out");
    assert_eq!(refresh(&mut local, &two).expect_err("signed out").0, "NotAuthorizedException");
}

#[test]
fn revoke_token_on_a_client_with_a_secret_needs_the_secret() {
    let mut local = Local::new(PoolSettings::default());
    let pool = local.pool.clone();
    local.service.add_app_client(&pool, "confidential1", Some(ClientSecret::from("the-secret"))).expect("client");
    let revoke = |secret: &str| json!({"Token": "whatever", "ClientId": "confidential1", "ClientSecret": secret});
    assert_eq!(local.call("RevokeToken", revoke("wrong")).expect_err("wrong secret").0, "NotAuthorizedException");
    assert!(local.call("RevokeToken", revoke("the-secret")).is_ok(), "an unknown token is no error (RFC 7009)");
    assert!(local.service.add_app_client(&pool, "confidential1", None).is_err(), "an id is taken once");
    assert!(local.service.add_app_client(&pool, "bad id", None).is_err(), "Cognito's id shape");
}

#[test]
fn usernames_match_in_any_case_where_the_pool_says_so() {
    let mut sensitive = Local::new(PoolSettings::default());
    assert_eq!(sensitive.password_sign_in("ALICE").expect_err("case matters").0, "NotAuthorizedException");
    let mut settings = PoolSettings::default().with_email_alias(true);
    settings.case_insensitive_usernames = true;
    let mut insensitive = Local::new(settings);
    let tokens = insensitive.password_sign_in("ALICE").expect("any case");
    let claims = insensitive
        .service
        .verify_token(access(&tokens).as_str().expect("token"), Timestamp::from_unix_seconds(NOW).expect("in range"));
    assert_eq!(claims.expect("claims")["username"], "alice", "the pool username, as stored");
    assert!(insensitive.password_sign_in("Alice@Example.COM").is_ok(), "aliases too");
}

#[test]
fn an_unknown_user_is_named_only_where_the_pool_reveals_it() {
    let mut hidden = Local::new(PoolSettings::default());
    assert_eq!(
        hidden.password_sign_in("nobody").expect_err("unknown"),
        ("NotAuthorizedException".into(), "Incorrect username or password.".into())
    );
    assert!(hidden.password_step("nobody", PASSWORD).is_ok(), "a decoy challenge");
    let mut settings = PoolSettings::default();
    settings.user_existence_errors = true;
    let mut revealing = Local::new(settings);
    assert_eq!(revealing.password_sign_in("nobody").expect_err("unknown").0, "UserNotFoundException");
    assert_eq!(revealing.password_step("nobody", PASSWORD).expect_err("unknown").0, "UserNotFoundException");
    assert_eq!(revealing.sign_in("alice", "wrong-Passw0rd").expect_err("wrong").0, "NotAuthorizedException");
}
