-- The interfaces of earlier schemas, kept for other clients (scripts,
-- dashboards) and for a footfall binary of an earlier release still
-- running while the database is upgraded.  Each is a wrapper of the
-- functions in functions.sql and counts for the counter "default", with
-- no visit log.  footfall itself calls none of them.
--
-- They go in the release after the next one: its first upgrade step
-- drops them and this file.  Until then sql/apply runs it after
-- functions.sql, on every path.  Move to count_batch, read_counters,
-- export_history, import_history and purge(integer, integer, integer).
SET ROLE footfall_owner;

-- count_batch without pages (007): footfall before step 008 calls it.
CREATE OR REPLACE FUNCTION footfall_api.count_batch(p_counters text[],
    p_kinds text[], p_hashes bytea[], p_prev bytea[], p_paths text[],
    p_refs text[], p_browsers text[], p_window integer,
    p_interval integer, p_max_counters integer, p_log boolean)
RETURNS TABLE (refused boolean, is_new boolean, counted boolean,
    visits bigint, uniques bigint, xact_id xid8, batch_id uuid)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.refused, b.is_new, b.counted, b.visits, b.uniques,
	       b.xact_id, b.batch_id
	  FROM footfall_api.count_batch(p_counters, p_kinds, p_hashes, p_prev,
	      p_paths, p_refs, p_browsers, p_window, p_interval,
	      p_max_counters, p_log, NULL, NULL, NULL) b
$$;

