-- footfall upgrade step 008: pages within a counter (count_batch with
-- p_pages).  Idempotent.
CREATE TABLE IF NOT EXISTS footfall.page (
	id		integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	counter		integer NOT NULL REFERENCES footfall.counter
	    ON DELETE CASCADE,
	path		text NOT NULL
	    CHECK (octet_length(path) BETWEEN 1 AND 256 AND path LIKE '/%'),
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (counter, path)
);
ALTER TABLE footfall.page OWNER TO footfall_owner;
CREATE TABLE IF NOT EXISTS footfall.page_total (
	page		integer NOT NULL REFERENCES footfall.page
	    ON DELETE CASCADE,
	slot		smallint NOT NULL CHECK (slot >= 0 AND slot < 64),
	visits		bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
	uniques		bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0),
	PRIMARY KEY (page, slot)
);
ALTER TABLE footfall.page_total OWNER TO footfall_owner;
CREATE TABLE IF NOT EXISTS footfall.page_visitor (
	hash		bytea PRIMARY KEY CHECK (octet_length(hash) = 32),
	counted_at	timestamptz NOT NULL
);
ALTER TABLE footfall.page_visitor OWNER TO footfall_owner;
CREATE INDEX IF NOT EXISTS page_visitor_counted_at
    ON footfall.page_visitor (counted_at);
