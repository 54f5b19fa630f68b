//! Pausing at every kind of prompt and finishing in another process: the
//! paused form is written here, a second process (this test binary again,
//! running `resume_child`) resumes it and drives the sign-in to its tokens,
//! its requests relayed over stdin/stdout to the server that lives here.
//! Forms that are tampered with or belong elsewhere are refused.

#![cfg(feature = "server")]

mod world;

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use cognito_srp_auth::flow::{
    self, Answer, AppClient, Interaction, MfaType, PausedSignIn, Prompt, Request, Selection, ServiceError, SignIn, Step,
};
use cognito_srp_auth::server::{MfaConfiguration, PoolSettings, totp};
use cognito_srp_auth::{Cancelled, ClientSecret, Error, Password, Timestamp, UserPoolId};
use serde_json::{Value, json};
use world::{CUSTOM_ANSWER, PASSWORD, World};

/// Marks the child's protocol lines among the test harness's own output.
const MARK: &str = "@@resume@@ ";

/// Drives `sign_in` here until `wanted` says a prompt is the one to pause at.
fn until_prompt(world: &World, sign_in: &mut SignIn, mut answer: impl FnMut(&Prompt) -> Option<Answer>) -> Prompt {
    let mut rng = rand::rng();
    let mut request = sign_in.start(&mut rng).expect("starts");
    loop {
        let (status, body) = world.exchange(&request);
        match sign_in.receive(status, &body, world.now, &mut rng).expect("goes on") {
            Step::Send(next) => request = next,
            Step::Prompt(prompt) => match answer(&prompt) {
                Some(reply) => request = sign_in.answer(reply, &mut rng).expect("answered"),
                None => return prompt,
            },
            other => panic!("ended before the prompt: {other:?}"),
        }
    }
}

