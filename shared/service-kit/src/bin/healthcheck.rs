//! `healthcheck --addr ADDR [--service NAME] [--timeout-ms MS]`: asks a server's standard gRPC
//! health service whether it is serving, for container health checks (Docker's HEALTHCHECK,
//! compose). Exits 0 only on SERVING; 1 on any other answer or on no answer; 2 on bad usage.
//!
//! ADDR is a URL (`http://127.0.0.1:50051`) or the server's own listen address
//! (`0.0.0.0:50051`): a wildcard host is replaced by loopback, so that an image can pass the
//! same environment variable the server listens on.
//!
//! Over TLS with `--ca FILE` (the CA the server's certificate chains to), `--server-name NAME`
//! when the certificate does not name the address dialled, and `--cert FILE --key FILE` for a
//! server that requires client certificates. Each may also come from the environment
//! (`HEALTHCHECK_CA`, `HEALTHCHECK_SERVER_NAME`, `HEALTHCHECK_CERT`, `HEALTHCHECK_KEY`), so
//! that an image's HEALTHCHECK line stays the same with TLS on or off.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const USAGE: &str = "usage: healthcheck --addr ADDR [--service NAME] [--timeout-ms MS]
                   [--ca FILE [--server-name NAME] [--cert FILE --key FILE]]
  ADDR     http://HOST:PORT, https://HOST:PORT, or HOST:PORT (0.0.0.0 and [::] mean this
           machine; https when --ca is given)
  NAME     a fully qualified service (registry.v1.RegistryService); empty for the whole server
  MS       give up after this long (default 3000)
  --ca     PEM file of the CA the server's certificate chains to (HEALTHCHECK_CA)
  --server-name   the name the server's certificate carries (HEALTHCHECK_SERVER_NAME)
  --cert, --key   PEM client certificate and key (HEALTHCHECK_CERT, HEALTHCHECK_KEY)";

#[derive(Debug, Default, PartialEq, Eq)]
struct Tls {
    ca: PathBuf,
    server_name: Option<String>,
    identity: Option<(PathBuf, PathBuf)>,
}

#[derive(Debug, PartialEq, Eq)]
struct Options {
    url: String,
    service: String,
    timeout: Duration,
    tls: Option<Tls>,
}

fn parse(
    args: impl IntoIterator<Item = String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Options, String> {
    let mut addr = None;
    let mut service = String::new();
    let mut timeout = Duration::from_millis(3000);
    let mut ca = env("HEALTHCHECK_CA");
    let mut server_name = env("HEALTHCHECK_SERVER_NAME");
    let mut cert = env("HEALTHCHECK_CERT");
    let mut key = env("HEALTHCHECK_KEY");
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => addr = Some(value()?),
            "--service" => service = value()?,
            "--ca" => ca = Some(value()?),
            "--server-name" => server_name = Some(value()?),
            "--cert" => cert = Some(value()?),
            "--key" => key = Some(value()?),
            "--timeout-ms" => {
                let raw = value()?;
                let ms = raw
                    .parse()
                    .map_err(|_| format!("--timeout-ms: not a number of milliseconds: {raw:?}"))?;
                timeout = Duration::from_millis(ms);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let addr = addr.ok_or("--addr is required")?;
    let identity = match (cert, key) {
        (Some(cert), Some(key)) => Some((PathBuf::from(cert), PathBuf::from(key))),
        (None, None) => None,
        _ => return Err("--cert and --key go together".to_owned()),
    };
    let tls = match ca.filter(|ca| !ca.is_empty()) {
        Some(ca) => Some(Tls {
            ca: PathBuf::from(ca),
            server_name: server_name.filter(|name| !name.is_empty()),
            identity,
        }),
        None if identity.is_some() => return Err("--cert and --key need --ca".to_owned()),
        None => None,
    };
    Ok(Options {
        url: to_url(&addr, tls.is_some())?,
        service,
        timeout,
        tls,
    })
}

/// A URL to dial for `addr`, which may be a listen address on all interfaces.
fn to_url(addr: &str, tls: bool) -> Result<String, String> {
    let addr = addr.trim();
    let (scheme, rest) = match addr.split_once("://") {
        Some((scheme, rest)) => (scheme, rest),
        None if tls => ("https", addr),
        None => ("http", addr),
    };
    let (host, port) = rest
        .rsplit_once(':')
        .ok_or_else(|| format!("expected HOST:PORT or a URL, got {addr:?}"))?;
    let host = match host {
        "" | "0.0.0.0" => "127.0.0.1",
        "[::]" => "[::1]",
        other => other,
    };
    Ok(format!("{scheme}://{host}:{port}"))
}

fn tls_config(tls: &Tls) -> Result<ClientTlsConfig, String> {
    let read = |path: &PathBuf| {
        std::fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))
    };
    let mut config = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(read(&tls.ca)?));
    if let Some(name) = &tls.server_name {
        config = config.domain_name(name.clone());
    }
    if let Some((cert, key)) = &tls.identity {
        config = config.identity(Identity::from_pem(read(cert)?, read(key)?));
    }
    Ok(config)
}

