//! What the fuzz targets share: how an input becomes a command line.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

/// The arguments after a program's name that `input` stands for: its bytes split at NUL
/// bytes (the one byte an argument cannot hold), each taken as given, UTF-8 or not.
pub fn command_line(input: &[u8]) -> Vec<OsString> {
    input
        .split(|&b| b == 0)
        .map(|a| OsString::from_vec(a.to_vec()))
        .collect()
}
