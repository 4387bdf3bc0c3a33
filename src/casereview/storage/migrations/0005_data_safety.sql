-- casereview schema, version 5: the database itself guards the audit trail.
--
-- 0001 already refuses UPDATE and DELETE on change_log. These triggers close the remaining
-- ways round it: an INSERT that does not follow the last entry (which is also how
-- INSERT OR REPLACE would rewrite an old entry, since REPLACE's delete fires no trigger), and
-- a hard DELETE of a record, which would take it out of the evidence without a trace
-- (records are only ever soft-deleted: deleted_at).

CREATE TRIGGER change_log_follows_last BEFORE INSERT ON change_log
WHEN NEW.prev_hash IS NOT COALESCE(
    (SELECT hash FROM change_log ORDER BY id DESC LIMIT 1),
    '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'change_log is append-only: a new entry must follow the last one');
END;

CREATE TRIGGER move_no_delete BEFORE DELETE ON move
BEGIN
    SELECT RAISE(ABORT, 'records are never deleted: soft-delete them (deleted_at)');
END;

CREATE TRIGGER night_audit_no_delete BEFORE DELETE ON night_audit
BEGIN
    SELECT RAISE(ABORT, 'records are never deleted: soft-delete them (deleted_at)');
END;

CREATE TRIGGER review_no_delete BEFORE DELETE ON review
BEGIN
    SELECT RAISE(ABORT, 'records are never deleted: soft-delete them (deleted_at)');
END;

CREATE TRIGGER toc_no_delete BEFORE DELETE ON toc
BEGIN
    SELECT RAISE(ABORT, 'records are never deleted: soft-delete them (deleted_at)');
END;

CREATE TRIGGER experience_no_delete BEFORE DELETE ON experience
BEGIN
    SELECT RAISE(ABORT, 'records are never deleted: soft-delete them (deleted_at)');
END;

-- The deleted-records view lists soft-deleted records newest first; few records are deleted,
-- so partial indexes keep that cheap however large the tables grow.
CREATE INDEX IF NOT EXISTS move_deleted ON move(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS night_audit_deleted ON night_audit(deleted_at)
    WHERE deleted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS review_deleted ON review(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS toc_deleted ON toc(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS experience_deleted ON experience(deleted_at)
    WHERE deleted_at IS NOT NULL;
