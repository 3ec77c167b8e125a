-- footfall upgrade step 011: a counted page visit writes one row a page
-- and batch, its page_day row, instead of two (its page_total and its
-- page_daily row; the one left cost PostgreSQL about 40 % of what a
-- page cost: doc/bench.md).  footfall_api.purge moves a day's page_day
-- rows into page_total and page_daily once no batch can write that day
-- any more.  A page's numbers are its page_total rows and its page_day
-- rows (the view page_sum), its days its page_daily rows and its
-- page_day rows (page_days).  Nothing is carried: a footfall still
-- calling the functions from before this step writes page_total and
-- page_daily, which the views read too.  Idempotent.
CREATE TABLE IF NOT EXISTS footfall.page_day (
	page		integer NOT NULL REFERENCES footfall.page
	    ON DELETE CASCADE,
	day		date NOT NULL,
	slot		smallint NOT NULL CHECK (slot >= 0 AND slot < 64),
	visits		bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
	uniques		bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0),
	PRIMARY KEY (page, day, slot)
);
ALTER TABLE footfall.page_day OWNER TO footfall_owner;
CREATE INDEX IF NOT EXISTS page_day_day ON footfall.page_day (day);
CREATE OR REPLACE VIEW footfall.page_sum AS
	SELECT t.page, t.visits, t.uniques FROM footfall.page_total t
	UNION ALL
	SELECT d.page, d.visits, d.uniques FROM footfall.page_day d;
ALTER VIEW footfall.page_sum OWNER TO footfall_owner;
CREATE OR REPLACE VIEW footfall.page_days AS
	SELECT d.page, d.day, d.visits, d.uniques FROM footfall.page_daily d
	UNION ALL
	SELECT d.page, d.day, d.visits, d.uniques FROM footfall.page_day d;
ALTER VIEW footfall.page_days OWNER TO footfall_owner;