-- export_days and import_days (before 009, without pages): footfall
-- before step 009 calls them.
CREATE OR REPLACE FUNCTION footfall_api.export_days()
RETURNS TABLE (name text, day date, visits bigint, uniques bigint,
    bots bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT h.name, h.day, h.visits, h.uniques, h.bots
	  FROM footfall_api.export_history() h
	 WHERE h.path IS NULL
$$;
CREATE OR REPLACE FUNCTION footfall_api.import_days(p_names text[],
    p_days date[], p_visits bigint[], p_uniques bigint[], p_bots bigint[])
RETURNS TABLE (conflict integer)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT i.conflict
	  FROM footfall_api.import_history(p_names,
	      array_fill(NULL::text, ARRAY[cardinality(p_names)]), p_days,
	      p_visits, p_uniques, p_bots) i
$$;

-- count_visits (005): one row of per-counter arrays and position lists.
CREATE OR REPLACE FUNCTION footfall_api.count_visits(p_counters text[],
    p_kinds text[], p_hashes bytea[], p_prev bytea[], p_paths text[],
    p_refs text[], p_browsers text[], p_window integer,
    p_interval integer, p_max_counters integer, p_log boolean,
    OUT visits bigint[], OUT uniques bigint[], OUT new_positions integer[],
    OUT refused_positions integer[], OUT repeat_positions integer[],
    OUT xact_id xid8)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	WITH b AS (
		SELECT r.refused, r.is_new, r.counted, r.visits, r.uniques,
		       r.xact_id, u.k, u.i,
		       u.i = max(u.i) OVER (PARTITION BY u.c) AS last,
		       min(u.i) OVER (PARTITION BY u.c) AS first
		  FROM footfall_api.count_batch(p_counters, p_kinds, p_hashes,
		      p_prev, p_paths, p_refs, p_browsers, p_window,
		      p_interval, p_max_counters, p_log) WITH ORDINALITY
		      AS r(refused, is_new, counted, visits, uniques, xact_id,
		          batch_id, i)
		  JOIN unnest(p_counters, p_kinds) WITH ORDINALITY AS u(c, k, i)
		    ON u.i = r.i
	)
	SELECT array_agg(CASE WHEN NOT b.refused THEN b.visits END
	           ORDER BY b.first) FILTER (WHERE b.last),
	       array_agg(CASE WHEN NOT b.refused THEN b.uniques END
	           ORDER BY b.first) FILTER (WHERE b.last),
	       coalesce(array_agg(b.i::integer ORDER BY b.i)
	           FILTER (WHERE b.is_new), '{}'),
	       coalesce(array_agg(b.i::integer ORDER BY b.i)
	           FILTER (WHERE b.refused), '{}'),
	       coalesce(array_agg(b.i::integer ORDER BY b.i)
	           FILTER (WHERE b.k = 't' AND NOT b.refused
	               AND NOT b.counted), '{}'),
	       (array_agg(b.xact_id))[1]
	  FROM b
$$;

-- read_counts (002): "default"'s numbers.
CREATE OR REPLACE FUNCTION footfall_api.read_counts()
RETURNS TABLE (total_visits bigint, unique_visitors bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.total_visits, r.unique_visitors
	  FROM footfall_api.read_counters(ARRAY['default']) r
$$;

-- record_batch (003, 004): tracked visits p_hashes (p_prev their
-- previous key's hashes), then p_untracked untracked ones; the totals
-- after the batch, the new visits' positions, the transaction's id.
CREATE OR REPLACE FUNCTION footfall_api.record_batch(p_hashes bytea[],
    p_window integer, p_prev bytea[], p_untracked integer,
    OUT total_visits bigint, OUT unique_visitors bigint,
    OUT new_positions integer[], OUT xact_id xid8)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_n	integer := coalesce(cardinality(p_hashes), 0);
	v_u	integer := coalesce(p_untracked, -1);
BEGIN
	IF v_u < 0 OR v_u + v_n > (footfall.limits()).batch_max THEN
		RAISE EXCEPTION 'between 1 and % visits expected',
		    (footfall.limits()).batch_max USING ERRCODE = '22023';
	END IF;
	SELECT c.visits[1], c.uniques[1], c.new_positions, c.xact_id
	  INTO total_visits, unique_visitors, new_positions, xact_id
	  FROM footfall_api.count_visits(
	      array_fill('default'::text, ARRAY[v_n + v_u]),
	      array_fill('t'::text, ARRAY[v_n])
	          || array_fill('u'::text, ARRAY[v_u]),
	      coalesce(p_hashes, '{}') || array_fill(NULL::bytea, ARRAY[v_u]),
	      CASE WHEN p_prev IS NOT NULL THEN
	          p_prev || array_fill(NULL::bytea, ARRAY[v_u]) END,
	      NULL, NULL, NULL, p_window, 0, NULL, false) c;
END
$$;

-- record_batch (003) before key rotation, record_visits (one row per
-- visit, the totals right after it) and record_visit (one visit).
CREATE OR REPLACE FUNCTION footfall_api.record_batch(p_hashes bytea[],
    p_window integer, OUT total_visits bigint, OUT unique_visitors bigint,
    OUT new_positions integer[], OUT xact_id xid8)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM footfall_api.record_batch(p_hashes, p_window, NULL, 0)
$$;

CREATE OR REPLACE FUNCTION footfall_api.record_visits(p_hashes bytea[],
    p_window integer)
RETURNS TABLE (total_visits bigint, unique_visitors bigint, is_new boolean)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.total_visits - cardinality(p_hashes) + g.i,
	       b.unique_visitors - cardinality(b.new_positions)
	           + (SELECT count(*) FROM unnest(b.new_positions) p
	               WHERE p <= g.i),
	       g.i = ANY (b.new_positions)
	  FROM footfall_api.record_batch(p_hashes, p_window) b
	 CROSS JOIN LATERAL generate_series(1, cardinality(p_hashes)) AS g(i)
	 ORDER BY g.i
$$;

CREATE OR REPLACE FUNCTION footfall_api.record_visit(p_hash bytea,
    p_window integer)
RETURNS TABLE (total_visits bigint, unique_visitors bigint, is_new boolean)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.total_visits, b.unique_visitors,
	       cardinality(b.new_positions) = 1
	  FROM footfall_api.record_batch(ARRAY[p_hash], p_window) b
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA footfall_api FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA footfall_api TO footfall_app;
RESET ROLE;
