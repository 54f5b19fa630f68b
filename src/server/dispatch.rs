//! Requests in, responses out: the `X-Amz-Target` operation routed to its
//! handler, the JSON body parsed into the operation's request, and a
//! fault turned into Cognito's error body.
//!
//! An operation is one handler `fn(&mut Service, Request, Timestamp, rng)
//! -> Result<Value, Fault>` and one line in [`Service::route`].

use rand_core::CryptoRng;
use serde_json::{Value, json};

use super::Service;
use super::fault::{Fault, fault};
use crate::timestamp::Timestamp;

impl Service {
    /// Handles one request: the `X-Amz-Target` header and the JSON body.
    /// Returns the HTTP status and the JSON body Cognito would.
    pub fn handle<R: CryptoRng + ?Sized>(
        &mut self,
        target: &str,
        body: &[u8],
        now: Timestamp,
        rng: &mut R,
    ) -> (u16, Vec<u8>) {
        let operation = target.strip_prefix("AWSCognitoIdentityProviderService.").unwrap_or_default();
        match self.route(operation, body, now, rng) {
            Ok(value) => (200, value.to_string().into_bytes()),
            Err(f) => (400, json!({"__type": f.kind, "message": f.message}).to_string().into_bytes()),
        }
    }

    /// The handler of each operation the service knows.
    fn route<R: CryptoRng + ?Sized>(
        &mut self,
        operation: &str,
        body: &[u8],
        now: Timestamp,
        rng: &mut R,
    ) -> Result<Value, Fault> {
        match operation {
            "InitiateAuth" => self.initiate_auth(parse(body)?, now, rng),
            "RespondToAuthChallenge" => self.respond(parse(body)?, now, rng),
            "ConfirmDevice" => self.confirm_device(parse(body)?, now),
            "UpdateDeviceStatus" => self.update_device_status(parse(body)?, now),
            "ForgetDevice" => self.forget_device(parse(body)?, now),
            "AssociateSoftwareToken" => self.associate_software_token(parse(body)?, now, rng),
            "VerifySoftwareToken" => self.verify_software_token(parse(body)?, now, rng),
            "GetUser" => self.get_user(parse(body)?, now),
            "ListDevices" => self.list_devices(parse(body)?, now),
            "GetDevice" => self.get_device(parse(body)?, now),
            "GlobalSignOut" => self.global_sign_out(parse(body)?, now),
            "RevokeToken" => self.revoke_token(parse(body)?),
            "AdminCreateUser" => self.admin_create_user_call(parse(body)?, now, rng),
            "AdminSetUserPassword" => self.admin_set_user_password(parse(body)?, rng),
            "AdminGetUser" => self.admin_get_user(parse(body)?, now),
            "AdminDeleteUser" => self.admin_delete_user(parse(body)?),
            _ => Err(fault("UnknownOperationException", "")),
        }
    }
}

/// The operation's request, from its JSON body.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Fault> {
    serde_json::from_slice(body)
        .map_err(|_| fault("SerializationException", "The request body is not valid JSON for the operation"))
}
