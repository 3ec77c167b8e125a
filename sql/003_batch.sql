-- footfall migration 003: record many visits in one transaction (group
-- commit).  Idempotent.
--
-- A durable commit waits for its WAL flush, so one transaction per visit
-- caps a small server at a few thousand visits a second.  footfall queues
-- the visits that arrive while a commit is in flight and records them all
-- with one call of record_batch: one statement, one commit.

-- A connection can be lost after the commit was asked for but before its
-- answer arrived.  The visits are then either all recorded or none, and
-- only the database knows which.  record_batch returns the id of its own
-- transaction; footfall reads the row before it asks for the commit, and
-- when the answer is lost it asks pg_xact_status(id) on a new connection
-- instead of guessing: a blind retry would count the visits twice, a
-- blind error would deny visits that were counted.
--
-- It also answers with one row instead of one per visit: footfall works
-- out each visit's numbers itself (see db.c), which spares the database
-- a row per visit and a window function on every commit.

-- Record a batch of visits with a uniqueness window of p_window seconds:
-- the tracked visits p_hashes[1..n], in that order, and p_untracked
-- visits that add to the total but are never hashed or stored (a
-- visitor who asked not to be tracked, see README "Privacy").  Returns
-- the totals after the batch, the positions (1-based, ascending) of the
-- tracked visits that counted as new, and the transaction id.  Of
-- repeated hashes in one call only the first can be new: the later ones
-- find it counted a moment ago.
--
-- Visitor keys rotate (migration 004).  p_prev[i], if given, is visit
-- i's hash under the previous key: a visitor counted under that key
-- within the window is not new, and its row under the current key
-- carries the old counted_at, so the window keeps rolling across a
-- rotation (seen at 23:00 and again at 01:00: one visitor).  The row
-- under the previous key is only read, never locked or changed.
CREATE OR REPLACE FUNCTION footfall_api.record_batch(p_hashes bytea[],
    p_window integer, p_prev bytea[], p_untracked integer,
    OUT total_visits bigint, OUT unique_visitors bigint,
    OUT new_positions integer[], OUT xact_id xid8)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '1s'
AS $$
DECLARE
	v_n	integer := coalesce(cardinality(p_hashes), 0);
	v_nnew	integer;
	-- Each connection adds to its own slot: no queue on one row.
	v_slot	smallint := pg_backend_pid() % 64;
BEGIN
	IF v_n > 10000 OR (v_n > 0 AND array_ndims(p_hashes) <> 1) OR
	    p_untracked IS NULL OR p_untracked < 0 OR p_untracked > 10000 OR
	    v_n + p_untracked < 1 THEN
		RAISE EXCEPTION 'between 1 and 10000 visits expected'
		    USING ERRCODE = '22023';
	END IF;
	IF p_prev IS NOT NULL AND (cardinality(p_prev) <> v_n OR
	    (v_n > 0 AND array_ndims(p_prev) <> 1)) THEN
		RAISE EXCEPTION 'one previous-key hash per visit expected'
		    USING ERRCODE = '22023';
	END IF;
	IF EXISTS (SELECT FROM unnest(p_hashes) h
	    WHERE h IS NULL OR octet_length(h) <> 32) OR
	   EXISTS (SELECT FROM unnest(p_prev) h
	    WHERE h IS NOT NULL AND octet_length(h) <> 32) THEN
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
	-- it changed itself.  Of two batches racing for one new visitor,
	-- the second waits on the first's row and then finds it counted
	-- (ON CONFLICT re-checks the newest version).
	--
	-- A visit is new when its row is inserted or renewed with now();
	-- a row inserted or renewed with the counted_at carried over from
	-- the previous key is the same visitor, not a new one.
	IF v_n > 0 THEN
		WITH firsts AS (
			SELECT DISTINCT ON (h) h, p, pos
			  FROM unnest(p_hashes, coalesce(p_prev,
			      array_fill(NULL::bytea, ARRAY[v_n])))
			      WITH ORDINALITY AS u(h, p, pos)
			 ORDER BY h, pos
		), src AS (
			-- LATERAL ... LIMIT 1: a probe of the primary key
			-- per visit, never a join over the whole table (see
			-- count_visits in 005).
			SELECT f.h, f.pos, pv.counted_at AS carried
			  FROM firsts f
			  LEFT JOIN LATERAL (SELECT x.counted_at
			      FROM footfall.visitor x
			     WHERE x.hash = f.p AND x.counted_at > now()
			         - make_interval(secs => p_window)
			     LIMIT 1) pv ON true
		), ins AS (
			INSERT INTO footfall.visitor AS v (hash, counted_at)
			SELECT h, coalesce(carried, now()) FROM src ORDER BY h
			ON CONFLICT (hash) DO UPDATE
			    SET counted_at = excluded.counted_at
			    WHERE v.counted_at <= now()
			        - make_interval(secs => p_window)
			RETURNING v.hash
		)
		SELECT coalesce(array_agg(s.pos::integer ORDER BY s.pos), '{}')
		  INTO new_positions
		  FROM src s JOIN ins ON ins.hash = s.h
		 WHERE s.carried IS NULL;
	ELSE
		new_positions := '{}';
	END IF;
	v_nnew := cardinality(new_positions);

	UPDATE footfall.total
	   SET visits = visits + v_n + p_untracked,
	       uniques = uniques + v_nnew
	 WHERE slot = v_slot;
	SELECT sum(t.visits)::bigint, sum(t.uniques)::bigint
	  INTO total_visits, unique_visitors
	  FROM footfall.total t;
	-- The batch wrote rows, so it has a transaction id already.
	xact_id := pg_current_xact_id();
END
$$;

ALTER FUNCTION footfall_api.record_batch(bytea[], integer, bytea[], integer)
    OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.record_batch(bytea[], integer, bytea[],
    integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.record_batch(bytea[], integer, bytea[],
    integer) TO footfall_app;

-- The interface before key rotation, for binaries still running during
-- an upgrade: tracked visits, no previous key.
CREATE OR REPLACE FUNCTION footfall_api.record_batch(p_hashes bytea[],
    p_window integer, OUT total_visits bigint, OUT unique_visitors bigint,
    OUT new_positions integer[], OUT xact_id xid8)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM footfall_api.record_batch(p_hashes, p_window, NULL, 0)
$$;

ALTER FUNCTION footfall_api.record_batch(bytea[], integer)
    OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.record_batch(bytea[], integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.record_batch(bytea[], integer)
    TO footfall_app;

-- record_visits keeps the interface footfall used before record_batch,
-- one row per visit, for binaries still running during an upgrade and
-- for scripts: record_batch, expanded.  Visit i sees the totals as they
-- were right after it.
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

ALTER FUNCTION footfall_api.record_visits(bytea[], integer)
    OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.record_visits(bytea[], integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.record_visits(bytea[], integer)
    TO footfall_app;

-- One visit (migration 002's interface; bench/run's pgbench script uses
-- it): a batch of one.
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

ALTER FUNCTION footfall_api.record_visit(bytea, integer) OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.record_visit(bytea, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.record_visit(bytea, integer)
    TO footfall_app;
