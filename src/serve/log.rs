//! The request log: one line a request, from named fields only, so that no
//! password, SRP value, signature, session, code or token can reach it.

use std::collections::HashMap;

use serde_json::Value;

use crate::server::Service;
use crate::timestamp::Timestamp;

/// The longest value written for one field.
const MAX_FIELD: usize = 128;

/// A value fit for one log field: printable ASCII without spaces or quotes
/// (anything else becomes `?`), at most [`MAX_FIELD`] characters, so a
/// client cannot forge log lines.
pub(super) fn clean(value: &str) -> String {
    value.chars().take(MAX_FIELD).map(|c| if c.is_ascii_graphic() && c != '"' { c } else { '?' }).collect()
}

/// The same for a free-text reason: spaces kept.
fn clean_text(value: &str) -> String {
    value.chars().take(2 * MAX_FIELD).map(|c| if c == ' ' || c.is_ascii_graphic() { c } else { '?' }).collect()
}

/// A request refused before it reached the service.
pub(super) fn refused_line(operation: &str, reason: &str) -> String {
    format!("{} outcome=refused reason=\"{}\"", clean(operation), clean_text(reason))
}

/// The line for an operation the service answered: what was asked (flow,
/// challenge, app client by its configured name, user) and what came back.
pub(super) fn line(
    operation: &str,
    request: &[u8],
    response: &[u8],
    client_names: &HashMap<String, String>,
    service: &Service,
    now: Timestamp,
) -> String {
    let request: Value = serde_json::from_slice(request).unwrap_or(Value::Null);
    let response: Value = serde_json::from_slice(response).unwrap_or(Value::Null);
    let mut fields = vec![clean(operation)];
    let text = |value: &Value| value.as_str().map(clean);
    if let Some(flow) = text(&request["AuthFlow"]) {
        fields.push(format!("flow={flow}"));
    }
    if let Some(challenge) = text(&request["ChallengeName"]) {
        fields.push(format!("challenge={challenge}"));
    }
    if let Some(id) = request["ClientId"].as_str() {
        let name = client_names.get(id).map_or_else(|| format!("unknown:{}", clean(id)), |n| clean(n));
        fields.push(format!("client={name}"));
    }
    if let Some(user) = user(&request, service, now) {
        fields.push(format!("user={user}"));
    }
    fields.push(outcome(&response));
    fields.join(" ")
}

/// Who the request speaks for: the USERNAME it names, or the owner of the
/// access token it carries (the token itself is never written).
fn user(request: &Value, service: &Service, now: Timestamp) -> Option<String> {
    let named =
        [&request["AuthParameters"]["USERNAME"], &request["ChallengeResponses"]["USERNAME"], &request["Username"]];
    if let Some(name) = named.iter().find_map(|v| v.as_str()) {
        return Some(clean(name));
    }
    let token = request["AccessToken"].as_str()?;
    let claims = service.verify_token(token, now)?;
    claims["username"].as_str().map(clean)
}

/// What came back: the next challenge, tokens, a refusal with its reason, or `ok`.
fn outcome(response: &Value) -> String {
    if let Some(kind) = response["__type"].as_str() {
        let message = response["message"].as_str().unwrap_or_default();
        return format!("outcome=refused reason=\"{}: {}\"", clean(kind), clean_text(message));
    }
    if let Some(challenge) = response["ChallengeName"].as_str() {
        return format!("outcome=challenge:{}", clean(challenge));
    }
    let result = &response["AuthenticationResult"];
    if result.is_object() {
        let device = if result["NewDeviceMetadata"].is_object() { " new_device" } else { "" };
        return format!("outcome=tokens{device}");
    }
    "outcome=ok".to_owned()
}
