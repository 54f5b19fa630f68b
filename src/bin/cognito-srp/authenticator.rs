//! MFA_SETUP's secret shown to a person: the `otpauth://` URI an
//! authenticator app takes, and the same as a QR code drawn with text so a
//! phone can scan it off the terminal.

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

/// The Key URI Format authenticator apps read:
/// `otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER`.
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let (issuer, account) = (percent_encode(issuer), percent_encode(account));
    format!("otpauth://totp/{issuer}:{account}?secret={secret_base32}&issuer={issuer}")
}

/// The QR code of `text`, two rows of modules to a line of text, with its
/// quiet zone. Light modules are drawn as blocks: on the usual dark
/// terminal they come out light, as a scanner expects.
pub fn qr_code(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(code.render::<Dense1x2>().dark_color(Dense1x2::Light).light_color(Dense1x2::Dark).build())
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_escapes_the_label_and_keeps_the_secret() {
        let uri = otpauth_uri("eu-west-1_AbC", "alice@example.com", "JBSWY3DPEHPK3PXP");
        assert_eq!(
            uri,
            "otpauth://totp/eu-west-1_AbC:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=eu-west-1_AbC"
        );
        assert_eq!(percent_encode("a b:c/é"), "a%20b%3Ac%2F%C3%A9");
    }

    #[test]
    fn qr_code_is_a_square_of_block_characters() {
        let drawn = qr_code("otpauth://totp/x:y?secret=JBSWY3DPEHPK3PXP&issuer=x").expect("encodes");
        let lines: Vec<&str> = drawn.lines().collect();
        let width = lines[0].chars().count();
        // Version 3 at the least (29 modules) plus a 4-module quiet zone each side.
        assert!(width >= 37, "{width}");
        assert!(lines.iter().all(|l| l.chars().count() == width));
        assert_eq!(lines.len(), width.div_ceil(2));
        assert!(drawn.chars().all(|c| matches!(c, ' ' | '\u{2580}' | '\u{2584}' | '\u{2588}' | '\n')));
    }
}
