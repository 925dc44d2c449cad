//! The registry's view of the screening service: one call, with a deadline, whose failure
//! is an ordinary outcome (the subject waits as PENDING) rather than an error for the caller.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use person::Person;
use service_kit::metrics::{MeasuredChannel, RpcMetrics};
use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::Channel;
use wire::common::v1 as common;
use wire::screening::v1 as pb;
use wire::screening::v1::screening_service_client::ScreeningServiceClient;

use crate::domain::screening::{
    ListVersion, RecordedAdjustment, RecordedExplanation, RecordedHit, RecordedNamePart,
    ScreeningExtent, ScreeningResult,
};
use crate::screening_link::ScreeningLink;

#[derive(Clone)]
pub struct ScreeningClient {
    client: ScreeningServiceClient<MeasuredChannel<Channel>>,
    /// Every call to screening is counted here (`grpc_client_*`).
    metrics: RpcMetrics,
    timeout: Duration,
    /// `Bearer <token>`, ready to send; never logged.
    authorization: Option<MetadataValue<Ascii>>,
    /// Where failures of the connection are logged, rate-limited.
    link: Arc<ScreeningLink>,
}

impl std::fmt::Debug for ScreeningClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScreeningClient")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why a screening could not be obtained. Only the gRPC code is kept: the service's message
/// may echo request data.
#[derive(Debug, thiserror::Error)]
#[error("screening unavailable: {code:?}")]
pub struct ScreeningUnavailable {
    pub code: tonic::Code,
}

impl ScreeningClient {
    /// Calls screening (at `addr`, as logs name it) over `channel`, which connects lazily,
    /// so that the registry starts (and takes intakes) while screening is down.
    pub fn new(
        channel: Channel,
        addr: &str,
        timeout: Duration,
        token: Option<String>,
    ) -> anyhow::Result<Self> {
        let authorization = token
            .map(|token| {
                let mut value = MetadataValue::try_from(format!("Bearer {token}"))
                    .context("the screening token must be printable ASCII")?;
                value.set_sensitive(true);
                anyhow::Ok(value)
            })
            .transpose()?;
        let metrics = RpcMetrics::client();
        Ok(Self {
            client: ScreeningServiceClient::new(MeasuredChannel::new(channel, metrics.clone())),
            metrics,
            timeout,
            authorization,
            link: Arc::new(ScreeningLink::new(addr)),
        })
    }

    /// The counts of the calls made to screening.
    pub fn rpc_metrics(&self) -> &RpcMetrics {
        &self.metrics
    }

    /// Notes how a call to screening went, for the connection's warnings: a failure with
    /// its code, or an answer (which shows the connection works).
    pub fn record(&self, outcome: Result<(), tonic::Code>) {
        self.link.record(outcome);
    }

    /// Called within the call's span (each call below is one), which it marks as failed.
    fn unavailable(&self, code: tonic::Code) -> ScreeningUnavailable {
        self.record(Err(code));
        service_kit::telemetry::record_client_failure(&tracing::Span::current(), code);
        ScreeningUnavailable { code }
    }

    #[tracing::instrument(name = "screening call", skip_all, fields(
        otel.name = "screening.v1.ScreeningService/Screen",
        otel.kind = "client",
    ))]
    pub async fn screen(&self, person: &Person) -> Result<ScreeningResult, ScreeningUnavailable> {
        let mut request = self.authorized(pb::ScreenRequest {
            person: Some(common::Person::from(person)),
            ..Default::default()
        });
        request.set_timeout(self.timeout);
        let mut client = self.client.clone();
        let response = tokio::time::timeout(self.timeout, client.screen(request))
            .await
            .map_err(|_| self.unavailable(tonic::Code::DeadlineExceeded))?
            .map_err(|status| self.unavailable(status.code()))?
            .into_inner();
        self.record(Ok(()));
        // A screening cut short by its work budget that found nothing has not cleared the
        // person: the subject stays PENDING and is screened again, never recorded CLEAR.
        if response.incomplete && !response.matched {
            return Err(ScreeningUnavailable {
                code: tonic::Code::ResourceExhausted,
            });
        }
        Ok(result_from_wire(response))
    }
}

