//! The drivers: `Send` futures that run in spawned tasks, an interaction
//! that answers asynchronously, refusals shown before asking again, the
//! caller's own cancellation, and a bound on a server that keeps asking.

#![cfg(feature = "server")]

mod world;

use std::sync::Arc;

use cognito_srp_auth::flow::{
    self, Answer, DeviceOutcome, Interaction, MemoryDeviceStore, Prompt, Request, ServiceError, ServiceErrorKind,
    SignIn,
};
use cognito_srp_auth::{Cancelled, DeviceCredentials, Error, Origin, Password};
use serde_json::json;
use world::{PASSWORD, Person, World};

fn assert_send<T: Send>(_: &T) {}

/// An interaction that waits for its code on a channel, as a web back end
/// waits for the browser's next request.
struct Remote {
    codes: tokio::sync::mpsc::Receiver<String>,
    asked: tokio::sync::mpsc::Sender<Prompt>,
}

impl Interaction for Remote {
    async fn answer(&mut self, prompt: &Prompt, _refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
        self.asked.send(prompt.clone()).await.map_err(Cancelled::new)?;
        self.codes.recv().await.map(Answer::Code).ok_or_else(|| Cancelled::new("the browser went away"))
    }
}

#[test]
fn the_async_drivers_futures_are_send() {
    let world = World::new(1);
    let sign_in = SignIn::user_srp(world.pool(0).client.clone(), "alice", Password::from(PASSWORD)).expect("valid");
    let (_code_tx, codes) = tokio::sync::mpsc::channel(1);
    let (asked, _asked_rx) = tokio::sync::mpsc::channel(1);
    let mut remote = Remote { codes, asked };
    let send = |request: Request| {
        let world = world.clone();
        async move { Ok(world.exchange(&request)) }
    };
    let future = flow::drive_async(sign_in, send, &mut remote, world.clock());
    assert_send(&future);
    drop(future);
}

#[cfg(feature = "aws-sdk")]
#[test]
fn the_aws_sdk_drivers_future_is_send() {
    use aws_sdk_cognitoidentityprovider as sdk;
    let world = World::new(1);
    let config = sdk::Config::builder()
        .behavior_version(sdk::config::BehaviorVersion::latest())
        .region(sdk::config::Region::new("eu-west-1"))
        .build();
    let client = sdk::Client::from_conf(config);
    let sign_in = SignIn::user_srp(world.pool(0).client.clone(), "alice", Password::from(PASSWORD)).expect("valid");
    let mut person = Person::for_pool(&world, 0);
    let future = cognito_srp_auth::aws_sdk::drive(&client, sign_in, &mut person, cognito_srp_auth::Timestamp::now);
    assert_send(&future);
    drop(future);
}

#[test]
fn a_sign_in_runs_in_a_spawned_task_and_awaits_its_code() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().expect("a runtime");
    let world = World::new(1);
    let store = Arc::new(MemoryDeviceStore::new());
    let sign_in = SignIn::user_srp(world.pool(0).client.clone(), "alice@example.com", Password::from(PASSWORD))
        .expect("valid")
        .with_device_store(store.clone());
    let (code_tx, codes) = tokio::sync::mpsc::channel(1);
    let (asked, mut asked_rx) = tokio::sync::mpsc::channel(1);
    let authenticator = world.pool(0).authenticator.clone();
    let now = world.now;
    runtime.block_on(async move {
        let task_world = world.clone();
        let task = tokio::spawn(async move {
            let mut remote = Remote { codes, asked };
            let send = |request: Request| {
                let world = task_world.clone();
                async move {
                    tokio::task::yield_now().await;
                    Ok(world.exchange(&request))
                }
            };
            flow::drive_async(sign_in, send, &mut remote, task_world.clock()).await
        });
        // The "browser": sees the prompt, then posts the code.
        let prompt = asked_rx.recv().await.expect("asked");
        assert_eq!(prompt, Prompt::SoftwareTokenMfa);
        let code = cognito_srp_auth::server::totp(&authenticator, now).expect("Base32");
        code_tx.send(code).await.expect("sent");
        let done = task.await.expect("the task ran").expect("signed in");
        assert_eq!(done.username(), "alice");
        assert_eq!(done.new_device().map(|d| d.outcome().clone()), Some(DeviceOutcome::Remembered));
    });
    assert_eq!(store.len(), 1);
}

