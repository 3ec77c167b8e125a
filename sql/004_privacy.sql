-- footfall migration 004: rotating visitor keys and the removal of what
-- is no longer needed.  Idempotent.  See README "Privacy".
--
-- A visitor is stored as an HMAC of its address under a key.  A key that
-- lived forever would make every stored hash linkable to a guessed
-- address forever (2^32 IPv4 addresses are tried in minutes), so each
-- period (a day by default) gets a fresh random key, and a key is
-- deleted as soon as no uniqueness window can need it: when its period
-- and one window after it are over.  With key_period >= window at most
-- two keys are alive, the current one and the one before it.  The keys
-- live here so that every footfall process and host sharing the database
-- uses the same ones; only visitor_keys() hands them out.

-- expires_at is fixed when the key is made: period_start + period +
-- window with the settings of the footfall that made it.
CREATE TABLE IF NOT EXISTS footfall.visitor_key (
	period_start	timestamptz PRIMARY KEY,
	key		bytea NOT NULL CHECK (octet_length(key) = 32),
	expires_at	timestamptz NOT NULL
);
ALTER TABLE footfall.visitor_key OWNER TO footfall_owner;

-- The removal of expired visitors walks this index, oldest first.
CREATE INDEX IF NOT EXISTS visitor_counted_at
    ON footfall.visitor (counted_at);

-- The live keys for a key period of p_period seconds and a window of
-- p_window seconds, current first: the key of the period now() is in
-- (made from p_candidate, 32 random bytes from footfall's CSPRNG mixed
-- with the database's own, if
-- no footfall made it yet) and the newest earlier one still alive, if
-- any.  Periods are aligned to multiples of p_period since the epoch,
-- by the database's clock, so all hosts agree on them.  Expired keys
-- are deleted first.  seconds_left is how long the current key stays
-- current, expires_in how long each key has until it is deleted: footfall
-- forgets its copy then too, even if no visit comes to make it ask.
-- (Dropped first: the result's columns changed while 004 was new.)
DROP FUNCTION IF EXISTS footfall_api.visitor_keys(integer, integer, bytea);
CREATE FUNCTION footfall_api.visitor_keys(p_period integer,
    p_window integer, p_candidate bytea)
RETURNS TABLE (period_start bigint, key bytea, seconds_left double precision,
    expires_in double precision)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_start	timestamptz;
BEGIN
	IF p_window IS NULL OR p_window < 60 OR p_window > 366 * 86400 OR
	    p_period IS NULL OR p_period < p_window OR
	    p_period > 366 * 86400 THEN
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

ALTER FUNCTION footfall_api.visitor_keys(integer, integer, bytea)
    OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.visitor_keys(integer, integer, bytea)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.visitor_keys(integer, integer, bytea)
    TO footfall_app;

-- Remove what no window needs any more: every expired key, and at most
-- p_limit visitors whose window (p_window seconds) has passed.  footfall
-- calls it about once a second in small batches, so that removal never
-- holds many locks or delays a visit for long; `footfall --purge` calls
-- it until nothing is left.  SKIP LOCKED: a row a visit is renewing is
-- left for the next round, and removal never waits on a visit, so the
-- two cannot deadlock.
-- Planned afresh at each call (once a second): a plan PL/pgSQL cached
-- while the table was small would scan all of it every time as it grew
-- (see purge in 005).
CREATE OR REPLACE FUNCTION footfall_api.purge(p_window integer,
    p_limit integer, OUT visitors bigint, OUT keys bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
	IF p_window IS NULL OR p_window < 60 OR p_window > 366 * 86400 OR
	    p_limit IS NULL OR p_limit < 1 OR p_limit > 100000 THEN
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
END
$$;

ALTER FUNCTION footfall_api.purge(integer, integer) OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.purge(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.purge(integer, integer)
    TO footfall_app;
