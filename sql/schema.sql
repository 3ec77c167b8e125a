-- footfall's schema as it is now, for a new database: sql/apply runs it
-- there, records its version (the number of the last upgrade step), and
-- then runs functions.sql and compat.sql.  A database made earlier is
-- brought to the same schema by the upgrade steps NNN_*.sql instead
-- (tests/upgrade.test compares the two).  A change here is also a new
-- upgrade step; a step once released is never edited.
--
-- The tables live in schema footfall, owned by footfall_owner, a role
-- that cannot log in.  The role footfall connects as is a member of
-- footfall_app, which may only EXECUTE the functions in footfall_api.
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'footfall_owner') THEN
		CREATE ROLE footfall_owner NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'footfall_app') THEN
		CREATE ROLE footfall_app NOLOGIN;
	END IF;
END $$;

CREATE SCHEMA footfall AUTHORIZATION footfall_owner;
CREATE SCHEMA footfall_api AUTHORIZATION footfall_owner;
REVOKE ALL ON SCHEMA footfall FROM PUBLIC;
REVOKE ALL ON SCHEMA footfall_api FROM PUBLIC;
GRANT USAGE ON SCHEMA footfall_api TO footfall_app;
SET ROLE footfall_owner;

-- The upgrade steps applied (sql/apply); schema.sql counts as all of
-- the steps up to its version.
CREATE TABLE footfall.schema_version (
	version		integer PRIMARY KEY,
	applied_at	timestamptz NOT NULL DEFAULT now()
);

-- One row per visitor key (the first 16 bytes of an HMAC-SHA256, step
-- 012; never an address).
-- counted_at is when the visitor was last counted as unique; seen_at,
-- with count_interval on, when its visit last added to the total;
-- pages, the ids of the pages of its counter it was counted on since
-- counted_at (a page's unique visitors: step 010).
CREATE TABLE footfall.visitor (
	hash		bytea PRIMARY KEY CHECK (octet_length(hash) = 16),
	counted_at	timestamptz NOT NULL,
	seen_at		timestamptz,
	pages		integer[] NOT NULL DEFAULT '{}'
);
-- The removal of expired visitors walks this index, oldest first.
CREATE INDEX visitor_counted_at ON footfall.visitor (counted_at);

-- The visitor keys (see visitor_keys in functions.sql): expires_at is
-- fixed when the key is made, period_start + period + window with the
-- settings of the footfall that made it.
CREATE TABLE footfall.visitor_key (
	period_start	timestamptz PRIMARY KEY,
	key		bytea NOT NULL CHECK (octet_length(key) = 32),
	expires_at	timestamptz NOT NULL
);

-- Counter names: what /count/{name} accepts (route.c checks the same).
CREATE TABLE footfall.counter (
	id		integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name		text NOT NULL UNIQUE
	    CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
	created_at	timestamptz NOT NULL DEFAULT now()
);
INSERT INTO footfall.counter (name) VALUES ('default');

-- Each counter's numbers, spread over up to 64 rows (one per database
-- connection's slot, made on first use; footfall.limits) so that
-- concurrent batches do not queue on one hot row; the numbers are the
-- sums.  bots are visits of known crawlers: never in visits.
CREATE TABLE footfall.counter_total (
	counter		integer NOT NULL REFERENCES footfall.counter
	    ON DELETE CASCADE,
	slot		smallint NOT NULL CHECK (slot >= 0 AND slot < 64),
	visits		bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
	uniques		bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0),
	bots		bigint NOT NULL DEFAULT 0 CHECK (bots >= 0),
	PRIMARY KEY (counter, slot)
);
-- "default" has all its rows, as a database from before counters got
-- them from its footfall.total (tests/isolation's specs start there).
INSERT INTO footfall.counter_total (counter, slot)
SELECT x.id, s FROM footfall.counter x, generate_series(0, 63) s;

-- The same numbers per day (UTC), for /stats: its cost depends on the
-- days asked for, not on the visits stored.  uniques of a day are the
-- visits of that day that counted as new.
CREATE TABLE footfall.daily (
	counter		integer NOT NULL REFERENCES footfall.counter
	    ON DELETE CASCADE,
	day		date NOT NULL,
	slot		smallint NOT NULL CHECK (slot >= 0 AND slot < 64),
	visits		bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
	uniques		bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0),
	bots		bigint NOT NULL DEFAULT 0 CHECK (bots >= 0),
	PRIMARY KEY (counter, day, slot)
);

