//! The helper binaries answer `--help` and `--version` on stdout with success; only bad
//! usage fails.

use std::process::{Command, Output};

fn run(binary: &str, args: &[&str]) -> Output {
    Command::new(binary)
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn healthcheck_help_and_version_succeed_and_bad_usage_exits_2() {
    let help = run(env!("CARGO_BIN_EXE_healthcheck"), &["--help"]);
    let version = run(env!("CARGO_BIN_EXE_healthcheck"), &["--version"]);
    let bad = run(env!("CARGO_BIN_EXE_healthcheck"), &["--bogus"]);

    assert_eq!(help.status.code(), Some(0), "{help:?}");
    assert!(String::from_utf8_lossy(&help.stdout).contains("usage: healthcheck --addr ADDR"));
    assert_eq!(version.status.code(), Some(0), "{version:?}");
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("healthcheck {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
}

#[test]
fn make_certs_prints_its_version() {
    let version = run(env!("CARGO_BIN_EXE_make-certs"), &["--version"]);

    assert_eq!(version.status.code(), Some(0), "{version:?}");
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("make-certs {}", env!("CARGO_PKG_VERSION"))
    );
}
