//! A strict reader of RFC 4180 CSV for users' own lists.
//!
//! The `csv` crate is lenient by design: an unclosed quote swallows the rest of the file into
//! one field, and a stray quote is kept as text. For a watchlist that is silent data loss (a
//! list of 10,000 entries read as 10), so this reader refuses anything that is not plainly
//! well formed, and says where: the 1-based line and column (in characters) of the fault.

use std::borrow::Cow;

use person::quoted;

/// No cell of a user's list comes near this; it bounds what one field can hold before the
/// file is refused, whatever the file's size.
pub(in crate::lists) const MAX_FIELD_BYTES: usize = 64 * 1024;

/// One cell and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Field<'a> {
    pub text: Cow<'a, str>,
    pub line: u64,
    pub column: u64,
}

/// One row: its cells and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record<'a> {
    pub line: u64,
    pub fields: Vec<Field<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {reason}")]
pub(super) struct SyntaxError {
    pub line: u64,
    pub column: u64,
    pub reason: String,
}

pub(super) struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: u64,
    column: u64,
    /// The one column whose quoted cells may hold tabs and line breaks (`remarks`).
    free_text: Option<usize>,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            line: 1,
            column: 1,
            free_text: None,
        }
    }

    /// Lets the cells of column `index` (0-based) hold tabs and, when quoted, line breaks.
    pub fn allow_free_text_in(&mut self, index: Option<usize>) {
        self.free_text = index;
    }

    /// The next row, skipping blank lines; `None` at the end of the file.
    pub fn record(&mut self) -> Result<Option<Record<'a>>, SyntaxError> {
        while let Some(end) = self.line_end() {
            self.advance(end);
        }
        if self.pos >= self.text.len() {
            return Ok(None);
        }
        let line = self.line;
        let mut fields = Vec::new();
        loop {
            fields.push(self.field(fields.len())?);
            if self.rest().starts_with(',') {
                self.advance(1);
                continue;
            }
            if let Some(end) = self.line_end() {
                self.advance(end);
            }
            return Ok(Some(Record { line, fields }));
        }
    }

    fn field(&mut self, index: usize) -> Result<Field<'a>, SyntaxError> {
        let (line, column) = (self.line, self.column);
        let free_text = self.free_text == Some(index);
        let start = self.pos;
        let text = if self.rest().starts_with('"') {
            Cow::Owned(self.quoted_cell(line, column, free_text)?)
        } else {
            while let Some(c) = self.rest().chars().next() {
                if c == ',' || self.line_end().is_some() {
                    break;
                }
                if c == '"' {
                    return Err(self.error(
                        "a quote inside an unquoted cell; quote the whole cell and double \
                         the quotes inside it (\"a \"\"b\"\" c\")"
                            .to_owned(),
                    ));
                }
                self.check_char(c, free_text)?;
                if self.pos - start >= MAX_FIELD_BYTES {
                    return Err(too_long(line, column, &self.text[start..]));
                }
                self.advance(c.len_utf8());
            }
            Cow::Borrowed(&self.text[start..self.pos])
        };
        Ok(Field { text, line, column })
    }

    /// A quoted cell, from its opening quote to just after its closing one.
    fn quoted_cell(
        &mut self,
        line: u64,
        column: u64,
        free_text: bool,
    ) -> Result<String, SyntaxError> {
        let opening = self.pos;
        let unclosed = |reason: &str, text: &str| SyntaxError {
            line,
            column,
            reason: format!(
                "{reason}, near {}",
                quoted(text.get(opening..).unwrap_or_default())
            ),
        };
        self.advance(1);
        let mut value = String::new();
        loop {
            let Some(c) = self.rest().chars().next() else {
                return Err(unclosed("the quote opened here is never closed", self.text));
            };
            if c == '"' {
                self.advance(1);
                if self.rest().starts_with('"') {
                    value.push('"');
                    self.advance(1);
                    continue;
                }
                if self.rest().is_empty()
                    || self.rest().starts_with(',')
                    || self.line_end().is_some()
                {
                    return Ok(value);
                }
                return Err(self.error(
                    "after a closing quote a cell must end (a comma or the end of the line)"
                        .to_owned(),
                ));
            }
            if (c == '\n' || c == '\r') && !free_text {
                // Almost always a quote someone forgot to close: point at the quote.
                return Err(unclosed(
                    "the quote opened here is not closed on its line (only remarks may span lines)",
                    self.text,
                ));
            }
            self.check_char(c, free_text)?;
            value.push(c);
            if value.len() > MAX_FIELD_BYTES {
                return Err(too_long(line, column, &value));
            }
            self.advance(c.len_utf8());
        }
    }

    /// Control characters have no place in a name, a date or a code: they hide text from
    /// the people reading a list, and line separators break the logs that quote it.
    fn check_char(&self, c: char, free_text: bool) -> Result<(), SyntaxError> {
        let allowed = match c {
            '\t' | '\n' | '\r' => free_text,
            '\u{2028}' | '\u{2029}' => false,
            c => !c.is_control(),
        };
        if allowed {
            return Ok(());
        }
        Err(self.error(format!(
            "the control character U+{:04X} is not allowed here",
            u32::from(c)
        )))
    }

    /// The length of the line break at the current position, if there is one.
    fn line_end(&self) -> Option<usize> {
        let rest = self.rest();
        if rest.starts_with('\n') {
            Some(1)
        } else if rest.starts_with("\r\n") {
            Some(2)
        } else {
            None
        }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    /// Moves `bytes` forward, which must end on a character boundary, counting lines and
    /// columns on the way.
    fn advance(&mut self, bytes: usize) {
        let passed = self
            .text
            .get(self.pos..self.pos + bytes)
            .unwrap_or_default();
        for c in passed.chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.pos += bytes;
    }

    fn error(&self, reason: String) -> SyntaxError {
        SyntaxError {
            line: self.line,
            column: self.column,
            reason,
        }
    }
}

