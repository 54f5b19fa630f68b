//! Looks for secrets where they should not be: in heap blocks the program has
//! freed, and in blocks still allocated once a flow is over.
//!
//! The binary's global allocator ([`heap_probe::Probe`]) copies every freed
//! block aside while a flow runs. Each flow plants distinctive secrets (a
//! password, a client secret, the private `a` through a logging RNG, x, S,
//! the derived key, a device password, tokens, sessions, a TOTP seed) and
//! afterwards counts the freed and the still-live blocks that hold one of
//! them. A wiped block holds zeros and counts for nothing; a block dropped
//! unwiped is found.
//!
//! The in-process embedded server is not the client: its work runs with the
//! recording paused (blocks it frees are not recorded unless the client had
//! allocated them). The test's own copies of the needles are made paused
//! too, and a response body is the transport's buffer, which the test wipes
//! as a careful caller would.
//!
//! It prints a table of secret × flow × blocks found (with
//! `SECRETS_SHOW_BLOCKS=1`, an excerpt of each freed block found), and fails on any
//! non-zero count: every secret the crate controls must be found nowhere.
//! The README's "Secrets in memory" names the copies outside its reach.

#![cfg(feature = "server")]

mod common;

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;

use cognito_srp_auth::flow::{
    Answer, AppClient, DeviceStore as _, MemoryDeviceStore, MfaType, PoolUser, Prompt, Request, Selection, SignIn,
    SignedIn, Step,
};
use cognito_srp_auth::server::{MfaConfiguration, NewAppClient, PoolSettings, Service, totp};
use cognito_srp_auth::{
    ClientSecret, DeviceCredentials, DevicePasswordVerifierChallenge, Password, PasswordVerifierChallenge,
    PrivateExponentSize, SecretHash, SrpEphemeral, Timestamp, UserPoolId,
};
use common::{Server, base64_encode, pad};
use num_bigint::BigUint;
use rand_core::{Rng as _, TryCryptoRng, TryRng};
use zeroize::Zeroize;

#[global_allocator]
static PROBE: heap_probe::Probe = heap_probe::Probe;

const PASSWORD: &str = "Pw:needle-7c1f0e9a2b-correct-horse";
const NEW_PASSWORD: &str = "Pw:needle-new-55d1e0b7c3-battery";
const NOW: i64 = 1_764_000_000;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(seconds).expect("in range")
}

/// One flow's planted needles, and the probe switched off around the
/// test's own bookkeeping.
struct Flow {
    needles: Vec<(&'static str, Vec<u8>)>,
    paused: u32,
}

impl Flow {
    /// Runs `f` unrecorded (the test's own copies, the server's work).
    fn off<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        if self.paused == 0 {
            heap_probe::pause();
        }
        self.paused += 1;
        let result = f(self);
        self.paused -= 1;
        if self.paused == 0 {
            heap_probe::resume();
        }
        result
    }

    /// A secret stored as text (or raw bytes): a 24-byte window of its
    /// middle, so a partial copy is found too.
    fn plant(&mut self, secret: &'static str, bytes: &[u8]) {
        self.off(|flow| {
            let window = 24.min(bytes.len());
            let start = (bytes.len() - window) / 2;
            flow.needles.push((secret, bytes[start..start + window].to_vec()));
        });
    }

    /// A secret whose middle is not its own (a JWT's claims): the 24
    /// bytes of its end.
    fn plant_tail(&mut self, secret: &'static str, bytes: &[u8]) {
        self.off(|flow| {
            let window = 24.min(bytes.len());
            flow.needles.push((secret, bytes[bytes.len() - window..].to_vec()));
        });
    }

    /// A secret integer, big-endian: as bytes (hashes, byte arrays) and as
    /// the little-endian limbs the exponentiation engine keeps.
    fn plant_integer(&mut self, secret: &'static str, big_endian: &[u8]) {
        self.plant(secret, big_endian);
        let little_endian: Vec<u8> = self.off(|_| big_endian.iter().rev().copied().collect());
        self.plant(secret, &little_endian);
    }
}

