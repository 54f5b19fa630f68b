//! Whether the embedded server's answers tell a user who exists from one
//! who does not by their time: the same wrong-password attempt for a known
//! and for an unknown username, interleaved in one process.
//!
//! Each round times the server's `handle` calls (not the client's work)
//! for one attempt of each kind, in alternating order; the figure is the
//! median of the per-round ratios unknown / known. Two flows: USER_SRP_AUTH
//! (InitiateAuth + RespondToAuthChallenge PASSWORD_VERIFIER) and
//! USER_PASSWORD_AUTH. Each round tries its own known user, so failures
//! never add up to a lock-out.
//!
//! ```sh
//! cargo bench --features server --bench server_timing
//! ROUNDS=1000 cargo bench --features server --bench server_timing
//! ```

use std::collections::HashMap;
use std::time::{Duration, Instant};

use cognito_srp_auth::server::{PoolSettings, Service};
use cognito_srp_auth::{Password, PasswordVerifierChallenge, PrivateExponentSize, SrpEphemeral, Timestamp, UserPoolId};
use serde_json::{Value, json};

struct Bench {
    service: Service,
    pool: UserPoolId,
    client_id: String,
    now: i64,
}

impl Bench {
    /// One `handle` call, and the server's time for it.
    fn call(&mut self, operation: &str, body: &Value) -> (Value, Duration) {
        let target = format!("AWSCognitoIdentityProviderService.{operation}");
        let body = body.to_string();
        let now = Timestamp::from_unix_seconds(self.now).expect("in range");
        let start = Instant::now();
        let (_, response) = self.service.handle(&target, body.as_bytes(), now, &mut rand::rng());
        let elapsed = start.elapsed();
        (serde_json::from_slice(&response).expect("JSON"), elapsed)
    }

    /// A USER_SRP_AUTH attempt with a wrong password; the server's time.
    fn srp_attempt(&mut self, username: &str) -> Duration {
        let ephemeral = SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::default());
        let parameters = json!({"USERNAME": username, "SRP_A": ephemeral.srp_a()});
        let initiate = json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": self.client_id, "AuthParameters": parameters});
        let (challenge, first) = self.call("InitiateAuth", &initiate);
        let parameters: HashMap<String, String> =
            serde_json::from_value(challenge["ChallengeParameters"].clone()).expect("PASSWORD_VERIFIER");
        let verifier = PasswordVerifierChallenge::from_parameters(&parameters).expect("challenge");
        let signer =
            ephemeral.answer_password_verifier(&self.pool, &Password::from("a guess"), &verifier).expect("signer");
        let claim = signer.sign(Timestamp::from_unix_seconds(self.now).expect("in range"));
        let responses = json!({
            "USERNAME": verifier.username(),
            "PASSWORD_CLAIM_SECRET_BLOCK": claim.secret_block(),
            "PASSWORD_CLAIM_SIGNATURE": claim.signature(),
            "TIMESTAMP": claim.timestamp(),
        });
        let respond = json!({
            "ClientId": self.client_id,
            "ChallengeName": "PASSWORD_VERIFIER",
            "Session": challenge["Session"],
            "ChallengeResponses": responses,
        });
        let (refused, second) = self.call("RespondToAuthChallenge", &respond);
        assert_eq!(refused["message"], "Incorrect username or password.", "{refused}");
        first + second
    }

    /// A USER_PASSWORD_AUTH attempt with a wrong password; the server's time.
    fn password_attempt(&mut self, username: &str) -> Duration {
        let parameters = json!({"USERNAME": username, "PASSWORD": "a guess"});
        let body = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": self.client_id, "AuthParameters": parameters});
        let (refused, time) = self.call("InitiateAuth", &body);
        assert_eq!(refused["message"], "Incorrect username or password.", "{refused}");
        time
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Interleaved rounds of `attempt` for a known user and for an unknown one.
fn compare(bench: &mut Bench, rounds: usize, flow: &str, attempt: fn(&mut Bench, &str) -> Duration) {
    let (mut known, mut unknown, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (user, nobody) = (format!("user-{round}"), format!("nobody-{round}"));
        let (k, u) = if round % 2 == 0 {
            let k = attempt(bench, &user);
            (k, attempt(bench, &nobody))
        } else {
            let u = attempt(bench, &nobody);
            (attempt(bench, &user), u)
        };
        known.push(k.as_secs_f64() * 1e3);
        unknown.push(u.as_secs_f64() * 1e3);
        ratios.push(u.as_secs_f64() / k.as_secs_f64());
    }
    let ratio = median(&mut ratios);
    println!(
        "{flow}: known {:.3} ms, unknown {:.3} ms (medians of {rounds}); median per-round ratio unknown/known {ratio:.3} — {}",
        median(&mut known),
        median(&mut unknown),
        if (ratio - 1.0).abs() <= 0.10 { "within 10%" } else { "NOT within 10%" }
    );
}

fn main() {
    let rounds = std::env::var("ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let mut rng = rand::rng();
    let mut service = Service::new();
    let pool = service.create_user_pool("eu-west-1", PoolSettings::default(), &mut rng);
    let app = service.create_app_client(&pool, false, &mut rng);
    for round in 0..rounds {
        let (username, password) = (format!("user-{round}"), Password::from("the password"));
        service.admin_create_user(&pool, &username, HashMap::new(), &password, true, &mut rng).expect("user");
    }
    let mut bench = Bench { service, pool, client_id: app.client_id, now: 1_764_000_000 };
    compare(&mut bench, rounds, "USER_SRP_AUTH", Bench::srp_attempt);
    compare(&mut bench, rounds, "USER_PASSWORD_AUTH", Bench::password_attempt);
}
