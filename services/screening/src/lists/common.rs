//! Pieces every list format needs: text decoding, name and date bookkeeping.

use std::borrow::Cow;

use person::PartialDate;

use super::ImportError;
use crate::domain::entry::{EntryName, NameKind};

/// A date range wider than this many years says little about a person; the first years of
/// it are kept so that the entry still matches on them.
pub(super) const MAX_RANGE_YEARS: u16 = 10;

/// Names one entry of a public list may be given (aliases and original scripts included):
/// the most on OFAC's and the UN's lists is under 100. Each name is compared with the
/// entry's others as it is added, so the bound also keeps that work small.
pub(super) const MAX_NAMES_PER_ENTRY: usize = 500;

/// Remarks of one OFAC entry once its continuations are joined: the longest is under 2 KB.
pub(super) const MAX_REMARKS_BYTES: usize = 64 * 1024;

/// The file as text: UTF-8 with an optional byte-order mark.
pub(super) fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|err| {
        let valid = bytes.get(..err.valid_up_to()).unwrap_or_default();
        ImportError::Malformed {
            file: file.to_owned(),
            line: line_of(valid, valid.len()),
            reason: "the file is not valid UTF-8".to_owned(),
        }
    })
}

/// OFAC's files as text. They are ASCII today, but older downloads are Latin-1, where every
/// byte is its own code point.
pub(super) fn utf8_or_latin1(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// The 1-based line holding byte `offset`.
pub(super) fn line_of(bytes: &[u8], offset: usize) -> u64 {
    let before = bytes.get(..offset).unwrap_or(bytes);
    1 + before.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Adds a name unless the entry already has it (compared without case or spacing
/// differences). A repeated name keeps the stronger of its two kinds, so an alias given as
/// weak in one place and strong in another stays strong.
pub(super) fn push_name(names: &mut Vec<EntryName>, full_name: &str, kind: NameKind) {
    let full_name = collapse_spaces(full_name);
    if full_name.is_empty() {
        return;
    }
    let key = full_name.to_lowercase();
    if let Some(existing) = names
        .iter_mut()
        .find(|n| collapse_spaces(&n.full_name).to_lowercase() == key)
    {
        if existing.kind == NameKind::WeakAlias && kind == NameKind::Alias {
            existing.kind = NameKind::Alias;
        }
        return;
    }
    names.push(EntryName::new(full_name, kind));
}

/// Line numbers for byte offsets that only move forward, without rescanning the document.
#[derive(Default)]
pub(super) struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    pub(super) fn line(&mut self, text: &str, offset: usize) -> u64 {
        let offset = offset.min(text.len());
        if offset < self.offset {
            return line_of(text.as_bytes(), offset);
        }
        let skipped = text.as_bytes().get(self.offset..offset).unwrap_or_default();
        self.line += skipped.iter().filter(|&&b| b == b'\n').count() as u64;
        self.offset = offset;
        self.line + 1
    }
}

pub(super) fn push_unique<T: PartialEq>(items: &mut Vec<T>, item: T) {
    if !items.contains(&item) {
        items.push(item);
    }
}

/// Every year from `from` to `to`, at most `MAX_RANGE_YEARS` of them; nothing when the range
/// runs backwards.
pub(super) fn year_range(from: u16, to: u16) -> Vec<PartialDate> {
    if to < from {
        return Vec::new();
    }
    (from..=to)
        .take(usize::from(MAX_RANGE_YEARS))
        .filter_map(|year| PartialDate::from_parts(year, None, None).ok())
        .collect()
}

/// As precise a date as the parts allow: an impossible day falls back to the month, an
/// impossible month to the year.
pub(super) fn best_date(year: u16, month: Option<u8>, day: Option<u8>) -> Option<PartialDate> {
    PartialDate::from_parts(year, month, day)
        .or_else(|_| PartialDate::from_parts(year, month, None))
        .or_else(|_| PartialDate::from_parts(year, None, None))
        .ok()
}

pub(super) fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `s` without `prefix`, ignoring ASCII case.
pub(super) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_name_is_kept_once_and_keeps_its_strongest_kind() {
        let mut names = vec![EntryName::new("ABU BAKR", NameKind::Primary)];
        push_name(&mut names, "abu  bakr", NameKind::Alias);
        push_name(&mut names, "AL-BAGHDADI", NameKind::WeakAlias);
        push_name(&mut names, "al-baghdadi", NameKind::Alias);
        push_name(&mut names, "   ", NameKind::Alias);
        assert_eq!(
            names,
            vec![
                EntryName::new("ABU BAKR", NameKind::Primary),
                EntryName::new("AL-BAGHDADI", NameKind::Alias),
            ]
        );
    }

    #[test]
    fn year_ranges_are_capped_and_never_run_backwards() {
        assert_eq!(year_range(1955, 1958).len(), 4);
        assert_eq!(year_range(1900, 1990).len(), usize::from(MAX_RANGE_YEARS));
        assert!(year_range(1960, 1950).is_empty());
        assert!(year_range(0, 3).is_empty());
    }

    #[test]
    fn impossible_days_fall_back_to_the_month() {
        assert_eq!(
            best_date(1970, Some(2), Some(31)).map(|d| d.to_string()),
            Some("1970-02".to_owned())
        );
        assert_eq!(best_date(12, None, None), None);
    }

    #[test]
    fn invalid_utf8_is_reported_with_its_line() {
        let err = utf8("x.csv", b"id,name\n1,\xFF\n").expect_err("invalid");
        assert!(
            matches!(err, ImportError::Malformed { line: 2, .. }),
            "{err}"
        );
        assert_eq!(utf8("x.csv", b"\xEF\xBB\xBFid").ok(), Some("id"));
    }

    #[test]
    fn prefixes_match_without_case_and_never_split_a_character() {
        assert_eq!(strip_prefix_ci("DOB 1962", "dob "), Some("1962"));
        assert_eq!(strip_prefix_ci("Dé", "dx"), None);
        assert_eq!(strip_prefix_ci("D", "dob"), None);
    }
}
