-- The directory of a site sharded into cells (doc/cluster.md): a
-- PostgreSQL with PL/Proxy whose footfall_api has the admin and read
-- functions of a cell's, with the same signatures, so that an unchanged
-- footfall pointed at it serves the admin API (and /stats) across cells.
-- The list runs on every cell; one counter's reads and writes run on its
-- cell only.  It has no count_batch, visitor_keys or purge: visits go to
-- the cells, never here.
--
-- Before this file: CREATE EXTENSION plproxy, a foreign server
-- footfall_cells (FOREIGN DATA WRAPPER plproxy, partitions p0, p1, ...
-- in the order of footfall_dir.cell's ids, a power of two of them) and
-- a user mapping for each role that logs in here to a login role of the
-- cells that is a member of their footfall_app.  PL/Proxy connects to a
-- cell as the mapping of the role calling, so no function here is
-- SECURITY DEFINER: a definer's function would reach the cells with its
-- owner's mapping, whoever called it.  After it: the rows of
-- footfall_dir.cell and footfall_dir.placement (scripts/cluster).
-- Idempotent, like the cells' migrations.
SET client_min_messages = warning;

DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'footfall_app') THEN
		CREATE ROLE footfall_app NOLOGIN;
	END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS footfall_dir;
CREATE SCHEMA IF NOT EXISTS footfall_api;

-- The cells, numbered as the foreign server's partitions (p0 is 0).
CREATE TABLE IF NOT EXISTS footfall_dir.cell (
	id	integer PRIMARY KEY CHECK (id >= 0),
	name	text NOT NULL UNIQUE
);
-- The placement table: each counter in exactly one cell.
CREATE TABLE IF NOT EXISTS footfall_dir.placement (
	counter	text PRIMARY KEY,
	cell	integer NOT NULL REFERENCES footfall_dir.cell
);

-- A counter's cell; a name placed nowhere asks the first cell, which
-- answers "not found" as any cell would.
CREATE OR REPLACE FUNCTION footfall_dir.cell_of(p_name text)
RETURNS integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT coalesce((SELECT cell FROM footfall_dir.placement
	    WHERE counter = p_name), 0)
$$;

-- One cell's list; list_counters keeps of it the counters placed there
-- (a cell's own "default", or a moved counter not yet dropped from its
-- old cell, is not listed twice).
CREATE OR REPLACE FUNCTION footfall_dir.list_on(p_cell integer)
RETURNS TABLE (name text, total_visits bigint, unique_visitors bigint,
    bots bigint, created bigint)
LANGUAGE plproxy
AS $$
	CLUSTER 'footfall_cells';
	RUN ON p_cell;
	SELECT name, total_visits, unique_visitors, bots, created
	  FROM footfall_api.list_counters();
$$;

CREATE OR REPLACE FUNCTION footfall_api.list_counters()
RETURNS TABLE (name text, total_visits bigint, unique_visitors bigint,
    bots bigint, created bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT l.name, l.total_visits, l.unique_visitors, l.bots, l.created
	  FROM footfall_dir.cell c,
	       LATERAL footfall_dir.list_on(c.id) l
	 WHERE footfall_dir.cell_of(l.name) = c.id
	 ORDER BY l.name COLLATE "C"
$$;

CREATE OR REPLACE FUNCTION footfall_dir.read_on(p_cell integer,
    p_name text)
RETURNS TABLE (found boolean, total_visits bigint, unique_visitors bigint,
    bots bigint)
LANGUAGE plproxy
AS $$
	CLUSTER 'footfall_cells';
	RUN ON p_cell;
	SELECT found, total_visits, unique_visitors, bots
	  FROM footfall_api.read_counters(ARRAY[p_name]);
$$;

-- One row per name, in the order given, each from its cell.
CREATE OR REPLACE FUNCTION footfall_api.read_counters(p_names text[])
RETURNS TABLE (found boolean, total_visits bigint, unique_visitors bigint,
    bots bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.found, r.total_visits, r.unique_visitors, r.bots
	  FROM unnest(p_names) WITH ORDINALITY AS n(name, i),
	       LATERAL footfall_dir.read_on(footfall_dir.cell_of(n.name),
	           n.name) r
	 ORDER BY n.i
$$;

CREATE OR REPLACE FUNCTION footfall_api.daily_stats(p_name text,
    p_days integer)
RETURNS TABLE (day date, visits bigint, uniques bigint, bots bigint)
LANGUAGE plproxy
AS $$
	CLUSTER 'footfall_cells';
	RUN ON footfall_dir.cell_of(p_name);
	SELECT day, visits, uniques, bots
	  FROM footfall_api.daily_stats(p_name, p_days);
$$;

CREATE OR REPLACE FUNCTION footfall_api.top(p_name text, p_days integer,
    p_what text, p_limit integer)
RETURNS TABLE (value text, visits bigint)
LANGUAGE plproxy
AS $$
	CLUSTER 'footfall_cells';
	RUN ON footfall_dir.cell_of(p_name);
	SELECT value, visits
	  FROM footfall_api.top(p_name, p_days, p_what, p_limit);
$$;

CREATE OR REPLACE FUNCTION footfall_api.top_pages(p_name text,
    p_limit integer)
RETURNS TABLE (path text, visits bigint, uniques bigint)
LANGUAGE plproxy
AS $$
	CLUSTER 'footfall_cells';
	RUN ON footfall_dir.cell_of(p_name);
	SELECT path, visits, uniques
	  FROM footfall_api.top_pages(p_name, p_limit);
$$;

CREATE OR REPLACE FUNCTION footfall_api.set_counter(p_name text,
    p_visits bigint, p_uniques bigint, p_reset_bots boolean)
RETURNS TABLE (total_visits bigint, unique_visitors bigint, bots bigint,
    created bigint)
LANGUAGE plproxy
AS $$
	CLUSTER 'footfall_cells';
	RUN ON footfall_dir.cell_of(p_name);
	SELECT total_visits, unique_visitors, bots, created
	  FROM footfall_api.set_counter(p_name, p_visits, p_uniques,
	      p_reset_bots);
$$;

-- footfall purges old visitors, keys and log rows every few seconds;
-- here there are none (each cell's footfalls purge their cell).
CREATE OR REPLACE FUNCTION footfall_api.purge(p_window integer,
    p_limit integer, p_retention integer, OUT visitors bigint,
    OUT keys bigint, OUT log_rows bigint)
LANGUAGE sql IMMUTABLE
AS $$
	SELECT 0::bigint, 0::bigint, 0::bigint
$$;

-- footfall's role may call the API and nothing else; cell_of reads the
-- placement as the caller.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA footfall_api, footfall_dir FROM PUBLIC;
GRANT USAGE ON SCHEMA footfall_api, footfall_dir TO footfall_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA footfall_api, footfall_dir
    TO footfall_app;
GRANT SELECT ON footfall_dir.cell, footfall_dir.placement TO footfall_app;
GRANT USAGE ON FOREIGN SERVER footfall_cells TO footfall_app;
