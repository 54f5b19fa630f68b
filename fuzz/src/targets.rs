//! The bodies of the fuzz targets, one function each, taking the raw input.
//!
//! Each panics only on a real defect: a parser that panics, a result that
//! contradicts an independent check, or a server answer outside Cognito's
//! shapes. The same functions run under libFuzzer (`fuzz/`) and, bounded,
//! in the stable test suite (`tests/fuzz_replay.rs`), so a crash the fuzzer
//! finds becomes a seed file and a regression test.

use std::collections::HashMap;

use std::sync::Arc;

use cognito_srp_auth::flow::{
    Answer, AppClient, DeviceStore, JsonFileDeviceStore, MemoryDeviceStore, PausedSignIn, PoolUser, Prompt, Request,
    Selection, SignIn, Step,
};
use cognito_srp_auth::server::{NewAppClient, PoolSettings, Service, totp};
use cognito_srp_auth::{
    DeviceCredentials, DevicePasswordVerifierChallenge, Password, PasswordVerifierChallenge, PrivateExponentSize,
    RefreshToken, SecretHash, SrpEphemeral, Timestamp, UserPoolId, hazmat,
};
use rand_core::{TryCryptoRng, TryRng};
use serde_json::Value;

/// A target: the raw input in, a panic on a defect.
pub type Target = fn(&[u8]);

/// Every target, by name, for the replay.
pub const TARGETS: &[(&str, Target)] = &[
    ("encoding", encoding),
    ("challenge", challenge),
    ("timestamp", timestamp),
    ("stored_values", stored_values),
    ("server_requests", server_requests),
    ("sign_in_responses", sign_in_responses),
];

/// A deterministic stand-in for a CSPRNG (SplitMix64), so that a crash
/// replays exactly. Never for real keys.
pub struct FixedRng(u64);

impl FixedRng {
    pub fn new(seed: u64) -> Self {
        FixedRng(seed)
    }
}

impl TryRng for FixedRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Ok(z ^ (z >> 31))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let word = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for FixedRng {}

const NOW: i64 = 1_764_000_000;

fn now() -> Timestamp {
    Timestamp::from_unix_seconds(NOW).unwrap_or_else(|| unreachable!("in range"))
}

fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_base64_44(text: &str) -> bool {
    text.len() == 44 && text.ends_with('=') && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
}

/// hex, signed-hex `SALT`, Base64 `SECRET_BLOCK`, `padHex`, S below N.
pub fn encoding(data: &[u8]) {
    // padHex: optional 0x00, then the significant bytes; the top bit clear.
    let padded = hazmat::pad_hex(data);
    let significant = &data[data.iter().take_while(|&&b| b == 0).count()..];
    assert!(padded[0] < 0x80, "padHex reads as positive");
    let body = if padded.len() > significant.len() { &padded[1..] } else { &padded[..] };
    assert_eq!(body, significant, "padHex keeps the value");
    assert!(padded.len() == significant.len() || padded[0] == 0);

    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '|');
    let (first, second, third) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    // SALT: accepted exactly when it is an optional `-` and bare hex.
    let salt_ok = is_hex(first.strip_prefix('-').unwrap_or(first));
    assert_eq!(hazmat::x(first, "pool", "id", b"pw").is_ok(), salt_ok, "SALT {first:?}");
    // SRP_A and SRP_B: hex numbers, checked against N.
    if hazmat::u(first, second).is_ok() {
        assert!(is_hex(first) && is_hex(second), "SRP_A {first:?}, SRP_B {second:?}");
    }
    if let Ok(signature) = hazmat::signature(&[7; 16], "pool", "id", third, "Tue Jan 1 06:06:09 UTC 2019") {
        assert!(is_base64_44(&signature), "{signature}");
        assert!(!third.is_empty() && third.len() % 4 == 0, "SECRET_BLOCK {third:?} is standard Base64");
    }
    if let Ok(key) = hazmat::derive_key(data, &[1; 32]) {
        assert_eq!(key.len(), 16);
        assert!(significant.len() <= 384);
    }
}

