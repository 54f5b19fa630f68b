//! The public API's promises: every malformed challenge parameter is a typed
//! error naming it, draws are redone when they must be, secrets never show.

mod common;

use std::collections::HashMap;

use cognito_srp_auth::{
    Defect, DeviceCredentials, DevicePassword, DevicePasswordVerifierChallenge, Error, Password,
    PasswordVerifierChallenge, PrivateExponentSize, SrpEphemeral, Timestamp, UserPoolId, hazmat,
};
use common::ReplayRng;

/// N in hex.
const N_HEX: &str = "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff";

fn valid() -> HashMap<&'static str, String> {
    HashMap::from([
        ("SRP_B", "1a2b3c".to_owned()),
        ("SALT", "0ef9cba755bd775303b351be65d7b3b6".to_owned()),
        ("SECRET_BLOCK", "c2VjcmV0IGJsb2Nr".to_owned()),
        ("USER_ID_FOR_SRP", "2c4f8a1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b".to_owned()),
        ("USERNAME", "2c4f8a1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b".to_owned()),
    ])
}

fn with(name: &'static str, value: &str) -> Result<PasswordVerifierChallenge, Error> {
    let mut parameters = valid();
    parameters.insert(name, value.to_owned());
    PasswordVerifierChallenge::from_parameters(&parameters)
}

fn invalid(name: &'static str, defect: Defect) -> Result<(), Error> {
    Err(Error::InvalidParameter { name, defect })
}

#[test]
fn a_valid_challenge_is_accepted() {
    let challenge = PasswordVerifierChallenge::from_parameters(&valid()).expect("valid");
    assert_eq!(challenge.user_id_for_srp(), "2c4f8a1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b");
}

#[test]
fn every_missing_parameter_is_named() {
    for name in ["SRP_B", "SALT", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"] {
        let mut parameters = valid();
        parameters.remove(name);
        assert_eq!(
            PasswordVerifierChallenge::from_parameters(&parameters).map(drop),
            Err(Error::MissingParameter { name })
        );
    }
    let mut device = valid();
    device.remove("USER_ID_FOR_SRP");
    assert!(DevicePasswordVerifierChallenge::from_parameters(&device).is_ok(), "devices need no USER_ID_FOR_SRP");
    device.remove("USERNAME");
    assert_eq!(
        DevicePasswordVerifierChallenge::from_parameters(&device).map(drop),
        Err(Error::MissingParameter { name: "USERNAME" })
    );
}

#[test]
fn srp_b_must_be_bare_hex_in_range() {
    for (value, defect) in [
        ("", Defect::Empty),
        ("0x1a2b", Defect::NotHex),
        ("-1a2b", Defect::NotHex),
        ("+1a2b", Defect::NotHex),
        ("1a2g", Defect::NotHex),
        (" 1a2b", Defect::NotHex),
        ("1a2b\n", Defect::NotHex),
        ("0", Defect::ZeroModN),
        ("000", Defect::ZeroModN),
        (N_HEX, Defect::ZeroModN),
    ] {
        assert_eq!(with("SRP_B", value).map(drop), invalid("SRP_B", defect), "{value:?}");
    }
    let n_minus_15 = format!("{}0", &N_HEX[..N_HEX.len() - 1]);
    assert_eq!(with("SRP_B", &n_minus_15).map(drop), Ok(()), "N - 15 is fine");
    let above = format!("{N_HEX}0");
    assert_eq!(with("SRP_B", &above).map(drop), invalid("SRP_B", Defect::ZeroModN), "16 N");
    let above = format!("1{N_HEX}");
    assert_eq!(with("SRP_B", &above).map(drop), invalid("SRP_B", Defect::NotBelowN));
    assert_eq!(with("SRP_B", "1A2B3C").map(drop), Ok(()), "upper case hex is hex");
}

#[test]
fn salt_must_be_a_hex_number() {
    for (value, defect) in
        [("", Defect::Empty), ("-", Defect::NotHex), ("zz40", Defect::NotHex), ("0x40", Defect::NotHex)]
    {
        assert_eq!(with("SALT", value).map(drop), invalid("SALT", defect), "{value:?}");
    }
    assert_eq!(with("SALT", "-16e462a84f2df159eee0c14642974ee7").map(drop), Ok(()), "Cognito has sent negative salts");
}

#[test]
fn secret_block_must_be_strict_standard_base64() {
    for value in ["not base64!!", "rUcoGg", "YQ==WuOkVNIa", "-_-_b3gaJ6x8", "c2VjcmV0 IGJsb2Nr", "c2VjcmV0IGJsb2Nr=="] {
        assert_eq!(with("SECRET_BLOCK", value).map(drop), invalid("SECRET_BLOCK", Defect::NotBase64), "{value:?}");
    }
    assert_eq!(with("SECRET_BLOCK", "").map(drop), invalid("SECRET_BLOCK", Defect::Empty));
}

