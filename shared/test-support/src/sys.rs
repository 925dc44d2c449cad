//! The only two things this crate needs from libc that std does not offer:
//! the effective user id and a user database lookup. Both are plain FFI calls,
//! so they are `unsafe` in Rust's eyes; they are kept here, small and audited.
#![allow(unsafe_code)] // The workspace denies unsafe code; these two FFI calls need it.

use std::ffi::CString;
use std::mem::MaybeUninit;

/// The effective user id of this process.
pub(crate) fn effective_uid() -> u32 {
    // SAFETY: geteuid takes no arguments, cannot fail and touches no memory of ours.
    unsafe { libc::geteuid() }
}

/// The uid and gid of a user of the system, looked up by name (through NSS, like `id`).
pub(crate) fn lookup_user(name: &str) -> Option<(u32, u32)> {
    let name = CString::new(name).ok()?;
    let mut buf: Vec<libc::c_char> = vec![0; 4096];
    loop {
        let mut entry = MaybeUninit::<libc::passwd>::uninit();
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the duration of the call, `buf.len()` is the
        // real size of `buf`, and getpwnam_r (unlike getpwnam) uses no static storage, so
        // it is safe to call from several threads at once.
        let rc = unsafe {
            libc::getpwnam_r(
                name.as_ptr(),
                entry.as_mut_ptr(),
                buf.as_mut_ptr(),
                buf.len(),
                &mut found,
            )
        };
        if rc == libc::ERANGE && buf.len() < (1 << 20) {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || found.is_null() {
            return None;
        }
        // SAFETY: on success with a non-null result, getpwnam_r has filled in `entry`.
        let entry = unsafe { entry.assume_init() };
        return Some((entry.pw_uid, entry.pw_gid));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_root_and_not_a_made_up_user() {
        assert_eq!(lookup_user("root"), Some((0, 0)));
        assert_eq!(lookup_user("no-such-user-for-test-support"), None);
    }
}
