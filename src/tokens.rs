//! Demo credentials: one random token per role, created on first run under `DATA/tokens/`
//! (readable by the owner only) and kept across runs, so that README commands such as
//! `-H "authorization: Bearer $(cat data/tokens/intake)"` work as written.

use std::path::{Path, PathBuf};

use crate::private_files::{private_dir, write_private};
use service_kit::auth::tokens_file_line;

/// (token file name, principal, registry roles, screening roles).
const DEMO_PRINCIPALS: &[(&str, &str, &[&str], &[&str])] = &[
    ("admin", "demo-admin", &["admin"], &["admin"]),
    ("intake", "demo-intake", &["intake"], &[]),
    ("reviewer", "demo-reviewer", &["reviewer"], &[]),
    ("viewer", "demo-viewer", &["viewer"], &[]),
    ("case-officer", "demo-case-officer", &["case-officer"], &[]),
    ("auditor", "demo-auditor", &["auditor"], &[]),
    ("screener", "demo-screener", &[], &["screener"]),
    // The registry's own credential towards screening.
    ("registry-service", "registry", &[], &["screener"]),
];

pub struct DemoCredentials {
    pub registry_tokens_file: PathBuf,
    pub screening_tokens_file: PathBuf,
    /// The token the registry presents to screening.
    pub registry_service_token: String,
}

pub fn prepare(data_dir: &Path) -> anyhow::Result<DemoCredentials> {
    let dir = data_dir.join("tokens");
    private_dir(&dir)?;
    let mut registry_lines = Vec::new();
    let mut screening_lines = Vec::new();
    let mut registry_service_token = String::new();
    for (file, principal, registry_roles, screening_roles) in DEMO_PRINCIPALS {
        let token = read_or_create_token(&dir.join(file))?;
        if !registry_roles.is_empty() {
            registry_lines.push(tokens_file_line(principal, registry_roles, &token));
        }
        if !screening_roles.is_empty() {
            screening_lines.push(tokens_file_line(principal, screening_roles, &token));
        }
        if *file == "registry-service" {
            registry_service_token = token;
        }
    }
    let registry_tokens_file = data_dir.join("registry-tokens");
    let screening_tokens_file = data_dir.join("screening-tokens");
    write_private(&registry_tokens_file, &(registry_lines.join("\n") + "\n"))?;
    write_private(&screening_tokens_file, &(screening_lines.join("\n") + "\n"))?;
    Ok(DemoCredentials {
        registry_tokens_file,
        screening_tokens_file,
        registry_service_token,
    })
}

fn read_or_create_token(path: &Path) -> anyhow::Result<String> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let token = existing.trim();
        if !token.is_empty() {
            return Ok(token.to_owned());
        }
    }
    // Two random UUIDs: 244 random bits from the operating system's generator.
    let token = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    write_private(path, &format!("{token}\n"))?;
    Ok(token)
}
