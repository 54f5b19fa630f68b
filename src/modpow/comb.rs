//! Fixed-base exponentiation `g^e` with a precomputed Lim–Lee comb.
//!
//! The exponent's bits are laid out as `TABLES` blocks of `TEETH` rows of
//! `SPACING` bits. Table `t`, entry `j` holds `g` raised to the sum of
//! `2^(256 t + 32 k)` over the set bits `k` of `j`, so one column of the
//! comb (the bits `256 t + 32 k + c` for fixed `t, c`) is one table lookup.
//! A 1024-bit exponent then costs 31 squarings and 128 multiplications, a
//! 256-bit one 31 and 32, where a window method needs a squaring per bit.
//!
//! The four tables hold 1024 values of 384 bytes: 384 KiB, built once on
//! first use (about two exponentiations' work) and shared by every thread.
//! Lookups read every entry of a table ([`select`]), so the secret exponent
//! picks no memory address.

use std::sync::OnceLock;

use zeroize::Zeroize;

use super::mont::{self, Limbs};
use super::{Exponent, Kernel, select};

/// Bits looked up together: each table has `2^TEETH` entries.
const TEETH: usize = 8;
/// Distance between the teeth, and so the number of squarings (less one).
const SPACING: usize = 32;
/// Blocks of `TEETH * SPACING` bits, one table each.
const TABLES: usize = 4;
/// Bits one table covers.
const BLOCK_BITS: usize = TEETH * SPACING;
/// The longest exponent the comb takes; longer ones use the window method.
pub(super) const MAX_BITS: usize = BLOCK_BITS * TABLES;

/// The tables, `TABLES` runs of `2^TEETH` values in Montgomery form. Public
/// values (powers of g), so every kernel shares the ones the first built.
fn tables(kernel: Kernel) -> &'static [Limbs] {
    static TABLES_CELL: OnceLock<Vec<Limbs>> = OnceLock::new();
    TABLES_CELL.get_or_init(|| build(kernel))
}

fn build(kernel: Kernel) -> Vec<Limbs> {
    // g^(2^(SPACING * i)) for every tooth i of every table.
    let mut teeth = Vec::with_capacity(TEETH * TABLES);
    let mut power = kernel.enter_mont(&super::Residue::g().0);
    for _ in 0..TEETH * TABLES {
        teeth.push(power);
        for _ in 0..SPACING {
            power = kernel.sqr(&power);
        }
    }
    let mut entries = Vec::with_capacity(TABLES << TEETH);
    for table in 0..TABLES {
        let start = entries.len();
        entries.push(mont::ONE);
        for j in 1usize..1 << TEETH {
            // Entry j = entry (j without its top bit) * that bit's tooth.
            let top = j.ilog2() as usize;
            let entry = kernel.mul(&entries[start + (j ^ (1 << top))], &teeth[table * TEETH + top]);
            entries.push(entry);
        }
    }
    entries
}

/// `g^e mod N` in normal form, for an exponent bound of at most [`MAX_BITS`].
/// The accumulator (a power of g with a secret exponent) and every entry
/// read are wiped before returning.
pub(super) fn pow_g(kernel: Kernel, exponent: &Exponent) -> Limbs {
    let used = exponent.bits().div_ceil(BLOCK_BITS);
    debug_assert!(used <= TABLES);
    let tables = tables(kernel);
    let mut acc = mont::ONE;
    for column in (0..SPACING).rev() {
        if column != SPACING - 1 {
            acc = kernel.sqr(&acc);
        }
        for (table, entries) in tables.chunks_exact(1 << TEETH).take(used).enumerate() {
            let mut index = 0;
            for tooth in 0..TEETH {
                index |= exponent.bits_at(table * BLOCK_BITS + tooth * SPACING + column, 1) << tooth;
            }
            let mut entry = select(entries, index);
            acc = kernel.mul(&acc, &entry);
            entry.zeroize();
            index.zeroize();
        }
    }
    let out = kernel.leave_mont(&acc);
    acc.zeroize();
    out
}