/// `KEY=value` lines as `ChallengeParameters`, answered when they parse.
pub fn challenge(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parameters: HashMap<&str, &str> = text.lines().filter_map(|line| line.split_once('=')).collect();
    let pool = UserPoolId::parse("eu-west-1_Fuzz").unwrap_or_else(|_| unreachable!("valid"));
    let mut rng = FixedRng::new(data.len() as u64);
    if let Ok(challenge) = PasswordVerifierChallenge::from_parameters(&parameters) {
        assert!(!challenge.username().is_empty() && !challenge.user_id_for_srp().is_empty());
        let ephemeral = SrpEphemeral::generate(&mut rng, PrivateExponentSize::Bits256);
        if let Ok(signer) = ephemeral.answer_password_verifier(&pool, &Password::from("pw"), &challenge) {
            let claim = signer.sign(now());
            assert!(is_base64_44(claim.signature()));
            assert_eq!(Some(&claim.secret_block()), parameters.get("SECRET_BLOCK"));
        }
    }
    if let Ok(challenge) = DevicePasswordVerifierChallenge::from_parameters(&parameters) {
        let device = DeviceCredentials::new("eu-west-1_d", "g", "device-password".into());
        let ephemeral = SrpEphemeral::generate(&mut rng, PrivateExponentSize::Bits256);
        if let Ok(signer) = ephemeral.answer_device_password_verifier(&device, &challenge) {
            assert!(is_base64_44(signer.sign(now()).signature()));
        }
    }
}

/// `TIMESTAMP` text, and instants to text and back.
pub fn timestamp(data: &[u8]) {
    if let Ok(text) = core::str::from_utf8(data)
        && let Ok(timestamp) = text.parse::<Timestamp>()
    {
        assert_eq!(timestamp.to_string(), text, "only the canonical text parses");
    }
    if let Some(word) = data.first_chunk::<8>()
        && let Some(timestamp) = Timestamp::from_unix_seconds(i64::from_le_bytes(*word))
    {
        let text = timestamp.to_string();
        assert_eq!(text.parse::<Timestamp>().ok(), Some(timestamp), "{text}");
    }
}

