//! The device lifecycle against the embedded server: a device remembered
//! once is used again whatever name the user types and whichever flow
//! signs in, one store serves two pools with the same username, and no
//! failure after the tokens loses them.

#![cfg(feature = "server")]

mod world;

use std::sync::Arc;

use cognito_srp_auth::flow::{
    self, DeviceOutcome, DeviceStore, MemoryDeviceStore, NotConfirmed, PoolUser, Prompt, Request, Selection, SignIn,
    SignedIn,
};
use cognito_srp_auth::server::PoolSettings;
use cognito_srp_auth::wire::Operation;
use cognito_srp_auth::{
    DeviceCredentials, DeviceStoreError, Error, Password, Timestamp, TransportError, TransportErrorKind,
};
use world::{PASSWORD, Person, World};

#[derive(Clone, Copy, Debug)]
enum Flow {
    UserSrp,
    CustomAuthWithSrp,
    UserPassword,
    UserAuthPasswordSrp,
    UserAuthPassword,
}

const FLOWS: [Flow; 5] =
    [Flow::UserSrp, Flow::CustomAuthWithSrp, Flow::UserPassword, Flow::UserAuthPasswordSrp, Flow::UserAuthPassword];

const TYPED: [&str; 3] = ["alice", "alice@example.com", "ALICE"];

fn sign_in(world: &World, pool: usize, flow: Flow, typed: &str) -> SignIn {
    let client = world.pool(pool).client.clone();
    let password = || Password::from(PASSWORD);
    match flow {
        Flow::UserSrp => SignIn::user_srp(client, typed, password()),
        Flow::CustomAuthWithSrp => SignIn::custom_auth_with_srp(client, typed, password()),
        Flow::UserPassword => SignIn::user_password(client, typed, password()),
        Flow::UserAuthPasswordSrp => SignIn::user_auth(client, typed, Some(Selection::PasswordSrp(password()))),
        Flow::UserAuthPassword => SignIn::user_auth(client, typed, Some(Selection::Password(password()))),
    }
    .expect("valid")
}

fn drive(world: &World, sign_in: SignIn, person: &mut Person) -> SignedIn {
    flow::drive(sign_in, world.send(), person, world.clock()).expect("signed in")
}

fn user(world: &World, pool: usize) -> PoolUser {
    PoolUser::new(world.pool(pool).id.clone(), "alice")
}

#[test]
fn a_remembered_device_is_used_whatever_the_name_typed_the_flow_and_the_pool() {
    for flow in FLOWS {
        for typed in TYPED {
            let world = World::new(2);
            let store = Arc::new(MemoryDeviceStore::new());
            let case = format!("{flow:?} as {typed:?}");

            // First sign-in in each pool: MFA (where the flow has it), a new device, remembered.
            let mut devices = Vec::new();
            for pool in 0..2 {
                let mut person = Person::for_pool(&world, pool);
                let done =
                    drive(&world, sign_in(&world, pool, flow, typed).with_device_store(store.clone()), &mut person);
                assert_eq!(done.username(), "alice", "{case}: the pool username");
                let new_device = done.new_device().unwrap_or_else(|| panic!("{case}: a new device"));
                assert_eq!(new_device.outcome(), &DeviceOutcome::Remembered, "{case}");
                let stored = store.load(&user(&world, pool)).expect("loads").expect("stored under the pool username");
                assert_eq!(stored.device_key(), new_device.device_key(), "{case}");
                devices.push(stored);
            }
            assert_ne!(devices[0].device_key(), devices[1].device_key(), "{case}: one device per pool");
            let _ = world.take_received();

            // Second sign-in, same typed name: the pool's own device, no MFA, no new device.
            for (pool, device) in devices.iter().enumerate() {
                let mut person = Person::for_pool(&world, pool);
                let done =
                    drive(&world, sign_in(&world, pool, flow, typed).with_device_store(store.clone()), &mut person);
                assert!(done.new_device().is_none(), "{case}: no new device for pool {pool}");
                assert_eq!(person.mfa_prompts(), 0, "{case}: no MFA for pool {pool}");
                let received = world.take_received();
                let challenges: Vec<_> = received.iter().filter_map(|r| r.challenge()).collect();
                if !matches!(flow, Flow::CustomAuthWithSrp) {
                    // (The embedded server's custom flow skips device SRP, as a pool's triggers may.)
                    assert!(
                        challenges.contains(&"DEVICE_SRP_AUTH") && challenges.contains(&"DEVICE_PASSWORD_VERIFIER"),
                        "{case}: device SRP in pool {pool}: {challenges:?}"
                    );
                }
                let keys: Vec<_> = received.iter().filter_map(|r| r.device_key()).collect();
                assert!(!keys.is_empty(), "{case}: DEVICE_KEY sent to pool {pool}");
                assert!(
                    keys.iter().all(|key| *key == device.device_key()),
                    "{case}: pool {pool} only ever sees its own device: {keys:?}"
                );
            }
        }
    }
}

