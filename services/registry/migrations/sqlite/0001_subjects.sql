-- Subjects with their latest screening; `screenings` keeps every screening ever made.
CREATE TABLE subjects (
    id                  TEXT    PRIMARY KEY,
    request_id          TEXT    NOT NULL UNIQUE,
    -- Hash of the intake's person, to tell an idempotent retry from a conflicting reuse.
    request_fingerprint TEXT    NOT NULL,
    person_json         TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    screening_state     TEXT    NOT NULL,
    matched             BIGINT  NOT NULL,
    threshold           REAL    NOT NULL,
    hits_json           TEXT    NOT NULL,
    versions_json       TEXT    NOT NULL,
    screened_at_ms      BIGINT,
    created_at_ms       BIGINT  NOT NULL,
    updated_at_ms       BIGINT  NOT NULL,
    revision            BIGINT  NOT NULL
);

CREATE INDEX subjects_by_state ON subjects (screening_state, id);
CREATE INDEX subjects_by_status ON subjects (status, id);

CREATE TABLE screenings (
    id             TEXT    PRIMARY KEY,
    subject_id     TEXT    NOT NULL REFERENCES subjects (id),
    state          TEXT    NOT NULL,
    matched        BIGINT  NOT NULL,
    threshold      REAL    NOT NULL,
    hits_json      TEXT    NOT NULL,
    versions_json  TEXT    NOT NULL,
    screened_at_ms BIGINT  NOT NULL
);

CREATE INDEX screenings_by_subject ON screenings (subject_id, screened_at_ms);
