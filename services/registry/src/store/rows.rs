//! The stored form of a subject and its conversion to and from the domain type.

use anyhow::Context;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::screening::{Screening, ScreeningExtent};
use crate::domain::subject::{RequestId, ScreeningState, Subject, SubjectStatus};

#[derive(Debug, sqlx::FromRow)]
pub(super) struct SubjectRow {
    pub id: String,
    pub request_id: String,
    pub request_fingerprint: String,
    pub person_json: String,
    pub status: String,
    pub screening_state: String,
    pub matched: i64,
    pub threshold: f64,
    pub hits_json: String,
    pub versions_json: String,
    pub screened_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub revision: i64,
    pub created_by: String,
    pub total_hit_count: i64,
    pub hits_truncated: i64,
    pub engine_version: String,
    /// Written, never read back into a subject: `store::versions_key` of the screening.
    #[sqlx(default)]
    pub screened_versions: String,
}

pub(super) fn millis(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

pub(super) fn from_millis(ms: i64) -> anyhow::Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .context("a stored time is out of range")
}

impl SubjectRow {
    pub fn from_subject(subject: &Subject, fingerprint: &str) -> anyhow::Result<Self> {
        let screening = &subject.screening;
        Ok(Self {
            id: subject.id.to_string(),
            request_id: subject.request_id.as_str().to_owned(),
            request_fingerprint: fingerprint.to_owned(),
            person_json: serde_json::to_string(&subject.person).context("encoding a person")?,
            status: subject.status.as_str().to_owned(),
            screening_state: screening.state.as_str().to_owned(),
            matched: i64::from(screening.matched),
            threshold: screening.threshold,
            hits_json: serde_json::to_string(&screening.hits).context("encoding hits")?,
            versions_json: serde_json::to_string(&screening.versions)
                .context("encoding list versions")?,
            screened_at_ms: screening.screened_at.map(millis),
            created_at_ms: millis(subject.created_at),
            updated_at_ms: millis(subject.updated_at),
            revision: subject.revision,
            created_by: subject.created_by.clone(),
            total_hit_count: i64::from(screening.extent.total_hit_count),
            hits_truncated: i64::from(screening.extent.hits_truncated),
            engine_version: screening.extent.engine_version.clone(),
            screened_versions: super::versions_key(&screening.versions),
        })
    }

    pub fn into_subject(self) -> anyhow::Result<Subject> {
        let corrupt = |what: &str| format!("stored subject {} has a bad {what}", self.id);
        Ok(Subject {
            id: Uuid::parse_str(&self.id).with_context(|| corrupt("id"))?,
            request_id: RequestId::parse(&self.request_id)
                .map_err(anyhow::Error::msg)
                .with_context(|| corrupt("request id"))?,
            person: serde_json::from_str(&self.person_json).with_context(|| corrupt("person"))?,
            status: SubjectStatus::parse(&self.status).with_context(|| corrupt("status"))?,
            screening: Screening {
                state: ScreeningState::parse(&self.screening_state)
                    .with_context(|| corrupt("screening state"))?,
                matched: self.matched != 0,
                threshold: self.threshold,
                hits: serde_json::from_str(&self.hits_json).with_context(|| corrupt("hits"))?,
                versions: serde_json::from_str(&self.versions_json)
                    .with_context(|| corrupt("list versions"))?,
                screened_at: self.screened_at_ms.map(from_millis).transpose()?,
                extent: ScreeningExtent {
                    total_hit_count: u32::try_from(self.total_hit_count)
                        .with_context(|| corrupt("hit count"))?,
                    hits_truncated: self.hits_truncated != 0,
                    engine_version: self.engine_version,
                },
            },
            reviews: Vec::new(),
            created_at: from_millis(self.created_at_ms)?,
            updated_at: from_millis(self.updated_at_ms)?,
            revision: self.revision,
            created_by: self.created_by,
        })
    }
}
