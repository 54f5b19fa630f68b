//! End to end against an independent Cognito emulator, ministack (PyPI),
//! through the HTTPS transport: `.ci/run` installs and starts it on
//! loopback, sets `MINISTACK_ENDPOINT` and runs them with `--ignored`.
//! Without the emulator they are reported as ignored, never as passed; run
//! with `--ignored` but without the variable, they fail and say why.
//!
//! The emulator verifies the PASSWORD_VERIFIER proof, the TIMESTAMP format
//! and SECRET_HASH; it has no device SRP, which the crate's own server
//! covers (`tests/pair.rs`).

#![cfg(all(feature = "http", feature = "totp"))]

use std::collections::HashMap;

use cognito_srp_auth::flow::{self, Answer, AppClient, Interaction, Prompt, ServiceError, SignIn, SignedIn};
use cognito_srp_auth::http::HttpTransport;
use cognito_srp_auth::totp::totp;
use cognito_srp_auth::{Cancelled, ClientSecret, Error, Password, Timestamp, UserPoolId};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const REGION: &str = "us-east-1";

/// The emulator's address. A test asked for with `--ignored` and no
/// emulator fails, rather than passing without having run.
fn endpoint() -> String {
    std::env::var("MINISTACK_ENDPOINT")
        .unwrap_or_else(|_| panic!("MINISTACK_ENDPOINT is not set: start ministack on loopback first (see .ci/run)"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], message: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key");
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// An admin call, signed with SigV4 and the emulator's default credentials.
fn admin(endpoint: &str, operation: &str, body: Value) -> Value {
    let body = body.to_string();
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    let (amz_date, date) = (now.format("%Y%m%dT%H%M%SZ").to_string(), now.format("%Y%m%d").to_string());
    let target = format!("AWSCognitoIdentityProviderService.{operation}");
    let signed_headers = "content-type;host;x-amz-date;x-amz-target";
    let canonical = format!(
        "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:{host}\nx-amz-date:{amz_date}\nx-amz-target:{target}\n\n{signed_headers}\n{}",
        hex(&Sha256::digest(body.as_bytes()))
    );
    let scope = format!("{date}/{REGION}/cognito-idp/aws4_request");
    let to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex(&Sha256::digest(canonical.as_bytes())));
    let key = ["cognito-idp", "aws4_request"]
        .iter()
        .fold(hmac(&hmac(b"AWS4test", &date), REGION), |key, part| hmac(&key, part));
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential=test/{scope}, SignedHeaders={signed_headers}, Signature={}",
        hex(&hmac(&key, &to_sign))
    );
    let agent = ureq::Agent::new_with_config(ureq::Agent::config_builder().http_status_as_error(false).build());
    let mut response = agent
        .post(endpoint)
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", &target)
        .header("X-Amz-Date", &amz_date)
        .header("Authorization", &authorization)
        .send(body)
        .expect("the emulator answers");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("a body");
    assert_eq!(status, 200, "{operation}: {text}");
    serde_json::from_str(&text).expect("JSON")
}

/// A pool with one app client (with or without a secret) and one user.
struct Pool {
    endpoint: String,
    id: UserPoolId,
    client_id: String,
    client_secret: Option<ClientSecret>,
}

impl Pool {
    fn new(endpoint: &str, secret: bool) -> Self {
        let pool = admin(endpoint, "CreateUserPool", json!({"PoolName": format!("p{}", rand_suffix())}));
        let id = pool["UserPool"]["Id"].as_str().expect("pool id").to_owned();
        let client = admin(
            endpoint,
            "CreateUserPoolClient",
            json!({
                "UserPoolId": id, "ClientName": "app", "GenerateSecret": secret,
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            }),
        );
        let client = &client["UserPoolClient"];
        Pool {
            endpoint: endpoint.to_owned(),
            id: UserPoolId::parse(&id).expect("a pool id the crate accepts"),
            client_id: client["ClientId"].as_str().expect("client id").to_owned(),
            client_secret: client["ClientSecret"].as_str().map(ClientSecret::from),
        }
    }