/// The client's randomness: bytes drawn up front (unrecorded) and handed
/// out in order, so the test knows each private `a` and device password.
/// Its buffers are allocated unrecorded and wiped on drop; no RNG-internal
/// buffer (ThreadRng keeps its last output) is ever allocated while recording.
struct LoggingRng {
    source: Vec<u8>,
    used: usize,
    /// (offset, length) of every draw, in room reserved up front.
    draws: Vec<(usize, usize)>,
}

impl LoggingRng {
    fn new(flow: &mut Flow) -> Self {
        flow.off(|_| {
            let mut source = vec![0u8; 8192];
            rand::rng().fill_bytes(&mut source);
            LoggingRng { source, used: 0, draws: Vec::with_capacity(256) }
        })
    }

    fn draw(&self, index: usize) -> &[u8] {
        let (offset, len) = self.draws[index];
        &self.source[offset..offset + len]
    }
}

impl TryRng for LoggingRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        let end = self.used + dst.len();
        assert!(end <= self.source.len() && self.draws.len() < self.draws.capacity(), "the source ran out");
        dst.copy_from_slice(&self.source[self.used..end]);
        self.draws.push((self.used, dst.len()));
        self.used = end;
        Ok(())
    }
}

impl TryCryptoRng for LoggingRng {}

impl Drop for LoggingRng {
    fn drop(&mut self) {
        self.source.zeroize();
    }
}

/// One row of the table.
struct Finding {
    flow: &'static str,
    secret: &'static str,
    freed: usize,
    live: usize,
}

/// Records one flow and counts what it left behind.
fn measure(name: &'static str, run: impl FnOnce(&mut Flow), findings: &mut Vec<Finding>) {
    let mut flow = Flow { needles: Vec::with_capacity(256), paused: 0 };
    heap_probe::start();
    run(&mut flow);
    let recording = heap_probe::finish();
    assert!(!recording.overflowed(), "{name}: the probe's buffers overflowed; the record is partial");
    let (blocks, bytes) = recording.freed_totals();
    assert!(blocks > 0 && bytes > 0, "{name}: the probe saw no freed block");
    flow.needles.sort();
    flow.needles.dedup();
    let mut secrets: Vec<&'static str> = Vec::new();
    for (secret, _) in &flow.needles {
        if !secrets.contains(secret) {
            secrets.push(secret);
        }
    }
    for secret in secrets {
        let (mut freed, mut live) = (0, 0);
        for (_, needle) in flow.needles.iter().filter(|(s, _)| *s == secret) {
            freed += recording.freed_blocks_containing(needle);
            live += recording.live_blocks_containing(needle);
        }
        if freed > 0 && std::env::var_os("SECRETS_SHOW_BLOCKS").is_some() {
            for (_, needle) in flow.needles.iter().filter(|(s, _)| *s == secret) {
                for (size, excerpt) in recording.freed_blocks_showing(needle) {
                    println!("{name} / {secret}: a freed block of {size} bytes: {excerpt}");
                }
            }
        }
        findings.push(Finding { flow: name, secret, freed, live });
    }
    drop(recording);
}

/// The probe's own check: a secret dropped in a plain `String` must be
/// found, the same secret in a `Zeroizing` one must not.
fn probe_sees_an_unwiped_string() -> bool {
    const CONTROL: &str = "control:needle-0a1b2c3d4e5f-unwiped";
    const WIPED: &str = "control:needle-9f8e7d6c5b4a-wiped";
    let mut findings = Vec::new();
    measure(
        "control",
        |flow| {
            flow.plant("unwiped", CONTROL.as_bytes());
            drop(String::from(CONTROL));
            flow.plant("wiped", WIPED.as_bytes());
            drop(zeroize::Zeroizing::new(String::from(WIPED)));
        },
        &mut findings,
    );
    let found = |secret| findings.iter().find(|f| f.secret == secret).map(|f| f.freed);
    println!(
        "probe control: unwiped String found in {:?} freed blocks, Zeroizing in {:?}",
        found("unwiped"),
        found("wiped")
    );
    found("unwiped") == Some(1) && found("wiped") == Some(0)
}

