use super::*;

const ONE_POOL: &str = r#"{"pool_id": "us-east-1_Test123", "device_tracking": true,
    "clients": [{"name": "public", "client_id": "publicclient1"},
                {"name": "confidential", "client_id": "secretclient1", "client_secret": "the-client-secret"}],
    "users": [{"username": "alice", "password": "Alice-Passw0rd!", "email": "alice@example.com"}]}"#;

fn cognito(text: &str) -> LocalCognito {
    LocalCognito::from_config(&Config::from_json(text).expect("parses"), &mut rand::rng()).expect("provisions")
}

fn post<'a>(target: &'a str, body: &'a [u8]) -> HttpRequest<'a> {
    HttpRequest {
        method: "POST",
        path: "/",
        target: Some(target),
        content_type: Some("application/x-amz-json-1.1"),
        body,
    }
}

fn answer(cognito: &mut LocalCognito, request: &HttpRequest<'_>) -> (HttpResponse, Option<String>) {
    cognito.answer(request, Timestamp::now(), &mut rand::rng())
}

#[test]
fn a_config_is_one_pool_a_list_of_pools_or_an_object_with_pools() {
    let list = format!("[{ONE_POOL}, {}]", ONE_POOL.replace("Test123", "Other1").replace("client1", "client2"));
    let wrapped = format!(r#"{{"pools": {list}}}"#);
    for (text, pools) in [(ONE_POOL.to_owned(), 1), (list, 2), (wrapped, 2)] {
        assert_eq!(Config::from_json(&text).expect("parses").pools.len(), pools, "{text}");
    }
}

#[test]
fn a_misspelt_member_is_refused_and_the_reason_shows_no_value() {
    let typo = r#"{"pool_id": "us-east-1_Test123", "users": [{"username": "a", "pasword": "Secret-Value-1"}]}"#;
    let error = Config::from_json(typo).expect_err("refused");
    assert!(matches!(error, ConfigError::Syntax(_)));
    assert!(!error.to_string().contains("Secret-Value-1"), "{error}");
    assert!(matches!(Config::from_json("[]"), Err(ConfigError::Invalid(_))));
    assert!(matches!(Config::from_json("{"), Err(ConfigError::Syntax(_))));
}

#[test]
fn provisioning_refuses_a_bad_pool_id_a_client_given_twice_and_a_bad_salt() {
    let provision = |text: &str| LocalCognito::from_config(&Config::from_json(text).expect("parses"), &mut rand::rng());
    assert!(matches!(provision(r#"{"pool_id": "no-underscore"}"#), Err(ConfigError::Invalid(_))));
    let twice = format!("[{ONE_POOL}, {}]", ONE_POOL.replace("Test123", "Other1"));
    assert!(matches!(provision(&twice), Err(ConfigError::Invalid(_))));
    let bad_salt = r#"{"pool_id": "us-east-1_S1", "users": [{"username": "a", "password": "p", "salt_hex": "-zz"}]}"#;
    assert!(matches!(provision(bad_salt), Err(ConfigError::Invalid(_))));
}

#[test]
fn options_is_a_preflight_and_other_paths_and_methods_are_refused() {
    let mut cognito = cognito(ONE_POOL);
    let request = |method, path| HttpRequest { method, path, target: None, content_type: None, body: b"" };
    assert_eq!(answer(&mut cognito, &request("OPTIONS", "/")).0.status, 204);
    let (get, _) = answer(&mut cognito, &request("GET", "/"));
    assert_eq!((get.status, get.allow), (405, Some("POST, OPTIONS")));
    assert_eq!(answer(&mut cognito, &request("POST", "/elsewhere")).0.status, 404);
    let (outbox, _) = answer(&mut cognito, &request("GET", OUTBOX_PATH));
    assert_eq!(outbox.status, 200);
    assert_eq!(serde_json::from_slice::<Value>(&outbox.body).expect("JSON"), json!({"Messages": []}));
}

#[test]
fn an_operation_needs_the_target_prefix_and_the_amz_json_content_type() {
    let mut cognito = cognito(ONE_POOL);
    let body = br#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"publicclient1","AuthParameters":{}}"#;
    let (response, _) = answer(&mut cognito, &post("InitiateAuth", body));
    assert_eq!((response.status, response.error_type.as_deref()), (400, Some("UnknownOperationException")));
    let mut request = post("AWSCognitoIdentityProviderService.InitiateAuth", body);
    request.content_type = Some("application/json");
    let (response, _) = answer(&mut cognito, &request);
    assert_eq!((response.status, response.error_type.as_deref()), (400, Some("SerializationException")));
    request.content_type = Some("application/x-amz-json-1.1; charset=utf-8");
    let (response, line) = answer(&mut cognito, &request);
    assert_eq!(response.error_type.as_deref(), Some("InvalidParameterException"), "no SRP_A");
    assert_eq!(
        line.as_deref(),
        Some(
            "InitiateAuth flow=USER_SRP_AUTH client=public outcome=refused \
             reason=\"InvalidParameterException: Missing required parameter USERNAME\""
        )
    );
}

#[test]
fn the_log_line_names_the_client_user_and_outcome_and_no_secret() {
    let mut cognito = cognito(ONE_POOL);
    let body = br#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"publicclient1",
        "AuthParameters":{"USERNAME":"alice","PASSWORD":"Alice-Passw0rd!"}}"#;
    let (response, line) = answer(&mut cognito, &post("AWSCognitoIdentityProviderService.InitiateAuth", body));
    assert_eq!(response.status, 200);
    let line = line.expect("logged");
    assert_eq!(line, "InitiateAuth flow=USER_PASSWORD_AUTH client=public user=alice outcome=tokens new_device");
    let tokens: Value = serde_json::from_slice(&response.body).expect("JSON");
    let access = tokens["AuthenticationResult"]["AccessToken"].as_str().expect("a token");
    let get_user = format!(r#"{{"AccessToken":"{access}"}}"#);
    let (_, line) = answer(&mut cognito, &post("AWSCognitoIdentityProviderService.GetUser", get_user.as_bytes()));
    let line = line.expect("logged");
    assert_eq!(line, "GetUser user=alice outcome=ok", "the owner of the token, not the token");
}

#[test]
fn a_forged_value_cannot_break_the_log_line() {
    assert_eq!(log::clean("alice\nGetUser outcome=ok"), "alice?GetUser?outcome=ok");
    assert_eq!(log::clean(&"x".repeat(500)).len(), 128);
    assert_eq!(log::clean("quote\"d"), "quote?d");
}

#[test]
fn an_unknown_client_is_logged_by_its_id_and_refused() {
    let mut cognito = cognito(ONE_POOL);
    let body = br#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"nope","AuthParameters":{"USERNAME":"bob"}}"#;
    let (response, line) = answer(&mut cognito, &post("AWSCognitoIdentityProviderService.InitiateAuth", body));
    assert_eq!(response.error_type.as_deref(), Some("ResourceNotFoundException"));
    assert!(line.expect("logged").contains("client=unknown:nope user=bob outcome=refused"));
}
