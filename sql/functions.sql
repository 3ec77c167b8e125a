-- footfall's functions: the only way in for footfall, whose role may
-- only EXECUTE them.  sql/apply runs this file after schema.sql (a new
-- database) or after the upgrade steps, every time: CREATE OR REPLACE
-- makes each function what this file says, on any path.  A change of a
-- function's arguments or result columns needs a DROP here.
--
-- SECURITY DEFINER with a pinned search_path: they run as
-- footfall_owner, so the caller needs no table privileges, and cannot
-- redirect the names used inside.
--
-- Those that turn enable_seqscan off (each says why) turn JIT off with
-- it: enable_seqscan off prices a sequential scan at 10^10, so a plan
-- that keeps one (the purge's few visitor keys have no index to read
-- by) passes jit_above_cost, and PostgreSQL compiled its expressions at
-- every execution: 20 to 50 ms of CPU a purge, once a second (bench/run
-- with pg_stat_statements; test_db functions_never_jit).  No statement
-- of footfall's reads enough rows for JIT to pay.
SET ROLE footfall_owner;

-- The limits the functions check, in one place.  The 64 slots are also
-- in the CHECK of counter_total.slot and daily.slot (schema.sql), which
-- cannot call a function written after the tables.  footfall stays
-- within all of them: it sends at most DB_BATCH_MAX (1024) visits at a
-- time, and conf.c bounds its settings by the same numbers.
--
-- Its result is a named type, not OUT arguments: PostgreSQL folds an
-- immutable call into a constant when it plans it only if the result is
-- not a bare record, which OUT arguments make.  As a record, limits()
-- ran as a query of its own at every count_batch, about 9 us (pgbench,
-- a PL/pgSQL function reading it, one call a transaction: 43 against
-- 34 us).  A database from before gets the type, and the function of
-- the same arguments is made again with it.
DO $$
BEGIN
	IF to_regtype('footfall.limit_values') IS NULL THEN
		CREATE TYPE footfall.limit_values AS (slots integer,
		    batch_max integer, window_min integer, window_max integer,
		    days_max integer, top_max integer, purge_max integer);
	END IF;
	IF (SELECT prorettype FROM pg_proc
	    WHERE oid = to_regprocedure('footfall.limits()')) =
	    'record'::regtype THEN
		DROP FUNCTION footfall.limits();
	END IF;
END $$;
CREATE OR REPLACE FUNCTION footfall.limits()
RETURNS footfall.limit_values
LANGUAGE sql IMMUTABLE
AS $$
	SELECT 64, 10000, 60, 366 * 86400, 3660, 100, 100000
$$;

