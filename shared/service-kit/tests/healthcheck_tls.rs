//! The `healthcheck` binary against a server on mutual TLS: it answers SERVING only with the
//! CA and a client certificate, and fails without them.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use service_kit::auth::{Access, AuthLayer, Credentials};
use service_kit::tls::local_ca::{IssuedPair, LocalCa};
use service_kit::tls::{KeyPairFiles, ServerTls, ServerTlsFiles};
use service_kit::{GrpcServer, ServerSettings};
use tokio_util::sync::CancellationToken;

fn write_pair(dir: &Path, name: &str, pair: &IssuedPair) -> KeyPairFiles {
    let files = KeyPairFiles {
        cert: dir.join(format!("{name}.pem")),
        key: dir.join(format!("{name}-key.pem")),
    };
    std::fs::write(&files.cert, &pair.cert_pem).expect("written");
    std::fs::write(&files.key, &pair.key_pem).expect("written");
    files
}

/// Runs `healthcheck` with `args`: whether it succeeded, and what it printed.
fn healthcheck(args: &[String]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_healthcheck"))
        .args(args)
        .output()
        .expect("healthcheck runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn args(raw: &[&str]) -> Vec<String> {
    raw.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthcheck_asks_a_mutual_tls_server_with_the_ca_and_a_client_certificate() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let ca = LocalCa::generate("test CA", time::Duration::days(1)).expect("a CA");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.cert_pem()).expect("written");
    let server = write_pair(
        dir.path(),
        "server",
        &ca.issue_server(&["localhost", "127.0.0.1"])
            .expect("issued"),
    );
    let client = write_pair(
        dir.path(),
        "client",
        &ca.issue_client("healthcheck").expect("issued"),
    );
    let tls = ServerTls::load(ServerTlsFiles {
        pair: server,
        client_ca: Some(ca_file.clone()),
        reload_interval: Duration::from_secs(10),
    })
    .expect("the TLS files load");
    let settings = ServerSettings::new(
        vec!["grpc.health.v1.Health"],
        AuthLayer::new(Credentials::none(), |_| Access::Public),
    )
    .with_tls(Some(tls), false);
    let server = GrpcServer::bind("127.0.0.1:0", settings)
        .await
        .expect("bound");
    let addr = server.local_addr().expect("an address").to_string();
    let shutdown = CancellationToken::new();
    let serving = tokio::spawn(server.serve(tonic::service::Routes::default(), shutdown.clone()));

    let (ca, cert, key) = (
        ca_file.display().to_string(),
        client.cert.display().to_string(),
        client.key.display().to_string(),
    );
    let with_all = args(&["--addr", &addr, "--ca", &ca, "--cert", &cert, "--key", &key]);
    let without_cert = args(&["--addr", &addr, "--ca", &ca, "--timeout-ms", "2000"]);
    let plain = args(&["--addr", &addr, "--timeout-ms", "2000"]);
    let (with_all, without_cert, plain) = tokio::task::spawn_blocking(move || {
        (
            healthcheck(&with_all),
            healthcheck(&without_cert),
            healthcheck(&plain),
        )
    })
    .await
    .expect("the checks run");

    assert!(with_all.0, "{}", with_all.1);
    assert!(with_all.1.contains("SERVING"), "{}", with_all.1);
    assert!(!without_cert.0, "served without a client certificate");
    assert!(!plain.0, "a TLS server answered plain HTTP/2");
    shutdown.cancel();
    serving
        .await
        .expect("the server task")
        .expect("the server stops");
}
