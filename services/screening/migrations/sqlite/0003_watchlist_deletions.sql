-- The audit of DeleteWatchlist: who removed which list, and the version it served then.
-- The list's files and versions go; this record of their removal stays.
CREATE TABLE watchlist_deletions (
    name          TEXT    NOT NULL,
    format        TEXT    NOT NULL,
    version       TEXT    NOT NULL,
    deleted_by    TEXT    NOT NULL,
    deleted_at_ms BIGINT  NOT NULL
);

CREATE INDEX watchlist_deletions_by_name ON watchlist_deletions (name, deleted_at_ms);
