//! The caller's own `x-request-id`, as logs and the audit trail keep it.
//!
//! The header is the caller's choice, not ours: it is logged and stored only cut to
//! `MAX_LEN` characters and with anything but letters, digits and a few punctuation marks
//! replaced, so that it cannot forge log fields, bloat every line, or smuggle markup into
//! the tools that read logs and trails.

/// The header callers correlate their calls with.
pub const HEADER: &str = "x-request-id";

/// Longest caller request id kept (a UUID is 36; trace ids are 32).
pub const MAX_LEN: usize = 64;

/// The sanitised `x-request-id` of a request's headers, if it sent a non-blank one.
pub fn from_headers(headers: &http::HeaderMap) -> Option<String> {
    headers.get(HEADER).and_then(|v| sanitise(v.as_bytes()))
}

/// `raw` trimmed, cut to `MAX_LEN` bytes, and with every byte other than ASCII letters,
/// digits and `-_.:/@+=~` replaced by `_`; `None` when nothing is left.
pub fn sanitise(raw: &[u8]) -> Option<String> {
    let trimmed = raw.trim_ascii();
    if trimmed.is_empty() {
        return None;
    }
    Some(
        trimmed
            .iter()
            .take(MAX_LEN)
            .map(|&byte| {
                if byte.is_ascii_alphanumeric() || b"-_.:/@+=~".contains(&byte) {
                    char::from(byte)
                } else {
                    '_'
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_request_ids_are_kept_as_sent() {
        for id in [
            "0190a3c2-7d1e-7000-8000-000000000001",
            "desk-7/lookup:42",
            "abc.def_ghi@host+1=2~3",
        ] {
            assert_eq!(sanitise(id.as_bytes()).as_deref(), Some(id));
        }
    }

    #[test]
    fn other_characters_are_replaced_and_long_ids_cut() {
        assert_eq!(
            sanitise(b" a b\"c<d>\x01e\xc3\xa9 ").as_deref(),
            Some("a_b_c_d__e__")
        );
        let long = "x".repeat(10_000);
        assert_eq!(sanitise(long.as_bytes()).map(|s| s.len()), Some(MAX_LEN));
    }

    #[test]
    fn a_blank_request_id_is_none() {
        assert_eq!(sanitise(b""), None);
        assert_eq!(sanitise(b"   "), None);
    }
}
