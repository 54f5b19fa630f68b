//! The README's Rust blocks, compiled and run as they are written there.
//!
//! The README is read raw (on GitHub, on the registry page), so its examples
//! are whole programs with no hidden lines. Each is copied below into a
//! module of its own, and `the_readme_shows_exactly_the_code_compiled_here`
//! fails when the two drift apart.

#[rustfmt::skip]
mod password_sign_in {
    use std::collections::HashMap;

    use cognito_srp_auth::{
        ClientSecret, Error, Password, PasswordVerifierChallenge, PrivateExponentSize, SecretHash,
        SrpEphemeral, Timestamp, UserPoolId,
    };

    pub fn main() -> Result<(), Error> {
        let pool = UserPoolId::parse("us-east-1_AbC123xyz")?;
        let client_id = "3n4b5urk1ft4fl3mg5e62d9ado";
        let client_secret = ClientSecret::from("the app client's secret");

        // 1. InitiateAuth(AuthFlow = USER_SRP_AUTH): USERNAME, SRP_A, SECRET_HASH.
        let ephemeral = SrpEphemeral::generate(&mut rand::rng(), PrivateExponentSize::default());
        let initiate = HashMap::from([
            ("USERNAME", "alice@example.com".to_owned()),
            ("SRP_A", ephemeral.srp_a().to_owned()),
            ("SECRET_HASH", SecretHash::new(&client_secret, "alice@example.com", client_id).as_str().to_owned()),
        ]);

        // 2. Cognito answers with ChallengeName = PASSWORD_VERIFIER and these parameters.
        let parameters = HashMap::from([
            ("SRP_B", "9c2bd3f5a2b1c1e1f0e0d0c0b0a09080706050403020100f0e0d0c0b0a0908"),
            ("SALT", "-16e462a84f2df159eee0c14642974ee7"),
            ("SECRET_BLOCK", "c2VjcmV0IGJsb2Nr"),
            ("USER_ID_FOR_SRP", "2c4f8a1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"),
            ("USERNAME", "2c4f8a1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"),
        ]);
        let challenge = PasswordVerifierChallenge::from_parameters(&parameters)?; // checks SRP_B, SALT, SECRET_BLOCK
        let claim = ephemeral
            .answer_password_verifier(&pool, &Password::from("correct horse"), &challenge)?
            .sign(Timestamp::now());

        // 3. RespondToAuthChallenge: the pool's USERNAME from the challenge, and
        //    SECRET_HASH over it (not over the alias the user typed).
        let secret_hash = SecretHash::new(&client_secret, challenge.username(), client_id);
        let responses = HashMap::from([
            ("USERNAME", challenge.username()),
            ("PASSWORD_CLAIM_SECRET_BLOCK", claim.secret_block()),
            ("PASSWORD_CLAIM_SIGNATURE", claim.signature()),
            ("TIMESTAMP", claim.timestamp()),
            ("SECRET_HASH", secret_hash.as_str()),
        ]);
        println!("InitiateAuth {:?} then RespondToAuthChallenge {:?}", initiate.keys(), responses.keys());
        Ok(())
    }
}

/// The README's async sign-in inside a spawned task: compiled (its `post`
/// is the caller's HTTP client, so it is not run).
#[cfg(feature = "json")]
#[rustfmt::skip]
#[allow(dead_code)]
mod spawned_sign_in {
    use std::sync::Arc;

    use cognito_srp_auth::flow::{self, Answer, AppClient, Interaction, JsonFileDeviceStore, Prompt, ServiceError, SignIn};
    use cognito_srp_auth::{Cancelled, Error, Password, Timestamp, UserPoolId};

    /// Waits for the code the browser posts; a mistyped one is refused and asked again.
    struct Browser(tokio::sync::mpsc::Receiver<String>);

    impl Interaction for Browser {
        async fn answer(&mut self, _prompt: &Prompt, _refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
            self.0.recv().await.map(Answer::Code).ok_or_else(|| Cancelled::new("the browser went away"))
        }
    }

    /// One request to Cognito through your async HTTP client: `POST` the body
    /// with `X-Amz-Target`, and give back the status and the response body.
    async fn post(request: flow::Request) -> Result<(u16, Vec<u8>), Error> {
        let (_target, _body) = (request.target(), request.body_json());
        Ok((500, Vec::new()))
    }

    async fn sign_in(codes: tokio::sync::mpsc::Receiver<String>) -> Result<(), Error> {
        let client = AppClient::new(UserPoolId::parse("us-east-1_AbC123")?, "3n4b5urk1ft4fl3mg5e62d9ado");
        let devices = Arc::new(JsonFileDeviceStore::new("devices.json"));
        let sign_in = SignIn::user_srp(client, "alice@example.com", Password::from("correct horse"))?
            .with_device_store(devices);
        let task = tokio::spawn(async move {
            let mut browser = Browser(codes);
            flow::drive_async(sign_in, post, &mut browser, Timestamp::now).await
        });
        let signed_in = task.await.expect("the task ran")?;
        println!("{} signed in; tokens expire at {:?}", signed_in.username(), signed_in.tokens().expires_at());
        Ok(())
    }
}

/// The fenced blocks of `lang` in a Markdown text, each as its lines.
fn fenced_blocks<'a>(markdown: &'a str, lang: &str) -> Vec<Vec<&'a str>> {
    let (mut blocks, mut open): (Vec<Vec<&str>>, Option<Vec<&str>>) = (Vec::new(), None);
    let opening = format!("```{lang}");
    for line in markdown.lines() {
        match open.as_mut() {
            None if line.trim_start() == opening => open = Some(Vec::new()),
            None => {}
            Some(_) if line.trim_start() == "```" => blocks.extend(open.take()),
            Some(block) => block.push(line),
        }
    }
    blocks
}

/// Lines without their common indentation or trailing spaces, blank lines kept.
fn dedented(lines: &[&str]) -> Vec<String> {
    let indent = lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min();
    lines.iter().map(|l| l.get(indent.unwrap_or(0)..).unwrap_or("").trim_end().to_owned()).collect()
}

/// Whether `block` appears, line for line, in `source` with one more level
/// of indentation per `main` and per module than the README has.
fn appears_in(block: &[&str], source: &str) -> bool {
    let wanted = dedented(block);
    let source: Vec<&str> = source.lines().collect();
    source.windows(wanted.len()).any(|window| dedented(window) == wanted)
}

#[test]
fn the_readme_shows_exactly_the_code_compiled_here() {
    let readme = include_str!("../README.md");
    let blocks = fenced_blocks(readme, "rust");
    assert!(!blocks.is_empty(), "the README has Rust examples");
    let here = include_str!("readme.rs").replace("    pub fn main()", "    fn main()");
    for block in &blocks {
        assert!(
            block.iter().all(|line| !line.trim_start().starts_with("# ")),
            "a README block has a hidden line, which shows raw on GitHub:\n{}",
            block.join("\n")
        );
        assert!(
            appears_in(block, &here),
            "this README block is not compiled in tests/readme.rs:\n{}",
            block.join("\n")
        );
    }
}

#[test]
fn the_password_sign_in_runs() {
    password_sign_in::main().expect("the README's example runs");
}

#[test]
fn the_block_matcher_notices_a_changed_line() {
    let source = "mod m {\n    fn main() {\n        let a = 1;\n    }\n}\n";
    assert!(appears_in(&["fn main() {", "    let a = 1;", "}"], source));
    assert!(!appears_in(&["fn main() {", "    let a = 2;", "}"], source));
    assert!(!appears_in(&["fn main() {", "let a = 1;", "}"], source), "indentation inside the block counts");
}
