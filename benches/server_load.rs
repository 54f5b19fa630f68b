//! The embedded server under load: unknown-user probes, then verified
//! USER_SRP_AUTH sign-ins, with the client and the server in this process.
//!
//! One thread owns the `Service` and answers requests in arrival order;
//! `WORKERS` client threads each run whole sign-ins (SRP_A, the
//! PASSWORD_VERIFIER proof) against it over a channel. Every sign-in must
//! end with tokens. A probe is an InitiateAuth for a user who does not
//! exist, left unanswered: what fills a server that keeps its decoy
//! sessions. Peak memory is the process's resident high-water mark,
//! VmHWM in /proc/self/status (a counting allocator would need `unsafe`,
//! which the crate forbids in every target).
//!
//! ```sh
//! cargo bench --features server --bench server_load
//! SIGN_INS=2000 PROBES=2000 WORKERS=2 cargo bench --features server --bench server_load
//! ```

use std::collections::HashMap;
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use cognito_srp_auth::server::{PoolSettings, Service};
use cognito_srp_auth::{
    Password, PasswordVerifierChallenge, PrivateExponentSize, SecretHash, SrpEphemeral, Timestamp, UserPoolId,
};
use serde_json::{Value, json};

const USERS: usize = 100;
/// Sign-ins between two report lines.
const CHUNK: usize = 5_000;
const PASSWORD: &str = "load test password";

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A line of /proc/self/status such as `VmHWM`, in MiB, where there is one.
fn status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.strip_prefix(field).is_some_and(|rest| rest.starts_with(':')))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The CPU time all of the process's threads have used, in seconds: user
/// and system ticks of /proc/self/stat (USER_HZ, 100 on Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// VmHWM and VmRSS, for a report line.
fn memory() -> String {
    match (status_mib("VmHWM"), status_mib("VmRSS")) {
        (Some(hwm), Some(rss)) => format!("VmHWM {hwm:.1} MiB, VmRSS {rss:.1} MiB"),
        _ => "no /proc/self/status here: memory not measured".to_owned(),
    }
}

/// A request to the server thread, and where its answer goes.
type Request = (&'static str, Vec<u8>, mpsc::Sender<(u16, Vec<u8>)>);

/// A client's handle on the server thread.
#[derive(Clone)]
struct Connection {
    requests: mpsc::Sender<Request>,
    pool: UserPoolId,
    client_id: String,
    secret: cognito_srp_auth::ClientSecret,
}

impl Connection {
    fn call(&self, operation: &'static str, body: Value) -> Value {
        let (answer, answered) = mpsc::channel();
        self.requests.send((operation, body.to_string().into_bytes(), answer)).expect("server running");
        let (status, body) = answered.recv().expect("answered");
        let body: Value = serde_json::from_slice(&body).expect("JSON");
        assert!(status == 200 || operation == "InitiateAuth", "{operation}: {body}");
        body
    }

    fn secret_hash(&self, username: &str) -> String {
        SecretHash::new(&self.secret, username, &self.client_id).as_str().to_owned()
    }

    /// One USER_SRP_AUTH sign-in, to the tokens.
    fn sign_in(&self, username: &str) {
        let ephemeral = SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::default());
        let parameters =
            json!({"USERNAME": username, "SRP_A": ephemeral.srp_a(), "SECRET_HASH": self.secret_hash(username)});
        let challenge = self.call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": self.client_id, "AuthParameters": parameters}),
        );
        let parameters: HashMap<String, String> =
            serde_json::from_value(challenge["ChallengeParameters"].clone()).expect("PASSWORD_VERIFIER");
        let verifier = PasswordVerifierChallenge::from_parameters(&parameters).expect("challenge");
        let signer =
            ephemeral.answer_password_verifier(&self.pool, &Password::from(PASSWORD), &verifier).expect("signer");
        let claim = signer.sign(Timestamp::now());
        let responses = json!({
            "USERNAME": verifier.username(),
            "PASSWORD_CLAIM_SECRET_BLOCK": claim.secret_block(),
            "PASSWORD_CLAIM_SIGNATURE": claim.signature(),
            "TIMESTAMP": claim.timestamp(),
            "SECRET_HASH": self.secret_hash(verifier.username()),
        });
        let body = json!({
            "ClientId": self.client_id,
            "ChallengeName": "PASSWORD_VERIFIER",
            "Session": challenge["Session"],
            "ChallengeResponses": responses,
        });
        let signed_in = self.call("RespondToAuthChallenge", body);
        assert!(signed_in["AuthenticationResult"]["AccessToken"].is_string(), "verified: {signed_in}");
    }

    /// An unknown user's InitiateAuth, left unanswered.
    fn probe(&self, username: &str, srp_a: &str) {
        let parameters = json!({"USERNAME": username, "SRP_A": srp_a, "SECRET_HASH": self.secret_hash(username)});
        let challenge = self.call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": self.client_id, "AuthParameters": parameters}),
        );
        assert_eq!(challenge["ChallengeName"], "PASSWORD_VERIFIER", "a decoy challenge");
    }
}