fn result_from_wire(response: pb::ScreenResponse) -> ScreeningResult {
    ScreeningResult {
        extent: ScreeningExtent {
            total_hit_count: response.total_hit_count,
            hits_truncated: response.hits_truncated,
            engine_version: response.engine_version,
        },
        matched: response.matched,
        threshold: response.threshold,
        hits: response.hits.into_iter().map(hit_from_wire).collect(),
        versions: response
            .watchlist_versions
            .into_iter()
            .map(|v| ListVersion {
                watchlist: v.watchlist,
                version: v.version,
            })
            .collect(),
    }
}

pub fn hit_from_wire(hit: common::Hit) -> RecordedHit {
    let explanation = hit.explanation.unwrap_or_default();
    RecordedHit {
        entry_type: common::EntryType::try_from(hit.entry_type)
            .unwrap_or(common::EntryType::Unspecified)
            .as_str_name()
            .to_owned(),
        watchlist: hit.watchlist,
        entry_id: hit.entry_id,
        score: hit.score,
        matched_name: hit.matched_name,
        entry_primary_name: hit.entry_primary_name,
        watchlist_version: hit.watchlist_version,
        entry_version: hit.entry_version,
        explanation: RecordedExplanation {
            query_name: explanation.query_name,
            name_score: explanation.name_score,
            summary: explanation.summary,
            name_parts: explanation
                .name_parts
                .into_iter()
                .map(|p| RecordedNamePart {
                    outcome: match p.outcome() {
                        common::NamePartOutcome::Matched => "matched",
                        common::NamePartOutcome::Contradicted => "contradicted",
                        common::NamePartOutcome::Missing => "missing",
                        common::NamePartOutcome::Unspecified => "",
                    }
                    .to_owned(),
                    query_part: p.query_part,
                    entry_part: p.entry_part,
                    similarity: p.similarity,
                    weight: p.weight,
                    rule: p.rule,
                })
                .collect(),
            adjustments: explanation
                .adjustments
                .into_iter()
                .map(|a| RecordedAdjustment {
                    field: a.field,
                    delta: a.delta,
                    reason: a.reason,
                })
                .collect(),
        },
    }
}

pub fn hit_to_wire(hit: &RecordedHit) -> common::Hit {
    let explanation = &hit.explanation;
    common::Hit {
        watchlist: hit.watchlist.clone(),
        entry_id: hit.entry_id.clone(),
        score: hit.score,
        matched_name: hit.matched_name.clone(),
        entry_primary_name: hit.entry_primary_name.clone(),
        entry_type: common::EntryType::from_str_name(&hit.entry_type)
            .unwrap_or(common::EntryType::Unspecified) as i32,
        watchlist_version: hit.watchlist_version.clone(),
        entry_version: hit.entry_version.clone(),
        explanation: Some(common::HitExplanation {
            query_name: explanation.query_name.clone(),
            name_score: explanation.name_score,
            summary: explanation.summary.clone(),
            name_parts: explanation
                .name_parts
                .iter()
                .map(|p| common::NamePartMatch {
                    query_part: p.query_part.clone(),
                    entry_part: p.entry_part.clone(),
                    similarity: p.similarity,
                    weight: p.weight,
                    outcome: match p.outcome.as_str() {
                        "matched" => common::NamePartOutcome::Matched,
                        "contradicted" => common::NamePartOutcome::Contradicted,
                        "missing" => common::NamePartOutcome::Missing,
                        _ => common::NamePartOutcome::Unspecified,
                    } as i32,
                    rule: p.rule.clone(),
                })
                .collect(),
            adjustments: explanation
                .adjustments
                .iter()
                .map(|a| common::ScoreAdjustment {
                    field: a.field.clone(),
                    delta: a.delta,
                    reason: a.reason.clone(),
                })
                .collect(),
        }),
    }
}

