//! Reads an XML document as a stream and builds a small element tree (element names, their
//! text and their children) for one entry at a time, handing each to the caller when it
//! closes. What lies outside the entries is checked and dropped, so that memory follows the
//! entries a list holds, not its markup: a file of millions of empty elements is refused
//! after a few thousand. Attributes, comments and processing instructions are dropped; no
//! list format uses them.

use std::borrow::Cow;

use person::{QUOTED_PREFIX_CHARS, shortened};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::super::ImportError;
use super::super::common::LineCounter;

/// The UN list is four levels deep; anything far deeper is not a list, and a bound keeps a
/// hostile file from exhausting the stack when a tree is dropped.
const MAX_DEPTH: usize = 32;
/// Elements outside the entries: the UN list has three (the root and its two groups).
pub(in crate::lists) const MAX_ELEMENTS_OUTSIDE_ENTRIES: usize = 1_000;
/// Elements inside one entry: a UN entry has a few dozen, the largest a few hundred.
pub(in crate::lists) const MAX_ELEMENTS_PER_ENTRY: usize = 5_000;
/// Text inside one entry, in bytes: the longest UN entry holds a few kilobytes.
pub(in crate::lists) const MAX_TEXT_PER_ENTRY: usize = 256 * 1024;

#[derive(Debug, Default)]
pub(in crate::lists) struct Element {
    pub name: String,
    pub text: String,
    pub line: u64,
    children: Vec<Element>,
}

impl Element {
    pub(in crate::lists) fn all<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl Iterator<Item = &'a Element> + use<'a, 'n> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child called `name`, if it has any.
    pub(in crate::lists) fn text_of(&self, name: &str) -> Option<&str> {
        self.all(name)
            .map(|c| c.text.trim())
            .find(|t| !t.is_empty())
    }
}

/// Calls `visit` with every entry of a document whose root element is `root`, in document
/// order. An entry is an element for which `is_entry(names of its ancestors, root first,
/// its name)` holds; elements inside an entry are never asked about.
///
/// # Errors
///
/// `Invalid` for a document without an element or with another root; `Malformed` with the
/// line for broken XML, nesting deeper than 32, more elements outside the entries than
/// `MAX_ELEMENTS_OUTSIDE_ENTRIES` or an entry beyond `MAX_ELEMENTS_PER_ENTRY` or
/// `MAX_TEXT_PER_ENTRY`; and whatever `visit` returns.
pub(in crate::lists) fn read_entries(
    file: &str,
    xml: &str,
    root: &str,
    is_entry: impl Fn(&[String], &str) -> bool,
    mut visit: impl FnMut(Element) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut lines = LineCounter::default();
    // Names of the open elements outside an entry, and the open elements of the entry.
    let mut outside: Vec<String> = Vec::new();
    let mut entry: Vec<Element> = Vec::new();
    let (mut outside_count, mut entry_count, mut entry_text) = (0usize, 0usize, 0usize);
    let mut seen_root = false;
    loop {
        let position = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let malformed =
            |lines: &mut LineCounter, at: usize, reason: String| ImportError::Malformed {
                file: file.to_owned(),
                line: lines.line(xml, at),
                reason,
            };
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                // quick-xml's messages name elements, which may be of any length.
                let reason = shortened(&err.to_string(), 4 * QUOTED_PREFIX_CHARS).into_owned();
                return Err(malformed(&mut lines, at, reason));
            }
        };
        let (start, empty) = match &event {
            Event::Start(start) => (Some(start), false),
            Event::Empty(start) => (Some(start), true),
            _ => (None, false),
        };
        if let Some(start) = start {
            if outside.len() + entry.len() >= MAX_DEPTH {
                return Err(malformed(
                    &mut lines,
                    position,
                    "elements nest too deeply".into(),
                ));
            }
            let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
            let line = lines.line(xml, position);
            let element = Element {
                name,
                line,
                ..Element::default()
            };
            let is_root = entry.is_empty() && outside.is_empty();
            if is_root && seen_root {
                return Err(malformed(
                    &mut lines,
                    position,
                    "a second root element".into(),
                ));
            }
            if is_root && element.name != root {
                return Err(ImportError::Invalid {
                    file: file.to_owned(),
                    reason: format!(
                        "the root element is <{}>, not <{root}>",
                        shortened(&element.name, QUOTED_PREFIX_CHARS)
                    ),
                });
            }
            seen_root |= is_root;
            if !entry.is_empty() {
                entry_count += 1;
                if entry_count > MAX_ELEMENTS_PER_ENTRY {
                    return Err(malformed(
                        &mut lines,
                        position,
                        format!("an entry with more than {MAX_ELEMENTS_PER_ENTRY} elements"),
                    ));
                }
                entry.push(element);
            } else if is_entry(&outside, &element.name) {
                (entry_count, entry_text) = (1, 0);
                entry.push(element);
            } else {
                outside_count += 1;
                if outside_count > MAX_ELEMENTS_OUTSIDE_ENTRIES {
                    return Err(malformed(
                        &mut lines,
                        position,
                        format!(
                            "more than {MAX_ELEMENTS_OUTSIDE_ENTRIES} elements outside the \
                             list's entries"
                        ),
                    ));
                }
                if !empty {
                    outside.push(element.name);
                }
                continue;
            }
            if empty {
                close(&mut entry, &mut visit)?;
            }
            continue;
        }
        let text = match event {
            Event::End(_) => {
                if entry.is_empty() {
                    outside.pop();
                } else {
                    close(&mut entry, &mut visit)?;
                }
                continue;
            }
            Event::Eof => break,
            // Text outside an entry is never read.
            _ if entry.is_empty() => continue,
            Event::Text(text) => text.xml_content().ok(),
            Event::CData(data) => data.decode().ok(),
            Event::GeneralRef(reference) => match reference.resolve_char_ref() {
                Ok(Some(c)) => Some(Cow::Owned(c.to_string())),
                _ => reference.decode().ok().map(|name| {
                    let name = name.into_owned();
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(value) => Cow::Borrowed(value),
                        None => Cow::Owned(format!("&{name};")),
                    }
                }),
            },
            _ => None,
        };
        if let (Some(top), Some(text)) = (entry.last_mut(), text) {
            entry_text += text.len();
            if entry_text > MAX_TEXT_PER_ENTRY {
                return Err(malformed(
                    &mut lines,
                    position,
                    format!("an entry with more than {MAX_TEXT_PER_ENTRY} bytes of text"),
                ));
            }
            top.text.push_str(&text);
        }
    }
    if let Some(open) = entry.last().map(|e| &e.name).or(outside.last()) {
        return Err(ImportError::Malformed {
            file: file.to_owned(),
            line: lines.line(xml, xml.len()),
            reason: format!(
                "the file ends inside <{}>",
                shortened(open, QUOTED_PREFIX_CHARS)
            ),
        });
    }
    if !seen_root {
        return Err(ImportError::Invalid {
            file: file.to_owned(),
            reason: "the file holds no XML element".to_owned(),
        });
    }
    Ok(())
}

/// Closes the innermost open element of an entry: into its parent, or, when it is the entry
/// itself, to `visit`.
fn close(
    entry: &mut Vec<Element>,
    visit: &mut impl FnMut(Element) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let Some(element) = entry.pop() else {
        return Ok(());
    };
    match entry.last_mut() {
        Some(parent) => {
            parent.children.push(element);
            Ok(())
        }
        None => visit(element),
    }
}
