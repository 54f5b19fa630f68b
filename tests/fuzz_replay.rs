//! The fuzz targets of `fuzz/` on stable, bounded: every committed seed
//! (crashes the fuzzer found are added there), then seeds mutated the way
//! libFuzzer would, a fixed number of times. `fuzz/run.sh` runs the same
//! bodies for as long as one wants on nightly.

#![cfg(feature = "server")]

#[path = "../fuzz/src/targets.rs"]
#[allow(dead_code, reason = "not every helper of the fuzz crate is replayed")]
mod targets;

use std::path::Path;

use proptest::prelude::*;

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("entry").path())
        .collect();
    files.sort();
    files.iter().map(|file| std::fs::read(file).expect("seed")).collect()
}

fn target(name: &str) -> fn(&[u8]) {
    targets::TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f).expect("a target")
}

#[test]
fn every_target_has_seeds_and_replays_them() {
    for (name, run) in targets::TARGETS {
        let seeds = seeds(name);
        assert!(!seeds.is_empty(), "{name} has no seeds");
        for seed in &seeds {
            run(seed);
        }
    }
}

/// A seed with libFuzzer-like edits: overwritten bytes, an inserted run, a cut.
fn mutated(name: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let seeds = seeds(name);
    (
        0..seeds.len(),
        prop::collection::vec((any::<u16>(), any::<u8>()), 0..8),
        any::<u16>(),
        prop::collection::vec(any::<u8>(), 0..6),
        any::<u16>(),
    )
        .prop_map(move |(index, overwrites, at, inserted, cut)| {
            let mut bytes = seeds[index].clone();
            for (position, value) in overwrites {
                if !bytes.is_empty() {
                    let position = usize::from(position) % bytes.len();
                    bytes[position] = value;
                }
            }
            let at = usize::from(at) % (bytes.len() + 1);
            bytes.splice(at..at, inserted);
            if cut % 5 == 0 {
                bytes.truncate(usize::from(cut) % (bytes.len() + 1));
            }
            bytes
        })
}

macro_rules! replay {
    ($($test:ident: $name:literal, $cases:literal;)*) => {$(
        proptest! {
            #![proptest_config(ProptestConfig { cases: $cases, failure_persistence: None, ..ProptestConfig::default() })]
            #[test]
            fn $test(input in mutated($name)) {
                target($name)(&input);
            }
        }
    )*};
}

replay! {
    encoding_mutations: "encoding", 256;
    challenge_mutations: "challenge", 48;
    timestamp_mutations: "timestamp", 256;
    stored_values_mutations: "stored_values", 128;
    server_requests_mutations: "server_requests", 48;
    sign_in_responses_mutations: "sign_in_responses", 32;
}

/// The server target's live state is real: its seeds get past every lookup
/// (the right proofs sign in, a wrong one is refused as a wrong password).
#[test]
fn server_seeds_reach_the_live_sessions_and_tokens() {
    let seeds = seeds("server_requests");
    let outcome = |seed: &[u8]| {
        let mut server = targets::LiveServer::new();
        let (operation, body) = seed.split_first().expect("operation byte");
        let operation = ["InitiateAuth", "RespondToAuthChallenge", "ConfirmDevice"][usize::from(*operation)];
        let body = server.substitute(core::str::from_utf8(body).expect("text"));
        let (status, response) = server.check(operation, body.as_bytes());
        (status, response["__type"].as_str().map(str::to_owned), response["AuthenticationResult"].is_object())
    };
    assert_eq!(outcome(&seeds[0]), (400, Some("NotAuthorizedException".into()), false), "a wrong claim signature");
    assert_eq!(outcome(&seeds[1]), (200, None, true), "the MFA session and the TOTP code");
    assert_eq!(outcome(&seeds[2]), (200, None, true), "the refresh token and device");
    assert_eq!(outcome(&seeds[3]), (200, None, true), "the password");
    assert_eq!(outcome(&seeds[5]).0, 200, "ConfirmDevice with the access token and device key");
}

/// The sign-in target goes deep: unaltered, every flow signs in over real
/// exchanges with the embedded server; and a response replaced by a page
/// that is not JSON
/// at any one of those exchanges is read there, after a real prefix (so
/// the replay above reaches every state of each sign-in, not only the
/// first response).
#[test]
fn sign_in_seeds_reach_every_exchange_of_each_flow() {
    for flow in 0..5u8 {
        // `at` 7 with an edit of no bytes: every response is the server's.
        let whole = targets::sign_in_depth(&[flow, 7, 0, 1]);
        assert!(whole.signed_in, "flow {flow}: {whole:?}");
        assert!(whole.exchanges >= 1, "flow {flow}: {whole:?}");
        for at in 0..whole.exchanges {
            let altered = targets::sign_in_depth(&[flow, at, 0, 0, b'<', b'h', b't', b'm', b'l', b'>']);
            assert_eq!(altered.altered, Some(at), "flow {flow}: the real prefix reached exchange {at}");
            assert_eq!(altered.exchanges, at + 1, "flow {flow}: a non-JSON body at exchange {at} ends the sign-in");
        }
    }
}
