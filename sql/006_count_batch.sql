-- footfall migration 006: count_batch, count_visits answering one row
-- per visit.  Idempotent.
--
-- Record a batch of visits in one transaction.  Visit i (1-based) is for
-- counter p_counters[i] and of kind p_kinds[i]: 't' tracked, with the
-- visitor's hash p_hashes[i] under the current key and p_prev[i] under
-- the previous one; 'u' untracked (do not track: adds to the total, no
-- hash); 'b' a known bot (adds to the counter's bots only).  p_paths,
-- p_refs and p_browsers are the visit log's fields (NULL arrays with
-- p_log false).
--
-- A counter that does not exist is made for a visit that is not a bot's
-- while fewer than p_max_counters exist (NULL: no cap; footfall checked
-- the name against its list).  Visits for a counter that cannot be made
-- are refused: not counted at all.
--
-- With p_interval > 0, a tracked visit adds to the total only if the
-- visitor's last counted visit is at least p_interval seconds old (a
-- "repeat" otherwise); a visit that is new always counts.
--
-- Returns one row per visit, in order: whether it was refused, new,
-- counted (a tracked visit that is not is a repeat), its counter's
-- numbers as they were right after it (0 for a refused one), and the
-- transaction's id.  footfall reads the id before it asks for the
-- commit; when the answer to the commit is lost it asks
-- pg_xact_status(id) on a new connection instead of guessing: a blind
-- retry would count the visits twice, a blind error would deny visits
-- that were counted.
CREATE OR REPLACE FUNCTION footfall_api.count_batch(p_counters text[],
    p_kinds text[], p_hashes bytea[], p_prev bytea[], p_paths text[],
    p_refs text[], p_browsers text[], p_window integer,
    p_interval integer, p_max_counters integer, p_log boolean)
RETURNS TABLE (refused boolean, is_new boolean, counted boolean,
    visits bigint, uniques bigint, xact_id xid8)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '1s'
AS $$
DECLARE
	v_n	integer := coalesce(cardinality(p_counters), 0);
	v_names	text[];
	v_ids	integer[];
	v_slot	smallint := pg_backend_pid() % 64;
	v_day	date := (now() AT TIME ZONE 'UTC')::date;
	v_have	bigint;
	v_cid	integer[];
	v_prev	bytea[];
	v_counted boolean[];
	v_isnew	boolean[];
	v_pos	integer[];
	v_new	integer[];
	v_i	integer;