    fn user(&self, username: &str, password: &str, permanent: bool) {
        admin(
            &self.endpoint,
            "AdminCreateUser",
            json!({
                "UserPoolId": self.id.as_str(), "Username": username, "MessageAction": "SUPPRESS",
                "TemporaryPassword": password,
            }),
        );
        if permanent {
            admin(
                &self.endpoint,
                "AdminSetUserPassword",
                json!({
                    "UserPoolId": self.id.as_str(), "Username": username, "Password": password, "Permanent": true,
                }),
            );
        }
    }

    fn client(&self) -> AppClient {
        let client = AppClient::new(self.id.clone(), self.client_id.clone());
        match &self.client_secret {
            Some(secret) => client.with_client_secret(secret.clone()),
            None => client,
        }
    }

    fn sign_in(&self, sign_in: SignIn, person: &mut Person) -> Result<SignedIn, Error> {
        let transport = HttpTransport::with_endpoint(self.endpoint.clone());
        flow::drive(sign_in, |request| transport.send(request), person, Timestamp::now)
    }
}

fn rand_suffix() -> u32 {
    rand::random()
}

/// Answers prompts: a new password, or the authenticator's code.
#[derive(Default)]
struct Person {
    new_password: Option<String>,
    authenticator: Option<String>,
    prompts: Vec<String>,
}

impl Interaction for Person {
    async fn answer(&mut self, prompt: &Prompt, _refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
        self.prompts.push(format!("{prompt:?}"));
        let unscripted = || Cancelled::new("an unscripted prompt");
        match prompt {
            Prompt::NewPasswordRequired { .. } => Ok(Answer::NewPassword {
                password: Password::from(self.new_password.clone().ok_or_else(unscripted)?),
                attributes: HashMap::new(),
            }),
            Prompt::SoftwareTokenMfa => {
                let secret = self.authenticator.as_deref().ok_or_else(unscripted)?;
                Ok(Answer::Code(totp(secret, Timestamp::now()).ok_or_else(unscripted)?))
            }
            _ => Err(unscripted()),
        }
    }
}

#[test]
#[ignore = "needs the ministack emulator: MINISTACK_ENDPOINT set and --ignored (.ci/run does both)"]
fn user_srp_auth_with_and_without_a_client_secret() {
    let endpoint = endpoint();
    for secret in [true, false] {
        let pool = Pool::new(&endpoint, secret);
        pool.user("alice", "Correct-Horse-1", true);
        let sign_in = SignIn::user_srp(pool.client(), "alice", Password::from("Correct-Horse-1")).expect("valid");
        let done = pool.sign_in(sign_in, &mut Person::default()).expect("signed in");
        assert!(
            done.tokens().access_token().expose_secret().contains('.') && done.tokens().refresh_token().is_some(),
            "secret: {secret}"
        );

        // REFRESH_TOKEN_AUTH with the refresh token.
        let refresh = done.tokens().refresh_token().cloned().expect("refresh token");
        let sign_in = SignIn::refresh(pool.client(), done.username(), &refresh).expect("valid");
        let refreshed = pool.sign_in(sign_in, &mut Person::default()).expect("refreshed");
        assert!(refreshed.tokens().access_token().expose_secret().contains('.'));
    }
}

#[test]
#[ignore = "needs the ministack emulator: MINISTACK_ENDPOINT set and --ignored (.ci/run does both)"]
fn a_wrong_password_is_refused() {
    let endpoint = endpoint();
    let pool = Pool::new(&endpoint, true);
    pool.user("bob", "Correct-Horse-1", true);
    let sign_in = SignIn::user_srp(pool.client(), "bob", Password::from("Wrong-Horse-1")).expect("valid");
    let error = pool.sign_in(sign_in, &mut Person::default()).expect_err("refused");
    let Error::Service(service) = error else { panic!("expected a service error, got {error:?}") };
    assert_eq!(service.kind().name(), "NotAuthorizedException", "{service}");
}

