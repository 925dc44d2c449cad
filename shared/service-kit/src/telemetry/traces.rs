//! Traces: the W3C trace context (`traceparent`, `tracestate`) taken from callers and passed
//! on to the services we call, so that one intake is one trace across both services; and the
//! spans exported over OTLP/gRPC when an endpoint is configured.
//!
//! Trace ids exist whether or not anything is exported: the per-call log line carries one,
//! and calls onwards carry it on. Without an endpoint the tracer has no exporter at all (no
//! background thread, nothing sent). Only our own crates' spans at INFO and above are traced,
//! and no events: a span's name and fields are chosen where it is made, never a request's
//! content, while a third-party span or a log message could carry anything.

use std::path::PathBuf;
use std::str::FromStr;

use anyhow::Context as _;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{Status, TraceContextExt, TracerProvider as _};
use opentelemetry_otlp::{WithExportConfig, WithTonicConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing::Span;
use tracing::level_filters::LevelFilter;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::{FilterFn, filter_fn};

use super::rpc::Outcome;

/// The crates whose spans are traced: ours, each span named and filled in on purpose.
const TRACED_CRATES: [&str; 4] = ["service_kit", "registry", "screening", "name_matching"];

/// How traces leave the process; the same flags on every binary.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TraceArgs {
    /// Where to export spans over OTLP/gRPC, such as `http://otel-collector:4317`; nothing is
    /// exported when unset. `https://` needs `--otlp-ca-file`.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,

    /// The certificate authority (PEM) that signed the OTLP endpoint's certificate.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_CERTIFICATE")]
    pub otlp_ca_file: Option<PathBuf>,
}

/// The spans' way out, kept for the life of the process: dropping it sends what is still
/// buffered and stops the exporter.
#[must_use = "dropping it stops exporting spans"]
#[derive(Debug, Default)]
pub struct Traces {
    /// `Some` only while spans are exported.
    exporting: Option<SdkTracerProvider>,
}

impl Traces {
    pub fn is_exporting(&self) -> bool {
        self.exporting.is_some()
    }

    /// Sends the spans that have ended and are still buffered, waiting for the collector.
    pub fn flush(&self) {
        if let Some(provider) = &self.exporting
            && let Err(error) = provider.force_flush()
        {
            tracing::warn!(%error, "spans not exported");
        }
    }
}

impl Drop for Traces {
    fn drop(&mut self) {
        if let Some(provider) = self.exporting.take()
            && let Err(error) = provider.shutdown()
        {
            tracing::warn!(%error, "spans lost at shutdown");
        }
    }
}

/// The tracer spans are made with, exporting to `args`' endpoint (if any) as `service_name`
/// (unless `OTEL_SERVICE_NAME` names the service), and its keeper.
pub(super) fn tracer(args: &TraceArgs, service_name: &str) -> anyhow::Result<(SdkTracer, Traces)> {
    let mut resource = Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name(service_name.to_owned());
    }
    let builder = SdkTracerProvider::builder().with_resource(resource.build());
    let Some(endpoint) = args
        .otlp_endpoint
        .as_deref()
        .filter(|e| !e.trim().is_empty())
    else {
        // Ids and sampling only: no processor, so no thread and nothing sent.
        let provider = builder.build();
        return Ok((provider.tracer("service-kit"), Traces::default()));
    };
    let provider = builder
        .with_batch_exporter(exporter(endpoint, args.otlp_ca_file.as_deref())?)
        .build();
    Ok((
        provider.tracer("service-kit"),
        Traces {
            exporting: Some(provider),
        },
    ))
}

