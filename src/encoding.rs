//! How integers and bytes travel: Cognito's `padHex` byte encoding, hex for
//! SRP values, and strict standard Base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{Defect, Error};

/// `padHex` of a non-negative big-endian integer, as bytes: the minimal
/// big-endian encoding, with a `0x00` byte in front when the top bit is set,
/// so the value reads as positive in two's complement (Java's
/// `BigInteger.toByteArray()`). Zero is the single byte `0x00`.
///
/// Leading zero bytes of the input are not significant.
pub(crate) fn pad_hex(bytes: &[u8]) -> Vec<u8> {
    let significant = &bytes[bytes.iter().take_while(|&&b| b == 0).count()..];
    let mut out = Vec::with_capacity(significant.len() + 1);
    match significant.first() {
        Some(&top) if top < 0x80 => {}
        _ => out.push(0),
    }
    out.extend_from_slice(significant);
    out
}

/// Parses an unsigned hex number strictly: one or more of `0-9 a-f A-F`,
/// nothing else (no sign, no `0x`, no white space). An odd number of digits
/// is fine. Returns big-endian bytes.
pub(crate) fn parse_hex(name: &'static str, hex: &str) -> Result<Vec<u8>, Error> {
    if hex.is_empty() {
        return Err(Error::invalid(name, Defect::Empty));
    }
    let digits = hex.bytes().map(hex_value).collect::<Option<Vec<u8>>>().ok_or(Error::invalid(name, Defect::NotHex))?;
    // An odd count means an implicit leading zero nibble.
    let mut out = Vec::with_capacity(digits.len().div_ceil(2));
    let (head, rest) = digits.split_at(digits.len() % 2);
    out.extend(head.iter().copied());
    out.extend(rest.chunks_exact(2).map(|pair| (pair[0] << 4) | pair[1]));
    Ok(out)
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Minimal lowercase hex of a big-endian integer, as JavaScript's
/// `BigInteger.toString(16)` writes it: no leading zeros, `"0"` for zero.
pub(crate) fn to_minimal_hex(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    match hex.trim_start_matches('0') {
        "" => "0".to_owned(),
        digits => digits.to_owned(),
    }
}

/// Decodes standard Base64 strictly: the `+/` alphabet, `=` padding required
/// where due and allowed only at the end, no white space.
pub(crate) fn decode_base64(name: &'static str, text: &str) -> Result<Vec<u8>, Error> {
    if text.is_empty() {
        return Err(Error::invalid(name, Defect::Empty));
    }
    STANDARD.decode(text).map_err(|_| Error::invalid(name, Defect::NotBase64))
}

/// Encodes standard, padded Base64.
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}
