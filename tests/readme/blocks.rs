//! Finding the README's runnable examples: the fenced `sh` blocks that carry a
//! `<!-- readme-test: KIND -->` marker, cut into commands and the output each shows.

/// A marked block: which stack it runs against, where it is, and its commands in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: String,
    /// 1-based line of the opening fence, for messages.
    pub line: usize,
    pub commands: Vec<Command>,
}

/// One command as the README writes it (continuation lines included) and the output shown
/// under it; `None` for a block without `$ ` prompts, which shows no output.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub text: String,
    pub shown_output: Option<String>,
}

const MARKER: &str = "<!-- readme-test:";

/// Every marked block of `markdown`. An `sh` block that calls `grpcurl` without a marker is
/// an error: an example that talks to a running stack must be tested, or say why not
/// (`<!-- readme-test: none, REASON -->`).
pub fn marked_blocks(markdown: &str) -> Result<Vec<Block>, String> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let opening = lines[i].trim_start();
        if !opening.starts_with("```") {
            i += 1;
            continue;
        }
        let language = opening.trim_start_matches('`').trim();
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].trim_start().starts_with("```"))
            .ok_or_else(|| format!("line {}: a code block is never closed", i + 1))?;
        let body = &lines[i + 1..end];
        let marker = i
            .checked_sub(1)
            .map(|j| lines[j].trim())
            .and_then(|l| l.strip_prefix(MARKER))
            .and_then(|l| l.strip_suffix("-->"))
            .map(|l| l.trim().to_owned());
        match marker {
            Some(kind) if kind.starts_with("none") => {}
            Some(kind) => blocks.push(Block {
                kind,
                line: i + 1,
                commands: commands(body).map_err(|e| format!("line {}: {e}", i + 1))?,
            }),
            None if language == "sh" && body.iter().any(|l| l.contains("grpcurl ")) => {
                return Err(format!(
                    "line {}: this sh block calls grpcurl but has no `{MARKER} KIND -->` line \
                     before it",
                    i + 1
                ));
            }
            None => {}
        }
        i = end + 1;
    }
    Ok(blocks)
}

/// The commands of a block. With `$ ` prompts, each prompt starts a command and the lines
/// after it (once its quotes close and no line ends in `\`) are its output; without, every
/// line belongs to a command.
fn commands(body: &[&str]) -> Result<Vec<Command>, String> {
    let transcript = body.iter().any(|l| l.starts_with("$ "));
    let mut commands = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let line = body[i];
        let start = if transcript {
            match line.strip_prefix("$ ") {
                Some(rest) => rest,
                None if line.trim().is_empty() => {
                    i += 1;
                    continue;
                }
                None => return Err(format!("output without a command: {line:?}")),
            }
        } else if line.trim().is_empty() || line.trim_start().starts_with('#') {
            i += 1;
            continue;
        } else {
            line
        };
        let mut text = start.to_owned();
        let mut quotes = Quotes::default();
        quotes.read(start);
        i += 1;
        while quotes.open() || text.trim_end().ends_with('\\') {
            let next = body
                .get(i)
                .ok_or_else(|| format!("the command never ends: {text}"))?;
            text.push('\n');
            text.push_str(next);
            quotes.read(next);
            i += 1;
        }
        let shown_output = transcript.then(|| {
            let end = (i..body.len())
                .find(|&j| body[j].starts_with("$ "))
                .unwrap_or(body.len());
            let output = body[i..end].join("\n").trim().to_owned();
            i = end;
            output
        });
        commands.push(Command { text, shown_output });
    }
    Ok(commands)
}

/// Which shell quote is open after the text read so far: enough of the shell's rules to
/// tell where a command that spans lines ends.
#[derive(Debug, Default)]
struct Quotes {
    single: bool,
    double: bool,
}

impl Quotes {
    fn read(&mut self, line: &str) {
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' if !self.double => self.single = !self.single,
                '"' if !self.single => self.double = !self.double,
                '\\' if !self.single => {
                    chars.next();
                }
                _ => {}
            }
        }
    }

    fn open(&self) -> bool {
        self.single || self.double
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transcript_is_cut_into_commands_with_their_continuations_and_outputs() {
        let readme = "<!-- readme-test: stack -->\n```sh\n$ grpcurl -d '{\n    \"a\": 1\n  }' \\\n    host list\n{\n  \"b\": 2\n}\n\n$ grpcurl host list\nERROR:\n  Code: NotFound\n```\n";

        let blocks = marked_blocks(readme).expect("parsed");

        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].kind, "stack");
        assert_eq!(
            blocks[0].commands,
            [
                Command {
                    text: "grpcurl -d '{\n    \"a\": 1\n  }' \\\n    host list".into(),
                    shown_output: Some("{\n  \"b\": 2\n}".into()),
                },
                Command {
                    text: "grpcurl host list".into(),
                    shown_output: Some("ERROR:\n  Code: NotFound".into()),
                },
            ]
        );
    }

    #[test]
    fn a_block_without_prompts_is_commands_only_and_escaped_quotes_stay_inside() {
        let readme = "<!-- readme-test: stack -->\n```sh\ngrpcurl -d \"{\n  \\\"n\\\": \\\"x\\\"\n}\" host m\n# a comment\ngrpcurl host list\n```\n";

        let blocks = marked_blocks(readme).expect("parsed");

        let texts: Vec<_> = blocks[0].commands.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "grpcurl -d \"{\n  \\\"n\\\": \\\"x\\\"\n}\" host m",
                "grpcurl host list"
            ]
        );
        assert!(blocks[0].commands.iter().all(|c| c.shown_output.is_none()));
    }

    #[test]
    fn a_grpcurl_block_without_a_marker_is_refused_and_one_marked_none_is_left_out() {
        let unmarked = "text\n\n```sh\ngrpcurl host list\n```\n";
        let excused =
            "<!-- readme-test: none, production addresses -->\n```sh\ngrpcurl host list\n```\n";

        let error = marked_blocks(unmarked).expect_err("refused");

        assert!(error.contains("line 3"), "{error}");
        assert_eq!(marked_blocks(excused), Ok(Vec::new()));
    }
}