#[test]
#[ignore = "needs the ministack emulator: MINISTACK_ENDPOINT set and --ignored (.ci/run does both)"]
fn a_temporary_password_asks_for_a_new_one() {
    let endpoint = endpoint();
    let pool = Pool::new(&endpoint, false);
    pool.user("carol", "Temporary-Pass-1", false);
    let mut person = Person { new_password: Some("Permanent-Pass-2".into()), ..Person::default() };
    let sign_in = SignIn::user_srp(pool.client(), "carol", Password::from("Temporary-Pass-1")).expect("valid");
    let done = pool.sign_in(sign_in, &mut person).expect("signed in");
    assert!(done.tokens().access_token().expose_secret().contains('.'));
    assert!(person.prompts.iter().any(|p| p.starts_with("NewPasswordRequired")), "{:?}", person.prompts);
    let sign_in = SignIn::user_srp(pool.client(), "carol", Password::from("Permanent-Pass-2")).expect("valid");
    assert!(pool.sign_in(sign_in, &mut Person::default()).is_ok(), "the new password works");
}

/// A public (unsigned) call authorised by an access token.
fn public(endpoint: &str, operation: &str, body: Value) -> Value {
    let agent = ureq::Agent::new_with_config(ureq::Agent::config_builder().http_status_as_error(false).build());
    let mut response = agent
        .post(endpoint)
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", format!("AWSCognitoIdentityProviderService.{operation}"))
        .send(body.to_string())
        .expect("the emulator answers");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("a body");
    assert_eq!(status, 200, "{operation}: {text}");
    serde_json::from_str(&text).expect("JSON")
}

#[test]
#[ignore = "needs the ministack emulator: MINISTACK_ENDPOINT set and --ignored (.ci/run does both)"]
fn software_token_mfa_with_a_computed_totp() {
    let endpoint = endpoint();
    let pool = Pool::new(&endpoint, true);
    admin(
        &endpoint,
        "SetUserPoolMfaConfig",
        json!({
            "UserPoolId": pool.id.as_str(), "MfaConfiguration": "OPTIONAL",
            "SoftwareTokenMfaConfiguration": {"Enabled": true},
        }),
    );
    pool.user("dave", "Correct-Horse-1", true);
    let sign_in = SignIn::user_srp(pool.client(), "dave", Password::from("Correct-Horse-1")).expect("valid");
    let done = pool.sign_in(sign_in, &mut Person::default()).expect("signed in");
    let access = done.tokens().access_token().expose_secret().to_owned();

    // Enrol an authenticator for the user.
    let secret = public(&endpoint, "AssociateSoftwareToken", json!({"AccessToken": access}));
    let secret = secret["SecretCode"].as_str().expect("SecretCode").to_owned();
    let code = totp(&secret, Timestamp::now()).expect("Base32");
    let verified = public(&endpoint, "VerifySoftwareToken", json!({"AccessToken": access, "UserCode": code}));
    assert_eq!(verified["Status"], "SUCCESS");
    public(
        &endpoint,
        "SetUserMFAPreference",
        json!({
            "AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true},
        }),
    );

    let mut person = Person { authenticator: Some(secret), ..Person::default() };
    let sign_in = SignIn::user_srp(pool.client(), "dave", Password::from("Correct-Horse-1")).expect("valid");
    let done = pool.sign_in(sign_in, &mut person).expect("signed in with TOTP");
    assert!(done.tokens().access_token().expose_secret().contains('.'));
    assert_eq!(person.prompts, vec!["SoftwareTokenMfa".to_owned()]);
}

