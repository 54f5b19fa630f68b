//! Random bytes and identifiers drawn from the caller's generator.

use rand_core::CryptoRng;

pub(super) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(super) const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

pub(super) fn random_bytes<const LEN: usize, R: CryptoRng + ?Sized>(rng: &mut R) -> [u8; LEN] {
    let mut bytes = [0u8; LEN];
    rng.fill_bytes(&mut bytes);
    bytes
}

pub(super) fn random_id<R: CryptoRng + ?Sized>(rng: &mut R, alphabet: &[u8], len: usize) -> String {
    (0..len).map(|_| alphabet[usize::from(random_bytes::<1, R>(rng)[0]) % alphabet.len()] as char).collect()
}

pub(super) fn uuid<R: CryptoRng + ?Sized>(rng: &mut R) -> String {
    let hex: String = random_bytes::<16, R>(rng).iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}
