//! The outputs the README shows, read leniently and compared with what the command printed.
//!
//! A shown output is JSON messages (grpcurl prints one per response), then possibly grpcurl's
//! `ERROR:` text. `…` marks what the README leaves out: as a member or element, "more may
//! follow"; as a value (`{ … as sent … }`, `[ … ]`), "anything"; inside a string, "any text
//! here". Objects and arrays without `…` must have exactly the members and elements shown.
//! Ids, times and versions are not compared: a time (`…Time`) or version (`version`,
//! `…Version`) must only be there, and an id (UUID-shaped, or an `etag` or page token) is
//! bound to the value printed in its place, so that a later command can use it (see main.rs).

use std::collections::HashMap;

use serde_json::Value;

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

/// Example ids and etags the README showed, with the values printed in their place.
pub type Bindings = HashMap<String, String>;

/// Compares a printed output with the shown one; on success, returns the new bindings.
pub fn compare(shown: &Shown, printed: &str, bindings: &Bindings) -> Result<Bindings, String> {
    if let Some(text) = &shown.text {
        return compare_text(text, printed).map(|()| Bindings::new());
    }
    let (json, error) = split_error(printed);
    let messages: Vec<Value> = serde_json::Deserializer::from_str(json)
        .into_iter()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("the printed output is not JSON messages ({e})"))?;
    match (&shown.error, error) {
        (Some(shown), Some(printed)) => compare_text(shown, printed)?,
        (Some(_), None) => return Err("the README shows an error; none was printed".into()),
        (None, Some(printed)) => return Err(format!("an error was printed: {printed}")),
        (None, None) => {}
    }
    if !shown.more && messages.len() != shown.messages.len() {
        return Err(format!(
            "{} messages printed, {} shown",
            messages.len(),
            shown.messages.len()
        ));
    }
    // Streams answer in completion order: each shown message matches a different printed one.
    let mut found = bindings.clone();
    let mut taken = vec![false; messages.len()];
    for (n, sample) in shown.messages.iter().enumerate() {
        let mut reasons = Vec::new();
        let hit = messages.iter().enumerate().find_map(|(i, message)| {
            if taken[i] {
                return None;
            }
            let mut trial = found.clone();
            match matches(sample, message, "", "", &mut trial) {
                Ok(()) => Some((i, trial)),
                Err(reason) => {
                    reasons.push(reason);
                    None
                }
            }
        });
        let (i, trial) = hit.ok_or_else(|| {
            format!(
                "shown message {} matches no printed one: {}",
                n + 1,
                reasons.join("; ")
            )
        })?;
        taken[i] = true;
        found = trial;
    }
    found.retain(|k, _| !bindings.contains_key(k));
    Ok(found)
}

fn is_id(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The fields whose values are ids: bound, not compared.
pub const ID_FIELDS: [&str; 3] = ["etag", "nextPageToken", "id"];

fn matches(
    sample: &Sample,
    actual: &Value,
    key: &str,
    path: &str,
    bindings: &mut Bindings,
) -> Result<(), String> {
    let mismatch = || format!("{path}: shown {sample:?}, printed {actual}");
    match (sample, actual) {
        (Sample::Any, _) => Ok(()),
        (Sample::Str(shown), Value::String(printed))
            if ID_FIELDS.contains(&key) || is_id(shown) =>
        {
            match bindings.get(shown) {
                Some(bound) if bound != printed => Err(format!(
                    "{path}: {shown} stands for {bound} (from an earlier output), printed {printed}"
                )),
                Some(_) => Ok(()),
                None => {
                    bindings.insert(shown.clone(), printed.clone());
                    Ok(())
                }
            }
        }
        (Sample::Str(_), Value::String(_))
            if key.ends_with("Time") || key.ends_with("Version") || key == "version" =>
        {
            Ok(())
        }
        (Sample::Str(shown), Value::String(printed)) if shown.contains('…') => {
            contains_in_order(printed, shown)
                .then_some(())
                .ok_or_else(mismatch)
        }
        (Sample::Str(shown), Value::String(printed)) if shown == printed => Ok(()),
        (Sample::Number(shown), Value::Number(printed)) => {
            let printed = printed.as_f64().unwrap_or(f64::NAN);
            ((shown - printed).abs() <= 1e-9 * shown.abs().max(1.0))
                .then_some(())
                .ok_or_else(mismatch)
        }
        (Sample::Bool(shown), Value::Bool(printed)) if shown == printed => Ok(()),
        (Sample::Null, Value::Null) => Ok(()),
        (Sample::Array(items, more), Value::Array(printed)) => {
            if printed.len() < items.len() || (!more && printed.len() != items.len()) {
                return Err(format!(
                    "{path}: {} elements printed, {} shown{}",
                    printed.len(),
                    items.len(),
                    if *more { " and more" } else { "" }
                ));
            }
            for (i, (item, value)) in items.iter().zip(printed).enumerate() {
                matches(item, value, key, &format!("{path}[{i}]"), bindings)?;
            }
            Ok(())
        }
        (Sample::Object(members, more), Value::Object(printed)) => {
            for (name, item) in members {
                let value = printed
                    .get(name)
                    .ok_or_else(|| format!("{path}.{name}: shown, not printed"))?;
                matches(item, value, name, &format!("{path}.{name}"), bindings)?;
            }
            if !more {
                if let Some(extra) = printed
                    .keys()
                    .find(|k| !members.iter().any(|(name, _)| name == *k))
                {
                    return Err(format!(
                        "{path}.{extra}: printed, not shown (add it, or `…` where the README trims)"
                    ));
                }
            }
            Ok(())
        }
        _ => Err(mismatch()),
    }
}

/// Whether the pieces of `shown` between its `…` appear in `printed`, in order.
fn contains_in_order(printed: &str, shown: &str) -> bool {
    let mut rest = printed;
    for piece in shown.split('…').filter(|p| !p.is_empty()) {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// Text output (grpcurl's errors, `list`, `describe`): every shown line is printed, in
/// order, with runs of white space read as one space; a line of `…` alone allows more lines.
pub fn compare_text(shown: &str, printed: &str) -> Result<(), String> {
    let normal = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect()
    };
    let (shown, printed) = (normal(shown), normal(printed));
    let more = shown.iter().any(|l| l == "…");
    let wanted: Vec<&String> = shown.iter().filter(|l| *l != "…").collect();
    if !more && wanted.len() != printed.len() {
        return Err(format!(
            "{} lines printed, {} shown:\n{}",
            printed.len(),
            wanted.len(),
            printed.join("\n")
        ));
    }
    let mut rest = printed.iter();
    for line in wanted {
        if !rest.any(|p| {
            contains_in_order(p, line) && p.starts_with(line.split('…').next().unwrap_or(""))
        }) {
            return Err(format!(
                "shown line not printed (in order): {line}\nprinted:\n{}",
                printed.join("\n")
            ));
        }
    }
    Ok(())
}
