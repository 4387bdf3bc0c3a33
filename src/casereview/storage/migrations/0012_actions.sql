-- casereview schema, version 12: the action plan (SPEC 4.6) and programme targets (SPEC 4.7).
--
-- An action keeps its current rating in `rag`; every rating it has had, each with the date it
-- took effect, is in action_rating, so a past period's ratings can be read back. Progress
-- notes and ratings are only ever added: triggers refuse UPDATE and DELETE on both.

CREATE TABLE action (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    owner TEXT NOT NULL,
    agency_code TEXT REFERENCES agency(agency_code),
    raised_on TEXT NOT NULL,
    due_date TEXT NOT NULL CHECK (due_date >= raised_on),
    status TEXT NOT NULL CHECK (status IN ('OPEN', 'IN_PROGRESS', 'DONE', 'DROPPED')),
    closed_on TEXT CHECK ((closed_on IS NULL) = (status IN ('OPEN', 'IN_PROGRESS'))
                          AND (closed_on IS NULL OR closed_on >= raised_on)),
    rag TEXT CHECK (rag IN ('RED', 'AMBER', 'GREEN')
                    AND (rag IS NOT NULL OR status IN ('DONE', 'DROPPED'))),
    -- what it came from: review, toc, experience (ref = record id), ward, theme (ref = code),
    -- measure (ref = measure@scope)
    source_kind TEXT CHECK (source_kind IN ('review', 'toc', 'experience', 'measure', 'ward',
                                            'theme')),
    source_ref TEXT CHECK ((source_ref IS NULL) = (source_kind IS NULL)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);
-- The list pages newest raised first (storage/paging.py); sources find their actions.
CREATE INDEX action_live_raised ON action(raised_on) WHERE deleted_at IS NULL;
CREATE INDEX action_source ON action(source_kind, source_ref) WHERE deleted_at IS NULL;
CREATE INDEX action_deleted ON action(deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE action_progress (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES action(id),
    noted_on TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    rag TEXT CHECK (rag IN ('RED', 'AMBER', 'GREEN')),   -- the rating this note set, if any
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX action_progress_action ON action_progress(action_id, noted_on, id);

CREATE TABLE action_rating (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES action(id),
    rated_on TEXT NOT NULL,
    rag TEXT NOT NULL CHECK (rag IN ('RED', 'AMBER', 'GREEN')),
    progress_id INTEGER REFERENCES action_progress(id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX action_rating_action ON action_rating(action_id, rated_on, id);

CREATE TRIGGER action_no_delete BEFORE DELETE ON action
BEGIN
    SELECT RAISE(ABORT, 'records are never deleted: soft-delete them (deleted_at)');
END;

CREATE TRIGGER action_progress_no_update BEFORE UPDATE ON action_progress
BEGIN
    SELECT RAISE(ABORT, 'progress notes are only ever added');
END;

CREATE TRIGGER action_progress_no_delete BEFORE DELETE ON action_progress
BEGIN
    SELECT RAISE(ABORT, 'progress notes are only ever added');
END;

CREATE TRIGGER action_rating_no_update BEFORE UPDATE ON action_rating
BEGIN
    SELECT RAISE(ABORT, 'ratings are only ever added');
END;

CREATE TRIGGER action_rating_no_delete BEFORE DELETE ON action_rating
BEGIN
    SELECT RAISE(ABORT, 'ratings are only ever added');
END;

CREATE TABLE programme_target (
    id INTEGER PRIMARY KEY,
    programme TEXT NOT NULL CHECK (programme IN ('reviews', 'toc', 'experience')),
    scope TEXT NOT NULL,               -- all, site:<code>, ward:<code>
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL CHECK (end_date >= start_date),
    target_count INTEGER NOT NULL CHECK (target_count >= 1),
    note TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);
CREATE INDEX programme_target_live ON programme_target(end_date) WHERE deleted_at IS NULL;

CREATE TRIGGER programme_target_no_delete BEFORE DELETE ON programme_target
BEGIN
    SELECT RAISE(ABORT, 'records are never deleted: soft-delete them (deleted_at)');
END;
