-- Background screening: the pending worker's retry schedule, leases that keep several
-- registry instances off the same subject, and the key that finds subjects screened against
-- older list versions.
ALTER TABLE subjects ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE subjects ADD COLUMN next_attempt_at_ms BIGINT NOT NULL DEFAULT 0;
-- The instance working on the subject, until `lease_until_ms`; an expired lease is free.
ALTER TABLE subjects ADD COLUMN lease_owner TEXT;
ALTER TABLE subjects ADD COLUMN lease_until_ms BIGINT NOT NULL DEFAULT 0;
-- The list versions of the latest screening in canonical form (`store::versions_key`), so
-- that stale subjects are found through an index rather than by decoding `versions_json`.
-- Rows from before this migration have '' and are re-screened once.
ALTER TABLE subjects ADD COLUMN screened_versions TEXT NOT NULL DEFAULT '';
-- When a screening last turned a clear (or pending) subject into a potential match.
ALTER TABLE subjects ADD COLUMN matched_since_ms BIGINT;

CREATE INDEX subjects_pending_due ON subjects (screening_state, next_attempt_at_ms);
-- Only screened subjects are re-screened: PENDING ones (key '') are left out of the index
-- rather than sit at the start of every range scan.
CREATE INDEX subjects_by_screened_versions ON subjects (screened_versions)
    WHERE screening_state <> 'pending';
CREATE INDEX subjects_by_matched_since ON subjects (matched_since_ms);