/// A person screening refused to screen, with the fields it named (none of their values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub fields: Vec<String>,
}

impl ScreeningClient {
    /// `message` with the registry's token, and the trace context of the current span (the
    /// call's own), so that screening's work joins the trace of what asked for it.
    fn authorized<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        if let Some(authorization) = &self.authorization {
            request
                .metadata_mut()
                .insert("authorization", authorization.clone());
        }
        service_kit::telemetry::inject_trace_context(
            &tracing::Span::current(),
            request.metadata_mut(),
        );
        request
    }

    /// Screens `people` on one `ScreenStream`, answering in their order. The call is
    /// unavailable as a whole when the stream fails or falls silent for longer than the
    /// screening timeout: a partial batch is not worth keeping apart from a failed one.
    #[tracing::instrument(name = "screening call", skip_all, fields(
        otel.name = "screening.v1.ScreeningService/ScreenStream",
        otel.kind = "client",
        people = people.len(),
    ))]
    pub async fn screen_many(
        &self,
        people: &[&Person],
    ) -> Result<Vec<Result<ScreeningResult, Rejected>>, ScreeningUnavailable> {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        let requests: Vec<pb::ScreenRequest> = people
            .iter()
            .enumerate()
            .map(|(index, person)| pb::ScreenRequest {
                request_id: index.to_string(),
                person: Some(common::Person::from(*person)),
                ..Default::default()
            })
            .collect();
        let unavailable = |code| self.unavailable(code);
        let mut client = self.client.clone();
        let request = self.authorized(tokio_stream::iter(requests));
        let mut responses = tokio::time::timeout(self.timeout, client.screen_stream(request))
            .await
            .map_err(|_| unavailable(tonic::Code::DeadlineExceeded))?
            .map_err(|status| unavailable(status.code()))?
            .into_inner();

        let mut results: Vec<Option<Result<ScreeningResult, Rejected>>> = vec![None; people.len()];
        let mut missing = people.len();
        while missing > 0 {
            let response = tokio::time::timeout(self.timeout, responses.message())
                .await
                .map_err(|_| unavailable(tonic::Code::DeadlineExceeded))?
                .map_err(|status| unavailable(status.code()))?
                .ok_or_else(|| unavailable(tonic::Code::Unavailable))?;
            let slot = response
                .request_id
                .parse::<usize>()
                .ok()
                .and_then(|index| results.get_mut(index))
                .filter(|slot| slot.is_none())
                // An answer we cannot place makes every answer on the stream suspect.
                .ok_or_else(|| unavailable(tonic::Code::Internal))?;
            *slot = Some(if response.field_violations.is_empty() {
                Ok(result_from_wire(response))
            } else {
                Err(Rejected {
                    fields: response
                        .field_violations
                        .into_iter()
                        .map(|v| v.field)
                        .collect(),
                })
            });
            missing -= 1;
        }
        self.record(Ok(()));
        Ok(results.into_iter().flatten().collect())
    }

    /// The versions of the lists screening serves: the current ones at once, then again after
    /// every change, until the stream breaks. The call's span ends once the stream is open.
    #[tracing::instrument(name = "screening call", skip_all, fields(
        otel.name = "screening.v1.ScreeningService/WatchWatchlists",
        otel.kind = "client",
    ))]
    pub async fn watch_watchlists(
        &self,
    ) -> Result<tonic::Streaming<pb::WatchWatchlistsResponse>, ScreeningUnavailable> {
        let mut client = self.client.clone();
        let request = self.authorized(pb::WatchWatchlistsRequest {});
        Ok(
            tokio::time::timeout(self.timeout, client.watch_watchlists(request))
                .await
                .map_err(|_| self.unavailable(tonic::Code::DeadlineExceeded))?
                .map_err(|status| self.unavailable(status.code()))?
                .into_inner(),
        )
    }
}
