//! Comparing what a command printed with the output the README shows (see sample.rs for
//! how a shown output is read and what `…` leaves out).

use std::collections::HashMap;

use serde_json::Value;

use crate::sample::{Sample, Shown, split_error};

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
            if !more
                && let Some(extra) = printed
                    .keys()
                    .find(|k| !members.iter().any(|(name, _)| name == *k))
            {
                return Err(format!(
                    "{path}.{extra}: printed, not shown (add it, or `…` where the README trims)"
                ));
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
