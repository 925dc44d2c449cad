-- Every version of every list that was ever served, so that a screening's recorded
-- list versions can be traced back to what was loaded and when.
CREATE TABLE watchlist_versions (
    name         TEXT    NOT NULL,
    version      TEXT    NOT NULL,
    format       TEXT    NOT NULL,
    entry_count  BIGINT  NOT NULL,
    loaded_at_ms BIGINT  NOT NULL,
    PRIMARY KEY (name, version)
);
