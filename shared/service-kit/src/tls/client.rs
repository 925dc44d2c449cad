//! The client side of mutual TLS (the registry calling screening): the CA that screening's
//! certificate must chain to, the name it must carry, and the client certificate to present.
//! The handshake is done by a connector of our own so that a renewed client certificate is
//! used for the next connection without a restart.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::ServerName;
use tonic::transport::{Channel, Endpoint, Uri};

use super::reload::{Reloading, watch};
use super::{
    ALPN_H2, KeyPairFiles, TlsConfigError, is_loopback, provider, read_certificates,
    read_private_key, read_roots,
};

#[derive(Debug, Clone)]
pub struct ClientTlsFiles {
    /// The CA the server's certificate must chain to.
    pub ca: PathBuf,
    /// The certificate to present, for servers that require one.
    pub pair: Option<KeyPairFiles>,
    /// The name the server's certificate must carry; by default the host of its address.
    pub server_name: Option<String>,
    pub reload_interval: Duration,
}

impl ClientTlsFiles {
    fn load(&self) -> anyhow::Result<rustls::ClientConfig> {
        let builder = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .context("TLS protocol versions")?
            .with_root_certificates(read_roots(&self.ca)?);
        let mut config = match &self.pair {
            Some(pair) => builder
                .with_client_auth_cert(read_certificates(&pair.cert)?, read_private_key(&pair.key)?)
                .with_context(|| {
                    format!(
                        "{} and {} do not make a certificate and its key",
                        pair.cert.display(),
                        pair.key.display()
                    )
                })?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![ALPN_H2.to_vec()];
        Ok(config)
    }

    fn files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.ca.clone()];
        if let Some(pair) = &self.pair {
            files.extend([pair.cert.clone(), pair.key.clone()]);
        }
        files
    }
}

/// A client's TLS configuration, loaded and kept current with its files.
#[derive(Clone)]
pub struct ClientTls {
    files: ClientTlsFiles,
    config: Arc<Reloading<rustls::ClientConfig>>,
}

impl ClientTls {
    /// Loads the files now, so that a bad certificate stops start-up, and watches them for
    /// as long as a channel made from this configuration lives.
    pub fn load(files: ClientTlsFiles) -> anyhow::Result<Self> {
        let config = Reloading::new(files.load()?);
        let watched = files.clone();
        watch(
            &config,
            "client certificate",
            watched.files(),
            watched.reload_interval,
            move || watched.load(),
        );
        Ok(Self { files, config })
    }
}

/// A channel to `address`, connected on first use: `https://HOST:PORT` over TLS with `tls`,
/// or `http://HOST:PORT` in plain TCP, which is refused unless HOST is a loopback address or
/// `insecure` is set.
pub async fn lazy_channel(
    address: &str,
    tls: Option<ClientTls>,
    insecure: bool,
    configure: impl FnOnce(Endpoint) -> Endpoint,
) -> anyhow::Result<Channel> {
    let uri: Uri = address
        .parse()
        .with_context(|| format!("invalid address {address:?}"))?;
    let host = uri
        .host()
        .with_context(|| format!("{address:?} names no host"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = uri
        .port_u16()
        .with_context(|| format!("{address:?} names no port"))?;
    match (uri.scheme_str(), tls) {
        (Some("https"), Some(tls)) => {
            let server_name = tls
                .files
                .server_name
                .clone()
                .unwrap_or_else(|| host.clone());
            let server_name = ServerName::try_from(server_name.clone())
                .with_context(|| format!("{server_name:?} is not a server name"))?;
            // tonic would refuse an https URI without its own TLS: the URI it sees is plain,
            // and the connector below does the TLS.
            let endpoint = configure(
                Endpoint::from_shared(format!("http://{}", authority(&host, port)))
                    .with_context(|| format!("invalid address {address:?}"))?,
            );
            let config = tls.config.clone();
            let connector = tower::service_fn(move |uri: Uri| {
                let config = config.current();
                let server_name = server_name.clone();
                async move {
                    let host = uri
                        .host()
                        .unwrap_or_default()
                        .trim_start_matches('[')
                        .trim_end_matches(']')
                        .to_owned();
                    let port = uri.port_u16().unwrap_or(443);
                    let tcp = TcpStream::connect((host.as_str(), port)).await?;
                    tcp.set_nodelay(true)?;
                    let tls = tokio_rustls::TlsConnector::from(config)
                        .connect(server_name, tcp)
                        .await?;
                    Ok::<_, std::io::Error>(TokioIo::new(tls))
                }
            });
            Ok(endpoint.connect_with_connector_lazy(connector))
        }
        (Some("https"), None) => Err(TlsConfigError::Screening(format!(
            "{address} is an https:// address: give --screening-ca to verify it"
        ))
        .into()),
        (Some("http"), Some(_)) => Err(TlsConfigError::Screening(format!(
            "{address} is a plain http:// address but --screening-ca is set: use https://"
        ))
        .into()),
        (Some("http"), None) => {
            if !is_loopback(&authority(&host, port)).await {
                if !insecure {
                    return Err(TlsConfigError::PlainTcpToPublicAddress {
                        addr: address.to_owned(),
                    }
                    .into());
                }
                tracing::warn!(
                    %address,
                    "--insecure: calling screening over plain TCP; the token and personal data cross the network in clear text"
                );
            }
            let endpoint = configure(
                Endpoint::from_shared(address.to_owned())
                    .with_context(|| format!("invalid address {address:?}"))?,
            );
            Ok(endpoint.connect_lazy())
        }
        _ => Err(TlsConfigError::Screening(format!(
            "{address:?}: expected http://HOST:PORT or https://HOST:PORT"
        ))
        .into()),
    }
}

fn authority(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn refused(address: &str) -> String {
        lazy_channel(address, None, false, |endpoint| endpoint)
            .await
            .err()
            .map(|error| error.to_string())
            .unwrap_or_else(|| panic!("{address} was accepted"))
    }

    #[tokio::test]
    async fn https_needs_a_ca_and_plain_http_stays_on_loopback() {
        assert!(
            refused("https://screening:50052")
                .await
                .contains("--screening-ca")
        );
        assert!(
            refused("http://192.0.2.7:50052")
                .await
                .contains("--insecure")
        );
        assert!(refused("ftp://127.0.0.1:50052").await.contains("expected"));
        assert!(
            lazy_channel("http://127.0.0.1:50052", None, false, |e| e)
                .await
                .is_ok()
        );
        assert!(
            lazy_channel("http://192.0.2.7:50052", None, true, |e| e)
                .await
                .is_ok(),
            "--insecure allows it"
        );
    }
}
