//! Known-answer vectors from the reference clients (see `vectors/README.md`).
//!
//! Every `*.json` file under `vectors/` is loaded and dispatched on its
//! `kind`; a new file is checked without touching this code. An unknown kind
//! or an empty file fails, and every failing case is reported by name.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use cognito_srp_auth::{
    DeviceCredentials, DevicePassword, DevicePasswordVerifierChallenge, Error, Password, PasswordVerifierChallenge,
    PrivateExponentSize, SecretHash, SrpEphemeral, Timestamp, UserPoolId, hazmat,
};
use common::{ReplayRng, hex, minimal_hex, private_a_bytes, unhex};
use serde_json::Value;

type Case = serde_json::Map<String, Value>;
type Outcome = Result<(), String>;

fn field<'a>(case: &'a Case, name: &str) -> Result<&'a str, String> {
    case.get(name).and_then(Value::as_str).ok_or_else(|| format!("field {name} missing"))
}

fn expect_eq(what: &str, got: impl AsRef<str>, want: &str) -> Outcome {
    if got.as_ref() == want { Ok(()) } else { Err(format!("{what}: got {}, want {want}", got.as_ref())) }
}

fn fail(e: Error) -> String {
    format!("unexpected error: {e}")
}

fn check_srp_a(case: &Case) -> Outcome {
    let mut rng = ReplayRng::new(private_a_bytes(field(case, "a")?));
    let ephemeral = SrpEphemeral::generate(&mut rng, PrivateExponentSize::Bits1024);
    expect_eq("srp_a", ephemeral.srp_a(), field(case, "srp_a")?)?;
    expect_eq("srp_a (hazmat)", hazmat::srp_a(&unhex(field(case, "a")?)).map_err(fail)?, field(case, "srp_a")?)
}

fn check_timestamp(case: &Case) -> Outcome {
    let seconds = case.get("unix_seconds").and_then(Value::as_i64).ok_or("field unix_seconds missing")?;
    let want = field(case, "timestamp")?;
    let timestamp = Timestamp::from_unix_seconds(seconds).ok_or("instant out of range")?;
    expect_eq("timestamp", timestamp.to_string(), want)?;
    let parsed: Timestamp = want.parse().map_err(fail)?;
    expect_eq("parsed back", parsed.unix_seconds().to_string(), &seconds.to_string())
}

fn check_secret_hash(case: &Case) -> Outcome {
    let hash =
        SecretHash::new(&field(case, "client_secret")?.into(), field(case, "username")?, field(case, "client_id")?);
    expect_eq("secret_hash", hash.as_str(), field(case, "secret_hash")?)
}

fn check_device_verifier(case: &Case) -> Outcome {
    let mut rng = ReplayRng::new(
        unhex(field(case, "random_password_bytes")?).into_iter().chain(unhex(field(case, "salt_bytes")?)),
    );
    let (device, config) =
        DeviceCredentials::generate(&mut rng, field(case, "device_key")?, field(case, "device_group_key")?);
    expect_eq("device_password", device.device_password().expose_secret(), field(case, "device_password")?)?;
    expect_eq("password_verifier", config.password_verifier(), field(case, "password_verifier")?)?;
    expect_eq("salt", config.salt(), field(case, "salt")?)?;
    expect_eq("random bytes left", rng.remaining().to_string(), "0")
}

/// The identity a claim is made for: (prefix, id, password).
fn identity(case: &Case, device: bool) -> Result<(String, String, String), String> {
    if device {
        Ok((
            field(case, "device_group_key")?.into(),
            field(case, "device_key")?.into(),
            field(case, "device_password")?.into(),
        ))
    } else {
        let pool = UserPoolId::parse(field(case, "pool_id")?).map_err(fail)?;
        Ok((pool.pool_name().into(), field(case, "user_id_for_srp")?.into(), field(case, "password")?.into()))
    }
}

/// Pins every intermediate value through `hazmat`, step by step.
fn check_claim_steps(case: &Case, device: bool) -> Outcome {
    let (prefix, id, password) = identity(case, device)?;
    let (srp_a, srp_b) = (field(case, "srp_a")?, field(case, "srp_b")?);
    if let Some(k) = case.get("k").and_then(Value::as_str) {
        expect_eq("k", minimal_hex(&hazmat::k()), k)?;
    }
    expect_eq("srp_a", hazmat::srp_a(&unhex(field(case, "a")?)).map_err(fail)?, srp_a)?;
    let u = hazmat::u(srp_a, srp_b).map_err(fail)?;
    expect_eq("u", minimal_hex(&u), field(case, "u")?)?;
    let x = hazmat::x(field(case, "salt")?, &prefix, &id, password.as_bytes()).map_err(fail)?;
    expect_eq("x", minimal_hex(&x), field(case, "x")?)?;
    let s = hazmat::s(&unhex(field(case, "a")?), srp_b, &x, &u).map_err(fail)?;
    expect_eq("s", minimal_hex(&s), field(case, "s")?)?;
    let key = hazmat::derive_key(&s, &u).map_err(fail)?;
    expect_eq("hkdf_key", hex(&key), field(case, "hkdf_key")?)?;
    let signature =
        hazmat::signature(&key, &prefix, &id, field(case, "secret_block")?, field(case, "timestamp")?).map_err(fail)?;
    expect_eq("signature", signature, field(case, "signature")?)
}