/// What a caller stores: the CLI's device file (`JsonFileDeviceStore`),
/// device credentials, and a paused sign-in, read back and resumed.
pub fn stored_values(data: &[u8]) {
    device_file(data);
    if let Ok(devices) = serde_json::from_slice::<HashMap<String, DeviceCredentials>>(data) {
        let again = serde_json::to_vec(&devices).unwrap_or_else(|e| panic!("{e}"));
        let back: HashMap<String, DeviceCredentials> = serde_json::from_slice(&again).unwrap_or_else(|e| panic!("{e}"));
        assert!(back == devices, "device credentials round-trip");
    }
    if let Ok(paused) = serde_json::from_slice::<PausedSignIn>(data) {
        let pool = UserPoolId::parse("eu-west-1_Fuzz").unwrap_or_else(|_| unreachable!("valid"));
        let Ok(mut sign_in) = SignIn::resume(AppClient::new(pool, "client"), paused, now()) else { return };
        let mut rng = FixedRng::new(1);
        for answer in [Answer::Code("123456".into()), Answer::SetUpSoftwareToken, Answer::Custom("x".into())] {
            if let Ok(request) = sign_in.answer(answer, &mut rng) {
                let _ = sign_in.receive(400, br#"{"__type":"CodeMismatchException","message":"no"}"#, now(), &mut rng);
                let _ = request.body_json();
                break;
            }
        }
    }
}

/// The device file as the CLI keeps it: the input is the file (mode 0600).
/// A file the store refuses must stay byte for byte as it was when a save is
/// tried; a file it reads must take a save and give the device back.
fn device_file(data: &[u8]) {
    let dir = std::env::temp_dir().join(format!("cognito-srp-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("devices.json");
    if write_owner_only(&path, data).is_err() {
        return;
    }
    let store = JsonFileDeviceStore::new(&path);
    let pool = UserPoolId::parse("eu-west-1_Fuzz").unwrap_or_else(|_| unreachable!("valid"));
    let user = PoolUser::new(pool, "alice");
    let device = DeviceCredentials::new("eu-west-1_d", "g", "device-password".into());
    match store.load(&user) {
        Ok(_) => {
            assert!(store.save(&user, &device).is_ok(), "a readable store takes a save");
            let back = store.load(&user).unwrap_or_else(|e| panic!("{e}"));
            assert!(back == Some(device), "the saved device comes back");
        }
        Err(_) => {
            assert!(store.save(&user, &device).is_err(), "a refused file is not written over");
            assert_eq!(std::fs::read(&path).ok().as_deref(), Some(data), "a refused file is left as it was");
        }
    }
    let _ = std::fs::remove_file(&path);
}

fn write_owner_only(path: &std::path::Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(data)
}

// ------------------------------------------------------------- the server

const PASSWORD: &str = "correct horse battery";
const OPERATIONS: [&str; 6] = [
    "InitiateAuth",
    "RespondToAuthChallenge",
    "ConfirmDevice",
    "UpdateDeviceStatus",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
];

/// A server with live state to aim at: an SRP session waiting for
/// PASSWORD_VERIFIER, an MFA session, tokens and a device key.
pub struct LiveServer {
    pub service: Service,
    pub pool: UserPoolId,
    pub app: NewAppClient,
    pub rng: FixedRng,
    /// Placeholder → value, substituted into request bodies.
    pub values: Vec<(&'static str, String)>,
}

fn call(service: &mut Service, rng: &mut FixedRng, operation: &str, body: &Value) -> (u16, Value) {
    let target = format!("AWSCognitoIdentityProviderService.{operation}");
    let (status, response) = service.handle(&target, body.to_string().as_bytes(), now(), rng);
    (status, serde_json::from_slice(&response).unwrap_or(Value::Null))
}

impl LiveServer {
    pub fn new() -> Self {
        let mut rng = FixedRng::new(42);
        let mut service = Service::new();
        let pool = service.create_user_pool("eu-west-1", PoolSettings::with_devices_and_optional_mfa(), &mut rng);
        let app = service.create_app_client(&pool, true, &mut rng);
        for user in ["alice", "bob"] {
            let attributes = HashMap::from([("email".to_owned(), format!("{user}@example.com"))]);
            let created = service.admin_create_user(&pool, user, attributes, &Password::from(PASSWORD), true, &mut rng);
            assert!(created.is_ok());
        }
        let seed = service.admin_set_software_token_mfa(&pool, "alice", &mut rng).unwrap_or_default();
        let secret = app.client_secret.clone().unwrap_or_else(|| unreachable!("made with a secret"));
        let hash = |user: &str| SecretHash::new(&secret, user, &app.client_id).as_str().to_owned();
        let initiate = |flow: &str, user: &str, extra: (&str, &str)| {
            serde_json::json!({"AuthFlow": flow, "ClientId": app.client_id,
                "AuthParameters": {"USERNAME": user, "SECRET_HASH": hash(user), extra.0: extra.1}})
        };
        let (_, bob) = call(
            &mut service,
            &mut rng,
            "InitiateAuth",
            &initiate("USER_PASSWORD_AUTH", "bob", ("PASSWORD", PASSWORD)),
        );
        let (_, mfa) = call(
            &mut service,
            &mut rng,
            "InitiateAuth",
            &initiate("USER_PASSWORD_AUTH", "alice", ("PASSWORD", PASSWORD)),
        );
        let srp_a = hazmat::srp_a(&[9; 32]).unwrap_or_default();
        let (_, srp) =
            call(&mut service, &mut rng, "InitiateAuth", &initiate("USER_SRP_AUTH", "alice", ("SRP_A", &srp_a)));
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        let tokens = &bob["AuthenticationResult"];
        let values = vec![
            ("@C", app.client_id.clone()),
            ("@Ha", hash("alice")),
            ("@Hb", hash("bob")),
            ("@P", PASSWORD.to_owned()),
            ("@A", text(&tokens["AccessToken"])),
            ("@R", text(&tokens["RefreshToken"])),
            ("@D", text(&tokens["NewDeviceMetadata"]["DeviceKey"])),
            ("@G", text(&tokens["NewDeviceMetadata"]["DeviceGroupKey"])),
            ("@M", text(&mfa["Session"])),
            ("@T", totp(&seed, now()).unwrap_or_default()),
            ("@S", text(&srp["Session"])),
            ("@B", text(&srp["ChallengeParameters"]["SECRET_BLOCK"])),
            ("@I", text(&srp["ChallengeParameters"]["USER_ID_FOR_SRP"])),
            ("@W", "Tue Nov 25 15:06:40 UTC 2025".to_owned()),
        ];
        assert!(values.iter().all(|(_, v)| !v.is_empty()), "the live state was made: {values:?}");
        LiveServer { service, pool, app, rng, values }
    }

    /// The body with every placeholder replaced (longest names first).
    pub fn substitute(&self, body: &str) -> String {
        let mut out = body.to_owned();
        let mut values: Vec<&(&str, String)> = self.values.iter().collect();
        values.sort_by_key(|(name, _)| core::cmp::Reverse(name.len()));
        for (name, value) in values {
            out = out.replace(name, value);
        }
        out
    }

    /// Sends one request and checks the answer has Cognito's shape: 200 or
    /// 400, a JSON object, an error with `__type` and `message`, and never a
    /// step past a password verifier whose proof the request could not know.
    pub fn check(&mut self, operation: &str, body: &[u8]) -> (u16, Value) {
        let target = format!("AWSCognitoIdentityProviderService.{operation}");
        let (status, response) = self.service.handle(&target, body, now(), &mut self.rng);
        assert!(status == 200 || status == 400, "{operation}: status {status}");
        let response: Value = serde_json::from_slice(&response).unwrap_or_else(|e| panic!("{operation}: {e}"));
        assert!(response.is_object(), "{operation}: {response}");
        if status == 400 {
            let kind = response["__type"].as_str().unwrap_or_default();
            assert!(!kind.is_empty() && kind.ends_with("Exception"), "{operation}: {response}");
            assert!(response["message"].is_string(), "{operation}: {response}");
        }
        if status == 200 && operation == "RespondToAuthChallenge" {
            let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            let name = request["ChallengeName"].as_str().unwrap_or_default();
            assert!(
                !name.ends_with("PASSWORD_VERIFIER"),
                "{name} accepted without a proof the request could have known: {response}"
            );
        }
        (status, response)
    }
}

impl Default for LiveServer {
    fn default() -> Self {
        Self::new()
    }
}

/// The first byte picks the operation; the rest is its body, with `@S`,
/// `@A` and the other placeholders of [`LiveServer`] replaced by live values.
pub fn server_requests(data: &[u8]) {
    let Some((&operation, body)) = data.split_first() else { return };
    let mut server = LiveServer::new();
    let operation = OPERATIONS[usize::from(operation) % OPERATIONS.len()];
    let body = server.substitute(&String::from_utf8_lossy(body));
    server.check(operation, body.as_bytes());
}

// ------------------------------------------------------ the sign-in machine

/// A whole sign-in against the embedded server in which one response is
/// replaced or mutated: byte 0 picks the flow, byte 1 the exchange to
/// corrupt, byte 2 the status, byte 3 whether the rest replaces the body or
/// overwrites bytes of the real one (as `position, value` triples).
pub fn sign_in_responses(data: &[u8]) {
    let _ = sign_in_depth(data);
}

/// How deep one [`sign_in_responses`] run went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Depth {
    /// Responses the machine read.
    pub exchanges: u8,
    /// The exchange whose response was the input's (the prefix before it was real).
    pub altered: Option<u8>,
    /// The sign-in ended with tokens.
    pub signed_in: bool,
}

/// [`sign_in_responses`], telling how far it got: a real sign-in against
/// the embedded server, whose response at exchange `at % 8` is replaced
/// (`mode` even) or edited (odd) by the rest of the input.
pub fn sign_in_depth(data: &[u8]) -> Depth {
    let mut depth = Depth::default();
    let [flow, at, status, mode, rest @ ..] = data else { return depth };
    let mut server = LiveServer::new();
    let client = AppClient::new(server.pool.clone(), server.app.client_id.clone())
        .with_client_secret(server.app.client_secret.clone().unwrap_or_else(|| unreachable!("secret")));
    let refresh =
        RefreshToken::new(server.values.iter().find(|(n, _)| *n == "@R").map(|(_, v)| v.clone()).unwrap_or_default());
    let password = || Password::from(PASSWORD);
    let sign_in = match flow % 5 {
        0 => SignIn::user_srp(client, "alice", password()),
        1 => SignIn::user_password(client, "bob", password()),
        2 => SignIn::user_auth(client, "alice", Some(Selection::PasswordSrp(password()))),
        3 => SignIn::user_auth(client, "bob", Some(Selection::Password(password()))),
        _ => SignIn::refresh(client, "bob", &refresh),
    };
    let Ok(sign_in) = sign_in else { return depth };
    // The device bob's USER_PASSWORD_AUTH made, so refresh and DEVICE_SRP_AUTH have one.
    let store = Arc::new(MemoryDeviceStore::new());
    let mut sign_in = sign_in.with_device_store(store);
    let mut rng = FixedRng::new(7);
    let Ok(mut request) = sign_in.start(&mut rng) else { return depth };
    let status = [200, 400, 500, 200, 403][usize::from(*status) % 5];
    for exchange in 0..8u8 {
        let (real_status, mut body) = exchange_once(&mut server, &request);
        let status = if exchange == at % 8 {
            depth.altered = Some(exchange);
            if mode % 2 == 0 {
                body = rest.to_vec();
            } else {
                for triple in rest.chunks_exact(3) {
                    if !body.is_empty() {
                        let position = usize::from(u16::from_le_bytes([triple[0], triple[1]])) % body.len();
                        body[position] = triple[2];
                    }
                }
            }
            status
        } else {
            real_status
        };
        depth.exchanges += 1;
        let Ok(step) = sign_in.receive(status, &body, now(), &mut rng) else { return depth };
        if matches!(step, Step::Done(_)) {
            depth.signed_in = true;
        }
        match next_request(&mut sign_in, step, &server, &mut rng) {
            Some(next) => request = next,
            None => return depth,
        }
    }
    depth
}

fn exchange_once(server: &mut LiveServer, request: &Request) -> (u16, Vec<u8>) {
    server.service.handle(&request.target(), request.body_json().as_bytes(), now(), &mut server.rng)
}

/// Follows the machine's steps until it wants a request sent; answers
/// prompts a script knows, and stops at the end or anything else.
fn next_request(sign_in: &mut SignIn, step: Step, server: &LiveServer, rng: &mut FixedRng) -> Option<Request> {
    match step {
        Step::Send(request) => Some(request),
        Step::Prompt(Prompt::SoftwareTokenMfa) => {
            let code = server.values.iter().find(|(n, _)| *n == "@T").map(|(_, v)| v.clone())?;
            sign_in.answer(Answer::Code(code), rng).ok()
        }
        _ => None,
    }
}
