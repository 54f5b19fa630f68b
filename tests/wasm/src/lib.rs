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

/// [`engine_sign_in`] on the portable 64-bit kernel instead of the selected one.
#[unsafe(no_mangle)]
pub extern "C" fn engine_sign_in_portable(bits: u32) -> u32 {
    let portable = cognito_srp_auth::bench_api::kernels().into_iter().find(|k| k.name() == "portable");
    portable.map_or(0, |k| k.run(|| engine_sign_in(bits)))
}

/// The kernel the engine selected: 1 = portable, 2 = limb32, 3 = another.
#[unsafe(no_mangle)]
pub extern "C" fn selected_kernel() -> u32 {
    match cognito_srp_auth::bench_api::selected_kernel().name() {
        "portable" => 1,
        "limb32" => 2,
        _ => 3,
    }
}
