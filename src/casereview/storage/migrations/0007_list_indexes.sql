-- casereview schema, version 7: indexes for lists that page through the whole history.
--
-- The moves register lists every live move newest first, a page at a time by keyset
-- (storage/paging.py): (moved_at_utc, id) DESC. This partial index answers the first page,
-- the next page and the last page with one seek each; without it every page would sort the
-- whole table. (A site's moves page on move_site_time; the rowid is the tie-breaker in both.)
CREATE INDEX move_live_time ON move(moved_at_utc) WHERE deleted_at IS NULL;
