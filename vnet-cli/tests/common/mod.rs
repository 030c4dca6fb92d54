//! What the tests of vnet-cli's binaries share.

use std::path::PathBuf;

/// The binary `name` under test: `$VNET_BIN_DIR/NAME` when `VNET_BIN_DIR` is set (the
/// tools as they ship, from scripts/build-release.sh: the stock-kernel lane runs the
/// tests again against them), else `cargo_built`, the one cargo built for this test
/// (pass `env!("CARGO_BIN_EXE_NAME")`).
pub fn binary(name: &str, cargo_built: &str) -> PathBuf {
    let Some(dir) = std::env::var_os("VNET_BIN_DIR") else {
        return PathBuf::from(cargo_built);
    };
    let path = PathBuf::from(dir).join(name);
    assert!(
        path.is_file(),
        "VNET_BIN_DIR is set, but {} does not exist",
        path.display()
    );
    path
}
