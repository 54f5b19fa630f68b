//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::convert::Infallible;

use rand_core::{TryCryptoRng, TryRng};

/// A "random" source that replays chosen bytes, the way the reference
/// vectors were made: each draw takes the next bytes in order.
pub struct ReplayRng(VecDeque<u8>);

impl ReplayRng {
    pub fn new(bytes: impl IntoIterator<Item = u8>) -> Self {
        ReplayRng(bytes.into_iter().collect())
    }

    pub fn remaining(&self) -> usize {
        self.0.len()
    }
}

impl TryRng for ReplayRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_be_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_be_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        assert!(dst.len() <= self.0.len(), "replay source exhausted");
        for byte in dst {
            *byte = self.0.pop_front().expect("checked above");
        }
        Ok(())
    }
}

impl TryCryptoRng for ReplayRng {}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Minimal lowercase hex of a big-endian integer, as the vectors write integers.
pub fn minimal_hex(bytes: &[u8]) -> String {
    match hex(bytes).trim_start_matches('0') {
        "" => "0".to_owned(),
        digits => digits.to_owned(),
    }
}

/// Big-endian bytes of a hex integer of any length (odd allowed).
pub fn unhex(hex: &str) -> Vec<u8> {
    let padded = if hex.len() % 2 == 1 { format!("0{hex}") } else { hex.to_owned() };
    (0..padded.len()).step_by(2).map(|i| u8::from_str_radix(&padded[i..i + 2], 16).expect("hex")).collect()
}

/// The private `a` of a vector: 128 random bytes, big-endian.
pub fn private_a_bytes(a_hex: &str) -> Vec<u8> {
    let a = unhex(a_hex);
    assert!(a.len() <= 128, "a is drawn from 128 bytes");
    let mut bytes = vec![0u8; 128 - a.len()];
    bytes.extend(a);
    bytes
}