-- A UUID of version 7 (RFC 9562, section 5.7) for the time p_at: its
-- first 48 bits are the Unix time in milliseconds, the version is 7 and
-- the rest is random (gen_random_uuid's 122 bits, less the 48 replaced).
-- uuid compares as bytes, so later ids sort later.  With p_random
-- false, the least id of that millisecond, for a range of ids.  No SET
-- search_path: only functions that pin theirs call it, and a SET would
-- keep it from being inlined, which halved its cost (12 against 25 us,
-- a loop of 20,000 calls on the test machine).
CREATE OR REPLACE FUNCTION footfall.uuid7(p_at timestamptz,
    p_random boolean DEFAULT true)
RETURNS uuid
LANGUAGE sql VOLATILE
AS $$
	SELECT encode(overlay(
	    CASE WHEN p_random THEN set_bit(set_bit(uuid_send(
	        gen_random_uuid()), 52, 1), 53, 1)
	    ELSE '\x00000000000070000000000000000000'::bytea END
	    PLACING substring(int8send(floor(extract(epoch FROM p_at)
	        * 1000)::bigint) FROM 3) FROM 1 FOR 6), 'hex')::uuid
$$;

-- count_batch's pages: each visit's page id where counted[i] and the
-- visit names a page (NULL otherwise), making the missing pages that
-- visits with make[i] name while their counter has fewer than p_max,
-- under a lock so that racing batches cannot pass the cap together.
-- count_batch looks the pages up itself and calls this only when one
-- that may be made is missing, or with count_interval.  The lookup runs
-- once when every page is there or no counter with a missing page has
-- room (no lock), again after making some.  With p_lock_only it takes
-- the lock when it would make a page but makes none: count_batch with
-- count_interval knows which visits count only after it has locked
-- their visitors' rows, and must take the lock before them, as a batch
-- without count_interval does, or the two could deadlock
-- (tests/isolation/specs/page-lock.spec).
-- Not in footfall_api: count_batch alone calls it.
DROP FUNCTION IF EXISTS footfall.page_ids(integer[], boolean[], text[],
    boolean[], integer);
CREATE OR REPLACE FUNCTION footfall.page_ids(p_cid integer[],
    p_counted boolean[], p_pages text[], p_make boolean[], p_max integer,
    p_lock_only boolean)
RETURNS integer[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_pid	integer[];
	v_want	boolean;
	v_made	boolean := false;
BEGIN
	LOOP
		-- Each page by its key (LIMIT 1: the planner cannot make the
		-- probes a join that reads every page), and whether a page
		-- that may be made is missing, in one statement.
		SELECT array_agg(g.id ORDER BY u.i),
		       coalesce(bool_or(g.id IS NULL AND u.cnt AND u.mk AND
		           u.pa IS NOT NULL), false)
		  INTO v_pid, v_want
		  FROM unnest(p_cid, p_counted, p_pages, p_make) WITH ORDINALITY
		      AS u(c, cnt, pa, mk, i)
		  LEFT JOIN LATERAL (SELECT x.id FROM footfall.page x
		      WHERE u.cnt AND x.counter = u.c AND x.path = u.pa
		      LIMIT 1) g ON true;
		EXIT WHEN v_made OR NOT v_want;
		EXIT WHEN NOT EXISTS (SELECT
		    FROM (SELECT DISTINCT u.c
		        FROM unnest(p_cid, v_pid, p_counted, p_pages, p_make)
		            AS u(c, g, cnt, pa, mk)
		       WHERE u.g IS NULL AND u.cnt AND u.mk
		         AND u.pa IS NOT NULL) m
		   WHERE (SELECT count(*) FROM footfall.page g
		       WHERE g.counter = m.c) < p_max);
		PERFORM pg_advisory_xact_lock(hashtext('footfall.page'));
		EXIT WHEN p_lock_only;
		-- Each counter's missing pages in order of first appearance,
		-- as many as its cap leaves room for.
		INSERT INTO footfall.page (counter, path)
		SELECT m.c, m.pa
		  FROM (SELECT n.c, n.pa, n.i, row_number() OVER
		          (PARTITION BY n.c ORDER BY n.i) AS r
		      FROM (SELECT u.c, u.pa, min(u.i) AS i
		          FROM unnest(p_cid, p_counted, p_pages, p_make)
		              WITH ORDINALITY AS u(c, cnt, pa, mk, i)
		         WHERE u.cnt AND u.mk AND u.pa IS NOT NULL AND
		             NOT EXISTS (SELECT FROM footfall.page g
		             WHERE g.counter = u.c AND g.path = u.pa)
		         GROUP BY u.c, u.pa) n) m
		 WHERE m.r <= p_max - (SELECT count(*)
		     FROM footfall.page g WHERE g.counter = m.c)
		 ORDER BY m.i
		ON CONFLICT (counter, path) DO NOTHING;
		v_made := true;
	END LOOP;
	RETURN v_pid;
END
$$;

-- Record a batch of visits in one transaction.  Visit i (1-based) is
-- for counter p_counters[i] and of kind p_kinds[i]: 't' tracked, with
-- the visitor's key p_hashes[i] (16 bytes) under the current HMAC key
-- and p_prev[i] under the previous one; 'u' untracked (do not track:
-- adds to the total, no hash); 'b' a known bot (adds to the counter's
-- bots only).  p_paths, p_refs and p_browsers are the visit log's
-- fields (NULL arrays with p_log false).  p_pages[i] is the visit's
-- page (a normalised path, or NULL; the whole array NULL with pages
-- off), p_page_make[i] whether the visit may make its page if it does
-- not exist (it came from an allowed origin).
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
-- A page counts the visits that count for its counter, in its totals
-- and its day (as the counter's), and its unique visitors: a visitor
-- is new for a page the first time it is counted there within its
-- counter's window (the page ids are kept in its visitor row, so that
-- a new visitor's page costs no row of its own).  A page is made for a
-- counted visit that may make it while its counter has fewer than
-- p_max_pages pages.
--
-- Returns one row per visit, in order: whether it was refused, new,
-- counted (a tracked visit that is not is a repeat), its counter's
-- numbers as they were right after it (0 for a refused one), the
-- transaction's id, the batch's id, written to footfall.batch in this
-- transaction, and its page's numbers as they were right after it
-- (NULL if it counted for no page).  footfall reads the batch's id
-- before it asks for the commit; when the answer to the commit is lost
-- it asks batch_committed(id) instead of guessing: a blind retry would
-- count the visits twice, a blind error would deny visits that were
-- counted.
-- (xact_id is for footfall binaries before step 007, which asked
-- pg_xact_status; it goes with compat.sql.)
--
-- Every row is read by its key, whatever the tables' statistics said
-- when PL/pgSQL cached a plan: a table analyzed while nearly empty
-- (a manual ANALYZE, vacuumdb after pg_upgrade, autovacuum off) has
-- its sequential scan costed at nothing, and the page lookups, so
-- planned, read all 20,000 pages a visit (test_db
-- page_lookups_by_key_only).  Hence enable_seqscan off: no statement
-- here should read a table through.
--
-- And its plans are generic, made once a session: left to choose,
-- PostgreSQL found a statement planned for the few visits of a batch
-- cheaper than its generic plan and planned ten of them again at every
-- call (test_db count_batch_plans_once): 780 against 440 us of
-- execution a one-visit call (pgbench, pg_stat_statements).  A generic
-- plan knows neither the arrays' sizes nor the tables' statistics,
-- which enable_seqscan off makes harmless (the two tests above force
-- generic plans).
--
-- 008 added the pages (three arguments, two result columns): the
-- function of eleven arguments is now compat.sql's wrapper of this one.
-- 007 added batch_id to the result: a function made earlier is dropped
-- first (in the same transaction, so no caller finds it missing).
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_proc
	    WHERE oid = to_regprocedure('footfall_api.count_batch(text[], '
	        'text[], bytea[], bytea[], text[], text[], text[], integer, '
	        'integer, integer, boolean)')
	      AND 'batch_id' = ANY (proargnames)) THEN
		DROP FUNCTION IF EXISTS footfall_api.count_batch(text[], text[],
		    bytea[], bytea[], text[], text[], text[], integer, integer,
		    integer, boolean);
	END IF;
END $$;
CREATE OR REPLACE FUNCTION footfall_api.count_batch(p_counters text[],
    p_kinds text[], p_hashes bytea[], p_prev bytea[], p_paths text[],
    p_refs text[], p_browsers text[], p_window integer,
    p_interval integer, p_max_counters integer, p_log boolean,
    p_pages text[], p_page_make boolean[], p_max_pages integer)
RETURNS TABLE (refused boolean, is_new boolean, counted boolean,
    visits bigint, uniques bigint, xact_id xid8, batch_id uuid,
    page_visits bigint, page_uniques bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '1s'
SET enable_seqscan = off
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
	v_n	integer := coalesce(cardinality(p_counters), 0);
	v_lim	footfall.limit_values := footfall.limits();
	v_missing boolean;
	v_want	boolean;
	v_made	boolean := false;
	v_slot	smallint;
	v_day	date := (now() AT TIME ZONE 'UTC')::date;
	v_since	timestamptz;	-- the window's start (p_window before now)
	v_have	bigint;
	v_cid	integer[];
	v_prev	bytea[];
	v_counted boolean[];
	v_isnew	boolean[];
	v_pos	integer[];
	v_new	integer[];
	v_i	integer;
	v_batch	uuid := footfall.uuid7(now());
	v_pid	integer[];
	v_pnw	boolean[];
	v_set	integer[];
	v_done	boolean[];
	v_bad	boolean;
	v_long	boolean;
BEGIN
	-- The call's shape is checked by PL/pgSQL's own expressions, which
	-- start no executor (limits() is immutable: its values are planned
	-- in as constants); each visit's entries are checked by the
	-- statement that looks its counter up, below, before anything is
	-- written.
	IF v_n < 1 OR v_n > v_lim.batch_max OR array_ndims(p_counters) <> 1 OR
	    cardinality(p_kinds) IS DISTINCT FROM v_n OR
	    cardinality(p_hashes) IS DISTINCT FROM v_n OR
	    (p_prev IS NOT NULL AND cardinality(p_prev) <> v_n) OR
	    (p_log AND (cardinality(p_paths) IS DISTINCT FROM v_n OR
	    cardinality(p_refs) IS DISTINCT FROM v_n OR
	    cardinality(p_browsers) IS DISTINCT FROM v_n)) OR
	    (p_pages IS NOT NULL AND (cardinality(p_pages) <> v_n OR
	    cardinality(p_page_make) IS DISTINCT FROM v_n OR
	    p_max_pages IS NULL OR p_max_pages < 0)) THEN
		RAISE EXCEPTION 'between 1 and % visits, one entry each, expected',
		    v_lim.batch_max USING ERRCODE = '22023';
	END IF;
	IF p_window IS NULL OR p_window < v_lim.window_min OR
	    p_window > v_lim.window_max OR p_interval IS NULL OR
	    p_interval < 0 OR p_interval > p_window THEN
		RAISE EXCEPTION 'window or interval out of range'
		    USING ERRCODE = '22023';
	END IF;
	v_since := now() - make_interval(secs => p_window);
	-- Each connection adds to its own slot: no queue on one row.
	v_slot := pg_backend_pid() % v_lim.slots;

	-- Each visit's counter id (NULL if refused), whether it counts and,
	-- without count_interval, its page's id (below), in one statement,
	-- which also checks each visit's entries (a statement costs its
	-- executor's start and end, whatever it reads).  A visitor's key is
	-- 16 bytes (step 012); a footfall from before it sends 32, cut
	-- after this loop as the stored keys were.
	-- A visit other than a bot's for a counter that does not exist
	-- makes it, under a lock so that racing batches cannot pass the cap
	-- together (in order of first appearance), and the ids are read
	-- again.  (Per-visit state is kept in arrays, not a temporary
	-- table: a SECURITY DEFINER function must not use a table the
	-- caller could have made in pg_temp.)
	LOOP
		SELECT array_agg(x.id ORDER BY u.i),
		       array_agg(x.id IS NOT NULL AND (u.k = 'u' OR
		           (u.k = 't' AND p_interval = 0)) ORDER BY u.i),
		       coalesce(bool_or(x.id IS NULL AND u.k <> 'b'), false),
		       array_agg(g.id ORDER BY u.i),
		       coalesce(bool_or(g.id IS NULL AND x.id IS NOT NULL AND
		           u.k <> 'b' AND u.mk AND u.pa IS NOT NULL), false),
		       coalesce(bool_or(u.c IS NULL OR u.k IS NULL OR
		           u.k NOT IN ('t', 'u', 'b') OR
		           (u.k = 't') <> (u.h IS NOT NULL) OR
		           octet_length(u.h) NOT IN (16, 32) OR
		           octet_length(u.p) NOT IN (16, 32) OR
		           (u.pa IS NOT NULL AND (u.mk IS NULL OR
		           octet_length(u.pa) NOT BETWEEN 1 AND 256 OR
		           left(u.pa, 1) <> '/'))), false),
		       coalesce(bool_or(octet_length(u.h) = 32 OR
		           octet_length(u.p) = 32), false)
		  INTO v_cid, v_counted, v_missing, v_pid, v_want, v_bad, v_long
		  FROM unnest(p_counters, p_kinds, p_pages, p_page_make, p_hashes,
		      p_prev) WITH ORDINALITY AS u(c, k, pa, mk, h, p, i)
		  LEFT JOIN footfall.counter x ON x.name = u.c
		  LEFT JOIN LATERAL (SELECT y.id FROM footfall.page y
		      WHERE p_interval = 0 AND u.k <> 'b' AND y.counter = x.id
		        AND y.path = u.pa
		      LIMIT 1) g ON true;
		IF v_bad THEN
			RAISE EXCEPTION 'malformed visit' USING ERRCODE = '22023';
		END IF;
		EXIT WHEN NOT v_missing OR v_made;
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
		v_made := true;
	END LOOP;
	IF v_long THEN
		p_hashes := ARRAY(SELECT substring(u.h FROM 1 FOR 16)
		    FROM unnest(p_hashes) WITH ORDINALITY AS u(h, i)
		    ORDER BY u.i);
		IF p_prev IS NOT NULL THEN
			p_prev := ARRAY(SELECT substring(u.h FROM 1 FOR 16)
			    FROM unnest(p_prev) WITH ORDINALITY AS u(h, i)
			    ORDER BY u.i);
		END IF;
	END IF;
	v_prev := coalesce(p_prev, array_fill(NULL::bytea, ARRAY[v_n]));

	-- Without count_interval a visit counts unless refused or a bot's:
	-- its page is known before the visitors' rows are written, looked
	-- up with its counter above (by the page's key: LIMIT 1 keeps the
	-- probes from becoming a join that reads every page); page_ids
	-- runs only to make a missing page that may be made.  With
	-- count_interval, which visits count is known only after them, but
	-- the lock for making their pages is taken before them all the same.
	IF p_pages IS NOT NULL AND p_interval = 0 AND v_want THEN
		v_pid := footfall.page_ids(v_cid, v_counted, p_pages,
		    p_page_make, p_max_pages, false);
	ELSIF p_pages IS NOT NULL AND p_interval > 0 THEN
		PERFORM footfall.page_ids(v_cid, ARRAY(SELECT u.c IS NOT NULL
		    AND u.k <> 'b' FROM unnest(p_kinds, v_cid) WITH ORDINALITY
		    AS u(k, c, i) ORDER BY u.i), p_pages, p_page_make,
		    p_max_pages, true);
	END IF;

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
	--
	-- A visitor's row also holds the pages it was counted on in its
	-- window (carried across a rotation too).  When the first visit's
	-- page is known here (v_pid, without count_interval) the upsert
	-- settles it: a new visitor's row gets it, and a known visitor's
	-- row gets it added if it lacks it, in the same write (a known
	-- visitor's row is locked by the upsert anyway; a second statement
	-- would lock it, probe it and write it again).  The page is the
	-- last element of the proposed pages, so the conflict can find it;
	-- a carried page it adds there is one the row has already (the row
	-- was made from the carried one).  The upsert's RETURNING tells
	-- the rows it wrote: a new visitor's (counted_at now, nothing
	-- carried) or one given a page.  A row counted at this very
	-- transaction's now() by another batch (a transaction that began
	-- in the same microsecond) is left to the second statement below:
	-- given a page here, it would be told from a new visitor's by
	-- nothing.  A known visitor's row left as it is is not returned,
	-- and its page is looked at below, as its later visits' are.
	WITH firsts AS (
		SELECT DISTINCT ON (u.h) u.h, u.p, u.g, u.i
		  FROM unnest(p_hashes, v_prev, v_cid, v_pid) WITH ORDINALITY
		      AS u(h, p, c, g, i)
		 WHERE u.h IS NOT NULL AND u.c IS NOT NULL
		 ORDER BY u.h, u.i
	), src AS (
		SELECT f.h, f.g, f.i, pv.counted_at AS carried,
		       pv.seen_at AS carried_seen, pv.pages AS carried_pages
		  FROM firsts f
		  LEFT JOIN LATERAL (SELECT x.counted_at, x.seen_at, x.pages
		      FROM footfall.visitor x
		     WHERE x.hash = f.p AND x.counted_at > v_since
		     LIMIT 1) pv ON true
	), ins AS (
		INSERT INTO footfall.visitor AS v
		    (hash, counted_at, seen_at, pages)
		SELECT s.h, coalesce(s.carried, now()), s.carried_seen,
		       CASE WHEN s.g IS NULL THEN coalesce(s.carried_pages, '{}')
		           ELSE array_remove(coalesce(s.carried_pages, '{}'), s.g)
		               || s.g END
		  FROM src s ORDER BY s.h
		ON CONFLICT (hash) DO UPDATE
		    SET counted_at = CASE WHEN v.counted_at <= v_since
		            THEN excluded.counted_at ELSE v.counted_at END,
		        seen_at = CASE WHEN v.counted_at <= v_since
		            THEN excluded.seen_at ELSE v.seen_at END,
		        pages = CASE WHEN v.counted_at <= v_since
		            THEN excluded.pages ELSE v.pages
		            || excluded.pages[cardinality(excluded.pages)] END
		    WHERE v.counted_at <= v_since OR
		        (v.counted_at <> now() AND cardinality(excluded.pages) > 0
		        AND excluded.pages[cardinality(excluded.pages)]
		        <> ALL (v.pages))
		RETURNING v.hash, v.counted_at
	)
	SELECT coalesce(array_agg(s.i::integer ORDER BY s.i)
	           FILTER (WHERE s.carried IS NULL AND ins.counted_at = now()),
	           '{}'),
	       coalesce(array_agg(s.i::integer ORDER BY s.i)
	           FILTER (WHERE s.g IS NOT NULL AND
	           (s.carried IS NULL OR s.g <> ALL (s.carried_pages))), '{}'),
	       coalesce(array_agg(s.i::integer ORDER BY s.i)
	           FILTER (WHERE s.g IS NOT NULL), '{}')
	  INTO v_new, v_pos, v_set
	  FROM src s JOIN ins ON ins.hash = s.h;
	-- Each visit's page new to its visitor, and each visit whose page
	-- is settled: those the upsert wrote.
	v_pnw := array_fill(false, ARRAY[v_n]);
	FOREACH v_i IN ARRAY v_pos LOOP
		v_pnw[v_i] := true;
	END LOOP;
	v_done := array_fill(false, ARRAY[v_n]);
	FOREACH v_i IN ARRAY v_set LOOP
		v_done[v_i] := true;
	END LOOP;

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

	-- With count_interval, which visits count is known only now.
	IF p_pages IS NOT NULL AND p_interval > 0 THEN
		v_pid := footfall.page_ids(v_cid, v_counted, p_pages,
		    p_page_make, p_max_pages, false);
	END IF;
	-- Visits that count for no page (none made, or all refused) skip
	-- the statements below: each costs its execution, rows or not.
	IF cardinality(array_remove(v_pid, NULL)) > 0 THEN
		-- A tracked visit's page is new for its visitor if its row
		-- (locked by the upsert above, which locks a row it leaves
		-- as it is too) does not have it: the first of the batch's
		-- visits of that visitor and page adds it.  Only the visits
		-- whose page the upsert did not write are looked at (a
		-- known visitor's visit to a page it has, a visitor's later
		-- visits in the batch, every visit with count_interval): each
		-- costs a probe of the visitor table.
		IF EXISTS (SELECT FROM unnest(p_hashes, v_pid, v_done)
		    AS u(h, g, dn)
		    WHERE u.h IS NOT NULL AND u.g IS NOT NULL AND NOT u.dn) THEN
			WITH pairs AS (
				SELECT DISTINCT ON (u.h, u.g) u.h, u.g, u.i
				  FROM unnest(p_hashes, v_pid, v_done)
				      WITH ORDINALITY AS u(h, g, dn, i)
				 WHERE u.h IS NOT NULL AND u.g IS NOT NULL
				   AND NOT u.dn
				 ORDER BY u.h, u.g, u.i
			), fresh AS (
				-- By the primary key, for the reason given above.
				SELECT p.h, p.g, p.i
				  FROM pairs p
				  JOIN LATERAL (SELECT x.pages
				      FROM footfall.visitor x
				     WHERE x.hash = p.h
				     LIMIT 1) x ON true
				 WHERE p.g <> ALL (x.pages)
			), upd AS (
				-- Every row is there and locked: always the
				-- conflict, found by the primary key whatever the
				-- plan (an UPDATE, joined to fresh or by hash =
				-- ANY (...), planned while the table was small,
				-- read every visitor: bench/run and pgbench saw
				-- it, doc/bench.md).
				INSERT INTO footfall.visitor AS v
				    (hash, counted_at, pages)
				SELECT f.h, now(), array_agg(f.g ORDER BY f.i)
				  FROM fresh f
				 GROUP BY f.h
				 ORDER BY f.h
				ON CONFLICT (hash) DO UPDATE
				    SET pages = v.pages || excluded.pages
			)
			SELECT coalesce(array_agg(f.i::integer), '{}') INTO v_pos
			  FROM fresh f;
			FOREACH v_i IN ARRAY v_pos LOOP
				v_pnw[v_i] := true;
			END LOOP;
		END IF;
		-- Each page's day: one row a page and batch, moved into
		-- page_total and page_daily by the purge (step 011).
		INSERT INTO footfall.page_day AS t
		    (page, day, slot, visits, uniques)
		SELECT u.g, v_day, v_slot, count(*), count(*) FILTER (WHERE u.nw)
		  FROM unnest(v_pid, v_pnw) AS u(g, nw)
		 WHERE u.g IS NOT NULL
		 GROUP BY u.g ORDER BY u.g
		ON CONFLICT (page, day, slot) DO UPDATE
		    SET visits = t.visits + excluded.visits,
		        uniques = t.uniques + excluded.uniques;
	END IF;

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
	-- The batch's id, for batch_committed, with the day's numbers.
	WITH b AS (INSERT INTO footfall.batch (id) VALUES (v_batch))
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

	-- Each visit sees its counter's numbers, and its page's, less what
	-- the visits after it in the batch added.
	RETURN QUERY
	SELECT u.c IS NULL, u.nw, u.cnt,
	    coalesce(s.v - sum(u.cnt::integer) OVER later, s.v, 0)::bigint,
	    coalesce(s.u - sum(u.nw::integer) OVER later, s.u, 0)::bigint,
	    pg_current_xact_id(), v_batch,
	    CASE WHEN u.g IS NOT NULL THEN
	        coalesce(pt.v - count(u.g) OVER plater, pt.v)::bigint END,
	    CASE WHEN u.g IS NOT NULL THEN
	        coalesce(pt.u - sum(u.pnw::integer) OVER plater, pt.u)::bigint
	    END
	  FROM unnest(v_cid, v_counted, v_isnew,
	      coalesce(v_pid, array_fill(NULL::integer, ARRAY[v_n])), v_pnw)
	      WITH ORDINALITY AS u(c, cnt, nw, g, pnw, i)
	  LEFT JOIN (SELECT t.counter, sum(t.visits) AS v, sum(t.uniques) AS u
	      FROM footfall.counter_total t WHERE t.counter = ANY (v_cid)
	     GROUP BY t.counter) s ON s.counter = u.c
	  LEFT JOIN (SELECT t.page, sum(t.visits) AS v, sum(t.uniques) AS u
	      FROM footfall.page_sum t WHERE t.page = ANY (v_pid)
	     GROUP BY t.page) pt ON pt.page = u.g
	WINDOW later AS (PARTITION BY u.c ORDER BY u.i DESC
	    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
	    plater AS (PARTITION BY u.g ORDER BY u.i DESC
	    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
	 ORDER BY u.i;
END
$$;

-- Did the batch p_id (count_batch's batch_id) commit?  footfall asks
-- when the answer to its commit was lost: the connection cut after the
-- Sync (a pooler's "server conn crashed?" included), a failover, the
-- wait for a synchronous standby cancelled.  It inserts the id as a
-- tombstone: a conflict means the batch's own row is there, so it
-- committed; a row inserted means it did not, and now never can.  A
-- batch still committing (its backend has not yet noticed the lost
-- connection, or waits for a synchronous standby) holds its row's
-- index entry, and the insert waits for its outcome; footfall gives up
-- at db_timeout and answers 504.
--
-- A true answer must promise what the batch's own commit would have:
-- that it is on the synchronous standby too, not only on this server,
-- where a commit whose wait for the standby was cancelled stays
-- ("canceling wait for synchronous replication").  So on a conflict it
-- also rewrites the batch's row: this transaction then writes WAL and
-- commits with a record of its own, after the batch's, and its commit
-- waits for the standby as the batch's did.  (A transaction that only
-- took an id but wrote nothing would not wait.)  Its answer arriving
-- without a warning, which footfall watches for, means the batch is
-- replicated.
CREATE OR REPLACE FUNCTION footfall_api.batch_committed(p_id uuid)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF p_id IS NULL THEN
		RAISE EXCEPTION 'a batch id expected' USING ERRCODE = '22023';
	END IF;
	INSERT INTO footfall.batch (id) VALUES (p_id)
	ON CONFLICT (id) DO NOTHING;
	IF FOUND THEN
		RETURN false;
	END IF;
	UPDATE footfall.batch b SET at = b.at WHERE b.id = p_id;
	RETURN true;
END
$$;

-- The numbers of the counters p_names, in that order: found is false
-- (and the numbers 0) for a counter that does not exist.
--
-- PL/pgSQL, not SQL, here and in daily_stats: a SQL function that is
-- not inlined (SECURITY DEFINER, SET) has its body planned at every
-- call, and planning was most of what a /stats cost PostgreSQL (about
-- 250 of 290 us for read_counters, 600 of 700 us for daily_stats, a
-- million stored, pgbench); PL/pgSQL keeps each session's plan.  But
-- a plan it keeps while a table is small would scan all of it as the
-- table grows (test_db daily_stats_reads_the_window_only saw a week's
-- statistics read 13,152 rows): enable_seqscan off makes each read a
-- probe of the primary key whatever the statistics say, and keeps the
-- cached plan (force_custom_plan would plan each call again: twice the
-- cost).  The counter's slots are summed once (a LATERAL), not once per
-- column.
CREATE OR REPLACE FUNCTION footfall_api.read_counters(p_names text[])
RETURNS TABLE (found boolean, total_visits bigint, unique_visitors bigint,
    bots bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off
SET jit = off
AS $$
BEGIN
	RETURN QUERY
	SELECT x.id IS NOT NULL, coalesce(t.visits, 0)::bigint,
	       coalesce(t.uniques, 0)::bigint, coalesce(t.bots, 0)::bigint
	  FROM unnest(p_names) WITH ORDINALITY AS u(name, i)
	  LEFT JOIN footfall.counter x ON x.name = u.name
	  LEFT JOIN LATERAL (
		SELECT sum(c.visits) AS visits, sum(c.uniques) AS uniques,
		       sum(c.bots) AS bots
		  FROM footfall.counter_total c
		 WHERE c.counter = x.id) t ON true
	 ORDER BY u.i;
END
$$;

-- read_counters with a page for each counter: p_paths[i] (or NULL) of
-- p_names[i].  page_found is NULL without a path, else whether the page
-- exists; its numbers are 0 if it does not.
CREATE OR REPLACE FUNCTION footfall_api.read_pages(p_names text[],
    p_paths text[])
RETURNS TABLE (found boolean, total_visits bigint, unique_visitors bigint,
    bots bigint, page_found boolean, page_visits bigint,
    page_uniques bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off
SET jit = off
AS $$
BEGIN
	IF cardinality(p_paths) IS DISTINCT FROM cardinality(p_names) THEN
		RAISE EXCEPTION 'one path (or NULL) per name expected'
		    USING ERRCODE = '22023';
	END IF;
	RETURN QUERY
	SELECT x.id IS NOT NULL, coalesce(t.visits, 0)::bigint,
	       coalesce(t.uniques, 0)::bigint, coalesce(t.bots, 0)::bigint,
	       CASE WHEN u.path IS NOT NULL THEN g.id IS NOT NULL END,
	       coalesce(pt.visits, 0)::bigint, coalesce(pt.uniques, 0)::bigint
	  FROM unnest(p_names, p_paths) WITH ORDINALITY AS u(name, path, i)
	  LEFT JOIN footfall.counter x ON x.name = u.name
	  LEFT JOIN LATERAL (
		SELECT sum(c.visits) AS visits, sum(c.uniques) AS uniques,
		       sum(c.bots) AS bots
		  FROM footfall.counter_total c
		 WHERE c.counter = x.id) t ON true
	  LEFT JOIN footfall.page g ON g.counter = x.id AND g.path = u.path
	  LEFT JOIN LATERAL (
		SELECT sum(p.visits) AS visits, sum(p.uniques) AS uniques
		  FROM footfall.page_sum p
		 WHERE p.page = g.id) pt ON true
	 ORDER BY u.i;
END
$$;

-- The counter p_name's p_limit (at most top_max) most visited pages,
-- all time: path, visits and unique visitors.
CREATE OR REPLACE FUNCTION footfall_api.top_pages(p_name text,
    p_limit integer)
RETURNS TABLE (path text, visits bigint, uniques bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT g.path, sum(t.visits)::bigint, sum(t.uniques)::bigint
	  FROM footfall.counter x
	  JOIN footfall.page g ON g.counter = x.id
	  JOIN footfall.page_sum t ON t.page = g.id
	 WHERE x.name = p_name
	 GROUP BY g.id, g.path
	 ORDER BY 2 DESC, g.path
	 LIMIT least(greatest(p_limit, 1), (footfall.limits()).top_max)
$$;

-- The last p_days days (UTC, today included, oldest first, every day
-- present); zeros for every day if the counter does not exist.
--
-- The days are read by the primary key, the counter's id and the
-- window's first day as its bounds: joined to the generated days alone,
-- the planner merged the whole of the counter's history, so a year of
-- it made every /stats several times dearer (test_db
-- daily_stats_reads_the_window_only, also for read_counters' cached
-- plan above).
CREATE OR REPLACE FUNCTION footfall_api.daily_stats(p_name text,
    p_days integer)
RETURNS TABLE (day date, visits bigint, uniques bigint, bots bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off
SET jit = off
AS $$
DECLARE
	v_to	date := (now() AT TIME ZONE 'UTC')::date;
	v_from	date := v_to - (least(greatest(p_days, 1),
		    (footfall.limits()).days_max) - 1);
	v_id	integer;
BEGIN
	SELECT x.id INTO v_id FROM footfall.counter x WHERE x.name = p_name;
	RETURN QUERY
	SELECT g.day::date, coalesce(s.visits, 0)::bigint,
	       coalesce(s.uniques, 0)::bigint, coalesce(s.bots, 0)::bigint
	  FROM generate_series(v_from, v_to, interval '1 day') AS g(day)
	  LEFT JOIN (
		SELECT d.day, sum(d.visits) AS visits,
		       sum(d.uniques) AS uniques, sum(d.bots) AS bots
		  FROM footfall.daily d
		 WHERE d.counter = v_id AND d.day >= v_from
		 GROUP BY d.day) s ON s.day = g.day::date
	 ORDER BY g.day;
END
$$;

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
	       - make_interval(days => least(greatest(p_days, 1),
	           (footfall.limits()).days_max) - 1)
	 CROSS JOIN LATERAL (SELECT CASE p_what WHEN 'path' THEN l.path
	     WHEN 'referrer' THEN l.referrer WHEN 'browser' THEN l.browser
	     END AS value) v
	 WHERE x.name = p_name AND v.value IS NOT NULL
	 GROUP BY v.value
	 ORDER BY count(*) DESC, v.value COLLATE "C"
	 LIMIT least(greatest(p_limit, 1), (footfall.limits()).top_max)
$$;

-- Visitor keys: a visitor is stored as an HMAC of its address under a
-- key.  A key that lived forever would make every stored hash linkable
-- to a guessed address forever (2^32 IPv4 addresses are tried in
-- minutes), so each period (a day by default) gets a fresh random key,
-- and a key is deleted as soon as no uniqueness window can need it: when
-- its period and one window after it are over.  With key_period >=
-- window at most two keys are alive, the current one and the one before
-- it.  The keys live in the database so that every footfall process and
-- host sharing it uses the same ones; only visitor_keys() hands them
-- out.
--
-- The live keys for a key period of p_period seconds and a window of
-- p_window seconds, current first: the key of the period now() is in
-- (made from p_candidate, 32 random bytes from footfall's CSPRNG mixed
-- with the database's own, if no footfall made it yet) and the newest
-- earlier one still alive, if any.  Periods are aligned to multiples of
-- p_period since the epoch, by the database's clock, so all hosts agree
-- on them.  Expired keys are deleted first.  seconds_left is how long
-- the current key stays current, expires_in how long each key has until
-- it is deleted: footfall forgets its copy then too, even if no visit
-- comes to make it ask.
CREATE OR REPLACE FUNCTION footfall_api.visitor_keys(p_period integer,
    p_window integer, p_candidate bytea)
RETURNS TABLE (period_start bigint, key bytea, seconds_left double precision,
    expires_in double precision)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_lim	footfall.limit_values := footfall.limits();
	v_start	timestamptz;
BEGIN
	IF p_window IS NULL OR p_window < v_lim.window_min OR
	    p_period IS NULL OR p_period < p_window OR
	    p_period > v_lim.window_max THEN
		RAISE EXCEPTION 'key period out of range (window <= period)'
		    USING ERRCODE = '22023';
	END IF;
	IF p_candidate IS NULL OR octet_length(p_candidate) <> 32 THEN
		RAISE EXCEPTION 'key must be 32 bytes' USING ERRCODE = '22023';
	END IF;
	v_start := to_timestamp(floor(extract(epoch FROM now()) / p_period)
	    * p_period);
	DELETE FROM footfall.visitor_key k WHERE k.expires_at <= now();
	-- Not p_candidate itself: a parameter is written to PostgreSQL's
	-- log by log_statement, log_min_duration_statement and the like,
	-- and such a log outlives the key.  Mixed with 244 bits of the
	-- database's own CSPRNG, which never leave it, the logged candidate
	-- tells nothing about the key.
	INSERT INTO footfall.visitor_key AS k (period_start, key, expires_at)
	VALUES (v_start, sha256(p_candidate || uuid_send(gen_random_uuid())
	    || uuid_send(gen_random_uuid())),
	    v_start + make_interval(secs => p_period + p_window))
	ON CONFLICT ON CONSTRAINT visitor_key_pkey DO NOTHING;
	RETURN QUERY
	    (SELECT extract(epoch FROM k.period_start)::bigint, k.key,
	            extract(epoch FROM v_start - now())::double precision
	                + p_period,
	            extract(epoch FROM k.expires_at - now())::double precision
	       FROM footfall.visitor_key k
	      WHERE k.period_start = v_start)
	    UNION ALL
	    (SELECT extract(epoch FROM k.period_start)::bigint, k.key, 0,
	            extract(epoch FROM k.expires_at - now())::double precision
	       FROM footfall.visitor_key k
	      WHERE k.period_start < v_start
	      ORDER BY k.period_start DESC
	      LIMIT 1);
END
$$;

-- Remove what no window needs any more: every expired key, and at most
-- p_limit visitors whose window (p_window seconds) has passed; and move
-- the pages' days that are over into their totals (below).  footfall
-- calls it about once a second in small batches, so that removal never
-- holds many locks or delays a visit for long; `footfall --purge` calls
-- it until nothing is left.  SKIP LOCKED: a row a visit is renewing is
-- left for the next round, and removal never waits on a visit, so the
-- two cannot deadlock.
-- Planned afresh at each call (once a second): a plan PL/pgSQL cached
-- while the table was small would scan all of it every time as it grew.
-- And with enable_seqscan off: without statistics (a table analyzed
-- while empty), a range of days was estimated at a third of page_day's
-- rows, and a scan of all of them cheaper than the index.
CREATE OR REPLACE FUNCTION footfall_api.purge(p_window integer,
    p_limit integer, OUT visitors bigint, OUT keys bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan
SET enable_seqscan = off
SET jit = off
AS $$
DECLARE
	v_lim	footfall.limit_values := footfall.limits();
BEGIN
	IF p_window IS NULL OR p_window < v_lim.window_min OR
	    p_window > v_lim.window_max OR p_limit IS NULL OR p_limit < 1 OR
	    p_limit > v_lim.purge_max THEN
		RAISE EXCEPTION 'window or limit out of range'
		    USING ERRCODE = '22023';
	END IF;
	DELETE FROM footfall.visitor_key k WHERE k.expires_at <= now();
	GET DIAGNOSTICS keys = ROW_COUNT;
	WITH doomed AS (
		SELECT d.hash FROM footfall.visitor d
		 WHERE d.counted_at <= now() - make_interval(secs => p_window)
		 ORDER BY d.counted_at
		 LIMIT p_limit
		   FOR UPDATE SKIP LOCKED
	)
	DELETE FROM footfall.visitor v USING doomed
	 WHERE v.hash = doomed.hash;
	GET DIAGNOSTICS visitors = ROW_COUNT;
	-- The pages' days that no batch can write any more move from
	-- page_day into page_total and page_daily (step 011).  A batch
	-- writes the day its transaction began and lasts seconds, so from
	-- 01:00 (UTC) yesterday is over.  One statement, in one
	-- transaction: a reader sees a day's rows in page_day or in the
	-- other two, never in both nor in neither; of two purges at once
	-- the second waits for the first's rows and finds them gone.  In
	-- the order of the import's locks (page_day first), and of the
	-- rows' keys.  Not reported: bookkeeping.
	WITH moved AS (
		DELETE FROM footfall.page_day d
		 WHERE d.day < ((now() - interval '1 hour')
		     AT TIME ZONE 'UTC')::date
		RETURNING d.page, d.day, d.slot, d.visits, d.uniques
	), tot AS (
		INSERT INTO footfall.page_total AS t
		    (page, slot, visits, uniques)
		SELECT m.page, m.slot, sum(m.visits), sum(m.uniques)
		  FROM moved m
		 GROUP BY m.page, m.slot ORDER BY m.page, m.slot
		ON CONFLICT (page, slot) DO UPDATE
		    SET visits = t.visits + excluded.visits,
		        uniques = t.uniques + excluded.uniques
	)
	INSERT INTO footfall.page_daily AS t (page, day, slot, visits, uniques)
	SELECT m.page, m.day, m.slot, m.visits, m.uniques
	  FROM moved m ORDER BY m.page, m.day, m.slot
	ON CONFLICT (page, day, slot) DO UPDATE
	    SET visits = t.visits + excluded.visits,
	        uniques = t.uniques + excluded.uniques;
END
$$;

-- purge above, and the visit log: rows older than p_retention seconds
-- go too, at most p_limit of them a call, each counter's oldest first.
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
DECLARE
	v_old	uuid;
BEGIN
	-- From a day to days_max days.
	IF p_retention IS NULL OR p_retention < 86400 OR
	    p_retention > (footfall.limits()).days_max * 86400 THEN
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
	-- Batch ids older than an hour: batch_committed is asked at most
	-- 2 * db_timeout (at most 20 minutes) after a batch began, while
	-- its footfall waits for the commit and then for the answer, so
	-- no one asks about an id this old (with the servers' clocks kept
	-- within minutes of each other across a failover).  Up to ten
	-- times p_limit a call, about once a second for each footfall: more
	-- than its commits.  Not reported: bookkeeping, not visitors' data.
	v_old := footfall.uuid7(now() - interval '1 hour', false);
	DELETE FROM footfall.batch b
	 WHERE b.id = ANY (ARRAY(SELECT d.id FROM footfall.batch d
	     WHERE d.id < v_old ORDER BY d.id LIMIT p_limit * 10
	     FOR UPDATE SKIP LOCKED));
END
$$;

-- Everything an export holds (footfall --export), the slots summed:
-- each counter's days that hold numbers (path NULL), then each of its
-- pages' all-time numbers (day NULL) and days that hold numbers, by
-- counter and path (COLLATE "C") and day.  A page's totals are there
-- as well as its days because they hold more: a page made before step
-- 009 has no days before it.
CREATE OR REPLACE FUNCTION footfall_api.export_history()
RETURNS TABLE (name text, path text, day date, visits bigint,
    uniques bigint, bots bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT h.* FROM (
		SELECT x.name, NULL::text AS path, d.day,
		       sum(d.visits)::bigint, sum(d.uniques)::bigint,
		       sum(d.bots)::bigint
		  FROM footfall.counter x
		  JOIN footfall.daily d ON d.counter = x.id
		 GROUP BY x.name, d.day
		HAVING sum(d.visits) + sum(d.uniques) + sum(d.bots) > 0
		UNION ALL
		SELECT x.name, g.path, NULL, sum(t.visits)::bigint,
		       sum(t.uniques)::bigint, 0
		  FROM footfall.counter x
		  JOIN footfall.page g ON g.counter = x.id
		  JOIN footfall.page_sum t ON t.page = g.id
		 GROUP BY x.name, g.path
		UNION ALL
		SELECT x.name, g.path, d.day, sum(d.visits)::bigint,
		       sum(d.uniques)::bigint, 0
		  FROM footfall.counter x
		  JOIN footfall.page g ON g.counter = x.id
		  JOIN footfall.page_days d ON d.page = g.id
		 GROUP BY x.name, g.path, d.day
		HAVING sum(d.visits) + sum(d.uniques) > 0) h
	 ORDER BY h.name COLLATE "C", h.path COLLATE "C" NULLS FIRST,
	     h.day NULLS FIRST
$$;

-- Import days of history (footfall --import): row i of the arrays adds
-- p_visits[i], p_uniques[i] and p_bots[i] on day p_days[i] to counter
-- p_names[i] and its totals, or with p_paths[i] to that page of it and
-- the page's totals (p_bots[i] 0: pages count no bots), making the
-- counter or page if need be, whatever max_counters and max_pages say:
-- the operator runs it.  A counter's row adds nothing to its pages, nor
-- a page's to its counter.  All or nothing: if any of those days
-- already holds numbers for its counter or page (counted by footfall,
-- or imported before), nothing is imported and the rows' positions
-- (1-based) are returned, so that a file cannot be imported twice nor
-- add to days footfall counted.  The caller checks the rows themselves
-- (footfall's history.c).  The table locks keep a batch from making one
-- of those days between the check and the insert.  No batch may hold a
-- row the import needs while it waits for a table the import holds:
-- so first the locks under which count_batch makes counters and pages
-- (a batch making one the import names holds its new row), then the
-- tables of numbers: page_day (a batch's page rows, which the import
-- reads), page_total and page_daily (where the import writes a page's
-- days, and the purge moves page_day's, in that order), then the
-- counter's two, in the order count_batch writes them (a batch on slot
-- 0 adds to the rows the import adds to).  Batches wait for the
-- import's few statements.
CREATE OR REPLACE FUNCTION footfall_api.import_history(p_names text[],
    p_paths text[], p_days date[], p_visits bigint[], p_uniques bigint[],
    p_bots bigint[])
RETURNS TABLE (conflict integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '5s'
AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('footfall.counter'));
	PERFORM pg_advisory_xact_lock(hashtext('footfall.page'));
	LOCK TABLE footfall.page_day, footfall.page_total, footfall.page_daily,
	    footfall.counter_total, footfall.daily IN SHARE ROW EXCLUSIVE MODE;
	RETURN QUERY
	SELECT c.n FROM (
		SELECT i.n::integer AS n
		  FROM unnest(p_names, p_days, p_paths) WITH ORDINALITY
		      AS i(name, day, path, n)
		  JOIN footfall.counter x ON x.name = i.name
		  JOIN footfall.daily d ON d.counter = x.id AND d.day = i.day
		 WHERE i.path IS NULL
		 GROUP BY i.n
		HAVING sum(d.visits) + sum(d.uniques) + sum(d.bots) > 0
		UNION ALL
		SELECT i.n::integer
		  FROM unnest(p_names, p_days, p_paths) WITH ORDINALITY
		      AS i(name, day, path, n)
		  JOIN footfall.counter x ON x.name = i.name
		  JOIN footfall.page g ON g.counter = x.id AND g.path = i.path
		  JOIN footfall.page_days d ON d.page = g.id AND d.day = i.day
		 GROUP BY i.n
		HAVING sum(d.visits) + sum(d.uniques) > 0) c
	 ORDER BY c.n;
	IF FOUND THEN
		RETURN;
	END IF;
	INSERT INTO footfall.counter (name)
	SELECT DISTINCT i.name FROM unnest(p_names) AS i(name)
	    ON CONFLICT (name) DO NOTHING;
	INSERT INTO footfall.page (counter, path)
	SELECT DISTINCT x.id, i.path
	  FROM unnest(p_names, p_paths) AS i(name, path)
	  JOIN footfall.counter x ON x.name = i.name
	 WHERE i.path IS NOT NULL
	    ON CONFLICT (counter, path) DO NOTHING;
	INSERT INTO footfall.page_daily AS d (page, day, slot, visits, uniques)
	SELECT g.id, i.day, 0, i.v, i.u
	  FROM unnest(p_names, p_paths, p_days, p_visits, p_uniques)
	       AS i(name, path, day, v, u)
	  JOIN footfall.counter x ON x.name = i.name
	  JOIN footfall.page g ON g.counter = x.id AND g.path = i.path
	ON CONFLICT (page, day, slot) DO UPDATE
	    SET visits = d.visits + excluded.visits,
	        uniques = d.uniques + excluded.uniques;
	INSERT INTO footfall.page_total AS t (page, slot, visits, uniques)
	SELECT g.id, 0, sum(i.v), sum(i.u)
	  FROM unnest(p_names, p_paths, p_visits, p_uniques)
	       AS i(name, path, v, u)
	  JOIN footfall.counter x ON x.name = i.name
	  JOIN footfall.page g ON g.counter = x.id AND g.path = i.path
	 GROUP BY g.id
	ON CONFLICT (page, slot) DO UPDATE
	    SET visits = t.visits + excluded.visits,
	        uniques = t.uniques + excluded.uniques;
	INSERT INTO footfall.daily AS d (counter, day, slot, visits, uniques,
	    bots)
	SELECT x.id, i.day, 0, i.v, i.u, i.b
	  FROM unnest(p_names, p_paths, p_days, p_visits, p_uniques, p_bots)
	       AS i(name, path, day, v, u, b)
	  JOIN footfall.counter x ON x.name = i.name
	 WHERE i.path IS NULL
	ON CONFLICT (counter, day, slot) DO UPDATE
	    SET visits = d.visits + excluded.visits,
	        uniques = d.uniques + excluded.uniques,
	        bots = d.bots + excluded.bots;
	INSERT INTO footfall.counter_total AS t (counter, slot, visits, uniques,
	    bots)
	SELECT x.id, 0, sum(i.v), sum(i.u), sum(i.b)
	  FROM unnest(p_names, p_paths, p_visits, p_uniques, p_bots)
	       AS i(name, path, v, u, b)
	  JOIN footfall.counter x ON x.name = i.name
	 WHERE i.path IS NULL
	 GROUP BY x.id
	ON CONFLICT (counter, slot) DO UPDATE
	    SET visits = t.visits + excluded.visits,
	        uniques = t.uniques + excluded.uniques,
	        bots = t.bots + excluded.bots;
END
$$;

-- Only footfall_app may call them; footfall.limits is for them alone.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA footfall, footfall_api FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA footfall_api TO footfall_app;
RESET ROLE;
