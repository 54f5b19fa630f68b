//! Integration with `aws-sdk-cognitoidentityprovider`: conversions between
//! the SDK's types and the crate's, and a whole sign-in over an SDK
//! [`Client`](sdk::Client).
//!
//! The state machine stays the one source of protocol rules: [`send`] turns
//! each of its requests into the SDK call, and the SDK's answer back into the
//! JSON body the machine reads, so a sign-in through the SDK takes exactly the
//! steps it takes over HTTP.
//!
//! ```no_run
//! # async fn run(client: aws_sdk_cognitoidentityprovider::Client, me: &mut impl cognito_srp_auth::flow::Interaction)
//! #     -> Result<(), cognito_srp_auth::Error> {
//! use cognito_srp_auth::flow::{AppClient, SignIn};
//! use cognito_srp_auth::{Password, Timestamp, UserPoolId, aws_sdk};
//!
//! let pool = UserPoolId::parse("eu-west-1_AbC123")?;
//! let sign_in = SignIn::user_srp(AppClient::new(pool, "client-id"), "alice", Password::from("pw"))?;
//! let signed_in = aws_sdk::drive(&client, sign_in, me, Timestamp::now).await?;
//! # let _ = signed_in; Ok(())
//! # }
//! ```
//!
//! # Your SDK, your HTTP stack
//! The feature takes `aws-sdk-cognitoidentityprovider` with
//! `default-features = false` and turns on no HTTP client, TLS stack, async
//! runtime or behavior version: the application's own dependency on the SDK
//! (its defaults, or `default-https-client` and `rt-tokio`, or
//! `aws-config`) chooses them, so a build has one HTTP stack, not two. The
//! SDK crate is re-exported as [`sdk`] for naming the version this crate
//! was built against.
//!
//! A [`Client`](sdk::Client) needs no `aws-config` for the calls a sign-in
//! makes (InitiateAuth, RespondToAuthChallenge and ConfirmDevice take no
//! AWS credentials):
//!
//! ```no_run
//! use cognito_srp_auth::aws_sdk::sdk;
//! use sdk::config::{BehaviorVersion, Credentials, Region};
//!
//! // Cognito itself: the region of the user pool.
//! let config = sdk::Config::builder()
//!     .behavior_version(BehaviorVersion::latest())
//!     .region(Region::new("eu-west-1"))
//!     .build();
//! let cognito = sdk::Client::from_conf(config);
//!
//! // A local emulator (ministack, LocalStack, cognito-local) on loopback:
//! // its address, any region, and the placeholder credentials it expects.
//! let config = sdk::Config::builder()
//!     .behavior_version(BehaviorVersion::latest())
//!     .region(Region::new("us-east-1"))
//!     .endpoint_url("http://127.0.0.1:4566")
//!     .credentials_provider(Credentials::new("test", "test", None, None, "static"))
//!     .build();
//! let local = sdk::Client::from_conf(config);
//! # let _ = (cognito, local);
//! ```
//!
//! Without the SDK's `default-https-client` feature somewhere in the build,
//! give the builder an `.http_client(..)` (and, without `rt-tokio`, a
//! `.sleep_impl(..)`): a request sent without one fails with the SDK's
//! error saying so, which [`send`] returns as [`Error::Transport`].

/// The `aws-sdk-cognitoidentityprovider` crate this module was built against.
pub use aws_sdk_cognitoidentityprovider as sdk;
use rand_core::CryptoRng;
use sdk::error::ProvideErrorMetadata;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::{Error, TransportError, TransportErrorKind};
use crate::flow::{self, Interaction, Request, SignIn, SignedIn};
use crate::json_buffer;
use crate::secret::SecretCode;
use crate::srp::DeviceSecretVerifierConfig;
use crate::timestamp::Timestamp;
use crate::tokens::{AccessToken, IdToken, RefreshToken, Session};
use crate::wire::{self, Operation};

impl From<&sdk::types::NewDeviceMetadataType> for wire::NewDeviceMetadataType {
    fn from(metadata: &sdk::types::NewDeviceMetadataType) -> Self {
        wire::NewDeviceMetadataType {
            device_key: metadata.device_key().unwrap_or_default().to_owned(),
            device_group_key: metadata.device_group_key().unwrap_or_default().to_owned(),
        }
    }
}

impl From<&sdk::types::AuthenticationResultType> for wire::AuthenticationResultType {
    fn from(result: &sdk::types::AuthenticationResultType) -> Self {
        wire::AuthenticationResultType {
            access_token: result.access_token().map(AccessToken::from),
            expires_in: Some(i64::from(result.expires_in())),
            token_type: result.token_type().map(str::to_owned),
            refresh_token: result.refresh_token().map(RefreshToken::from),
            id_token: result.id_token().map(IdToken::from),
            new_device_metadata: result.new_device_metadata().map(Into::into),
        }
    }
}

