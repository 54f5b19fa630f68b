//! Property tests: the client agrees with an independent server-side
//! computation, TIMESTAMP with an independent calendar, and no input makes a
//! parser panic.

mod common;

use std::collections::HashMap;

use cognito_srp_auth::{
    DevicePasswordVerifierChallenge, Password, PasswordVerifierChallenge, PrivateExponentSize, SrpEphemeral, Timestamp,
    UserPoolId, hazmat,
};
use common::{ReplayRng, Server, base64_encode, expected_signature, hex, pad, unhex};
use num_bigint::{BigInt, BigUint};
use proptest::prelude::*;

/// Salt shapes a server may send: random, leading zero bytes, top bit set.
fn salt_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 1..=20),
        prop::collection::vec(any::<u8>(), 15..=16).prop_map(|mut b| {
            b[0] = 0;
            b
        }),
        prop::collection::vec(any::<u8>(), 16).prop_map(|mut b| {
            b[0] |= 0x80;
            b
        }),
    ]
}

/// (salt as the wire writes it, salt as an integer): with leading zero
/// digits kept and an odd digit count when the top nibble is zero.
fn salt() -> impl Strategy<Value = (String, BigUint)> {
    (salt_bytes(), any::<bool>()).prop_map(|(bytes, trim_nibble)| {
        let mut text = hex(&bytes);
        if trim_nibble && text.len() > 1 && text.starts_with('0') {
            text.remove(0);
        }
        (text, BigUint::from_bytes_be(&bytes))
    })
}

/// A user id as Cognito sends it: never empty, otherwise any text.
fn identity_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>().prop_filter("USER_ID_FOR_SRP is never empty", |s| !s.is_empty()),
        "[a-z0-9._@+-]{1,40}",
        "\\PC{1,20}"
    ]
}

fn exponent_size() -> impl Strategy<Value = PrivateExponentSize> {
    prop_oneof![Just(PrivateExponentSize::Bits256), Just(PrivateExponentSize::Bits1024)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn user_claim_matches_an_independent_server(
        pool_name in "[A-Za-z0-9]{1,20}",
        user_id in identity_text(),
        password in any::<String>(),
        (salt_text, salt) in salt(),
        secret_block in prop::collection::vec(any::<u8>(), 1..200),
        random in prop::collection::vec(any::<u8>(), 128),
        b in prop::collection::vec(any::<u8>(), 32),
        size in exponent_size(),
        seconds in 0i64..4_102_444_800,
    ) {
        let server = Server::new();
        let pool = UserPoolId::parse(&format!("eu-west-1_{pool_name}")).expect("valid id");
        let x = server.x(&salt, &pool_name, &user_id, &password);
        let v = server.g.modpow(&x, &server.n);

        let ephemeral = SrpEphemeral::generate(&mut ReplayRng::new(random), size);
        let a_public = BigUint::parse_bytes(ephemeral.srp_a().as_bytes(), 16).expect("hex");
        let (b_public, s, u) = server.session(&v, &BigUint::from_bytes_be(&b), &a_public);
        prop_assume!(b_public > BigUint::from(0u8));

        let challenge = PasswordVerifierChallenge::new(
            &b_public.to_str_radix(16), &salt_text, &base64_encode(&secret_block), &user_id, "pool-username",
        ).expect("valid challenge");
        let signer = ephemeral.answer_password_verifier(&pool, &Password::from(password.as_str()), &challenge).expect("claim");
        let timestamp = Timestamp::from_unix_seconds(seconds).expect("in range");
        let claim = signer.sign(timestamp);
        prop_assert_eq!(claim.signature(), expected_signature(&s, &u, &pool_name, &user_id, &secret_block, &timestamp.to_string()));
    }

    #[test]
    fn device_claim_and_verifier_match_an_independent_server(
        device_key in "[a-z0-9-]{1,15}_[0-9a-f-]{36}",
        group_key in "[A-Za-z0-9_-]{1,12}",
        random in prop::collection::vec(any::<u8>(), 40 + 16 + 32),
        b in prop::collection::vec(any::<u8>(), 32),
        secret_block in prop::collection::vec(any::<u8>(), 1..100),
    ) {
        let server = Server::new();
        let mut rng = ReplayRng::new(random.clone());
        let (device, config) = cognito_srp_auth::DeviceCredentials::generate(&mut rng, device_key.as_str(), group_key.as_str());
        prop_assert_eq!(device.device_password().expose_secret(), base64_encode(&random[..40]));

        // The server stores what ConfirmDevice sent and checks the next sign-in with it.
        use base64::Engine as _;
        let decode = |s: &str| base64::engine::general_purpose::STANDARD.decode(s).expect("Base64");
        let salt = BigUint::from_bytes_be(&decode(config.salt()));
        prop_assert_eq!(salt.clone(), BigUint::from_bytes_be(&random[40..56]));
        let v = BigUint::from_bytes_be(&decode(config.password_verifier()));
        let x = server.x(&salt, &group_key, &device_key, device.device_password().expose_secret());
        prop_assert_eq!(v.clone(), server.g.modpow(&x, &server.n));

        let ephemeral = SrpEphemeral::generate(&mut rng, PrivateExponentSize::Bits256);
        let a_public = BigUint::parse_bytes(ephemeral.srp_a().as_bytes(), 16).expect("hex");
        let (b_public, s, u) = server.session(&v, &BigUint::from_bytes_be(&b), &a_public);
        let challenge = DevicePasswordVerifierChallenge::new(
            &b_public.to_str_radix(16), &salt.to_str_radix(16), &base64_encode(&secret_block), "user",
        ).expect("valid challenge");
        let timestamp = Timestamp::from_unix_seconds(1_700_000_000).expect("in range");
        let claim = ephemeral.answer_device_password_verifier(&device, &challenge).expect("claim").sign(timestamp);
        prop_assert_eq!(claim.signature(), expected_signature(&s, &u, &group_key, &device_key, &secret_block, &timestamp.to_string()));
    }
}

/// One edit of one parameter of a valid challenge.
#[derive(Clone, Debug)]
enum Mutation {
    /// Leading zero digits: the same number, so the same claim.
    LeadingZeros(usize),
    Drop,
    Replace(String),
    FlipChar(usize),
    Append(char),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (1usize..6).prop_map(Mutation::LeadingZeros),
        Just(Mutation::Drop),
        prop_oneof![any::<String>(), "[-0-9a-fA-F=+/]{0,12}"].prop_map(Mutation::Replace),
        any::<usize>().prop_map(Mutation::FlipChar),
        any::<char>().prop_map(Mutation::Append),
    ]
}

