//! Links libvnet with its SONAME, `libvnet.so.0`, the name programs record at link time
//! and look for at run time (scripts/install.sh installs the file under that name).

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libvnet.so.0");
    println!("cargo:rerun-if-changed=build.rs");
}
