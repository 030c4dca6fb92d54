//! The boundary between C and Rust: return codes, the thread's last error, panics, and
//! reading C arguments.
//!
//! Every exported function runs its body through [`call`], which turns `Ok` into 0, an
//! [`Error`] into its negative errno (keeping its text for [`vnet_last_error`]) and a
//! panic into `-EIO`. Arguments are read with [`text`], [`opt_text`], [`handle`] and
//! [`out`], which reject NULL pointers and invalid UTF-8 with `-EINVAL` and a message
//! naming the argument, before anything else happens.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};

use vnet_core::{Error, IfName, Result};

use crate::handle::vnet_handle;

thread_local! {
    /// The message of this thread's last failure, NUL-terminated for C.
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Records `message` as this thread's last error.
fn set_last_error(message: String) {
    // A NUL inside the text (from a name given as bytes) would cut it short: show it.
    let message = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|last| *last.borrow_mut() = Some(message));
}

/// The message of this thread's last failed vnet call: the same text as the Rust
/// `Error`'s Display (`creating veth 'v0' (peer 'eth0' in netns 'vm1'): File exists`),
/// naming the value, the step and the kernel's words; NULL before any failure.
///
/// The string belongs to libvnet and stays valid until this thread's next call into
/// vnet; copy it to keep it.
#[unsafe(no_mangle)]
pub extern "C" fn vnet_last_error() -> *const c_char {
    LAST_ERROR.with(|last| match &*last.borrow() {
        Some(message) => message.as_ptr(),
        None => std::ptr::null(),
    })
}

/// Runs the body of the exported function `function` and maps its outcome to the C
/// convention: 0, or a negative errno with the thread's last error set. A panic is
/// caught here and becomes `-EIO`.
pub(crate) fn call(function: &str, body: impl FnOnce() -> Result<()>) -> c_int {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            let errno = e.errno();
            set_last_error(e.to_string());
            // An error always gives a positive errno; guard the convention anyway.
            -(if errno > 0 { errno } else { libc::EIO })
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            set_last_error(format!("{function}: internal error in libvnet: {what}"));
            -libc::EIO
        }
    }
}

/// Runs a function that cannot fail and returns nothing (the `_free` and `_close`
/// functions), so that a panic in it cannot cross the boundary either.
pub(crate) fn call_void(function: &str, body: impl FnOnce()) {
    let _ = call(function, || {
        body();
        Ok(())
    });
}

/// Reads the required C string argument `what` (NULL or invalid UTF-8 is `-EINVAL`).
///
/// # Safety
///
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn text<'a>(p: *const c_char, what: &'static str) -> Result<&'a str> {
    // SAFETY: the caller guarantees `p` is NULL or a live NUL-terminated string.
    unsafe { opt_text(p, what) }?
        .ok_or_else(|| Error::invalid(what, "NULL", "a NULL pointer where a value is required"))
}

/// Reads the optional C string argument `what`: NULL is `None`.
///
/// # Safety
///
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn opt_text<'a>(p: *const c_char, what: &'static str) -> Result<Option<&'a str>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: `p` is not NULL, and the caller guarantees it is a live NUL-terminated
    // string.
    let bytes = unsafe { CStr::from_ptr(p) };
    bytes.to_str().map(Some).map_err(|_| {
        Error::invalid(
            what,
            bytes.to_string_lossy().escape_default(),
            "not valid UTF-8",
        )
    })
}

/// Reads a required interface name argument.
///
/// # Safety
///
/// As for [`text`].
pub(crate) unsafe fn name(p: *const c_char, what: &'static str) -> Result<IfName> {
    // SAFETY: forwarded from the caller.
    unsafe { opt_name(p, what) }?
        .ok_or_else(|| Error::invalid(what, "NULL", "a NULL pointer where a value is required"))
}

/// Names the argument in an interface name's validation error ("invalid peer name ''"
/// rather than "invalid interface name ''").
fn rename(e: Error, what: &'static str) -> Error {
    match e {
        Error::InvalidInput { value, reason, .. } => Error::invalid(what, value, reason),
        other => other,
    }
}

