//! A small element tree of an XML document: element names, their text and their children.
//! Attributes, comments and processing instructions are dropped; no list format uses them.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::super::ImportError;
use super::super::common::line_of;

/// The UN list is four levels deep; anything far deeper is not a list, and a bound keeps a
/// hostile file from exhausting the stack when the tree is dropped.
const MAX_DEPTH: usize = 32;

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

pub(in crate::lists) fn read_tree(file: &str, xml: &str) -> Result<Element, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut lines = LineCounter::default();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
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
                return Err(malformed(&mut lines, at, err.to_string()));
            }
        };
        match event {
            Event::Start(_) | Event::Empty(_) if stack.len() >= MAX_DEPTH => {
                return Err(malformed(
                    &mut lines,
                    position,
                    "elements nest too deeply".into(),
                ));
            }
            Event::Start(_) | Event::Empty(_) if stack.is_empty() && root.is_some() => {
                return Err(malformed(
                    &mut lines,
                    position,
                    "a second root element".into(),
                ));
            }
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                let line = lines.line(xml, position);
                stack.push(Element {
                    name,
                    line,
                    ..Element::default()
                });
            }
            Event::Empty(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                let line = lines.line(xml, position);
                attach(
                    &mut stack,
                    &mut root,
                    Element {
                        name,
                        line,
                        ..Element::default()
                    },
                );
            }
            Event::End(_) => {
                if let Some(element) = stack.pop() {
                    attach(&mut stack, &mut root, element);
                }
            }
            Event::Text(text) => append(&mut stack, text.xml_content().ok()),
            Event::CData(data) => append(&mut stack, data.decode().ok()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(Cow::Owned(c.to_string())),
                    _ => reference.decode().ok().map(|name| {
                        let name = name.into_owned();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(value) => Cow::Borrowed(value),
                            None => Cow::Owned(format!("&{name};")),
                        }
                    }),
                };
                append(&mut stack, resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(ImportError::Malformed {
            file: file.to_owned(),
            line: lines.line(xml, xml.len()),
            reason: format!("the file ends inside <{}>", open.name),
        });
    }
    root.ok_or_else(|| ImportError::Invalid {
        file: file.to_owned(),
        reason: "the file holds no XML element".to_owned(),
    })
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn append(stack: &mut [Element], text: Option<Cow<'_, str>>) {
    if let (Some(top), Some(text)) = (stack.last_mut(), text) {
        top.text.push_str(&text);
    }
}

/// Line numbers for byte offsets that only move forward, without rescanning the document.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    fn line(&mut self, xml: &str, offset: usize) -> u64 {
        let offset = offset.min(xml.len());
        if offset < self.offset {
            return line_of(xml.as_bytes(), offset);
        }
        let skipped = xml.as_bytes().get(self.offset..offset).unwrap_or_default();
        self.line += skipped.iter().filter(|&&b| b == b'\n').count() as u64;
        self.offset = offset;
        self.line + 1
    }
}
