//! `--version` on the evaluation's binaries.

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
fn the_evaluation_and_explain_tools_print_their_version() {
    for (binary, name) in [
        (env!("CARGO_BIN_EXE_evaluate"), "evaluate"),
        (env!("CARGO_BIN_EXE_explain"), "explain"),
    ] {
        assert_eq!(
            version_of(binary).trim(),
            format!("{name} {}", env!("CARGO_PKG_VERSION"))
        );
    }
}
