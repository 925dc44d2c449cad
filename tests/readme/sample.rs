//! The outputs the README shows, read leniently and compared with what the command printed.
//!
//! A shown output is JSON messages (grpcurl prints one per response), then possibly grpcurl's
//! `ERROR:` text. `…` marks what the README leaves out: as a member or element, "more may
//! follow"; as a value (`{ … as sent … }`, `[ … ]`), "anything"; inside a string, "any text
//! here". Objects and arrays without `…` must have exactly the members and elements shown.
//! Ids, times and versions are not compared: a time (`…Time`) or version (`version`,
//! `…Version`) must only be there, and an id (UUID-shaped, or an `etag` or page token) is
//! bound to the value printed in its place, so that a later command can use it (see main.rs).
//! The comparison itself is in compare.rs.

#[derive(Debug, Clone, PartialEq)]
pub enum Sample {
    Any,
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Sample>, More),
    Object(Vec<(String, Sample)>, More),
}

/// Whether the README left something out after what it shows.
pub type More = bool;

/// A shown output: its messages, whether more messages may follow, and grpcurl's error
/// text; or, for output that is not JSON (`list`, `describe`), its text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shown {
    pub messages: Vec<Sample>,
    pub more: More,
    pub error: Option<String>,
    pub text: Option<String>,
}

pub fn parse_shown(text: &str) -> Result<Shown, String> {
    let (json, error) = split_error(text);
    if !json.trim().is_empty() && !json.trim_start().starts_with(['{', '…']) {
        return Ok(Shown {
            text: Some(text.to_owned()),
            ..Shown::default()
        });
    }
    let mut parser = Parser {
        chars: json.chars().collect(),
        at: 0,
    };
    let mut shown = Shown {
        error: error.map(str::to_owned),
        ..Shown::default()
    };
    loop {
        parser.skip_space();
        match parser.peek() {
            None => return Ok(shown),
            Some('…') => {
                parser.ellipsis();
                shown.more = true;
            }
            Some(_) => shown.messages.push(parser.value()?),
        }
    }
}

/// The JSON before grpcurl's `ERROR:` line, and the error text from it on.
pub fn split_error(text: &str) -> (&str, Option<&str>) {
    match text
        .find("ERROR:\n")
        .filter(|&at| at == 0 || text[..at].ends_with('\n'))
    {
        Some(at) => (&text[..at], Some(&text[at..])),
        None if text.trim_end() == "ERROR:" => ("", Some(text)),
        None => (text, None),
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn error(&self, what: &str) -> String {
        let context: String = self.chars[self.at.min(self.chars.len())..]
            .iter()
            .take(40)
            .collect();
        format!("{what} at {context:?}")
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.skip_space();
        if self.peek() == Some(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected {c:?}")))
        }
    }

    /// `…` and any words after it (`… as sent …`) up to the next separator.
    fn ellipsis(&mut self) {
        while self
            .peek()
            .is_some_and(|c| !matches!(c, ',' | '}' | ']' | '\n'))
        {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Result<Sample, String> {
        self.skip_space();
        match self.peek() {
            Some('…') => {
                self.ellipsis();
                Ok(Sample::Any)
            }
            Some('{') => self.object(),
            Some('[') => self.array(),
            Some('"') => self.string().map(Sample::Str),
            Some(_) => self.literal(),
            None => Err(self.error("expected a value")),
        }
    }

    fn object(&mut self) -> Result<Sample, String> {
        self.expect('{')?;
        let (mut members, mut more) = (Vec::new(), false);
        loop {
            self.skip_space();
            match self.peek() {
                Some('}') => {
                    self.at += 1;
                    return Ok(Sample::Object(members, more));
                }
                Some('…') => {
                    self.ellipsis();
                    more = true;
                    // The README writes a trimmed line as `…` alone, with or without a comma.
                    self.optional_comma();
                    continue;
                }
                _ => {
                    let key = self.string()?;
                    self.expect(':')?;
                    members.push((key, self.value()?));
                }
            }
            self.separator('}')?;
        }
    }

    fn array(&mut self) -> Result<Sample, String> {
        self.expect('[')?;
        let (mut items, mut more) = (Vec::new(), false);
        loop {
            self.skip_space();
            match self.peek() {
                Some(']') => {
                    self.at += 1;
                    return Ok(Sample::Array(items, more));
                }
                Some('…') => {
                    self.ellipsis();
                    more = true;
                    self.optional_comma();
                    continue;
                }
                _ => items.push(self.value()?),
            }
            self.separator(']')?;
        }
    }

    fn optional_comma(&mut self) {
        self.skip_space();
        if self.peek() == Some(',') {
            self.at += 1;
        }
    }

    fn separator(&mut self, close: char) -> Result<(), String> {
        self.skip_space();
        match self.peek() {
            Some(',') => {
                self.at += 1;
                Ok(())
            }
            Some(c) if c == close => Ok(()),
            _ => Err(self.error(&format!("expected ',' or {close:?}"))),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.skip_space();
        let start = self.at;
        self.expect('"')?;
        loop {
            match self.peek() {
                Some('\\') => self.at += 2,
                Some('"') => {
                    self.at += 1;
                    break;
                }
                Some(_) => self.at += 1,
                None => return Err(self.error("a string never ends")),
            }
        }
        let literal: String = self.chars[start..self.at].iter().collect();
        serde_json::from_str(&literal).map_err(|e| format!("{literal}: {e}"))
    }

    fn literal(&mut self) -> Result<Sample, String> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '+' | '.'))
        {
            self.at += 1;
        }
        let word: String = self.chars[start..self.at].iter().collect();
        match word.as_str() {
            "true" => Ok(Sample::Bool(true)),
            "false" => Ok(Sample::Bool(false)),
            "null" => Ok(Sample::Null),
            _ => word
                .parse()
                .map(Sample::Number)
                .map_err(|_| self.error("expected a value")),
        }
    }
}
