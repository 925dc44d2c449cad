//! The client side: a channel that counts every call made through it. A call ends with the
//! status in its response headers or trailers, with the transport's failure, or, when its
//! owner drops it first, as `DeadlineExceeded` if its `grpc-timeout` had passed by then
//! (the owner's own timer fired) and `Cancelled` otherwise.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::{Request, Response};
use tower::Service;

use super::rpc::{CallMetrics, RpcMetrics};
use crate::telemetry::body::{EndsCall, LoggedBody};
use crate::telemetry::rpc::{Outcome, grpc_code};

/// A channel (or any gRPC transport service) whose calls are counted in `metrics`.
#[derive(Debug, Clone)]
pub struct MeasuredChannel<S> {
    inner: S,
    metrics: RpcMetrics,
}

impl<S> MeasuredChannel<S> {
    pub fn new(inner: S, metrics: RpcMetrics) -> Self {
        Self { inner, metrics }
    }
}

impl<S> Service<Request<tonic::body::Body>> for MeasuredChannel<S>
where
    S: Service<Request<tonic::body::Body>, Response = Response<tonic::body::Body>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = MeasuredChannelFuture<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<tonic::body::Body>) -> Self::Future {
        let call = ClientCall {
            metrics: self.metrics.begin(request.uri().path()),
            started: Instant::now(),
            deadline: grpc_timeout(request.headers()),
        };
        let response = self.inner.call(request);
        Box::pin(async move {
            // Owned here, so that a call dropped before its answer counts as given up.
            let call = call;
            match response.await {
                Ok(response) => Ok(call.into_response(response)),
                Err(error) => {
                    call.end(Outcome::Finished(tonic::Code::Unavailable));
                    Err(error)
                }
            }
        })
    }
}

pub type MeasuredChannelFuture<E> =
    Pin<Box<dyn Future<Output = Result<Response<tonic::body::Body>, E>> + Send>>;

struct ClientCall {
    metrics: CallMetrics,
    started: Instant,
    /// The call's `grpc-timeout`, when it set one.
    deadline: Option<Duration>,
}

impl ClientCall {
    fn into_response(self, response: Response<tonic::body::Body>) -> Response<tonic::body::Body> {
        if let Some(code) = grpc_code(response.headers()) {
            self.end(Outcome::Finished(code));
            return response;
        }
        response.map(|body| {
            if http_body::Body::is_end_stream(&body) {
                self.end(Outcome::Finished(tonic::Code::Unknown));
                body
            } else {
                tonic::body::Body::new(LoggedBody::new(body, self))
            }
        })
    }

    fn finish(&mut self, outcome: Outcome) {
        let elapsed = self.started.elapsed();
        let code = match outcome {
            Outcome::Cancelled if self.deadline.is_some_and(|d| elapsed >= d) => {
                tonic::Code::DeadlineExceeded
            }
            other => other.code(),
        };
        self.metrics.end(code, elapsed);
    }
}

impl EndsCall for ClientCall {
    fn end(mut self, outcome: Outcome) {
        self.finish(outcome);
    }
}

impl Drop for ClientCall {
    fn drop(&mut self) {
        // Counts once: after `end`, this does nothing.
        self.finish(Outcome::Cancelled);
    }
}

/// The `grpc-timeout` header's duration (`2000m` is two seconds).
fn grpc_timeout(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    let split = value.len().checked_sub(1)?;
    let (amount, unit) = value.split_at(split);
    let amount: u64 = amount.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount.saturating_mul(3600)),
        "M" => Duration::from_secs(amount.saturating_mul(60)),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grpc_timeout_header_is_read_in_each_of_its_units() {
        let mut headers = http::HeaderMap::new();
        for (value, expected) in [
            ("2000m", Duration::from_secs(2)),
            ("3S", Duration::from_secs(3)),
            ("1M", Duration::from_secs(60)),
            ("1H", Duration::from_secs(3600)),
            ("500u", Duration::from_micros(500)),
            ("7n", Duration::from_nanos(7)),
        ] {
            headers.insert("grpc-timeout", value.parse().expect("a header value"));
            assert_eq!(grpc_timeout(&headers), Some(expected), "{value}");
        }
        headers.insert("grpc-timeout", "soon".parse().expect("a header value"));
        assert_eq!(grpc_timeout(&headers), None);
    }
}
