//! JSON written into a buffer that wipes itself: request and response
//! bodies carry passwords, tokens and sessions.
//!
//! A growing `Vec` frees its old buffer without wiping it, so serialising
//! a secret into a plain `Vec` (as `serde_json::to_vec` does) leaves copies
//! of it in freed memory. [`WipingBuffer`] wipes each buffer it outgrows.

use std::io;

use zeroize::{Zeroize, Zeroizing};

/// Enough for every body the sign-in sends without growing (a
/// PASSWORD_VERIFIER answer with SECRET_HASH and a Session is about 2.5 KiB).
const INITIAL_CAPACITY: usize = 4096;

/// `value` as JSON text, in a string wiped on drop; no other copy is left.
pub(crate) fn to_json(value: &impl serde::Serialize) -> Zeroizing<String> {
    let mut buffer = WipingBuffer(Vec::with_capacity(INITIAL_CAPACITY));
    // Serialising the crate's own body types (strings, maps, numbers) cannot fail.
    if serde_json::to_writer(&mut buffer, value).is_err() {
        buffer.0.zeroize();
    }
    let text = match String::from_utf8(core::mem::take(&mut buffer.0)) {
        Ok(text) => text,
        Err(not_utf8) => {
            // serde_json writes UTF-8 only; wipe what came back all the same.
            not_utf8.into_bytes().zeroize();
            String::new()
        }
    };
    Zeroizing::new(text)
}

/// Reads a whole response body, at most `limit` bytes, without leaving a
/// copy of it in a buffer outgrown on the way (`None` past the limit).
#[cfg(feature = "http")]
pub(crate) fn read_body(reader: &mut impl io::Read, limit: usize) -> io::Result<Option<Vec<u8>>> {
    let mut buffer = WipingBuffer(Vec::with_capacity(INITIAL_CAPACITY));
    let mut chunk = Zeroizing::new([0u8; 4096]);
    loop {
        let read = reader.read(&mut chunk[..])?;
        if read == 0 {
            return Ok(Some(core::mem::take(&mut buffer.0)));
        }
        if buffer.0.len() + read > limit {
            return Ok(None);
        }
        io::Write::write_all(&mut buffer, &chunk[..read])?;
    }
}

/// A `Vec<u8>` writer that wipes every buffer it outgrows, and its own on drop.
struct WipingBuffer(Vec<u8>);

impl io::Write for WipingBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.0.capacity() - self.0.len() < bytes.len() {
            let needed = self.0.len() + bytes.len();
            let mut grown = Vec::with_capacity(needed.max(2 * self.0.capacity()));
            grown.extend_from_slice(&self.0);
            // `Vec::zeroize` wipes the whole capacity before the buffer is freed.
            self.0.zeroize();
            self.0 = grown;
        }
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for WipingBuffer {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    #[test]
    fn writes_the_same_json_as_serde_json() {
        let value = serde_json::json!({"AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"SRP_A": "ab".repeat(5000)}});
        assert_eq!(to_json(&value).as_str(), serde_json::to_string(&value).expect("serialises"));
    }

    #[test]
    fn growing_keeps_every_byte_in_order() {
        let mut buffer = WipingBuffer(Vec::with_capacity(1));
        let mut expected = Vec::new();
        for round in 0..200u8 {
            let chunk: Vec<u8> = (0..round).collect();
            buffer.write_all(&chunk).expect("writes");
            expected.extend_from_slice(&chunk);
        }
        assert_eq!(buffer.0, expected);
    }
}
