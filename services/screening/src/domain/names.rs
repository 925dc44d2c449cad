//! Rules for the names lists are served under.

const MAX_LIST_NAME_LEN: usize = 64;

/// List names appear in URLs, logs and stored screenings: keep them short and plain.
pub fn validate_list_name(name: &str) -> Result<(), String> {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if name.is_empty() || name.len() > MAX_LIST_NAME_LEN || !plain {
        return Err(format!(
            "list name {} must be 1 to {MAX_LIST_NAME_LEN} lower-case letters, digits, '-' or '_'",
            person::quoted(name)
        ));
    }
    Ok(())
}