fn main() -> ExitCode {
    // ThreadRng (the server's randomness) allocates its state on first use: not while recording.
    let _ = rand::rng().next_u32();
    if !probe_sees_an_unwiped_string() {
        println!("secrets_in_memory: 0 passed, 1 failed (the probe does not see freed blocks)");
        return ExitCode::FAILURE;
    }
    let mut findings = Vec::new();
    measure("srp: USER_SRP_AUTH math", user_srp_math, &mut findings);
    measure("srp: DEVICE_SRP_AUTH math", device_srp_math, &mut findings);
    measure("srp: SECRET_HASH", secret_hash, &mut findings);
    measure("USER_SRP_AUTH + SOFTWARE_TOKEN_MFA", |f| user_srp(f, false), &mut findings);
    measure("USER_SRP_AUTH, new device", |f| user_srp(f, true), &mut findings);
    measure("DEVICE_SRP_AUTH + refresh", device_srp_and_refresh, &mut findings);
    measure("USER_PASSWORD_AUTH", user_password, &mut findings);
    measure("USER_AUTH PASSWORD", |f| user_auth(f, false), &mut findings);
    measure("USER_AUTH PASSWORD_SRP", |f| user_auth(f, true), &mut findings);
    measure("NEW_PASSWORD_REQUIRED", new_password_required, &mut findings);
    measure("MFA_SETUP (authenticator)", mfa_setup, &mut findings);
    measure("pause / resume at SOFTWARE_TOKEN_MFA", pause_resume, &mut findings);
    report(&findings)
}

