-- footfall migration 005: named counters, bots, the visit log, daily
-- statistics and the repeat interval.  Idempotent.  See README
-- "Counters", "Statistics" and "Keeping counts honest".
--
-- Before 005 there was one counter, whose totals were footfall.total.
-- It becomes the counter "default"; its numbers move to
-- footfall.counter_total, and footfall.total is dropped.  (Applying 001
-- again makes an empty footfall.total; applying 005 again moves its
-- zeros and drops it again.)

-- Counter names: what /count/{name} accepts (route.c checks the same).
CREATE TABLE IF NOT EXISTS footfall.counter (
	id		integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name		text NOT NULL UNIQUE
	    CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
	created_at	timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE footfall.counter OWNER TO footfall_owner;
-- (Not ON CONFLICT: that would draw an id each time the file is applied.)
INSERT INTO footfall.counter (name) SELECT 'default'
 WHERE NOT EXISTS (SELECT FROM footfall.counter WHERE name = 'default');

-- Each counter's numbers, spread over up to 64 rows (one per database
-- connection's slot, made on first use) so that concurrent batches do
-- not queue on one hot row; the numbers are the sums.  bots are visits
-- of known crawlers: never in visits.
CREATE TABLE IF NOT EXISTS footfall.counter_total (
	counter		integer NOT NULL REFERENCES footfall.counter
	    ON DELETE CASCADE,
	slot		smallint NOT NULL CHECK (slot >= 0 AND slot < 64),
	visits		bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
	uniques		bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0),
	bots		bigint NOT NULL DEFAULT 0 CHECK (bots >= 0),
	PRIMARY KEY (counter, slot)
);
ALTER TABLE footfall.counter_total OWNER TO footfall_owner;

-- The same numbers per day (UTC), for /stats: its cost depends on the
-- days asked for, not on the visits stored.  uniques of a day are the
-- visits of that day that counted as new.
CREATE TABLE IF NOT EXISTS footfall.daily (
	counter		integer NOT NULL REFERENCES footfall.counter
	    ON DELETE CASCADE,
	day		date NOT NULL,
	slot		smallint NOT NULL CHECK (slot >= 0 AND slot < 64),
	visits		bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
	uniques		bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0),
	bots		bigint NOT NULL DEFAULT 0 CHECK (bots >= 0),
	PRIMARY KEY (counter, day, slot)
);
ALTER TABLE footfall.daily OWNER TO footfall_owner;

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
-- count_visits writes here, with ids it read from footfall.counter in
-- the same transaction, and footfall never deletes a counter.  One
-- index: (counter, at) serves the top lists, and the purge walks it
-- counter by counter (an index on at alone cost another 3 us a visit).
CREATE TABLE IF NOT EXISTS footfall.visit_log (
	at		timestamptz NOT NULL,
	counter		integer NOT NULL,
	path		text CHECK (octet_length(path) <= 256),
	referrer	text CHECK (octet_length(referrer) <= 253),
	browser		text CHECK (octet_length(browser) <= 32),
	is_new		boolean NOT NULL
);
ALTER TABLE footfall.visit_log OWNER TO footfall_owner;
CREATE INDEX IF NOT EXISTS visit_log_counter_at
    ON footfall.visit_log (counter, at);
-- What an earlier version of this file made.
ALTER TABLE footfall.visit_log
    DROP CONSTRAINT IF EXISTS visit_log_counter_fkey;
DROP INDEX IF EXISTS footfall.visit_log_at;

-- When the visitor's visit last added to the total, with count_interval
-- on; NULL otherwise.
ALTER TABLE footfall.visitor ADD COLUMN IF NOT EXISTS seen_at timestamptz;

DO $$
DECLARE
	v_id	integer;
BEGIN
	IF to_regclass('footfall.total') IS NOT NULL THEN
		SELECT id INTO v_id FROM footfall.counter
		 WHERE name = 'default';
		INSERT INTO footfall.counter_total AS t
		    (counter, slot, visits, uniques)
		SELECT v_id, o.slot, o.visits, o.uniques FROM footfall.total o
		ON CONFLICT (counter, slot) DO UPDATE
		    SET visits = t.visits + excluded.visits,
		        uniques = t.uniques + excluded.uniques;
		DROP TABLE footfall.total;
	END IF;
END $$;

