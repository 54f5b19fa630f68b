//! Variable-base exponentiation with a fixed window, in constant time.

use zeroize::Zeroize;

use super::mont::{self, LIMBS, Limbs};
use super::{Exponent, Kernel, select};

/// The window width for an exponent of `bits` bits: wider windows trade a
/// larger table (2^w entries, each scanned at every lookup) for fewer
/// multiplications.
fn window_bits(bits: usize) -> usize {
    match bits {
        0..=32 => 2,
        33..=160 => 3,
        161..=400 => 4,
        401..=1800 => 5,
        _ => 6,
    }
}

/// `base ^ exponent mod N` for `base < N`, returned in normal (not Montgomery) form.
pub(super) fn pow(kernel: Kernel, base: &Limbs, exponent: &Exponent) -> Limbs {
    let bits = exponent.bits();
    if bits == 0 {
        let mut one = [0u64; LIMBS];
        one[0] = 1;
        return one;
    }
    let w = window_bits(bits);
    let mut storage = [[0u64; LIMBS]; 1 << 6];
    let table = &mut storage[..1 << w];
    table[0] = mont::ONE;
    table[1] = kernel.enter_mont(base);
    for i in 2..table.len() {
        table[i] = if i % 2 == 0 { kernel.sqr(&table[i / 2]) } else { kernel.mul(&table[i - 1], &table[1]) };
    }

    // The top window holds the remainder bits, so every later window is full.
    let windows = bits.div_ceil(w);
    let top_len = bits - (windows - 1) * w;
    let mut acc = select(table, exponent.bits_at((windows - 1) * w, top_len));
    for window in (0..windows - 1).rev() {
        for _ in 0..w {
            acc = kernel.sqr(&acc);
        }
        let mut entry = select(table, exponent.bits_at(window * w, w));
        acc = kernel.mul(&acc, &entry);
        entry.zeroize();
    }
    storage.zeroize();
    let out = kernel.leave_mont(&acc);
    acc.zeroize();
    out
}