/// Runs `count` jobs over `workers` threads; returns the seconds taken.
fn run(workers: usize, count: usize, connection: &Connection, job: fn(&Connection, usize)) -> f64 {
    let start = Instant::now();
    thread::scope(|scope| {
        for worker in 0..workers {
            let connection = connection.clone();
            scope.spawn(move || {
                for i in (worker..count).step_by(workers) {
                    job(&connection, i);
                }
            });
        }
    });
    start.elapsed().as_secs_f64()
}

fn main() {
    let (sign_ins, probes, workers) = (setting("SIGN_INS", 100_000), setting("PROBES", 100_000), setting("WORKERS", 2));
    let mut rng = rand::rng();
    let mut service = Service::new();
    let pool = service.create_user_pool("eu-west-1", PoolSettings::default(), &mut rng);
    let app = service.create_app_client(&pool, true, &mut rng);
    for i in 0..USERS {
        service
            .admin_create_user(&pool, &format!("user-{i}"), HashMap::new(), &Password::from(PASSWORD), true, &mut rng)
            .expect("user");
    }
    let (requests, incoming) = mpsc::channel::<Request>();
    let connection =
        Connection { requests, pool, client_id: app.client_id, secret: app.client_secret.expect("a secret") };
    let server = thread::spawn(move || {
        let mut rng = rand::rng();
        for (operation, body, answer) in incoming {
            let target = format!("AWSCognitoIdentityProviderService.{operation}");
            let _ = answer.send(service.handle(&target, &body, Timestamp::now(), &mut rng));
        }
        service
    });
    println!("after set-up ({USERS} users): {}", memory());

    static SRP_A: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SRP_A.get_or_init(|| SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::default()).srp_a().to_owned());
    let seconds = run(workers, probes, &connection, |c, i| {
        c.probe(&format!("nobody-{i}"), SRP_A.get().expect("set"));
    });
    println!("probes: {probes} unknown-user InitiateAuth in {seconds:.1} s = {:.0}/s", probes as f64 / seconds);
    println!("after the probes: {}", memory());

    // Sign-ins in chunks, with a line after each, so a run cut short still reports.
    let (cpu_before, mut seconds, mut done) = (cpu_seconds(), 0.0, 0);
    while done < sign_ins {
        let chunk = CHUNK.min(sign_ins - done);
        seconds += run(workers, chunk, &connection, |c, i| c.sign_in(&format!("user-{}", i % USERS)));
        done += chunk;
        let cpu = match (cpu_before, cpu_seconds()) {
            (Some(before), Some(after)) => {
                let per_sign_in = (after - before) / done as f64;
                format!("; CPU {:.2} ms per sign-in (2 idle cores: {:.0}/s)", per_sign_in * 1e3, 2.0 / per_sign_in)
            }
            _ => String::new(),
        };
        println!(
            "sign-ins: {done} verified USER_SRP_AUTH in {seconds:.1} s = {:.0}/s ({workers} client threads, 1 server thread){cpu}; {}",
            done as f64 / seconds,
            memory()
        );
    }

    drop(connection);
    let service = server.join().expect("server thread");
    println!("held at the end: {:?}", service.usage());
}