#[test]
fn a_device_learned_under_one_name_serves_the_srp_flows_under_any_other() {
    let mut world = World::new(1);
    let store = Arc::new(MemoryDeviceStore::new());
    let mut person = Person::for_pool(&world, 0);
    let first = drive(&world, sign_in(&world, 0, Flow::UserSrp, "alice").with_device_store(store.clone()), &mut person);
    assert_eq!(first.new_device().map(|d| d.outcome().clone()), Some(DeviceOutcome::Remembered));
    for typed in ["alice@example.com", "ALICE"] {
        let mut person = Person::for_pool(&world, 0);
        let done =
            drive(&world, sign_in(&world, 0, Flow::UserSrp, typed).with_device_store(store.clone()), &mut person);
        assert!(done.new_device().is_none(), "{typed}: USER_ID_FOR_SRP finds the device");
        assert_eq!(person.mfa_prompts(), 0, "{typed}");
    }
    // USER_PASSWORD_AUTH learned nothing about `Alice`: it signs in without a device rather than with a wrong one.
    // Its TOTP code is the next 30-second step's: the first sign-in took this step's, and a code is taken once.
    world.now = Timestamp::from_unix_seconds(world.now.unix_seconds() + 30).expect("in range");
    let mut person = Person::for_pool(&world, 0);
    let done =
        drive(&world, sign_in(&world, 0, Flow::UserPassword, "Alice").with_device_store(store.clone()), &mut person);
    assert_eq!(person.mfa_prompts(), 1);
    assert!(
        world
            .take_received()
            .iter()
            .filter(|r| r.operation == Operation::InitiateAuth)
            .all(|r| { r.body["AuthParameters"]["USERNAME"] != "Alice" || r.device_key().is_none() })
    );
    assert!(done.new_device().is_some());
}

/// A store whose saves fail, as on a read-only disk.
struct ReadOnly(MemoryDeviceStore);

impl DeviceStore for ReadOnly {
    fn load(&self, user: &PoolUser) -> Result<Option<DeviceCredentials>, DeviceStoreError> {
        self.0.load(user)
    }
    fn save(&self, _: &PoolUser, _: &DeviceCredentials) -> Result<(), DeviceStoreError> {
        Err(DeviceStoreError::new("read-only file system"))
    }
    fn forget(&self, user: &PoolUser, device_key: &str) -> Result<(), DeviceStoreError> {
        self.0.forget(user, device_key)
    }
    fn pool_username(
        &self,
        pool: &cognito_srp_auth::UserPoolId,
        typed: &str,
    ) -> Result<Option<String>, DeviceStoreError> {
        self.0.pool_username(pool, typed)
    }
    fn learn_username(&self, typed: &str, user: &PoolUser) -> Result<(), DeviceStoreError> {
        self.0.learn_username(typed, user)
    }
}

#[test]
fn a_failed_save_sends_no_confirm_device_and_keeps_the_tokens() {
    let world = World::new(1);
    let mut person = Person::for_pool(&world, 0);
    let store = Arc::new(ReadOnly(MemoryDeviceStore::new()));
    let done = drive(&world, sign_in(&world, 0, Flow::UserSrp, "alice").with_device_store(store), &mut person);
    assert!(done.tokens().access_token().expose_secret().contains('.'));
    let outcome = done.new_device().expect("a new device").outcome().clone();
    assert_eq!(
        outcome,
        DeviceOutcome::NotConfirmed { why: NotConfirmed::SaveFailed(DeviceStoreError::new("read-only file system")) }
    );
    assert!(world.take_received().iter().all(|r| r.operation != Operation::ConfirmDevice), "no ConfirmDevice");
}

#[test]
fn without_a_store_no_device_is_confirmed() {
    let world = World::new(1);
    let mut person = Person::for_pool(&world, 0);
    let done = drive(&world, sign_in(&world, 0, Flow::UserSrp, "alice"), &mut person);
    let outcome = done.new_device().expect("a new device").outcome().clone();
    assert_eq!(outcome, DeviceOutcome::NotConfirmed { why: NotConfirmed::NoDeviceStore });
    assert!(world.take_received().iter().all(|r| r.operation != Operation::ConfirmDevice));
}

