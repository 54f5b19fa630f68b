//! A world for whole sign-ins: the embedded server with user pools whose
//! user is `alice <alice@example.com>` with an authenticator, a transport
//! that records what each pool received, and a person who answers.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cognito_srp_auth::flow::{Answer, AppClient, Interaction, Prompt, Request, ServiceError};
use cognito_srp_auth::server::{CustomChallenge, PoolSettings, Service, totp};
use cognito_srp_auth::wire::Operation;
use cognito_srp_auth::{Cancelled, Error, Password, Timestamp, UserPoolId};
use serde_json::Value;

pub const PASSWORD: &str = "correct horse battery";
pub const CUSTOM_ANSWER: &str = "the answer is 42";

/// One request as a pool received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub pool: UserPoolId,
    pub operation: Operation,
    pub body: Value,
}

impl Received {
    pub fn challenge(&self) -> Option<&str> {
        self.body.get("ChallengeName").and_then(Value::as_str)
    }

    /// The DEVICE_KEY it carried, anywhere.
    pub fn device_key(&self) -> Option<&str> {
        ["AuthParameters", "ChallengeResponses"]
            .iter()
            .find_map(|field| self.body.get(field)?.get("DEVICE_KEY")?.as_str())
            .or_else(|| self.body.get("DeviceKey").and_then(Value::as_str))
    }
}

pub struct PoolOf {
    pub id: UserPoolId,
    pub client: AppClient,
    pub authenticator: String,
}

/// The server and its pools, shared so a spawned task can use them.
#[derive(Clone)]
pub struct World {
    pub service: Arc<Mutex<Service>>,
    pub pools: Arc<Vec<PoolOf>>,
    /// The app clients' secrets, as text (for a second process).
    pub secrets: Arc<Vec<String>>,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub now: Timestamp,
}

impl World {
    /// `count` pools with the same user `alice`, devices tracked, TOTP MFA
    /// optional, email aliases, case-insensitive usernames.
    pub fn new(count: usize) -> Self {
        Self::with_settings(count, PoolSettings::with_devices_and_optional_mfa().with_case_insensitive_usernames(true))
    }

    pub fn with_settings(count: usize, settings: PoolSettings) -> Self {
        let mut rng = rand::rng();
        let mut service = Service::new();
        let mut pools = Vec::new();
        let mut secrets = Vec::new();
        for _ in 0..count {
            let id = service.create_user_pool("eu-west-1", settings.clone(), &mut rng);
            let app = service.create_app_client(&id, true, &mut rng);
            let attributes = HashMap::from([("email".to_owned(), "alice@example.com".to_owned())]);
            service
                .admin_create_user(&id, "alice", attributes, &Password::from(PASSWORD), true, &mut rng)
                .expect("user");
            let authenticator = service.admin_set_software_token_mfa(&id, "alice", &mut rng).expect("TOTP");
            service.set_custom_challenge_hook(
                &id,
                Box::new(|_| CustomChallenge { parameters: HashMap::new(), answer: CUSTOM_ANSWER.to_owned() }),
            );
            let secret = app.client_secret.clone().expect("a secret");
            secrets.push(secret.expose_secret().to_owned());
            let client = AppClient::new(id.clone(), app.client_id.clone()).with_client_secret(secret);
            pools.push(PoolOf { id, client, authenticator });
        }
        World {
            service: Arc::new(Mutex::new(service)),
            pools: Arc::new(pools),
            secrets: Arc::new(secrets),
            received: Arc::default(),
            now: Timestamp::from_unix_seconds(1_764_000_000).expect("in range"),
        }
    }

    pub fn pool(&self, index: usize) -> &PoolOf {
        &self.pools[index]
    }

    /// Hands a request to the service, noting which pool got it.
    pub fn exchange(&self, request: &Request) -> (u16, Vec<u8>) {
        let pool = self.pool_of(request);
        let mut service = self.service.lock().expect("not poisoned");
        if let Some(pool) = pool {
            let received = Received { pool, operation: request.operation(), body: request_body(request) };
            self.received.lock().expect("not poisoned").push(received);
        }
        service.handle(&request.target(), request.body_json().as_bytes(), self.now, &mut rand::rng())
    }

    /// A transport for the drivers.
    pub fn send(&self) -> impl FnMut(&Request) -> Result<(u16, Vec<u8>), Error> + '_ {
        |request| Ok(self.exchange(request))
    }

    fn pool_of(&self, request: &Request) -> Option<UserPoolId> {
        match request_body(request).get("ClientId").and_then(Value::as_str) {
            Some(client_id) => self.pools.iter().find(|p| p.client.client_id() == client_id).map(|p| p.id.clone()),
            // ConfirmDevice and UpdateDeviceStatus go by the access token's issuer.
            None => {
                let body = request_body(request);
                let token = body.get("AccessToken").and_then(Value::as_str)?;
                let service = self.service.lock().expect("not poisoned");
                let claims = service.verify_token(token, self.now)?;
                let issuer = claims["iss"].as_str()?.to_owned();
                self.pools.iter().find(|p| issuer.ends_with(p.id.as_str())).map(|p| p.id.clone())
            }
        }
    }

    /// What every pool received since the last call.
    pub fn take_received(&self) -> Vec<Received> {
        core::mem::take(&mut *self.received.lock().expect("not poisoned"))
    }

    pub fn clock(&self) -> impl Fn() -> Timestamp + Send + Sync + 'static {
        let now = self.now;
        move || now
    }
}

/// The person signing in: TOTP codes for one pool, the custom answer, and
/// a log of the prompts and refusals they saw.
pub struct Person {
    pub authenticator: String,
    pub prompts: Vec<Prompt>,
    pub refusals: Vec<ServiceError>,
    pub now: Timestamp,
    /// Codes to type before the right one.
    pub wrong_codes: Vec<String>,
    pub remember_device: Option<bool>,
}

impl Person {
    pub fn for_pool(world: &World, index: usize) -> Self {
        Person {
            authenticator: world.pool(index).authenticator.clone(),
            prompts: Vec::new(),
            refusals: Vec::new(),
            now: world.now,
            wrong_codes: Vec::new(),
            remember_device: None,
        }
    }

    pub fn mfa_prompts(&self) -> usize {
        self.prompts.iter().filter(|p| matches!(p, Prompt::SoftwareTokenMfa)).count()
    }

    fn respond(&mut self, prompt: &Prompt, refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
        self.prompts.push(prompt.clone());
        self.refusals.extend(refused.cloned());
        match prompt {
            Prompt::SoftwareTokenMfa => {
                if !self.wrong_codes.is_empty() {
                    return Ok(Answer::Code(self.wrong_codes.remove(0)));
                }
                Ok(Answer::Code(totp(&self.authenticator, self.now).expect("Base32")))
            }
            Prompt::CustomChallenge { .. } => Ok(Answer::Custom(CUSTOM_ANSWER.to_owned())),
            Prompt::RememberDevice { .. } => match self.remember_device {
                Some(remembered) => Ok(Answer::RememberDevice(remembered)),
                None => Err(Cancelled::new("not asked to choose")),
            },
            other => Err(Cancelled::new(format!("unscripted prompt {other:?}"))),
        }
    }
}

impl Interaction for Person {
    async fn answer(&mut self, prompt: &Prompt, refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
        self.respond(prompt, refused)
    }
}

/// A request's body as JSON, to look into.
fn request_body(request: &Request) -> Value {
    serde_json::from_str(request.body_json()).expect("the machine writes JSON")
}
