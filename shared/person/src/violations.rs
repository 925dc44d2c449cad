use std::fmt;

/// How many characters of a bad value an error message quotes. A value is echoed so that the
/// caller can find it, not returned: a whole 100 KB value would bloat logs and exceed the
/// size clients accept for the `grpc-message` header, hiding the real error.
pub const QUOTED_PREFIX_CHARS: usize = 64;

/// `value` quoted for an error message (escaped as Rust's `{:?}` does, so that control
/// characters cannot forge log lines), cut after `QUOTED_PREFIX_CHARS` characters on a
/// character boundary, with an ellipsis inside the quotes when cut.
pub fn quoted(value: &str) -> String {
    match value.char_indices().nth(QUOTED_PREFIX_CHARS) {
        None => format!("{value:?}"),
        Some((cut, _)) => {
            let mut quoted = format!("{:?}", &value[..cut]);
            quoted.insert(quoted.len() - 1, '…');
            quoted
        }
    }
}

/// `text` cut after `max_chars` characters on a character boundary, with an ellipsis when
/// cut: for messages that may carry a value inside them (a parser's own error text).
pub fn shortened(text: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", &text[..cut])),
    }
}

/// One invalid request field, named by its path in the request (`person.names[0].full_name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

/// Every problem found in a request, so that all of them are reported together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldViolations(Vec<FieldViolation>);

impl FieldViolations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation {
            field: field.into(),
            description: description.into(),
        });
    }

    /// Moves `other`'s violations in, with their paths placed under `prefix`.
    pub fn extend_under(&mut self, prefix: &str, other: FieldViolations) {
        for violation in other.0 {
            self.add(
                format!("{prefix}.{}", violation.field),
                violation.description,
            );
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldViolation> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was found, otherwise these violations.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldViolations> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl IntoIterator for FieldViolations {
    type Item = FieldViolation;
    type IntoIter = std::vec::IntoIter<FieldViolation>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for FieldViolations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|v| format!("{}: {}", v.field, v.description))
            .collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl std::error::Error for FieldViolations {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_value_is_quoted_whole() {
        assert_eq!(quoted("12/03/1984"), r#""12/03/1984""#);
        assert_eq!(quoted("a\u{0}b"), r#""a\0b""#);
    }

    #[test]
    fn a_long_value_is_cut_on_a_character_boundary_with_an_ellipsis() {
        let value = "я".repeat(100_000);
        let quoted = quoted(&value);
        assert_eq!(quoted, format!("\"{}…\"", "я".repeat(QUOTED_PREFIX_CHARS)));
        assert_eq!(quoted.chars().count(), QUOTED_PREFIX_CHARS + 3);
    }

    #[test]
    fn a_message_is_shortened_on_a_character_boundary() {
        assert_eq!(shortened("ab", 2), "ab");
        assert_eq!(shortened("äöü", 2), "äö…");
    }

    #[test]
    fn a_value_of_exactly_the_limit_is_not_cut() {
        let value = "x".repeat(QUOTED_PREFIX_CHARS);
        assert_eq!(quoted(&value), format!("{value:?}"));
    }
}
