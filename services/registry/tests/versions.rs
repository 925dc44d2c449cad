//! `--version` on the registry: its version and the matching engine's it was built with.

use std::process::Command;

#[test]
fn the_registry_prints_its_version_and_the_matching_engine_s() {
    let output = Command::new(env!("CARGO_BIN_EXE_registry"))
        .arg("--version")
        .output()
        .expect("the binary runs");

    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!(
            "registry {} (matching engine {})",
            env!("CARGO_PKG_VERSION"),
            wire::ENGINE_VERSION
        )
    );
}
