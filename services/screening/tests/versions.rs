//! `--version` on screening's binary: the crate's version and the matching engine's that
//! every screening reports. The evaluation tools' are tested beside them
//! (`shared/matching-evaluation`).

use std::process::Command;

fn version_of(binary: &str) -> String {
    let output = Command::new(binary)
        .arg("--version")
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{binary}: {output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn the_server_prints_its_version_and_the_matching_engine_s_that_screenings_report() {
    let printed = version_of(env!("CARGO_BIN_EXE_screening"));
    assert_eq!(
        printed.trim(),
        format!(
            "screening {} (matching engine {})",
            env!("CARGO_PKG_VERSION"),
            wire::ENGINE_VERSION
        )
    );
}
