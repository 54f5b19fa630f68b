//! The HTTP transport's bound on what it reads: a response body past
//! 1 MiB is refused as `BodyTooLarge`, not read into memory.

#![cfg(feature = "http")]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};

use cognito_srp_auth::flow::{AppClient, SignIn};
use cognito_srp_auth::http::HttpTransport;
use cognito_srp_auth::{Error, Password, TransportErrorKind, UserPoolId};

#[test]
fn a_response_body_over_the_limit_is_body_too_large() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let address = listener.local_addr().expect("address");
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accepts");
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request);
        let body = vec![b' '; 2 << 20];
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(&body);
        // Close only once the client has (unread request bytes would reset the connection).
        let _ = stream.shutdown(Shutdown::Write);
        let _ = std::io::copy(&mut stream, &mut std::io::sink());
    });
    let client = AppClient::new(UserPoolId::parse("eu-west-1_AbC123").expect("pool"), "client");
    let request = SignIn::user_srp(client, "alice", Password::from("pw"))
        .expect("valid")
        .start(&mut rand::rng())
        .expect("starts");
    let transport = HttpTransport::with_endpoint(format!("http://{address}/"));
    let result = transport.send(&request);
    let Err(Error::Transport(error)) = result else { panic!("expected a transport error, got {result:?}") };
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge, "{error}");
    server.join().expect("served");
}
