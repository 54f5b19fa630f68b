//! Computes a PASSWORD_VERIFIER answer step by step from one of the reference
//! vectors and checks it against the signature AWS's JavaScript client made.
//!
//! `cargo run --example claim_from_vector [CASE-NAME]`

use std::collections::HashMap;
use std::error::Error;
use std::{env, fs};

use cognito_srp_auth::{Password, PasswordVerifierChallenge, PrivateExponentSize, SrpEphemeral, Timestamp, UserPoolId};
use rand_core::{Infallible, TryCryptoRng, TryRng};
use serde_json::Value;

/// Hands out the vector's private `a` as the "random" bytes, as the reference did.
struct Replay(Vec<u8>);

impl TryRng for Replay {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut word = [0; 4];
        self.try_fill_bytes(&mut word)?;
        Ok(u32::from_be_bytes(word))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut word = [0; 8];
        self.try_fill_bytes(&mut word)?;
        Ok(u64::from_be_bytes(word))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        let rest = self.0.split_off(dst.len().min(self.0.len()));
        assert_eq!(self.0.len(), dst.len(), "more bytes asked for than the vector holds");
        dst.copy_from_slice(&self.0);
        self.0 = rest;
        Ok(())
    }
}

impl TryCryptoRng for Replay {}

fn main() -> Result<(), Box<dyn Error>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/user_password_claim.json");
    let vectors: Value = serde_json::from_str(&fs::read_to_string(path)?)?;
    let wanted = env::args().nth(1);
    let case = vectors["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| wanted.as_deref().is_none_or(|w| c["name"] == w)))
        .ok_or("no such case")?;
    let field = |name: &str| case[name].as_str().unwrap_or_default();
    println!("case             {}", field("name"));

    let pool = UserPoolId::parse(field("pool_id"))?;
    let a = format!("{:0>256}", field("a"));
    let a: Vec<u8> = (0..256).step_by(2).map(|i| u8::from_str_radix(&a[i..i + 2], 16)).collect::<Result<_, _>>()?;
    let ephemeral = SrpEphemeral::generate(&mut Replay(a), PrivateExponentSize::Bits1024);
    println!("InitiateAuth     USER_SRP_AUTH  USERNAME={}  SRP_A={}…", field("username"), &ephemeral.srp_a()[..32]);

    let parameters: HashMap<&str, &str> = HashMap::from([
        ("SRP_B", field("srp_b")),
        ("SALT", field("salt")),
        ("SECRET_BLOCK", field("secret_block")),
        ("USER_ID_FOR_SRP", field("user_id_for_srp")),
        ("USERNAME", field("user_id_for_srp")),
    ]);
    let challenge = PasswordVerifierChallenge::from_parameters(&parameters)?;
    println!(
        "challenge        PASSWORD_VERIFIER  USER_ID_FOR_SRP={}  SALT={}",
        challenge.user_id_for_srp(),
        field("salt")
    );

    let signer = ephemeral.answer_password_verifier(&pool, &Password::from(field("password")), &challenge)?;
    let claim = signer.sign(field("timestamp").parse::<Timestamp>()?);
    println!("RespondToAuthChallenge PASSWORD_VERIFIER");
    println!("  TIMESTAMP                 {}", claim.timestamp());
    println!("  PASSWORD_CLAIM_SIGNATURE  {}", claim.signature());
    println!("  reference signature       {}", field("signature"));
    if claim.signature() != field("signature") {
        return Err("signature differs from the reference client's".into());
    }
    println!("matches the reference client");
    Ok(())
}