/// The parts InitiateAuth's and RespondToAuthChallenge's outputs share.
fn auth_response(
    challenge: Option<&sdk::types::ChallengeNameType>,
    session: Option<&str>,
    parameters: Option<&std::collections::HashMap<String, String>>,
    result: Option<&sdk::types::AuthenticationResultType>,
    available: &[sdk::types::ChallengeNameType],
) -> wire::AuthResponse {
    wire::AuthResponse {
        // `as_str` keeps a name the SDK does not know (its `Unknown` variant) as sent.
        challenge_name: challenge.map(|name| name.as_str().to_owned()),
        session: session.map(Session::from),
        challenge_parameters: parameters.cloned(),
        authentication_result: result.map(Into::into),
        available_challenges: (!available.is_empty())
            .then(|| available.iter().map(|c| c.as_str().to_owned()).collect()),
    }
}

impl From<&sdk::operation::initiate_auth::InitiateAuthOutput> for wire::AuthResponse {
    fn from(output: &sdk::operation::initiate_auth::InitiateAuthOutput) -> Self {
        auth_response(
            output.challenge_name(),
            output.session(),
            output.challenge_parameters(),
            output.authentication_result(),
            output.available_challenges(),
        )
    }
}

impl From<&sdk::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput> for wire::AuthResponse {
    fn from(output: &sdk::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput) -> Self {
        auth_response(
            output.challenge_name(),
            output.session(),
            output.challenge_parameters(),
            output.authentication_result(),
            // SELECT_CHALLENGE follows InitiateAuth only.
            &[],
        )
    }
}

impl From<&DeviceSecretVerifierConfig> for sdk::types::DeviceSecretVerifierConfigType {
    fn from(config: &DeviceSecretVerifierConfig) -> Self {
        sdk::types::DeviceSecretVerifierConfigType::builder()
            .password_verifier(config.password_verifier())
            .salt(config.salt())
            .build()
    }
}

/// The request's members, for the SDK's builders (which keep them as plain
/// `String`s: the SDK's copies of the request's secrets are its own).
fn body<T: DeserializeOwned>(request: &Request) -> Result<T, Error> {
    serde_json::from_str(request.body_json())
        .map_err(|_| Error::Protocol { reason: "a request body the SDK call cannot carry" })
}

/// What the service answered, as (status, JSON body): 200 and the output, or
/// 400 and `{"__type", "message"}` for a service error. The output's
/// secrets go through the crate's secret types into a body written without
/// leaving copies; [`drive`] wipes it once read.
fn answer<O, E, B>(
    result: Result<O, sdk::error::SdkError<E>>,
    output: impl FnOnce(O) -> B,
) -> Result<(u16, Vec<u8>), Error>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    B: serde::Serialize,
{
    match result {
        Ok(value) => Ok((200, core::mem::take(&mut *json_buffer::to_json(&output(value))).into_bytes())),
        Err(error) => match error.code() {
            Some(code) => Ok((
                400,
                json!({"__type": code, "message": error.message().unwrap_or_default()}).to_string().into_bytes(),
            )),
            None => Err(Error::Transport(transport_error(&error))),
        },
    }
}

/// Sorts the SDK's failures to send or read into the kinds a caller acts on.
fn transport_error<E>(error: &sdk::error::SdkError<E>) -> TransportError
where
    E: std::error::Error + 'static,
{
    use sdk::error::SdkError;
    let kind = match error {
        SdkError::TimeoutError(_) => TransportErrorKind::Timeout,
        SdkError::DispatchFailure(failure) if failure.is_timeout() => TransportErrorKind::Timeout,
        SdkError::DispatchFailure(failure) if failure.is_io() => TransportErrorKind::Connect,
        SdkError::DispatchFailure(_) => TransportErrorKind::Other,
        SdkError::ResponseError(_) => TransportErrorKind::Http,
        SdkError::ConstructionFailure(_) => TransportErrorKind::Other,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, sdk::error::DisplayErrorContext(error).to_string())
}