-- Record a batch of visits in one transaction.  Visit i (1-based) is for
-- counter p_counters[i] and of kind p_kinds[i]: 't' tracked, with the
-- visitor's hash p_hashes[i] under the current key and p_prev[i] under
-- the previous one (see record_batch in 003 for the rolling window); 'u'
-- untracked (do not track: adds to the total, no hash); 'b' a known bot
-- (adds to the counter's bots only).  p_paths, p_refs and p_browsers
-- are the visit log's fields (NULL arrays with p_log false).
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
-- Returns, for each distinct counter in order of first appearance, its
-- numbers after the batch (NULL for a refused one); the positions that
-- counted as new, were refused, or were repeats; the transaction's id
-- (see 003 for why).  footfall works out each visit's numbers itself.
CREATE OR REPLACE FUNCTION footfall_api.count_visits(p_counters text[],
    p_kinds text[], p_hashes bytea[], p_prev bytea[], p_paths text[],
    p_refs text[], p_browsers text[], p_window integer,
    p_interval integer, p_max_counters integer, p_log boolean,
    OUT visits bigint[], OUT uniques bigint[], OUT new_positions integer[],
    OUT refused_positions integer[], OUT repeat_positions integer[],
    OUT xact_id xid8)
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
	-- only candidate for "new" (see record_batch in 003 for the lock
	-- order and the carried window).  A row inserted or renewed starts
	-- with seen_at NULL, or the previous key's row's seen_at if its
	-- window carries over.  The previous key's row is looked up by a
	-- LATERAL ... LIMIT 1, which the planner cannot turn into a join:
	-- a plain LEFT JOIN, planned (and cached by PL/pgSQL) while the
	-- table was small, became a hash join over every visitor in the
	-- window, read again for every batch as the table grew (bench/run
	-- saw the cost per visit triple in 15 seconds).  Probing the
	-- primary key per visit costs the same at any size.
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
	  INTO new_positions
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
	FOREACH v_i IN ARRAY new_positions LOOP
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

	SELECT array_agg(s.visits ORDER BY u.i),
	       array_agg(s.uniques ORDER BY u.i)
	  INTO visits, uniques
	  FROM unnest(v_ids) WITH ORDINALITY AS u(id, i)
	  LEFT JOIN LATERAL (SELECT sum(t.visits)::bigint AS visits,
	          sum(t.uniques)::bigint AS uniques
	     FROM footfall.counter_total t WHERE t.counter = u.id) s
	    ON u.id IS NOT NULL;
	SELECT coalesce(array_agg(u.i::integer ORDER BY u.i)
	           FILTER (WHERE u.c IS NULL), '{}'),
	       coalesce(array_agg(u.i::integer ORDER BY u.i)
	           FILTER (WHERE u.c IS NOT NULL AND u.k = 't'
	               AND NOT u.cnt), '{}')
	  INTO refused_positions, repeat_positions
	  FROM unnest(v_cid, v_counted, p_kinds) WITH ORDINALITY
	      AS u(c, cnt, k, i);
	xact_id := pg_current_xact_id();
END
$$;

ALTER FUNCTION footfall_api.count_visits(text[], text[], bytea[], bytea[],
    text[], text[], text[], integer, integer, integer, boolean)
    OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.count_visits(text[], text[], bytea[],
    bytea[], text[], text[], text[], integer, integer, integer, boolean)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.count_visits(text[], text[], bytea[],
    bytea[], text[], text[], text[], integer, integer, integer, boolean)
    TO footfall_app;

-- The numbers of the counters p_names, in that order: found is false
-- (and the numbers 0) for a counter that does not exist.
CREATE OR REPLACE FUNCTION footfall_api.read_counters(p_names text[])
RETURNS TABLE (found boolean, total_visits bigint, unique_visitors bigint,
    bots bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT x.id IS NOT NULL,
	       coalesce((SELECT sum(t.visits) FROM footfall.counter_total t
	           WHERE t.counter = x.id), 0)::bigint,
	       coalesce((SELECT sum(t.uniques) FROM footfall.counter_total t
	           WHERE t.counter = x.id), 0)::bigint,
	       coalesce((SELECT sum(t.bots) FROM footfall.counter_total t
	           WHERE t.counter = x.id), 0)::bigint
	  FROM unnest(p_names) WITH ORDINALITY AS u(name, i)
	  LEFT JOIN footfall.counter x ON x.name = u.name
	 ORDER BY u.i
$$;

ALTER FUNCTION footfall_api.read_counters(text[]) OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.read_counters(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.read_counters(text[]) TO footfall_app;

-- The last p_days days (UTC, today included, oldest first, every day
-- present); zeros for every day if the counter does not exist.
--
-- The days are read by the index with the window's first day as its
-- bound: joined to the generated days alone, the planner merged the
-- whole of the counter's history, so a year of it made every /stats
-- several times dearer (test_db daily_stats_reads_the_window_only).
CREATE OR REPLACE FUNCTION footfall_api.daily_stats(p_name text,
    p_days integer)
RETURNS TABLE (day date, visits bigint, uniques bigint, bots bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT g.day::date, coalesce(s.visits, 0)::bigint,
	       coalesce(s.uniques, 0)::bigint, coalesce(s.bots, 0)::bigint
	  FROM generate_series(
	       (now() AT TIME ZONE 'UTC')::date - (least(greatest(p_days, 1),
	           3660) - 1),
	       (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS g(day)
	  LEFT JOIN (
		SELECT d.day, sum(d.visits) AS visits,
		       sum(d.uniques) AS uniques, sum(d.bots) AS bots
		  FROM footfall.counter x
		  JOIN footfall.daily d ON d.counter = x.id
		 WHERE x.name = p_name
		   AND d.day >= (now() AT TIME ZONE 'UTC')::date -
		       (least(greatest(p_days, 1), 3660) - 1)
		 GROUP BY d.day) s ON s.day = g.day::date
	 ORDER BY g.day
$$;

ALTER FUNCTION footfall_api.daily_stats(text, integer)
    OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.daily_stats(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.daily_stats(text, integer)
    TO footfall_app;

-- Every counter with its numbers, by name.
CREATE OR REPLACE FUNCTION footfall_api.list_counters()
RETURNS TABLE (name text, total_visits bigint, unique_visitors bigint,
    bots bigint, created bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT x.name, coalesce(sum(t.visits), 0)::bigint,
	       coalesce(sum(t.uniques), 0)::bigint,
	       coalesce(sum(t.bots), 0)::bigint,
	       floor(extract(epoch FROM x.created_at))::bigint
	  FROM footfall.counter x
	  LEFT JOIN footfall.counter_total t ON t.counter = x.id
	 GROUP BY x.id ORDER BY x.name COLLATE "C"
$$;

ALTER FUNCTION footfall_api.list_counters() OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.list_counters() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.list_counters() TO footfall_app;

-- Set counter p_name's numbers (the admin API): visits to p_visits,
-- uniques to p_uniques (NULL: the smaller of the current uniques and
-- p_visits) and, with p_reset_bots, bots to 0.  The counter is made if
-- it does not exist.  The daily history is not changed.
--
-- A concurrent batch must either commit before (and be overwritten) or
-- after (and add to the new numbers, its answers above them).  Locking
-- the slot rows is not enough: a batch may be inserting a slot row the
-- set cannot see yet, which would then survive the set with its visits,
-- answered with the old numbers.  So the set takes the table in SHARE
-- ROW EXCLUSIVE mode, which waits for the batches in flight and holds
-- off new ones (reads go on) for the few statements it takes.  It is
-- taken after the counter's INSERT: a batch waiting on that name holds
-- no lock on counter_total yet, so the two cannot deadlock.
CREATE OR REPLACE FUNCTION footfall_api.set_counter(p_name text,
    p_visits bigint, p_uniques bigint, p_reset_bots boolean)
RETURNS TABLE (total_visits bigint, unique_visitors bigint, bots bigint,
    created bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '1s'
AS $$
DECLARE
	v_id	integer;
	v_u	bigint;
	v_b	bigint;
BEGIN
	IF p_visits IS NULL OR p_visits < 0 OR p_uniques < 0 OR
	    p_uniques > p_visits THEN
		RAISE EXCEPTION 'numbers out of range' USING ERRCODE = '22023';
	END IF;
	INSERT INTO footfall.counter (name) VALUES (p_name)
	    ON CONFLICT (name) DO NOTHING;
	LOCK TABLE footfall.counter_total IN SHARE ROW EXCLUSIVE MODE;
	SELECT x.id INTO v_id FROM footfall.counter x WHERE x.name = p_name;
	SELECT coalesce(sum(t.uniques), 0), coalesce(sum(t.bots), 0)
	  INTO v_u, v_b FROM footfall.counter_total t WHERE t.counter = v_id;
	UPDATE footfall.counter_total t SET visits = 0, uniques = 0, bots = 0
	 WHERE t.counter = v_id;
	INSERT INTO footfall.counter_total AS t
	    (counter, slot, visits, uniques, bots)
	VALUES (v_id, 0, p_visits, coalesce(p_uniques, least(v_u, p_visits)),
	    CASE WHEN p_reset_bots THEN 0 ELSE v_b END)
	ON CONFLICT (counter, slot) DO UPDATE
	    SET visits = excluded.visits, uniques = excluded.uniques,
	        bots = excluded.bots;
	RETURN QUERY SELECT sum(t.visits)::bigint, sum(t.uniques)::bigint,
	    sum(t.bots)::bigint,
	    (SELECT floor(extract(epoch FROM x.created_at))::bigint
	       FROM footfall.counter x WHERE x.id = v_id)
	  FROM footfall.counter_total t WHERE t.counter = v_id;
END
$$;

ALTER FUNCTION footfall_api.set_counter(text, bigint, bigint, boolean)
    OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.set_counter(text, bigint, bigint,
    boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.set_counter(text, bigint, bigint,
    boolean) TO footfall_app;

-- The p_limit most frequent values of the visit log's column p_what
-- ('path', 'referrer' or 'browser') for counter p_name over the last
-- p_days days, most first, ties by value; NULL values left out.
CREATE OR REPLACE FUNCTION footfall_api.top(p_name text, p_days integer,
    p_what text, p_limit integer)
RETURNS TABLE (value text, visits bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT v.value, count(*)::bigint
	  FROM footfall.counter x
	  JOIN footfall.visit_log l ON l.counter = x.id
	   AND l.at >= date_trunc('day', now() AT TIME ZONE 'UTC')
	       AT TIME ZONE 'UTC'
	       - make_interval(days => least(greatest(p_days, 1), 3660) - 1)
	 CROSS JOIN LATERAL (SELECT CASE p_what WHEN 'path' THEN l.path
	     WHEN 'referrer' THEN l.referrer WHEN 'browser' THEN l.browser
	     END AS value) v
	 WHERE x.name = p_name AND v.value IS NOT NULL
	 GROUP BY v.value
	 ORDER BY count(*) DESC, v.value COLLATE "C"
	 LIMIT least(greatest(p_limit, 1), 100)
$$;

ALTER FUNCTION footfall_api.top(text, integer, text, integer)
    OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.top(text, integer, text, integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.top(text, integer, text, integer)
    TO footfall_app;

-- purge (004) and the visit log: rows older than p_retention seconds go
-- too, at most p_limit of them a call, each counter's oldest first.
--
-- Planned afresh at each call, with the tables' sizes of the moment: a
-- generic plan PL/pgSQL cached while the log was empty seq-scanned all
-- of it at every purge once it had grown (test_db purge_reads_by_index).
-- Planning costs a fraction of a millisecond a second.
CREATE OR REPLACE FUNCTION footfall_api.purge(p_window integer,
    p_limit integer, p_retention integer, OUT visitors bigint,
    OUT keys bigint, OUT log_rows bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
	IF p_retention IS NULL OR p_retention < 86400 OR
	    p_retention > 3660 * 86400 THEN
		RAISE EXCEPTION 'retention out of range'
		    USING ERRCODE = '22023';
	END IF;
	SELECT p.visitors, p.keys INTO visitors, keys
	  FROM footfall_api.purge(p_window, p_limit) p;
	-- Counter by counter along visit_log_counter_at: the counters are
	-- the log's own (a skip scan of the index, one probe each), so
	-- that no row outlives the retention, whatever footfall.counter
	-- holds.
	WITH RECURSIVE c(id) AS (
		SELECT min(l.counter) FROM footfall.visit_log l
		UNION ALL
		SELECT (SELECT min(l.counter) FROM footfall.visit_log l
		    WHERE l.counter > c.id)
		  FROM c WHERE c.id IS NOT NULL
	)
	DELETE FROM footfall.visit_log l
	 WHERE l.ctid = ANY (ARRAY(SELECT d.ctid FROM c
	     CROSS JOIN LATERAL (SELECT d.ctid FROM footfall.visit_log d
	         WHERE d.counter = c.id AND d.at < now()
	             - make_interval(secs => p_retention)
	         ORDER BY d.at LIMIT p_limit) d
	     LIMIT p_limit));
	GET DIAGNOSTICS log_rows = ROW_COUNT;
END
$$;

ALTER FUNCTION footfall_api.purge(integer, integer, integer)
    OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.purge(integer, integer, integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.purge(integer, integer, integer)
    TO footfall_app;

-- The interfaces before 005, for binaries still running during an
-- upgrade and for scripts: the counter "default", no log.
CREATE OR REPLACE FUNCTION footfall_api.read_counts()
RETURNS TABLE (total_visits bigint, unique_visitors bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.total_visits, r.unique_visitors
	  FROM footfall_api.read_counters(ARRAY['default']) r
$$;

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
	IF v_u < 0 OR v_u > 10000 OR v_n > 10000 THEN
		RAISE EXCEPTION 'between 1 and 10000 visits expected'
		    USING ERRCODE = '22023';
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
