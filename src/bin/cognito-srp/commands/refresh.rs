//! `refresh`: REFRESH_TOKEN_AUTH, as the remembered device when there is one.

use std::io::{IsTerminal, Read};
use std::path::Path;

use cognito_srp_auth::flow::{self, Answer, Interaction, Prompt, ServiceError, SignIn};
use cognito_srp_auth::{Cancelled, RefreshToken, Timestamp};
use zeroize::Zeroizing;

use crate::args::RefreshArgs;
use crate::commands::Session;
use crate::failure::Failure;
use crate::output;
use crate::terminal::Terminal;

/// Refreshes the tokens and prints the AuthenticationResult.
pub fn run(args: RefreshArgs) -> Result<(), Failure> {
    let Session { pool, client, exchange, devices, remembered } =
        Session::open(&args.client, &args.username, &args.endpoint, &args.devices)?;
    // SECRET_HASH goes over the pool username, which an alias is not.
    let pool_username = match &remembered {
        Some(remembered) => remembered.user.pool_username().to_owned(),
        None => devices.pool_username(&pool, &args.username)?,
    };
    let terminal = Terminal::new(false);
    let token = match (&args.refresh_token, &args.refresh_token_file) {
        (Some(token), _) => RefreshToken::from(token.as_str()),
        (None, Some(path)) => token_from_file(path)?,
        (None, None) if !std::io::stdin().is_terminal() => token_from_stdin()?,
        (None, None) => RefreshToken::from(terminal.secret("Refresh token:")?.as_str()),
    };
    let mut sign_in = SignIn::refresh(client, &pool_username, &token).map_err(Failure::from_error)?;
    if let Some(remembered) = &remembered {
        terminal.say(&format!("refreshing as the remembered device {}", remembered.device.device_key()));
    }
    if let Some(store) = devices.store() {
        sign_in = sign_in.with_device_store(store);
    }
    let signed_in =
        flow::drive(sign_in, |r| exchange.send(r), &mut NoPrompts, Timestamp::now).map_err(|e| exchange.failure(e))?;
    output::print(&output::authentication_result(signed_in.tokens(), None, Timestamp::now()));
    Ok(())
}

/// The token in a file: the file's text, or `AuthenticationResult.RefreshToken`
/// of the JSON `sign-in` printed.
fn token_from_file(path: &Path) -> Result<RefreshToken, Failure> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| Failure::Usage(format!("--refresh-token-file {}: {e}", path.display())))?,
    );
    token_from_text(&text, &path.display().to_string())
}

/// The token piped in, in either form a file may hold (`sign-in | refresh`).
fn token_from_stdin() -> Result<RefreshToken, Failure> {
    let mut text = Zeroizing::new(String::new());
    std::io::stdin().read_to_string(&mut text).map_err(|e| Failure::Usage(format!("standard input: {e}")))?;
    token_from_text(&text, "standard input")
}

/// The token in `text` from `source`: the text itself, or
/// `AuthenticationResult.RefreshToken` of the JSON `sign-in` printed.
fn token_from_text(text: &str, source: &str) -> Result<RefreshToken, Failure> {
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
        return json["AuthenticationResult"]["RefreshToken"]
            .as_str()
            .map(RefreshToken::from)
            .ok_or_else(|| Failure::Usage(format!("{source} is JSON without AuthenticationResult.RefreshToken")));
    }
    match text.trim() {
        "" => Err(Failure::Usage(format!("{source} is empty"))),
        token => Ok(RefreshToken::from(token)),
    }
}

/// A refresh asks nothing; a prompt means the server broke the protocol.
struct NoPrompts;

impl Interaction for NoPrompts {
    async fn answer(&mut self, prompt: &Prompt, _refused: Option<&ServiceError>) -> Result<Answer, Cancelled> {
        Err(Cancelled::new(format!("Cognito asked {prompt:?} in answer to REFRESH_TOKEN_AUTH")))
    }
}