fn exporter(
    endpoint: &str,
    ca_file: Option<&std::path::Path>,
) -> anyhow::Result<opentelemetry_otlp::SpanExporter> {
    // The exporter speaks gRPC only; an HTTP collector port would take nothing, silently.
    if let Ok(protocol) = std::env::var("OTEL_EXPORTER_OTLP_PROTOCOL") {
        anyhow::ensure!(
            protocol.trim().is_empty() || protocol.trim() == "grpc",
            "OTEL_EXPORTER_OTLP_PROTOCOL={protocol}: spans are exported over OTLP/gRPC only (a collector's port 4317); unset it or set it to grpc"
        );
    }
    let uri = http::Uri::from_str(endpoint)
        .ok()
        .filter(|uri| uri.host().is_some())
        .with_context(|| {
            format!("--otlp-endpoint {endpoint:?}: not a URL such as http://otel-collector:4317")
        })?;
    let mut builder = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint);
    match (uri.scheme_str(), ca_file) {
        (Some("http"), None) => {}
        (Some("https"), Some(ca_file)) => {
            let pem = std::fs::read(ca_file)
                .with_context(|| format!("reading --otlp-ca-file {}", ca_file.display()))?;
            builder = builder.with_tls_config(
                tonic::transport::ClientTlsConfig::new()
                    .ca_certificate(tonic::transport::Certificate::from_pem(pem)),
            );
        }
        (Some("https"), None) => {
            anyhow::bail!(
                "--otlp-endpoint {endpoint}: https needs --otlp-ca-file, the authority that signed the collector's certificate"
            )
        }
        (Some("http"), Some(_)) => {
            anyhow::bail!("--otlp-ca-file is given but --otlp-endpoint {endpoint} is plain http")
        }
        _ => anyhow::bail!("--otlp-endpoint {endpoint}: the scheme must be http or https"),
    }
    builder
        .build()
        .with_context(|| format!("the OTLP exporter towards {endpoint}"))
}

/// Which spans reach the tracer (see the module's comment).
pub(super) fn traced() -> FilterFn<impl Fn(&tracing::Metadata<'_>) -> bool + Clone> {
    filter_fn(|metadata: &tracing::Metadata<'_>| {
        metadata.is_span()
            && *metadata.level() <= tracing::Level::INFO
            && TRACED_CRATES.iter().any(|name| {
                metadata
                    .target()
                    .strip_prefix(name)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
            })
    })
    .with_max_level_hint(LevelFilter::INFO)
}

/// Headers as the propagator reads them; a value that is not visible ASCII counts as absent.
struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// gRPC metadata as the propagator writes it.
struct MetadataInjector<'a>(&'a mut tonic::metadata::MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        // The propagator writes lowercase ASCII names and values; anything else is skipped
        // rather than sent half-formed.
        if let (Ok(key), Ok(value)) = (
            tonic::metadata::MetadataKey::from_bytes(key.as_bytes()),
            tonic::metadata::MetadataValue::try_from(value),
        ) {
            self.0.insert(key, value);
        }
    }
}

/// Continues the caller's trace in `span` when `headers` carry a valid `traceparent`; an
/// absent or malformed one leaves `span` the root of a new trace (never an error: the
/// header is the caller's, and a broken one must not cost them their call).
pub(super) fn continue_trace(span: &Span, headers: &http::HeaderMap) {
    let parent = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    if parent.span().span_context().is_valid() {
        // Fails only when the span is not traced (filtered out): then there is nothing to do.
        let _ = span.set_parent(parent);
    }
}

/// `span`'s trace id as 32 hex digits, when it is traced.
pub fn trace_id(span: &Span) -> Option<String> {
    let context = span.context();
    let span_context = context.span().span_context().clone();
    span_context
        .is_valid()
        .then(|| span_context.trace_id().to_string())
}

/// Writes `span`'s trace context into `metadata`, for the service called to continue it.
pub fn inject_trace_context(span: &Span, metadata: &mut tonic::metadata::MetadataMap) {
    TraceContextPropagator::new().inject_context(&span.context(), &mut MetadataInjector(metadata));
}

/// Marks `span`, a call made to another service, as failed with `code` (its name only: the
/// status's message may echo the request).
pub fn record_client_failure(span: &Span, code: tonic::Code) {
    span.set_attribute("rpc.grpc.status_code", code as i64);
    span.set_status(Status::error(format!("{code:?}")));
}

/// Records how a served call ended on its span: the gRPC code, and an error status for the
/// codes that mean the server failed (OpenTelemetry's rule for gRPC servers: a caller's
/// mistake is not the server's error).
pub(super) fn record_server_outcome(span: &Span, outcome: Outcome) {
    let code = match outcome {
        Outcome::Finished(code) => code,
        Outcome::Cancelled => tonic::Code::Cancelled,
        Outcome::TransportFailed => tonic::Code::Unknown,
    };
    span.set_attribute("rpc.grpc.status_code", code as i64);
    if matches!(
        code,
        tonic::Code::Unknown
            | tonic::Code::DeadlineExceeded
            | tonic::Code::Unimplemented
            | tonic::Code::Internal
            | tonic::Code::Unavailable
            | tonic::Code::DataLoss
    ) {
        span.set_status(Status::error(format!("{code:?}")));
    }
}