const PARAMETERS: [&str; 5] = ["SRP_B", "SALT", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A real PASSWORD_VERIFIER challenge (from the independent server) with
    /// one parameter edited: every edit is answered or refused with a typed
    /// error, never a panic; an edit that keeps the number (leading zeros on
    /// SRP_B or SALT) gives the very same claim, and one that changes SRP_B,
    /// SALT or SECRET_BLOCK never does.
    #[test]
    fn an_edited_real_challenge_is_answered_or_refused_but_never_panics(
        b in prop::collection::vec(any::<u8>(), 32),
        random in prop::collection::vec(any::<u8>(), 32),
        which in 0usize..PARAMETERS.len(),
        edit in mutation(),
    ) {
        let server = Server::new();
        let salt = BigUint::from_bytes_be(&[0x5a; 16]);
        let x = server.x(&salt, "AbC", "user-id", "pw");
        let v = server.g.modpow(&x, &server.n);
        let ephemeral = |random: &[u8]| SrpEphemeral::generate(&mut ReplayRng::new(random.to_vec()), PrivateExponentSize::Bits256);
        let a_public = BigUint::parse_bytes(ephemeral(&random).srp_a().as_bytes(), 16).expect("hex");
        let (b_public, s, u) = server.session(&v, &BigUint::from_bytes_be(&b), &a_public);
        let mut parameters: HashMap<&str, String> = HashMap::from([
            ("SRP_B", b_public.to_str_radix(16)),
            ("SALT", salt.to_str_radix(16)),
            ("SECRET_BLOCK", base64_encode(b"secret block")),
            ("USER_ID_FOR_SRP", "user-id".to_owned()),
            ("USERNAME", "alice".to_owned()),
        ]);
        let name = PARAMETERS[which];
        let original = parameters[name].clone();
        match &edit {
            Mutation::LeadingZeros(count) => { parameters.insert(name, format!("{}{original}", "0".repeat(*count))); }
            Mutation::Drop => { parameters.remove(name); }
            Mutation::Replace(text) => { parameters.insert(name, text.clone()); }
            Mutation::FlipChar(at) => {
                let mut chars: Vec<char> = original.chars().collect();
                let at = at % chars.len();
                chars[at] = if chars[at] == 'a' { 'b' } else { 'a' };
                parameters.insert(name, chars.into_iter().collect());
            }
            Mutation::Append(c) => { parameters.insert(name, format!("{original}{c}")); }
        }
        let pool = UserPoolId::parse("eu-west-1_AbC").expect("valid");
        let Ok(challenge) = PasswordVerifierChallenge::from_parameters(&parameters) else { return Ok(()) };
        let Ok(signer) = ephemeral(&random).answer_password_verifier(&pool, &Password::from("pw"), &challenge) else {
            return Ok(());
        };
        let timestamp = Timestamp::from_unix_seconds(1_700_000_000).expect("in range");
        let claim = signer.sign(timestamp);
        let expected = expected_signature(&s, &u, "AbC", "user-id", b"secret block", &timestamp.to_string());
        let unchanged = parameters[name] == original
            || matches!(edit, Mutation::LeadingZeros(_) if name == "SRP_B" || name == "SALT");
        if unchanged {
            prop_assert_eq!(claim.signature(), expected.as_str(), "{} {:?}", name, edit);
        } else if ["SRP_B", "SALT", "SECRET_BLOCK", "USER_ID_FOR_SRP"].contains(&name) {
            prop_assert_ne!(claim.signature(), expected.as_str(), "{} {:?}", name, edit);
        }
    }
}

