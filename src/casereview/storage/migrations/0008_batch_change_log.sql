-- casereview schema, version 8: one change-log entry for a batch of inserted records.
--
-- An import of a million moves used to write a million change-log entries, one per record,
-- each a copy of the record: more time than validating and inserting the records themselves.
-- A batch insert (import, demo) now writes ONE entry for each batch it inserts, with the
-- records' values as {"columns": [...], "rows": [[...], ...]} in `after` (the n-th row is the
-- record first_id + n) and the ids it covers in first_id..last_id (the ids of a batch are
-- consecutive). The range is part of the entry's hash, like every other column, so it cannot
-- be changed without breaking the chain.
-- A record's history finds its batch by the range (storage/history.py); `casereview check`
-- counts a record covered by a batch as logged.
--
-- Entries written before this version are unchanged (first_id and last_id are NULL), and so
-- are their hashes.

ALTER TABLE change_log ADD COLUMN first_id INTEGER;
ALTER TABLE change_log ADD COLUMN last_id INTEGER;
CREATE INDEX change_log_batch ON change_log(record_type, last_id) WHERE first_id IS NOT NULL;
