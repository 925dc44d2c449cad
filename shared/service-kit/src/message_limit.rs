//! Refusing a request message larger than the server accepts with `RESOURCE_EXHAUSTED`, as
//! the gRPC status code guide says, instead of tonic's `OUT_OF_RANGE`.
//!
//! The request body is read through a check of each gRPC message's length prefix (one flag
//! byte, then the length as a big-endian u32): a message over the limit fails the body with
//! the status before its first byte is buffered (the messages before it in the same frame
//! are passed on first), and tonic hands that status on to the caller as it is, for unary
//! calls and streams alike.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes};
use http_body::{Body, Frame, SizeHint};
use tonic::Status;

/// The size of a gRPC message's prefix: compression flag and length.
const PREFIX_BYTES: usize = 5;

/// `body`, failing with `RESOURCE_EXHAUSTED` at the first message longer than `limit`.
pub fn limit_messages(body: tonic::body::Body, limit: usize) -> tonic::body::Body {
    tonic::body::Body::new(LimitedMessages {
        inner: body,
        limit,
        prefix: [0; PREFIX_BYTES],
        prefix_read: 0,
        message_left: 0,
        refused: None,
    })
}

struct LimitedMessages {
    inner: tonic::body::Body,
    limit: usize,
    /// The prefix being read, possibly across frames.
    prefix: [u8; PREFIX_BYTES],
    prefix_read: usize,
    /// Bytes of the current message not yet seen.
    message_left: usize,
    /// The refusal to give once the messages before the refused one have been passed on.
    refused: Option<Status>,
}

impl LimitedMessages {
    /// Follows the messages through `data`; when one is over the limit, the refusal and how
    /// many bytes of `data` come before that message (they belong to messages within it).
    fn check(&mut self, data: &Bytes) -> Result<(), (usize, Status)> {
        let mut rest = data.as_ref();
        while rest.has_remaining() {
            if self.message_left > 0 {
                let skipped = self.message_left.min(rest.len());
                self.message_left -= skipped;
                rest.advance(skipped);
                continue;
            }
            // A prefix begun in an earlier frame starts before this one.
            let prefix_start = if self.prefix_read == 0 {
                data.len() - rest.len()
            } else {
                0
            };
            let wanted = PREFIX_BYTES - self.prefix_read;
            let taken = wanted.min(rest.len());
            self.prefix[self.prefix_read..self.prefix_read + taken].copy_from_slice(&rest[..taken]);
            self.prefix_read += taken;
            rest.advance(taken);
            if self.prefix_read == PREFIX_BYTES {
                self.prefix_read = 0;
                let length = u32::from_be_bytes([
                    self.prefix[1],
                    self.prefix[2],
                    self.prefix[3],
                    self.prefix[4],
                ]) as usize;
                if length > self.limit {
                    let status = Status::resource_exhausted(format!(
                        "the request message has {length} bytes; this server accepts at most {}",
                        self.limit
                    ));
                    return Err((prefix_start, status));
                }
                self.message_left = length;
            }
        }
        Ok(())
    }
}

impl Body for LimitedMessages {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        if let Some(status) = self.refused.take() {
            return Poll::Ready(Some(Err(status)));
        }
        let frame = ready!(Pin::new(&mut self.inner).poll_frame(cx));
        if let Some(Ok(frame)) = &frame
            && let Some(data) = frame.data_ref()
            && let Err((before, status)) = self.check(data)
        {
            // The messages before the refused one are read and answered first (a bulk
            // stream answers its earlier items), then the body fails.
            if before == 0 {
                return Poll::Ready(Some(Err(status)));
            }
            let earlier = data.slice(..before);
            self.refused = Some(status);
            return Poll::Ready(Some(Ok(Frame::data(earlier))));
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;

    fn message(length: usize) -> Vec<u8> {
        let mut bytes = vec![0];
        bytes.extend_from_slice(&(length as u32).to_be_bytes());
        bytes.resize(PREFIX_BYTES + length, 7);
        bytes
    }

    /// Sends `bytes` cut into frames of `chunk` bytes through the limit.
    async fn through_limit(bytes: Vec<u8>, chunk: usize, limit: usize) -> Result<usize, Status> {
        let frames: Vec<Result<Frame<Bytes>, Status>> = bytes
            .chunks(chunk)
            .map(|c| Ok(Frame::data(Bytes::copy_from_slice(c))))
            .collect();
        let body =
            tonic::body::Body::new(http_body_util::StreamBody::new(tokio_stream::iter(frames)));
        let collected = limit_messages(body, limit).collect().await?;
        Ok(collected.to_bytes().len())
    }

    #[tokio::test]
    async fn messages_within_the_limit_pass_whole_however_the_frames_cut_them() {
        let mut bytes = message(10);
        bytes.extend(message(0));
        bytes.extend(message(10));
        for chunk in [1, 2, 4, 5, 6, 11, 100] {
            assert_eq!(
                through_limit(bytes.clone(), chunk, 10)
                    .await
                    .expect("passes"),
                bytes.len(),
                "frames of {chunk}"
            );
        }
    }

    #[tokio::test]
    async fn a_message_over_the_limit_fails_with_resource_exhausted_even_after_small_ones() {
        let mut bytes = message(3);
        bytes.extend(message(11));
        for chunk in [1, 3, 7, 100] {
            let status = through_limit(bytes.clone(), chunk, 10)
                .await
                .expect_err("refused");
            assert_eq!(status.code(), tonic::Code::ResourceExhausted, "{chunk}");
            assert!(
                status.message().contains("at most 10"),
                "{}",
                status.message()
            );
        }
    }

    #[tokio::test]
    async fn the_messages_before_a_refused_one_in_the_same_frame_are_passed_on_first() {
        let mut bytes = message(3);
        bytes.extend(message(11));
        let frames = vec![Ok::<_, Status>(Frame::data(Bytes::from(bytes)))];
        let mut body = limit_messages(
            tonic::body::Body::new(http_body_util::StreamBody::new(tokio_stream::iter(frames))),
            10,
        );
        let mut passed = 0;
        let refused = loop {
            match body.frame().await {
                Some(Ok(frame)) => passed += frame.data_ref().map_or(0, Bytes::len),
                Some(Err(status)) => break status,
                None => panic!("never refused"),
            }
        };
        assert_eq!(passed, PREFIX_BYTES + 3);
        assert_eq!(refused.code(), tonic::Code::ResourceExhausted);
    }
}
