//! A response body that ends its call's log line (or, on a client, its call's count): with
//! the status in its trailers, with the error that broke it, or as cancelled when it is
//! dropped before its end (the caller reset the stream or hung up).

use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body, Frame, SizeHint};
use tonic::codegen::Bytes;

use super::rpc::{Outcome, grpc_code};

/// What ends when a call's body ends; dropped unended, it ends as cancelled by itself.
pub(crate) trait EndsCall {
    fn end(self, outcome: Outcome);
}

pub(crate) struct LoggedBody<E: EndsCall> {
    inner: tonic::body::Body,
    /// `None` once ended.
    log: Option<E>,
}

impl<E: EndsCall> LoggedBody<E> {
    pub(crate) fn new(inner: tonic::body::Body, log: E) -> Self {
        Self {
            inner,
            log: Some(log),
        }
    }

    fn end(&mut self, outcome: Outcome) {
        if let Some(log) = self.log.take() {
            log.end(outcome);
        }
    }
}

impl<E: EndsCall + Unpin> Body for LoggedBody<E> {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(trailers) = frame.trailers_ref() {
                    let code = grpc_code(trailers).unwrap_or(tonic::Code::Unknown);
                    self.end(Outcome::Finished(code));
                }
            }
            // The stream broke on the server's side; the client sees the same code.
            Poll::Ready(Some(Err(status))) => self.end(Outcome::Finished(status.code())),
            // Ended without trailers: not a gRPC answer (a protocol error to the client).
            Poll::Ready(None) => self.end(Outcome::Finished(tonic::Code::Unknown)),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
