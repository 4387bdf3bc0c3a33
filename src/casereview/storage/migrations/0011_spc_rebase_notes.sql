-- casereview schema, version 11: SPC chart rebases and notes (SPEC 6).
--
-- spc_rebase is append-only, like the change log: a rebase is a dated setting per measure and
-- scope ("from this week the limits are recalculated") with a required reason. Taking one back
-- is a later entry for the same measure, scope and week with action 'remove' (and its own
-- reason), never an edit or a deletion. For a (measure, scope, week) the latest entry decides.
-- Every entry is also written to the change log in the same transaction.
--
-- spc_note holds annotations on a week of a measure's chart; a note is deleted by setting
-- deleted_at (logged), like any record.

CREATE TABLE spc_rebase (
    id INTEGER PRIMARY KEY,
    measure TEXT NOT NULL,
    scope TEXT NOT NULL,
    week TEXT NOT NULL CHECK (week GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]'),
    action TEXT NOT NULL CHECK (action IN ('rebase', 'remove')),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX spc_rebase_chart ON spc_rebase(measure, scope, week, id);

CREATE TRIGGER spc_rebase_no_update BEFORE UPDATE ON spc_rebase
BEGIN
    SELECT RAISE(ABORT, 'spc_rebase is append-only: take a rebase back with a later change');
END;

CREATE TRIGGER spc_rebase_no_delete BEFORE DELETE ON spc_rebase
BEGIN
    SELECT RAISE(ABORT, 'spc_rebase is append-only: take a rebase back with a later change');
END;

CREATE TABLE spc_note (
    id INTEGER PRIMARY KEY,
    measure TEXT NOT NULL,
    scope TEXT NOT NULL,
    week TEXT NOT NULL CHECK (week GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]'),
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);
CREATE INDEX spc_note_chart ON spc_note(measure, scope, week) WHERE deleted_at IS NULL;
