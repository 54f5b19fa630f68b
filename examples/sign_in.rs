//! The main job, end to end and offline: a user pool on the crate's embedded
//! server, an app client with a secret, a user with an authenticator app.
//!
//! 1. USER_SRP_AUTH with the user's email alias, answering TOTP MFA;
//! 2. remembering the device: saved in a device store, then ConfirmDevice;
//! 3. signing in again as the remembered device (device SRP, no MFA);
//! 4. refreshing the tokens.
//!
//! `cargo run --features server --example sign_in`

use std::collections::HashMap;
use std::error::Error;
use std::sync::Arc;

use cognito_srp_auth::flow::{
    self, Answer, AppClient, Interaction, MemoryDeviceStore, Prompt, Request, ServiceError, SignIn, SignedIn,
};
use cognito_srp_auth::server::{PoolSettings, Service, totp};
use cognito_srp_auth::{Cancelled, Password, Timestamp};

/// The "network": hands each request to the embedded service and prints it.
struct Transport {
    service: Service,
}

impl Transport {
    fn exchange(&mut self, request: &Request) -> (u16, Vec<u8>) {
        let what = request.challenge_name().or(request.auth_flow()).unwrap_or("");
        println!("  -> {:<24} {what}", request.operation().name());
        let (status, body) =
            self.service.handle(&request.target(), request.body_json().as_bytes(), Timestamp::now(), &mut rand::rng());
        let reply: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let outcome = match (reply.get("ChallengeName"), reply.get("AuthenticationResult"), reply.get("__type")) {
            (Some(challenge), _, _) => format!("challenge {}", challenge.as_str().unwrap_or_default()),
            (_, Some(result), _) if result.get("NewDeviceMetadata").is_some() => {
                "tokens + NewDeviceMetadata".to_owned()
            }
            (_, Some(_), _) => "tokens".to_owned(),
            (_, _, Some(error)) => format!("error {}", error.as_str().unwrap_or_default()),
            _ => "ok".to_owned(),
        };
        println!("  <- {status} {outcome}");
        (status, body)
    }
}

/// The user: an authenticator app for TOTP.
struct User {
    authenticator: String,
}

impl Interaction for User {
    async fn answer(&mut self, prompt: &Prompt, refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
        if let Some(refusal) = refused {
            println!("     the last code was refused: {refusal}");
        }
        match prompt {
            Prompt::SoftwareTokenMfa => {
                let code = totp(&self.authenticator, Timestamp::now()).unwrap_or_default();
                println!("     prompt SOFTWARE_TOKEN_MFA: the authenticator shows {code}");
                Ok(Answer::Code(code))
            }
            other => Err(Cancelled::new(format!("the example does not answer {other:?}"))),
        }
    }
}

fn drive(transport: &mut Transport, sign_in: SignIn, user: &mut User) -> Result<SignedIn, Box<dyn Error>> {
    Ok(flow::drive(sign_in, |request| Ok(transport.exchange(request)), user, Timestamp::now)?)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut rng = rand::rng();
    let mut service = Service::new();
    let pool = service.create_user_pool("eu-west-1", PoolSettings::with_devices_and_optional_mfa(), &mut rng);
    let app = service.create_app_client(&pool, true, &mut rng);
    let attributes = HashMap::from([("email".to_owned(), "alice@example.com".to_owned())]);
    service.admin_create_user(&pool, "alice", attributes, &Password::from("correct horse battery"), true, &mut rng)?;
    let authenticator = service.admin_set_software_token_mfa(&pool, "alice", &mut rng).ok_or("no such user")?;
    let client = AppClient::new(pool.clone(), app.client_id.clone())
        .with_client_secret(app.client_secret.clone().ok_or("no secret")?);
    println!(
        "user pool {pool}, app client {} (with a secret), user alice <alice@example.com> with TOTP",
        app.client_id
    );
    let mut transport = Transport { service };
    let mut user = User { authenticator };
    // Remembered devices, by (user pool, pool username); a JsonFileDeviceStore keeps them on disk.
    let devices = Arc::new(MemoryDeviceStore::new());

    println!("\n1. USER_SRP_AUTH as alice@example.com, with TOTP");
    let sign_in = SignIn::user_srp(client.clone(), "alice@example.com", Password::from("correct horse battery"))?
        .with_device_store(devices.clone());
    let first = drive(&mut transport, sign_in, &mut user)?;
    let outcome = first.new_device().map(|d| d.outcome().clone());
    println!("   signed in as {}; new device: {outcome:?}", first.username());

    println!("\n2. again, as the remembered device the store looks up: no MFA");
    let sign_in = SignIn::user_srp(client.clone(), "alice@example.com", Password::from("correct horse battery"))?
        .with_device_store(devices.clone());
    let second = drive(&mut transport, sign_in, &mut user)?;
    let access = second.tokens().access_token().expose_secret();
    let claims = transport.service.verify_token(access, Timestamp::now()).ok_or("the access token does not verify")?;
    println!("   signed in; access token verifies for {} on device {}", claims["username"], claims["device_key"]);

    println!("\n3. REFRESH_TOKEN_AUTH");
    let refresh_token = second.tokens().refresh_token().ok_or("no refresh token")?;
    let sign_in = SignIn::refresh(client, second.username(), refresh_token)?.with_device_store(devices);
    let refreshed = drive(&mut transport, sign_in, &mut user)?;
    let fresh = refreshed.tokens().access_token().expose_secret();
    transport.service.verify_token(fresh, Timestamp::now()).ok_or("the refreshed token does not verify")?;
    println!("   new access token verifies, expires at {:?}", refreshed.tokens().expires_at());
    println!("\nall steps passed");
    Ok(())
}