fn too_long(line: u64, column: u64, text: &str) -> SyntaxError {
    SyntaxError {
        line,
        column,
        reason: format!(
            "a cell longer than {MAX_FIELD_BYTES} bytes, starting {}",
            quoted(text)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Result<Vec<Vec<String>>, SyntaxError> {
        let mut reader = Reader::new(text);
        reader.allow_free_text_in(Some(2));
        let mut rows = Vec::new();
        while let Some(record) = reader.record()? {
            rows.push(
                record
                    .fields
                    .into_iter()
                    .map(|f| f.text.into_owned())
                    .collect(),
            );
        }
        Ok(rows)
    }

    fn position(text: &str) -> (u64, u64) {
        let error = records(text).expect_err("refused");
        (error.line, error.column)
    }

    #[test]
    fn reads_plain_and_quoted_cells_with_crlf_and_blank_lines() {
        let rows = records("a,\"b, \"\"c\"\"\",\r\n\n\"\",x,\"two\nlines\"").expect("valid");
        assert_eq!(
            rows,
            [vec!["a", "b, \"c\"", ""], vec!["", "x", "two\nlines"]]
        );
    }

    #[test]
    fn cells_know_where_they_start() {
        let mut reader = Reader::new("id,name\nя1,\"Б\"\n");
        reader.record().expect("header");
        let record = reader.record().expect("valid").expect("a row");
        assert_eq!(record.line, 2);
        let starts: Vec<(u64, u64)> = record.fields.iter().map(|f| (f.line, f.column)).collect();
        assert_eq!(starts, [(2, 1), (2, 4)]);
    }

    #[test]
    fn an_unclosed_quote_is_refused_where_it_opens() {
        let swallowing = "id,name,remarks\n1,\"Kamoliddin,x\n2,Layla,y\n";
        assert_eq!(position(swallowing), (2, 3));
        let error = records(swallowing).expect_err("refused");
        assert!(error.reason.contains("not closed on its line"), "{error}");
        assert_eq!(
            position("id,name,remarks\n1,a,\"never closed\n2,b,c\n"),
            (2, 5)
        );
        assert!(
            records("1,a,\"x")
                .expect_err("eof")
                .reason
                .contains("never closed")
        );
    }

    #[test]
    fn stray_quotes_and_text_after_a_closing_quote_are_refused() {
        assert_eq!(position("1,Jo \"Jo\" Doe,x\n"), (1, 6));
        assert_eq!(position("1,\"Jo\"hn,x\n"), (1, 7));
        assert_eq!(position("1, \"Jo\",x\n"), (1, 4));
    }

    #[test]
    fn control_characters_are_refused_outside_remarks() {
        for (text, column) in [
            ("1,a\u{0}b,x", 4),
            ("1,\"a\u{1b}\",x", 5),
            ("1,a\tb,x", 4),
            ("1,a\u{85}b,x", 4),
            ("1,a\u{2028}b,x", 4),
            ("1,a\rb,x", 4),
            ("1,a,b\u{7}", 6),
        ] {
            assert_eq!(position(text), (1, column), "{text:?}");
        }
        assert!(records("1,a,\"tab\there\r\nand a line\"").is_ok());
    }

    #[test]
    fn an_over_long_cell_is_refused_early_with_a_short_quote() {
        for text in [
            format!("1,{},x", "n".repeat(MAX_FIELD_BYTES + 1)),
            format!("1,\"{}\",x", "n".repeat(MAX_FIELD_BYTES + 1)),
        ] {
            let error = records(&text).expect_err("too long");
            assert_eq!((error.line, error.column), (1, 3));
            assert!(error.reason.len() < 200, "{}", error.reason);
        }
        assert!(records(&format!("1,{},x", "n".repeat(MAX_FIELD_BYTES))).is_ok());
    }
}
