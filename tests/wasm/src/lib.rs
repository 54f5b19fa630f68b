//! Exports for the Node benchmark (`benches/node`): one whole client
//! sign-in on the engine per call, for the wasm build to be timed beside
//! amazon-cognito-identity-js in the same Node process.

#[path = "../../../benches/support/mod.rs"]
mod support;

pub use support::{bytes, n};

/// One client sign-in (A, x, u, S, HKDF, signature) with a private `a` of
/// `bits` bits (256 or 1024); returns the signature's length, so the work
/// cannot be optimised away.
#[unsafe(no_mangle)]
pub extern "C" fn engine_sign_in(bits: u32) -> u32 {
    static CHALLENGE: std::sync::OnceLock<support::Challenge> = std::sync::OnceLock::new();
    let a = support::bytes(bits as usize / 8, 11);
    support::engine_login(&a, CHALLENGE.get_or_init(support::challenge)).len() as u32
}

/// The kernels by number across the wasm boundary, as `benches/node` names them.
const KERNELS: [&str; 3] = ["portable", "limb32", "radix28"];

/// [`engine_sign_in`] on kernel number `kernel` of [`KERNELS`]; 0 if this
/// build has no such kernel.
#[unsafe(no_mangle)]
pub extern "C" fn engine_sign_in_on(bits: u32, kernel: u32) -> u32 {
    let name = KERNELS.get(kernel as usize).copied().unwrap_or("none");
    let kernel = cognito_srp_auth::bench_api::kernels().into_iter().find(|k| k.name() == name);
    kernel.map_or(0, |k| k.run(|| engine_sign_in(bits)))
}

/// The number in [`KERNELS`] of the kernel the engine selected, or
/// `KERNELS.len()` for another.
#[unsafe(no_mangle)]
pub extern "C" fn selected_kernel() -> u32 {
    let name = cognito_srp_auth::bench_api::selected_kernel().name();
    KERNELS.iter().position(|&k| k == name).unwrap_or(KERNELS.len()) as u32
}

/// 1 if this module was built with the `simd128` target feature.
#[unsafe(no_mangle)]
pub extern "C" fn built_with_simd128() -> u32 {
    u32::from(cfg!(target_feature = "simd128"))
}
