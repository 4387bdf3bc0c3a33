-- casereview schema, version 13: the files imported, by fingerprint (SPEC 7.1).
--
-- A file whose bytes (SHA-256) were imported before is refused unless the person says
-- --again, so a nightly file imported twice cannot double the counts. One row per import that
-- wrote at least one record; the change log's import entry carries the same fingerprint.

CREATE TABLE import_file (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    written INTEGER NOT NULL,
    rejected INTEGER NOT NULL DEFAULT 0,
    again INTEGER NOT NULL DEFAULT 0,
    allow_duplicates INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX import_file_sha256 ON import_file(sha256, id);