#[test]
fn a_transport_failure_on_confirm_device_keeps_the_tokens() {
    let world = World::new(1);
    let mut person = Person::for_pool(&world, 0);
    let store = Arc::new(MemoryDeviceStore::new());
    let send = |request: &Request| match request.operation() {
        Operation::ConfirmDevice => {
            Err(Error::Transport(TransportError::new(TransportErrorKind::Timeout, "timed out")))
        }
        _ => Ok(world.exchange(request)),
    };
    let sign_in = sign_in(&world, 0, Flow::UserSrp, "alice").with_device_store(store.clone());
    let done = flow::drive(sign_in, send, &mut person, world.clock()).expect("the tokens, not the error");
    assert!(done.tokens().refresh_token().is_some());
    let DeviceOutcome::NotConfirmed { why: NotConfirmed::Failed(error) } = done.new_device().expect("device").outcome()
    else {
        panic!("{:?}", done.new_device())
    };
    assert!(error.is_retryable(), "{error}");
    assert_eq!(store.len(), 1, "the device stays stored: Cognito may have registered it");
}

#[test]
fn a_device_cognito_no_longer_knows_is_forgotten_in_the_store() {
    for flow in [Flow::UserSrp, Flow::UserPassword] {
        let world = World::new(1);
        let store = Arc::new(MemoryDeviceStore::new());
        let (ghost, _) = DeviceCredentials::generate(&mut rand::rng(), "eu-west-1_0000dead-beef", "-ghost");
        store.save(&user(&world, 0), &ghost).expect("saved");
        store.learn_username("alice", &user(&world, 0)).expect("learned");
        let mut person = Person::for_pool(&world, 0);
        let done = drive(&world, sign_in(&world, 0, flow, "alice").with_device_store(store.clone()), &mut person);
        let stored = store.load(&user(&world, 0)).expect("loads").expect("the new device");
        assert_ne!(stored.device_key(), ghost.device_key(), "{flow:?}: the ghost is gone");
        assert_eq!(Some(stored.device_key()), done.new_device().map(|d| d.device_key()), "{flow:?}");
    }
}

#[test]
fn a_pool_that_lets_the_user_choose_asks_and_the_machine_updates_the_status() {
    let settings = PoolSettings::with_devices_and_optional_mfa();
    let mut settings = settings;
    settings.always_remember_devices = false;
    for (choice, outcome) in [
        (Some(true), DeviceOutcome::Remembered),
        (Some(false), DeviceOutcome::NotRemembered),
        (None, DeviceOutcome::UserMayOptIn),
    ] {
        let world = World::with_settings(1, settings.clone());
        let store = Arc::new(MemoryDeviceStore::new());
        let mut person = Person::for_pool(&world, 0);
        person.remember_device = choice;
        let done =
            drive(&world, sign_in(&world, 0, Flow::UserSrp, "alice").with_device_store(store.clone()), &mut person);
        assert_eq!(done.new_device().map(|d| d.outcome().clone()), Some(outcome.clone()), "{choice:?}");
        assert!(person.prompts.iter().any(|p| matches!(p, Prompt::RememberDevice { .. })));
        let updates: Vec<_> = world
            .take_received()
            .into_iter()
            .filter(|r| r.operation == Operation::UpdateDeviceStatus)
            .map(|r| r.body["DeviceRememberedStatus"].as_str().unwrap_or_default().to_owned())
            .collect();
        let expected: Vec<String> = match choice {
            Some(true) => vec!["remembered".into()],
            Some(false) => vec!["not_remembered".into()],
            None => vec![],
        };
        assert_eq!(updates, expected);
        if choice == Some(true) {
            let mut person = Person::for_pool(&world, 0);
            let again =
                drive(&world, sign_in(&world, 0, Flow::UserSrp, "alice").with_device_store(store.clone()), &mut person);
            assert!(again.new_device().is_none());
            assert_eq!(person.mfa_prompts(), 0, "a remembered device skips MFA");
        }
    }
}

#[test]
fn a_failed_status_update_keeps_the_tokens() {
    let mut settings = PoolSettings::with_devices_and_optional_mfa();
    settings.always_remember_devices = false;
    let world = World::with_settings(1, settings);
    let mut person = Person::for_pool(&world, 0);
    person.remember_device = Some(true);
    let send = |request: &Request| match request.operation() {
        Operation::UpdateDeviceStatus => {
            Err(Error::Transport(TransportError::new(TransportErrorKind::Connect, "reset")))
        }
        _ => Ok(world.exchange(request)),
    };
    let sign_in = sign_in(&world, 0, Flow::UserSrp, "alice").with_device_store(Arc::new(MemoryDeviceStore::new()));
    let done = flow::drive(sign_in, send, &mut person, world.clock()).expect("the tokens");
    assert!(matches!(
        done.new_device().expect("device").outcome(),
        DeviceOutcome::StatusNotUpdated { remembered: true, .. }
    ));
}
