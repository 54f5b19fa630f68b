//! The harness of the server suites: one pool with alice and mallory, an
//! app client and a clock, driven with raw wire requests.

#![allow(dead_code, reason = "each suite uses part of the harness")]

use std::collections::HashMap;

use cognito_srp_auth::server::{Limits, NewAppClient, PoolSettings, Service};
use cognito_srp_auth::{
    DeviceCredentials, DevicePasswordVerifierChallenge, Password, PasswordVerifierChallenge, PrivateExponentSize,
    SecretHash, SrpEphemeral, Timestamp, UserPoolId,
};
use serde_json::{Value, json};

pub const ALICE_PASSWORD: &str = "alice's password";
pub const MALLORY_PASSWORD: &str = "mallory's password";
/// N of RFC 5054's 3072-bit group, as hex.
pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(seconds).expect("in range")
}

/// A refusal: the exception name and the message.
pub type Refusal = (String, String);

/// One pool with alice and mallory, an app client, and the clock.
pub struct Server {
    pub service: Service,
    pub pool: UserPoolId,
    pub app: NewAppClient,
    pub now: i64,
}

impl Server {
    pub fn new(settings: PoolSettings, secret: bool) -> Self {
        Server::with_limits(settings, secret, Limits::default())
    }

    pub fn with_limits(settings: PoolSettings, secret: bool, limits: Limits) -> Self {
        let mut rng = rand::rng();
        let mut service = Service::with_limits(limits);
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
    pub fn with_devices() -> Self {
        Server::new(PoolSettings::with_devices_and_optional_mfa(), true)
    }

    pub fn call(&mut self, operation: &str, body: Value) -> Result<Value, Refusal> {
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
    pub fn as_user(&self, username: &str, mut parameters: Value) -> Value {
        parameters["USERNAME"] = json!(username);
        if let Some(secret) = &self.app.client_secret {
            parameters["SECRET_HASH"] = json!(SecretHash::new(secret, username, &self.app.client_id).as_str());
        }
        parameters
    }

    pub fn initiate(&mut self, flow: &str, username: &str, parameters: Value) -> Result<Value, Refusal> {
        let parameters = self.as_user(username, parameters);
        self.call(
            "InitiateAuth",
            json!({"AuthFlow": flow, "ClientId": self.app.client_id, "AuthParameters": parameters}),
        )
    }

    /// Answers the challenge in `previous` as `username`.
    pub fn respond(&mut self, previous: &Value, username: &str, responses: Value) -> Result<Value, Refusal> {
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
    pub fn srp_sign_in(&mut self, username: &str, password: &str, device_key: Option<&str>) -> Result<Value, Refusal> {
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
    pub fn confirm_new_device(&mut self, signed_in: &Value) -> DeviceCredentials {
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
    pub fn device_sign_in(
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
    pub fn mallory_device(&mut self) -> DeviceCredentials {
        let signed_in = self.srp_sign_in("mallory", MALLORY_PASSWORD, None).expect("mallory signs in");
        self.confirm_new_device(&signed_in)
    }

    /// Gives alice an authenticator; returns its Base32 secret.
    pub fn alice_totp(&mut self) -> String {
        self.service.admin_set_software_token_mfa(&self.pool, "alice", &mut rand::rng()).expect("alice")
    }

    pub fn refresh(&mut self, token: &str, device_key: Option<&str>) -> Result<Value, Refusal> {
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

pub fn has_tokens(response: &Value) -> bool {
    response["AuthenticationResult"]["AccessToken"].is_string()
}

pub fn kind(result: Result<Value, Refusal>) -> String {
    match result {
        Ok(response) => panic!("expected a refusal, got {response}"),
        Err((kind, _)) => kind,
    }
}
