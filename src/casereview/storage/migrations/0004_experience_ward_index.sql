-- Patient-experience samples are listed and counted per ward and ISO week (the ward-by-week
-- grid, the sample list filtered by ward, experience_target_met_pct): index live samples by
-- ward and date. The list pages newest first on (sample_date, id).
CREATE INDEX experience_ward_date ON experience(ward_code, sample_date, id)
    WHERE deleted_at IS NULL;
CREATE INDEX experience_live_date ON experience(sample_date, id) WHERE deleted_at IS NULL;