#[test]
#[ignore = "needs the ministack emulator: MINISTACK_ENDPOINT set and --ignored (.ci/run does both)"]
fn user_password_auth_too() {
    let endpoint = endpoint();
    let pool = Pool::new(&endpoint, true);
    pool.user("erin", "Correct-Horse-1", true);
    let sign_in = SignIn::user_password(pool.client(), "erin", Password::from("Correct-Horse-1")).expect("valid");
    assert!(
        pool.sign_in(sign_in, &mut Person::default())
            .expect("signed in")
            .tokens()
            .id_token()
            .expose_secret()
            .contains('.')
    );
}

/// The command line's `sign-in`, password on standard input.
#[cfg(feature = "cli")]
#[test]
#[ignore = "needs the ministack emulator: MINISTACK_ENDPOINT set and --ignored (.ci/run does both)"]
fn the_command_line_signs_in_against_the_emulator() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let endpoint = endpoint();
    let pool = Pool::new(&endpoint, true);
    pool.user("frank", "Correct-Horse-1", true);
    let secret = pool.client_secret.as_ref().expect("a secret").expose_secret().to_owned();
    let run = |password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cognito-srp"))
            .args([
                "sign-in",
                "--user-pool-id",
                pool.id.as_str(),
                "--client-id",
                &pool.client_id,
                "--username",
                "frank",
            ])
            .args(["--client-secret-env", "APP_SECRET", "--endpoint", &endpoint, "--stdin"])
            .env("APP_SECRET", &secret)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        child.stdin.take().expect("stdin").write_all(format!("{password}\n").as_bytes()).expect("writes");
        child.wait_with_output().expect("exits")
    };
    let output = run("Correct-Horse-1");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let tokens: Value = serde_json::from_slice(&output.stdout).expect("tokens as JSON");
    assert!(tokens["AuthenticationResult"]["AccessToken"].as_str().is_some(), "{tokens}");
    assert_eq!(run("Wrong-Horse-1").status.code(), Some(3), "refused");
}

/// The same sign-in through an `aws-sdk-cognitoidentityprovider` client.
/// The crate enables no HTTP client for the SDK, so this test needs one
/// from the command line, as an application brings its own:
/// `--features aws-sdk-cognitoidentityprovider/default-https-client,aws-sdk-cognitoidentityprovider/rt-tokio`.
#[cfg(feature = "aws-sdk")]
#[test]
#[ignore = "needs the ministack emulator (MINISTACK_ENDPOINT, --ignored) and an HTTP client for the SDK (.ci/run does both)"]
fn the_aws_sdk_client_signs_in_against_the_emulator() {
    use aws_sdk_cognitoidentityprovider as sdk;
    use cognito_srp_auth::aws_sdk;

    let endpoint = endpoint();
    let pool = Pool::new(&endpoint, true);
    pool.user("gina", "Correct-Horse-1", true);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let config = sdk::Config::builder()
            .behavior_version(sdk::config::BehaviorVersion::latest())
            .region(sdk::config::Region::new(REGION))
            .endpoint_url(&endpoint)
            .credentials_provider(sdk::config::Credentials::new("test", "test", None, None, "test"))
            .build();
        let client = sdk::Client::from_conf(config);
        let sign_in = SignIn::user_srp(pool.client(), "gina", Password::from("Correct-Horse-1")).expect("valid");
        let done = aws_sdk::drive(&client, sign_in, &mut Person::default(), Timestamp::now).await;
        assert!(done.expect("signed in").tokens().access_token().expose_secret().contains('.'));

        let sign_in = SignIn::user_srp(pool.client(), "gina", Password::from("Wrong-Horse-1")).expect("valid");
        let refused = aws_sdk::drive(&client, sign_in, &mut Person::default(), Timestamp::now).await;
        let Err(Error::Service(service)) = refused else { panic!("expected a service error, got {refused:?}") };
        assert_eq!(service.kind().name(), "NotAuthorizedException");
    });
}
