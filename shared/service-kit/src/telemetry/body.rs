//! A response body that ends its call's log line: with the status in its trailers, with the
//! error that broke it, or as cancelled when it is dropped before its end (the caller reset
//! the stream or hung up).

use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body, Frame, SizeHint};
use tonic::codegen::Bytes;

use super::rpc::{CallLog, Outcome, grpc_code};

pub(super) struct LoggedBody {
    inner: tonic::body::Body,
    /// `None` once the line is written.
    log: Option<CallLog>,
}

impl LoggedBody {
    pub(super) fn new(inner: tonic::body::Body, log: CallLog) -> Self {
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

impl Body for LoggedBody {
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