BEGIN
	IF v_n < 1 OR v_n > 10000 OR array_ndims(p_counters) <> 1 OR
	    cardinality(p_kinds) IS DISTINCT FROM v_n OR
	    cardinality(p_hashes) IS DISTINCT FROM v_n OR
	    (p_prev IS NOT NULL AND cardinality(p_prev) <> v_n) OR
	    (p_log AND (cardinality(p_paths) IS DISTINCT FROM v_n OR
	    cardinality(p_refs) IS DISTINCT FROM v_n OR
	    cardinality(p_browsers) IS DISTINCT FROM v_n)) THEN
		RAISE EXCEPTION 'between 1 and 10000 visits, one entry each, '
		    'expected' USING ERRCODE = '22023';
	END IF;
	IF EXISTS (SELECT FROM unnest(p_counters, p_kinds, p_hashes)
	    AS u(c, k, h)
	    WHERE c IS NULL OR k IS NULL OR k NOT IN ('t', 'u', 'b') OR
	    (k = 't') <> (h IS NOT NULL) OR octet_length(h) <> 32) OR
	   EXISTS (SELECT FROM unnest(p_prev) h
	    WHERE h IS NOT NULL AND octet_length(h) <> 32) THEN
		RAISE EXCEPTION 'malformed visit' USING ERRCODE = '22023';
	END IF;
	IF p_window IS NULL OR p_window < 60 OR p_window > 366 * 86400 OR
	    p_interval IS NULL OR p_interval < 0 OR p_interval > p_window THEN
		RAISE EXCEPTION 'window or interval out of range'
		    USING ERRCODE = '22023';
	END IF;

	-- The counters, in order of first appearance; make the missing
	-- ones a visit other than a bot's asks for, under a lock so that
	-- racing batches cannot pass the cap together.
	v_names := ARRAY(SELECT u.c FROM unnest(p_counters)
	    WITH ORDINALITY AS u(c, i) GROUP BY u.c ORDER BY min(u.i));
	IF EXISTS (SELECT FROM unnest(p_counters, p_kinds) AS u(c, k)
	    WHERE u.k <> 'b' AND NOT EXISTS
	    (SELECT FROM footfall.counter x WHERE x.name = u.c)) THEN
		PERFORM pg_advisory_xact_lock(hashtext('footfall.counter'));
		SELECT count(*) INTO v_have FROM footfall.counter;
		INSERT INTO footfall.counter (name)
		SELECT m.c FROM (SELECT u.c, min(u.i) AS i
		    FROM unnest(p_counters, p_kinds) WITH ORDINALITY
		        AS u(c, k, i)
		   WHERE u.k <> 'b' AND NOT EXISTS
		       (SELECT FROM footfall.counter x WHERE x.name = u.c)
		   GROUP BY u.c) m
		 ORDER BY m.i
		 LIMIT CASE WHEN p_max_counters IS NULL THEN NULL
		     ELSE greatest(p_max_counters - v_have, 0) END
		ON CONFLICT (name) DO NOTHING;
	END IF;
	v_ids := ARRAY(SELECT x.id FROM unnest(v_names) WITH ORDINALITY
	    AS u(c, i) LEFT JOIN footfall.counter x ON x.name = u.c
	    ORDER BY u.i);
	-- Each visit's counter id, NULL if refused.  (Per-visit state is
	-- kept in arrays, not a temporary table: a SECURITY DEFINER function
	-- must not use a table the caller could have made in pg_temp.)
	v_cid := ARRAY(SELECT v_ids[array_position(v_names, u.c)]
	    FROM unnest(p_counters) WITH ORDINALITY AS u(c, i) ORDER BY u.i);
	v_prev := coalesce(p_prev, array_fill(NULL::bytea, ARRAY[v_n]));

	-- Tracked visits: the first position of each distinct hash is the
	-- only candidate for "new".  Rows are upserted in hash order so
	-- that two batches sharing visitors lock them in the same order (no
	-- deadlock).  One statement sees each hash once, so ON CONFLICT
	-- never meets a row it changed itself.  Of two batches racing for
	-- one new visitor, the second waits on the first's row and then
	-- finds it counted (ON CONFLICT re-checks the newest version).
	--
	-- Visitor keys rotate: a visitor counted under the previous key
	-- within the window is not new, and its row under the current key
	-- carries the old counted_at and seen_at, so the window keeps
	-- rolling across a rotation (seen at 23:00 and again at 01:00: one
	-- visitor).  The previous key's row is only read, never locked or
	-- changed.  It is looked up by a LATERAL ... LIMIT 1, which the
	-- planner cannot turn into a join: a plain LEFT JOIN, planned (and
	-- cached by PL/pgSQL) while the table was small, became a hash join
	-- over every visitor in the window, read again for every batch as
	-- the table grew (bench/run saw the cost per visit triple in 15
	-- seconds).  Probing the primary key per visit costs the same at
	-- any size.
	WITH firsts AS (
		SELECT DISTINCT ON (u.h) u.h, u.p, u.i
		  FROM unnest(p_hashes, v_prev, v_cid) WITH ORDINALITY
		      AS u(h, p, c, i)
		 WHERE u.h IS NOT NULL AND u.c IS NOT NULL
		 ORDER BY u.h, u.i
	), src AS (
		SELECT f.h, f.i, pv.counted_at AS carried,
		       pv.seen_at AS carried_seen
		  FROM firsts f
		  LEFT JOIN LATERAL (SELECT x.counted_at, x.seen_at
		      FROM footfall.visitor x
		     WHERE x.hash = f.p AND x.counted_at > now()
		         - make_interval(secs => p_window)
		     LIMIT 1) pv ON true
	), ins AS (
		INSERT INTO footfall.visitor AS v (hash, counted_at, seen_at)
		SELECT s.h, coalesce(s.carried, now()), s.carried_seen
		  FROM src s ORDER BY s.h
		ON CONFLICT (hash) DO UPDATE
		    SET counted_at = excluded.counted_at,
		        seen_at = excluded.seen_at
		    WHERE v.counted_at <= now()
		        - make_interval(secs => p_window)
		RETURNING v.hash
	)
	SELECT coalesce(array_agg(s.i::integer ORDER BY s.i), '{}')
	  INTO v_new
	  FROM src s JOIN ins ON ins.hash = s.h
	 WHERE s.carried IS NULL;

	v_counted := ARRAY(SELECT u.c IS NOT NULL AND (u.k = 'u' OR
	    (u.k = 't' AND p_interval = 0))
	    FROM unnest(p_kinds, v_cid) WITH ORDINALITY AS u(k, c, i)
	    ORDER BY u.i);
	IF p_interval > 0 THEN
		-- Every visitor row of the batch is locked by the upsert
		-- above.  A visitor's first visit in the batch counts if its
		-- last counted visit is old enough (a new one's seen_at is
		-- NULL: it always counts); later ones in the batch are
		-- repeats.
		WITH firsts AS (
			SELECT DISTINCT ON (u.h) u.h, u.i
			  FROM unnest(p_hashes, v_cid) WITH ORDINALITY
			      AS u(h, c, i)
			 WHERE u.h IS NOT NULL AND u.c IS NOT NULL
			 ORDER BY u.h, u.i
		), cnt AS (
			-- By the primary key, for the reason given above.
			UPDATE footfall.visitor v SET seen_at = now()
			 WHERE v.hash = ANY (ARRAY(SELECT f.h FROM firsts f))
			   AND (v.seen_at IS NULL OR
			     v.seen_at <= now()
			         - make_interval(secs => p_interval))
			RETURNING v.hash
		)
		SELECT coalesce(array_agg(f.i::integer), '{}') INTO v_pos
		  FROM firsts f JOIN cnt ON cnt.hash = f.h;
		FOREACH v_i IN ARRAY v_pos LOOP
			v_counted[v_i] := true;
		END LOOP;
	END IF;
	v_isnew := array_fill(false, ARRAY[v_n]);
	FOREACH v_i IN ARRAY v_new LOOP
		v_isnew[v_i] := true;
	END LOOP;

	INSERT INTO footfall.counter_total AS t
	    (counter, slot, visits, uniques, bots)
	SELECT u.c, v_slot, count(*) FILTER (WHERE u.cnt),
	       count(*) FILTER (WHERE u.nw), count(*) FILTER (WHERE u.k = 'b')
	  FROM unnest(v_cid, v_counted, v_isnew, p_kinds) AS u(c, cnt, nw, k)
	 WHERE u.c IS NOT NULL
	 GROUP BY u.c ORDER BY u.c
	ON CONFLICT (counter, slot) DO UPDATE
	    SET visits = t.visits + excluded.visits,
	        uniques = t.uniques + excluded.uniques,
	        bots = t.bots + excluded.bots;
	INSERT INTO footfall.daily AS t
	    (counter, day, slot, visits, uniques, bots)
	SELECT u.c, v_day, v_slot, count(*) FILTER (WHERE u.cnt),
	       count(*) FILTER (WHERE u.nw), count(*) FILTER (WHERE u.k = 'b')
	  FROM unnest(v_cid, v_counted, v_isnew, p_kinds) AS u(c, cnt, nw, k)
	 WHERE u.c IS NOT NULL
	 GROUP BY u.c ORDER BY u.c
	ON CONFLICT (counter, day, slot) DO UPDATE
	    SET visits = t.visits + excluded.visits,
	        uniques = t.uniques + excluded.uniques,
	        bots = t.bots + excluded.bots;
	-- An untracked visitor asked not to be tracked: totals only.
	IF p_log THEN
		INSERT INTO footfall.visit_log
		    (at, counter, path, referrer, browser, is_new)
		SELECT date_trunc('minute', now()), u.c, u.pa, u.r, u.b, u.nw
		  FROM unnest(v_cid, v_counted, v_isnew, p_kinds, p_paths, p_refs,
		      p_browsers) WITH ORDINALITY AS u(c, cnt, nw, k, pa, r, b, i)
		 WHERE u.cnt AND u.k = 't'
		 ORDER BY u.i;
	END IF;

	-- Each visit sees its counter's numbers less what the visits after
	-- it in the batch added.
	RETURN QUERY
	SELECT u.c IS NULL, u.nw, u.cnt,
	    coalesce(s.v - sum(u.cnt::integer) OVER later, s.v, 0)::bigint,
	    coalesce(s.u - sum(u.nw::integer) OVER later, s.u, 0)::bigint,
	    pg_current_xact_id()
	  FROM unnest(v_cid, v_counted, v_isnew) WITH ORDINALITY
	      AS u(c, cnt, nw, i)
	  LEFT JOIN (SELECT t.counter, sum(t.visits) AS v, sum(t.uniques) AS u
	      FROM footfall.counter_total t WHERE t.counter = ANY (v_ids)
	     GROUP BY t.counter) s ON s.counter = u.c
	WINDOW later AS (PARTITION BY u.c ORDER BY u.i DESC
	    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
	 ORDER BY u.i;
END
$$;

ALTER FUNCTION footfall_api.count_batch(text[], text[], bytea[], bytea[],
    text[], text[], text[], integer, integer, integer, boolean)
    OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.count_batch(text[], text[], bytea[],
    bytea[], text[], text[], text[], integer, integer, integer, boolean)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.count_batch(text[], text[], bytea[],
    bytea[], text[], text[], text[], integer, integer, integer, boolean)
    TO footfall_app;

-- count_visits as 005 made it, one row with arrays, for a footfall
-- binary from before 006 still running during the upgrade.
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
		      AS r(refused, is_new, counted, visits, uniques, xact_id, i)
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