/// Reads an optional interface name argument (NULL is `None`).
///
/// # Safety
///
/// As for [`text`].
pub(crate) unsafe fn opt_name(p: *const c_char, what: &'static str) -> Result<Option<IfName>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: `p` is not NULL, and the caller guarantees it is a live NUL-terminated
    // string. A name is bytes: it need not be UTF-8.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    IfName::from_bytes(bytes)
        .map(Some)
        .map_err(|e| rename(e, what))
}

/// Borrows the handle argument (NULL is `-EINVAL`).
///
/// # Safety
///
/// `h` is NULL or a handle from `vnet_open` not yet closed, used by no other thread.
pub(crate) unsafe fn handle<'a>(h: *mut vnet_handle) -> Result<&'a vnet_handle> {
    // SAFETY: the caller guarantees `h` is NULL or a live handle that no other thread
    // uses during this call.
    unsafe { h.as_ref() }.ok_or_else(|| {
        Error::invalid(
            "handle",
            "NULL",
            "a NULL pointer where a vnet_handle is required",
        )
    })
}

/// Checks that the out-parameter `what` is not NULL, so that the call can fail early
/// and write nothing.
pub(crate) fn out<T>(p: *mut T, what: &'static str) -> Result<*mut T> {
    if p.is_null() {
        Err(Error::invalid(
            what,
            "NULL",
            "a NULL pointer where an out-parameter is required",
        ))
    } else {
        Ok(p)
    }
}

/// Copies `s` into the fixed C string buffer `buf`, truncated to leave room for the NUL
/// (interface names fit: the kernel's limit is 15 bytes).
pub(crate) fn copy_str(buf: &mut [c_char], s: impl AsRef<[u8]>) {
    let s = s.as_ref();
    let n = s.len().min(buf.len().saturating_sub(1));
    for (dst, src) in buf.iter_mut().zip(&s[..n]) {
        *dst = *src as c_char;
    }
    if let Some(end) = buf.get_mut(n) {
        *end = 0;
    }
}

/// Hands a list to C as a pointer to its first element; [`free_list`] takes it back.
pub(crate) fn into_list<T>(items: Vec<T>) -> *mut T {
    Box::into_raw(items.into_boxed_slice()).cast::<T>()
}

/// Frees a list made by [`into_list`] (NULL is a no-op).
///
/// # Safety
///
/// `p` is NULL or came from [`into_list`] with exactly `count` elements, and is freed
/// once.
pub(crate) unsafe fn free_list<T>(p: *mut T, count: usize) {
    if p.is_null() {
        return;
    }
    // SAFETY: `p` and `count` describe the boxed slice `into_list` leaked.
    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(p, count)) });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last() -> String {
        // SAFETY: vnet_last_error returned a live string of this thread.
        unsafe { CStr::from_ptr(vnet_last_error()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn errors_and_panics_become_codes_and_messages() {
        assert_eq!(call("t", || Ok(())), 0);
        let rc = call("t", || {
            Err(Error::invalid("interface name", "x/y", "has a '/'"))
        });
        assert_eq!(rc, -libc::EINVAL);
        assert_eq!(last(), "invalid interface name 'x/y': has a '/'");
        let rc = call("vnet_test", || panic!("boom"));
        assert_eq!(rc, -libc::EIO);
        assert_eq!(last(), "vnet_test: internal error in libvnet: boom");
    }

    #[test]
    fn null_and_bad_utf8_are_invalid() {
        // SAFETY: NULL is allowed.
        let e = unsafe { text(std::ptr::null(), "prefix") }.unwrap_err();
        assert_eq!(e.errno(), libc::EINVAL);
        assert!(e.to_string().contains("prefix 'NULL'"), "{e}");
        let bad = b"br\xff\0";
        // SAFETY: a NUL-terminated byte string.
        let e = unsafe { text(bad.as_ptr().cast(), "interface name") }.unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid interface name 'br\\u{fffd}': not valid UTF-8"
        );
    }

    #[test]
    fn names_are_copied_with_their_nul() {
        let mut buf = [1 as c_char; 16];
        copy_str(&mut buf, "0123456789abcdefXYZ");
        assert_eq!(buf[15], 0);
        assert_eq!(buf[14], b'e' as c_char);
    }
}
