//! TLS for both servers and for the registry's calls to screening: certificates and keys read
//! from PEM files, reloaded when the files change (see `reload`), and the rule that a server
//! without TLS listens only on loopback unless the operator says `--insecure`.

pub mod client;
pub mod local_ca;
mod reload;
pub mod server;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

pub use client::{ClientTls, ClientTlsFiles};
pub use server::{ServerTls, ServerTlsFiles};

/// gRPC runs on HTTP/2; Go clients (grpcurl) insist on negotiating it.
const ALPN_H2: &[u8] = b"h2";

/// A configuration that cannot be served as given. Callers show the message as it is: it
/// names the flags to set.
#[derive(Debug, thiserror::Error)]
pub enum TlsConfigError {
    #[error(
        "refusing to serve plain TCP on {addr}, which is not a loopback address: give \
         --tls-cert and --tls-key, or --insecure to serve without TLS anyway"
    )]
    PlainTcpOnPublicAddress { addr: String },
    #[error("--tls-cert and --tls-key go together: give both or neither")]
    HalfAPair,
    #[error(
        "--tls-client-ca needs --tls-cert and --tls-key: client certificates are checked over TLS only"
    )]
    ClientCaWithoutTls,
    #[error(
        "refusing to call screening at {addr} over plain TCP, which is not a loopback \
         address: give an https:// address with --screening-ca, or --insecure"
    )]
    PlainTcpToPublicAddress { addr: String },
    #[error("{0}")]
    Screening(String),
}

/// The crypto provider for every TLS configuration here, named rather than taken from the
/// process default, which rustls cannot choose when several providers are linked in.
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// Every certificate in a PEM file, in order (a leaf first, then its intermediates).
pub fn read_certificates(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let pem = read(path)?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{}: not a PEM certificate file", path.display()))?;
    anyhow::ensure!(
        !certs.is_empty(),
        "{}: holds no certificate",
        path.display()
    );
    Ok(certs)
}

/// The private key in a PEM file (PKCS#8, PKCS#1 or SEC1).
pub fn read_private_key(path: &Path) -> anyhow::Result<PrivateKeyDer<'static>> {
    let pem = read(path)?;
    PrivateKeyDer::from_pem_slice(&pem)
        .with_context(|| format!("{}: holds no PEM private key", path.display()))
}

/// The certificate authorities in a PEM file, as trust anchors.
pub fn read_roots(path: &Path) -> anyhow::Result<Arc<rustls::RootCertStore>> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in read_certificates(path)? {
        roots
            .add(cert)
            .with_context(|| format!("{}: not a usable CA certificate", path.display()))?;
    }
    Ok(Arc::new(roots))
}

/// Whether every address `addr` (HOST:PORT) names is a loopback address: only there may
/// plain TCP be served without `--insecure`.
pub async fn is_loopback(addr: &str) -> bool {
    match tokio::net::lookup_host(addr).await {
        Ok(resolved) => {
            let resolved: Vec<_> = resolved.collect();
            !resolved.is_empty() && resolved.iter().all(|a| a.ip().is_loopback())
        }
        Err(_) => false,
    }
}

/// The PEM files of a certificate (chain) and its private key.
#[derive(Debug, Clone)]
pub struct KeyPairFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_loopback_addresses_count_as_loopback() {
        assert!(is_loopback("127.0.0.1:0").await);
        assert!(is_loopback("[::1]:0").await);
        assert!(is_loopback("localhost:0").await);
        assert!(!is_loopback("0.0.0.0:0").await);
        assert!(!is_loopback("[::]:0").await);
        assert!(!is_loopback("not an address").await);
    }
}