/// A private `a` for [`hazmat::s`]: any length up to the bound, the all-ones
/// value at the bound (the largest `a + u·x`), and short ones.
fn private_a() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..=hazmat::MAX_A_BYTES),
        Just(vec![0xff; hazmat::MAX_A_BYTES]),
        (1..=hazmat::MAX_A_BYTES).prop_map(|len| vec![0xff; len]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// S = (B - k·g^x)^(a + u·x) mod N, with num-bigint, for every accepted `a`.
    #[test]
    fn s_matches_num_bigint_for_every_accepted_a(
        a in private_a(),
        b in prop::collection::vec(any::<u8>(), 1..=384),
        x in any::<[u8; 32]>(),
        u in any::<[u8; 32]>(),
    ) {
        let server = Server::new();
        let b_public = BigUint::from_bytes_be(&b) % &server.n;
        prop_assume!(b_public > BigUint::from(0u8));
        let (x_int, u_int) = (BigUint::from_bytes_be(&x), BigUint::from_bytes_be(&u));
        let base = (&b_public + &server.n * &server.k - &server.k * server.g.modpow(&x_int, &server.n)) % &server.n;
        let exponent = BigUint::from_bytes_be(&a) + &u_int * &x_int;
        let expected = base.modpow(&exponent, &server.n);
        let s = hazmat::s(&a, &b_public.to_str_radix(16), &x, &u).expect("a within the bound");
        prop_assert_eq!(BigUint::from_bytes_be(&s), expected);
    }
}

#[test]
fn s_refuses_an_a_past_the_bound_instead_of_dropping_a_carry() {
    let (x, u) = ([0xff; 32], [0xff; 32]);
    for len in [hazmat::MAX_A_BYTES + 1, 392, 393, 1000] {
        assert_eq!(
            hazmat::s(&vec![0xff; len], "2", &x, &u),
            Err(cognito_srp_auth::Error::InvalidParameter { name: "a", defect: cognito_srp_auth::Defect::TooLong }),
            "{len} bytes"
        );
    }
}

/// Days since 1970-01-01 to (year, month, day): Howard Hinnant's
/// `civil_from_days`, an independent calendar.
fn civil_from_days(days: i64) -> (i64, usize, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month as usize, day)
}

fn independent_timestamp(seconds: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (days, secs) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let weekday = WEEKDAYS[days.rem_euclid(7) as usize];
    format!(
        "{weekday} {} {day} {:02}:{:02}:{:02} UTC {year:04}",
        MONTHS[month - 1],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

proptest! {
    #[test]
    fn timestamp_matches_an_independent_calendar(seconds in -62_167_219_200i64..=253_402_300_799) {
        let timestamp = Timestamp::from_unix_seconds(seconds).expect("years 0 to 9999");
        let text = timestamp.to_string();
        prop_assert_eq!(&text, &independent_timestamp(seconds));
        prop_assert_eq!(text.parse::<Timestamp>().expect("round trip"), timestamp);
    }

    #[test]
    fn pad_hex_is_minimal_positive_twos_complement(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let padded = hazmat::pad_hex(&bytes);
        let value = BigUint::from_bytes_be(&bytes);
        prop_assert_eq!(BigInt::from_signed_bytes_be(&padded), BigInt::from(value.clone()));
        prop_assert_eq!(padded, pad(&value));
    }

    #[test]
    fn srp_a_is_minimal_hex_of_g_to_the_a(a in prop::collection::vec(any::<u8>(), 0..=128)) {
        let server = Server::new();
        let expected = server.g.modpow(&BigUint::from_bytes_be(&a), &server.n);
        let srp_a = hazmat::srp_a(&a).expect("fits");
        prop_assert_eq!(BigUint::from_bytes_be(&unhex(&srp_a)), expected.clone());
        prop_assert_eq!(srp_a, expected.to_str_radix(16));
    }

    #[test]
    fn no_challenge_parameters_make_a_parser_panic(
        srp_b in prop_oneof![any::<String>(), "[-0-9a-fA-FxX ]{0,800}"],
        salt in prop_oneof![any::<String>(), "-?[0-9a-fA-F_]{0,40}"],
        secret_block in prop_oneof![any::<String>(), "[A-Za-z0-9+/=_-]{0,40}"],
        name in any::<String>(),
    ) {
        let _ = PasswordVerifierChallenge::new(&srp_b, &salt, &secret_block, &name, &name);
        let _ = DevicePasswordVerifierChallenge::new(&srp_b, &salt, &secret_block, &name);
        let _ = UserPoolId::parse(&name);
        let _ = name.parse::<Timestamp>();
        let _ = hazmat::u(&srp_b, &srp_b);
        let _ = hazmat::x(&salt, &name, &name, name.as_bytes());
        let _ = hazmat::signature(&[0; 16], &name, &name, &secret_block, &name);
    }
}
