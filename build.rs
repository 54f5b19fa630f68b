//! Sets `avx512_intrinsics` when the compiler has the AVX-512 intrinsics and
//! target features the IFMA kernel uses (stable from Rust 1.89). Older
//! compilers, down to the 1.88 MSRV, build every other kernel.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-check-cfg=cfg(avx512_intrinsics)");
    if autocfg::new().probe_rustc_version(1, 89) {
        println!("cargo:rustc-cfg=avx512_intrinsics");
    }
}