fn report(findings: &[Finding]) -> ExitCode {
    println!("\n{:<40} {:<16} {:>6} {:>6}  verdict", "flow", "secret", "freed", "live");
    let (mut passed, mut failed) = (0, 0);
    for f in findings {
        let verdict = if f.freed + f.live == 0 { "ok" } else { "LEAK" };
        if verdict == "ok" {
            passed += 1;
        } else {
            failed += 1;
        }
        println!("{:<40} {:<16} {:>6} {:>6}  {verdict}", f.flow, f.secret, f.freed, f.live);
    }
    println!("secrets_in_memory: {passed} passed, {failed} failed");
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

// ---------------------------------------------------------------- SRP math

/// The SRP values of one round, computed independently with num-bigint.
fn plant_round(flow: &mut Flow, a: &[u8], b_public: &BigUint, x: &BigUint, u: &BigUint) {
    let server = Server::new();
    let g_x = server.g.modpow(x, &server.n);
    let k_g_x = (&server.k * &g_x) % &server.n;
    let base = (b_public + &server.n - &k_g_x) % &server.n;
    let s = base.modpow(&(BigUint::from_bytes_be(a) + u * x), &server.n);
    let fixed = |v: &BigUint, len: usize| {
        let bytes = v.to_bytes_be();
        let mut out = vec![0u8; len - bytes.len()];
        out.extend(bytes);
        out
    };
    flow.plant_integer("a", a);
    flow.plant_integer("x", &fixed(x, 32));
    flow.plant_integer("g^x", &fixed(&g_x, 384));
    flow.plant_integer("k·g^x", &fixed(&k_g_x, 384));
    flow.plant_integer("S", &fixed(&s, 384));
    let prk = hmac(&pad(u), &pad(&s));
    flow.plant("HKDF PRK", &prk);
    let okm = hmac(&prk, b"Caldera Derived Key\x01");
    flow.plant("derived key", &okm[..16]);
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn user_srp_math(flow: &mut Flow) {
    let server = Server::new();
    let (pool_name, user_id) = ("AbC123xyz", "4f6c2b1e-user");
    let salt = BigUint::from_bytes_be(&[0x5a; 16]);
    let b = BigUint::from_bytes_be(&[0x3c; 32]);
    let pool = UserPoolId::parse(&format!("eu-west-1_{pool_name}")).expect("valid");
    let mut rng = LoggingRng::new(flow);
    let ephemeral = SrpEphemeral::generate(&mut rng, PrivateExponentSize::Bits256);
    let (a, challenge, x, u, b_public) = flow.off(|flow| {
        flow.plant("password", PASSWORD.as_bytes());
        let a = rng.draw(0).to_vec();
        let x = server.x(&salt, pool_name, user_id, PASSWORD);
        let v = server.g.modpow(&x, &server.n);
        let a_public = BigUint::parse_bytes(ephemeral.srp_a().as_bytes(), 16).expect("hex");
        let (b_public, _, u) = server.session(&v, &b, &a_public);
        let challenge = PasswordVerifierChallenge::new(
            &b_public.to_str_radix(16),
            &salt.to_str_radix(16),
            &base64_encode(b"secret block"),
            user_id,
            "alice",
        )
        .expect("valid");
        (a, challenge, x, u, b_public)
    });
    flow.off(|flow| plant_round(flow, &a, &b_public, &x, &u));
    let password = Password::from(PASSWORD);
    let signer = ephemeral.answer_password_verifier(&pool, &password, &challenge).expect("claim");
    let claim = signer.sign(at(NOW));
    drop((claim, signer, password, challenge, rng));
    flow.off(|_| drop((a, x, u, b_public)));
}

fn device_srp_math(flow: &mut Flow) {
    let server = Server::new();
    let mut rng = LoggingRng::new(flow);
    let (device, _config) = DeviceCredentials::generate(&mut rng, "eu-west-1_0f1e2d3c-device", "-groupKey9");
    let ephemeral = SrpEphemeral::generate(&mut rng, PrivateExponentSize::Bits256);
    let b = BigUint::from_bytes_be(&[0x77; 32]);
    let (a, challenge, x, u, b_public) = flow.off(|flow| {
        flow.plant("device password", device.device_password().expose_secret().as_bytes());
        flow.plant("device password", rng.draw(0));
        let salt = BigUint::from_bytes_be(rng.draw(1));
        let a = rng.draw(2).to_vec();
        let x =
            server.x(&salt, device.device_group_key(), device.device_key(), device.device_password().expose_secret());
        let v = server.g.modpow(&x, &server.n);
        let a_public = BigUint::parse_bytes(ephemeral.srp_a().as_bytes(), 16).expect("hex");
        let (b_public, _, u) = server.session(&v, &b, &a_public);
        let challenge = DevicePasswordVerifierChallenge::new(
            &b_public.to_str_radix(16),
            &salt.to_str_radix(16),
            &base64_encode(b"device block"),
            "alice",
        )
        .expect("valid");
        (a, challenge, x, u, b_public)
    });
    flow.off(|flow| plant_round(flow, &a, &b_public, &x, &u));
    let signer = ephemeral.answer_device_password_verifier(&device, &challenge).expect("claim");
    let claim = signer.sign(at(NOW));
    drop((claim, signer, device, challenge, rng));
    flow.off(|_| drop((a, x, u, b_public)));
}

fn secret_hash(flow: &mut Flow) {
    const CLIENT_SECRET: &str = "cs:needle-1b2c3d4e5f60718293a4b5c6d7e8f9";
    let expected = flow.off(|flow| {
        flow.plant("client secret", CLIENT_SECRET.as_bytes());
        let hash = hmac(CLIENT_SECRET.as_bytes(), b"alice3n4b5urk1ft4fl3mg5e62d9ado");
        flow.plant("SECRET_HASH", &hash);
        flow.plant("SECRET_HASH", base64_encode(&hash).as_bytes());
        base64_encode(&hash)
    });
    let secret = ClientSecret::from(CLIENT_SECRET);
    let hash = SecretHash::new(&secret, "alice", "3n4b5urk1ft4fl3mg5e62d9ado");
    assert_eq!(hash.as_str(), expected);
    drop((hash, secret));
    flow.off(|_| drop(expected));
}

// --------------------------------------------------------- the sign-in machine

/// The embedded server and one user, set up unrecorded.
struct Pool {
    service: Service,
    pool: UserPoolId,
    app: NewAppClient,
    authenticator: Option<String>,
    /// The caller's device store (the crate's in-memory one).
    devices: Arc<MemoryDeviceStore>,
    /// Every response body, kept (unrecorded) to learn tokens and sessions.
    transcript: Vec<Vec<u8>>,
}

impl Pool {
    fn new(flow: &mut Flow, settings: PoolSettings, totp_user: bool, permanent: bool) -> Self {
        flow.off(|flow| {
            let mut rng = rand::rng();
            let mut service = Service::new();
            let pool = service.create_user_pool("eu-west-1", settings, &mut rng);
            let app = service.create_app_client(&pool, true, &mut rng);
            let attributes = HashMap::from([("email".to_owned(), "alice@example.com".to_owned())]);
            service
                .admin_create_user(&pool, "alice", attributes, &Password::from(PASSWORD), permanent, &mut rng)
                .expect("created");
            let authenticator =
                totp_user.then(|| service.admin_set_software_token_mfa(&pool, "alice", &mut rng)).flatten();
            flow.plant("password", PASSWORD.as_bytes());
            flow.plant("new password", NEW_PASSWORD.as_bytes());
            let secret = app.client_secret.as_ref().expect("secret").expose_secret().to_owned();
            flow.plant("client secret", secret.as_bytes());
            for username in ["alice", "alice@example.com"] {
                let hash = SecretHash::new(app.client_secret.as_ref().expect("secret"), username, &app.client_id);
                flow.plant("SECRET_HASH", hash.as_str().as_bytes());
            }
            if let Some(seed) = &authenticator {
                flow.plant("TOTP seed", seed.as_bytes());
            }
            Pool {
                service,
                pool,
                app,
                authenticator,
                devices: Arc::new(MemoryDeviceStore::new()),
                transcript: Vec::with_capacity(64),
            }
        })
    }

    /// A sign-in of this pool's app client, with the device store.
    fn sign_in(
        &self,
        flow: &mut Flow,
        start: impl FnOnce(AppClient) -> Result<SignIn, cognito_srp_auth::Error>,
    ) -> SignIn {
        let client = self.client(flow);
        start(client).expect("valid").with_device_store(self.devices.clone())
    }

    fn alice(&self) -> PoolUser {
        PoolUser::new(self.pool.clone(), "alice")
    }

    fn client(&self, flow: &mut Flow) -> AppClient {
        flow.off(|_| {
            AppClient::new(self.pool.clone(), self.app.client_id.clone())
                .with_client_secret(self.app.client_secret.clone().expect("secret"))
        })
    }

    /// Drives a sign-in from `request` to its end.
    fn drive(&mut self, flow: &mut Flow, sign_in: &mut SignIn, mut request: Request, rng: &mut LoggingRng) -> SignedIn {
        loop {
            let target = request.target();
            let (status, index) = self.exchange_to(flow, request, &target);
            let step = sign_in.receive(status, &self.transcript[index], at(NOW), rng).unwrap_or_else(|e| panic!("{e}"));
            request = match step {
                Step::Send(next) => next,
                Step::Prompt(prompt) => {
                    let answer = self.answer(flow, &prompt);
                    drop(prompt);
                    sign_in.answer(answer, rng).expect("answer")
                }
                Step::Done(done) => return done,
                _ => panic!("unknown step"),
            };
        }
    }

    /// Sends a request: the server reads the request's own body, unrecorded
    /// (a transport would borrow it the same way), then the request is dropped.
    /// The returned index points at the response in the transcript.
    fn exchange_to(&mut self, flow: &mut Flow, request: Request, target: &str) -> (u16, usize) {
        let status = flow.off(|_| {
            let (status, response) = self.service.handle(target, request.body(), at(NOW), &mut rand::rng());
            self.transcript.push(response);
            status
        });
        drop(request);
        (status, self.transcript.len() - 1)
    }

    fn answer(&mut self, flow: &mut Flow, prompt: &Prompt) -> Answer {
        match prompt {
            Prompt::SoftwareTokenMfa => {
                let seed = self.authenticator.as_deref().expect("TOTP set up");
                Answer::Code(totp(seed, at(NOW)).expect("Base32"))
            }
            Prompt::SoftwareTokenSecret { secret_code } => {
                flow.off(|flow| flow.plant("TOTP seed", secret_code.expose_secret().as_bytes()));
                let code = totp(secret_code.expose_secret(), at(NOW)).expect("Base32");
                Answer::Code(code)
            }
            Prompt::MfaSetup { .. } => Answer::SetUpSoftwareToken,
            Prompt::NewPasswordRequired { .. } => {
                Answer::NewPassword { password: Password::from(NEW_PASSWORD), attributes: HashMap::new() }
            }
            Prompt::SelectMfaType { .. } => Answer::MfaType(MfaType::SoftwareToken),
            other => panic!("unscripted prompt {other:?}"),
        }
    }

    /// Plants every token and session the server sent, then drops what the
    /// caller held: the signed-in result, stored devices, the transcript.
    fn finish(mut self, flow: &mut Flow, done: SignedIn, rng: LoggingRng) {
        flow.off(|flow| {
            for index in 0..rng.draws.len() {
                // 32 bytes: a private `a` (40: a device password's randomness, 16: a salt).
                if rng.draw(index).len() == 32 {
                    flow.plant_integer("a", rng.draw(index));
                }
            }
            for response in &self.transcript {
                let Ok(body) = serde_json::from_slice::<serde_json::Value>(response) else { continue };
                if let Some(session) = body["Session"].as_str() {
                    flow.plant("Session", session.as_bytes());
                }
                let tokens = &body["AuthenticationResult"];
                for (field, secret) in
                    [("AccessToken", "access token"), ("RefreshToken", "refresh token"), ("IdToken", "id token")]
                {
                    if let Some(token) = tokens[field].as_str() {
                        // A JWT's middle is claims every token of the run shares
                        // (issuer, issue time): its signature is the token's own.
                        flow.plant_tail(secret, token.as_bytes());
                    }
                }
                if let Some(seed) = body["SecretCode"].as_str() {
                    flow.plant("TOTP seed", seed.as_bytes());
                }
            }
        });
        flow.off(|flow| {
            if let Some(device) = self.devices.load(&self.alice()).expect("loads") {
                flow.plant("device password", device.device_password().expose_secret().as_bytes());
            }
        });
        drop(done);
        drop(rng);
        let devices = core::mem::replace(&mut self.devices, Arc::new(MemoryDeviceStore::new()));
        drop(devices);
        flow.off(|_| {
            for response in &mut self.transcript {
                response.zeroize();
            }
            drop(self);
        });
    }
}

/// One sign-in of alice from start to tokens, with the password flows'
/// secrets planted, then everything the caller held dropped.
fn one_sign_in(
    flow: &mut Flow,
    settings: PoolSettings,
    (totp_user, permanent): (bool, bool),
    start: impl FnOnce(AppClient) -> Result<SignIn, cognito_srp_auth::Error>,
) {
    let mut pool = Pool::new(flow, settings, totp_user, permanent);
    let mut rng = LoggingRng::new(flow);
    let mut sign_in = pool.sign_in(flow, start);
    let request = sign_in.start(&mut rng).expect("starts");
    let done = pool.drive(flow, &mut sign_in, request, &mut rng);
    drop(sign_in);
    pool.finish(flow, done, rng);
}

fn user_srp(flow: &mut Flow, devices: bool) {
    let settings = if devices {
        PoolSettings::with_devices_and_optional_mfa()
    } else {
        PoolSettings::default().with_mfa(MfaConfiguration::Optional)
    };
    one_sign_in(flow, settings, (!devices, true), |c| SignIn::user_srp(c, "alice", Password::from(PASSWORD)));
}

fn device_srp_and_refresh(flow: &mut Flow) {
    let mut pool = Pool::new(flow, PoolSettings::with_devices_and_optional_mfa(), false, true);
    let mut rng = LoggingRng::new(flow);
    // The first sign-in remembers the device, unrecorded: the flow measured is the second.
    let first = flow.off(|flow| {
        let mut sign_in = pool.sign_in(flow, |c| SignIn::user_srp(c, "alice", Password::from(PASSWORD)));
        let request = sign_in.start(&mut rand::rng()).expect("starts");
        let mut unlogged = LoggingRng::new(flow);
        let done = pool.drive(flow, &mut sign_in, request, &mut unlogged);
        assert!(pool.devices.load(&pool.alice()).expect("loads").is_some(), "the first sign-in stored the device");
        done
    });
    flow.off(|_| drop(first));
    let mut sign_in = pool.sign_in(flow, |c| SignIn::user_srp(c, "alice", Password::from(PASSWORD)));
    let request = sign_in.start(&mut rng).expect("starts");
    let second = pool.drive(flow, &mut sign_in, request, &mut rng);
    drop(sign_in);
    let refresh_token = second.tokens().refresh_token().cloned().expect("refresh token");
    let mut refresh = pool.sign_in(flow, |c| SignIn::refresh(c, "alice", &refresh_token));
    drop(refresh_token);
    let request = refresh.start(&mut rng).expect("starts");
    let refreshed = pool.drive(flow, &mut refresh, request, &mut rng);
    drop(refresh);
    drop(second);
    pool.finish(flow, refreshed, rng);
}

fn user_password(flow: &mut Flow) {
    one_sign_in(flow, PoolSettings::default(), (false, true), |c| {
        SignIn::user_password(c, "alice", Password::from(PASSWORD))
    });
}

fn user_auth(flow: &mut Flow, srp: bool) {
    let password = Password::from(PASSWORD);
    let selection = if srp { Selection::PasswordSrp(password) } else { Selection::Password(password) };
    one_sign_in(flow, PoolSettings::default(), (false, true), |c| SignIn::user_auth(c, "alice", Some(selection)));
}

fn new_password_required(flow: &mut Flow) {
    one_sign_in(flow, PoolSettings::default(), (false, false), |c| {
        SignIn::user_srp(c, "alice", Password::from(PASSWORD))
    });
}

fn mfa_setup(flow: &mut Flow) {
    let settings = PoolSettings::default().with_mfa(MfaConfiguration::Required);
    one_sign_in(flow, settings, (false, true), |c| SignIn::user_srp(c, "alice", Password::from(PASSWORD)));
}

fn pause_resume(flow: &mut Flow) {
    let mut pool = Pool::new(flow, PoolSettings::default().with_mfa(MfaConfiguration::Optional), true, true);
    let mut rng = LoggingRng::new(flow);
    let mut sign_in = pool.sign_in(flow, |c| SignIn::user_srp(c, "alice", Password::from(PASSWORD)));
    let mut request = sign_in.start(&mut rng).expect("starts");
    // Up to the SOFTWARE_TOKEN_MFA prompt.
    let prompt = loop {
        let target = request.target();
        let (status, index) = pool.exchange_to(flow, request, &target);
        match sign_in.receive(status, &pool.transcript[index], at(NOW), &mut rng).expect("step") {
            Step::Send(next) => request = next,
            Step::Prompt(prompt) => break prompt,
            _ => panic!("expected the MFA prompt"),
        }
    };
    assert_eq!(prompt, Prompt::SoftwareTokenMfa);
    let mut stored = serde_json::to_vec(&sign_in.pause(at(NOW)).expect("paused")).expect("serialises");
    drop(sign_in);
    let paused = serde_json::from_slice(&stored).expect("deserialises");
    stored.zeroize();
    let client = pool.client(flow);
    let mut sign_in = SignIn::resume(client, paused, at(NOW)).expect("resumes").with_device_store(pool.devices.clone());
    let answer = pool.answer(flow, &prompt);
    let request = sign_in.answer(answer, &mut rng).expect("answer");
    let done = pool.drive(flow, &mut sign_in, request, &mut rng);
    drop(sign_in);
    pool.finish(flow, done, rng);
}
