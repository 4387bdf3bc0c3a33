-- casereview schema, version 1: reference data, every record type, settings, change log.
-- Derived values that queries filter or group by (audit_night, out_of_hours, ...) are stored
-- so that the weekly measures are answered from an index, whatever the history held.

CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE site (
    site_code TEXT PRIMARY KEY,
    site_name TEXT NOT NULL
);

CREATE TABLE ward (
    ward_code TEXT PRIMARY KEY,
    ward_name TEXT NOT NULL,
    site_code TEXT NOT NULL REFERENCES site(site_code),
    older_adults INTEGER NOT NULL DEFAULT 0 CHECK (older_adults IN (0, 1))
);
CREATE INDEX ward_site ON ward(site_code);

CREATE TABLE agency (
    agency_code TEXT PRIMARY KEY,
    agency_name TEXT NOT NULL,
    agency_type TEXT NOT NULL DEFAULT ''
);

CREATE TABLE move_reason (
    reason_code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    clinical INTEGER NOT NULL CHECK (clinical IN (0, 1))
);

CREATE TABLE review_theme (
    theme_code TEXT PRIMARY KEY,
    label TEXT NOT NULL
);

CREATE TABLE experience_theme (
    theme_code TEXT PRIMARY KEY,
    label TEXT NOT NULL
);

CREATE TABLE move (
    id INTEGER PRIMARY KEY,
    moved_at TEXT NOT NULL,            -- local time with UTC offset, e.g. 2026-11-16T23:15+00:00
    moved_at_utc TEXT NOT NULL,        -- for ordering across the clock change
    audit_night TEXT,                  -- date the night began; NULL outside the window
    out_of_hours INTEGER NOT NULL CHECK (out_of_hours IN (0, 1)),
    site_code TEXT NOT NULL REFERENCES site(site_code),
    from_ward TEXT NOT NULL REFERENCES ward(ward_code),
    to_ward TEXT NOT NULL REFERENCES ward(ward_code),
    reason TEXT NOT NULL REFERENCES move_reason(reason_code),
    patient_ref TEXT,
    age INTEGER CHECK (age BETWEEN 0 AND 120),
    dementia INTEGER CHECK (dementia IN (0, 1)),
    authorised_by TEXT,
    informed INTEGER CHECK (informed IN (0, 1)),
    move_number INTEGER CHECK (move_number >= 1),
    notes TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT,
    CHECK (from_ward <> to_ward)
);
CREATE INDEX move_night ON move(audit_night, site_code) WHERE deleted_at IS NULL;
CREATE INDEX move_site_time ON move(site_code, moved_at_utc);

CREATE TABLE night_audit (
    id INTEGER PRIMARY KEY,
    site_code TEXT NOT NULL REFERENCES site(site_code),
    audit_night TEXT NOT NULL,
    audited_by TEXT NOT NULL CHECK (audited_by <> ''),
    completed_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);
-- One live return per site and night.
CREATE UNIQUE INDEX night_audit_unique ON night_audit(audit_night, site_code)
    WHERE deleted_at IS NULL;

CREATE TABLE review (
    id INTEGER PRIMARY KEY,
    review_date TEXT,
    patient_ref TEXT,
    age INTEGER CHECK (age BETWEEN 0 AND 120),
    dementia INTEGER CHECK (dementia IN (0, 1)),
    admission_date TEXT,
    medically_fit_date TEXT,
    discharge_date TEXT,
    agencies TEXT NOT NULL DEFAULT '',          -- ';'-separated agency codes
    reviewers TEXT NOT NULL DEFAULT '',         -- ';'-separated names
    ideal_outcome TEXT,
    actual_outcome TEXT,
    admission_avoidable TEXT CHECK (admission_avoidable IN ('yes', 'no', 'unsure')),
    score_pre_admission INTEGER CHECK (score_pre_admission BETWEEN 1 AND 5),
    score_admission INTEGER CHECK (score_admission BETWEEN 1 AND 5),
    score_ongoing INTEGER CHECK (score_ongoing BETWEEN 1 AND 5),
    score_discharge_planning INTEGER CHECK (score_discharge_planning BETWEEN 1 AND 5),
    score_transfer INTEGER CHECK (score_transfer BETWEEN 1 AND 5),
    score_overall INTEGER CHECK (score_overall BETWEEN 1 AND 5),
    avoidable_delay_days INTEGER CHECK (avoidable_delay_days >= 0),
    ward_moves INTEGER CHECK (ward_moves >= 0),
    themes TEXT NOT NULL DEFAULT '',            -- ';'-separated theme codes
    learning TEXT,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'complete', 'signed_off')),
    signed_off_at TEXT,
    signed_off_by TEXT,
    non_ideal_outcome INTEGER,
    more_care_than_needed INTEGER,
    second_stage INTEGER,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);
