use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A date of birth as precise as the source knows it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
/// Watchlists often give only a year, so partial dates are first-class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

/// Years outside this range are typing errors, not dates of birth.
const EARLIEST_YEAR: u16 = 1800;
const LATEST_YEAR: u16 = 2200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a date as YYYY, YYYY-MM or YYYY-MM-DD (got {0})")]
pub struct InvalidDate(String);

impl InvalidDate {
    /// Keeps only the quoted prefix of `raw`: a bad value may be of any length.
    fn of(raw: &str) -> Self {
        Self(crate::quoted(raw))
    }
}

impl PartialDate {
    pub fn year(&self) -> u16 {
        self.year
    }

    pub fn month(&self) -> Option<u8> {
        self.month
    }

    pub fn day(&self) -> Option<u8> {
        self.day
    }

    pub fn from_parts(year: u16, month: Option<u8>, day: Option<u8>) -> Result<Self, InvalidDate> {
        let invalid = || InvalidDate::of(&format_parts(year, month, day));
        if !(EARLIEST_YEAR..=LATEST_YEAR).contains(&year) {
            return Err(invalid());
        }
        if let Some(month) = month
            && !(1..=12).contains(&month)
        {
            return Err(invalid());
        }
        match (month, day) {
            (None, Some(_)) => return Err(invalid()),
            (Some(month), Some(day)) if day == 0 || day > days_in_month(year, month) => {
                return Err(invalid());
            }
            _ => {}
        }
        Ok(Self { year, month, day })
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

fn format_parts(year: u16, month: Option<u8>, day: Option<u8>) -> String {
    match (month, day) {
        (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
        (Some(m), None) => format!("{year:04}-{m:02}"),
        _ => format!("{year:04}"),
    }
}

impl FromStr for PartialDate {
    type Err = InvalidDate;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidDate::of(raw);
        let trimmed = raw.trim();
        let parts: Vec<&str> = trimmed.split('-').collect();
        let expected_lengths: &[usize] = match parts.len() {
            1 => &[4],
            2 => &[4, 2],
            3 => &[4, 2, 2],
            _ => return Err(invalid()),
        };
        let well_formed = parts
            .iter()
            .zip(expected_lengths)
            .all(|(part, len)| part.len() == *len && part.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return Err(invalid());
        }
        let year = parts[0].parse().map_err(|_| invalid())?;
        let month = parts
            .get(1)
            .map(|m| m.parse())
            .transpose()
            .map_err(|_| invalid())?;
        let day = parts
            .get(2)
            .map(|d| d.parse())
            .transpose()
            .map_err(|_| invalid())?;
        Self::from_parts(year, month, day).map_err(|_| invalid())
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_parts(self.year, self.month, self.day))
    }
}

impl TryFrom<String> for PartialDate {
    type Error = InvalidDate;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<PartialDate> for String {
    fn from(date: PartialDate) -> Self {
        date.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_year_month_and_full_dates() {
        for raw in ["1971", "1971-03", "1971-03-09", "2000-02-29"] {
            let date: PartialDate = raw.parse().expect(raw);
            assert_eq!(date.to_string(), raw);
        }
    }

    #[test]
    fn rejects_malformed_and_impossible_dates() {
        for raw in [
            "",
            "71",
            "1971-3",
            "1971-13",
            "1971-00",
            "1971-02-30",
            "1900-02-29",
            "1971/03/09",
            "09.03.1971",
            "1971-03-09T00:00",
            "１９７１",
            "0000",
            "9999",
            "1971--03",
        ] {
            assert!(
                raw.parse::<PartialDate>().is_err(),
                "{raw:?} should be rejected"
            );
        }
    }

    #[test]
    fn a_huge_bad_value_is_quoted_by_a_short_prefix() {
        let raw = "9".repeat(100_000);
        let message = raw.parse::<PartialDate>().expect_err("bad").to_string();
        assert!(message.len() < 200, "{} bytes", message.len());
        assert!(
            message.contains(&format!("{}…", "9".repeat(64))),
            "{message}"
        );
    }

    #[test]
    fn knows_its_precision() {
        let date: PartialDate = "1971-03".parse().expect("valid");
        assert_eq!(
            (date.year(), date.month(), date.day()),
            (1971, Some(3), None)
        );
    }
}
