-- footfall functions, migration 002.  Idempotent.  SECURITY DEFINER with
-- a pinned search_path: the caller needs no table privileges, and cannot
-- redirect the names used inside.

-- The numbers, without recording anything.
CREATE OR REPLACE FUNCTION footfall_api.read_counts()
RETURNS TABLE (total_visits bigint, unique_visitors bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT sum(visits)::bigint, sum(uniques)::bigint FROM footfall.total
$$;

ALTER FUNCTION footfall_api.read_counts() OWNER TO footfall_owner;
REVOKE ALL ON FUNCTION footfall_api.read_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION footfall_api.read_counts() TO footfall_app;

