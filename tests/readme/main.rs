//! The README's examples, run as written against the real `stack` binary (`cargo run`).
//!
//! Convention, for whoever writes an example:
//! - Put `<!-- readme-test: stack -->` on the line before a fenced `sh` block to have it run,
//!   in document order, against one stack started as `cargo run` starts it (its `data/`
//!   folder in the current directory). Every `sh` block that calls `grpcurl` needs a marker;
//!   `<!-- readme-test: compose -->` blocks run in the compose end-to-end tests instead, and
//!   `<!-- readme-test: none, REASON -->` excuses a block (production addresses, say).
//! - Write a transcript (`$ ` before each command, its output under it) to have the output
//!   checked, or bare commands to have them only succeed. An output starting with `ERROR:`
//!   (grpcurl's) expects the command to fail with what it shows. How outputs are compared,
//!   and what `…` leaves out, is in sample.rs: ids, times and versions are not compared.
//! - Ids and etags: use in a command (`"id"`, `"subjectId"`, `"etag"`, `"pageToken"`) a value
//!   that an earlier output of the README shows; the test puts the value really printed there
//!   in its place. A value that no earlier output shows fails the test.
//! - The stack listens on port 0 here: `127.0.0.1:50051` and `127.0.0.1:50052` in a command
//!   become the registry's and screening's real addresses (add a line to `addresses` for
//!   another listener, such as a metrics port).
//!
//! grpcurl is found on PATH, as `$GRPCURL`, or where `scripts/install-grpcurl.sh` puts it;
//! when none is found the test runs that script itself, so `cargo test` alone suffices.

mod blocks;
mod compare;
mod sample;
#[cfg(test)]
mod sample_tests;
mod stack;

use std::path::Path;

use blocks::marked_blocks;
use compare::{Bindings, compare};
use sample::parse_shown;

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    std::fs::read_to_string(&path).expect("the README")
}

/// Puts the value printed in place of each README id or etag into `command`.
fn with_bound_values(command: &str, bindings: &Bindings) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = command;
    while let Some((before, key, value, after)) = next_bound_field(rest) {
        let printed = bindings.get(value).ok_or_else(|| {
            format!("\"{key}\": \"{value}\" is not shown by any earlier output of the README")
        })?;
        out.push_str(before);
        out.push_str(&format!("\"{key}\": \"{printed}\""));
        rest = after;
    }
    out.push_str(rest);
    Ok(out)
}

/// The first `"KEY": "VALUE"` in `text` whose key names an id, with what is around it.
fn next_bound_field(text: &str) -> Option<(&str, &str, &str, &str)> {
    const KEYS: [&str; 4] = ["id", "subjectId", "etag", "pageToken"];
    KEYS.iter()
        .filter_map(|key| {
            let pattern = format!("\"{key}\": \"");
            let at = text.find(&pattern)?;
            let value_start = at + pattern.len();
            let value_end = value_start + text[value_start..].find('"')?;
            Some((
                &text[..at],
                *key,
                &text[value_start..value_end],
                &text[value_end + 1..],
            ))
        })
        .min_by_key(|(before, ..)| before.len())
}

#[test]
fn every_stack_example_in_the_readme_runs_and_prints_what_the_readme_shows() {
    let blocks = marked_blocks(&readme()).expect("the README's examples");
    let examples: Vec<_> = blocks.iter().filter(|b| b.kind == "stack").collect();
    assert!(
        examples.len() >= 5,
        "the README's stack examples were found"
    );
    let stack = stack::Stack::start();
    let mut bindings = Bindings::new();
    let mut failures = Vec::new();

    for block in examples {
        for command in &block.commands {
            let where_ = format!("README block at line {}: {}", block.line, command.text);
            let text = match with_bound_values(&command.text, &bindings) {
                Ok(text) => stack.addresses(&text),
                Err(e) => {
                    failures.push(format!("{where_}\n  {e}"));
                    continue;
                }
            };
            let run = stack.run(&text);
            let outcome = match &command.shown_output {
                None if run.success => Ok(Bindings::new()),
                None => Err(format!("failed:\n{}", run.output)),
                Some(shown) => parse_shown(shown)
                    .map_err(|e| format!("the README's output does not parse: {e}"))
                    .and_then(|shown| {
                        if run.success == shown.error.is_some() {
                            return Err(format!(
                                "exit status {} does not match the output shown:\n{}",
                                if run.success { "0" } else { "non-zero" },
                                run.output
                            ));
                        }
                        compare(&shown, &run.output, &bindings)
                            .map_err(|e| format!("{e}\nprinted:\n{}", run.output))
                    }),
            };
            match outcome {
                Ok(found) => bindings.extend(found),
                Err(e) => failures.push(format!("{where_}\n  {e}")),
            }
            if text.contains("ImportWatchlist") || text.contains("DeleteWatchlist") {
                stack.wait_for_rescreening();
            }
        }
    }

    let stopped = stack.stop();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        stopped.success(),
        "the stack stops cleanly on Ctrl+C: {stopped}"
    );
}

#[test]
fn a_readme_id_is_replaced_by_the_value_printed_for_it_and_an_unknown_one_is_refused() {
    let bindings = Bindings::from([
        ("01a2-shown".to_owned(), "real-1".to_owned()),
        ("2".to_owned(), "5".to_owned()),
    ]);

    let replaced = with_bound_values(
        r#"-d '{"subjectId": "01a2-shown", "etag": "2", "reason": "id"}'"#,
        &bindings,
    );
    let unknown = with_bound_values(r#"-d '{"id": "01a2-other"}'"#, &bindings);

    assert_eq!(
        replaced.as_deref(),
        Ok(r#"-d '{"subjectId": "real-1", "etag": "5", "reason": "id"}'"#)
    );
    assert!(unknown.is_err(), "{unknown:?}");
}
