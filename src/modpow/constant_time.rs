//! The sequence of Montgomery operations and table scans an exponentiation
//! takes depends only on the exponent's length bound: recorded for many
//! exponent values of each length and compared.

use super::trace::{Op, steps_of};
use super::*;

/// Exponents of `len` bytes that differ as much as possible: zero, all
/// ones, single bits at either end, alternating bits, and patterned fillers.
fn exponents_of_length(len: usize) -> Vec<Vec<u8>> {
    let mut out = vec![vec![0u8; len], vec![0xff; len], vec![0x55; len], vec![0xaa; len]];
    if len > 0 {
        let mut low = vec![0u8; len];
        low[len - 1] = 1;
        let mut high = vec![0u8; len];
        high[0] = 0x80;
        out.extend([low, high]);
    }
    // Fillers: a different multiplicative pattern per value.
    for k in 1..=24usize {
        out.push((0..len).map(|i| ((i * (2 * k + 1) * 0x9d + k * 0x3b) % 251) as u8).collect());
    }
    out
}

/// The steps of `f` for every exponent of `len` bytes, asserted identical
/// and returned once.
fn same_steps_for_every_value(len: usize, what: &str, f: impl Fn(&Exponent)) -> Vec<Op> {
    let exponents = exponents_of_length(len);
    let first = steps_of(|| f(&Exponent::from_be_bytes(&exponents[0]).expect("fits")));
    for bytes in &exponents[1..] {
        let steps = steps_of(|| f(&Exponent::from_be_bytes(bytes).expect("fits")));
        assert_eq!(steps.len(), first.len(), "{what}, {len} bytes: step count differs for another value");
        assert!(steps == first, "{what}, {len} bytes: step sequence differs for another value");
    }
    first
}

/// Lengths in bytes: every window width, the comb's block edges, the
/// longest exponent.
const LENGTHS: [usize; 10] = [0, 1, 4, 20, 32, 64, 65, 128, 129, 392];

#[test]
fn window_exponentiation_takes_the_same_steps_for_every_exponent_of_a_length() {
    let base = Residue::from_be_bytes(&[0x5a; 300]).expect("below N");
    for kernel in Kernel::available() {
        for len in LENGTHS {
            let steps = same_steps_for_every_value(len, kernel.name(), |e| {
                let _ = pow_with(kernel, &base, e);
            });
            if len > 0 {
                assert!(steps.iter().any(|s| matches!(s, Op::Select(_))), "the table is scanned");
                assert!(steps.contains(&Op::Sqr) && steps.contains(&Op::Mul));
            }
        }
    }
}

#[test]
fn fixed_base_exponentiation_takes_the_same_steps_for_every_exponent_of_a_length() {
    // Build the shared comb table outside the recording.
    let _ = pow_g(&Exponent::from_be_bytes(&[1]).expect("fits"));
    for kernel in Kernel::available() {
        for len in LENGTHS {
            let steps = same_steps_for_every_value(len, kernel.name(), |e| {
                let _ = pow_g_with(kernel, e);
            });
            if (1..=128).contains(&len) {
                // The comb: one scan of a 256-entry table per multiplication.
                let scans = steps.iter().filter(|s| **s == Op::Select(256)).count();
                let muls = steps.iter().filter(|s| **s == Op::Mul).count();
                assert_eq!(muls, scans + 1, "one product per scan, and one out of Montgomery form");
            }
        }
    }
}

#[test]
fn sign_in_exponent_a_plus_u_x_takes_the_same_steps_for_every_u_and_x() {
    let a = Exponent::from_be_bytes(&[0x42; 128]).expect("fits");
    let base = Residue::from_be_bytes(&[0x17; 384]).expect("below N");
    let steps = |u: [u8; 32], x: [u8; 32]| steps_of(|| drop(pow(&base, &a.add_product(&u, &x))));
    let first = steps([0; 32], [0; 32]);
    for (u, x) in [([0xff; 32], [0xff; 32]), ([1; 32], [0x80; 32]), ([0x3c; 32], [0; 32])] {
        assert!(steps(u, x) == first, "S's exponent length bound does not follow u or x");
    }
}
