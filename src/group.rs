//! The SRP group Cognito uses: the 3072-bit prime N of RFC 5054 appendix A
//! (the same prime as RFC 3526 group 15), the generator g = 2, and the SRP-6a
//! multiplier k.

/// N as the 768 hex digits RFC 5054 appendix A prints.
const N_HEX: &[u8; 768] = b"\
FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74\
020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437\
4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED\
EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05\
98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB\
9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B\
E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718\
3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33\
A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7\
ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864\
D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2\
08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

/// Number of bytes in N.
pub(crate) const N_BYTES_LEN: usize = 384;

/// N, big-endian.
pub(crate) const N_BYTES: [u8; N_BYTES_LEN] = decode_hex(N_HEX);

/// The generator.
pub(crate) const G: u64 = 2;

/// `k = H(padHex(N) || padHex(g))` = `H(0x00 || N || 0x02)`.
///
/// A constant of the group, so it is written out here rather than hashed on
/// every sign-in; `tests::k_is_the_hash_of_n_and_g` recomputes it.
pub(crate) const K: [u8; 32] = decode_hex(b"538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6");

#[allow(clippy::panic, reason = "only evaluated at compile time, where a bad digit fails the build")]
const fn hex_digit(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => panic!("not a hex digit"),
    }
}

/// Decodes hex at compile time (a bad digit is a build error, not a run-time panic).
const fn decode_hex<const HEX: usize, const OUT: usize>(hex: &[u8; HEX]) -> [u8; OUT] {
    assert!(HEX == 2 * OUT);
    let mut out = [0u8; OUT];
    let mut i = 0;
    while i < OUT {
        out[i] = (hex_digit(hex[2 * i]) << 4) | hex_digit(hex[2 * i + 1]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn k_is_the_hash_of_n_and_g() {
        // padHex(N): N's top bit is set, so a 0x00 byte leads; padHex(2) = 0x02.
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(N_BYTES);
        h.update([G as u8]);
        assert_eq!(h.finalize().as_slice(), K.as_slice());
    }

    #[test]
    fn n_is_the_rfc_5054_3072_bit_prime() {
        let n = num_bigint::BigUint::from_bytes_be(&N_BYTES);
        assert_eq!(n.bits(), 3072);
        // RFC 3526: N = 2^3072 - 2^3008 - 1 + 2^64 * (floor(2^2942 * pi) + 1690314);
        // check its fixed top and bottom 64 bits and that it is odd.
        assert_eq!(&N_BYTES[..8], &[0xff; 8]);
        assert_eq!(&N_BYTES[N_BYTES_LEN - 8..], &[0xff; 8]);
        // g = 2 generates the prime-order subgroup of the safe prime N = 2q + 1:
        // 2^q = 1 mod N (2 is a quadratic residue because N = 7 mod 8).
        let q = (&n - 1u32) >> 1;
        assert_eq!(num_bigint::BigUint::from(G).modpow(&q, &n), 1u32.into());
    }
}