/// The challenge parameters Cognito would send for this case.
fn challenge_parameters(case: &Case, device: bool) -> Result<HashMap<&'static str, String>, String> {
    let mut parameters = HashMap::new();
    for (wire, name) in [("SRP_B", "srp_b"), ("SALT", "salt"), ("SECRET_BLOCK", "secret_block")] {
        parameters.insert(wire, field(case, name)?.to_owned());
    }
    if device {
        parameters.insert("USERNAME", "device-owner".to_owned());
    } else {
        parameters.insert("USER_ID_FOR_SRP", field(case, "user_id_for_srp")?.to_owned());
        parameters.insert("USERNAME", field(case, "username")?.to_owned());
    }
    Ok(parameters)
}

/// Runs the sign-in API a client uses, from SRP_A to the signed claim.
fn sign_claim(case: &Case, device: bool) -> Result<(String, String), Error> {
    let field = |name| case.get(name).and_then(Value::as_str).unwrap_or_default();
    let parameters = challenge_parameters(case, device).map_err(|_| Error::MissingParameter { name: "case" })?;
    let mut rng = ReplayRng::new(private_a_bytes(field("a")));
    let ephemeral = SrpEphemeral::generate(&mut rng, PrivateExponentSize::Bits1024);
    let srp_a = ephemeral.srp_a().to_owned();
    let signer = if device {
        let device = DeviceCredentials::new(
            field("device_key"),
            field("device_group_key"),
            DevicePassword::from(field("device_password")),
        );
        ephemeral
            .answer_device_password_verifier(&device, &DevicePasswordVerifierChallenge::from_parameters(&parameters)?)?
    } else {
        let pool = UserPoolId::parse(field("pool_id"))?;
        let challenge = PasswordVerifierChallenge::from_parameters(&parameters)?;
        ephemeral.answer_password_verifier(&pool, &Password::from(field("password")), &challenge)?
    };
    let timestamp: Timestamp = field("timestamp").parse()?;
    let claim = signer.sign(timestamp);
    assert_eq!(claim.secret_block(), field("secret_block"), "the secret block is echoed unchanged");
    assert_eq!(claim.timestamp(), field("timestamp"));
    Ok((srp_a, claim.signature().to_owned()))
}

fn check_claim(case: &Case, device: bool) -> Outcome {
    check_claim_steps(case, device)?;
    let (srp_a, signature) = sign_claim(case, device).map_err(fail)?;
    expect_eq("srp_a (sign-in)", srp_a, field(case, "srp_a")?)?;
    expect_eq("signature (sign-in)", signature, field(case, "signature")?)
}

/// Every invalid input must be refused, with an error that names the broken
/// parameter. The one `should` case (SRP_B ≥ N but not ≡ 0) is refused too:
/// a conforming server always sends B < N.
fn check_invalid_input(case: &Case) -> Outcome {
    let inputs = case.get("inputs").and_then(Value::as_object).ok_or("inputs missing")?;
    let device = match field(case, "applies_to")? {
        "user_password_claim" => false,
        "device_password_claim" => true,
        other => return Err(format!("unknown applies_to {other}")),
    };
    let wire_name = field(case, "field")?.to_ascii_uppercase();
    match sign_claim(inputs, device) {
        Ok(_) => Err(format!("accepted an invalid {wire_name}")),
        Err(Error::InvalidParameter { name, .. }) if name == wire_name => Ok(()),
        Err(other) => Err(format!("refused, but for the wrong reason: {other}")),
    }
}

fn check_case(kind: &str, case: &Case) -> Outcome {
    match kind {
        "srp_a" => check_srp_a(case),
        "timestamp" => check_timestamp(case),
        "secret_hash" => check_secret_hash(case),
        "device_verifier" => check_device_verifier(case),
        "user_password_claim" => check_claim(case, false),
        "device_password_claim" => check_claim(case, true),
        "invalid_input" => check_invalid_input(case),
        other => Err(format!("unknown vector kind {other:?}")),
    }
}

#[test]
fn every_vector_file_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("vectors/ exists")
        .map(|entry| entry.expect("readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files in {}", dir.display());

    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &files {
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        let text = fs::read_to_string(path).expect("readable");
        let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: not JSON: {e}"));
        let kind = json["kind"].as_str().unwrap_or_else(|| panic!("{file}: no kind"));
        let cases = json["cases"].as_array().unwrap_or_else(|| panic!("{file}: no cases"));
        if cases.is_empty() {
            failures.push(format!("{file}: no cases"));
        }
        for (index, case) in cases.iter().enumerate() {
            let case = case.as_object().unwrap_or_else(|| panic!("{file}: case {index} is not an object"));
            let name = case.get("name").and_then(Value::as_str).unwrap_or("<unnamed>");
            // Every Montgomery kernel this CPU runs computes every vector.
            for kernel in cognito_srp_auth::bench_api::kernels() {
                if let Err(why) = kernel.run(|| check_case(kind, case)) {
                    failures.push(format!("{file} #{index} {name} ({} kernel): {why}", kernel.name()));
                }
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {checked} vectors failed:\n{}", failures.len(), failures.join("\n"));
    let kernels: Vec<_> = cognito_srp_auth::bench_api::kernels().iter().map(|k| k.name()).collect();
    eprintln!("{checked} vectors from {} files passed on kernels {}", files.len(), kernels.join(", "));
}
