-- footfall upgrade step 009: each page's days, for export, import and
-- /stats.  Pages made under 008 keep their totals; their days begin
-- with this step.  Idempotent.
CREATE TABLE IF NOT EXISTS footfall.page_daily (
	page		integer NOT NULL REFERENCES footfall.page
	    ON DELETE CASCADE,
	day		date NOT NULL,
	slot		smallint NOT NULL CHECK (slot >= 0 AND slot < 64),
	visits		bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
	uniques		bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0),
	PRIMARY KEY (page, day, slot)
);
ALTER TABLE footfall.page_daily OWNER TO footfall_owner;