CREATE INDEX review_date_idx ON review(review_date, id);

CREATE TABLE review_agency (
    review_id INTEGER NOT NULL REFERENCES review(id),
    agency_code TEXT NOT NULL REFERENCES agency(agency_code),
    PRIMARY KEY (review_id, agency_code)
) WITHOUT ROWID;

CREATE TABLE review_theme_link (
    review_id INTEGER NOT NULL REFERENCES review(id),
    theme_code TEXT NOT NULL REFERENCES review_theme(theme_code),
    PRIMARY KEY (review_id, theme_code)
) WITHOUT ROWID;
CREATE INDEX review_theme_link_theme ON review_theme_link(theme_code, review_id);

CREATE TABLE toc_policy (
    id INTEGER PRIMARY KEY,
    effective_from TEXT NOT NULL,     -- date this version of the timeline took effect
    steps TEXT NOT NULL,              -- JSON: [{"step": "letter1", "anchor": "admission_date", "days": 2}, ...]
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    reason TEXT
);

CREATE TABLE toc (
    id INTEGER PRIMARY KEY,
    audit_date TEXT NOT NULL,
    auditor TEXT NOT NULL,
    site_code TEXT NOT NULL REFERENCES site(site_code),
    ward_code TEXT NOT NULL REFERENCES ward(ward_code),
    patient_ref TEXT NOT NULL,
    admission_date TEXT NOT NULL,
    medically_fit_date TEXT NOT NULL,
    letter1_date TEXT,
    choice_discussion_date TEXT,
    letter2_date TEXT,
    escalation_date TEXT,
    letter3_date TEXT,
    interim_offered INTEGER CHECK (interim_offered IN (0, 1)),
    discharge_date TEXT,
    outcome TEXT NOT NULL,
    notes TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);
CREATE INDEX toc_audit_date ON toc(audit_date, id);

CREATE TABLE experience (
    id INTEGER PRIMARY KEY,
    sample_date TEXT NOT NULL,
    site_code TEXT NOT NULL REFERENCES site(site_code),
    ward_code TEXT NOT NULL REFERENCES ward(ward_code),
    collected_by TEXT NOT NULL,
    patient_ref TEXT,
    age INTEGER CHECK (age BETWEEN 0 AND 120),
    dementia INTEGER CHECK (dementia IN (0, 1)),
    proxy INTEGER CHECK (proxy IN (0, 1)),
    fft TEXT NOT NULL,
    dignity TEXT,
    involved TEXT,
    moved_at_night TEXT,
    discharge_info TEXT,
    themes TEXT NOT NULL DEFAULT '',
    comment TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);
CREATE INDEX experience_date ON experience(sample_date, id);

-- Append-only change log. Each entry carries the hash of the one before it, so a gap or an
-- edit made behind the application's back is found by `casereview check`.
CREATE TABLE change_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,             -- insert, update, delete, restore, sign_off, amend, export, import, setting
    record_type TEXT NOT NULL,
    record_id TEXT,
    before TEXT,                      -- JSON
    after TEXT,                       -- JSON
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX change_log_record ON change_log(record_type, record_id);

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'change_log is append-only: entries cannot be changed');
END;

CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'change_log is append-only: entries cannot be deleted');
END;
