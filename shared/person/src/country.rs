use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An ISO 3166-1 alpha-2 country code, upper-case.
///
/// Country names are refused rather than guessed: "Georgia" or "Congo" are ambiguous, and a
/// wrong guess silently changes a screening score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

/// The officially assigned ISO 3166-1 alpha-2 codes, plus `XK` (Kosovo), which the EU, the UN
/// lists and many passports use as a user-assigned code.
const ASSIGNED: [&str; 250] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW", "XK",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCountry {
    #[error(
        "must be an ISO 3166-1 alpha-2 code such as \"TJ\"; country names are not accepted (got {0})"
    )]
    /// Holds the bad value quoted by its prefix (`crate::quoted`).
    NotACode(String),
    #[error("{0} is not an assigned ISO 3166-1 alpha-2 code")]
    /// Holds the bad value quoted by its prefix (`crate::quoted`).
    Unassigned(String),
}

impl CountryCode {
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl FromStr for CountryCode {
    type Err = InvalidCountry;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let trimmed = raw.trim();
        if trimmed.len() != 2 || !trimmed.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(InvalidCountry::NotACode(crate::quoted(raw)));
        }
        let upper = trimmed.to_ascii_uppercase();
        if !ASSIGNED.contains(&upper.as_str()) {
            return Err(InvalidCountry::Unassigned(crate::quoted(raw)));
        }
        let bytes = upper.as_bytes();
        Ok(Self([bytes[0], bytes[1]]))
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CountryCode {
    type Error = InvalidCountry;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<CountryCode> for String {
    fn from(code: CountryCode) -> Self {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_assigned_codes_in_either_case() {
        assert_eq!("TJ".parse::<CountryCode>().expect("valid").as_str(), "TJ");
        assert_eq!("uz".parse::<CountryCode>().expect("valid").as_str(), "UZ");
    }

    #[test]
    fn rejects_country_names_with_a_message_that_says_so() {
        let err = "Tajikistan".parse::<CountryCode>().expect_err("a name");
        assert!(err.to_string().contains("country names are not accepted"));
    }

    #[test]
    fn rejects_unassigned_and_three_letter_codes() {
        for raw in ["ZZ", "TJK", "T", "", "1A"] {
            assert!(raw.parse::<CountryCode>().is_err(), "{raw:?}");
        }
    }
}