#[test]
fn a_refused_code_is_asked_again_with_the_refusal() {
    let world = World::new(1);
    let mut person = Person::for_pool(&world, 0);
    person.wrong_codes = vec!["000000".into()];
    let sign_in = SignIn::user_srp(world.pool(0).client.clone(), "alice", Password::from(PASSWORD)).expect("valid");
    let done = flow::drive(sign_in, world.send(), &mut person, world.clock()).expect("signed in");
    assert_eq!(person.mfa_prompts(), 2, "asked twice");
    assert_eq!(person.refusals.len(), 1, "the second ask came with the refusal");
    assert_eq!(person.refusals[0].kind(), &ServiceErrorKind::CodeMismatch);
    assert_eq!(done.username(), "alice");
}

#[derive(Debug)]
struct UserClosedTheDialog;

impl core::fmt::Display for UserClosedTheDialog {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the user closed the dialog")
    }
}

impl std::error::Error for UserClosedTheDialog {}

struct Closes;

impl Interaction for Closes {
    async fn answer(&mut self, _: &Prompt, _: Option<&ServiceError>) -> Result<Answer, Cancelled> {
        Err(Cancelled::new(UserClosedTheDialog))
    }
}

#[test]
fn the_caller_cancels_with_its_own_error() {
    let world = World::new(1);
    let sign_in = SignIn::user_srp(world.pool(0).client.clone(), "alice", Password::from(PASSWORD)).expect("valid");
    let error = flow::drive(sign_in, world.send(), &mut Closes, world.clock()).expect_err("cancelled");
    let Error::Cancelled(cancelled) = &error else { panic!("{error:?}") };
    assert!(cancelled.reason().downcast_ref::<UserClosedTheDialog>().is_some());
    assert_eq!(error.origin(), Origin::Caller);
    assert!(std::error::Error::source(&error).is_some(), "the caller's error is the source");
}

#[test]
fn a_server_that_keeps_asking_is_given_up_on() {
    let world = World::new(1);
    let (device, _) = DeviceCredentials::generate(&mut rand::rng(), "eu-west-1_loop", "-group");
    let sign_in = SignIn::user_srp(world.pool(0).client.clone(), "alice", Password::from(PASSWORD))
        .expect("valid")
        .with_device(device);
    let mut sent = 0;
    // DEVICE_SRP_AUTH answered with DEVICE_SRP_AUTH, for ever.
    let looping = |_: &Request| {
        sent += 1;
        let body =
            json!({"ChallengeName": "DEVICE_SRP_AUTH", "Session": "s", "ChallengeParameters": {"USERNAME": "alice"}});
        Ok((200, body.to_string().into_bytes()))
    };
    let error = flow::drive(sign_in, looping, &mut Person::for_pool(&world, 0), world.clock()).expect_err("stops");
    assert!(matches!(error, Error::TooManyRoundTrips { .. }), "{error:?}");
    assert_eq!(error.origin(), Origin::Server);
    assert!(sent <= 25, "{sent} requests");
}

#[test]
fn tokens_without_an_access_token_keep_the_refresh_token() {
    let world = World::new(1);
    let sign_in = SignIn::user_password(world.pool(0).client.clone(), "alice", Password::from(PASSWORD))
        .expect("valid")
        .with_device_store(Arc::new(MemoryDeviceStore::new()));
    let respond = |_: &Request| {
        let result = json!({"IdToken": "id", "RefreshToken": "still-useful", "ExpiresIn": 3600,
            "NewDeviceMetadata": {"DeviceKey": "eu-west-1_k", "DeviceGroupKey": "-g"}});
        Ok((200, json!({"AuthenticationResult": result}).to_string().into_bytes()))
    };
    let error = flow::drive(sign_in, respond, &mut Person::for_pool(&world, 0), world.clock()).expect_err("incomplete");
    let Error::IncompleteTokens(incomplete) = error else { panic!("{error:?}") };
    assert_eq!(incomplete.missing(), "AccessToken");
    assert_eq!(incomplete.refresh_token().map(|t| t.expose_secret()), Some("still-useful"));
}
