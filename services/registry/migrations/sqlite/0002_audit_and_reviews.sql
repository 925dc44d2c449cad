-- The audit trail: appended to in the same transaction as the change it records, never
-- updated or deleted through the API.
CREATE TABLE audit_events (
    id          TEXT    PRIMARY KEY,
    subject_id  TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    request_id  TEXT    NOT NULL,
    at_ms       BIGINT  NOT NULL,
    details     TEXT    NOT NULL
);

CREATE INDEX audit_events_by_subject ON audit_events (subject_id, id);

-- A reviewer's decision on one hit (one list entry) for one subject. `entry_version` is the
-- entry's content hash when reviewed: a dismissal stops counting once the entry changes.
CREATE TABLE hit_reviews (
    subject_id     TEXT    NOT NULL REFERENCES subjects (id),
    watchlist      TEXT    NOT NULL,
    entry_id       TEXT    NOT NULL,
    entry_version  TEXT    NOT NULL,
    decision       TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    reviewer       TEXT    NOT NULL,
    reviewed_at_ms BIGINT  NOT NULL,
    PRIMARY KEY (subject_id, watchlist, entry_id)
);