#[test]
fn user_ids_must_not_be_empty() {
    assert_eq!(with("USER_ID_FOR_SRP", "").map(drop), invalid("USER_ID_FOR_SRP", Defect::Empty));
    assert_eq!(with("USERNAME", "").map(drop), invalid("USERNAME", Defect::Empty));
}

#[test]
fn errors_name_the_parameter_and_never_print_its_value() {
    let error = with("SRP_B", "0xsecretish").expect_err("refused");
    assert_eq!(error.to_string(), "SRP_B is not a hex number");
    let error = with("SALT", "").expect_err("refused");
    assert_eq!(error.to_string(), "SALT is empty");
    let mut parameters = valid();
    parameters.remove("SECRET_BLOCK");
    let error = PasswordVerifierChallenge::from_parameters(&parameters).expect_err("refused");
    assert_eq!(error.to_string(), "challenge parameter SECRET_BLOCK is missing");
}

#[test]
fn an_all_zero_private_exponent_is_drawn_again() {
    // a = 0 gives SRP_A = 1; the draw is discarded and the next one used.
    let mut second = vec![0u8; 31];
    second.push(7);
    let mut rng = ReplayRng::new(vec![0u8; 32].into_iter().chain(second.clone()));
    let ephemeral = SrpEphemeral::generate(&mut rng, PrivateExponentSize::Bits256);
    assert_eq!(ephemeral.srp_a(), "80", "g^7 = 0x80");
    assert_eq!(ephemeral.srp_a(), hazmat::srp_a(&second).expect("fits"));
    assert_eq!(rng.remaining(), 0);
}

#[test]
fn exponent_sizes_draw_32_and_128_bytes() {
    let mut rng = ReplayRng::new([0x5a; 160]);
    let _ = SrpEphemeral::generate(&mut rng, PrivateExponentSize::Bits256);
    assert_eq!(rng.remaining(), 128);
    let _ = SrpEphemeral::generate(&mut rng, PrivateExponentSize::Bits1024);
    assert_eq!(rng.remaining(), 0);
    assert_eq!(PrivateExponentSize::default(), PrivateExponentSize::Bits256);
}

#[test]
fn a_claim_can_be_signed_again_later() {
    let challenge = PasswordVerifierChallenge::from_parameters(&valid()).expect("valid");
    let pool = UserPoolId::parse("us-east-1_AbC").expect("valid");
    let signer = SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::Bits256)
        .answer_password_verifier(&pool, &Password::from("pw"), &challenge)
        .expect("claim");
    let first = signer.sign(Timestamp::from_unix_seconds(1_700_000_000).expect("in range"));
    let again = signer.sign(Timestamp::from_unix_seconds(1_700_000_000).expect("in range"));
    let later = signer.sign(Timestamp::from_unix_seconds(1_700_000_001).expect("in range"));
    assert_eq!(first, again, "same key, same instant");
    assert_ne!(first.signature(), later.signature(), "the timestamp is signed");
}

#[test]
fn debug_output_redacts_every_secret() {
    let mut rng = ReplayRng::new([0x42; 32 + 40 + 16]);
    let ephemeral = SrpEphemeral::generate(&mut rng, PrivateExponentSize::Bits256);
    let (device, config) = DeviceCredentials::generate(&mut rng, "us-east-1_dev", "group");
    let password = device.device_password().expose_secret().to_owned();
    let challenge = PasswordVerifierChallenge::from_parameters(&valid()).expect("valid");
    let pool = UserPoolId::parse("us-east-1_AbC").expect("valid");
    let shown_ephemeral = format!("{ephemeral:?}");
    let signer = ephemeral.answer_password_verifier(&pool, &Password::from("hunter2"), &challenge).expect("claim");
    let shown = format!("{shown_ephemeral} {signer:?} {device:?} {config:?} {:?}", DevicePassword::from("hunter2"));
    for secret in ["hunter2", password.as_str(), "424242"] {
        assert!(!shown.contains(secret), "{secret} shown in {shown}");
    }
    assert!(shown.contains("<redacted>"));
}

#[cfg(feature = "serde")]
#[test]
fn device_credentials_round_trip_through_serde() {
    let mut rng = ReplayRng::new([7u8; 56]);
    let (device, config) = DeviceCredentials::generate(&mut rng, "us-east-1_0a1b", "-khvS3rfgp");
    let json = serde_json::to_string(&device).expect("serializes");
    assert!(json.contains("\"DeviceKey\":\"us-east-1_0a1b\""), "{json}");
    let back: DeviceCredentials = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, device);
    let json = serde_json::to_value(&config).expect("serializes");
    assert_eq!(json["PasswordVerifier"], config.password_verifier());
    assert_eq!(json["Salt"], config.salt());
}
