//! Folders and files that hold secrets (tokens, private keys) or personal data, readable by
//! their owner only, for the all-in-one runner's data folder.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::Context;

/// Creates `dir` (and its parents) as 0700, tightening it if an earlier run made it looser.
pub fn private_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("restricting {}", dir.display()))
}

/// Writes `content` to `path` as 0600, replacing what was there.
pub fn write_private(path: &Path, content: &str) -> anyhow::Result<()> {
    let write = || -> std::io::Result<()> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)?;
        // A file made by an earlier version may be more open than `mode` makes new ones.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        std::io::Write::write_all(&mut &file, content.as_bytes())
    };
    write().with_context(|| format!("writing {}", path.display()))
}
