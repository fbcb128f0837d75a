//! The native module links libtorch (the stance classifiers). torch-sys passes `-rpath` only to
//! its C++ shim, so the module gets two search paths: the libtorch it was built against
//! (`$LIBTORCH/lib`, canonicalised; see ../shared/notes/libtorch-setup.md), then
//! `$ORIGIN/../torch/lib`, the libtorch of a `torch==2.4.0` installed in the same environment
//! (the module sits in `site-packages/standpoint/`), for a wheel used on another machine.
fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if let Ok(libtorch) = std::env::var("LIBTORCH") {
        let lib = std::path::Path::new(&libtorch).join("lib");
        if let Ok(dir) = lib.canonicalize() {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
        }
    }
    println!("cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN/../torch/lib");
}
