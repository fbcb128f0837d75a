//! Build script of the crates whose binaries or tests link libtorch (this one and
//! crates/stance/build.rs, the same file: each crate packages on its own). torch-sys passes
//! -rpath only to its C++ shim; this gives each binary an rpath to `$LIBTORCH/lib`, so that it
//! runs without LD_LIBRARY_PATH (see ../shared/notes/libtorch-setup.md). Without LIBTORCH it
//! does nothing.
fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if let Ok(libtorch) = std::env::var("LIBTORCH") {
        let lib = std::path::Path::new(&libtorch).join("lib");
        if let Ok(dir) = lib.canonicalize() {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
        }
    }
}