async fn check(options: &Options) -> Result<ServingStatus, String> {
    let mut endpoint = Endpoint::from_shared(options.url.clone())
        .map_err(|error| format!("{}: {error}", options.url))?
        .connect_timeout(options.timeout)
        .timeout(options.timeout);
    if let Some(tls) = &options.tls {
        endpoint = endpoint
            .tls_config(tls_config(tls)?)
            .map_err(|error| format!("TLS: {error}"))?;
    }
    let channel = endpoint
        .connect()
        .await
        .map_err(|error| format!("cannot connect to {}: {error}", options.url))?;
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: options.service.clone(),
        })
        .await
        .map_err(|status| format!("{}: {}", status.code(), status.message()))?;
    Ok(ServingStatus::try_from(response.into_inner().status).unwrap_or(ServingStatus::Unknown))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Asked for, help and the version go to stdout and succeed; only bad usage exits 2.
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "-V" || a == "--version") {
        println!("healthcheck {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let env = |name: &str| std::env::var(name).ok();
    let options = match parse(args, env) {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("healthcheck: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("healthcheck: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    // The overall deadline also covers a server that accepts the connection and stalls.
    let outcome = runtime.block_on(async {
        tokio::time::timeout(options.timeout, check(&options))
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {:?}", options.timeout)))
    });
    let shown = if options.service.is_empty() {
        "the server"
    } else {
        options.service.as_str()
    };
    match outcome {
        Ok(ServingStatus::Serving) => {
            println!("{shown} at {}: SERVING", options.url);
            ExitCode::SUCCESS
        }
        Ok(status) => {
            println!("{shown} at {}: {}", options.url, status.as_str_name());
            ExitCode::FAILURE
        }
        Err(message) => {
            println!("{shown} at {}: {message}", options.url);
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(raw: &[&str]) -> Vec<String> {
        raw.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_wildcard_listen_address_is_dialled_on_loopback() {
        assert_eq!(
            to_url("0.0.0.0:50051", false).as_deref(),
            Ok("http://127.0.0.1:50051")
        );
        assert_eq!(
            to_url("[::]:50052", false).as_deref(),
            Ok("http://[::1]:50052")
        );
        assert_eq!(
            to_url(":50052", true).as_deref(),
            Ok("https://127.0.0.1:50052")
        );
        assert_eq!(
            to_url("http://registry:50051", true).as_deref(),
            Ok("http://registry:50051")
        );
        assert!(to_url("registry", false).is_err());
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn parses_flags_and_refuses_unknown_ones() {
        let parse = |raw: Vec<String>| super::parse(raw, no_env);
        let options = parse(args(&[
            "--addr",
            "0.0.0.0:50052",
            "--service",
            "screening.v1.ScreeningService",
            "--timeout-ms",
            "500",
        ]))
        .expect("valid");
        assert_eq!(
            options,
            Options {
                url: "http://127.0.0.1:50052".to_owned(),
                service: "screening.v1.ScreeningService".to_owned(),
                timeout: Duration::from_millis(500),
                tls: None,
            }
        );
        assert!(parse(args(&["--service", "x"])).is_err());
        assert!(parse(args(&["--addr"])).is_err());
        assert!(parse(args(&["--addr", "a:1", "--verbose"])).is_err());
        assert!(parse(args(&["--addr", "a:1", "--timeout-ms", "soon"])).is_err());
    }

    #[test]
    fn tls_comes_from_flags_or_the_environment_and_dials_https() {
        let env = |name: &str| match name {
            "HEALTHCHECK_CA" => Some("/certs/ca.pem".to_owned()),
            "HEALTHCHECK_SERVER_NAME" => Some("screening".to_owned()),
            _ => None,
        };
        let options = parse(
            args(&[
                "--addr",
                "0.0.0.0:50052",
                "--cert",
                "/c.pem",
                "--key",
                "/k.pem",
            ]),
            env,
        )
        .expect("valid");
        assert_eq!(options.url, "https://127.0.0.1:50052");
        assert_eq!(
            options.tls,
            Some(Tls {
                ca: PathBuf::from("/certs/ca.pem"),
                server_name: Some("screening".to_owned()),
                identity: Some((PathBuf::from("/c.pem"), PathBuf::from("/k.pem"))),
            })
        );
        assert!(parse(args(&["--addr", "a:1", "--cert", "/c.pem"]), env).is_err());
        assert!(
            parse(
                args(&["--addr", "a:1", "--cert", "/c.pem", "--key", "/k.pem"]),
                no_env
            )
            .is_err(),
            "a client certificate without a CA to check the server"
        );
    }
}
