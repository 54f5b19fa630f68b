//! The embedded server holds bounded state whatever clients send: pending
//! sessions are capped per user and in total (the oldest goes first) and
//! purged once expired, the outbox, refresh tokens and unconfirmed devices
//! are capped, and the newest of each keeps working.

#![cfg(feature = "server")]

mod server_support;

use std::time::Duration;

use cognito_srp_auth::server::{Limits, PoolSettings};
use cognito_srp_auth::{PrivateExponentSize, SrpEphemeral};
use serde_json::{Value, json};
use server_support::*;

fn limits(adjust: impl FnOnce(&mut Limits)) -> Limits {
    let mut limits = Limits::default();
    adjust(&mut limits);
    limits
}

/// InitiateAuth USER_SRP_AUTH: a PASSWORD_VERIFIER session left unanswered.
fn probe(server: &mut Server, username: &str) -> Value {
    let ephemeral = SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::default());
    server.initiate("USER_SRP_AUTH", username, json!({"SRP_A": ephemeral.srp_a()})).expect("a challenge")
}

/// Whether the session of `challenge` is still held: an answer to it is
/// judged (a wrong proof) rather than refused as an unknown session.
fn still_held(server: &mut Server, challenge: &Value, username: &str) -> bool {
    let responses = json!({"PASSWORD_CLAIM_SECRET_BLOCK": "", "PASSWORD_CLAIM_SIGNATURE": "", "TIMESTAMP": ""});
    match server.respond(challenge, username, responses) {
        Err((_, message)) => !message.contains("session"),
        Ok(response) => panic!("a wrong proof was taken: {response}"),
    }
}

#[test]
fn unanswered_probes_are_capped_in_total_and_the_newest_sign_in_still_works() {
    let mut server = Server::with_limits(PoolSettings::default(), true, limits(|l| l.sessions = 100));
    let first = probe(&mut server, "nobody-0");
    for i in 1..1000 {
        probe(&mut server, &format!("nobody-{i}"));
    }
    assert_eq!(server.service.usage().sessions, 100);
    assert!(!still_held(&mut server, &first, "nobody-0"), "the oldest went first");
    assert!(has_tokens(&server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in")));
}

#[test]
fn one_user_holds_at_most_its_share_of_sessions_the_oldest_going_first() {
    let mut server = Server::with_limits(PoolSettings::default(), false, limits(|l| l.sessions_per_user = 3));
    let challenges: Vec<Value> = (0..5).map(|_| probe(&mut server, "alice")).collect();
    let other = probe(&mut server, "mallory");
    assert_eq!(server.service.usage().sessions, 4, "three of alice's and mallory's one");
    assert!(!still_held(&mut server, &challenges[0], "alice"));
    assert!(!still_held(&mut server, &challenges[1], "alice"));
    assert!(still_held(&mut server, &challenges[4], "alice"));
    assert!(still_held(&mut server, &other, "mallory"));
}

#[test]
fn expired_sessions_are_purged_as_new_ones_come() {
    let mut server = Server::new(PoolSettings::default(), false);
    for i in 0..50 {
        probe(&mut server, &format!("nobody-{i}"));
    }
    assert_eq!(server.service.usage().sessions, 50);
    server.now += 181;
    for i in 0..20 {
        probe(&mut server, &format!("later-{i}"));
    }
    assert_eq!(server.service.usage().sessions, 20, "only the live ones are left");
}

#[test]
fn the_outbox_keeps_the_newest_messages() {
    let mut server = Server::with_limits(PoolSettings::default(), false, limits(|l| l.outbox = 3));
    let challenges: Vec<Value> = (0..5)
        .map(|_| server.initiate("USER_AUTH", "alice", json!({"PREFERRED_CHALLENGE": "EMAIL_OTP"})).expect("sent"))
        .collect();
    let outbox = server.service.take_outbox();
    assert_eq!(outbox.len(), 3);
    let last = challenges.last().expect("five");
    let code = &outbox.last().expect("three").code;
    let signed_in = server.respond(last, "alice", json!({"EMAIL_OTP_CODE": code})).expect("the newest code works");
    assert!(has_tokens(&signed_in));
    assert_eq!(server.service.usage().outbox, 0);
}

#[test]
fn a_user_keeps_the_newest_refresh_tokens_and_expired_ones_are_purged() {
    let settings = PoolSettings::default().with_refresh_token_validity(Duration::from_secs(600));
    let mut server = Server::with_limits(settings, true, limits(|l| l.refresh_tokens_per_user = 3));
    let mut tokens = Vec::new();
    for _ in 0..5 {
        let signed_in = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in");
        tokens.push(signed_in["AuthenticationResult"]["RefreshToken"].as_str().expect("token").to_owned());
    }
    assert_eq!(server.service.usage().refresh_tokens, 3);
    assert_eq!(kind(server.refresh(&tokens[1], None)), "NotAuthorizedException", "the oldest were revoked");
    assert!(has_tokens(&server.refresh(&tokens[4], None).expect("the newest works")));
    server.now += 600;
    server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in");
    assert_eq!(server.service.usage().refresh_tokens, 1, "the expired ones are gone");
}

#[test]
fn devices_never_confirmed_are_capped_per_user() {
    let settings = PoolSettings::with_devices_and_optional_mfa();
    let mut server = Server::with_limits(settings, true, limits(|l| l.unconfirmed_devices_per_user = 2));
    let first = server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in");
    let device = server.confirm_new_device(&first);
    for _ in 0..5 {
        server.srp_sign_in("alice", ALICE_PASSWORD, None).expect("signed in");
    }
    assert_eq!(server.service.usage().devices, 3, "the confirmed device and the newest two");
    let challenge = server.srp_sign_in("alice", ALICE_PASSWORD, Some(device.device_key())).expect("challenge");
    assert_eq!(challenge["ChallengeName"], "DEVICE_SRP_AUTH", "the confirmed device was kept");
}
