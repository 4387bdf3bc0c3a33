-- casereview schema, version 3: the Transfer of Care audit's step evaluation, stored.
-- Each audit keeps, per step, its due date and status as judged against the policy version in
-- force on its audit_date (policy_id NULL = the SPEC's default timeline), so the audit list
-- filters by adherence and the toc_* measures are answered by GROUP BY. A step the policy does
-- not time has NULL due date and status. Storage re-evaluates the audits a new policy version
-- reaches, in the same transaction that adds the version.

ALTER TABLE toc ADD COLUMN policy_id INTEGER REFERENCES toc_policy(id);
ALTER TABLE toc ADD COLUMN letter1_due TEXT;
ALTER TABLE toc ADD COLUMN letter1_status TEXT
    CHECK (letter1_status IN ('not_required', 'on_time', 'late', 'missing'));
ALTER TABLE toc ADD COLUMN choice_discussion_due TEXT;
ALTER TABLE toc ADD COLUMN choice_discussion_status TEXT
    CHECK (choice_discussion_status IN ('not_required', 'on_time', 'late', 'missing'));
ALTER TABLE toc ADD COLUMN letter2_due TEXT;
ALTER TABLE toc ADD COLUMN letter2_status TEXT
    CHECK (letter2_status IN ('not_required', 'on_time', 'late', 'missing'));
ALTER TABLE toc ADD COLUMN escalation_due TEXT;
ALTER TABLE toc ADD COLUMN escalation_status TEXT
    CHECK (escalation_status IN ('not_required', 'on_time', 'late', 'missing'));
ALTER TABLE toc ADD COLUMN letter3_due TEXT;
ALTER TABLE toc ADD COLUMN letter3_status TEXT
    CHECK (letter3_status IN ('not_required', 'on_time', 'late', 'missing'));
ALTER TABLE toc ADD COLUMN required_steps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE toc ADD COLUMN on_time_steps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE toc ADD COLUMN adherence TEXT
    CHECK (adherence IN ('full', 'not_full', 'none_required'));

CREATE INDEX toc_site_date ON toc(site_code, audit_date, id);
CREATE INDEX toc_ward_date ON toc(ward_code, audit_date, id);
CREATE INDEX toc_policy_from ON toc_policy(effective_from, id);
