//! The services over TLS with certificates made at test time (`test_support::tls`), and
//! clients that speak TLS to them.

use std::path::Path;
use std::time::Duration;

use test_support::tls::PemFiles;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};

use crate::RunningServer;

/// How often servers started here look for renewed certificates.
pub const TEST_RELOAD_INTERVAL_MS: u64 = 100;

/// Makes `config` serve TLS with `server`, asking clients for a certificate from
/// `client_ca` when given.
pub fn serve_screening_over_tls(
    config: &mut screening::config::Config,
    server: &PemFiles,
    client_ca: Option<&Path>,
) {
    config.tls = screening::config::TlsConfig {
        tls_cert: Some(server.cert.clone()),
        tls_key: Some(server.key.clone()),
        tls_client_ca: client_ca.map(Path::to_path_buf),
        tls_reload_interval_ms: TEST_RELOAD_INTERVAL_MS,
        insecure: false,
    };
}

/// Makes `config` serve TLS with `server`, and call screening over TLS, trusting `ca`,
/// presenting `client` and expecting `server_name` when given (the host of the screening
/// address otherwise).
pub fn registry_over_tls(
    config: &mut registry::config::Config,
    server: &PemFiles,
    ca: &Path,
    client: Option<&PemFiles>,
    server_name: Option<&str>,
) {
    config.tls = registry::config::TlsConfig {
        tls_cert: Some(server.cert.clone()),
        tls_key: Some(server.key.clone()),
        tls_client_ca: None,
        tls_reload_interval_ms: TEST_RELOAD_INTERVAL_MS,
        insecure: false,
        screening_ca: Some(ca.to_path_buf()),
        screening_server_name: server_name.map(str::to_owned),
        screening_client_cert: client.map(|c| c.cert.clone()),
        screening_client_key: client.map(|c| c.key.clone()),
    };
}

/// `https://127.0.0.1:PORT` of a server.
pub fn https_url(server: &RunningServer) -> String {
    format!("https://{}", server.addr)
}

/// A TLS channel to `server`, trusting `ca`, expecting the name `localhost`, presenting
/// `identity` when given. Fails when the handshake does (with TLS 1.3 a refused client
/// certificate may only show on the first call).
pub async fn tls_channel(
    server: &RunningServer,
    ca: &Path,
    identity: Option<&PemFiles>,
) -> Result<Channel, tonic::transport::Error> {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(read(ca)))
        .domain_name("localhost");
    if let Some(identity) = identity {
        tls = tls.identity(Identity::from_pem(
            read(&identity.cert),
            read(&identity.key),
        ));
    }
    Channel::from_shared(https_url(server))
        .expect("a valid URL")
        .tls_config(tls)?
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(5))
        .connect()
        .await
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}