/// Finishes a paused sign-in in a second process; returns the pool username it signed in as.
fn finish_in_child(world: &World, pool: usize, paused: &PausedSignIn, answers: Value) -> String {
    let client = &world.pool(pool).client;
    let secret = world.secrets[pool].clone();
    let mut child = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["resume_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("RESUME_FORM", serde_json::to_string(paused).expect("serialises"))
        .env("RESUME_POOL", client.user_pool_id().as_str())
        .env("RESUME_CLIENT", client.client_id())
        .env("RESUME_SECRET", secret)
        .env("RESUME_NOW", world.now.unix_seconds().to_string())
        .env("RESUME_ANSWERS", answers.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the child starts");
    let mut input = child.stdin.take().expect("stdin");
    let output = BufReader::new(child.stdout.take().expect("stdout"));
    let mut signed_in_as = None;
    for line in output.lines() {
        let line = line.expect("a line");
        // The harness may have started the line ("test resume_child ... ").
        let Some(at) = line.find(MARK) else { continue };
        let message = &line[at + MARK.len()..];
        if let Some(request) = message.strip_prefix("REQUEST ") {
            let (target, body) = request.split_once('\t').expect("target and body");
            let mut service = world.service.lock().expect("not poisoned");
            let (status, reply) = service.handle(target, body.as_bytes(), world.now, &mut rand::rng());
            writeln!(input, "{status}\t{}", String::from_utf8(reply).expect("UTF-8")).expect("relayed");
            input.flush().expect("flushed");
        } else if let Some(name) = message.strip_prefix("DONE ") {
            signed_in_as = Some(name.to_owned());
        }
    }
    assert!(child.wait().expect("the child ends").success(), "the child failed");
    signed_in_as.expect("the child signed in")
}

/// The answers the child gives, in order.
struct Scripted {
    answers: VecDeque<Value>,
    now: Timestamp,
}

impl Interaction for Scripted {
    async fn answer(&mut self, prompt: &Prompt, refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
        if let Some(refusal) = refused {
            return Err(Cancelled::new(format!("refused: {refusal}")));
        }
        let next = self.answers.pop_front().ok_or_else(|| Cancelled::new(format!("no answer for {prompt:?}")))?;
        let text = |name: &str| next[name].as_str().map(str::to_owned);
        Ok(if let Some(code) = text("code") {
            Answer::Code(code)
        } else if next.get("totp_from_seed").is_some() {
            let Prompt::SoftwareTokenSecret { secret_code } = prompt else { return Err(Cancelled::new("no seed")) };
            Answer::Code(totp(secret_code.expose_secret(), self.now).ok_or_else(|| Cancelled::new("not Base32"))?)
        } else if next.get("set_up_software_token").is_some() {
            Answer::SetUpSoftwareToken
        } else if next.get("software_token").is_some() {
            Answer::MfaType(MfaType::SoftwareToken)
        } else if let Some(password) = text("password_srp") {
            Answer::Select(Selection::PasswordSrp(Password::from(password)))
        } else if let Some(custom) = text("custom") {
            Answer::Custom(custom)
        } else if let Some(password) = text("new_password") {
            Answer::NewPassword { password: Password::from(password), attributes: HashMap::new() }
        } else {
            return Err(Cancelled::new(format!("unscripted {next}")));
        })
    }
}

#[test]
#[ignore = "the second process of paused_sign_ins_finish_in_another_process, which runs it"]
fn resume_child() {
    let env = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by the parent"));
    let now = Timestamp::from_unix_seconds(env("RESUME_NOW").parse().expect("seconds")).expect("in range");
    let client = AppClient::new(UserPoolId::parse(&env("RESUME_POOL")).expect("valid"), env("RESUME_CLIENT"))
        .with_client_secret(ClientSecret::from(env("RESUME_SECRET")));
    let paused: PausedSignIn = serde_json::from_str(&env("RESUME_FORM")).expect("a paused sign-in");
    let sign_in = SignIn::resume(client, paused, now).expect("resumes");
    let answers: Vec<Value> = serde_json::from_str(&env("RESUME_ANSWERS")).expect("answers");
    let mut person = Scripted { answers: answers.into(), now };
    let stdin = std::io::stdin();
    let send = |request: &Request| {
        let mut out = std::io::stdout().lock();
        writeln!(out, "\n{MARK}REQUEST {}\t{}", request.target(), request.body_json()).expect("written");
        out.flush().expect("flushed");
        let mut line = String::new();
        stdin.lock().read_line(&mut line).expect("a reply");
        let (status, body) = line.trim_end().split_once('\t').expect("status and body");
        Ok((status.parse().expect("a status"), body.as_bytes().to_vec()))
    };
    let done = flow::drive(sign_in, send, &mut person, move || now).expect("finished");
    let mut out = std::io::stdout().lock();
    writeln!(out, "\n{MARK}DONE {}", done.username()).expect("written");
}

fn code(world: &World, pool: usize) -> Value {
    json!({"code": totp(&world.pool(pool).authenticator, world.now).expect("Base32")})
}

#[test]
fn paused_sign_ins_finish_in_another_process() {
    // SOFTWARE_TOKEN_MFA.
    let world = World::new(1);
    let mut sign_in = SignIn::user_srp(world.pool(0).client.clone(), "alice", Password::from(PASSWORD)).expect("valid");
    assert_eq!(until_prompt(&world, &mut sign_in, |_| None), Prompt::SoftwareTokenMfa);
    let paused = sign_in.pause(world.now).expect("paused");
    assert_eq!(finish_in_child(&world, 0, &paused, json!([code(&world, 0)])), "alice");

    // SELECT_MFA_TYPE, then the code.
    let world = World::new(1);
    world.service.lock().expect("lock").admin_set_user_mfa_preference(&world.pool(0).id, "alice", false, true);
    let mut sign_in =
        SignIn::user_srp(world.pool(0).client.clone(), "alice@example.com", Password::from(PASSWORD)).expect("valid");
    assert!(matches!(until_prompt(&world, &mut sign_in, |_| None), Prompt::SelectMfaType { .. }));
    let paused = sign_in.pause(world.now).expect("paused");
    let answers = json!([{"software_token": true}, code(&world, 0)]);
    assert_eq!(finish_in_child(&world, 0, &paused, answers), "alice");

    // SELECT_CHALLENGE (USER_AUTH), then SRP and the code, all in the child.
    let world = World::new(1);
    let mut sign_in = SignIn::user_auth(world.pool(0).client.clone(), "alice", None).expect("valid");
    assert!(matches!(until_prompt(&world, &mut sign_in, |_| None), Prompt::SelectChallenge { .. }));
    let paused = sign_in.pause(world.now).expect("paused");
    let answers = json!([{"password_srp": PASSWORD}, code(&world, 0)]);
    assert_eq!(finish_in_child(&world, 0, &paused, answers), "alice");

    // EMAIL_OTP (USER_AUTH preferring it): the code is in the outbox.
    let world = World::new(1);
    let mut sign_in =
        SignIn::user_auth(world.pool(0).client.clone(), "alice", Some(Selection::EmailOtp)).expect("valid");
    assert!(matches!(until_prompt(&world, &mut sign_in, |_| None), Prompt::EmailOtp { .. }));
    let paused = sign_in.pause(world.now).expect("paused");
    let sent = world.service.lock().expect("lock").take_outbox().pop().expect("a code was sent").code;
    assert_eq!(finish_in_child(&world, 0, &paused, json!([{"code": sent}])), "alice");

    // CUSTOM_CHALLENGE.
    let world = World::new(1);
    let mut sign_in =
        SignIn::custom_auth_with_srp(world.pool(0).client.clone(), "alice", Password::from(PASSWORD)).expect("valid");
    assert!(matches!(until_prompt(&world, &mut sign_in, |_| None), Prompt::CustomChallenge { .. }));
    let paused = sign_in.pause(world.now).expect("paused");
    assert_eq!(finish_in_child(&world, 0, &paused, json!([{"custom": CUSTOM_ANSWER}])), "alice");

    // NEW_PASSWORD_REQUIRED, for a user with a temporary password.
    let world = World::new(1);
    let pool = world.pool(0).id.clone();
    let mut rng = rand::rng();
    let temporary = Password::from("Temporary-1234");
    world
        .service
        .lock()
        .expect("lock")
        .admin_create_user(&pool, "bob", HashMap::new(), &temporary, false, &mut rng)
        .expect("bob");
    let mut sign_in = SignIn::user_srp(world.pool(0).client.clone(), "bob", temporary).expect("valid");
    assert!(matches!(until_prompt(&world, &mut sign_in, |_| None), Prompt::NewPasswordRequired { .. }));
    let paused = sign_in.pause(world.now).expect("paused");
    assert_eq!(finish_in_child(&world, 0, &paused, json!([{"new_password": "Permanent-5678"}])), "bob");

    // MFA_SETUP: paused before choosing, and paused while the seed is shown.
    let required = PoolSettings::with_devices_and_optional_mfa().with_mfa(MfaConfiguration::Required);
    for at_the_seed in [false, true] {
        let world = World::with_settings(1, required.clone());
        let pool = world.pool(0).id.clone();
        let mut rng = rand::rng();
        world
            .service
            .lock()
            .expect("lock")
            .admin_create_user(&pool, "carol", HashMap::new(), &Password::from(PASSWORD), true, &mut rng)
            .expect("carol");
        let mut sign_in =
            SignIn::user_srp(world.pool(0).client.clone(), "carol", Password::from(PASSWORD)).expect("valid");
        let prompt = until_prompt(&world, &mut sign_in, |prompt| {
            (at_the_seed && matches!(prompt, Prompt::MfaSetup { .. })).then_some(Answer::SetUpSoftwareToken)
        });
        let (paused, answers) = if at_the_seed {
            let Prompt::SoftwareTokenSecret { secret_code } = prompt else { panic!("{prompt:?}") };
            let paused = sign_in.pause(world.now).expect("paused");
            let written = serde_json::to_string(&paused).expect("serialises");
            assert!(!written.contains(secret_code.expose_secret()), "the seed is not written unless asked");
            assert_eq!(paused.prompt(), &Prompt::SoftwareTokenSetupCode);
            let with_seed =
                serde_json::to_string(&sign_in.pause_with_totp_seed(world.now).expect("paused")).expect("json");
            assert!(with_seed.contains(secret_code.expose_secret()), "written when asked");
            let code = totp(secret_code.expose_secret(), world.now).expect("Base32");
            (paused, json!([{"code": code}]))
        } else {
            assert!(matches!(prompt, Prompt::MfaSetup { .. }));
            (
                sign_in.pause(world.now).expect("paused"),
                json!([{"set_up_software_token": true}, {"totp_from_seed": true}]),
            )
        };
        assert_eq!(finish_in_child(&world, 0, &paused, answers), "carol", "paused at the seed: {at_the_seed}");
    }
}

/// A paused form at SOFTWARE_TOKEN_MFA, as JSON.
fn paused_form(world: &World) -> Value {
    let mut sign_in = SignIn::user_srp(world.pool(0).client.clone(), "alice", Password::from(PASSWORD)).expect("valid");
    let _ = until_prompt(world, &mut sign_in, |_| None);
    serde_json::to_value(sign_in.pause(world.now).expect("paused")).expect("serialises")
}

fn resume(form: &Value, client: AppClient, now: Timestamp) -> Result<SignIn, String> {
    let paused: PausedSignIn = serde_json::from_value(form.clone()).map_err(|e| e.to_string())?;
    SignIn::resume(client, paused, now).map_err(|e| {
        assert!(matches!(e, Error::ResumeRefused { .. }), "{e:?}");
        e.to_string()
    })
}

#[test]
fn tampered_or_foreign_paused_forms_are_refused() {
    let world = World::new(2);
    let form = paused_form(&world);
    let client = world.pool(0).client.clone();
    assert!(resume(&form, client.clone(), world.now).is_ok(), "the form as written resumes");

    let later = |seconds| Timestamp::from_unix_seconds(world.now.unix_seconds() + seconds).expect("in range");
    let refused =
        |form: &Value, client: AppClient, now: Timestamp| resume(form, client, now).map(drop).expect_err("refused");
    assert!(refused(&form, world.pool(1).client.clone(), world.now).contains("another user pool"));
    let other_client = AppClient::new(client.user_pool_id().clone(), "another-client-id");
    assert!(refused(&form, other_client, world.now).contains("another app client"));
    assert!(refused(&form, client.clone(), later(16 * 60)).contains("longer ago"));
    assert!(refused(&form, client.clone(), later(-5 * 60)).contains("future"));
    let mut tampered = form.clone();
    tampered["version"] = json!(2);
    assert!(refused(&tampered, client.clone(), world.now).contains("version"));
    let mut tampered = form.clone();
    tampered["prompt"] = json!({"RememberDevice": {"device_key": "k"}});
    assert!(refused(&tampered, client.clone(), world.now).contains("cannot be paused"));
    let mut tampered = form.clone();
    tampered["extra"] = json!("field");
    assert!(refused(&tampered, client.clone(), world.now).contains("unknown field"));
    let mut tampered = form.clone();
    tampered["username"] = json!("");
    assert!(refused(&tampered, client, world.now).contains("empty username"));
}
