-- footfall functions, migration 002.  Idempotent.  SECURITY DEFINER with
-- a pinned search_path: the caller needs no table privileges, and cannot
-- redirect the names used inside.

-- Record one visit: upsert the visitor with a uniqueness window of
-- p_window seconds (measured with the database's clock), bump the
-- totals, and return the numbers.  Exact under concurrency: of two
-- simultaneous first visits, the second waits on the first's row and
-- then finds it counted (ON CONFLICT re-checks the newest version).
CREATE OR REPLACE FUNCTION footfall_api.record_visit(p_hash bytea,
    p_window integer)
RETURNS TABLE (total_visits bigint, unique_visitors bigint, is_new boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '1s'
AS $$
DECLARE
	v_new	boolean;
	-- Each connection adds to its own slot: no queue on one row.
	v_slot	smallint := pg_backend_pid() % 64;
BEGIN
	IF p_hash IS NULL OR octet_length(p_hash) <> 32 THEN
		RAISE EXCEPTION 'visitor hash must be 32 bytes'
		    USING ERRCODE = '22023';
	END IF;
	IF p_window IS NULL OR p_window < 60 OR p_window > 366 * 86400 THEN
		RAISE EXCEPTION 'window out of range' USING ERRCODE = '22023';
	END IF;

	INSERT INTO footfall.visitor AS v (hash, counted_at)
	VALUES (p_hash, now())
	ON CONFLICT (hash) DO UPDATE SET counted_at = excluded.counted_at
	    WHERE v.counted_at <= excluded.counted_at
	        - make_interval(secs => p_window)
	RETURNING true INTO v_new;
	v_new := coalesce(v_new, false);

	UPDATE footfall.total
	   SET visits = visits + 1, uniques = uniques + v_new::int
	 WHERE slot = v_slot;

	RETURN QUERY
	SELECT sum(t.visits)::bigint, sum(t.uniques)::bigint, v_new
	  FROM footfall.total t;
END
$$;

-- The numbers, without recording anything.
CREATE OR REPLACE FUNCTION footfall_api.read_counts()
RETURNS TABLE (total_visits bigint, unique_visitors bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT sum(visits)::bigint, sum(uniques)::bigint FROM footfall.total
$$;

ALTER FUNCTION footfall_api.record_visit(bytea, integer) OWNER TO footfall_owner;
ALTER FUNCTION footfall_api.read_counts() OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.record_visit(bytea, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION footfall_api.read_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.record_visit(bytea, integer) TO footfall_app;
GRANT EXECUTE ON FUNCTION footfall_api.read_counts() TO footfall_app;
