//! `healthcheck --addr ADDR [--service NAME] [--timeout-ms MS]`: asks a server's standard gRPC
//! health service whether it is serving, for container health checks (Docker's HEALTHCHECK,
//! compose). Exits 0 only on SERVING; 1 on any other answer or on no answer; 2 on bad usage.
//!
//! ADDR is a URL (`http://127.0.0.1:50051`) or the server's own listen address
//! (`0.0.0.0:50051`): a wildcard host is replaced by loopback, so that an image can pass the
//! same environment variable the server listens on.

use std::process::ExitCode;
use std::time::Duration;

use tonic::transport::Endpoint;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const USAGE: &str = "usage: healthcheck --addr ADDR [--service NAME] [--timeout-ms MS]
  ADDR     http://HOST:PORT, or HOST:PORT (0.0.0.0 and [::] mean this machine)
  NAME     a fully qualified service (registry.v1.RegistryService); empty for the whole server
  MS       give up after this long (default 3000)";

#[derive(Debug, PartialEq, Eq)]
struct Options {
    url: String,
    service: String,
    timeout: Duration,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut addr = None;
    let mut service = String::new();
    let mut timeout = Duration::from_millis(3000);
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => addr = Some(value()?),
            "--service" => service = value()?,
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
    Ok(Options {
        url: to_url(&addr)?,
        service,
        timeout,
    })
}

/// A URL to dial for `addr`, which may be a listen address on all interfaces.
fn to_url(addr: &str) -> Result<String, String> {
    let addr = addr.trim();
    let (scheme, rest) = match addr.split_once("://") {
        Some((scheme, rest)) => (scheme, rest),
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

async fn check(options: &Options) -> Result<ServingStatus, String> {
    let endpoint = Endpoint::from_shared(options.url.clone())
        .map_err(|error| format!("{}: {error}", options.url))?
        .connect_timeout(options.timeout)
        .timeout(options.timeout);
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
    let options = match parse(std::env::args().skip(1)) {
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
            to_url("0.0.0.0:50051").as_deref(),
            Ok("http://127.0.0.1:50051")
        );
        assert_eq!(to_url("[::]:50052").as_deref(), Ok("http://[::1]:50052"));
        assert_eq!(to_url(":50052").as_deref(), Ok("http://127.0.0.1:50052"));
        assert_eq!(
            to_url("http://registry:50051").as_deref(),
            Ok("http://registry:50051")
        );
        assert!(to_url("registry").is_err());
    }

    #[test]
    fn parses_flags_and_refuses_unknown_ones() {
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
            }
        );
        assert!(parse(args(&["--service", "x"])).is_err());
        assert!(parse(args(&["--addr"])).is_err());
        assert!(parse(args(&["--addr", "a:1", "--verbose"])).is_err());
        assert!(parse(args(&["--addr", "a:1", "--timeout-ms", "soon"])).is_err());
    }
}
