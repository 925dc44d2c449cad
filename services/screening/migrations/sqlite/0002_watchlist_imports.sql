-- Lists loaded through ImportWatchlist, kept so that they survive restarts and so that every
-- screening instance sharing this database serves the same version.
CREATE TABLE watchlist_imports (
    name         TEXT    PRIMARY KEY,
    format       TEXT    NOT NULL,
    version      TEXT    NOT NULL,
    imported_by  TEXT    NOT NULL,
    imported_at_ms BIGINT NOT NULL
);

CREATE TABLE watchlist_import_files (
    name      TEXT    NOT NULL REFERENCES watchlist_imports (name) ON DELETE CASCADE,
    file_name TEXT    NOT NULL,
    content   BLOB    NOT NULL,
    PRIMARY KEY (name, file_name)
);
