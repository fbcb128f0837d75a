//! torch-sys passes -rpath only to its C++ shim; give the binary an rpath to libtorch so that it
//! runs without LD_LIBRARY_PATH (see ../shared/notes/libtorch-setup.md).
fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if let Ok(libtorch) = std::env::var("LIBTORCH") {
        let lib = std::path::Path::new(&libtorch).join("lib");
        if let Ok(dir) = lib.canonicalize() {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
        }
    }
}