-- The pages of a counter: the paths its visits named (the widget sends
-- location.pathname; footfall normalises it: footfall(8), Pages).  A
-- page is made by a counted visit from an allowed origin, while its
-- counter has fewer than max_pages (count_batch's p_max_pages), so no
-- client can make rows without bound.
CREATE TABLE footfall.page (
	id		integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	counter		integer NOT NULL REFERENCES footfall.counter
	    ON DELETE CASCADE,
	path		text NOT NULL
	    CHECK (octet_length(path) BETWEEN 1 AND 256 AND path LIKE '/%'),
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (counter, path)
);
-- Each page's numbers, in slots as counter_total's and for the same
-- reason (a site's front page is as hot as its counter).
CREATE TABLE footfall.page_total (
	page		integer NOT NULL REFERENCES footfall.page
	    ON DELETE CASCADE,
	slot		smallint NOT NULL CHECK (slot >= 0 AND slot < 64),
	visits		bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
	uniques		bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0),
	PRIMARY KEY (page, slot)
);
-- The same numbers per day (UTC), as footfall.daily is the counter's,
-- for export and import (step 009: a page made before it has days from
-- then on, its totals from the start).
CREATE TABLE footfall.page_daily (
	page		integer NOT NULL REFERENCES footfall.page
	    ON DELETE CASCADE,
	day		date NOT NULL,
	slot		smallint NOT NULL CHECK (slot >= 0 AND slot < 64),
	visits		bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
	uniques		bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0),
	PRIMARY KEY (page, day, slot)
);

-- The pages' numbers of the days a batch may still write (today's, and
-- until 01:00 UTC yesterday's): a counted page visit writes this row
-- alone, and footfall_api.purge moves a day's rows into page_total and
-- page_daily once no batch can write it (step 011).
CREATE TABLE footfall.page_day (
	page		integer NOT NULL REFERENCES footfall.page
	    ON DELETE CASCADE,
	day		date NOT NULL,
	slot		smallint NOT NULL CHECK (slot >= 0 AND slot < 64),
	visits		bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
	uniques		bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0),
	PRIMARY KEY (page, day, slot)
);
-- The purge looks for days that are over once a second: by this index,
-- not through every row (a page's row is made once a day and slot, then
-- updated in place: the index costs a batch nothing more).
CREATE INDEX page_day_day ON footfall.page_day (day);
-- A page's numbers (summed over its rows) and its days' (summed by
-- day): what was moved, and what is still to move.
CREATE VIEW footfall.page_sum AS
	SELECT t.page, t.visits, t.uniques FROM footfall.page_total t
	UNION ALL
	SELECT d.page, d.visits, d.uniques FROM footfall.page_day d;
CREATE VIEW footfall.page_days AS
	SELECT d.page, d.day, d.visits, d.uniques FROM footfall.page_daily d
	UNION ALL
	SELECT d.page, d.day, d.visits, d.uniques FROM footfall.page_day d;

-- The visit log (visit_log = on): one row per counted, tracked visit,
-- kept for log_retention.  No hash, no address, no User-Agent: the time
-- to the minute (so that a row cannot be joined with a visitor's
-- counted_at), the counter, the page's path, the referring host and
-- the browser's family.
--
-- It is written for every counted visit, so it carries only what its
-- readers need.  No foreign key on counter: its check, a query per row,
-- was half of what the log added to a batch (about 8 of 16 us a visit,
-- measured with pgbench calling count_visits with 32 visits); only
-- count_batch writes here, with ids it read from footfall.counter in
-- the same transaction, and footfall never deletes a counter.  One
-- index: (counter, at) serves the top lists, and the purge walks it
-- counter by counter (an index on at alone cost another 3 us a visit).
CREATE TABLE footfall.visit_log (
	at		timestamptz NOT NULL,
	counter		integer NOT NULL,
	path		text CHECK (octet_length(path) <= 256),
	referrer	text CHECK (octet_length(referrer) <= 253),
	browser		text CHECK (octet_length(browser) <= 32),
	is_new		boolean NOT NULL
);
CREATE INDEX visit_log_counter_at ON footfall.visit_log (counter, at);
-- One row per batch of visits, written by count_batch inside the
-- batch's own transaction: the row exists if and only if the batch
-- committed.  When footfall loses the answer to a commit it inserts the
-- same id (footfall_api.batch_committed): a conflict means the batch
-- committed; a row inserted means it did not, and now never can, since
-- its own insert would conflict.  Unlike a transaction id, the id is
-- random, so a standby promoted after a failover cannot give it to
-- another batch.  The ids are UUIDs of version 7 (time first), so the
-- index grows at its right edge and the purge takes its left; they are
-- kept for an hour (footfall_api.purge says why that is enough).
CREATE TABLE footfall.batch (
	id		uuid PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now()
);
RESET ROLE;
