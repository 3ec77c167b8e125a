-- footfall migration 003: record many visits in one transaction (group
-- commit).  Idempotent.
--
-- A durable commit waits for its WAL flush, so one transaction per visit
-- caps a small server at a few thousand visits a second.  footfall queues
-- the visits that arrive while a commit is in flight and records them all
-- with one call of this function: one round trip, one commit.

-- Record the visits p_hashes[1..n], in that order, with a uniqueness
-- window of p_window seconds, and return one row per visit, in order:
-- the totals and is_new exactly as if each visit had been recorded alone
-- right after the one before it.  Of repeated hashes in one call only the
-- first can be new: the later ones find it counted a moment ago.
CREATE OR REPLACE FUNCTION footfall_api.record_visits(p_hashes bytea[],
    p_window integer)
RETURNS TABLE (total_visits bigint, unique_visitors bigint, is_new boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '1s'
AS $$
DECLARE
	v_n	integer := coalesce(cardinality(p_hashes), 0);
	v_new	integer[];	-- positions in p_hashes that counted as new
	v_nnew	integer;
	v_total	bigint;
	v_uniq	bigint;
	v_slot	smallint := pg_backend_pid() % 64;
BEGIN
	IF v_n < 1 OR v_n > 10000 OR array_ndims(p_hashes) <> 1 THEN
		RAISE EXCEPTION 'between 1 and 10000 visitor hashes expected'
		    USING ERRCODE = '22023';
	END IF;
	IF EXISTS (SELECT FROM unnest(p_hashes) h
	    WHERE h IS NULL OR octet_length(h) <> 32) THEN
		RAISE EXCEPTION 'visitor hash must be 32 bytes'
		    USING ERRCODE = '22023';
	END IF;
	IF p_window IS NULL OR p_window < 60 OR p_window > 366 * 86400 THEN
		RAISE EXCEPTION 'window out of range' USING ERRCODE = '22023';
	END IF;

	-- The first position of each distinct hash is the only candidate
	-- for "new".  Rows are upserted in hash order so that two batches
	-- sharing visitors lock them in the same order (no deadlock).  One
	-- statement sees each hash once, so ON CONFLICT never meets a row
	-- it changed itself.
	WITH firsts AS (
		SELECT DISTINCT ON (h) h, pos
		  FROM unnest(p_hashes) WITH ORDINALITY AS u(h, pos)
		 ORDER BY h, pos
	), ins AS (
		INSERT INTO footfall.visitor AS v (hash, counted_at)
		SELECT h, now() FROM firsts ORDER BY h
		ON CONFLICT (hash) DO UPDATE SET counted_at = excluded.counted_at
		    WHERE v.counted_at <= excluded.counted_at
		        - make_interval(secs => p_window)
		RETURNING v.hash
	)
	SELECT coalesce(array_agg(f.pos::integer), '{}')
	  INTO v_new
	  FROM firsts f JOIN ins ON ins.hash = f.h;
	v_nnew := cardinality(v_new);

	UPDATE footfall.total
	   SET visits = visits + v_n, uniques = uniques + v_nnew
	 WHERE slot = v_slot;
	SELECT sum(t.visits)::bigint, sum(t.uniques)::bigint
	  INTO v_total, v_uniq
	  FROM footfall.total t;

	-- Visit i sees the totals as they were right after it.
	RETURN QUERY
	SELECT v_total - v_n + g.i,
	       v_uniq - v_nnew + sum((nw.pos IS NOT NULL)::integer)
	           OVER (ORDER BY g.i),
	       nw.pos IS NOT NULL
	  FROM generate_series(1, v_n) AS g(i)
	  LEFT JOIN unnest(v_new) AS nw(pos) ON nw.pos = g.i
	 ORDER BY g.i;
END
$$;

ALTER FUNCTION footfall_api.record_visits(bytea[], integer)
    OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.record_visits(bytea[], integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.record_visits(bytea[], integer)
    TO footfall_app;
