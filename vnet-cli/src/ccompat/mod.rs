//! What C tools do that their drop-ins must do the same way, byte for byte: glibc's
//! option parser, its number readers with C's clamping and rounding, C's conversions
//! between numeric types, and standard output buffered as glibc buffers it.
//!
//! Each item names the C function it reproduces (`getopt_long`, `strtol`, `sscanf`'s
//! `%lf`, ...), so that code translated from a C tool reads like the original. The
//! tests pin glibc's behaviour in its corners with the values a C program compiled
//! against Debian 12's glibc (2.36) printed.
//!
//! - [`Getopt`]: `getopt(3)` and `getopt_long(3)`, with glibc's permutation of operands
//!   and its messages.
//! - [`strtol`], [`strtoul`], [`strtod`], [`sscanf_i`], [`sscanf_lf`]: numbers from
//!   text, what they accept, how far they read, and how they clamp.
//! - [`double_to_long`], [`tv_to_jiffies`]: C's arithmetic conversions.
//! - [`CStdout`]: `stdout` line-buffered on a terminal, fully buffered otherwise.
//! - [`c_main!`](crate::c_main): a C `main`, for a drop-in that starts as its original.

mod arith;
mod getopt;
mod start;
mod stdio;
mod strto;

pub use arith::{double_to_long, tv_to_jiffies};
pub use getopt::{Getopt, GetoptError, LongOption, Opt};
pub use start::run_main;
pub use stdio::CStdout;
pub use strto::{Parsed, is_space, sscanf_i, sscanf_lf, strtod, strtol, strtoul};