/// Sends one of the state machine's requests through the SDK client and
/// returns what [`SignIn::receive`](crate::flow::SignIn::receive) reads.
pub async fn send(client: &sdk::Client, request: &Request) -> Result<(u16, Vec<u8>), Error> {
    match request.operation() {
        Operation::InitiateAuth => {
            let b: wire::InitiateAuthRequest = body(request)?;
            let result = client
                .initiate_auth()
                .auth_flow(sdk::types::AuthFlowType::from(b.auth_flow.as_str()))
                .client_id(b.client_id)
                .set_auth_parameters(Some(b.auth_parameters))
                .set_client_metadata(b.client_metadata)
                .send()
                .await;
            answer(result, |o| wire::AuthResponse::from(&o))
        }
        Operation::RespondToAuthChallenge => {
            let b: wire::RespondToAuthChallengeRequest = body(request)?;
            let result = client
                .respond_to_auth_challenge()
                .client_id(b.client_id)
                .challenge_name(sdk::types::ChallengeNameType::from(b.challenge_name.as_str()))
                .set_session(b.session)
                .set_challenge_responses(Some(b.challenge_responses))
                .set_client_metadata(b.client_metadata)
                .send()
                .await;
            answer(result, |o| wire::AuthResponse::from(&o))
        }
        Operation::ConfirmDevice => {
            let b: wire::ConfirmDeviceRequest = body(request)?;
            let config = sdk::types::DeviceSecretVerifierConfigType::builder()
                .password_verifier(b.device_secret_verifier_config.password_verifier)
                .salt(b.device_secret_verifier_config.salt)
                .build();
            let result = client
                .confirm_device()
                .access_token(b.access_token)
                .device_key(b.device_key)
                .device_secret_verifier_config(config)
                .set_device_name(b.device_name)
                .send()
                .await;
            answer(result, |o| json!({"UserConfirmationNecessary": o.user_confirmation_necessary()}))
        }
        Operation::UpdateDeviceStatus => {
            let b: wire::UpdateDeviceStatusRequest = body(request)?;
            let result = client
                .update_device_status()
                .access_token(b.access_token)
                .device_key(b.device_key)
                .device_remembered_status(sdk::types::DeviceRememberedStatusType::from(
                    b.device_remembered_status.as_str(),
                ))
                .send()
                .await;
            answer(result, |_| json!({}))
        }
        Operation::ForgetDevice => {
            let b: wire::ForgetDeviceRequest = body(request)?;
            let result = client.forget_device().access_token(b.access_token).device_key(b.device_key).send().await;
            answer(result, |_| json!({}))
        }
        Operation::AssociateSoftwareToken => {
            let b: wire::AssociateSoftwareTokenRequest = body(request)?;
            let result =
                client.associate_software_token().set_session(b.session).set_access_token(b.access_token).send().await;
            answer(result, |o| wire::AssociateSoftwareTokenResponse {
                secret_code: o.secret_code().map(SecretCode::from),
                session: o.session().map(Session::from),
            })
        }
        Operation::VerifySoftwareToken => {
            let b: wire::VerifySoftwareTokenRequest = body(request)?;
            let result = client
                .verify_software_token()
                .set_session(b.session)
                .set_access_token(b.access_token)
                .user_code(b.user_code)
                .set_friendly_device_name(b.friendly_device_name)
                .send()
                .await;
            answer(result, |o| wire::VerifySoftwareTokenResponse {
                status: o.status().map(|s| s.as_str().to_owned()),
                session: o.session().map(Session::from),
            })
        }
    }
}

/// Runs a whole sign-in over an SDK client: [`flow::drive_async`] with
/// [`send`], with the operating system's RNG. The future is `Send` when the
/// interaction (and its answers) are, so it runs in `tokio::spawn`.
pub async fn drive<I, C>(client: &sdk::Client, sign_in: SignIn, interaction: &mut I, now: C) -> Result<SignedIn, Error>
where
    I: Interaction + ?Sized,
    C: Fn() -> Timestamp,
{
    flow::drive_async(sign_in, |request: Request| async move { send(client, &request).await }, interaction, now).await
}

/// [`drive`] with the caller's RNG.
pub async fn drive_with_rng<R, I, C>(
    client: &sdk::Client,
    sign_in: SignIn,
    interaction: &mut I,
    now: C,
    rng: &mut R,
) -> Result<SignedIn, Error>
where
    R: CryptoRng + ?Sized,
    I: Interaction + ?Sized,
    C: Fn() -> Timestamp,
{
    let send = |request: Request| async move { send(client, &request).await };
    flow::drive_async_with_rng(sign_in, send, interaction, now, rng).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_outputs_convert_to_the_wire_types() {
        let result = sdk::types::AuthenticationResultType::builder()
            .access_token("a")
            .expires_in(3600)
            .refresh_token("r")
            .new_device_metadata(
                sdk::types::NewDeviceMetadataType::builder().device_key("k").device_group_key("g").build(),
            )
            .build();
        let output = sdk::operation::initiate_auth::InitiateAuthOutput::builder()
            .challenge_name(sdk::types::ChallengeNameType::from("BRAND_NEW_CHALLENGE"))
            .session("s")
            .authentication_result(result)
            .build();
        let response = wire::AuthResponse::from(&output);
        assert_eq!(response.challenge_name.as_deref(), Some("BRAND_NEW_CHALLENGE"), "an unknown name survives");
        assert_eq!(response.session.as_ref().map(Session::expose_secret), Some("s"));
        let tokens = response.authentication_result.expect("tokens");
        assert_eq!(
            (tokens.access_token.as_ref().map(AccessToken::expose_secret), tokens.expires_in),
            (Some("a"), Some(3600))
        );
        assert_eq!(
            tokens.new_device_metadata.map(|m| (m.device_key, m.device_group_key)),
            Some(("k".into(), "g".into()))
        );
    }

    #[test]
    fn the_device_verifier_converts_to_the_sdk_type() {
        let (_, config) = crate::DeviceCredentials::generate(&mut rand::rng(), "k", "g");
        let sdk_config = sdk::types::DeviceSecretVerifierConfigType::from(&config);
        assert_eq!(sdk_config.password_verifier(), Some(config.password_verifier()));
        assert_eq!(sdk_config.salt(), Some(config.salt()));
    }
}
