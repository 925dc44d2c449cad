//! The server side: a rustls acceptor of our own in front of tonic (fed through
//! `serve_with_incoming`), because tonic's `ServerTlsConfig` is fixed once built and
//! certificates must be replaceable while serving.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::rustls;
use tokio_rustls::server::TlsStream;
use tokio_stream::wrappers::ReceiverStream;

use super::reload::{Reloading, watch};
use super::{
    ALPN_H2, KeyPairFiles, TlsConfigError, provider, read_certificates, read_private_key,
    read_roots,
};

/// A client that connects and then says nothing must not hold a task for long.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a server's certificate, key and (for mutual TLS) client CA are.
#[derive(Debug, Clone)]
pub struct ServerTlsFiles {
    pub pair: KeyPairFiles,
    /// When set, only clients presenting a certificate that chains to one of these CAs are
    /// served; others are refused during the handshake.
    pub client_ca: Option<PathBuf>,
    pub reload_interval: Duration,
}

impl ServerTlsFiles {
    /// The files as given by `--tls-cert`, `--tls-key` and `--tls-client-ca`: none for a
    /// plain server; a certificate without its key, or a client CA without TLS, is refused.
    pub fn from_flags(
        cert: Option<PathBuf>,
        key: Option<PathBuf>,
        client_ca: Option<PathBuf>,
        reload_interval: Duration,
    ) -> Result<Option<Self>, TlsConfigError> {
        match (cert, key) {
            (Some(cert), Some(key)) => Ok(Some(Self {
                pair: KeyPairFiles { cert, key },
                client_ca,
                reload_interval,
            })),
            (None, None) if client_ca.is_some() => Err(TlsConfigError::ClientCaWithoutTls),
            (None, None) => Ok(None),
            _ => Err(TlsConfigError::HalfAPair),
        }
    }

    fn load(&self) -> anyhow::Result<rustls::ServerConfig> {
        let certs = read_certificates(&self.pair.cert)?;
        let key = read_private_key(&self.pair.key)?;
        let builder = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .context("TLS protocol versions")?;
        let builder = match &self.client_ca {
            Some(ca) => {
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    read_roots(ca)?,
                    provider(),
                )
                .build()
                .with_context(|| format!("{}: cannot verify clients with it", ca.display()))?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder.with_single_cert(certs, key).with_context(|| {
            format!(
                "{} and {} do not make a certificate and its key",
                self.pair.cert.display(),
                self.pair.key.display()
            )
        })?;
        config.alpn_protocols = vec![ALPN_H2.to_vec()];
        Ok(config)
    }

    fn files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.pair.cert.clone(), self.pair.key.clone()];
        files.extend(self.client_ca.clone());
        files
    }
}

/// A server's TLS configuration, loaded and kept current with its files.
#[derive(Clone)]
pub struct ServerTls {
    files: ServerTlsFiles,
    config: Arc<Reloading<rustls::ServerConfig>>,
}

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTls")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl ServerTls {
    /// Loads the files now, so that a bad certificate stops start-up.
    pub fn load(files: ServerTlsFiles) -> anyhow::Result<Self> {
        let config = Reloading::new(files.load()?);
        Ok(Self { files, config })
    }

    pub fn requires_client_certificates(&self) -> bool {
        self.files.client_ca.is_some()
    }

    /// TLS connections accepted on `listener`, each handshake on a task of its own so that
    /// a slow client holds up no other. Certificate files are watched for as long as the
    /// stream is polled; it ends when dropped.
    pub fn incoming(
        &self,
        listener: TcpListener,
    ) -> ReceiverStream<std::io::Result<TlsStream<TcpStream>>> {
        let files = self.files.clone();
        watch(
            &self.config,
            "server certificate",
            files.files(),
            files.reload_interval,
            move || files.load(),
        );
        let (sender, receiver) = mpsc::channel(64);
        let config = self.config.clone();
        tokio::spawn(async move {
            loop {
                let (stream, peer) = tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok(accepted) => accepted,
                        Err(error) => {
                            // Out of file descriptors, typically: wait rather than spin.
                            tracing::warn!(%error, "cannot accept a connection");
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            continue;
                        }
                    },
                    () = sender.closed() => return,
                };
                // Without TCP_NODELAY a small response can wait for the peer's delayed ACK.
                let _ = stream.set_nodelay(true);
                let acceptor = tokio_rustls::TlsAcceptor::from(config.current());
                let sender = sender.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = sender.send(Ok(tls)).await;
                        }
                        Ok(Err(error)) => {
                            tracing::info!(%peer, %error, "TLS handshake refused");
                        }
                        Err(_) => tracing::info!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        ReceiverStream::new(receiver)
    }
}
