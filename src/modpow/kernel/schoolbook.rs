//! Montgomery multiplication and squaring by row-by-row schoolbook with a
//! separate reduction, written once for any limb width.
//!
//! Row-by-row schoolbook with a separate reduction measured fewer
//! instructions per operation (callgrind: 51.6k per multiply, 42.4k per
//! square on 64-bit limbs) than a finely integrated product-scanning form
//! (55.6k, 50.1k): see BENCHMARKS.md.
//!
//! Every function runs in time independent of the values it is given: fixed
//! loop bounds, no data-dependent branch or memory index, and the final
//! conditional subtraction is a masked select.

/// Defines, in the invoking module, `mont_mul` and `mont_sqr` on `$limbs`
/// limbs of type `$word`, with `$double` holding a product plus two words.
/// `$n` and `$n0_inv` are N and `-N^-1 mod 2^BITS` in that limb width.
///
/// By default rows are multiply-accumulated in Rust and a square is
/// triangular (each cross product once). A kernel with a faster row
/// primitive passes `row = its_fn, square = sqr_by_product`: rows of the
/// product and of the reduction then go through it, and a square is a full
/// product.
macro_rules! schoolbook {
    ($word:ty, $double:ty, $limbs:expr, $n:expr, $n0_inv:expr) => {
        schoolbook!($word, $double, $limbs, $n, $n0_inv, row = mac_row, square = sqr_wide);
    };
    ($word:ty, $double:ty, $limbs:expr, $n:expr, $n0_inv:expr, row = $row:path, square = $square:ident) => {
        /// Limbs in a value modulo N.
        const LIMBS: usize = $limbs;
        /// Bits in a limb.
        const BITS: u32 = <$word>::BITS;
        /// A value modulo N in this kernel's limbs.
        pub(super) type Words = [$word; LIMBS];
        /// A double-width product, before Montgomery reduction.
        type Wide = [$word; 2 * LIMBS];
        /// N in this kernel's limbs.
        const MODULUS: Words = $n;
        /// `-N^-1 mod 2^BITS`.
        const MODULUS_INV: $word = $n0_inv;

        /// `a + b * c + carry`, as (low, high) limbs. Cannot overflow.
        #[inline(always)]
        fn mac(a: $word, b: $word, c: $word, carry: $word) -> ($word, $word) {
            let t = (a as $double) + (b as $double) * (c as $double) + (carry as $double);
            (t as $word, (t >> BITS) as $word)
        }

        /// `a + b + carry`, as (sum, carry out ∈ {0, 1}).
        #[inline(always)]
        fn adc(a: $word, b: $word, carry: $word) -> ($word, $word) {
            let t = (a as $double) + (b as $double) + (carry as $double);
            (t as $word, (t >> BITS) as $word)
        }

        /// `a - b - borrow`, as (difference, borrow out ∈ {0, 1}).
        #[inline(always)]
        fn sbb(a: $word, b: $word, borrow: $word) -> ($word, $word) {
            let t = (a as $double).wrapping_sub((b as $double) + (borrow as $double));
            (t as $word, ((t >> BITS) as $word) & 1)
        }

        /// Subtracts N once if `top:a >= N`, in constant time. `top:a` must be below `2N`.
        #[inline(always)]
        fn reduce_once(a: &Words, top: $word) -> Words {
            use subtle::{Choice, ConditionallySelectable};
            let mut d = [0; LIMBS];
            let mut borrow = 0;
            for i in 0..LIMBS {
                (d[i], borrow) = sbb(a[i], MODULUS[i], borrow);
            }
            // Keep the difference when a carried past R or the subtraction did not borrow.
            let keep_difference = Choice::from(((top | (borrow ^ 1)) & 1) as u8);
            let mut out = [0; LIMBS];
            for i in 0..LIMBS {
                out[i] = <$word>::conditional_select(&a[i], &d[i], keep_difference);
            }
            out
        }

        /// `acc += a * b`, returning the carry limb. The fixed-size row lets
        /// the compiler drop the bounds checks from the inner loop.
        #[allow(dead_code)]
        #[inline(always)]
        fn mac_row(acc: &mut Words, a: &Words, b: $word) -> $word {
            let mut carry = 0;
            for (acc, &a) in acc.iter_mut().zip(a) {
                (*acc, carry) = mac(*acc, a, b, carry);
            }
            carry
        }

        /// The `LIMBS` limbs of `t` from `offset` on, as a fixed-size array.
        #[inline(always)]
        fn window(t: &mut Wide, offset: usize) -> &mut Words {
            match t[offset..].first_chunk_mut::<LIMBS>() {
                Some(row) => row,
                None => unreachable!("offset <= LIMBS"),
            }
        }

        /// `a * b` as a double-width product (schoolbook, row by row).
        #[inline(always)]
        fn mul_wide(a: &Words, b: &Words) -> Wide {
            let mut t = [0; 2 * LIMBS];
            for (i, &bi) in b.iter().enumerate() {
                t[i + LIMBS] = $row(window(&mut t, i), a, bi);
            }
            t
        }

        /// `a^2` as a full product, for kernels whose row primitive beats
        /// the triangular form's shorter Rust rows.
        #[allow(dead_code)]
        #[inline(always)]
        fn sqr_by_product(a: &Words) -> Wide {
            mul_wide(a, a)
        }

        /// `a^2` as a double-width product: each cross product once, doubled, plus the squares.
        #[allow(dead_code)]
        #[inline(always)]
        fn sqr_wide(a: &Words) -> Wide {
            let mut t = [0; 2 * LIMBS];
            for i in 0..LIMBS - 1 {
                let mut carry = 0;
                let ai = a[i];
                for j in i + 1..LIMBS {
                    (t[i + j], carry) = mac(t[i + j], ai, a[j], carry);
                }
                t[i + LIMBS] = carry;
            }
            let mut high_bit = 0;
            for limb in t.iter_mut() {
                let v = *limb;
                *limb = (v << 1) | high_bit;
                high_bit = v >> (BITS - 1);
            }
            let mut carry = 0;
            for i in 0..LIMBS {
                let (lo, hi) = mac(0, a[i], a[i], 0);
                (t[2 * i], carry) = adc(t[2 * i], lo, carry);
                (t[2 * i + 1], carry) = adc(t[2 * i + 1], hi, carry);
            }
            t
        }

        /// Montgomery reduction: `t * R^-1 mod N` for `t < N * R`.
        #[inline(always)]
        fn redc(mut t: Wide) -> Words {
            let mut top = 0;
            for i in 0..LIMBS {
                let m = t[i].wrapping_mul(MODULUS_INV);
                let carry = $row(window(&mut t, i), &MODULUS, m);
                (t[i + LIMBS], top) = adc(t[i + LIMBS], carry, top);
            }
            reduce_once(window(&mut t, LIMBS), top)
        }

        /// Montgomery product `a * b * R^-1 mod N`, for `a, b < N`.
        #[inline(always)]
        pub(super) fn mont_mul(a: &Words, b: &Words) -> Words {
            redc(mul_wide(a, b))
        }

        /// Montgomery square `a^2 * R^-1 mod N`, for `a < N`.
        #[inline(always)]
        pub(super) fn mont_sqr(a: &Words) -> Words {
            redc($square(a))
        }
    };
}

pub(super) use schoolbook;
